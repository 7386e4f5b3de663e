"""Tasks: what a researcher counts in a plan, with who leads, who coordinates and by when.

Tasks come from two places:

- **appendix tables**: every numbered row (sub-rows such as 11.1 too, with their parent);
  a Roman row naming an agency ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ") leads the rows under it, a Roman
  row naming a theme only groups them;
- **task sections of the body** (headed "nhiệm vụ", "giải pháp", "tổ chức thực hiện", "nội
  dung thực hiện", "phân công" …): every numbered or lettered item, bullet and paragraph that
  says what to do. Agency headings ("1.1. Sở Kế hoạch và Đầu tư: Chủ trì phối hợp với …:")
  and introductions ending in ":" are not tasks themselves; their roles pass to the tasks
  under them. A "Thời gian thực hiện: …" line is the deadline of the node it stands under.

Body tasks that the appendix repeats are linked to the appendix row (their span is kept as
a second source), not counted twice. Paths are the numbering as printed, qualified by the
Roman section in the body ("III.1.3") and by the group in tables whose numbering restarts
per group ("XV.1").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from policykg.graph.agencies import (
    AgencySpan,
    Roles,
    agencies_cover,
    agency_heading,
    roles_in_sentence,
    split_agencies,
)
from policykg.graph.citations import int_to_roman, roman_to_int
from policykg.graph.deadlines import Deadline, DeadlineMention, find_deadlines, parse_deadline
from policykg.graph.segment import Node, Row, Table
from policykg.graph.textview import TextView, collapse_spaces, fold

_TASK_SECTION = re.compile(
    r"nhiem vu|giai phap|to chuc thuc hien|noi dung thuc hien|phan cong|tien do|trach nhiem|"
    r"che do (?:thong tin,? )?bao cao"
)
_NOT_TASK_SECTION = re.compile(r"^(?:muc dich|yeu cau|muc tieu|quan diem)")
#: A section that reviews what was done ("KẾT QUẢ THỰC HIỆN", "ĐÁNH GIÁ TÌNH HÌNH"): its
#: "đã chủ trì" is the past.
_REVIEW_SECTION = re.compile(r"(?:ket qua|danh gia|tinh hinh|thuc trang|so ket|tong ket)")
#: An agency put in charge of a task ("Sở Tài chính chủ trì", "giao Sở Nội vụ chủ trì").
_IN_CHARGE = re.compile(r"\bchu tri\b")
_DEADLINE_NOTE = re.compile(r"(?:thoi gian|thoi han)\b")
_SELF_STATEMENT = re.compile(
    r"(?:ke hoach|quyet dinh|nghi quyet|chuong trinh|van ban|chi thi|ket luan)"
    r"(?: hanh dong)? nay "
    # what a text says of itself: it replaces, takes effect, is spread ("Kế hoạch này được
    # phổ biến đến chi bộ", a Party text's closing formula)
    r"(?:thay the|co hieu luc|duoc (?:pho bien|quan triet|gui|trien khai) den)"
)
_APPENDIX_POINTER = re.compile(r"\bphu luc\b")
_SENTENCE_START = re.compile(r"[.;] ")
#: An item that only says where the tasks are ("2. Nhiệm vụ cụ thể của các sở, ngành được
#: phân công tại Phụ lục kèm theo Kế hoạch này.", "Các nhiệm vụ cụ thể khác: chi tiết tại
#: Phụ lục kèm theo.", "… giao các sở, ngành theo Phụ lục đính kèm."): the appendix's rows
#: are the tasks.
_POINTER_ITEM = re.compile(
    r"(?:cac )?(?:nhiem vu|danh muc|phan cong)\b[^.;]{0,160}?"
    r"\b(?:phan cong|giao|quy dinh|the hien|chi tiet|neu|de ra)\b[^.;:]{0,40}?"
    r"\b(?:tai|theo) (?:cac )?phu luc\b[^.;:]{0,80}?[.;]?"
)
#: The closing remark of a plan ("Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các
#: đơn vị báo cáo …"): what to do if something goes wrong, not a task of the plan.
_IF_PROBLEMS = re.compile(
    r"(?:[-+•*]\s{0,3})?(?:trong )?qua trinh (?:\w+ ){0,4}?(?:thuc hien|trien khai)\b[^.;]{0,80}?"
    r"\bneu (?:co |thay )?"
    r"(?:kho khan|vuong mac|phat sinh|can (?:thiet )?(?:sua doi|bo sung|dieu chinh))"
)
#: A text's closing words: "Trên đây là Kế hoạch …", and a notice's "Văn phòng … thông báo
#: để các sở, ngành … biết, thực hiện".
_CLOSING_REMARK = re.compile(
    r"(?:[-+•*]\s{0,3})?tren day la\b"
    r"|\bthong bao (?:de|cho|den) [^.;]{0,240}?\bbiet(?:,| va)? (?:thuc hien|trien khai)\b"
)
#: A last sentence that only asks for the text to be carried out ("Yêu cầu Thủ trưởng các
#: cơ quan, đơn vị … khẩn trương triển khai thực hiện./."): what is left once its agencies
#: are blanked out.
_BARE_REQUEST = re.compile(
    r"[\W]*(?:yeu cau|de nghi)?(?:[\W]+(?:thu truong|giam doc|chu tich|truong))*"
    r"[\W]*(?:can cu (?:chuc nang, )?nhiem vu (?:duoc giao )?)?"
    r"(?:(?:khan truong|nghiem tuc|chu dong) )?(?:to chuc )?(?:trien khai )?thuc hien"
    r"(?: (?:nghiem tuc|co hieu qua|kip thoi))?"
    r"(?: (?:ke hoach|chi thi|cong van|thong bao|quyet dinh|van ban) nay)?[\W]*"
)
_ROMAN_LABEL = re.compile(r"[IVXL]{1,6}")
#: A topic's title: at most sixteen words, no sentence in it and none ended ("Công tác tuyên
#: truyền", "Hoàn thiện thể chế, chính sách", "Về phát triển hợp tác xã nông nghiệp"), two
#: joined by a semicolon ("Phát triển hạ tầng, dữ liệu số; bảo đảm an ninh mạng").
_TOPIC = re.compile(r"[^\s.;:!?]+(?:[ ,\-–;]+[^\s.;:!?]+){0,15}")
_LETTER_LABEL = re.compile(r"[a-zđ]\)?")


@dataclass
class Task:
    """One task of a plan, everything in view offsets of its file."""

    path: str
    text: str
    spans: list[tuple[int, int]]
    kind: str  # table-row, item, letter, bullet, paragraph
    parent: str | None = None
    lead: list[AgencySpan] = field(default_factory=list)
    coordinating: list[AgencySpan] = field(default_factory=list)
    requested: list[AgencySpan] = field(default_factory=list)
    deadline: Deadline | None = None
    deadline_span: tuple[int, int] | None = None
    also: list[tuple[int, int]] = field(default_factory=list)  # body text repeating a row


@dataclass
class TaskAnomaly:
    """Something inconsistent in the structure or the assignments of a plan's tasks."""

    kind: str
    message: str
    spans: list[tuple[int, int]]
    task: str | None = None


