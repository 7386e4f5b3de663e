"""Find the measurable targets (chỉ tiêu) stated in the "Mục tiêu" section of a plan.

A *target* is a number with a unit that a plan commits to, with what it measures and by when:
"Đến năm 2020: … có từ 80 đến 90% Hợp tác xã hoạt động từ khá trở lên", "Kinh tế tập thể thành
phố đóng góp 1,0 - 1,2% GRDP thành phố". :func:`find_targets` reads the section text the
caller passes and returns one :class:`Target` per number, in text order.

How a target is read
--------------------
* **Quantity.** A number written the Vietnamese way (decimal comma ``6,5``, thousands dot
  ``1.500``), a range (``60-70%``, ``1,0 - 1,2%``, ``từ 80 đến 90%``), a comparator before it
  (``trên``/``hơn``: ``gt``; ``ít nhất``/``tối thiểu``/``không dưới``/``từ``: ``ge``; ``dưới``:
  ``lt``; ``không quá``/``tối đa``: ``le``; ``khoảng``/``xấp xỉ``/``trên dưới``: ``eq``) or after
  it (``trở lên``: ``ge``; ``trở xuống``: ``le``), and a unit: ``%``, ``%/năm``, ``% GRDP`` or a
  counted noun (``hợp tác xã``, ``người``, ``tỷ đồng`` …, abbreviations such as ``HTX`` spelled
  out) with an optional rate (``/năm``, ``mỗi xã`` → ``/xã``). "từ 30% lên 50%" is the level
  50 (``eq``); a number with no unit is kept only after a comparator or ``đạt``.
* **Zero.** "Không còn Hợp tác xã yếu kém" is the target 0 (``eq``), its unit the counted
  noun; "không còn" before anything but a counted noun ("không còn hoạt động") is not.
* **Not targets.** Dates (``21/02/2013``, ``quý II/2018``), symbols (``56-KL/TW``), numbering
  (``1.1.``), years and other numbers after ``năm``/``ngày``/``số``/``Điều`` …, numbers with
  neither unit nor comparator, durations ("ít nhất 02 năm một lần"), numbers in the title of
  a document cited in the same clause ("Quyết định số 461/QĐ-TTg … Đề án Phát triển 15.000
  hợp tác xã"), a number whose clause names nothing ("Phấn đấu đạt 100%."), and deadlines
  without a number ("Đến hết quý II/2018, hoàn thành việc chuyển đổi …").
* **Indicator.** The clause around the number, in the text's words: the clause is cut at
  ``;``, at the end of a sentence and between the targets of one sentence (at a comma or
  "trong đó"); fillers ("có", "đạt", "phấn đấu", the year phrase, "các") are dropped, and so
  is every parenthesis. A sub-target with no subject of its own ("…, trong đó 70% có trình độ
  …") reads "<the target before>, trong đó có trình độ …". "X đóng góp 1,2% GRDP …" reads
  "đóng góp của X vào GRDP …". The first letter is lowered when it is capital only because it
  starts the line or sentence; abbreviations are spelled out from the registry (``HTX`` →
  ``Hợp tác xã``, its capital included), so compare indicators folded.
* **Year.** From a year phrase ("đến (hết) năm 2020", "vào năm 2025", "Đến hết quý II/2018")
  in the target's own clause, else earlier in its sentence, else at the head of its line,
  else from a line that introduces a list ("- Phấn đấu đến năm 2020:" followed by "+ …"
  bullets; the OCR slip "Phân đầu" folds alike). A list runs over the following lines with a
  different bullet and ends at a line with the introducing line's bullet, at a section number
  or heading, or at an unbulleted line (except the first line after the introduction). Years
  of a period ("giai đoạn từ nay đến năm 2020", "tầm nhìn đến năm 2030") and baselines ("so
  với năm 2020") are not target years.

Spans are offsets of the text given; extraction runs on its :func:`make_view`, so markup and
NFD input do not matter. Every pattern is bounded, and each target looks at most a few hundred
characters around its number, so the time is linear in the text.

>>> [(t.indicator, str(t.value_min), str(t.value_max), t.unit, t.year, t.comparator)
...  for t in find_targets("- Đến năm 2020: có từ 80 đến 90% Hợp tác xã hoạt động từ khá "
...                        "trở lên; HTX yếu kém dưới 10%.")]  # doctest: +NORMALIZE_WHITESPACE
[('Hợp tác xã hoạt động từ khá trở lên', '80', '90', '%', 2020, 'range'),
 ('Hợp tác xã yếu kém', 'None', '10', '%', 2020, 'lt')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from policykg.graph.registry import load_registry
from policykg.graph.textview import TextView, canonical_spelling, collapse_spaces, make_view

__all__ = ["Target", "find_targets"]

_S = r"[ \t]{0,3}"  # bounded optional space inside one line: keeps every pattern linear
_W = r"[ \t]{1,3}"
_END = r"(?![^\W\d_])"  # not followed by a letter
_WINDOW = 300  # the most characters of a clause read on either side of a number


@dataclass(frozen=True)
class Target:
    """One measurable target, with the span of its whole phrase in the text given."""

    start: int
    end: int
    indicator: str  # what is measured, in the text's words (canonical spelling)
    value_min: Decimal | None  # None: no lower bound ("dưới 10%")
    value_max: Decimal | None  # None: no upper bound ("trên 50%"); == value_min for one value
    unit: str | None  # "%", "%/năm", "% GRDP", "hợp tác xã", "tỷ đồng/hợp tác xã" …
    year: int | None  # the year the target is for
    comparator: str  # "eq", "range", "gt", "ge", "lt" or "le"


# --- vocabulary (lower case, with diacritics; spaces become \s) ------------------------------

_COMPARATORS = {
    "không vượt quá": "le",
    "không nhiều hơn": "le",
    "không cao hơn": "le",
    "không lớn hơn": "le",
    "không quá": "le",
    "không hơn": "le",
    "tối đa": "le",
    "không ít hơn": "ge",
    "không thấp hơn": "ge",
    "không dưới": "ge",
    "ít nhất": "ge",
    "tối thiểu": "ge",
    "từ": "ge",
    "trên dưới": "eq",
    "xấp xỉ": "eq",
    "khoảng": "eq",
    "gần": "eq",
    "nhiều hơn": "gt",
    "cao hơn": "gt",
    "lớn hơn": "gt",
    "vượt trên": "gt",
    "vượt": "gt",
    "trên": "gt",
    "hơn": "gt",
    "ít hơn": "lt",
    "thấp hơn": "lt",
    "nhỏ hơn": "lt",
    "dưới": "lt",
}
# Counted nouns: part of what is measured ("10 hợp tác xã điển hình").
_COUNT_UNITS = {
    "liên hiệp hợp tác xã": "liên hiệp hợp tác xã",
    "liên hiệp htx": "liên hiệp hợp tác xã",
    "lh htx": "liên hiệp hợp tác xã",
    "hợp tác xã": "hợp tác xã",
    "htx": "hợp tác xã",
    "tổ hợp tác": "tổ hợp tác",
    "thành viên": "thành viên",
    "lượt người": "lượt người",
    "người": "người",
    "lao động": "lao động",
    "hộ gia đình": "hộ",
    "hộ": "hộ",
    "doanh nghiệp": "doanh nghiệp",
    "cán bộ": "cán bộ",
    "học viên": "học viên",
    "lớp": "lớp",
    "mô hình": "mô hình",
    "sản phẩm": "sản phẩm",
    "dự án": "dự án",
    "chuỗi": "chuỗi",
    "chợ": "chợ",
    "làng nghề": "làng nghề",
    "trang trại": "trang trại",
    "cơ sở": "cơ sở",
    "việc làm": "việc làm",
    "xã": "xã",
    "lượt": "lượt",
}
# Measures: not part of what is measured ("vốn điều lệ bình quân đạt 2 tỷ đồng").
_MEASURE_UNITS = {
    "nghìn tỷ đồng": "nghìn tỷ đồng",
    "ngàn tỷ đồng": "nghìn tỷ đồng",
    "tỷ đồng": "tỷ đồng",
    "tỉ đồng": "tỷ đồng",
    "triệu đồng": "triệu đồng",
    "nghìn đồng": "nghìn đồng",
    "ngàn đồng": "nghìn đồng",
    "đồng": "đồng",
    "triệu usd": "triệu USD",
    "usd": "USD",
    "héc ta": "ha",
    "hecta": "ha",
    "ha": "ha",
    "km": "km",
    "tấn": "tấn",
    "lần": "lần",
}
_PERCENT = {"%": "%", "phần trăm": "%"}
_PER_WORDS = {
    "năm": "năm",
    "tháng": "tháng",
    "hợp tác xã": "hợp tác xã",
    "htx": "hợp tác xã",
    "thị trấn": "thị trấn",
    "phường": "phường",
    "xã": "xã",
    "huyện": "huyện",
    "quận": "quận",
    "tỉnh": "tỉnh",
    "thôn": "thôn",
    "người": "người",
    "hộ": "hộ",
    "thành viên": "thành viên",
}
_UNITS = {**_PERCENT, **_COUNT_UNITS, **_MEASURE_UNITS}


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of words, longest first, spaces matching 1-3 blanks."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", _W) for w in ordered)


def _key(matched: str) -> str:
    return " ".join(matched.split())


# --- patterns ---------------------------------------------------------------------------------

_NUM = (
    r"(?:\d{1,3}(?:\.\d{3}){1,4}(?:,\d{1,6})?(?!\d|\.\d)"  # 1.500 / 1.500,5
    r"|\d{1,3}\.\d{1,2}(?=[ \t]{0,2}(?:%|phần))"  # 2.5% (dot decimal, only before %)
    r"|\d{1,12}(?:,\d{1,6})?)"  # 50 / 6,5
)
# After a number: not a date, a symbol or a numbering ("21/02", "56-KL", "1.1.").
_NUM_END = r"(?!\d|[.,]\d|[ \t]{0,2}/|[ \t]{0,2}[-–][ \t]{0,2}[^\W\d_])"
_PER = (
    r"(?:" + _S + r"/" + _S + r"|" + _W + r"(?:mỗi|một|hàng|trên" + _W + r"mỗi)" + _W + r")"
    r"(?P<per{n}>" + _alt(_PER_WORDS) + r")" + _END
)
_QTY = re.compile(
    r"(?:(?<!\w)(?P<cmp>" + _alt(_COMPARATORS) + r")" + _END
    + r"(?:" + _W + r"(?:là|bằng|ở" + _W + r"mức|mức))?" + _W + r")?"
    + r"(?<![\w.,/\-])(?P<n1>" + _NUM + r")" + _NUM_END
    + r"(?:(?:" + _S + r"(?P<u1>%|phần" + _W + r"trăm))?"
    + _S + r"(?P<conn>[-–—~]|đến|tới|lên(?:" + _W + r"mức)?|xuống(?:" + _W + r"mức)?)"
    + _S + r"(?P<n2>" + _NUM + r")" + _NUM_END + r")?"
    + r"(?:" + _S + r"(?P<unit>" + _alt(_UNITS) + r")(?:(?<=%)|" + _END + r")"
    + r"(?:" + _S + r"(?P<gdp>grdp|gdp)" + _END + r")?"
    + _PER.replace("{n}", "1").join(("(?:", ")?"))
    + _PER.replace("{n}", "2").join(("(?:", ")?"))
    + r")?"
    + r"(?P<post>" + _W + r"trở" + _W + r"(?:lên|xuống)" + _END + r")?"
)  # fmt: skip
_ZERO = re.compile(
    r"(?<!\w)không" + _W + r"còn" + _W + r"(?:(?:các|những|tình" + _W + r"trạng)" + _W + r")?"
    r"(?=(?P<noun>" + _alt(_COUNT_UNITS) + r")" + _END + r")"
)
# Words before a number that make it a name, a date or a rank, not a quantity.
_NOT_A_QUANTITY = re.compile(
    r"(?<!\w)(?:năm|ngày|tháng|quý|số|khoản|điều|mục|điểm|khóa|khoá|thứ|chương|phụ" + _W
    + r"lục|giai" + _W + r"đoạn|đợt|lần|kỳ|nghị" + _W + r"định|quyết" + _W + r"định|thông"
    + _W + r"tư|luật|chỉ" + _W + r"thị|kết" + _W + r"luận|nghị" + _W + r"quyết|kế" + _W
    + r"hoạch|chương" + _W + r"trình|công" + _W + r"văn)" + _W + r"\Z"
)  # fmt: skip

# On the folded text (OCR slips such as "Phân đầu" for "Phấn đấu" fold alike).
_WHEN = r"(?:(?:cho" + _W + r")?(?:den|toi|vao|trong)" + _W + r"(?:(?:het|cuoi)" + _W + r")?)"
_PERIOD = (
    r"(?:nam" + _W + r"|quy" + _W + r"[ivx1-4]{1,4}" + _S + r"(?:/|nam)" + _S
    + r"|thang" + _W + r"\d{1,2}" + _S + r"(?:/|nam)" + _S + r")"
)  # fmt: skip
_YEAR = r"(?P<y>(?:19|20)\d\d)(?![\d/.,]\d|\d)"
_YEAR_PHRASE = re.compile(r"(?<![a-z])" + _WHEN + _PERIOD + r"?" + _YEAR)
_YEAR_PHRASE_AT_END = re.compile(_YEAR_PHRASE.pattern + r"\Z")
_HEADER = re.compile(
    r"(?:phan" + _W + r"dau" + _W + r"(?:dat" + _W + r")?)?"
    r"(?:" + _WHEN + _PERIOD + r"?|" + _PERIOD + r")" + _YEAR
    + r"(?P<sep>" + _S + r"[:,.]?)"
)  # fmt: skip
_PERIOD_BEFORE = re.compile(r"(?:giai doan|tam nhin)[^;.:\n]{0,48}\Z")
_MARKER = re.compile(
    r"[ \t]{0,8}(?:(?P<dash>[-–—])|(?P<plus>\+)|(?P<star>\*)|(?P<dot>[•·●○▪])"
    r"|(?P<num2>\d{1,2}(?:\.\d{1,2}){1,3}\.?)|(?P<num>\d{1,2}[.)])"
    r"|(?P<roman>[ivxlc]{1,6}[.)])|(?P<alpha>[a-z][.)]))(?=[ \t]|$)"
)
_SECTION_RANK = {"roman": 0, "num": 1, "num2": 2, "alpha": 3}

# Clause fillers, on the lower-cased text.
_LEAD = re.compile(
    r"(?:[\s,;:.\-–—+*•·]{1,12}"
    r"|(?:trong" + _W + r"(?:số" + _W + r")?đó|có|và|với|đạt|là|phấn" + _W + r"đấu"
    + r"|phân" + _W + r"đầu|đồng" + _W + r"thời|còn|các|những)" + _END + r")"
)  # fmt: skip
_TRAIL = re.compile(
    r"(?:[\s,;:\-–—]{1,12}|(?<!\w)(?:đạt" + _W + r"mức|ở" + _W + r"mức|đạt|là|bằng|chiếm)"
    r"|(?<!\w)(?:và|với))\Z"
)
_COPULA = frozenset(["đạt mức", "ở mức", "đạt", "là", "bằng", "chiếm"])
_INHERITING_VERBS = re.compile(r"(?:có|đạt|được|là|tham" + _W + r"gia)" + _END)
_CONTRIBUTES = re.compile(r"(?<!\w)đóng" + _W + r"góp\Z")
_CHANGE_VERB = re.compile(r"(?<!\w)(?:tăng|giảm)\Z")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3}){1,4}")
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
_DURATION = re.compile(_S + r"(?:năm|tháng|ngày|tuần|quý|giờ|kỳ|đợt)" + _END)
# A document symbol before a number in the same clause: the number is in a cited title
# ("Quyết định số 461/QĐ-TTg … phê duyệt Đề án Phát triển 15.000 hợp tác xã").
_SYMBOL = re.compile(r"(?<![\w/])\d{1,5}[ ]?[/-][ ]?(?:\d{4}[ ]?/[ ]?)?[a-z]{1,6}[ ]?[-/][ ]?[a-z]")
_AFTER_DAT = re.compile(r"(?<!\w)đạt" + _W + r"\Z")
_CUT = re.compile(r",|(?<!\w)trong" + _W + r"(?:số" + _W + r")?đó" + _END)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|;")
_TRONG_DO = re.compile(r"(?<!\w)trong" + _W + r"(?:số" + _W + r")?đó" + _END)

_LOWER_TABLE: dict[int, str] = {}
_LOWER_SEEN: set[str] = set()


def _lower(s: str) -> str:
    """Lower case, one character for one (``Ð`` → ``đ``), so offsets carry over.

    >>> _lower("HTX Đạt 50%")
    'htx đạt 50%'
    """
    new = set(s) - _LOWER_SEEN
    for c in new:
        low = "đ" if c in "ÐðĐ" else c.lower()
        if len(low) == 1 and low != c:
            _LOWER_TABLE[ord(c)] = low
    _LOWER_SEEN.update(new)
    return s.translate(_LOWER_TABLE)


def parse_number(text: str) -> Decimal:
    """A number written the Vietnamese way: decimal comma, thousands dot.

    >>> parse_number("1,0"), parse_number("6,5"), parse_number("1.500"), parse_number("1.500,25")
    (Decimal('1.0'), Decimal('6.5'), Decimal('1500'), Decimal('1500.25'))
    >>> parse_number("2.5")  # a dot with one or two digits after it: a decimal point
    Decimal('2.5')
    """
    if "," in text:
        return Decimal(text.replace(".", "").replace(",", "."))
    if "." in text and _THOUSANDS.fullmatch(text):
        return Decimal(text.replace(".", ""))
    return Decimal(text)


# --- the text's layout: lines, bullets, sentences, parentheses ----------------------------------


@dataclass
class _Line:
    start: int
    end: int
    body: int  # after the bullet or number
    kind: str | None  # "dash", "plus", "star", "dot", "num", "num2", "alpha", "roman" or None
    header_year: int | None  # "Đến năm 2015: …" at the head of the line
    intro: bool  # introduces a list ("- Phấn đấu đến năm 2020:")
    frame_year: int | None = None  # the year of the list the line belongs to


def _year_phrases(view: TextView, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, year) of each target-year phrase between ``start`` and ``end``."""
    out = []
    for m in _YEAR_PHRASE.finditer(view.fold, start, end):
        if _PERIOD_BEFORE.search(view.fold, max(start, m.start() - 64), m.start()):
            continue  # "giai đoạn từ nay đến năm 2020": a period, not a target year
        out.append((m.start(), m.end(), int(m["y"])))
    return out


