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

>>> text = "STT\\nNhiệm vụ\\nCơ quan chủ trì\\n1\\nHội nghị\\nSở Tư pháp\\nNơi nhận:\\n"
>>> print(stacked_table_stage(text)[0].replace("\\t", "|"))
STT|Nhiệm vụ|Cơ quan chủ trì
1|Hội nghị|Sở Tư pháp
Nơi nhận:
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