@dataclass
class PlanTasks:
    """The tasks of one document part and what looked wrong while reading them."""

    tasks: list[Task] = field(default_factory=list)
    anomalies: list[TaskAnomaly] = field(default_factory=list)
    #: body statements that are not tasks themselves (introductions ending in ":"), kept to
    #: link them to the appendix rows that repeat them
    statements: list[Task] = field(default_factory=list)


def _placed(spans: list[AgencySpan], offset: int) -> list[AgencySpan]:
    """Spans found in a piece of the view, moved to view offsets."""
    return [AgencySpan(offset + s.start, offset + s.end, s.agency) for s in spans]


def _cell_agencies(view: TextView, row: Row, index: int | None) -> list[AgencySpan]:
    """The agencies a cell names, read over its lines joined: a name wrapped in its cell
    ("Sở Thông tin và" / "Truyền thông") is one name. Its span is its part on the line it
    starts on: the lines between hold other cells' text (or, across a page break, the page's
    end), which a quote of the name must not carry."""
    if index is None or index >= len(row.cells):
        return []
    spans = row.cells[index].spans
    if len(spans) == 1:
        a, b = spans[0]
        return _placed(split_agencies(view.norm[a:b]), a)
    starts: list[int] = []  # where each line's text starts in the joined text
    parts: list[str] = []
    for a, b in spans:
        starts.append(sum(len(p) + 1 for p in parts))
        parts.append(view.norm[a:b])

    out: list[AgencySpan] = []
    for found in split_agencies(" ".join(parts)):
        k = bisect_right(starts, found.start) - 1
        a, b = spans[k]
        start = a + min(found.start - starts[k], b - a)
        out.append(AgencySpan(start, min(b, a + found.end - starts[k]), found.agency))
    return out


#: "(chủ trì)" right after a name in a cell of several: that body leads, the others help.
_LEAD_MARK = re.compile(r"\s{0,3}\(\s{0,3}chu tri\s{0,3}\)")


def _marked_lead(
    view: TextView, found: list[AgencySpan]
) -> tuple[list[AgencySpan], list[AgencySpan]]:
    """(lead, coordinating) of a cell's agencies: the bodies marked "(chủ trì)" lead when
    some are marked ("Chi cục Phát triển nông thôn (chủ trì); Trung tâm Khuyến nông"), all
    lead when none is."""
    marked = [f for f in found if _LEAD_MARK.match(view.fold, f.end)]
    if not marked or len(marked) == len(found):
        return found, []
    return marked, [f for f in found if f not in marked]


def _cell_text(row: Row, index: int | None) -> str:
    return row.cells[index].text if index is not None and index < len(row.cells) else ""


# --- numbering gaps --------------------------------------------------------------------------


def _gaps(labels: list[tuple[str, tuple[int, int]]], context: str) -> list[TaskAnomaly]:
    """Jumps in a sequence of sibling labels (I, II, … or 1, 2, …), reported, not repaired."""
    out = []
    prev: int | None = None
    for label, span in labels:
        roman = bool(_ROMAN_LABEL.fullmatch(label))
        if not roman and not label.isdigit():
            prev = None
            continue
        value = roman_to_int(label) if roman else int(label)
        if prev is not None and value > prev + 1:
            missing = [int_to_roman(v) if roman else str(v) for v in range(prev + 1, value)]
            shown = int_to_roman(prev) if roman else str(prev)
            out.append(
                TaskAnomaly(
                    kind="numbering-gap",
                    message=(
                        f"{context}: numbering jumps from {shown} to {label} "
                        f"({', '.join(missing)} missing)"
                    ),
                    spans=[span],
                )
            )
        prev = value
    return out


