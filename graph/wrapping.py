"""Line breaks a converter made: text hard-wrapped at a fixed width.

A plan saved through a converter or an e-mail client often comes with every paragraph cut
into lines of at most some width (70, 100, 140 characters). Such a break is not the end of
a paragraph, a clause or a title, and a line after it may well start with a capital ("…
báo cáo kết quả về" / "Sở Công Thương trước ngày 15 hằng tháng."). A text is *hard-wrapped*
when its lines are short (the longest at most 200 characters, table rows aside) and many
of them (a quarter at least) are nearly as long as the longest: texts written one paragraph
a line have lines of every length. In such a text a line break is *soft* when the first
word of the next line would not have fitted on the line before (so the converter had to
break there), or nearly (a hand wrapped it) after no full stop, colon or semicolon, or the
line leaves a bracket open; and the next line starts no item or bullet.

>>> text = "\\n".join(["Sở Kế hoạch và Đầu tư chủ trì tổ chức hội nghị", "Lâm Đồng; xong.",
...                   "- Sở Tài chính bố trí kinh phí cho hội nghị ở", "tỉnh."] * 3)
>>> wrap_width(text)
46
>>> soft_break(text, text.index("\\nLâm")), soft_break(text, text.index("\\n- Sở"))
(True, False)
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Lines longer than this are written one paragraph a line, not wrapped.
MAX_WRAP_WIDTH = 200
#: The share of lines at least 85 % as long as the longest in a hard-wrapped text.
NEAR_WIDTH_SHARE = 0.25
#: Wrapped by hand, a line may end a little before the width: a break where the next word
#: would have made the line this long (a share of the width) is soft too, unless the line
#: ends a sentence or a clause.
SLACK = 0.9
#: A hard-wrapped text has at least this many lines.
MIN_LINES = 8

#: A line that starts an item, a bullet or a section: never a continuation.
_MARKER = re.compile(
    r"(?:[-+•*–]\s|\d{1,3}(?:\.\d{1,3})*[.)]\s|[IVXLC]{1,6}[.)]\s|\(?[a-zđ]\)\s|\(\d{1,2}\)\s)"
)


@lru_cache(maxsize=8)
def wrap_width(norm: str) -> int | None:
    """The width ``norm`` is hard-wrapped at (its longest line), or None when it is not."""
    # table rows (cells separated by tabs) are not wrapped: their width says nothing
    # nor are lines laid out in columns (a gap of four spaces or more: a header's two
    # halves, a table not read), whose width is the page's, not the text's
    lengths = [
        len(s)
        for line in norm.split("\n")
        if (s := line.strip()) and "\t" not in s and "    " not in s
    ]
    if len(lengths) < MIN_LINES:
        return None
    width = max(lengths)
    if width > MAX_WRAP_WIDTH:
        return None
    near = sum(1 for n in lengths if n >= 0.85 * width)
    return width if near >= NEAR_WIDTH_SHARE * len(lengths) else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


@lru_cache(maxsize=8)
def _common_indent(norm: str) -> int:
    """The indent most lines of ``norm`` have: a wrapped paragraph's later lines (its first
    line, in a PDF's text, is indented further).

    >>> _common_indent("     a\\n  b\\n  c\\n")
    2
    """
    counts: dict[int, int] = {}
    for line in norm.split("\n"):
        if line.strip() and "\t" not in line:
            n = _indent(line)
            counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda n: (counts[n], -n)) if counts else 0


def _first_line_indent(raw_before: str, raw_after: str, common: int) -> bool:
    """Does the line after start a paragraph by its indent? It is indented further than
    the line before; or the line before starts an item, indented further than most lines,
    and the line after stands under its number, not under its text (a PDF's "3. Phòng Văn
    hóa và Thông tin" then its paragraph). A list item's later lines hanging under its text
    (pandoc's "1.  Sở …" / "    Kế hoạch …") go on.

    >>> _first_line_indent("     nữ tỉnh phối hợp.", "          Trên đây là", 5)
    True
    >>> _first_line_indent("1.  Sở Kế hoạch và Đầu tư chủ trì", "    Kế hoạch phát triển", 0)
    False
    """
    before, after = _indent(raw_before), _indent(raw_after)
    marker = _MARKER.match(raw_before.strip())
    if marker is None:
        return after > before
    rest = raw_before.strip()[marker.end() :]
    text_column = before + marker.end() + len(rest) - len(rest.lstrip())
    return after != text_column and after >= before > common


def soft_break(norm: str, nl: int) -> bool:
    """Whether the line break at ``norm[nl]`` is one a converter made inside a paragraph."""
    width = wrap_width(norm)
    if width is None:
        return False
    raw_before = norm[norm.rfind("\n", 0, nl) + 1 : nl]
    end = norm.find("\n", nl + 1)
    raw_after = norm[nl + 1 : len(norm) if end < 0 else end]
    before, after = raw_before.strip(), raw_after.strip()
    if not before or not after or _MARKER.match(after):
        return False
    if _first_line_indent(raw_before, raw_after, _common_indent(norm)):
        return False  # a paragraph's first line, indented as a PDF's text keeps it
    if before.count("(") > before.count(")"):
        return True  # a bracket still open: "(Cơ quan chủ trì: …; cơ quan phối hợp:" / "Sở …)"
    need = len(before) + 1 + len(after.split()[0])  # the line with the next word on it
    # a converter had to break; or a hand nearly had to, and no sentence or clause ended
    return need > width or (need > SLACK * width and before[-1] not in ".:;!?)")


#: Words no sentence ends with: a line that ends with one goes on on the next line, whatever
#: that line starts with ("… Nghị định số" / "193/2013/NĐ-CP; …", "… thời gian thực hiện:
#: Quý" / "II và Quý III năm 2021.", "… giai đoạn" / "2021 - 2025; …").
_DANGLING_WORDS = frozenset(
    [
        "số",
        "quý",
        "tháng",
        "ngày",
        "đoạn",
        "và",
        "của",
        "về",
        "tại",
        "theo",
        "với",
        "các",
        "cho",
        "từ",
        "đến",
        "trong",
        "hoặc",
        "như",
        "là",
        "để",
    ]
)
_LAST_WORD = re.compile(r"(\w+)\W*$")
_NUMBERED = re.compile(
    r"(?:định|quyết|luận|hoạch|thị|trình|tư|văn|báo|bản|Luật|hiệu|dẫn)\s+$", re.IGNORECASE
)


def dangling(line: str) -> bool:
    """Whether ``line`` stops where no sentence can: on a word such as "số", "và", "của",
    or on a comma or a dash.

    >>> dangling("- Sở Tài chính rà soát theo Nghị định số"), dangling("hằng năm.")
    (True, False)
    >>> dangling("1. Nâng cao nhận thức về chuyển đổi số")
    False
    """
    text = line.rstrip()
    if text.endswith((",", " -", "–")):
        return True
    m = _LAST_WORD.search(text)
    if m is None or m.end(1) != len(text) or m.group(1).lower() not in _DANGLING_WORDS:
        return False
    # "số" dangles after a document's type ("Nghị định số"), not in "chuyển đổi số"
    return m.group(1).lower() != "số" or _NUMBERED.search(text[: m.start(1)]) is not None


def goes_on(norm: str, nl: int) -> bool:
    """Whether the text after the line break at ``norm[nl]`` goes on with the sentence before
    it: the next line starts with a lower-case letter, or the break is soft.

    >>> goes_on("ban hành Chương trình\\ncủa Chính phủ", 21), goes_on("a;\\nB", 2)
    (True, False)
    """
    after = norm[nl + 1 : nl + 41].lstrip(" \t")
    return (bool(after) and after[0].islower()) or soft_break(norm, nl)
