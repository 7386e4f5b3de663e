"""Segment a document into a tree of sections, items, bullets, paragraphs and tables.

Every node knows its span in the view (see :mod:`policykg.graph.textview`) and its numbering
as printed. Ranks decide nesting: Roman sections (I., II.) hold numbered items (1., 1.1.),
which hold lettered items (a), đ)), which hold bullets (- then +). A paragraph that starts
in lower case continues the node before it; any other paragraph belongs to the nearest
section, item or letter. "Phụ lục" and "Nơi nhận" start top-level blocks of their own.

Appendix tables are tab-separated rows: the header row names the columns, a row whose first
cell is empty continues the row before it (a page break), and cells keep every span they
were read from.

>>> from policykg.graph.textview import make_view
>>> v = make_view("I. NHIỆM VỤ\\n1. Sở Tài chính:\\n- Cân đối kinh phí;\\n+ chi tiết\\n2. Khác")
>>> root = segment(v, 0, len(v.norm))
>>> [(n.kind, n.label) for n in root.walk()][1:]
[('section', 'I'), ('item', '1'), ('bullet', '-'), ('bullet', '+'), ('item', '2')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import zip_longest

from policykg.graph.documents import Line, lines_of
from policykg.graph.layout_tables import ROW_LABEL, header_words_only
from policykg.graph.textview import SPANNED, TextView, collapse_spaces, fold
from policykg.graph.wrapping import dangling, soft_break

#: An article of a decision or a law, "Điều 2. Tổ chức thực hiện" (on the folded line): a
#: section, labelled as printed ("Điều 2"), so that "Điều 3. … thi hành Quyết định này" is
#: not read as part of the last item of "Điều 2".
_ARTICLE = re.compile(r"dieu[ \t]{1,3}(?P<n>\d{1,3})[ \t]{0,2}[.:](?:[ \t]{0,3}(?P<rest>\S.*))?$")
_ROMAN = re.compile(r"(?P<label>[IVXL]{1,6})[ \t]{0,2}[.)][ \t]{0,3}(?P<rest>\S.*)?$")
_NUMBERED = re.compile(
    r"(?P<label>\d{1,3}(?:\.\d{1,3}){0,3})[ \t]{0,2}[.)][ \t]{0,3}(?P<rest>\S.*)?$"
)
_DOTTED = re.compile(r"(?P<label>\d{1,3}(?:\.\d{1,3}){1,3})[ \t]{1,3}(?P<rest>\S.*)$")
#: An item number of four digits or more (1000. …), read as an item only where the numbering
#: continues (after item 999, or under item 1000 for 1000.1): elsewhere it is a year.
_LONG_NUMBERED = re.compile(
    r"(?P<label>\d{4,6}(?:\.\d{1,3}){0,3})[ \t]{0,2}[.)][ \t]{0,3}(?P<rest>\S.*)?$"
)
_LONG_DOTTED = re.compile(r"(?P<label>\d{4,6}(?:\.\d{1,3}){1,3})[ \t]{1,3}(?P<rest>\S.*)$")
_LETTER = re.compile(r"(?P<label>[a-zđ])[ \t]{0,2}\)[ \t]{0,3}(?P<rest>\S.*)?$")
#: "a. Sở …": a letter and a dot, only before a capital (a lower-case line is a continued
#: sentence); "(1) …", "(a) …": a number or letter in parentheses. Both are letter items,
#: labelled as printed ("a", "(1)").
_LETTER_DOT = re.compile(r"(?P<label>[a-zđ])\.[ \t]{1,3}(?P<rest>[^\W\d_].*)$")
_PARENTHESISED = re.compile(r"(?P<label>\((?:\d{1,2}|[a-zđ])\))[ \t]{0,3}(?P<rest>\S.*)$")
_BULLET = re.compile(r"(?P<label>[-+•–*])[ \t]{0,3}(?P<rest>\S.*)?$")
_APPENDIX = re.compile(r"phu luc\b")
_CLOSING = re.compile(r"(?:noi nhan\s{0,3}:?|tm\.|kt\.|tl\.|t/m\s|k/t\s|t/l\s)")

RANKS = {"document": 0, "appendix": 5, "closing": 5, "section": 10, "letter": 30, "paragraph": 50}
_BULLET_RANKS = {"-": 40, "–": 40, "•": 40, "*": 40, "+": 41}


@dataclass
class Cell:
    """One table cell: its text and the view spans it was read from (several across a break)."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Row:
    """One logical table row (page-break continuations merged)."""

    start: int
    end: int
    cells: list[Cell]

    @property
    def label(self) -> str:
        """The STT cell as printed ("16", "11.1", "XIII", "X.")."""
        return self.cells[0].text.strip().rstrip(".") if self.cells else ""