# --- tables ----------------------------------------------------------------------------------


def _is_group_row(row: Row, table: Table) -> bool:
    label = row.label
    filled = [i for i, c in enumerate(row.cells) if c.text]
    content = table.columns.get("content", 1)
    return bool(_ROMAN_LABEL.fullmatch(label)) and set(filled) <= {0, content}


def table_tasks(view: TextView, table: Table, *, year: int | None = None) -> PlanTasks:
    """Tasks of an appendix table, with the numbering gaps it shows."""
    out = PlanTasks()
    cols = table.columns
    content = cols.get("content", 1)
    group_label, group_lead = None, []
    seen_labels: dict[str, int] = {}
    rows: list[tuple[str | None, list[AgencySpan], Row]] = []
    groups: list[tuple[str, tuple[int, int]]] = []
    for row in table.rows:
        if _is_group_row(row, table):
            group_label = row.label
            spans = row.cells[content].spans if content < len(row.cells) else []
            group_lead = []
            for a, b in spans:
                group_lead += _placed(agency_heading(view.norm[a:b]), a)
            groups.append((group_label, (row.start, row.end)))
            continue
        rows.append((group_label, group_lead, row))
        seen_labels[row.label] = seen_labels.get(row.label, 0) + 1
    restart = any(n > 1 for label, n in seen_labels.items() if label.isdigit())
    out.anomalies += _gaps(groups, "appendix table groups")
    by_group: dict[str | None, list[tuple[str, tuple[int, int]]]] = {}
    for group, _, row in rows:
        if "." not in row.label:
            by_group.setdefault(group, []).append((row.label, (row.start, row.end)))
    for group, labels in by_group.items():
        out.anomalies += _gaps(labels, f"appendix rows under {group}" if group else "appendix rows")
    paths: dict[str, str] = {}
    numbered: str | None = None  # the last row numbered "4", "2.2": the parent of "a", "b"
    bare: set[str] = set()  # rows naming no body and no time, or ending "gồm:" (a heading)
    above: tuple[str | None, list[AgencySpan]] = (None, [])  # the last row's group and lead
    for group, lead_from_group, row in rows:
        label = row.label
        path = f"{group}.{label}" if restart and group else label
        parent = None
        if _LETTER_LABEL.fullmatch(label) and numbered is not None:
            path, parent = (
                f"{numbered}.{label.rstrip(')')}",
                numbered,
            )  # "4.a", as the body's letters
        elif label[:1].isdigit():
            numbered = path
        paths[label if not restart else f"{group}.{label}"] = path
        if "." in label:
            parent_label = label.rsplit(".", 1)[0]
            parent = paths.get(parent_label if not restart else f"{group}.{parent_label}")
        cell = row.cells[content] if content < len(row.cells) else None
        text = cell.text if cell else ""
        own_lead, also = _marked_lead(view, _cell_agencies(view, row, cols.get("lead")))
        lead = own_lead or list(lead_from_group)
        if (
            not lead
            and _merged_below(row, cols.get("lead"))
            and above[0] == group
            and (_cell_text(row, cols.get("deadline")) or _cell_text(row, cols.get("coordinating")))
        ):
            lead = list(above[1])  # a cell merged over rows, written once (Word's text)
        above = (group, lead)
        task = Task(
            path=path,
            text=text,
            spans=list(cell.spans) if cell else [(row.start, row.end)],
            kind="table-row",
            parent=parent,
            lead=lead,
            coordinating=also + _cell_agencies(view, row, cols.get("coordinating")),
        )
        deadline_index = cols.get("deadline")
        deadline_text = _cell_text(row, deadline_index)
        if not deadline_text and _recurs(_cell_text(row, cols.get("start"))):
            deadline_index = cols.get("start")  # "Thường xuyên" under "Thời gian bắt đầu"
            deadline_text = _cell_text(row, deadline_index)
        if deadline_text:
            task.deadline = parse_deadline(deadline_text, context_year=year)
            span = row.cells[deadline_index].spans  # type: ignore[index]
            task.deadline_span = (span[0][0], span[-1][1]) if span else None
        else:
            _deadline_from_text(view, task)
        if not (own_lead or task.coordinating or task.deadline or split_agencies(text)):
            bare.add(path)  # nobody and no time named anywhere in the row
        elif text.rstrip().endswith(":") and not task.deadline:
            bare.add(path)  # "Hỗ trợ thành lập mới hợp tác xã, gồm:" over its a), b) rows
        out.tasks.append(task)
    _drop_heading_rows(out, bare)
    return out


def _merged_below(row: Row, index: int | None) -> bool:
    """Is the row's cell in the lead column there and empty ("2.2 | Hướng dẫn … | | |"): a
    cell merged with the one above, which a table's plain text writes once, in its first
    row?"""
    return index is not None and index < len(row.cells) and not row.cells[index].text.strip()


