"""A corpus file's own documents: where each starts, its type, number, date, issuer, place
and title, as the text itself states them.

A file usually holds one document. A decision that issues a plan holds two: the decision,
then the plan "ban hành kèm theo" it. A document's number and date may stand only in an
appendix caption ("Ban hành kèm theo Kế hoạch số 435 /KH-UBND ngày 23 / 5 /2018"), and a
document may have no number at all (it is then identified by issuer, type and title).

>>> from policykg.graph.textview import make_view
>>> from policykg.graph.citations import find_mentions
>>> v = make_view("Số: 12/KH-UBND\\nHải Phòng, ngày 2 tháng 3 năm 2020\\nKẾ HOẠCH\\n"
...               "Phát triển kinh tế tập thể\\nI. MỤC ĐÍCH\\n")
>>> [(p.type_code, p.number.ref.canonical, str(p.date), p.place, p.title)
...  for p in find_parts(v, find_mentions(v))]
[('KH', '12/KH-UBND', '2020-03-02', 'hai-phong', 'Phát triển kinh tế tập thể')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import pairwise

from policykg.graph.agencies import split_agencies
from policykg.graph.citations import DISTRICT_LEVELS, Mention, dates_in, places_in
from policykg.graph.registry import Registry, load_registry
from policykg.graph.textview import TextView, canonical_spelling, collapse_spaces, fold

#: The line of a document's own number: "Số: 12/KH-UBND", and "Số 25-CTr/TU" without the
#: colon, as Party documents write it (a number right after "Số").
_SO_LINE = re.compile(r"\s{0,6}so\s{0,3}(?::|(?=\d))")
_CAPTION = re.compile(r"\(\s{0,3}(?:ban hanh\s{1,3})?kem(?:\s{1,3}theo)?\s{1,3}")
_ROMAN_HEADING = re.compile(r"[ \t]{0,6}[IVXL]{1,6}[ \t]{0,2}[.)][ \t]")
_OPERATIVE = re.compile(
    r"[ \t]{0,6}(?:quyet dinh\s{0,3}:|quyet nghi\s{0,3}:|dieu\s{1,3}1\s{0,3}[.:]"
    # a directive's or a letter's first numbered instruction ("1. Sở Nội vụ: …")
    r"|1[.)][ \t])"
)
_APPENDIX = re.compile(r"[ \t]{0,6}phu luc\b")
_HEADER_LINES = 12


@dataclass(frozen=True)
class Line:
    """One line of the view: its span and its text with the ends trimmed."""

    start: int
    end: int
    text: str
    folded: str


@dataclass
class DocumentPart:
    """One document stated by a file, with the spans (view offsets) it was read from."""

    start: int
    end: int
    type_code: str | None = None
    heading: tuple[int, int] | None = None
    title: str | None = None
    title_span: tuple[int, int] | None = None
    number: Mention | None = None  # the mention that gives the document's own number
    date: date | None = None
    date_span: tuple[int, int] | None = None
    place: str | None = None
    place_evidence: str | None = None
    issuer_name: str | None = None
    issuer_code: str | None = None
    preamble_end: int = 0
    attached_to: Mention | None = None  # the decision it was issued with
    notes: list[str] = field(default_factory=list)
    #: the district whose committee issues it ("Huyện Đông Anh"), from the header; part of
    #: its identity, beside the province (:func:`district_in_header`)
    district: str | None = None


def lines_of(view: TextView, start: int = 0, end: int | None = None) -> list[Line]:
    """The lines of the view between ``start`` and ``end``."""
    end = len(view.norm) if end is None else end
    out = []
    pos = start
    while pos < end:
        nl = view.norm.find("\n", pos, end)
        stop = end if nl < 0 else nl
        raw = view.norm[pos:stop]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        if text:
            a = pos + lead
            out.append(Line(a, a + len(text), text, view.fold[a : a + len(text)]))
        pos = stop + 1
    return out


@cache
def _type_words(reg: Registry) -> tuple[tuple[str, str], ...]:
    """(folded type word, type code): types with the longest word first, and each type's
    words longest first."""
    return tuple(
        (fold(w), t.code)
        for t in sorted(reg.types, key=lambda t: -max(len(w) for w in t.words))
        for w in sorted(t.words, key=len, reverse=True)
    )


def _all_capitals(text: str) -> bool:
    """Has ``text`` a letter, and no letter in lower case?"""
    letters = False
    for c in text:
        if c.isalpha():
            if c.islower():
                return False  # most lines stop here, at their second or third character
            letters = True
    return letters


def _type_heading(reg: Registry, line: Line) -> str | None:
    """The document type a heading line announces ("KẾ HOẠCH", "QUYẾT ĐỊNH …"), if any."""
    if line.text.endswith(":") or not _all_capitals(line.text):
        return None
    for fw, code in _type_words(reg):
        if line.folded == fw or line.folded.startswith(fw + " "):
            return code
    return None


class _Mentions:
    """Mentions with a lookup of the first one starting in a range of offsets (logarithmic
    when they are in text order, as :func:`find_mentions` gives them)."""

    __slots__ = ("_sorted", "_starts", "items")

    def __init__(self, mentions: list[Mention]) -> None:
        self.items = mentions
        self._starts = [m.start for m in mentions]
        self._sorted = all(a <= b for a, b in pairwise(self._starts))

    def first_from(self, lo: int, hi: int) -> Mention | None:
        """The first mention (in list order) with ``lo <= start <= hi``."""
        if not self._sorted:
            return next((x for x in self.items if lo <= x.start <= hi), None)
        i = bisect_left(self._starts, lo)
        return self.items[i] if i < len(self._starts) and self._starts[i] <= hi else None


def _caption_mention(view: TextView, line: Line, mentions: _Mentions) -> Mention | None:
    m = _CAPTION.search(view.fold, line.start, line.end)
    if not m:
        return None
    return mentions.first_from(m.end(), m.end() + 3)


def _part_starts(reg: Registry, view: TextView, lines: list[Line], mentions: list[Mention]):
    """Headings after the first that open an attached document (a plan issued by a decision)."""
    starts = []
    seen_heading = False
    indexed = _Mentions(mentions)
    for i, line in enumerate(lines):
        code = _type_heading(reg, line)
        if code is None:
            continue
        if not seen_heading:
            seen_heading = True
            continue
        for nxt in lines[i + 1 : i + 6]:
            cap = _caption_mention(view, nxt, indexed)
            if cap is not None and cap.ref.type_code != code:
                starts.append((line.start, cap))
                break
    return starts


#: The header's place and date ("Long An, ngày 05 tháng 4 năm 2023").
_PLACE_DATE_LINE = re.compile(r"[^,\n]{1,40},\s{0,3}ngay\s{1,3}\d")
#: A letter's subject line (trích yếu): "V/v triển khai …", "Về việc …".
_SUBJECT_LINE = re.compile(r"(?:v\s{0,2}/\s{0,2}v|ve viec)\s{0,3}:?\s{1,3}(?=\S)")
_ITEM_START = re.compile(r"(?:\d{1,3}[.)]|[-+•*–]|[a-zđ]\)|\()\s?")
_TITLE_LINES = 4


def _title_lines(reg: Registry, view: TextView, lines: list[Line], j: int) -> Line:
    """The title paragraph that starts at ``lines[j]``: the lines after it that continue it
    (a title hard-wrapped by a converter: no blank line between, no item, caption, "Căn cứ"
    or heading starting the next line, no full stop or colon ending the one before; a line
    in capitals only after a title in capitals), at most four in all."""
    first = last = lines[j]
    texts = [first.text]
    capitals = _all_capitals(first.text)
    for nxt in lines[j + 1 : j + _TITLE_LINES]:
        gap = view.norm[last.end : nxt.start]
        if (
            gap.count("\n") != 1
            or last.text.rstrip().endswith((".", ":", ";"))
            or _ITEM_START.match(nxt.text)
            or _ROMAN_HEADING.match(nxt.text)
            or _SO_LINE.match(nxt.folded)
            or nxt.folded.startswith(("can cu", "phu luc", "kinh gui"))
            or _PLACE_DATE_LINE.match(nxt.folded)
            or _type_heading(reg, nxt) is not None
            or (_all_capitals(nxt.text) and not capitals)
        ):
            break
        texts.append(nxt.text)
        last = nxt
    if last is first:
        return first
    text = " ".join(texts)
    return Line(first.start, last.end, text, fold(text))


def _title_after(
    reg: Registry, view: TextView, lines: list[Line], i: int, code_line: Line
) -> Line | None:
    """The title: the rest of the heading line, else the next paragraph (its lines)."""
    words = [fold(w) for t in reg.types for w in t.words]
    rest = code_line.folded
    for w in sorted(words, key=len, reverse=True):
        if rest.startswith(w):
            rest = rest[len(w) :].strip()
            break
    if rest:
        offset = code_line.end - len(rest)
        return Line(offset, code_line.end, code_line.text[-len(rest) :], rest)
    for j in range(i + 1, min(i + 3, len(lines))):
        nxt = lines[j]
        if nxt.folded.startswith("(") or _SO_LINE.match(nxt.folded):
            continue
        if _ROMAN_HEADING.match(nxt.text):
            return None
        return _title_lines(reg, view, lines, j)
    return None


def header_cells(lines: list[Line]) -> list[Line]:
    """The header's lines, a header laid out as a table (a Word header through a converter:
    "ỦY BAN NHÂN DÂN<br>HUYỆN CỦ CHI | CỘNG HÒA …", then "Số: 112/KH-UBND | Củ Chi, ngày
    …") read cell by cell, and each cell line by line (a line break in a cell is ";").

    >>> t = "ỦY BAN NHÂN DÂN;HUYỆN CỦ CHI\\tCỘNG HÒA"
    >>> [c.text for c in header_cells([Line(0, len(t), t, fold(t))])]
    ['ỦY BAN NHÂN DÂN', 'HUYỆN CỦ CHI', 'CỘNG HÒA']

    A header laid out with spaces (pdftotext -layout) is read column by column:

    >>> rows = ["ỦY BAN NHÂN DÂN      CỘNG HÒA", "HUYỆN YÊN THẾ      Độc lập", "KẾ HOẠCH"]
    >>> [c.text for c in header_cells([Line(0, len(t), t, fold(t)) for t in rows])]
    ['ỦY BAN NHÂN DÂN', 'HUYỆN YÊN THẾ', 'CỘNG HÒA', 'Độc lập', 'KẾ HOẠCH']
    """
    out: list[Line] = []
    right: list[Line] = []  # the right halves of a header laid out with spaces, kept for after
    for line in lines:
        if "\t" not in line.text and "    " in line.text:
            # a PDF's header as pdftotext -layout writes it: "ỦY BAN NHÂN DÂN      CỘNG
            # HÒA …" / "HUYỆN YÊN THẾ      Độc lập …": each half a line of its column
            halves = [_sub_line(line, m.start(), m.end()) for m in _LAID_OUT.finditer(line.text)]
            out.append(halves[0])
            right += halves[1:]
            continue
        out += right
        right = []
        if "\t" not in line.text:
            out.append(line)
            continue
        for m in re.finditer(r"[^\t;]+", line.text):
            text = m.group().strip()
            if text:
                a = line.start + m.start() + (len(m.group()) - len(m.group().lstrip()))
                out.append(
                    Line(
                        a,
                        a + len(text),
                        text,
                        line.folded[a - line.start : a - line.start + len(text)],
                    )
                )
    return out + right


#: The halves of a line laid out with spaces: runs of text apart by four spaces or more.
_LAID_OUT = re.compile(r"\S+(?: {1,3}\S+)*")


def _sub_line(line: Line, a: int, b: int) -> Line:
    """The part ``[a, b)`` (offsets in the line's text) of a line, as a line of its own."""
    return Line(line.start + a, line.start + b, line.text[a:b], line.folded[a:b])


def _fill_part(reg: Registry, view: TextView, part: DocumentPart, mentions: list[Mention]) -> None:
    lines = lines_of(view, part.start, part.end)
    head = header_cells(lines[:_HEADER_LINES])
    inside = [m for m in mentions if part.start <= m.start < part.end]
    for line in head:
        if _SO_LINE.match(line.folded):
            part.number = next((m for m in inside if line.start <= m.symbol_start < line.end), None)
            if part.number:
                break
    for i, line in enumerate(lines[: _HEADER_LINES + 4]):
        code = _type_heading(reg, line)
        if code:
            part.type_code, part.heading = code, (line.start, line.end)
            title = _title_after(reg, view, lines, i, line)
            if title:
                part.title = collapse_spaces(canonical_spelling(title.text))
                part.title_span = (title.start, title.end)
            break
    if part.title is None:  # a letter: its subject line "V/v …" under the number
        for j, line in enumerate(head):
            m = _SUBJECT_LINE.match(line.folded)
            if m:
                title = _title_lines(reg, view, head, j)
                a = line.start + m.end()
                part.title = collapse_spaces(canonical_spelling(view.norm[a : title.end]))
                part.title_span = (a, title.end)
                break
    if part.number is None:
        indexed = _Mentions(inside)
        for line in lines:
            cap = _caption_mention(view, line, indexed)
            if cap is None:
                continue
            if cap.ref.type_code == part.type_code and cap.ref.kind == "numbered":
                part.number = cap
            elif part.attached_to is None and cap.ref.type_code != part.type_code:
                part.attached_to = cap
    if part.number is not None and part.type_code is None:
        part.type_code = part.number.ref.type_code
    part.preamble_end = _preamble_end(view, part, lines)
    _fill_date_and_place(reg, view, part, head)
    _fill_issuer(reg, view, part, inside)
    _fill_district(reg, part, head)
    if part.issuer_name is None:
        part.issuer_name = department_in_header(head[:6])


def _fill_date_and_place(reg: Registry, view: TextView, part: DocumentPart, head: list[Line]):
    for line in head:
        found = dates_in(view, line.start, line.end)
        if found and "," in line.text and not _SO_LINE.match(line.folded):
            a, b, when = found[0]
            if not line.text[: a - line.start].strip(" ,").replace(" ", "").isalpha():
                continue
            part.date, part.date_span = when, (a, b)
            places = places_in(view, line.start, a, reg) or _bare_place(reg, view, line, a)
            if places:
                part.place, part.place_evidence = places[0], "header"
            break
    if part.date is None and part.number is not None and part.number.date is not None:
        part.date = part.number.date
        part.date_span = (part.number.symbol_start, part.number.end)


def _bare_place(reg: Registry, view: TextView, line: Line, stop: int) -> list[str]:
    """A header place line may name the city bare ("Hồ Chí Minh"), after "Thành phố"."""
    text = fold(view.norm[line.start : stop]).strip(" ,")
    text = re.sub(r"^(?:thanh pho|tp\.?|tinh)\s+", "", text)
    return [j.slug for j in reg.jurisdictions if fold(j.name) == text]


def _fill_issuer(reg: Registry, view: TextView, part: DocumentPart, inside: list[Mention]):
    if part.number is not None:
        part.issuer_code = part.number.ref.issuer_code
        issuer = reg.issuer_by_code(part.issuer_code or "")
        part.issuer_name = issuer.name if issuer else None
    # the preamble's: "Tham mưu UBND tỉnh ban hành Kế hoạch …" in a task is no issuer
    opening = view.fold[part.start : min(part.preamble_end, part.start + 3000)]
    m = _issuer_sentence(reg).search(opening)
    if m:
        issuer = reg.issuer_by_name(m["organ"])
        if issuer and part.issuer_name is None:
            part.issuer_name, part.issuer_code = (
                issuer.name,
                issuer.codes[0] if issuer.codes else None,
            )
        if part.place is None:
            a = part.start + m.start("rest")
            places = places_in(view, a, a + len(m["rest"]), reg)
            if places:
                part.place, part.place_evidence = places[0], "issuer"


#: A district-level or commune-level issuer in a header: "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH",
#: "UBND QUẬN 1" (one line), or "ỦY BAN NHÂN DÂN" then "HUYỆN ĐÔNG ANH" / "PHƯỜNG CAM
#: ĐƯỜNG"; a Party committee "HUYỆN ỦY ĐÔNG ANH", "ĐẢNG BỘ HUYỆN ĐÔNG ANH" or "ĐẢNG ỦY XÃ
#: BẢO THẮNG". Folded lines.
_DISTRICT_LEVEL = (
    r"(?P<level>quan|huyen|thi xa|thi tran|thanh pho|xa|phuong|dac khu)\s{1,3}(?P<name>\S.{0,40})"
)
_DISTRICT_ORGAN = re.compile(
    r"(?P<organ>uy ban nhan dan|ubnd|dang bo|dang uy)\s{1,3}" + _DISTRICT_LEVEL + r"$"
)
_DISTRICT_ALONE = re.compile(_DISTRICT_LEVEL + r"$")
_DISTRICT_PARTY = re.compile(r"(?P<level>quan|huyen|thi)\s{0,3}uy\s{1,3}(?P<name>\S.{0,40})$")
_ORGAN_ALONE = re.compile(r"(?:uy ban nhan dan|ubnd)$")
_LEVEL_SHOWN = {**DISTRICT_LEVELS, "thanh pho": "Thành phố", "thi": "Thị xã"}
_PARTY_ORGAN = {"quan": "Quận ủy", "huyen": "Huyện ủy", "thi": "Thị ủy", "thi xa": "Thị ủy"}
_HEADER_MARKS = " -–*_="
_COMMUNE_LEVELS = frozenset({"xa", "phuong", "thi tran", "dac khu"})


def district_in_header(reg: Registry, lines: list[Line]) -> tuple[str, str] | None:
    """The district whose People's Committee or Party committee issues a text, from its
    header lines: (district as shown, issuing organ), or None for a provincial or national
    issuer.

    A "THÀNH PHỐ …" the registry knows is a province-level city (Hà Nội, Cần Thơ), not a
    district; one it does not know is a city of a province (Thủ Đức, Bắc Ninh).

    >>> from policykg.graph.registry import load_registry
    >>> def header(*texts):
    ...     return [Line(0, len(t), t, fold(t)) for t in texts]
    >>> district_in_header(load_registry(), header("ỦY BAN NHÂN DÂN", "HUYỆN ĐÔNG ANH ---"))
    ('Huyện Đông Anh', 'Ủy ban nhân dân huyện Đông Anh')
    >>> district_in_header(load_registry(), header("UBND QUẬN 1", "Số: 45/KH-UBND"))
    ('Quận 1', 'Ủy ban nhân dân quận 1')
    >>> district_in_header(load_registry(), header("ĐẢNG BỘ HUYỆN GIA LÂM", "HUYỆN ỦY"))
    ('Huyện Gia Lâm', 'Huyện ủy Gia Lâm')
    >>> district_in_header(load_registry(), header("ĐẢNG BỘ TỈNH LÀO CAI", "ĐẢNG ỦY XÃ BẢO THẮNG"))
    ('Xã Bảo Thắng', 'Đảng ủy xã Bảo Thắng')
    >>> district_in_header(load_registry(), header("ĐẢNG BỘ HUYỆN NAM ĐÀN", "ĐẢNG ỦY XÃ KIM LIÊN"))
    ('Xã Kim Liên', 'Đảng ủy xã Kim Liên')
    >>> district_in_header(load_registry(), header("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"))
    """
    previous = None
    for i, line in enumerate(lines):
        folded = collapse_spaces(line.folded).strip(_HEADER_MARKS)
        m = _DISTRICT_ORGAN.match(folded) or _DISTRICT_PARTY.match(folded)
        if m is None and previous is not None and _ORGAN_ALONE.match(previous):
            m = _DISTRICT_ALONE.match(folded)
        previous = folded
        if m is None:
            continue
        if m.groupdict().get("organ") == "dang bo" and i + 1 < len(lines):
            below = _DISTRICT_ORGAN.match(collapse_spaces(lines[i + 1].folded).strip(_HEADER_MARKS))
            if below is not None and below["level"] in _COMMUNE_LEVELS:
                continue  # "ĐẢNG BỘ HUYỆN NAM ĐÀN" over "ĐẢNG ỦY XÃ KIM LIÊN": the commune's
        n = len(m["name"].split())
        words = line.text.strip(_HEADER_MARKS).split()[-n:]
        name = " ".join(w[:1].upper() + w[1:].lower() for w in words)
        level = m["level"]
        if level == "thanh pho" and any(
            m["name"] in (fold(j.name), *(fold(a) for a in j.aliases)) for j in reg.jurisdictions
        ):
            return None  # "THÀNH PHỐ HÀ NỘI": the city itself
        shown = f"{_LEVEL_SHOWN[level]} {name}"
        organ = m.groupdict().get("organ")
        if organ is None and "uy" in folded.split()[:2]:  # "HUYỆN ỦY …"
            organ = "dang bo"
        if organ in ("dang bo", "dang uy") and level in _COMMUNE_LEVELS:
            return shown, f"Đảng ủy {_LEVEL_SHOWN[level].lower()} {name}"
        if organ in ("dang bo", "dang uy"):
            return shown, f"{_PARTY_ORGAN.get(level, 'Thành ủy')} {name}"
        return shown, f"Ủy ban nhân dân {_LEVEL_SHOWN[level].lower()} {name}"
    return None


def department_in_header(lines: list[Line]) -> str | None:
    """The department, provincial unit or steering committee that issues a text, named in
    capitals in its header under its superior organ ("UBND TỈNH SÓC TRĂNG" / "SỞ NÔNG
    NGHIỆP VÀ" / "PHÁT TRIỂN NÔNG THÔN"; "BẢO HIỂM XÃ HỘI VIỆT NAM" / "BẢO HIỂM XÃ HỘI TỈNH
    NINH THUẬN"), its name over one line or two: the name as the agency registry spells
    it, or None.

    >>> def header(*texts):
    ...     return [Line(0, len(t), t, fold(t)) for t in texts]
    >>> department_in_header(
    ...     header("UBND TỈNH SÓC TRĂNG", "SỞ NÔNG NGHIỆP VÀ", "PHÁT TRIỂN NÔNG THÔN")
    ... )
    'Sở Nông nghiệp và Phát triển nông thôn'
    >>> department_in_header(header("BẢO HIỂM XÃ HỘI VIỆT NAM", "BẢO HIỂM XÃ HỘI TỈNH NINH THUẬN"))
    'Bảo hiểm xã hội tỉnh'
    >>> department_in_header(header("ỦY BAN NHÂN DÂN", "TỈNH PHÚ YÊN", "Số: 62/KH-UBND"))
    """
    for j, line in enumerate(lines):
        text = line.text.strip(_HEADER_MARKS)
        if not _all_capitals(text):
            continue
        above = lines[j - 1].text.strip(_HEADER_MARKS) if j else ""
        if fold(text).startswith("so "):
            kinds = _DEPARTMENT
        elif above and _all_capitals(above) and not fold(above).startswith("cong hoa"):
            kinds = _UNDER_ORGAN  # "BẢO HIỂM XÃ HỘI VIỆT NAM" / "BẢO HIỂM XÃ HỘI TỈNH …"
        else:
            continue
        after = lines[j + 1].text.strip(_HEADER_MARKS) if j + 1 < len(lines) else ""
        tries = [f"{text} {after}", text] if after and _all_capitals(after) else [text]
        for name in tries:
            found = split_agencies(collapse_spaces(name))
            if found and found[0].start == 0 and found[0].agency.kind in kinds:
                return found[0].agency.name
    return None


_DEPARTMENT = frozenset({"department"})
#: Bodies a header names under their superior organ: a provincial unit of a national one
#: ("BẢO HIỂM XÃ HỘI TỈNH …" under "BẢO HIỂM XÃ HỘI VIỆT NAM") or a province's steering
#: committee ("BAN CHỈ ĐẠO …" under "UBND TỈNH …").
_UNDER_ORGAN = frozenset({"department", "state-unit", "steering-committee"})


def _fill_district(reg: Registry, part: DocumentPart, head: list[Line]) -> None:
    """A district-level issuer found in the header: the part's district and issuer name."""
    found = district_in_header(reg, head[:6])
    if found is not None:
        part.district, part.issuer_name = found


@cache
def _issuer_sentence(reg: Registry) -> re.Pattern[str]:
    """ "<organ> [thành phố …] xây dựng / ban hành kế hoạch": who issues an unnumbered plan."""
    organs = sorted(
        {fold(n) for i in reg.issuers for n in (i.name, *i.names)}, key=len, reverse=True
    )
    return re.compile(
        r"(?<![a-z])(?P<organ>" + "|".join(map(re.escape, organs)) + r")"
        r"(?:\s{1,3}(?:thanh pho|tinh|tp))?(?P<rest>[^;.\n]{0,40}?)\s{1,3}"
        r"(?:xay dung|co|ban hanh|xay dung va ban hanh)\s{1,3}ke hoach"
    )


def _preamble_end(view: TextView, part: DocumentPart, lines: list[Line]) -> int:
    after_title = part.title_span[1] if part.title_span else part.start
    for line in lines:
        if line.start <= after_title:
            continue
        if (
            _ROMAN_HEADING.match(line.text)
            or _OPERATIVE.match(line.folded)
            or _APPENDIX.match(line.folded)
        ):
            return line.start
    return part.end


def find_parts(
    view: TextView, mentions: list[Mention], registry: Registry | None = None
) -> list[DocumentPart]:
    """The documents a file states, in order, each with its own identity as far as stated."""
    reg = registry or load_registry()
    lines = lines_of(view)
    starts = _part_starts(reg, view, lines, mentions)
    bounds = [0] + [s for s, _ in starts] + [len(view.norm)]
    parts = [DocumentPart(start=a, end=b) for a, b in pairwise(bounds)]
    for part in parts:
        _fill_part(reg, view, part, mentions)
    for part in parts[1:]:
        parent = parts[0]
        if part.issuer_code is None:
            part.issuer_code, part.issuer_name = parent.issuer_code, parent.issuer_name
        if part.place is None and parent.place:
            part.place, part.place_evidence = parent.place, "parent"
    fallback = _most_named_place(reg, view)
    for part in parts:
        if part.place is None and fallback:
            part.place, part.place_evidence = fallback, "most-named"
    return parts


def _most_named_place(reg: Registry, view: TextView) -> str | None:
    counts = Counter(p for p in places_in(view, 0, len(view.norm), reg) if p != "vn")
    if not counts:
        return None
    best = max(counts.values())
    return sorted(p for p, n in counts.items() if n == best)[0]