@dataclass
class Table:
    """An appendix table: header, column roles and rows."""

    start: int
    end: int
    header: list[str]
    columns: dict[str, int]
    rows: list[Row]


@dataclass(eq=False)  # nodes are compared by identity: a tree has no two equal nodes
class Node:
    """A node of the document tree; ``start``/``end`` cover its own lines, not its children."""

    kind: str
    label: str | None
    start: int
    end: int
    rank: int
    body_start: int = 0  # where the text after the numbering starts
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    table: Table | None = None
    ordinal: int = 1  # its rank among its parent's children of the same kind (1-based)

    def walk(self) -> Iterator[Node]:
        """This node and every descendant, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def text(self, view: TextView) -> str:
        """The node's own text after its numbering, spaces collapsed."""
        return collapse_spaces(view.norm[self.body_start : self.end]).strip()

    @property
    def extent(self) -> tuple[int, int]:
        """The span of the node with all its descendants."""
        end = self.end
        for n in self.walk():
            end = max(end, n.end)
        return self.start, end

    def ancestors(self) -> Iterator[Node]:
        """Parent, grandparent … up to the root."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


def _continued_item(line: Line, last: int | None) -> tuple[str, str, int, int] | None:
    """A line numbered 1000 or more that continues the numbering of the items before it
    (``last`` is the last top-level item number): as :func:`_classify` gives an item.

    >>> from policykg.graph.documents import Line
    >>> line = Line(0, 12, "1000. Làm X", "1000. lam x")
    >>> _continued_item(line, 999)[:2], _continued_item(line, 5)
    (('item', '1000'), None)
    """
    m = _LONG_NUMBERED.match(line.text) or _LONG_DOTTED.match(line.text)
    if m is None or last is None:
        return None
    label = m["label"]
    first = int(label.split(".")[0])
    if first != (last if "." in label else last + 1):
        return None
    rest = m.start("rest") if m["rest"] else len(line.text)
    return "item", label, 20 + label.count("."), line.start + rest


def _classify(line: Line) -> tuple[str, str | None, int, int]:
    """(kind, label, rank, offset of the text after the numbering) for one line."""
    text = line.text
    article = _ARTICLE.match(line.folded)
    if article is not None and text[:1] in "ĐD":
        body = line.start + (article.start("rest") if article["rest"] else len(text))
        return "section", f"Điều {article['n']}", RANKS["section"], body
    for kind, pattern in (("section", _ROMAN), ("item", _NUMBERED), ("item", _DOTTED)):
        m = pattern.match(text)
        if m:
            label = m["label"]
            rank = RANKS["section"] if kind == "section" else 20 + label.count(".")
            return kind, label, rank, line.start + (m.start("rest") if m["rest"] else len(text))
    m = _LETTER.match(text) or _PARENTHESISED.match(text)
    if m is None:
        m = _LETTER_DOT.match(text)
        if m is not None and not m["rest"][:1].isupper():
            m = None
    if m:
        return (
            "letter",
            m["label"],
            # "(1)" under "a)" is its sub-item; alone, under an item, it is as "a)" is
            RANKS["letter"] + 5 * m["label"].startswith("("),
            line.start + (m.start("rest") if m["rest"] else len(text)),
        )
    m = _BULLET.match(text)
    if m and (m["rest"] or "").strip():
        return "bullet", m["label"], _BULLET_RANKS[m["label"]], line.start + m.start("rest")
    if _APPENDIX.match(line.folded):
        return "appendix", None, RANKS["appendix"], line.start
    if _CLOSING.match(line.folded):
        return "closing", None, RANKS["closing"], line.start
    return "paragraph", None, RANKS["paragraph"], line.start


# --- tables -------------------------------------------------------------------------------


def _column_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, cell in enumerate(header):
        f = fold(cell)
        if "stt" in f or f.strip() in ("tt", "so tt"):
            roles.setdefault("stt", i)
        elif "chu tri" in f:
            roles.setdefault("lead", i)
        elif "phoi hop" in f:
            roles.setdefault("coordinating", i)
        elif "thoi gian" in f or "thoi han" in f or "tien do" in f:
            if "bat dau" in f:  # "Thời gian bắt đầu" | "Thời gian kết thúc": the end is due
                roles.setdefault("start", i)
            elif "ket thuc" in f or "hoan thanh" in f:
                roles["deadline"] = i
            else:
                roles.setdefault("deadline", i)
        elif ("don vi" in f or "co quan" in f) and "thuc hien" in f:
            roles.setdefault("performer", i)  # "Đơn vị thực hiện"
        elif "noi dung" in f or "nhiem vu" in f or "cong viec" in f:
            roles.setdefault("content", i)
    if "lead" not in roles and "performer" in roles:
        roles["lead"] = roles["performer"]  # the only agency column: who does it leads it
    return roles


def _cells(view: TextView, start: int, end: int) -> list[Cell]:
    out, pos = [], start
    while True:
        tab = view.norm.find("\t", pos, end)
        stop = end if tab < 0 else tab
        raw = view.norm[pos:stop]
        lead = len(raw) - len(raw.lstrip())
        text = collapse_spaces(raw).strip()
        a = pos + lead
        out.append(Cell(text, [(a, a + len(raw.strip()))] if text else []))
        if tab < 0:
            return out
        pos = tab + 1


_HEADER_WORDS = ("noi dung", "chu tri", "phoi hop", "thoi gian", "nhiem vu")
_SEPARATOR = re.compile(r"[\s|:\-–—=+]*")


def _raw_line(view: TextView, line: Line) -> tuple[int, int]:
    """The whole physical line around ``line``, leading and trailing tabs included."""
    start = view.norm.rfind("\n", 0, line.start) + 1
    end = view.norm.find("\n", line.end)
    return start, len(view.norm) if end < 0 else end


def _is_header(view: TextView, line: Line) -> bool:
    start, end = _raw_line(view, line)
    if "\t" not in view.norm[start:end]:
        return False
    first = fold(view.norm[start:end].split("\t", 1)[0]).strip(" .")
    if first in ("stt", "tt", "so tt", "so thu tu"):
        return True
    words = sum(w in line.folded for w in _HEADER_WORDS)
    return not any(c.isdigit() for c in first) and words >= 2


def _unspanned(cells: list[Cell], rows: list[Row]) -> list[Cell]:
    """The row's cells, a cell that one above spans (:data:`SPANNED`, from an HTML
    ``rowspan``) replaced by that cell (its text and spans)."""
    above = rows[-1].cells if rows else []
    return [above[k] if c.text == SPANNED and k < len(above) else c for k, c in enumerate(cells)]


_SPANNING = re.compile(
    r"[ \t]*(?P<label>[IVXL]{1,6})(?:[.)][ \t]{1,3}|(?P<bare>[ \t]{1,5}))(?P<rest>\S.*)$"
)


def _spanning_group(view: TextView, lines: list[Line], j: int, width: int) -> Row | None:
    """A group row written in one cell across the columns (an HTML cell with ``colspan``:
    "III. HỖ TRỢ TÀI CHÍNH, TÍN DỤNG", "I Tuyên truyền …", no tab) between rows of a table:
    the row of its Roman label and its title, as a tab-separated group row "III<tab>HỖ TRỢ
    …" reads."""
    line = lines[j]
    m = _SPANNING.match(line.text)
    if m is None or j + 1 >= len(lines):
        return None
    if m["bare"] and not m["rest"][:1].isupper():
        return None  # "I Tuyên truyền …" with no dot: only before a capitalised title
    nxt_start, nxt_end = _raw_line(view, lines[j + 1])
    if "\t" not in view.norm[nxt_start:nxt_end]:
        return None  # no row follows: the table has ended
    label = Cell(m["label"], [(line.start + m.start("label"), line.start + m.end("label"))])
    rest = Cell(m["rest"].strip(), [(line.start + m.start("rest"), line.end)])
    return Row(line.start, line.end, [label, rest] + [Cell("") for _ in range(width - 2)])