def _recurs(cell: str | None) -> bool:
    """Does a cell say the work recurs ("Thường xuyên", "Hằng quý")?"""
    return bool(cell) and parse_deadline(cell).recurrence is not None


def _drop_heading_rows(out: PlanTasks, bare: set[str]) -> None:
    """Rows that only head their sub-rows ("3 | Rà soát, hoàn thiện cơ chế …", naming no
    body and no time, then "3.1", "3.2"; "2.4 | Hỗ trợ …, gồm: | Phòng …" then "a)", "b)"):
    a group of tasks, as a Roman group row is, not a task; its sub-rows take its parent."""
    parents = {t.parent for t in out.tasks if t.parent}
    _drop(out, {t.path: t.parent for t in out.tasks if t.path in bare and t.path in parents})


def _drop(out: PlanTasks, dropped: dict[str, str | None]) -> None:
    """The tasks at the paths of ``dropped`` removed; their children take their parent."""
    if not dropped:
        return
    out.tasks = [t for t in out.tasks if t.path not in dropped]
    for task in out.tasks:
        while task.parent in dropped:
            task.parent = dropped[task.parent]


def _deadline_from_text(view: TextView, task: Task) -> None:
    for a, b in task.spans:
        found = find_deadlines(view.norm[a:b])
        if found:
            first = found[0]
            task.deadline = first.deadline
            task.deadline_span = (a + first.start, a + first.end)
            return


# --- body -------------------------------------------------------------------------------------


def is_task_section(view: TextView, node: Node) -> bool:
    """A Roman section whose heading announces tasks ("III. TỔ CHỨC THỰC HIỆN"), or whose
    text puts an agency in charge of something ("chủ trì") under another heading than a
    plan's aims ("II. NỘI DUNG", "III. KINH PHÍ THỰC HIỆN": "Sở Tài chính chủ trì tham mưu
    bố trí kinh phí …").

    >>> from policykg.graph.segment import segment
    >>> from policykg.graph.textview import make_view
    >>> v = make_view("II. NỘI DUNG\\n1. Sở Tư pháp chủ trì rà soát.\\nIII. MỤC TIÊU\\n1. Tăng.")
    >>> [is_task_section(v, s) for s in segment(v, 0, len(v.norm)).children]
    [True, False]
    """
    heading = fold(node.text(view))
    if _NOT_TASK_SECTION.match(heading):
        return False
    if _TASK_SECTION.search(heading):
        return True
    if _REVIEW_SECTION.match(heading):  # "I. KẾT QUẢ THỰC HIỆN": what was done, not tasks
        return False
    end = node.extent[1]
    return _IN_CHARGE.search(fold(view.norm[node.end : end])) is not None


class _NodeTexts:
    """Each node's text (:meth:`Node.text`) and its fold, computed once: the visit asks for
    them several times per node (as a child, then as the node visited). A node's children
    are forgotten once it has been visited, so only the nodes along one path are kept."""

    __slots__ = ("_folded", "_text", "view")

    def __init__(self, view: TextView) -> None:
        self.view = view
        self._text: dict[Node, str] = {}
        self._folded: dict[Node, str] = {}

    def text(self, node: Node) -> str:
        text = self._text.get(node)
        if text is None:
            text = self._text[node] = node.text(self.view)
        return text

    def folded(self, node: Node) -> str:
        folded = self._folded.get(node)
        if folded is None:
            folded = self._folded[node] = fold(self.text(node))
        return folded

    def forget(self, nodes: list[Node]) -> None:
        for node in nodes:
            self._text.pop(node, None)
            self._folded.pop(node, None)


def _is_deadline_note(texts: _NodeTexts, node: Node) -> bool:
    return node.kind in ("bullet", "paragraph") and bool(_DEADLINE_NOTE.match(texts.folded(node)))


#: A line under an item that fills one of its fields ("- Đơn vị chủ trì: Sở Tư pháp.",
#: "- Đơn vị phối hợp: Công an tỉnh, …", "- Sản phẩm: Quyết định …"): the item's lead, its
#: coordinating bodies, or what it yields (no task of its own). The time field is a
#: deadline note.
_FIELD_NOTE = re.compile(
    r"(?P<label>(?:(?:don vi|co quan)(?:,? (?:don vi|co quan))? )?(?:chu tri|phoi hop|thuc hien)"
    r"(?: thuc hien)?|san pham(?: dau ra)?|ket qua(?: dau ra)?|(?:nguon )?kinh phi(?: thuc hien)?)"
    r" ?:"
)


def _field_note(texts: _NodeTexts, node: Node) -> tuple[str, list[AgencySpan]] | None:
    """The field a line under an item fills: ("lead" | "coordinating" | "other", the
    agencies it names, placed in the view), or None for any other line."""
    if node.kind not in ("bullet", "paragraph"):
        return None
    m = _FIELD_NOTE.match(texts.folded(node))
    if m is None:
        return None
    label = m["label"]
    if "phoi hop" in label:
        role = "coordinating"
    elif "chu tri" in label or "thuc hien" in label:
        role = "lead"
    else:
        return "other", []
    rest = texts.text(node)[m.end() :]
    return role, _placed(split_agencies(rest), node.body_start + m.end())


