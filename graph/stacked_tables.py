"""Tables pasted one cell a line, read as the tab-separated rows the segmenter knows.

A table copied from a legal portal's web page and pasted as plain text often comes out one
cell per line: the header's names, then each row's label and cells, each on its own line::

    STT
    Nhiệm vụ
    Cơ quan chủ trì
    Thời gian thực hiện
    1
    Tổ chức Hội nghị quán triệt Nghị quyết
    Sở Kế hoạch và Đầu tư
    Quý III/2022

This stage finds such a table and joins each of its rows' lines with tabs in place of the
line breaks, so that the segmenter (:mod:`policykg.graph.segment`) reads the header and the
rows as it reads any tab-separated table. One character for one: offsets are unchanged, and
no map is needed.

* **the header**: three to ten lines in a row, the first "STT"/"TT", each a column's name
  written only with the words of a task table's header (:func:`header_words_only`);
* **the rows**: a line that is only a row label ("1", "2", "II", "a"), then one line for
  each other column; the table ends at the first row that is not so (a missing cell leaves
  the rest of the table as it is: a cell's line and the next row's label would be
  ambiguous).
* **wrapped cells** (text a PDF gives, one line of a cell per line): when the rows are not
  one line a cell, each row is the lines from its label to the next label (a blank line,
  where a page break was, inside a row). A row of fewer lines than cells is a group row
  ("1", "Tuyên truyền, quán triệt"); the lines of another are split into its cells where
  the header's columns say what they hold: agencies under "Cơ quan chủ trì"/"phối hợp"
  (:func:`~policykg.graph.agencies.agencies_cover`), a time under "Thời gian …"
  (:func:`~policykg.graph.deadlines.parse_deadline`). A cell goes on after a line that
  ends with "," ";" or "-" and onto a line in lower case ("UBND các xã, thị" / "trấn"). The
  lines of one cell are joined with spaces. Every row must split so (a content column's
  lines aside, each column's cell reads as its kind) or no table is read.

>>> text = "STT\\nNhiệm vụ\\nCơ quan chủ trì\\n1\\nHội nghị\\nSở Tư pháp\\nNơi nhận:\\n"
>>> print(stacked_table_stage(text)[0].replace("\\t", "|"))
STT|Nhiệm vụ|Cơ quan chủ trì
1|Hội nghị|Sở Tư pháp
Nơi nhận:
<BLANKLINE>
>>> text = ("TT\\nNội dung\\nCơ quan chủ trì\\nCơ quan phối hợp\\nThời gian\\n1\\nTuyên truyền\\n"
...         "1.1\\nTổ chức hội nghị quán triệt\\nNghị quyết\\nPhòng Tư pháp\\nUBND các xã,"
...         " thị\\ntrấn\\nQuý II/2023\\n1.2\\nTập huấn\\nPhòng Nội vụ\\nPhòng Tư pháp\\n"
...         "Năm 2024\\n")
>>> print(stacked_table_stage(text)[0].replace("\\t", "|"))
TT|Nội dung|Cơ quan chủ trì|Cơ quan phối hợp|Thời gian
1|Tuyên truyền
1.1|Tổ chức hội nghị quán triệt Nghị quyết|Phòng Tư pháp|UBND các xã, thị trấn|Quý II/2023
1.2|Tập huấn|Phòng Nội vụ|Phòng Tư pháp|Năm 2024
<BLANKLINE>
"""

from __future__ import annotations

import re

from policykg.graph.layout_tables import ROW_LABEL, header_words_only, lines_with_breaks

__all__ = ["stacked_table_stage"]

#: "STT" or "TT" alone on a line (where such a table may start; most texts have none).
_STT_LINE = re.compile(r"(?im)^[ \t]*s?tt\.?[ \t\r]*$")
_MOST_COLUMNS = 10
#: A header's name is short ("Thời gian hoàn thành", "Cơ quan, đơn vị phối hợp").
_MOST_HEADER_WORDS = 8


def _label(line: str) -> bool:
    """Is the line only a row label?"""
    return ROW_LABEL.fullmatch(line.strip()) is not None


def _header_width(lines: list[str], h: int) -> int:
    """How many columns the header starting at line ``h`` ("STT") names (0: no header)."""
    n = 1
    while h + n < len(lines) and n < _MOST_COLUMNS:
        name = lines[h + n]
        if "\t" in name or len(name.split()) > _MOST_HEADER_WORDS or not header_words_only(name):
            break
        n += 1
    return n if n >= 3 else 0


def _row(lines: list[str], i: int, width: int) -> bool:
    """Does a row of ``width`` lines start at line ``i``: a label, then a line for each
    other column, none of them blank, a label or tabbed?"""
    if i + width > len(lines) or not _label(lines[i]):
        return False
    cells = lines[i + 1 : i + width]
    return all(c.strip() and "\t" not in c and not _label(c) for c in cells) and (
        i + width == len(lines) or lines[i + width - 1].endswith("\n")
    )


def _joined(lines: list[str]) -> str:
    """The lines as one, their breaks (all but the last) tabs."""
    return "".join(line[:-1] + "\t" for line in lines[:-1]) + lines[-1]


#: What a header's column holds, from its name (folded): agencies, a time, or text.
_AGENCY_COLUMN = re.compile(r"chu tri|phoi hop|thuc hien|co quan|don vi")
_TIME_COLUMN = re.compile(r"thoi gian|thoi han|tien do|hoan thanh")
#: A wrapped row has at most this many lines per cell on average.
_MOST_LINES_PER_CELL = 4