def _lines(view: TextView) -> list[_Line]:
    lines = []
    pos, n = 0, len(view.norm)
    while pos <= n:
        nl = view.norm.find("\n", pos)
        end = n if nl < 0 else nl
        mm = _MARKER.match(view.fold, pos, end)
        kind = next((k for k, v in mm.groupdict().items() if v), None) if mm else None
        body = mm.end() if mm else pos
        while body < end and view.fold[body] in " \t":
            body += 1
        hm = _HEADER.match(view.fold, body, end)
        year = int(hm["y"]) if hm else None
        rest = view.fold[hm.end() : end].strip() if hm else ""
        intro = bool(hm and ":" in hm["sep"] and not rest)
        if not intro and view.fold[pos:end].rstrip().endswith(":"):
            phrases = _year_phrases(view, body, end)
            intro = bool(phrases)
            year = year or (phrases[0][2] if phrases else None)
        lines.append(_Line(pos, end, body, kind, year, intro))
        if nl < 0:
            break
        pos = nl + 1
    _frame_lists(view, lines)
    return lines


def _frame_lists(view: TextView, lines: list[_Line]) -> None:
    """Give each line of a list the year of the line that introduces it."""
    for i, intro in enumerate(lines):
        if not intro.intro or intro.header_year is None:
            continue
        first = True
        for k in range(i + 1, len(lines)):
            line = lines[k]
            if not view.fold[line.start : line.end].strip():
                continue
            kind = line.kind
            if kind == intro.kind and (kind is not None or not first):
                break
            if kind in _SECTION_RANK and (
                intro.kind not in _SECTION_RANK
                or _SECTION_RANK[kind] <= _SECTION_RANK[intro.kind or ""]
            ):
                break
            if kind is None and not first:
                break
            if line.frame_year is None:
                line.frame_year = intro.header_year
            first = False