#: What is left of an assignment note once its agencies and its deadline are blanked out:
#: "Giao <A> chủ trì, phối hợp với <B> thực hiện; <deadline>." says who does the item above.
_ASSIGNMENT_ONLY = re.compile(
    r"[\W]*(?:giao[\W]+)?chu tri(?:[\W]+(?:va )?phoi hop(?: voi)?"
    r"(?:[\W]+cac (?:co quan|don vi|dia phuong)(?: co)?(?: lien quan)?)?)?"
    r"(?:[\W]+(?:to chuc )?(?:thuc hien|trien khai(?: thuc hien)?))?[\W]*"
)


def _assignment_note(texts: _NodeTexts, node: Node) -> tuple[Roles, DeadlineMention | None] | None:
    """The roles (and deadline) of a paragraph under an item that only says who does the item
    ("d) Xây dựng cơ sở dữ liệu …" then "Giao Trung tâm … chủ trì, phối hợp với Liên minh
    Hợp tác xã tỉnh thực hiện; hoàn thành tháng 9/2024."), else None: such a paragraph is no
    task of its own."""
    if node.kind != "paragraph":
        return None
    text = texts.text(node)
    roles = roles_in_sentence(text)
    if not roles.lead:
        return None
    deadline = _main_deadline(find_deadlines(text), text)
    blanks = [(a.start, a.end) for a in (*roles.lead, *roles.coordinating)]
    if deadline is not None:
        blanks.append((deadline.start, deadline.end))
    if not _ASSIGNMENT_ONLY.fullmatch(_blanked(texts.folded(node), blanks)):
        return None
    return roles, deadline


def _blanked(folded: str, spans: list[tuple[int, int]]) -> str:
    """``folded`` with the given spans (agencies, a deadline) written as spaces: what the
    words around them say."""
    chars = list(folded)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _bare_closing_request(texts: _NodeTexts, node: Node) -> bool:
    """The text's last words ask its addressees to carry it out and say nothing else
    ("Yêu cầu Thủ trưởng các cơ quan, đơn vị … khẩn trương triển khai thực hiện./.")."""
    text = texts.text(node).rstrip()
    if not text.endswith("./.") or node.kind not in ("paragraph", "bullet"):
        return False
    folded = texts.folded(node).rstrip()
    # "… nghiêm túc triển khai thực hiện. Quá trình thực hiện nếu có khó khăn, vướng mắc
    # báo cáo …./.": what to do if something goes wrong is no task either
    cut = next(
        (
            m.start()
            for m in _SENTENCE_START.finditer(folded)
            if _IF_PROBLEMS.match(folded, m.end())
        ),
        None,
    )
    if cut is not None:
        text, folded = text[:cut], folded[:cut]
    roles = roles_in_sentence(text)
    spans = [(a.start, a.end) for a in (*roles.lead, *roles.coordinating, *roles.requested)]
    return _BARE_REQUEST.fullmatch(_blanked(folded, spans)) is not None


def _is_pure_heading(texts: _NodeTexts, node: Node) -> bool:
    """The node only names agencies ("c) Sở Thông tin và Truyền thông")."""
    text = texts.text(node).rstrip(" :.;")
    if not text:
        return True
    # the agencies cover 85 % of the non-blank characters, or all but 6 characters
    return agencies_cover(text, min(0.85 * len(text.replace(" ", "")), len(text) - 6))


def _excluded(texts: _NodeTexts, node: Node) -> bool:
    folded = texts.folded(node)
    return (
        node.kind in ("table", "appendix", "closing", "document", "section")
        or _is_deadline_note(texts, node)
        or bool(_SELF_STATEMENT.search(folded))
        or bool(_IF_PROBLEMS.match(folded))
        or bool(_CLOSING_REMARK.search(folded))
        or _bare_closing_request(texts, node)
        or folded.startswith("(")
        or (node.kind == "paragraph" and bool(_APPENDIX_POINTER.search(folded)))
        or _POINTER_ITEM.fullmatch(folded.rstrip()) is not None
    )


@dataclass
class _Context:
    lead: list[AgencySpan] = field(default_factory=list)
    coordinating: list[AgencySpan] = field(default_factory=list)
    requested: list[AgencySpan] = field(default_factory=list)
    deadline: Deadline | None = None
    deadline_span: tuple[int, int] | None = None
    #: under a request to a group ("Đề nghị các sở, ngành …:"): the bodies named below are
    #: asked (requested), not assigned
    asking: bool = False


def _path(node: Node) -> str:
    """The numbering as printed, qualified by the Roman section: "III.1.3", "II.1.a-2"."""
    parts: list[str] = []
    chain = [n for n in [node, *node.ancestors()] if n.kind != "document"]
    for n in reversed(chain):
        label = n.label or ""
        if n.kind == "item" and parts and label.startswith(parts[-1] + "."):
            parts[-1] = label  # "1.1" already says it is under "1"
        elif n.kind in ("section", "item", "letter"):
            parts.append(label)
        else:
            parts.append(f"-{n.ordinal}" if n.kind == "bullet" else f"p{n.ordinal}")
    path = ""
    for part in parts:
        path += part if part.startswith("-") or not path else f".{part}"
    return path