def _cut_row_goes_on(table: Table, cells: list[Cell]) -> bool:
    """Whether a tab-separated line goes on with the row above, which a line break inside a
    cell cut short (Word's plain text writes a cell's second paragraph on a line of its own:
    "2<TAB>…<TAB>Sở Công Thương;" then "UBND các huyện<TAB>Năm 2021 - 2022"): the row
    above (which starts with its label: the table numbers its rows) has fewer cells than
    the header, this line starts with no row label, and the two together have no more cells
    than the header."""
    if not table.rows or not cells[0].text or ROW_LABEL.fullmatch(cells[0].text):
        return False
    if not ROW_LABEL.fullmatch(table.rows[-1].cells[0].text):
        return False  # rows without labels: a short row is a row of its own
    width = len(table.rows[-1].cells)
    return width < len(table.header) and width + len(cells) - 1 <= len(table.header)


def _header_lines_above(view: TextView, lines: list[Line], i: int) -> int:
    """How many lines from ``lines[i]`` on are a header's upper lines (a header centred
    vertically: "Cơ quan" / "chủ trì" above the line with "STT"): up to three tab-separated
    lines with an empty first cell, right before a header line; 0 when there are none."""
    for n in range(1, 4):
        if i + n >= len(lines):
            return 0
        start, end = _raw_line(view, lines[i + n - 1])
        raw = view.norm[start:end]
        if "\t" not in raw or raw.split("\t", 1)[0].strip() or _is_header(view, lines[i + n - 1]):
            return 0
        if not header_words_only(raw):
            return 0  # a row's later line before a header repeated after a page break
        if _is_header(view, lines[i + n]):
            return n
    return 0