def _parentheses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The outermost balanced ``( … )`` spans between ``start`` and ``end``."""
    opened: list[int] = []
    spans: list[tuple[int, int]] = []
    for i in range(start, end):
        c = text[i]
        if c == "(":
            opened.append(i)
        elif c == ")" and opened:
            a = opened.pop()
            while spans and spans[-1][0] > a:
                spans.pop()  # nested inside this one
            spans.append((a, i + 1))
    return spans


# --- quantities --------------------------------------------------------------------------------


@dataclass
class _Qty:
    start: int
    end: int
    vmin: Decimal | None
    vmax: Decimal | None
    comparator: str
    unit: str | None
    noun_start: int | None  # a counted noun or "GRDP" that belongs to the indicator
    noun_end: int | None
    copula_change: bool = False  # "từ 30% lên 50%": the verb before is the change, drop it


def _unit_of(m: re.Match[str], norm: str) -> tuple[str | None, int | None, int | None]:
    """The unit of a quantity match, normalised, and the span of the noun that belongs to the
    indicator (a counted noun, "GRDP")."""
    unit_text = m["unit"] or m["u1"]
    if unit_text is None:
        return None, None, None
    unit = _UNITS[_key(unit_text)]
    noun_start = noun_end = None
    if m["unit"] and _key(m["unit"]) in _COUNT_UNITS:
        noun_start, noun_end = m.start("unit"), m.end("unit")
    if m["unit"] and m["gdp"]:
        unit = f"{unit} {norm[m.start('gdp') : m.end('gdp')]}"
        noun_start, noun_end = m.start("gdp"), m.end("gdp")
    for g in ("per1", "per2"):
        if m["unit"] and m[g]:
            unit += "/" + _PER_WORDS[_key(m[g])]
    return unit, noun_start, noun_end


def _quantities(view: TextView, low: str) -> list[_Qty]:
    out = []
    for m in _QTY.finditer(low):
        cmp = _key(m["cmp"]) if m["cmp"] else None
        unit, noun_start, noun_end = _unit_of(m, view.norm)
        n1 = m["n1"]
        if cmp is None and _NOT_A_QUANTITY.search(low, max(0, m.start() - 24), m.start()):
            continue
        if unit is None:
            year_like = _YEAR_LIKE.fullmatch(n1) is not None
            after_dat = _AFTER_DAT.search(low, max(0, m.start() - 8), m.start())
            if year_like or m["n2"] or not ((cmp and cmp != "từ") or after_dat):
                continue
            if _DURATION.match(low, m.end()):  # "ít nhất 02 năm một lần": a frequency
                continue
        try:
            v1 = parse_number(n1)
            v2 = parse_number(m["n2"]) if m["n2"] else None
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            continue
        conn = _key(m["conn"]) if m["conn"] else None
        post = _key(m["post"]) if m["post"] else None
        change = False
        if v2 is not None and conn and conn.split()[0] in ("lên", "xuống"):
            vmin = vmax = v2  # "từ 30% lên 50%": the target is the level reached
            comparator, change = "eq", True
        elif v2 is not None:
            vmin, vmax = min(v1, v2), max(v1, v2)
            comparator = "range"
        else:
            comparator = _COMPARATORS.get(cmp, "eq") if cmp else "eq"
            if post and (cmp is None or cmp == "từ"):
                comparator = "ge" if post.endswith("lên") else "le"
            elif cmp == "từ" and not post:
                comparator = "ge"  # "có từ 50% cán bộ …": from 50% up
            vmin = None if comparator in ("lt", "le") else v1
            vmax = None if comparator in ("gt", "ge") else v1
        out.append(
            _Qty(m.start(), m.end(), vmin, vmax, comparator, unit, noun_start, noun_end, change)
        )
    for m in _ZERO.finditer(low):
        unit = _COUNT_UNITS[_key(m["noun"])]
        noun_end = m.start("noun") + len(m["noun"])
        out.append(
            _Qty(m.start(), m.end(), Decimal(0), Decimal(0), "eq", unit, m.start("noun"), noun_end)
        )
    out.sort(key=lambda q: q.start)
    kept: list[_Qty] = []
    for q in out:
        if kept and q.start < kept[-1].end:
            continue
        kept.append(q)
    return kept


# --- reading the clause around each quantity ---------------------------------------------------


class _Reader:
    """The normalised text of one section, with what a clause needs to be read."""

    def __init__(self, view: TextView) -> None:
        self.view = view
        self.norm = view.norm
        self.fold = view.fold
        self.low = _lower(view.norm)
        reg = load_registry()
        self.abbreviations = sorted(reg.abbreviations.items(), key=lambda kv: -len(kv[0]))

    def strip_lead(self, a: int, b: int, line_body: int) -> tuple[int, bool]:
        """Skip fillers at the head of ``[a, b)``; also say whether "trong đó" was skipped."""
        trong_do = False
        for _ in range(24):
            if a >= b:
                break
            if a < line_body:
                a = line_body
                continue
            hm = _HEADER.match(self.fold, a, b)
            if hm and hm.end() > a:
                a = hm.end()
                continue
            ym = _YEAR_PHRASE.match(self.fold, a, b)
            if ym:
                a = ym.end()
                continue
            lm = _LEAD.match(self.low, a, b)
            if not lm or lm.end() == a:
                break
            trong_do = trong_do or _TRONG_DO.match(self.low, a, b) is not None
            a = lm.end()
        return a, trong_do

    def strip_trail(self, a: int, b: int) -> tuple[int, str | None]:
        """Drop fillers and year phrases at the end of ``[a, b)``; the copula dropped, if any."""
        copula = None
        for _ in range(24):
            if b <= a:
                break
            lo = max(a, b - 64)
            tm = _TRAIL.search(self.low, lo, b)
            if tm and tm.start() < b:
                word = _key(tm.group())
                if word in _COPULA:
                    copula = copula or word
                b = tm.start()
                continue
            ym = _YEAR_PHRASE_AT_END.search(self.fold, lo, b)
            if ym and not _PERIOD_BEFORE.search(self.fold, max(a, ym.start() - 64), ym.start()):
                b = ym.start()
                continue
            break
        return b, copula

    def text(self, a: int, b: int, parens: list[tuple[int, int]]) -> str:
        """``norm[a:b]`` without the parentheses in it, spaces collapsed."""
        parts, pos = [], a
        i = bisect_right(parens, (a, a)) - 1
        i = max(i, 0)
        while i < len(parens) and parens[i][0] < b:
            pa, pb = parens[i]
            if pb > pos and pa >= a:
                parts.append(self.norm[pos:pa])
                pos = max(pos, pb)
            i += 1
        if pos < b:
            parts.append(self.norm[pos:b])
        return collapse_spaces(" ".join(parts))

    def spell_out(self, text: str) -> str:
        for short, long in self.abbreviations:
            if short in text:
                text = re.sub(rf"(?<![\w&]){re.escape(short)}(?![\w&])", long, text)
        return text

    def positional_capital(self, pos: int, line: _Line) -> bool:
        """Is the letter at ``pos`` capital only because it starts the line or a sentence?"""
        i = pos
        while i > max(line.body, pos - 64) and self.norm[i - 1] in " \t":
            i -= 1
        if i <= line.body or self.norm[i - 1] in ".:;!?":
            return True
        if pos - line.body > 80:
            return False
        hm = _HEADER.match(self.fold, line.body, pos)
        return bool(hm and not self.norm[hm.end() : pos].strip())


def _first_lower(text: str) -> str:
    """Lower the first letter unless the first word is an acronym ("GRDP", "HTX")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def _clean(text: str) -> str:
    text = canonical_spelling(text).strip(" ,;:-–—")
    return collapse_spaces(text)