def _kinds(names: list[str]) -> list[str]:
    from policykg.graph.folding import fold

    kinds = []
    for name in names:
        f = fold(name)
        kinds.append(
            "time" if _TIME_COLUMN.search(f) else "agency" if _AGENCY_COLUMN.search(f) else "text"
        )
    return kinds


def _reads_as(kind: str, text: str) -> bool:
    """Does a cell's ``text`` read as what its column holds?"""
    from policykg.graph.agencies import agencies_cover
    from policykg.graph.deadlines import parse_deadline

    text = " ".join(text.split())
    if kind == "agency":
        return agencies_cover(text, 0.6 * len(text))
    if kind == "time":
        d = parse_deadline(text)
        return len(text) <= 40 and (d.kind != "unparsed" or d.recurrence is not None)
    return True


def _splits(n: int, cells: int, allowed: list[bool]):
    """Every way to cut ``n`` lines into ``cells`` runs, cutting only after line ``i`` where
    ``allowed[i]``: each as the index of each run's first line."""
    if cells == 1:
        yield (0,)
        return

    def rec(start: int, left: int):
        if left == 0:
            yield ()
            return
        for cut in range(start, n - left + 1):
            if allowed[cut - 1]:
                for rest in rec(cut + 1, left - 1):
                    yield (cut, *rest)

    for cuts in rec(1, cells - 1):
        yield (0, *cuts)


def _cell_lines(row: list[str], kinds: list[str]) -> list[int] | None:
    """Where each cell of a wrapped row starts (indexes into ``row``, its lines after the
    label), the split whose cells best read as their columns' kinds; None when no split
    reads every agency and time cell as such."""
    content = [i for i, line in enumerate(row) if line.strip()]
    n, cells = len(content), len(kinds)
    if n < cells or n > cells * _MOST_LINES_PER_CELL:
        return None
    texts = [row[i].strip() for i in content]
    allowed = [
        not texts[i].endswith((",", ";", "-", "–")) and not texts[i + 1][:1].islower()
        for i in range(n - 1)
    ]
    best: tuple[int, tuple[int, ...]] | None = None
    for starts in _splits(n, cells, allowed):
        bounds = [*starts, n]
        if not all(
            _reads_as(kinds[c], " ".join(texts[bounds[c] : bounds[c + 1]])) for c in range(cells)
        ):
            continue
        # a time is seldom wrapped ("Chi cục Thuế khu vực" / "Can Lộc - Lộc Hà" / "6 tháng/lần"):
        # of the splits that read, the one with the fewest time lines, then the content's
        time_lines = sum(bounds[c + 1] - bounds[c] for c in range(cells) if kinds[c] == "time")
        if best is None or time_lines < best[0]:
            best = (time_lines, starts)
    if best is None:
        return None
    return [content[s] for s in best[1]]


def _wrapped_rows(lines: list[str], i: int, width: int) -> tuple[list[str], int] | None:
    """The rows of a wrapped table from line ``i`` (its first row's label), joined as tabbed
    lines (one character for one), and the line after the table; None when the lines from
    ``i`` are no such table."""
    kinds = _kinds([line.strip() for line in lines[i - width + 1 : i]])
    out: list[str] = []
    rows = 0
    while i < len(lines) and _label(lines[i]):
        j = i + 1
        while j < len(lines) and not _label(lines[j]) and "\t" not in lines[j]:
            if not lines[j].strip():  # a blank line: the row goes on only to a label
                ahead = [x for x in lines[j + 1 : j + 4] if x.strip()]
                if not any(_label(x) for x in ahead):
                    break
            j += 1
        body = lines[i + 1 : j]
        filled = [x for x in body if x.strip()]
        if not filled:
            break
        if len(filled) < len(kinds):  # a group row: its title only
            starts = [body.index(filled[0])]
        else:
            found = _cell_lines(body, kinds)
            if found is None:
                return None
            starts = found
        parts = [lines[i][:-1] + "\t"]
        for k, line in enumerate(body):
            if k == len(body) - 1:
                parts.append(line)  # the row's break stays
            elif k + 1 in starts:
                parts.append(line[:-1] + "\t")
            else:
                parts.append(line[:-1] + " ")
        out.append("".join(parts))
        out.extend([""] * (j - i - 1))
        rows += 1
        i = j
    return (out, i) if rows >= 2 else None


def stacked_table_stage(text: str) -> tuple[str, None]:
    """Every table pasted one cell a line in ``text`` joined into rows (see the module's doc);
    the text itself when it has none."""
    if _STT_LINE.search(text) is None:
        return text, None
    lines = lines_with_breaks(text)
    out = list(lines)
    h = 0
    while h < len(lines):
        width = _header_width(lines, h) if _STT_LINE.fullmatch(lines[h].rstrip("\n")) else 0
        if width and not _row(lines, h + width, width):
            wrapped = _wrapped_rows(lines, h + width, width)
            if wrapped is not None:
                rows, after = wrapped
                out[h : h + width] = [_joined(lines[h : h + width]), *[""] * (width - 1)]
                out[h + width : after] = rows
                h = after
                continue
        if width == 0 or not _row(lines, h + width, width):
            h += 1
            continue
        out[h : h + width] = [_joined(lines[h : h + width]), *[""] * (width - 1)]
        i = h + width
        while _row(lines, i, width):
            out[i : i + width] = [_joined(lines[i : i + width]), *[""] * (width - 1)]
            i += width
        h = i
    result = "".join(out)
    return (text, None) if result == text else (result, None)