def _joined_header(rows: list[list[str]]) -> list[str]:
    """A header written over several lines, each column's words joined top to bottom.

    >>> _joined_header([["", "Cơ quan", "Thời gian"], ["STT", "chủ trì", "hoàn thành"]])
    ['STT', 'Cơ quan chủ trì', 'Thời gian hoàn thành']
    """
    return [" ".join(w for w in column if w) for column in zip_longest(*rows, fillvalue="")]


def _table(view: TextView, lines: list[Line], i: int, above: int = 0) -> tuple[Table, int]:
    """Read the table whose header is ``lines[i + above]`` (with ``above`` upper lines of it
    from ``lines[i]``); returns it and the next line index."""
    start = _raw_line(view, lines[i])[0]
    rows = []
    for line in lines[i : i + above + 1]:
        raw_start, end = _raw_line(view, line)
        rows.append([c.text for c in _cells(view, raw_start, end)])
    header = _joined_header(rows)
    table = Table(start, end, header, _column_roles(header), [])
    j = i + above + 1
    pending: list[Row] = []  # lines with an empty first cell since the last row's label
    while j < len(lines):
        raw_start, raw_end = _raw_line(view, lines[j])
        raw = view.norm[raw_start:raw_end]
        if _is_header(view, lines[j]) and not _SEPARATOR.fullmatch(raw):
            break  # another table's header: that table starts here
        if _header_lines_above(view, lines, j):
            break  # another table's header, its upper lines first
        if "\t" not in raw:
            group = _spanning_group(view, lines, j, len(header))
            if group is None:
                break
            table.rows.append(group)  # "III. HỖ TRỢ …" in a cell across the columns
            table.end = raw_end
            j += 1
            continue
        j += 1
        if _SEPARATOR.fullmatch(raw):
            continue  # a rule drawn under a header repeated after a page break
        cells = _cells(view, raw_start, raw_end)
        if not cells[0].text:
            if not table.rows and not pending and header_words_only(raw):
                table.header = _joined_header([table.header, [c.text for c in cells]])
                table.columns = _column_roles(table.header)  # its later line ("hoàn thành")
            else:  # a row's later line, or a later row's first line (see _rows_first_lines)
                pending.append(Row(raw_start, raw_end, cells))
            table.end = raw_end
            continue
        labelled = ROW_LABEL.fullmatch(cells[0].text) is not None
        first = (
            _rows_first_lines(pending, cells, table.columns.get("content", 1)) if labelled else 0
        )
        _goes_on(table, pending[: len(pending) - first])
        moved, pending = pending[len(pending) - first :] if first else [], []
        table.end = raw_end
        if not moved and _cut_row_goes_on(table, cells):  # a cell with a paragraph break in it
            prev = table.rows[-1]
            last = prev.cells[-1]
            joined = Cell(f"{last.text} {cells[0].text}".strip(), last.spans + cells[0].spans)
            prev.cells[-1:] = [joined, *cells[1:]]
            prev.end = raw_end
            continue
        row = _merged([*moved, Row(raw_start, raw_end, cells)]) if moved else None
        if row is not None:
            table.rows.append(Row(row.start, row.end, _unspanned(row.cells, table.rows)))
        else:
            table.rows.append(Row(raw_start, raw_end, _unspanned(cells, table.rows)))
    _goes_on(table, pending)
    return table, j