def _separators(
    low: str, a: int, b: int, parens: list[tuple[int, int]], starts: list[int]
) -> list[int]:
    """Where a sentence may be cut between two targets: commas and "trong đó" outside
    parentheses."""
    return [
        a + m.start() for m in _CUT.finditer(low[a:b]) if not _inside(parens, starts, a + m.start())
    ]


def _inside(parens: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    """Is ``pos`` inside one of the (sorted, disjoint) parentheses?"""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and parens[i][0] <= pos < parens[i][1]


def _segments(low: str, line: _Line, parens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences and ``;``-clauses of a line, cut outside parentheses only."""
    starts = [a for a, _ in parens]
    bounds, pos = [], line.body
    for m in _SENTENCE_END.finditer(low, line.body, line.end):
        if _inside(parens, starts, m.start()):
            continue
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, line.end))
    return bounds


def find_targets(text: str) -> list[Target]:
    """Every measurable target in the text of a "Mục tiêu" section, in text order.

    >>> ts = find_targets("- Phân đầu đến năm 2020:\\n\\n+ Kinh tế tập thể thành phố đóng "
    ...                   "góp 1,0 - 1,2% GRDP thành phố.\\n\\n+ Xây dựng 10 hợp tác xã "
    ...                   "điển hình tiên tiến trong các lĩnh vực.")
    >>> [(t.indicator, str(t.value_min), str(t.value_max), t.unit, t.year) for t in ts]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('đóng góp của kinh tế tập thể thành phố vào GRDP thành phố', '1.0', '1.2', '% GRDP', 2020),
     ('xây dựng hợp tác xã điển hình tiên tiến trong các lĩnh vực', '10', '10', 'hợp tác xã',
      2020)]
    >>> find_targets("Thực hiện Kết luận số 56-KL/TW ngày 21/02/2013; 1.1. Đến hết quý II/2018")
    []
    """
    view = make_view(text)
    reader = _Reader(view)
    low = reader.low
    quantities = _quantities(view, low)
    if not quantities:
        return []
    lines = _lines(view)
    line_starts = [ln.start for ln in lines]
    out: list[Target] = []
    by_line: dict[int, list[_Qty]] = {}
    for q in quantities:
        by_line.setdefault(bisect_right(line_starts, q.start) - 1, []).append(q)
    for li, qs in by_line.items():
        out.extend(_line_targets(reader, lines[li], qs))
    out.sort(key=lambda t: (t.start, t.end))
    return out


def _line_targets(reader: _Reader, line: _Line, qs: list[_Qty]) -> list[Target]:
    low = reader.low
    parens = _parentheses(reader.norm, line.start, line.end)
    segments = _segments(low, line, parens)
    seg_starts = [a for a, _ in segments]
    paren_starts = [a for a, _ in parens]
    in_segment: dict[tuple[int, int], list[_Qty]] = {}
    for q in qs:
        i = bisect_right(paren_starts, q.start) - 1
        if i >= 0 and parens[i][0] < q.start < parens[i][1] - 1:
            seg = (parens[i][0] + 1, parens[i][1] - 1)  # inside a parenthesis
        else:
            j = max(bisect_right(seg_starts, q.start) - 1, 0)
            seg = segments[j]
        in_segment.setdefault(seg, []).append(q)
    years = _year_phrases(reader.view, line.start, line.end)
    year_starts = [y[0] for y in years]
    out = []
    for (sa, sb), sqs in in_segment.items():
        own = parens[bisect_left(paren_starts, sa) : bisect_left(paren_starts, sb)]
        own_starts = [p for p, _ in own]
        cuts = _cuts(reader, line, sa, sb, sqs, own, own_starts)
        parent: str | None = None
        for k, q in enumerate(sqs):
            a, b = cuts[k], cuts[k + 1]
            year = _year_for(years, year_starts, sa, a, b, line)
            target = _read(reader, line, q, a, b, own, own_starts, parent, year)
            if target is None:
                continue
            out.append(target[0])
            if not target[1]:
                parent = target[0].indicator
    return out


def _cuts(
    reader: _Reader,
    line: _Line,
    sa: int,
    sb: int,
    qs: list[_Qty],
    parens: list[tuple[int, int]],
    starts: list[int],
) -> list[int]:
    """Where each target's clause starts, and the segment's end."""
    low = reader.low
    cuts = [sa]
    for k in range(len(qs) - 1):
        q, nxt = qs[k], qs[k + 1]
        seps = _separators(low, q.end, nxt.start, parens, starts)
        if not seps:
            cuts.append(nxt.start)
            continue
        lead, _ = reader.strip_lead(max(cuts[-1], q.start - _WINDOW), q.start, line.body)
        before_end, _ = reader.strip_trail(lead, q.start)
        if before_end > lead:  # "HTX yếu kém dưới 10%, …": the indicator came first
            cuts.append(seps[0])
            continue
        last = seps[-1]
        start_next, _ = reader.strip_lead(last, nxt.start, line.body)
        cuts.append(last if start_next >= nxt.start else seps[0])
    cuts.append(sb)
    return cuts


def _year_for(
    years: list[tuple[int, int, int]],
    year_starts: list[int],
    sa: int,
    a: int,
    b: int,
    line: _Line,
) -> int | None:
    """The year of the target whose clause is ``[a, b)`` in the sentence starting at ``sa``."""
    i = bisect_left(year_starts, a)
    if i < len(years) and years[i][0] < b:
        return years[i][2]  # in the target's own clause
    j = bisect_left(year_starts, a) - 1
    if j >= 0 and years[j][0] >= sa:
        return years[j][2]  # earlier in the same sentence
    if line.header_year is not None:
        return line.header_year
    return line.frame_year


def _read(
    reader: _Reader,
    line: _Line,
    q: _Qty,
    a: int,
    b: int,
    parens: list[tuple[int, int]],
    starts: list[int],
    parent: str | None,
    year: int | None,
) -> tuple[Target, bool] | None:
    """The target of quantity ``q`` in the clause ``[a, b)``, and whether its indicator was
    inherited from the target before."""
    low = reader.low
    ba, trong_do = reader.strip_lead(max(a, q.start - _WINDOW), q.start, line.body)
    be, copula = reader.strip_trail(ba, q.start)
    if _SYMBOL.search(reader.fold, max(a, q.start - _WINDOW), q.start):
        return None
    colon = low.rfind(":", ba, be)
    if colon >= 0 and not _inside(parens, starts, colon):
        after, _ = reader.strip_lead(colon + 1, be, line.body)
        if after < be:  # "Nhiệm vụ: kiểm tra 20% …": the label is not the indicator
            ba = after
    change = _CHANGE_VERB.search(low, max(ba, be - 8), be) if q.copula_change else None
    if change:  # "Tỷ lệ … tăng từ 30% lên 50%": the level, not the change
        be, copula = reader.strip_trail(ba, change.start())
    rest_start = q.end
    re_, _ = reader.strip_trail(rest_start, min(b, q.end + _WINDOW))
    while rest_start < re_ and low[rest_start] in " \t,;:-–—":
        rest_start += 1
    rest = reader.text(rest_start, re_, parens) if rest_start < re_ else ""
    noun, first = "", rest_start  # a counted noun or "GRDP" in the quantity belongs to the tail
    if q.noun_start is not None and q.noun_end is not None and q.noun_start < q.end:
        noun, first = reader.norm[q.noun_start : q.noun_end], q.noun_start
    tail = " ".join(x for x in (noun, rest) if x)  # what follows the number and is measured
    inherited = False
    start, end = q.start, q.end
    if rest:
        end = max(end, re_)
    if ba < be:
        start = min(start, ba)
        before = reader.text(ba, be, parens)
        positional = reader.positional_capital(ba, line)
        subject = _first_lower(before) if positional else before
        contributes = _CONTRIBUTES.search(low, max(ba, be - 16), be)
        if copula or not tail:  # "Tốc độ tăng trưởng … đạt 7%": the subject is the indicator
            indicator = subject
        elif contributes:  # "X đóng góp 1,2% GRDP thành phố"
            who = reader.text(ba, contributes.start(), parens)
            who = _first_lower(who) if who and positional else who
            indicator = "đóng góp " + (f"của {who} " if who else "") + f"vào {tail}"
        else:  # "Xây dựng 10 hợp tác xã điển hình …", "Số HTX tăng 15% so với năm 2020"
            indicator = f"{subject} {tail}"
    else:
        if not tail:
            return None
        if trong_do and parent and not noun and _INHERITING_VERBS.match(low, rest_start, re_):
            indicator, inherited = f"{parent}, trong đó {tail}", True  # "trong đó 70% có …"
        elif reader.positional_capital(first, line):
            indicator = _first_lower(tail)
        else:
            indicator = tail
    indicator = _clean(reader.spell_out(indicator))
    indicator = re.sub(r"^(?:[cC]ác|[nN]hững) ", "", indicator)
    if not indicator:
        return None
    oa, ob = reader.view.to_original(start, max(start, end))
    target = Target(oa, ob, indicator, q.vmin, q.vmax, q.unit, year, q.comparator)
    return target, inherited