def _body_visit(
    texts: _NodeTexts,
    node: Node,
    ctx: _Context,
    section: Node,
    out: PlanTasks,
    parent_task: str | None = None,
) -> None:
    text = texts.text(node)
    offset = node.body_start
    own = roles_in_sentence(text)
    item = node.kind in ("item", "letter")
    heading = _placed(agency_heading(text, titles=True), offset) if item else []
    here = _Context(
        ctx.lead, ctx.coordinating, ctx.requested, ctx.deadline, ctx.deadline_span, ctx.asking
    )
    lead = _placed(own.lead, offset) or heading
    if lead and ctx.asking and not own.requested:
        # "Đề nghị các sở, ngành:" above, then "+ Sở Lao động …: …": asked, not assigned
        here.lead = []
        here.coordinating = _placed(own.coordinating, offset)
        here.requested = lead
    elif lead:  # its own lead: nothing of the roles above (an item's "Đề nghị …" included)
        here.lead = lead
        here.coordinating = _placed(own.coordinating, offset)
        here.requested = []
    elif own.coordinating:
        here.coordinating = ctx.coordinating + _placed(own.coordinating, offset)
    if own.requested:
        here.requested = _placed(own.requested, offset)
        if not lead:
            here.lead = []
            # "6. Đề nghị các sở, ngành liên quan" over its items, or "… các nội dung sau:":
            # the bodies its items name are asked too (not after a request of its own)
            rest = text[own.requested[-1].end :]
            here.asking = text.rstrip().endswith(":") or not any(c.isalpha() for c in rest)
    notes = [c for c in node.children if _is_deadline_note(texts, c)]
    for note in notes:
        found = parse_deadline(texts.text(note))
        if found.kind != "unparsed" or found.recurrence:
            here.deadline, here.deadline_span = found, (note.body_start, note.end)
    assigned: set[Node] = set()  # paragraphs that only say who does the item
    fields = {c: f for c in node.children if (f := _field_note(texts, c)) is not None}
    if fields:  # "- Đơn vị chủ trì: …", "- Đơn vị phối hợp: …": the item's own fields
        assigned.update(fields)
        named = {
            role: [a for r, found in fields.values() if r == role for a in found]
            for role in ("lead", "coordinating")
        }
        if named["lead"]:
            lead = here.lead = named["lead"]
            here.requested = []
        if named["coordinating"]:
            here.coordinating = named["coordinating"]
    if item and not lead:
        for child in node.children:
            note_roles = _assignment_note(texts, child)
            if note_roles is None:
                continue
            assigned.add(child)
            roles, found_deadline = note_roles
            here.lead = _placed(roles.lead, child.body_start)
            here.coordinating = _placed(roles.coordinating, child.body_start)
            if found_deadline is not None:
                here.deadline = found_deadline.deadline
                start = child.body_start + found_deadline.start
                here.deadline_span = (start, child.body_start + found_deadline.end)
    children = [c for c in node.children if c not in assigned and not _excluded(texts, c)]
    has_heading_children = any(
        c.kind in ("item", "letter") and agency_heading(texts.text(c), titles=True)
        for c in children
    )
    own_deadline = _main_deadline(find_deadlines(text), text)
    topic = (  # "1. Công tác tuyên truyền" over its own tasks: a group of tasks, no task
        item
        and bool(children)
        and not (lead or own.coordinating or own.requested or own_deadline)
        and _TOPIC.fullmatch(text.strip()) is not None
    )
    is_task = (
        node.kind != "section"
        and not topic
        and not _excluded(texts, node)
        and not text.rstrip().endswith(":")  # an introduction to what follows
        and not _is_pure_heading(texts, node)
        and not has_heading_children
        and not (heading and children)  # "2. Liên minh HTX Thành phố - Cơ quan thường trực …"
        and (
            node.kind in ("item", "letter")
            or bool(here.lead or here.requested)
            or (node.parent is not None and node.parent.kind in ("item", "letter"))
        )  # a bullet straight under a section, with nobody named, is content, not a task
    )
    if own_deadline and not is_task:  # "… gửi về Sở trước ngày 30 tháng 8 năm 2021, cụ thể:"
        here.deadline = own_deadline.deadline
        here.deadline_span = (offset + own_deadline.start, offset + own_deadline.end)
    if not is_task and text.rstrip().endswith(":") and node.kind != "section":
        out.statements.append(
            Task(
                path=_path(node),
                text=text,
                spans=[(node.body_start, node.end)],
                kind=node.kind,
                deadline=here.deadline if own_deadline else None,
                deadline_span=here.deadline_span if own_deadline else None,
            )
        )
    if is_task:
        task = Task(
            path=_path(node),
            text=text,
            spans=[(node.body_start, node.end)],
            kind=node.kind,
            lead=list(here.lead),
            coordinating=list(here.coordinating),
            requested=list(here.requested),
        )
        task.parent = parent_task
        if own_deadline:
            task.deadline = own_deadline.deadline
            task.deadline_span = (offset + own_deadline.start, offset + own_deadline.end)
        else:
            task.deadline, task.deadline_span = here.deadline, here.deadline_span
        out.tasks.append(task)
    below = task.path if is_task else parent_task
    given = here  # what the children get: a heading paragraph among them hands its agencies down
    for child in children:
        if child.kind in ("item", "letter"):
            given = here
        elif child.kind == "paragraph":
            given = _heading_context(texts, child, here) or given
        _body_visit(texts, child, given, section, out, below)
    texts.forget(node.children)


