"""Tables laid out with spaces, read as the tab-separated rows the segmenter knows.

``pdftotext -layout`` writes a PDF's table as lines whose cells stand in columns of
characters, a cell's later lines under its first::

      TT   Nội dung nhiệm vụ        Cơ quan chủ trì   Thời gian
      1    Tuyên truyền Kết luận    Sở Thông tin và   Thường xuyên
           số 70-KL/TW              Truyền thông

This stage finds such a table and rewrites each of its lines in place: the first spaces of
the gap before a cell become one tab for each column boundary the gap crosses, so that the
segmenter (:mod:`policykg.graph.segment`) reads the header, the rows and, from a line whose
first cell is empty, a row's continuation, as it reads any tab-separated table. One
character for one: offsets are unchanged, and no map is needed.

How a table is found, with nothing keyed on a document:

* **the header**: a line with three cells or more (runs of text apart by two spaces or
  more), the first "TT"/"STT", or two of them naming a task table's columns ("Nội dung",
  "chủ trì", "phối hợp", "Thời gian", "Nhiệm vụ");
* **the rows**: under it, a line whose first cell, left of the second column, is a row
  label ("1", "1.2", "II", "a"); the header's later lines ("hoàn thành" under "Thời gian")
  come before the first row;
* **the columns**: from the rows that fill the most columns (the commonest count, three at
  least): a column starts between the furthest end of the cells before it and the nearest
  start of its own cells; the layout must be consistent (every such row's cells in order,
  apart), or the text is left as it is;
* **the end**: the first line, blank lines aside, that is no line of the table: a cell
  reaching into the next column (prose runs across the page; a group row's title,
  "III   Phát triển hợp tác xã …", may), text in the label column that is no row label
  and no repeated header ("Nơi nhận:"), or a closing ("Nơi nhận", "TM.", "KT.", "Phụ lục").

A table whose rows have no labels is left as it is: a cell's later line and a new row look
alike there.

>>> text = (
...     "TT   Nội dung          Cơ quan chủ trì   Thời gian\\n"
...     "1    Tuyên truyền      Sở Thông tin và   Thường xuyên\\n"
...     "     Kết luận 70       Truyền thông\\n"
...     "2    Hội nghị          Sở Nội vụ         Quý I/2021\\n"
...     "Nơi nhận:\\n"
... )
>>> print(layout_table_stage(text)[0].replace("\\t", "|"))
TT|  Nội dung|         Cơ quan chủ trì|  Thời gian
1|   Tuyên truyền|     Sở Thông tin và|  Thường xuyên
|    Kết luận 70|      Truyền thông
2|   Hội nghị|         Sở Nội vụ|        Quý I/2021
Nơi nhận:
<BLANKLINE>
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from policykg.graph.folding import fold

__all__ = ["ROW_LABEL", "header_words_only", "layout_table_stage", "lines_with_breaks"]

#: A run of text whose words are apart by one space: a cell's line.
_CHUNK = re.compile(r"\S+(?: \S+)*")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_STT = frozenset(("tt", "stt", "so tt", "so thu tu"))
_HEADER_WORDS = ("noi dung", "chu tri", "phoi hop", "thoi gian", "nhiem vu", "thoi han")
#: A table row's label: "1", "1.2", "II", "a", "3.", "b)".
ROW_LABEL = re.compile(r"(?:\d{1,3}(?:\.\d{1,3}){0,3}|[IVXLC]{1,6}|[a-zđ])[.)]?")
_SPACED_LABEL = re.compile(
    r"(?P<label>\d{1,3}(?:\.\d{1,3}){0,3}\.?|[IVXLC]{1,6}\.?|[a-zđ][.)]?) (?=\w)"
)
_CLOSING = re.compile(r"(?:noi nhan|tm\.|kt\.|tl\.|phu luc)")
#: Whether a text may hold such a table at all (most texts have no run of three spaces).
_WIDE_GAP = "   "


@dataclass(frozen=True)
class _Layout:
    """Column ``j`` holds the cells starting at ``starts[j]`` or after (``starts[0]`` is 0);
    a cell of column ``j`` may reach to ``limits[j]`` (the nearest start of column ``j+1``)."""

    starts: tuple[int, ...]
    limits: tuple[int, ...]

    def column(self, start: int) -> int:
        """The column of a cell that starts at ``start``."""
        j = 0
        while j + 1 < len(self.starts) and start >= self.starts[j + 1]:
            j += 1
        return j

    def overlapped(self, start: int, end: int) -> int:
        """The column a cell spanning ``[start, end)`` overlaps most (the first of equals)."""
        bounds = (*self.starts[1:], 1 << 30)
        overlaps = [min(end, b) - max(start, a) for a, b in zip(self.starts, bounds, strict=True)]
        return overlaps.index(max(overlaps))


def lines_with_breaks(text: str) -> list[str]:
    """The lines of ``text``, each with its line break (the last one may have none).

    >>> lines_with_breaks("a\\nb\\n\\nc")
    ['a\\n', 'b\\n', '\\n', 'c']
    """
    return _LINE.findall(text)


def _chunks(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CHUNK.finditer(line)]


def _label_apart(line: str, chunks: list[tuple[int, int]], edge: int) -> list[tuple[int, int]]:
    """The cells of a line whose row label is one space from its text ("10 Rà soát …",
    "1.1 Nghị quyết …": a narrow STT column): the label a cell of its own, when it starts
    left of ``edge`` (in the label column).

    >>> _label_apart("  10 Rà soát quỹ đất   Sở Tài chính", [(2, 19), (22, 34)], 6)
    [(2, 4), (5, 19), (22, 34)]
    """
    if not chunks or chunks[0][0] > edge:
        return chunks
    a, b = chunks[0]
    m = _SPACED_LABEL.match(line, a, b)
    if m is None:
        return chunks
    return [(a, m.end("label")), (m.end(), b), *chunks[1:]]


def _is_anchor(line: str, chunks: list[tuple[int, int]]) -> bool:
    """Is the line a table's header: three cells or more, the first "TT"/"STT" or two
    naming a task table's columns?"""
    if len(chunks) < 3 or "\t" in line or "|" in line:
        return False
    cells = [fold(line[a:b]) for a, b in chunks]
    if cells[0].strip(" .") in _STT:
        return True
    return sum(any(w in c for w in _HEADER_WORDS) for c in cells) >= 2


