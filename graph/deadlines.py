"""Read deadlines (thời gian thực hiện) into intervals and recurrences.

A plan gives each task a time frame: a table cell ("Quý II/2018", "Hàng năm", "Theo đề nghị
từ Bộ Nội vụ") or a phrase inside the task's text ("(hoàn thành năm 2014)", "- Thời gian thực
hiện: trong tháng 02 năm 2008"). :func:`parse_deadline` reads a cell; :func:`find_deadlines`
finds the phrases in running text. Both keep the text as written and add a machine-readable
interval (inclusive ISO dates) or recurrence only where the text allows; nothing is guessed.

Matching runs on the folded view of the text (lower case, no diacritics, markup removed), so
NFD input, old tone placement, upper case and ``**markup**`` read alike. In accented text the
key words must also carry their accents (``năm``, not the ``Nam`` of "Việt Nam").

How a time expression is read
-----------------------------
A *time expression* is a year (``năm 2018``), a range of years (``Năm 2018 - 2020``), a quarter
or a run of quarters (``Quý II/2018``, ``quý I năm 2014``, ``quý I, II năm 2022``), a month
(``tháng 9 năm 2021``), part of a year (``6 tháng đầu năm 2022``, kind ``part-year``) or a day
(``ngày 30 tháng 8 năm 2021``, ``15/7/2021``, kind ``date``). The words just before it decide
what the interval is:

=================================  ==============================  ======================
words before                       interval                        kind
=================================  ==============================  ======================
none, ``trong``, ``vào``           the whole period                ``year``, ``quarter`` …
``hoàn thành``, ``đến hết``,       ``start=None``, end of period   ``by-year``,
``chậm nhất``, ``cuối``, ``đến``                                   ``by-quarter`` …
``trước`` + period                 ``start=None``, the day before  ``before-year`` …
                                   the period begins
``trước`` / ``chậm nhất`` + day    ``start=None``, ``end`` = that  ``before-date``
                                   day, as stated
``từ``, ``tính từ``                start of period, ``end=None``   ``from-year`` …
``đầu``                            start of period, ``end=None``   ``early-year`` …
``từ X đến (hết) Y``               start of X to end of Y          ``range``,
                                                                   ``year-range``
=================================  ==============================  ======================

"Trước ngày D" is stored with ``end = D``: the text's own bound, not the day before it.
A label "Thời gian hoàn thành" before the expression reads it as a completion date (``by-``).

A day or period followed by ``hàng năm`` ("Trước ngày 15 tháng 12 hàng năm") is a recurrence:
``recurrence="annual"`` and, for a day, ``day="--12-15"`` (``xsd:gMonthDay``). A day written
without a year ("Chậm nhất vào ngày 21 tháng 12") keeps its ``day`` and gets dates only from
``context_year``; so do "quý IV", "tháng 01 năm sau" (``context_year + 1``), "năm nay".

Recurrences without a date: ``hàng năm``/``hằng năm``/``định kỳ hàng năm`` (``annual``),
``hàng quý`` and ``hàng quý, năm`` (``quarterly``), ``hàng tháng`` (``monthly``),
``hàng tuần`` (``weekly``), ``thường xuyên`` (``ongoing``), ``hai năm một lần``/``ít nhất
02 năm một lần`` (``every-2-years``, kind ``every-n-years``), ``định kỳ 6 tháng``/``6 tháng
một lần``/``06 tháng/lần`` (``every-6-months``, kind ``every-n-months``; every 3 months is
``quarterly``), never a bare ``6 tháng`` (a duration, or a report's name). In a cell,
``Theo đề nghị (của|từ) X`` and ``Khi có yêu cầu`` are ``on-request`` with ``requester`` X
(without any parenthesis).

A cell (:func:`parse_deadline`) is read liberally and its first expression decides. Running
text (:func:`find_deadlines`) is read conservatively: a recurrence is its own cue, but a year
needs ``trong``, ``hoàn thành``, ``đến hết``, ``cuối``, ``trước``, ``chậm nhất`` or a
"Thời gian …" label (never a bare ``đến năm 2020``, the wording of targets); a day needs
``trước``, ``chậm nhất``, ``hoàn thành`` or ``đến hết`` (never a citation's date); a range of
years needs a label, ``hoàn thành`` or ``đến hết`` (never a title's ``giai đoạn 2021 - 2025``);
a quarter or month needs any of the words above, ``vào``/``đến``, or an opening parenthesis.

>>> d = parse_deadline("Đến hết quý II/2018")
>>> d.kind, d.start, d.end
('by-quarter', None, datetime.date(2018, 6, 30))
>>> [m.deadline.text for m in find_deadlines("Rà soát HTX (hoàn thành trong quý I năm 2014).")]
['hoàn thành trong quý I năm 2014']
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta

from policykg.graph.citations import NUMBER_WORDS
from policykg.graph.folding import fold
from policykg.graph.textview import canonical_spelling, collapse_spaces, make_view, memo_by_text

__all__ = [
    "AFTER_ISSUE_KINDS",
    "Deadline",
    "DeadlineMention",
    "counted_from_issue",
    "find_deadlines",
    "parse_deadline",
]


@dataclass(frozen=True)
class Deadline:
    """One deadline: its text as written and what can be read from it.

    ``start``/``end`` are inclusive; ``None`` where the text sets no bound. ``recurrence`` is
    ``annual``, ``quarterly``, ``monthly``, ``weekly``, ``ongoing``, ``every-N-years``,
    ``every-N-months`` or ``on-request``;
    ``day`` an ``xsd:gMonthDay`` ("--12-15") for a fixed day without a year; ``requester`` the
    body named after "theo đề nghị của/từ"; ``kind`` the rule that matched, ``unparsed`` when
    nothing could be read.
    """

    text: str
    start: date | None = None
    end: date | None = None
    recurrence: str | None = None
    day: str | None = None
    requester: str | None = None
    kind: str = "unparsed"


@dataclass(frozen=True)
class DeadlineMention:
    """A deadline phrase found in a text, with its span ``[start, end)`` in that text."""

    start: int
    end: int
    deadline: Deadline


# --- patterns (on folded text) ----------------------------------------------------------------


def _rx(template: str, **pieces: str) -> str:
    r"""A pattern on folded text from a readable template.

    A space stands for ``\s{1,3}``, a ``~`` for ``\s{0,3}`` (bounded, so every pattern stays
    linear), and ``@NAME`` for a piece given by keyword.

    >>> _rx("thoi gian~:")
    'thoi\\s{1,3}gian\\s{0,3}:'
    """
    out = template.replace(" ", r"\s{1,3}").replace("~", r"\s{0,3}")
    for name in sorted(pieces, key=len, reverse=True):
        out = out.replace("@" + name, pieces[name])
    return out


_YR = r"(?:19|20)\d\d(?!\d)"
_REL = _rx(r"(?:nay|sau|toi|tiep theo)(?![a-z])")
# "… hàng năm" after a day or period: the deadline recurs every year.
_ANN = _rx(r"(?:~,?~(?P<ann>(?:hang|moi) nam)(?![a-z])(?!~\d))?")
# An optional year after a quarter, month or day: " năm 2018", " năm sau", or "/2018".
_YEAR_WORDS = _rx(r"(?:~,)? nam (?:(?P<yw>@YR)|(?P<rel>@REL))", YR=_YR, REL=_REL)
_YWORD = f"(?:{_YEAR_WORDS})?"
_YSLASH = _rx(r"(?:~[/-]~(?P<ys>@YR)|@WORDS)?", YR=_YR, WORDS=_YEAR_WORDS)
_PIECES = {"YR": _YR, "REL": _REL, "ANN": _ANN, "YWORD": _YWORD, "YSLASH": _YSLASH}

# A pattern that starts with a literal word has its word-boundary check right after the word
# ("ngay(?<![a-z]ngay)" for "(?<![a-z])ngay"): the same matches, but the regex engine then
# looks for the word itself instead of trying the pattern at every position.
_PERIOD_SHAPES = {
    "date-words": r"ngay(?<![a-z]ngay) (?P<d>\d{1,2}) thang (?P<m>\d{1,2})(?!\d)@YWORD@ANN",
    "date-num": r"(?<![\w/.])(?:(?P<ngay>ngay) )?(?P<d>\d{1,2})~/~(?P<m>\d{1,2})"
    r"(?:~/~(?P<ys>@YR))?(?![\d/])@ANN",
    "part-year": r"(?<![a-z\d])(?P<n>\d{1,2}|sau|chin|ba) thang (?P<pos>dau|cuoi) nam(?![a-z])"
    r"(?: (?:(?P<yw>@YR)|(?P<rel>@REL)))?",
    "quarter": r"qu(?<![a-z]qu)[yi] (?P<q>iv|iii|ii|i|[1-4])(?![a-z\d])"
    r"(?:(?:~[,-]~| va )(?:qu[yi] )?(?P<q2>iv|iii|ii|i|[1-4])(?![a-z\d]))?@YSLASH@ANN",
    # "tháng 6", "tháng 6/2023", and a run of months: "tháng 6-9", "Tháng 6 - 9/2023"
    "month": r"thang(?<![a-z\d]thang) (?P<m>\d{1,2})(?!\d)"
    r"(?:~[-–]~(?P<m2>\d{1,2})(?!\d|~[-–]))?@YSLASH@ANN",
    "year-range": r"(?<![a-z\d/])(?:(?:giai doan|cac nam|nam) )?(?P<y1>@YR)~[-–—]~(?:nam )?"
    r"(?P<y2>@YR)(?!/)",
    "year": r"nam(?<![a-z]nam) (?:(?P<yw>@YR)|(?P<rel>@REL))",
}
_RECURRENCE_SHAPES = {
    "annual": r"(?<![a-z])(?:dinh ky )?(?:hang|moi) nam(?![a-z])(?!~\d)",
    "quarterly": r"(?<![a-z])(?:dinh ky )?(?:hang|moi) quy(?![a-z])"
    r"(?:(?:~[,/]~| va )(?:hang )?nam(?![a-z])(?!~\d))?"
    # "trước ngày 25 của tháng cuối quý": a day of the last month of every quarter
    r"|(?<![a-z])thang cuoi (?:cua )?(?:moi |hang |cac )?quy(?![a-z])(?!~(?:[ivx]+|\d)(?![a-z]))",
    "monthly": r"(?<![a-z])(?:dinh ky )?(?:hang|moi) thang(?![a-z])(?!~\d)",
    "ongoing": r"thuong(?<![a-z]thuong) xuyen(?![a-z])",
    "every": r"(?<![a-z\d])(?:(?:it nhat|toi thieu|dinh ky) )?"
    r"(?P<n>\d{1,2}|mot|hai|ba|bon|nam|sau|muoi) nam(?:~/~| (?:mot|1) )lan(?![a-z])",
    "weekly": r"(?<![a-z])(?:dinh ky )?hang tuan(?![a-z])",
    # "mỗi năm 02 lần", "hằng năm 2 lần": so many times a year
    "times-a-year": r"(?<![a-z])(?:moi|hang) nam~,?~(?P<k>\d{1,2}|hai|ba|bon|sau) lan(?![a-z])"
    # "tối thiểu 02 lần/năm", "2 lần mỗi năm"
    r"|(?<![a-z\d])(?P<k2>\d{1,2}|hai|ba|bon|sau) lan(?:~/~| (?:moi|mot|trong) )nam(?![a-z])"
    r"(?!~\d)",
    # "định kỳ 6 tháng", "6 tháng một lần", "06 tháng/lần": never a bare "6 tháng", which is
    # also a duration ("trong 6 tháng") or a report's name ("báo cáo 6 tháng"); but the
    # half-year and the year's reports ("báo cáo 6 tháng và năm", "6 tháng đầu năm và cả
    # năm", "6 tháng (trước ngày 10/6) và năm (…)") recur every 6 months
    "every-months": r"(?<![a-z\d])(?:(?:dinh ky|moi) (?P<n>\d{1,2}|hai|ba|sau) thang(?![a-z])"
    r"(?:(?:~/~| (?:mot|1) )lan(?![a-z]))?"
    r"|(?P<m>\d{1,2}|hai|ba|sau) thang(?:~/~| (?:mot|1) )lan(?![a-z])"
    r"|(?P<h>0?6|sau) thang(?: dau nam)?(?:~\([^()\n]{0,40}\))?(?:~,~| va )(?:ca |hang )?"
    r"nam(?![a-z])(?!~[\d/]))",
}
_CELL_SHAPES = {  # only in a deadline cell (parse_deadline), never in running text
    "date-bare": r"(?<![\w/.])(?P<d>\d{1,2}) thang (?P<m>\d{1,2})(?!\d)@YWORD@ANN",
    "bare-year": r"(?<![\w/.\-–—])(?P<yw>@YR)(?!/)",
    # "03/2024" in a time column ("Thời gian bắt đầu | Thời gian kết thúc": 01/2024 | 03/2024)
    "month-bare": r"(?<![\w/.])(?P<m>0?[1-9]|1[0-2])~/~(?P<ys>@YR)(?![\d/])",
    # "Cả năm" in a yearly plan's time column: the whole year (of the plan: context_year)
    "whole-year": r"(?<![a-z])ca nam(?![a-z])(?!~\d)",
    "request": r"(?<![a-z])(?:theo (?:de nghi|yeu cau)(?: (?P<via>cua|tu) )?"
    r"|khi (?:(?:co|duoc) )?(?:yeu cau|de nghi))",
}
_COMPILED = {
    name: re.compile(_rx(rx, **_PIECES))
    for name, rx in {**_PERIOD_SHAPES, **_RECURRENCE_SHAPES, **_CELL_SHAPES}.items()
}
# Strings one of which every match of a shape contains (a literal its pattern cannot do
# without): a shape is not run on a text that has none of them.
_NEEDS = {
    "date-words": ("ngay",),
    "date-num": ("/",),
    "part-year": ("thang",),
    "quarter": ("qu",),
    "month": ("thang",),
    "year-range": ("-", "–", "—"),
    "year": ("nam",),
    "annual": ("nam",),
    "quarterly": ("quy",),
    "monthly": ("thang",),
    "ongoing": ("xuyen",),
    "every": ("lan",),
    "weekly": ("tuan",),
    "times-a-year": ("lan",),
    "every-months": ("thang",),
    "date-bare": ("thang",),
    "bare-year": ("19", "20"),
    "month-bare": ("/",),
    "whole-year": ("ca nam",),
    "request": ("theo", "khi"),
}
_DAY_SHAPES = ("date-words", "date-num", "date-bare")
_TEXT_SHAPES = (*_PERIOD_SHAPES, *_RECURRENCE_SHAPES)
_ALL_SHAPES = (*_TEXT_SHAPES, *_CELL_SHAPES)

_LABEL = _rx(r"thoi gian(?: (?P<lab>thuc hien|hoan thanh|trien khai))?")
_PRE = _rx(
    r"(?:tu nay )?den(?: (?:het|cuoi))?"
    r"|(?:hoan thanh|cham nhat|han chot|thoi han)(?: (?:la|vao|trong|truoc|den))?(?: (?:cuoi|dau))?"
    r"|truoc|(?:vao|trong)(?: (?:cuoi|dau))?|(?:(?:tinh|ke|bat dau) )?tu|cuoi|dau"
)
# The words just before a time expression: an optional "Thời gian thực hiện:" label, then
# the words that decide the interval. Anchored at the window's end; leftmost match = longest.
_PREFIX = re.compile(
    _rx(r"(?<![a-z\d])(?:(?P<label>@LABEL)~:?~)?(?P<pre>@PRE)?~:?~\Z", LABEL=_LABEL, PRE=_PRE)
)
_LABEL_ANY = re.compile(r"(?<![a-z])" + _LABEL + r"(?![a-z])")
_CLAUSE_BREAK = re.compile(r"[\d.;\n]")
_REQUESTER_STOP = re.compile(r"[(;.\n]")

# Folded words that must carry their accents in accented text, and the spellings allowed.
_SPELLED = {
    "nam": {"năm"},
    "quy": {"quý"},
    "qui": {"quí"},
    "thang": {"tháng"},
    "ngay": {"ngày"},
    "hang": {"hàng", "hằng"},
    "tu": {"từ"},
    "den": {"đến"},
    "dau": {"đầu"},
    "cuoi": {"cuối"},
    "het": {"hết"},
    "toi": {"tới", "tối"},
    "truoc": {"trước"},
    "vao": {"vào"},
    "thuong": {"thường"},
    "tuan": {"tuần"},
    "xuyen": {"xuyên"},
    "ky": {"kỳ", "kì"},
    "dinh": {"định"},
    "lan": {"lần"},
    "mot": {"một"},
    "moi": {"mỗi", "mọi"},
    "cham": {"chậm"},
    "nhat": {"nhất"},
    "hoan": {"hoàn"},
    "thanh": {"thành"},
    "doan": {"đoạn"},
    "thoi": {"thời"},
    "de": {"đề"},
    "nghi": {"nghị"},
    "cua": {"của"},
    "bon": {"bốn"},
    "chin": {"chín"},
    "muoi": {"mười"},
    "sau": {"sau", "sáu"},
}
# Words before "hàng năm" that make it "goods" (ngân hàng, cửa hàng …), not "every year".
_CAP = re.compile(r"(?:khong qua|toi da)\s{1,3}\Z")
_NOT_EVERY_YEAR = frozenset({"ngan", "cua", "mat", "khach", "don", "nha", "gian", "mua", "ban"})
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# "vào năm 2030" is within that year ("tổng kết vào năm 2030"); a bare "đến năm 2030" is a
# target's horizon ("phấn đấu đến năm 2030 …"), no deadline.
_YEAR_CUE = re.compile(
    r"trong|vao|truoc|(?:tu nay )?den (?:het|cuoi)|(?:vao |trong )?cuoi"
    r"|(?:hoan thanh|cham nhat|han chot|thoi han)\b.*"
)
_DAY_CUE = re.compile(r"(?:truoc|(?:tu nay )?den het|hoan thanh|cham nhat|han chot|thoi han)\b.*")
_RANGE_CUE = re.compile(r"(?:tu nay )?den het|hoan thanh\b.*")


# --- atoms: time expressions and recurrences ----------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    shape: str
    start: int
    end: int
    match: re.Match[str]

    def group(self, *names: str) -> str | None:
        """The first of the named groups that matched (absent names are skipped)."""
        index = self.match.re.groupindex
        return next((self.match[n] for n in names if n in index and self.match[n]), None)


def _spelled(norm: str, fold_text: str, start: int, end: int) -> bool:
    """Do the key words in ``[start, end)`` carry their accents (``năm``, not ``Nam``)?"""
    for wm in re.finditer(r"[a-z]+", fold_text[start:end]):
        allowed = _SPELLED.get(wm.group())
        a = start + wm.start()
        if allowed and norm[a : a + len(wm.group())].lower() not in allowed:
            return False
    return True


def _plausible(atom: _Atom, norm: str, fold_text: str, accented: bool) -> bool:
    if accented and not _spelled(norm, fold_text, atom.start, atom.end):
        return False
    if atom.shape == "annual":
        before = fold_text[max(0, atom.start - 12) : atom.start].split()
        return not (before and before[-1] in _NOT_EVERY_YEAR)
    if atom.shape == "times-a-year" and _CAP.search(fold_text, max(0, atom.start - 16), atom.start):
        return False  # "không quá 01 lần/năm": a cap on how often, not a timetable
    if atom.shape == "date-num" and not (atom.match["ngay"] or atom.match["ys"]):
        return False  # "11/4" alone: a day only with "ngày" or a year
    if atom.shape == "month" and atom.match["m2"]:
        return 1 <= int(atom.match["m"]) < int(atom.match["m2"]) <= 12
    if atom.shape in ("month", *_DAY_SHAPES):
        return 1 <= int(atom.match["m"]) <= 12
    if atom.shape == "year-range":
        return int(atom.match["y1"]) <= int(atom.match["y2"])
    if atom.shape == "quarter" and atom.match["q2"]:
        return _QUARTERS[atom.match["q"]] < _QUARTERS[atom.match["q2"]]
    return atom.shape != "part-year" or 1 <= _number(atom.match["n"]) <= 11


def _atoms(norm: str, fold_text: str, shapes: tuple[str, ...]) -> list[_Atom]:
    """The time expressions of ``fold_text``, leftmost-longest, none overlapping."""
    accented = norm.lower() != fold_text
    found = [
        atom
        for shape in shapes
        if any(needed in fold_text for needed in _NEEDS[shape])
        for m in _COMPILED[shape].finditer(fold_text)
        if _plausible(atom := _Atom(shape, m.start(), m.end(), m), norm, fold_text, accented)
    ]
    found.sort(key=lambda a: (a.start, a.start - a.end))
    kept: list[_Atom] = []
    for atom in found:
        if not kept or atom.start >= kept[-1].end:
            kept.append(atom)
    return kept


# --- the words before an atom ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    start: int  # where the phrase starts: the label, the words before, or the atom
    pre: str  # the words before, folded, single-spaced ("hoan thanh trong")
    label: bool  # "Thời gian …:" right before
    clause_label: bool  # "Thời gian …" earlier in the same clause
    completion: bool  # the label says "hoàn thành"
    paren: bool  # "(" right before


def _context(norm: str, fold_text: str, atom: _Atom, floor: int, accented: bool) -> _Context:
    lo = max(floor, atom.start - 64)
    pm = _PREFIX.search(fold_text, lo, atom.start)
    if pm and accented and not _spelled(norm, fold_text, pm.start(), pm.end()):
        pm = None
    start = pm.start() if pm and (pm["label"] or pm["pre"]) else atom.start
    pre = " ".join(pm["pre"].split()) if pm and pm["pre"] else ""
    lab = pm["lab"] if pm and pm["label"] else None
    clause = (
        None if pm and pm["label"] else _clause_label(fold_text, max(floor, start - 200), start)
    )
    if clause is not None:
        lab = clause["lab"]
    return _Context(
        start=start,
        pre=pre,
        label=bool(pm and pm["label"]),
        clause_label=clause is not None,
        completion=bool(lab and lab.startswith("hoan")),
        paren=fold_text[lo:start].rstrip().endswith("("),
    )


def _clause_label(fold_text: str, lo: int, hi: int) -> re.Match[str] | None:
    """The last "Thời gian …" label in ``[lo, hi)`` with no digit or clause break after it."""
    last = None
    for m in _LABEL_ANY.finditer(fold_text, lo, hi):
        last = m
    if last is None or _CLAUSE_BREAK.search(fold_text, last.end(), hi):
        return None
    return last


def _mode(ctx: _Context) -> str:
    """How the words before read the period: within, by, before, from or early."""
    words = ctx.pre.split()
    if "truoc" in words:
        return "before"
    if not words or ctx.pre in ("trong", "vao"):
        mode = "within"
    elif ctx.pre.startswith("tu nay"):
        mode = "by"
    elif words[-1] == "tu":
        mode = "from"
    elif words[-1] == "dau":
        mode = "early"
    else:
        mode = "by"
    return "by" if mode == "within" and ctx.completion else mode


def _accepted(atom: _Atom, ctx: _Context, fold_text: str = "") -> bool:
    """Is this atom a deadline in running text? It needs a cue (conservative); a year or a
    range of years that stands alone after a ";" and ends the sentence is its own cue ("…
    kết nối doanh nghiệp; giai đoạn 2024-2025."), not one after a comma or in brackets,
    which names a programme's period ("…, giai đoạn 2011 - 2015", "5 năm (2006 - 2010)")."""
    if atom.shape == "ongoing" and _NOT_ONGOING.search(
        fold_text, max(0, atom.start - 16), atom.start
    ):
        return False  # "kinh phí thường xuyên", "chi thường xuyên": a recurrent budget
    if atom.shape in _RECURRENCE_SHAPES or atom.group("ann") or ctx.label:
        return True
    if atom.shape in _ALONE_SHAPES and not ctx.pre and _closing(fold_text, atom, ctx):
        return True
    if atom.shape in _DAY_SHAPES:
        return _DAY_CUE.fullmatch(ctx.pre) is not None
    if ctx.clause_label:
        return True
    if atom.shape == "year":
        return _YEAR_CUE.fullmatch(ctx.pre) is not None
    if atom.shape == "year-range":  # "trong năm 2024 - 2025", not "trong giai đoạn …" (a scope)
        within = ctx.pre == "trong" and fold_text.startswith("nam", atom.start)
        return within or _RANGE_CUE.fullmatch(ctx.pre) is not None
    return bool(ctx.pre) or ctx.paren


#: Words before "thường xuyên" that make it no ongoing task.
_NOT_ONGOING = re.compile(
    # a recurrent budget, or continuing education ("Giáo dục thường xuyên", a centre's name)
    r"(?:kinh phi|chi|von|du toan|ngan sach|giao duc)\s{1,3}\Z"
)
#: A time phrase alone in its clause: after a ";", before the sentence's or clause's end.
_ALONE_BEFORE = re.compile(r";\s{0,3}(?:(?:thuc hien|trien khai)\s{1,3})?\Z")
#: A citation in a clause: a text's number or its date ("số 12", "02-CTr/TU", "ngày 29/8/2011").
_CITED = re.compile(r"\bso \d|\d/(?:[a-z]|\d{4})|-[a-z]{2,4}/[a-z]")
#: The periods that may stand alone after a ";" as their clause's time ("…; Quý III/2026.").
_ALONE_SHAPES = frozenset(("year", "year-range", "quarter", "month", "part-year"))
_ALONE_BEFORE_RANGE = re.compile(r"[;,]\s{0,3}(?:(?:thuc hien|trien khai)\s{1,3})?\Z")
_ONWARDS_WORDS = r"\s{0,3},?\s{0,3}(?:va|den) cac nam (?:tiep theo|sau)(?![a-z])"
_ALONE_AFTER = re.compile(rf"(?:{_ONWARDS_WORDS})?\s{{0,3}}(?:[.;)\n]|\Z)")


def _closing(fold_text: str, atom: _Atom, ctx: _Context) -> bool:
    """Whether the atom stands alone after a ";" (and maybe "thực hiện") and ends its
    sentence or clause ("…; thực hiện giai đoạn 2021 - 2025.", "…; Quý III/2026."); a range
    of years may stand after a comma ("…, giai đoạn 2023 - 2025.", "…, năm 2021 - 2022;")."""
    if not _ALONE_AFTER.match(fold_text, atom.end):
        return False
    if _ALONE_BEFORE.search(fold_text, max(0, ctx.start - 16), ctx.start):
        return True
    if atom.shape != "year-range" or not _ALONE_BEFORE_RANGE.search(
        fold_text, max(0, ctx.start - 16), ctx.start
    ):
        return False
    # after a comma, unless the clause cites a text ("… Chương trình 02-CTr/TU ngày
    # 29/8/2011 của Thành ủy về phát triển nông nghiệp, giai đoạn 2011 - 2015.": its title)
    clause = fold_text[max(0, ctx.start - 400) : ctx.start]
    clause = clause[max(clause.rfind(";"), clause.rfind("."), clause.rfind("\n")) + 1 :]
    return _CITED.search(clause) is None


#: After a year: "… và các năm tiếp theo", the task goes on from that year.
_ONWARDS = re.compile(_ONWARDS_WORDS)


# --- periods -------------------------------------------------------------------------------------


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS.get(text, 0)


def _year(atom: _Atom, context_year: int | None) -> int | None:
    explicit = atom.group("yw", "ys")
    if explicit:
        return int(explicit)
    rel = atom.group("rel")
    if rel is None or context_year is None:
        return None if rel else context_year
    return context_year if rel == "nay" else context_year + 1


def _month_span(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _period(atom: _Atom, context_year: int | None) -> tuple[date, date] | None:
    """The whole period an atom names, or ``None`` when its year is unknown or it is invalid."""
    try:
        return _period_or_raise(atom, context_year)
    except (ValueError, OverflowError):  # 31 tháng 2, or a context year out of range
        return None


def _period_or_raise(atom: _Atom, context_year: int | None) -> tuple[date, date] | None:
    shape, m = atom.shape, atom.match
    if shape == "year-range":
        return date(int(m["y1"]), 1, 1), date(int(m["y2"]), 12, 31)
    year = _year(atom, context_year)
    if year is None or (atom.group("ann") and not atom.group("yw", "ys")):
        return None
    if shape in ("year", "bare-year"):
        return date(year, 1, 1), date(year, 12, 31)
    if shape == "quarter":  # "quý II/2018", or a run of quarters: "quý I, II năm 2022"
        q, q2 = _QUARTERS[m["q"]], _QUARTERS[m["q2"] or m["q"]]
        return _month_span(year, 3 * q - 2, 3 * q2)
    if shape == "month":
        return _month_span(year, int(m["m"]), int(m["m2"] or m["m"]))
    if shape == "month-bare":
        return _month_span(year, int(m["m"]), int(m["m"]))
    if shape == "whole-year":
        return date(year, 1, 1), date(year, 12, 31)
    if shape == "part-year":
        n = _number(m["n"])
        return _month_span(year, 1, n) if m["pos"] == "dau" else _month_span(year, 13 - n, 12)
    day = date(year, int(m["m"]), int(m["d"]))
    return day, day


def _month_day(atom: _Atom) -> str | None:
    """``--MM-DD`` of a day written without a year, when it exists in some year."""
    if atom.shape not in _DAY_SHAPES or atom.group("yw", "ys"):
        return None
    month, day = int(atom.match["m"]), int(atom.match["d"])
    try:
        date(2000, month, day)
    except ValueError:
        return None
    return f"--{month:02d}-{day:02d}"


_BASE_KIND = {
    "bare-year": "year",
    "whole-year": "year",
    "month-bare": "month",
    **dict.fromkeys(_DAY_SHAPES, "date"),
}


def _read_period(atom: _Atom, mode: str, context_year: int | None) -> dict:
    base = _BASE_KIND.get(atom.shape, atom.shape)
    if atom.group("ann") and not atom.group("yw", "ys"):
        day = _month_day(atom)
        return {"recurrence": "annual", "day": day, "kind": "annual-day" if day else "annual"}
    day = _month_day(atom)
    period = _period(atom, context_year)
    if base == "date" and mode in ("by", "before"):
        kind = "before-date"
    elif base == "date" and mode == "early":
        kind = "date"
    else:
        kind = base if mode == "within" else f"{mode}-{base}"
    bounds = _bounds(period, mode, base) if period else {}
    return {"day": day, "kind": kind if day or bounds else "unparsed", **bounds}


def _bounds(period: tuple[date, date], mode: str, base: str) -> dict:
    first, last = period
    if mode == "by" or (mode == "before" and base == "date"):
        return {"end": last}
    if mode == "before":  # "trước năm 2025": the period's first day is already too late
        return {"end": first - timedelta(days=1)} if first > date.min else {}
    if mode == "from" or (mode == "early" and base != "date"):
        return {"start": first}
    return {"start": first, "end": last}


def _read_recurrence(atom: _Atom) -> dict:
    if atom.shape == "every-months":
        n = _number(atom.group("n", "m", "h") or "")
        named = {1: "monthly", 3: "quarterly", 12: "annual"}.get(n)
        if named:
            return {"recurrence": named, "kind": named}
        if not 1 < n < 12:
            return {"kind": "unparsed"}
        return {"recurrence": f"every-{n}-months", "kind": "every-n-months"}
    if atom.shape == "times-a-year":
        k = _number(atom.group("k", "k2") or "")
        named = {1: "annual", 4: "quarterly", 12: "monthly"}.get(k)
        if named:
            return {"recurrence": named, "kind": named}
        if k not in (2, 3, 6):
            return {"kind": "unparsed"}
        return {"recurrence": f"every-{12 // k}-months", "kind": "every-n-months"}
    if atom.shape != "every":
        return {"recurrence": atom.shape, "kind": atom.shape}
    n = _number(atom.match["n"])
    if n == 1:
        return {"recurrence": "annual", "kind": "annual"}
    if n == 0:
        return {"kind": "unparsed"}
    return {"recurrence": f"every-{n}-years", "kind": "every-n-years"}


def _read_request(norm: str, atom: _Atom, stop: int) -> dict:
    requester = None
    if atom.match["via"]:
        cut = _REQUESTER_STOP.search(norm, atom.end, stop)
        raw = norm[atom.end : min(stop, cut.start() if cut else stop, atom.end + 200)]
        requester = collapse_spaces(canonical_spelling(raw)).strip(" ,:-–") or None
    return {"recurrence": "on-request", "requester": requester, "kind": "on-request"}


# --- scanning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    fields: dict


def _combine(first: _Found, atom: _Atom, second: _Found) -> _Found:
    """ "từ tháng 3 đến tháng 6 năm 2021": from the start of one period to the end of another."""
    fields = {"kind": "unparsed"}
    a = first.fields.get("start")
    b = second.fields.get("end")
    if a is None and b is not None and atom.group("yw", "ys") is None:
        a_period = _period(atom, b.year)
        a = a_period[0] if a_period else None
    if a is not None and b is not None and a <= b:
        both_years = atom.shape == "year" and second.fields.get("kind", "").endswith("year")
        fields = {"start": a, "end": b, "kind": "year-range" if both_years else "range"}
    return _Found(first.start, second.end, fields)


def _ranges_join(fold_text: str, opening: tuple[_Atom, _Found], atom: _Atom, ctx: _Context) -> bool:
    """Is this atom the "đến …" end of the "từ …" atom just before it?"""
    if atom.shape not in _PERIOD_SHAPES:
        return False
    between = fold_text[opening[0].end : ctx.start].strip()
    return (between == "" and ctx.pre.startswith("den")) or (between in "-–—" and not ctx.pre)


def _opens(atom: _Atom, mode: str) -> bool:
    """May this atom open a range that a "đến …" atom closes: a period after "từ", or a
    month or quarter with no year ("tháng 4 đến tháng 10/2024": the year is the end's)?"""
    if atom.shape not in _PERIOD_SHAPES:
        return False
    if mode == "from":
        return True
    return atom.shape in ("month", "quarter") and atom.group("yw", "ys", "rel") is None


def _scan(norm: str, fold_text: str, *, cell: bool, context_year: int | None) -> list[_Found]:
    """The deadlines of the text: every atom in a cell, only the cued ones in running text."""
    accented = norm.lower() != fold_text
    atoms = _atoms(norm, fold_text, _ALL_SHAPES if cell else _TEXT_SHAPES)
    out: list[tuple[_Found, bool]] = []
    opening: tuple[_Atom, _Found] | None = None  # a "từ …" atom that "đến …" may close
    for i, atom in enumerate(atoms):
        ctx = _context(norm, fold_text, atom, atoms[i - 1].end if i else 0, accented)
        ok = cell or _accepted(atom, ctx, fold_text)
        if not ok and out and out[-1][1] and atom.shape in _PERIOD_SHAPES:
            # "trong quý IV/2025 và quý I/2026": joined to a deadline, it shares its cue
            ok = _JOINED.fullmatch(fold_text, out[-1][0].end, ctx.start) is not None
        onwards = _ONWARDS.match(fold_text, atom.end) if atom.shape == "year" else None
        ok = ok or (onwards is not None and atom.group("yw") is not None)  # its own cue
        mode = _mode(ctx)
        if not (ok or mode == "from" or opening):
            continue  # not a deadline, and no range to open or close: skip reading it
        found = _Found(ctx.start, atom.end, _read(norm, atom, ctx, atoms, i, context_year))
        if onwards and found.fields.get("start"):
            # "năm 2024 và các năm tiếp theo": every year from 2024 on, with no end
            fields = {"start": found.fields["start"], "recurrence": "annual", "kind": "from-year"}
            found = _Found(ctx.start, onwards.end(), fields)
        if opening and _ranges_join(fold_text, opening, atom, ctx):
            first, first_ok = out[-1]
            out[-1] = (
                _combine(first, opening[0], found),
                first_ok or ok or ctx.label or opening[0].shape != "year",
            )
            opening = None
            continue
        opening = (atom, found) if _opens(atom, mode) else None
        if ok or opening:
            out.append((found, ok))
        if cell and len(out) > 1:
            break  # a cell is decided by its first deadline (or the range it opens)
    return _times_a_year(fold_text, [found for found, ok in out if ok])


_JOINED = re.compile(r"\s{0,3}(?:,|va)\s{0,3}")
#: Recurrences of so many dates of each year ("tháng 3, tháng 9 hằng năm": twice a year).
_PER_YEAR = {2: "every-6-months", 3: "every-4-months", 4: "quarterly", 12: "monthly"}


def _times_a_year(fold_text: str, found: list[_Found]) -> list[_Found]:
    """Dates or months with no year joined by "và" or "," before the one that says "hằng
    năm" are dates of each year: "trước ngày 15/6 và ngày 15/12 hằng năm", "vào tháng 3,
    tháng 9 hằng năm" recur twice a year (every 6 months), not on one date with no year."""
    out: list[_Found] = []
    for f in found:
        run: list[_Found] = []
        if f.fields.get("recurrence") == "annual":
            while (
                out
                and out[-1].fields.get("end") is None
                and out[-1].fields.get("recurrence") is None
                and _JOINED.fullmatch(fold_text, out[-1].end, f.start)
            ):
                run.insert(0, out.pop())
        recurrence = _PER_YEAR.get(len(run) + 1)
        if run and recurrence is not None:
            kind = "quarterly" if recurrence == "quarterly" else "every-n-months"
            f = _Found(run[0].start, f.end, {"recurrence": recurrence, "kind": kind})
        elif run:
            out += run
        out.append(f)
    return out


def _read(
    norm: str, atom: _Atom, ctx: _Context, atoms: list[_Atom], i: int, context_year: int | None
) -> dict:
    if atom.shape == "request":
        stop = atoms[i + 1].start if i + 1 < len(atoms) else len(norm)
        return _read_request(norm, atom, stop)
    if atom.shape in _RECURRENCE_SHAPES:
        return _read_recurrence(atom)
    return _read_period(atom, _mode(ctx), context_year)


# --- public API ----------------------------------------------------------------------------------


_TITLE_YEAR = re.compile(_rx(r"(?<![a-z])nam (?P<y>(?:19|20)\d\d)(?![\d/]|~[-–])"))
_TITLE_RANGE = re.compile(_rx(r"(?:19|20)\d\d~[-–]~(?:nam )?(?:19|20)\d\d"))


def title_year(title: str | None) -> int | None:
    """The one year a plan's title names ("Kế hoạch công tác năm 2023"), the year its bare
    months and quarters fall in ("Tháng 3", "Quý II", "Cả năm" in its time column); None
    when the title names no year, several, or a range ("giai đoạn 2021 - 2025").

    >>> title_year("Phát triển hợp tác xã nông nghiệp năm 2024")
    2024
    >>> title_year("Phát triển kinh tế tập thể giai đoạn 2021 - 2025, định hướng năm 2030")
    """
    if not title:
        return None
    folded = make_view(title).fold
    if _TITLE_RANGE.search(folded):
        return None
    years = {int(m["y"]) for m in _TITLE_YEAR.finditer(folded)}
    return years.pop() if len(years) == 1 else None


#: A time counted from the text's own date: "trong vòng 30 ngày kể từ ngày ký Kế hoạch
#: này", "chậm nhất 05 ngày làm việc kể từ ngày ban hành". Read here with no end; the
#: document's date gives it one (:func:`counted_from_issue`).
_AFTER_ISSUE = re.compile(
    r"(?<![a-z\d])(?:(?:hoan thanh|thuc hien)\s{1,3})?"
    r"(?:trong vong|trong thoi han|trong|cham nhat|sau)\s{1,3}(?P<n>\d{1,3})\s{1,3}ngay"
    r"(?P<work>\s{1,3}lam viec)?\s{1,3}(?:ke tu|tinh tu)\s{1,3}ngay\s{1,3}(?:ky|ban hanh)"
    r"(?:\s{1,3}(?:ke hoach|quyet dinh|van ban|chi thi|chuong trinh)\s{1,3}nay)?(?![a-z])"
)
#: The kinds of a deadline counted from the text's own date.
AFTER_ISSUE_KINDS = ("days-after-issue", "working-days-after-issue")


def _after_issue(folded: str) -> list[_Found]:
    """The times counted from the text's own date in a folded text, with no end."""
    return [
        _Found(
            m.start(),
            m.end(),
            {"kind": AFTER_ISSUE_KINDS[1] if m["work"] else AFTER_ISSUE_KINDS[0]},
        )
        for m in _AFTER_ISSUE.finditer(folded)
    ]


def counted_from_issue(deadline: Deadline, issued: date | None) -> Deadline:
    """A deadline counted from the text's own date, given the end that date gives it:
    calendar days, or working days (Monday to Friday; public holidays are not known here).

    >>> (m,) = find_deadlines("hoàn thành trong vòng 30 ngày kể từ ngày ký Kế hoạch này")
    >>> m.deadline.kind, m.deadline.end
    ('days-after-issue', None)
    >>> str(counted_from_issue(m.deadline, date(2024, 4, 12)).end)
    '2024-05-12'
    >>> (m,) = find_deadlines("trong vòng 05 ngày làm việc kể từ ngày ban hành")
    >>> str(counted_from_issue(m.deadline, date(2024, 5, 8)).end)  # a Wednesday
    '2024-05-15'
    """
    if deadline.kind not in AFTER_ISSUE_KINDS or deadline.end is not None or issued is None:
        return deadline
    m = _AFTER_ISSUE.search(fold(deadline.text))
    if m is None:
        return deadline
    days, end = int(m["n"]), issued
    if m["work"]:
        while days:
            end += timedelta(days=1)
            days -= end.weekday() < 5
    else:
        end += timedelta(days=days)
    return dataclasses.replace(deadline, end=end)


@memo_by_text()
def parse_deadline(text: str, *, context_year: int | None = None) -> Deadline:
    """Read a deadline cell ("Quý II/2018", "Hàng năm", "Theo đề nghị từ Bộ Nội vụ").

    Liberal: no cue word is needed, so a bare "Năm 2018" or "2018 - 2020" is read. The first
    expression in the cell decides, unless the next, in brackets, narrows it ("Kỳ họp giữa
    năm 2024 (tháng 7/2024)": July); ``text`` keeps the whole cell (markup removed, spaces
    collapsed, modern spelling). Never raises; ``kind="unparsed"`` when nothing can be read.

    >>> d = parse_deadline("Năm 2018 - 2020")
    >>> d.kind, str(d.start), str(d.end)
    ('year-range', '2018-01-01', '2020-12-31')
    >>> d = parse_deadline("<p>Trước ngày 15 tháng 12 hàng năm</p>")
    >>> d.text, d.recurrence, d.day, d.kind
    ('Trước ngày 15 tháng 12 hàng năm', 'annual', '--12-15', 'annual-day')
    >>> parse_deadline("Theo đề nghị từ Bộ Nội vụ").requester
    'Bộ Nội vụ'
    >>> parse_deadline("tháng 01 năm sau", context_year=2008).start
    datetime.date(2009, 1, 1)
    >>> parse_deadline("Kịp thời").kind
    'unparsed'
    """
    view = make_view(text)
    whole = collapse_spaces(canonical_spelling(view.norm))
    found = _scan(view.norm, view.fold, cell=True, context_year=context_year)
    found = found or _after_issue(view.fold)
    fields = found[0].fields if found else {}
    for later in found[1:2]:
        if _narrows(fields, later.fields) and "(" in view.norm[found[0].end : later.start]:
            fields = later.fields  # "Kỳ họp giữa năm 2024 (tháng 7/2024)": the month
    return Deadline(text=whole, **fields)


def _narrows(first: dict, second: dict) -> bool:
    """Is the second period a shorter one within the first ("năm 2024" / "tháng 7/2024")?

    >>> from datetime import date
    >>> year = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
    >>> _narrows(year, {"start": date(2024, 7, 1), "end": date(2024, 7, 31)})
    True
    >>> _narrows(year, {"start": date(2025, 7, 1), "end": date(2025, 7, 31)})
    False
    """
    a1, b1, a2, b2 = first.get("start"), first.get("end"), second.get("start"), second.get("end")
    if None in (b1, a2, b2) or first.get("recurrence") or second.get("recurrence"):
        return False
    if a1 is None:  # "hoàn thành … năm 2024": by the end of that year
        a1 = b1.replace(month=1, day=1)
    return a1 <= a2 and b2 <= b1 and (b2 - a2) < (b1 - a1)


def find_deadlines(text: str, *, context_year: int | None = None) -> list[DeadlineMention]:
    """Every deadline phrase in running text, with its span in ``text``.

    Conservative: a year, quarter, month or day counts only after a cue ("hoàn thành",
    "Thời gian thực hiện:", "trước ngày", "chậm nhất", "trong năm", "đến hết", "cuối năm" …);
    recurrences ("hàng năm", "thường xuyên", "hai năm một lần") are cues themselves. A target
    such as "Đến năm 2020: …" or a title's "giai đoạn 2021 - 2025" is not a deadline.

    >>> ms = find_deadlines("- Thời gian thực hiện: trong tháng 02 năm 2008.")
    >>> [(m.start, m.end, m.deadline.kind, str(m.deadline.start)) for m in ms]
    [(2, 46, 'month', '2008-02-01')]
    >>> find_deadlines("Phấn đấu đến năm 2020: 80% HTX hoạt động khá")
    []
    """
    return list(_find_deadlines(text, context_year))


@memo_by_text()
def _find_deadlines(text: str, context_year: int | None) -> tuple[DeadlineMention, ...]:
    view = make_view(text)
    out = []
    scanned = _scan(view.norm, view.fold, cell=False, context_year=context_year)
    extra = [
        f
        for f in _after_issue(view.fold)
        if not any(f.start < g.end and g.start < f.end for g in scanned)
    ]
    for found in sorted([*scanned, *extra], key=lambda f: f.start):
        a, b = view.to_original(found.start, found.end)
        phrase = collapse_spaces(canonical_spelling(view.norm[found.start : found.end]))
        out.append(DeadlineMention(a, b, Deadline(text=phrase, **found.fields)))
    return tuple(out)