#: The words that say a time phrase is the task's own deadline, not a date in its object.
_COMPLETION = re.compile(r"(?:thoi gian|hoan thanh|cham nhat|han chot)(?![a-z])")


def _main_deadline(found: list[DeadlineMention], text: str) -> DeadlineMention | None:
    """The task's deadline among the time phrases of its ``text``: of those that say they
    are one ("hoàn thành …", "chậm nhất …", "Thời gian thực hiện: …"), or else of all, the
    last to end when each has an end ("sơ kết vào quý IV/2028, tổng kết vào năm 2030";
    "trước ngày 20/12/2024 và trước ngày 20/12/2025"), else the first. In "Rà soát các hợp
    tác xã thành lập trước ngày 01/7/2024 …; hoàn thành trong Quý II/2025" the date describes
    the cooperatives. A recurrence and a dated deadline together are one deadline with both
    (:func:`_recurring_until`).

    >>> from policykg.graph.deadlines import find_deadlines
    >>> text = "lập trước ngày 01/7/2024; hoàn thành Quý II/2025"
    >>> _main_deadline(find_deadlines(text), text).deadline.text
    'hoàn thành Quý II/2025'
    """
    if not found:
        return None
    cued = [m for m in found if _COMPLETION.match(fold(m.deadline.text))] or found
    if len(cued) > 1 and all(m.deadline.end is not None for m in cued):
        main = max(cued, key=lambda m: m.deadline.end)  # the last milestone ends the task
    else:
        main = cued[0]
    return _recurring_until(found, main, text)


def _recurring_until(
    found: list[DeadlineMention], main: DeadlineMention, text: str
) -> DeadlineMention:
    """The main deadline with the other kind joined: a task that recurs and has a dated
    deadline ("hoàn thành trước 15/12/2025; báo cáo … trước ngày 10 tháng 6 và ngày 10
    tháng 12 hằng năm", "trước ngày 20 hằng tháng (báo cáo nhanh) và trước ngày 10/12/2023
    (báo cáo năm)") keeps both: the recurrence, and the latest dated end. Its span covers
    both phrases. Only one recurrence may be named, and a request ("theo đề nghị") is none.

    >>> from policykg.graph.deadlines import find_deadlines
    >>> text = "báo cáo trước ngày 20 hằng tháng và trước ngày 10/12/2023 (báo cáo năm)"
    >>> d = _main_deadline(find_deadlines(text), text).deadline
    >>> d.recurrence, str(d.end), d.kind
    ('monthly', '2023-12-10', 'recurring-until')
    """
    d = main.deadline
    recurring = [
        m
        for m in found
        if m.deadline.recurrence not in (None, "on-request") and m.deadline.end is None
    ]
    dated = [m for m in found if m.deadline.end is not None and m.deadline.recurrence is None]
    if len({m.deadline.recurrence for m in recurring}) != 1 or not dated:
        return main
    if d.recurrence is not None and d.end is None:
        rec, last = main, max(dated, key=lambda m: m.deadline.end)  # type: ignore[arg-type, return-value]
    elif d.end is not None and d.recurrence is None:
        rec, last = recurring[0], main
    else:
        return main
    a, b = min(rec.start, last.start), max(rec.end, last.end)
    both = Deadline(
        text=collapse_spaces(text[a:b]).strip(),
        start=last.deadline.start,
        end=last.deadline.end,
        recurrence=rec.deadline.recurrence,
        day=rec.deadline.day,
        kind="recurring-until",
    )
    return DeadlineMention(a, b, both)


def _heading_context(texts: _NodeTexts, node: Node, ctx: _Context) -> _Context | None:
    """The context a paragraph that names agencies and ends with a colon gives the bullets
    after it ("Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh:" then "+ …" lines):
    its agencies lead them, those it names after "phối hợp" coordinate. None when the
    paragraph is no such heading."""
    text = texts.text(node)
    if not text.rstrip().endswith(":"):
        return None
    found = _placed(agency_heading(text), node.body_start)
    if not found:
        return _request_context(texts, node, ctx)
    coordinating = _placed(roles_in_sentence(text).coordinating, node.body_start)
    return _Context(found, coordinating, ctx.requested, ctx.deadline, ctx.deadline_span)


def _request_context(texts: _NodeTexts, node: Node, ctx: _Context) -> _Context | None:
    """The context a paragraph that asks bodies for what follows gives the items after it
    ("Đề nghị các tổ chức chính trị - xã hội tỉnh … thực hiện các nội dung sau:" then "1. Hội
    Liên hiệp Phụ nữ tỉnh"): the bodies they name are asked; None when it asks nobody."""
    text = texts.text(node)
    if not text.rstrip().endswith(":"):
        return None
    roles = roles_in_sentence(text)
    if roles.lead or not roles.requested:
        return None
    requested = _placed(roles.requested, node.body_start)
    return _Context([], [], requested, ctx.deadline, ctx.deadline_span, asking=True)


