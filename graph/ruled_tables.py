"""Tables whose columns a rule of dashes marks, read as the tab-separated rows the segmenter
knows.

Pandoc writes a Word table as a *multiline* or a *simple* table: the columns are the runs of
dashes of the rule under the header, a cell's text stays within its column (wrapped over
several lines in a multiline table, whose rows are apart by a blank line), and cells may
stand one space apart::

      ----------------------------------------------------
      STT   Nội dung nhiệm vụ   Cơ quan chủ   Thời gian
                                trì           hoàn thành
      ----- ------------------- ------------- ------------
      1     Tổ chức hội nghị    Sở Kế hoạch   Quý II/2021
            quán triệt          và Đầu tư

      2     Rà soát văn bản     Sở Tư pháp    Tháng 9/2021
      ----------------------------------------------------

This stage finds each rule of three runs of dashes or more, and rewrites the lines of its
table in place: the space before each column's start becomes a tab, so that the segmenter
(:mod:`policykg.graph.segment`) reads the header, the rows and, from a line whose first cell
is empty, a row's continuation. The column rule itself becomes spaces. One character for
one: offsets are unchanged, and no map is needed.

* **the header**: the lines right above the rule, up to a blank line or a rule (none: a
  table without a header);
* **the rows**: the lines under it, up to a rule of one run (a multiline table's last line)
  or another column rule; in a table with no rule of one run above its header (a simple
  table, one line a row) up to the first blank line as well.

A line whose text crosses a column's start (no space there) keeps that boundary as it is.

>>> text = (
...     "STT  Nội dung         Cơ quan chủ trì\\n"
...     "---- ---------------- ----------------\\n"
...     "1    Hội nghị quán    Sở Kế hoạch và\\n"
...     "     triệt            Đầu tư\\n"
...     "\\n"
...     "Nơi nhận:\\n"
... )
>>> print(ruled_table_stage(text)[0].replace("\\t", "|"))
STT |Nội dung        |Cơ quan chủ trì
<BLANKLINE>
1   |Hội nghị quán   |Sở Kế hoạch và
    |triệt           |Đầu tư
<BLANKLINE>
Nơi nhận:
<BLANKLINE>
"""

from __future__ import annotations

import re

from policykg.graph.layout_tables import lines_with_breaks

__all__ = ["ruled_table_stage"]

#: A rule of columns: three runs of dashes or more, apart by spaces, alone on the line.
_COLUMN_RULE = re.compile(r"[ \t]*-{2,}(?: +-{2,}){2,}[ \t\r]*\n?")
#: A rule across the table: one run of dashes (a multiline table's first and last lines).
_FULL_RULE = re.compile(r"[ \t]*-{3,}[ \t\r]*\n?")
#: The most header lines above a column rule.
_MOST_HEADER_LINES = 6


def _blank(line: str) -> bool:
    return not line.strip()


def _rewrite(line: str, starts: list[int]) -> str:
    """The line with a tab for the space before each column start (the first aside)."""
    out = list(line)
    for p in starts[1:]:
        if p - 1 < len(line) and line[p - 1] == " ":
            out[p - 1] = "\t"
    return "".join(out)


def _header(lines: list[str], r: int) -> tuple[int, bool]:
    """(first header line, whether a rule of one run stands above the header) of the column
    rule at line ``r``."""
    h = r
    while h > 0 and r - h < _MOST_HEADER_LINES:
        above = lines[h - 1]
        if _blank(above) or _FULL_RULE.fullmatch(above) or _COLUMN_RULE.fullmatch(above):
            break
        h -= 1
    multiline = h > 0 and _FULL_RULE.fullmatch(lines[h - 1]) is not None
    if h == r and r > 0 and _FULL_RULE.fullmatch(lines[r - 1]):
        multiline = True  # a multiline table without a header
    return h, multiline


def ruled_table_stage(text: str) -> tuple[str, None]:
    """Every table ruled with dashes in ``text`` rewritten with tabs (see the module's doc);
    the text itself when it has none."""
    if "-- --" not in text:
        return text, None
    lines = lines_with_breaks(text)
    out = list(lines)
    r = 0
    while r < len(lines):
        if "\t" in lines[r] or _COLUMN_RULE.fullmatch(lines[r]) is None:
            r += 1
            continue
        rule = lines[r]
        starts = [m.start() for m in re.finditer(r"-+", rule)]
        h, multiline = _header(lines, r)
        end = r + 1
        while end < len(lines):
            line = lines[end]
            if _FULL_RULE.fullmatch(line) or _COLUMN_RULE.fullmatch(line) or "\t" in line:
                break
            if _blank(line) and not multiline:
                break
            end += 1
        while end > r + 1 and _blank(lines[end - 1]):
            end -= 1  # blank lines after the last row are no part of the table
        for k in range(h, end):
            if k == r:
                out[k] = re.sub(r"[^\n]", " ", rule)
            elif not _blank(lines[k]):
                out[k] = _rewrite(lines[k], starts)
        if end < len(lines) and _COLUMN_RULE.fullmatch(lines[end]):
            out[end] = re.sub(r"[^\n]", " ", lines[end])  # a simple table's closing rule
            end += 1
        r = end
    result = "".join(out)
    return (text, None) if result == text else (result, None)