def _label_first(line: str, chunks: list[tuple[int, int]], before: int) -> bool:
    """Does the line start with a row label, left of column ``before``?"""
    if not chunks or chunks[0][0] >= before:
        return False
    a, b = chunks[0]
    return ROW_LABEL.fullmatch(line[a:b]) is not None


def _layout(chunked: list[list[tuple[int, int]]], rows: list[int]) -> _Layout | None:
    """The columns, from the row lines (indexes) that fill the commonest number of cells."""
    counts = Counter(len(chunked[i]) for i in rows if len(chunked[i]) >= 3)
    if not counts:
        return None
    k = max(counts, key=lambda n: (counts[n], n))
    full = [chunked[i] for i in rows if len(chunked[i]) == k]
    starts, limits = [0], []
    for j in range(1, k):
        lo = max(c[j - 1][1] for c in full)  # the furthest end of column j-1
        hi = min(c[j][0] for c in full)  # the nearest start of column j
        if lo > hi:
            return None  # the rows disagree on where the columns are
        starts.append((lo + hi + 1) // 2)
        limits.append(hi)
    limits.append(1 << 30)
    return _Layout(tuple(starts), tuple(limits))


def _fits(line: str, chunks: list[tuple[int, int]], layout: _Layout) -> bool:
    """Is the line a line of the table laid out so?"""
    if _CLOSING.match(fold(line.lstrip())):
        return False
    if not _label_first(line, chunks, layout.starts[1]) and chunks[0][0] < layout.starts[1]:
        return _is_anchor(line, chunks)  # text in the label column: a repeated header only
    for n, (a, b) in enumerate(chunks):
        j = layout.column(a)
        if b > layout.limits[j]:  # reaches into the next column
            return (
                n == 1
                and j == 1
                and len(chunks) == 2
                and _label_first(line, chunks, layout.starts[1])
            )  # a group row's title, "III   Phát triển …"
    return True


def _rewrite(line: str, chunks: list[tuple[int, int]], layout: _Layout, header: bool) -> str:
    """The line with one tab for each column boundary before each cell. A header's cell,
    centred over its column, goes to the column it overlaps most; any other cell to the
    column it starts in."""
    out = list(line)
    prev_col, prev_end = 0, 0
    for a, b in chunks:
        j = layout.overlapped(a, b) if header else layout.column(a)
        j = max(j, prev_col)
        for p in range(prev_end, prev_end + min(j - prev_col, a - prev_end)):
            out[p] = "\t"
        prev_col, prev_end = j, b
    return "".join(out)


#: The words a task table's header is written with ("Cơ quan chủ trì", "Thời gian hoàn
#: thành", "Đơn vị phối hợp", "Sản phẩm", "Ghi chú", "Kinh phí dự kiến" …), folded.
_HEADER_VOCABULARY = frozenset(
    {
        "bat",
        "chi",
        "chu",
        "co",
        "cong",
        "dao",
        "dau",
        "do",
        "don",
        "dong",
        "du",
        "dung",
        "ghi",
        "giai",
        "gian",
        "han",
        "hien",
        "hoan",
        "hoat",
        "hop",
        "ket",
        "khai",
        "kien",
        "kinh",
        "lanh",
        "linh",
        "moi",
        "nam",
        "nguon",
        "nhiem",
        "noi",
        "pham",
        "phap",
        "phi",
        "phoi",
        "qua",
        "quan",
        "quy",
        "san",
        "so",
        "stt",
        "thanh",
        "thoi",
        "thuc",
        "tien",
        "tieu",
        "trach",
        "tri",
        "trien",
        "tt",
        "vi",
        "viec",
        "von",
        "vu",
        "vuc",
    }
)


def header_words_only(text: str) -> bool:
    """Is ``text`` written only with the words of a table's header (and some)?

    >>> header_words_only("Cơ quan chủ"), header_words_only("Đầu tư"), header_words_only("")
    (True, False, False)
    """
    words = re.findall(r"\w+", fold(text))
    return bool(words) and all(w in _HEADER_VOCABULARY for w in words)


def _above(lines: list[str], chunked: list[list[tuple[int, int]]], h: int) -> list[int]:
    """The header's lines above its anchor ``h`` (a header centred vertically: "Cơ quan" /
    "chủ trì" above the line with "STT"): up to three lines right above it, of short cells
    written only with a header's words, none in the label column."""
    label_end = chunked[h][0][1]
    found: list[int] = []
    k = h - 1
    while k >= 0 and len(found) < 3 and chunked[k]:
        chunks = chunked[k]
        if chunks[0][0] <= label_end or any(b - a > 40 for a, b in chunks):
            break
        if not all(header_words_only(lines[k][a:b]) for a, b in chunks):
            break
        found.append(k)
        k -= 1
    return found


def _table(
    lines: list[str], chunked: list[list[tuple[int, int]]], h: int
) -> tuple[int, int, _Layout] | None:
    """(first row's line, end line, layout) of the table whose header is line ``h``."""
    n = len(lines)
    header_edge = chunked[h][1][0]
    first_row = next(
        (i for i in range(h + 1, min(n, h + 8)) if _label_first(lines[i], chunked[i], header_edge)),
        None,
    )
    if first_row is None or len(chunked[first_row]) < 2:
        return None
    edge = chunked[first_row][1][0]  # where the first row's second cell starts
    rows = []  # the rows' first lines, until a line no table has
    for i in range(first_row, n):
        if not chunked[i]:
            continue
        if _CLOSING.match(fold(lines[i].lstrip())):
            break
        if _label_first(lines[i], chunked[i], edge):
            rows.append(i)
        elif chunked[i][0][0] < edge and not _is_anchor(lines[i], chunked[i]):
            break
    layout = _layout(chunked, rows)
    if layout is None or len(layout.starts) < 3:
        return None
    end = h + 1
    for i in range(h + 1, n):
        if chunked[i] and not _fits(lines[i], chunked[i], layout):
            break
        if chunked[i]:
            end = i + 1
    return first_row, end, layout


def layout_table_stage(text: str) -> tuple[str, None]:
    """Every table laid out with spaces in ``text`` rewritten with tabs (see the module's
    doc); the text itself when it has none."""
    if _WIDE_GAP not in text:
        return text, None
    lines = lines_with_breaks(text)
    anchors = [
        i
        for i, line in enumerate(lines)
        if "  " in line.strip() and _is_anchor(line, _chunks(line))
    ]
    if not anchors:
        return text, None
    chunked = [[] if "\t" in line or "|" in line else _chunks(line) for line in lines]
    label_edge = min(chunked[h][0][0] for h in anchors) + 4
    for i in range(anchors[0] + 1, len(lines)):
        chunked[i] = _label_apart(lines[i], chunked[i], label_edge)
    out = list(lines)
    done = 0
    for h in anchors:
        if h < done:
            continue  # a header repeated inside a table read already
        found = _table(lines, chunked, h)
        if found is None:
            continue
        first_row, end, layout = found
        headers = {k for k in range(h, end) if chunked[k] and _is_anchor(lines[k], chunked[k])}
        headers |= set(range(h, first_row))
        for anchor in [k for k in headers if k == h or _is_anchor(lines[k], chunked[k])]:
            headers |= set(_above(lines, chunked, anchor))
        for k in sorted(set(range(h, end)) | headers):
            if chunked[k]:
                out[k] = _rewrite(lines[k], chunked[k], layout, k in headers)
        done = end
    result = "".join(out)
    return (text, None) if result == text else (result, None)