def _merged(lines: list[Row]) -> Row:
    """One row from its lines, each column's cells joined top to bottom."""
    width = max(len(r.cells) for r in lines)
    cells = []
    for k in range(width):
        parts = [r.cells[k] for r in lines if k < len(r.cells) and r.cells[k].text]
        cells.append(Cell(" ".join(c.text for c in parts), [sp for c in parts for sp in c.spans]))
    return Row(lines[0].start, lines[-1].end, cells)


def _goes_on(table: Table, lines: list[Row]) -> None:
    """A row's later lines (a wrapped cell, a row continued after a page break), joined to
    the last row; before any row they are another table's, and dropped."""
    if not table.rows or not lines:
        return
    prev = table.rows[-1]
    for line in lines:
        for k, cell in enumerate(line.cells[: len(prev.cells)]):
            if cell.text:
                joined = f"{prev.cells[k].text} {cell.text}".strip()
                prev.cells[k] = Cell(joined, prev.cells[k].spans + cell.spans)
        prev.end = line.end


def _rows_first_lines(pending: list[Row], cells: list[Cell], content: int) -> int:
    """How many of the lines before a row's label line are that row's first lines: a table
    whose cells are centred vertically (a Word table set to "Center", through pdftotext
    -layout) prints a row's label on its middle line. Walking up from the label line, a line
    belongs to the row while the line below it goes on with its text (starts in lower case,
    or the line ends where no sentence ends, on a comma or "và"); a top-aligned table, whose
    label line starts its cell with a capital after a finished line, moves none."""

    def text(row_cells: list[Cell]) -> str:
        return row_cells[content].text if content < len(row_cells) else ""

    below = text(cells)
    n = 0
    for line in reversed(pending):
        above = text(line.cells)
        if not above or not below or not (below[:1].islower() or dangling(above)):
            break
        n += 1
        below = above
    return n