def body_tasks(view: TextView, root: Node) -> PlanTasks:
    """Tasks of the body's task sections (or of the whole body when it has no sections)."""
    out = PlanTasks()
    texts = _NodeTexts(view)
    sections = [c for c in root.children if c.kind == "section"]
    out.anomalies += _gaps([(s.label or "", (s.start, s.end)) for s in sections], "body sections")
    if not sections:  # a short text with no sections: only its numbered items can be tasks
        for child in root.children:
            if child.kind == "item" and not _excluded(texts, child):
                _body_visit(texts, child, _Context(), root, out)
            texts.forget([child])
        return out
    for section in (s for s in sections if is_task_section(view, s)):
        given = _Context()  # a section's opening request hands its asking down
        for child in section.children:
            if child.kind == "paragraph":
                given = _request_context(texts, child, _Context()) or given
            if not _excluded(texts, child):
                _body_visit(texts, child, given, section, out)
            texts.forget([child])
    return out


# --- both together ------------------------------------------------------------------------------


def _tokens(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) > 1}


def _link_repeats(view: TextView, body: PlanTasks, table: PlanTasks, out: PlanTasks) -> None:
    """Body tasks whose words all stand in an appendix row are that row, not new tasks."""
    rows = [(t, _tokens(t.text)) for t in table.tasks]
    statements = {id(t) for t in body.statements}
    for task in body.tasks + body.statements:
        words = _tokens(task.text)
        if len(words) < 4:
            if id(task) not in statements:
                out.tasks.append(task)
            continue
        best, score = None, 0.0
        for row, row_words in rows:
            s = len(words & row_words) / len(words)
            if s > score:
                best, score = row, s
        if best is None or score < 0.8:
            if id(task) not in statements:
                out.tasks.append(task)
            continue
        best.also += task.spans
        if task.deadline and best.deadline and _disagree(task.deadline, best.deadline):
            out.anomalies.append(
                TaskAnomaly(
                    kind="deadline-disagreement",
                    message=(
                        f"the body says {task.deadline.text!r} where appendix row "
                        f"{best.path} says {best.deadline.text!r}"
                    ),
                    spans=[s for s in (task.deadline_span, best.deadline_span) if s],
                    task=best.path,
                )
            )


def _disagree(a: Deadline, b: Deadline) -> bool:
    """Two dated deadlines for one task that do not match (a recurrence word inside a task's
    text, such as "hàng năm", describes an activity, not the task's deadline)."""
    return a.end is not None and b.end is not None and (a.start, a.end) != (b.start, b.end)


#: "(chi tiết tại Phụ lục kèm theo)": what the item sums up is detailed in the appendix.
_DETAILED_IN_APPENDIX = re.compile(
    r"\((?:noi dung |nhiem vu )?(?:chi tiet|cu the)(?: (?:tai|theo|o|nhu))? (?:cac )?phu luc\b"
)


def _drop_summaries(body: PlanTasks) -> None:
    """Body items that sum up what the appendix details ("2. Rà soát, sắp xếp hợp tác xã
    (chi tiết tại Phụ lục)."), in a plan whose appendix table was read: its rows are the
    tasks; counted here too, the same work would be counted twice."""
    _drop(
        body, {t.path: t.parent for t in body.tasks if _DETAILED_IN_APPENDIX.search(fold(t.text))}
    )


def plan_tasks(view: TextView, root: Node, *, year: int | None = None) -> PlanTasks:
    """All tasks of one document part: its appendix tables and its body. ``year``: the one
    year the plan is for (its title's, :func:`~policykg.graph.deadlines.title_year`), the
    year of a time cell that names none ("Tháng 3", "Quý II", "Cả năm")."""
    tables = [n for n in root.walk() if n.kind == "table" and n.table is not None]
    table_out = PlanTasks()
    for node in tables:
        part = table_tasks(view, node.table, year=year)  # type: ignore[arg-type]
        table_out.tasks += part.tasks
        table_out.anomalies += part.anomalies
    body = body_tasks(view, root)
    if table_out.tasks:
        _drop_summaries(body)
    out = PlanTasks(anomalies=table_out.anomalies + body.anomalies)
    out.tasks = list(table_out.tasks)
    if table_out.tasks:
        _link_repeats(view, body, table_out, out)
    else:
        out.tasks += body.tasks
    if table_out.tasks:  # keep body paths apart from the appendix's ("IV.1" may be both)
        renamed = {}
        for task in out.tasks[len(table_out.tasks) :]:
            renamed[task.path] = task.path = f"body/{task.path}"
        for task in out.tasks[len(table_out.tasks) :]:
            task.parent = renamed.get(task.parent, task.parent) if task.parent else None
    for task in out.tasks:
        leads = {fold(p.agency.key) for p in task.lead if not p.agency.collective}
        both = [p for p in task.coordinating if fold(p.agency.key) in leads]
        if both:
            out.anomalies.append(
                TaskAnomaly(
                    kind="lead-also-coordinating",
                    message=f"task {task.path}: {both[0].agency.name} both leads and coordinates",
                    spans=[(both[0].start, both[0].end)],
                    task=task.path,
                )
            )
    return out