# --- the tree ------------------------------------------------------------------------------


def _wrapped_into(view: TextView, previous: Node, before: Line, line: Line) -> bool:
    """Whether ``line`` goes on with the text of ``previous`` (an item, a bullet or a
    paragraph that ``before`` ends) across a break a converter made (:mod:`wrapping`)."""
    if previous.kind not in ("item", "letter", "bullet", "paragraph") or previous.end != before.end:
        return False
    nl = view.norm.find("\n", before.end, line.start)
    if nl < 0 or view.norm.count("\n", nl, line.start) != 1:
        return False
    return soft_break(view.norm, nl) or dangling(before.text)


def _name_cut_at_dash(previous: Node, lines: list[Line], i: int) -> bool:
    """Whether the dash line ``lines[i]`` goes on with a name its line above was cut in
    ("… chỉ đạo Phòng Tài chính" / "- Kế hoạch hướng dẫn hợp tác xã …", the name "Phòng
    Tài chính - Kế hoạch" wrapped at its dash): the line above, the last of an item or a
    paragraph, ends on a capitalised name with no punctuation, a capital follows the dash,
    and no other dash line comes before the next numbered line (a list has two)."""
    line = lines[i]
    if previous.kind not in ("item", "letter", "paragraph") or previous.end != lines[i - 1].end:
        return False
    if not line.text.startswith("- ") or not line.text[2:3].isupper():
        return False
    before = lines[i - 1].text.rstrip()
    if not before[-1:].isalpha() or not any(w[:1].isupper() for w in before.split()[-2:]):
        return False
    for later in lines[i + 1 : i + 8]:
        kind = _classify(later)[0]
        if kind == "bullet":
            return False
        if kind != "paragraph":
            break
    return True


def segment(view: TextView, start: int, end: int) -> Node:
    """The tree of the document part between ``start`` and ``end`` of the view."""
    root = Node("document", None, start, start, RANKS["document"], body_start=start)
    lines = lines_of(view, start, end)
    stack = [root]
    kinds_seen: dict[int, dict[str, int]] = {}  # per parent: children seen of each kind
    previous: Node | None = None
    last_item: int | None = None  # the last top-level item number (for items 1000 and on)
    i = 0
    while i < len(lines):
        line = lines[i]
        above = _header_lines_above(view, lines, i)
        if above or _is_header(view, line):
            table, i = _table(view, lines, i, above)
            container = stack[-1]
            node = Node("table", None, table.start, table.end, 60, table.start, table=table)
            node.parent = container
            container.children.append(node)
            previous = node
            continue
        kind, label, rank, body = _classify(line)
        if kind == "paragraph" and line.text[:1].isdigit():
            kind, label, rank, body = _continued_item(line, last_item) or (kind, label, rank, body)
        if kind == "item" and label is not None and "." not in label:
            last_item = int(label)
        if (
            kind == "paragraph"
            and previous is not None
            and (line.text[:1].islower() or _wrapped_into(view, previous, lines[i - 1], line))
        ):
            previous.end = line.end  # a sentence continued after a blank line or page break
            i += 1
            continue
        if kind == "bullet" and previous is not None and _name_cut_at_dash(previous, lines, i):
            previous.end = line.end
            i += 1
            continue
        node = Node(kind, label, line.start, line.end, rank, body)
        if kind in ("appendix", "closing"):
            del stack[1:]
        elif kind == "paragraph":
            while len(stack) > 1 and stack[-1].kind in ("bullet", "paragraph"):
                stack.pop()
        else:
            while len(stack) > 1 and stack[-1].rank >= rank:
                stack.pop()
        node.parent = stack[-1]
        counts = kinds_seen.setdefault(id(stack[-1]), {})
        node.ordinal = counts[kind] = counts.get(kind, 0) + 1
        stack[-1].children.append(node)
        stack.append(node)
        previous = node
        i += 1
    root.end = max((n.end for n in root.walk()), default=start)
    return root
