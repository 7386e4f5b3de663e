"""Normalised views of a text, with an exact map back to the original characters.

Extraction regexes never run on the original text: they run on a :class:`TextView`, which has

* ``norm``: the text in NFC, with markdown emphasis and heading marks removed, HTML tags
  replaced by one space each, HTML entities decoded and no-break/thin spaces turned into
  plain spaces; every other character (``\\n``, ``\\t``, ``\\r`` included) is kept;
* ``fold``: ``norm`` lowercased, without diacritics and with ``đ`` -> ``d``, character for
  character (same length as ``norm``), for accent- and case-insensitive matching.

A match ``[start, end)`` in ``norm`` or ``fold`` is turned into the span of the original text
by :meth:`TextView.to_original`.

How the map works
-----------------
``norm`` is built in stages, each a function of the previous string (:func:`make_view`): NFC
composition of the original; page furniture removed; what converters and OCR leave read as
the text meant (a list marker's tab, a date's digits read as letters, tables ruled with
dashes, pasted one cell a line or laid out with spaces rewritten as tab-separated rows, a
justified line's gaps, pipe and grid tables, HTML rows); markup removal; and (rarely) NFC
again when markup removal or entity decoding left a combining mark next to a letter. Most
of these stages change one character for one and need no map. Each stage that changes anything
keeps an :class:`_OffsetMap`: a run-length map whose runs are stretches of characters copied
one to one, each optionally ending in one character that stands for a longer source span (an
NFD cluster, an HTML tag, an entity). Removed markup is a gap between runs. The maps hold three
``array('q')`` entries per run, so a text with little markup costs almost nothing, and every
stage is a single left-to-right pass (linear time).
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache, wraps
from itertools import compress
from typing import ParamSpec, TypeVar

from policykg.graph.folding import SPACE_SET as _SPACE_SET
from policykg.graph.folding import fold
from policykg.graph.folding import fold_nfc as _fold_nfc
from policykg.graph.layout_tables import layout_table_stage
from policykg.graph.ruled_tables import ruled_table_stage
from policykg.graph.stacked_tables import stacked_table_stage

__all__ = [
    "TextView",
    "canonical_spelling",
    "collapse_spaces",
    "fold",
    "is_plain",
    "make_view",
    "memo_by_text",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

# --------------------------------------------------------------------------- memo


def memo_by_text(
    maxsize: int = 4096, max_chars: int = 1000
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Remember the results of a pure function of a short text (and hashable options).

    Plans repeat their cells and phrases ("Sở Tài chính", "Hàng năm", "Các sở, ngành"), so
    reading each distinct text once saves most of the work. Only texts of at most
    ``max_chars`` characters are remembered, and at most ``maxsize`` of them (least recently
    used go first): memory stays bounded whatever the input. The function must return a
    value nobody changes (a tuple, a frozen dataclass), since callers share it.

    >>> calls = []
    >>> @memo_by_text(maxsize=2, max_chars=5)
    ... def shout(text: str) -> str:
    ...     calls.append(text)
    ...     return text.upper()
    >>> [shout(t) for t in ("ab", "ab", "abcdefg", "abcdefg")], calls
    (['AB', 'AB', 'ABCDEFG', 'ABCDEFG'], ['ab', 'abcdefg', 'abcdefg'])
    """

    def decorate(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            text = args[0]
            if isinstance(text, str) and len(text) <= max_chars:
                return cached(*args, **kwargs)
            return fn(*args, **kwargs)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return decorate


# --------------------------------------------------------------------------- offset maps


class _OffsetMap:
    """Maps character positions of a derived string (dst) to spans of its source (src).

    Run ``r`` covers dst characters ``dst[r] .. dst[r+1]-1``. Inside a run, character
    ``dst[r] + k`` comes from source character ``src[r] + k``; the run's *last* character ends
    at ``end[r]`` (which is ``start + 1`` for a plain copy, more for a character standing for a
    longer span such as an NFD cluster or an HTML tag).
    """

    __slots__ = ("_dst", "_end", "_src", "n_dst", "n_src")

    def __init__(
        self, dst: array[int], src: array[int], end: array[int], n_dst: int, n_src: int
    ) -> None:
        self._dst = dst
        self._src = src
        self._end = end
        self.n_dst = n_dst
        self.n_src = n_src

    @property
    def runs(self) -> int:
        return len(self._dst)

    def _start(self, i: int) -> tuple[int, int]:
        """(run index, source start) of dst character ``i`` (0 <= i < n_dst)."""
        r = bisect_right(self._dst, i) - 1
        return r, self._src[r] + (i - self._dst[r])

    def start(self, i: int) -> int:
        """Source offset where dst character ``i`` starts; ``n_src`` for ``i == n_dst``."""
        if i >= self.n_dst:
            return self.n_src
        return self._start(i)[1]

    def end(self, i: int) -> int:
        """Source offset where dst character ``i`` ends."""
        r, s = self._start(i)
        last = (self._dst[r + 1] if r + 1 < len(self._dst) else self.n_dst) - 1
        return self._end[r] if i == last else s + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        if start == end:
            p = self.start(start)
            return p, p
        return self.start(start), self.end(end - 1)


class _MapBuilder:
    """Builds an :class:`_OffsetMap` while a stage emits its output left to right."""

    __slots__ = ("_dst", "_end", "_open", "_src", "n")

    def __init__(self) -> None:
        self._dst = array("q")
        self._src = array("q")
        self._end = array("q")
        self._open = False  # can the current run be extended by a plain copy?
        self.n = 0  # dst characters emitted so far

    def copy(self, a: int, b: int) -> None:
        """Emit source characters ``[a, b)`` one to one."""
        if b <= a:
            return
        if self._open and self._end[-1] == a:
            self._end[-1] = b
        else:
            self._dst.append(self.n)
            self._src.append(a)
            self._end.append(b)
            self._open = True
        self.n += b - a

    def one(self, a: int, b: int) -> None:
        """Emit one character standing for source span ``[a, b)`` (``b > a``)."""
        if self._open and self._end[-1] == a:
            self._end[-1] = b
        else:
            self._dst.append(self.n)
            self._src.append(a)
            self._end.append(b)
        self._open = b - a == 1
        self.n += 1

    def build(self, n_src: int) -> _OffsetMap | None:
        """The map, or ``None`` when the stage was the identity."""
        if self.n == n_src and (
            n_src == 0 or (len(self._dst) == 1 and self._src[0] == 0 and self._end[0] == n_src)
        ):
            return None
        return _OffsetMap(self._dst, self._src, self._end, self.n, n_src)


# --------------------------------------------------------------------------- NFC with a map


def _char_class(code_points: set[int]) -> str:
    """A regex character class for a set of code points, as ranges."""
    ranges: list[str] = []
    ordered = sorted(code_points)
    lo = prev = ordered[0]
    for cp in [*ordered[1:], -1]:
        if cp != prev + 1:
            ranges.append(re.escape(chr(lo)) + ("-" + re.escape(chr(prev)) if prev > lo else ""))
            lo = cp
        prev = cp
    return "[" + "".join(ranges) + "]"


def _class_alternation(code_points: set[int]) -> str:
    """A regex matching one character of ``code_points``.

    The regex engine tests a BMP-only class in constant time but scans a class with astral
    ranges one range at a time, so the astral part is only tried for astral characters.
    """
    bmp = _char_class({cp for cp in code_points if cp <= 0xFFFF})
    astral = {cp for cp in code_points if cp > 0xFFFF}
    if not astral:
        return bmp
    return f"(?:{bmp}|(?=[\\U00010000-\\U0010FFFF]){_char_class(astral)})"


def _code_point_chunks(size: int = 4096) -> list[range]:
    """Every code point but the surrogates, in ranges of at most ``size``."""
    return [
        range(lo, min(lo + size, hi))
        for start, hi in ((0, 0xD800), (0xE000, 0x110000))
        for lo in range(start, hi, size)
    ]


def _nfc_classes() -> tuple[set[int], set[int]]:
    """The *backward* and *changed* code points of :func:`_nfc_cluster_re`.

    Each code point's class is read from :mod:`unicodedata`, but a chunk of consecutive code
    points is looked at one by one only where it can hold one that counts: a character whose
    NFD (or NFC) differs from it never occurs in an NFD (or NFC) string, so a chunk that is
    NFD (NFC) as a string has none. The work is done by C loops (``map``), which matters:
    this runs once per process, before the first text that is not NFC.
    """
    combining, normalize, is_normalized = (
        unicodedata.combining,
        unicodedata.normalize,
        unicodedata.is_normalized,
    )
    second: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T
    for chunk in _code_point_chunks():
        decompositions = list(map(unicodedata.decomposition, map(chr, chunk)))
        for decomposition in filter(None, decompositions):
            if not decomposition.startswith("<"):
                parts = decomposition.split()
                if len(parts) == 2:
                    second.add(int(parts[1], 16))

    def attaches_backward(c: str) -> bool:
        return combining(c) != 0 or ord(c) in second

    backward: set[int] = {cp for cp in second if not 0xD800 <= cp <= 0xDFFF}
    changed: set[int] = set()
    for chunk in _code_point_chunks():
        text = "".join(map(chr, chunk))
        backward.update(compress(chunk, map(combining, text)))
        if not is_normalized("NFD", text):  # some character decomposes: its first part counts
            for cp, c in zip(chunk, text, strict=True):
                first = normalize("NFD", c)[0]
                if first != c and attaches_backward(first):
                    backward.add(cp)
        if not is_normalized("NFC", text):
            for cp, c in zip(chunk, text, strict=True):
                if cp not in backward and not is_normalized("NFC", c):
                    changed.add(cp)
    return backward, changed


@cache
def _nfc_cluster_re() -> re.Pattern[str]:
    """Stretches of text whose NFC may differ from them, each independent of its neighbours.

    *Backward* characters may merge with or reorder against the character before them: marks
    (combining class not 0), second halves of canonical compositions (including Hangul vowel
    and final jamo), and characters whose decomposition starts with one of those. *Changed*
    characters are the other characters that NFC alters on their own (``Ω`` OHM SIGN, CJK
    compatibility ideographs). Every character that is not backward is a point NFC never looks
    back across, so NFC of a text is the concatenation of NFC of these clusters, and the text
    between them unchanged:

    * ``changed backward*`` (the group ``changed``), or
    * ``backward+``, to which the caller adds the one character before it.
    """
    backward, changed = _nfc_classes()
    marks = _class_alternation(backward)
    return re.compile(f"(?P<changed>{_class_alternation(changed)}){marks}*|{marks}+")


_MAX_ALIGN = 8


def _align(cluster: str, a: int) -> list[tuple[int, int]]:
    """Source spans of the characters of ``NFC(cluster)``; ``cluster`` starts at offset ``a``.

    The cluster is split at the leftmost point where NFC of the parts concatenates to NFC of
    the whole, recursively ("xΩ" -> "x" + "Ω", "á◌́" -> "á" + "◌́"). A part that cannot be split
    (reordered marks, or a cluster longer than ``_MAX_ALIGN``, which keeps this cheap) gives
    each of its output characters the part's whole span: such spans overlap but each covers
    its source.
    """
    composed = unicodedata.normalize("NFC", cluster)
    whole = [(a, a + len(cluster))] * len(composed)
    if len(composed) <= 1 or len(cluster) > _MAX_ALIGN:
        return whole
    for k in range(1, len(cluster)):
        left = unicodedata.normalize("NFC", cluster[:k])
        if (
            composed.startswith(left)
            and unicodedata.normalize("NFC", cluster[k:]) == (composed[len(left) :])
        ):
            return _align(cluster[:k], a) + _align(cluster[k:], a + k)
    return whole


def _nfc_stage(text: str) -> tuple[str, _OffsetMap | None]:
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    b = _MapBuilder()
    normalize = unicodedata.normalize
    pos = 0
    for m in _nfc_cluster_re().finditer(text):
        a, e = m.span()
        if a > 0 and m.lastgroup is None:
            a -= 1  # the character the marks attach to: not in a cluster, never before pos
        cluster = text[a:e]
        composed = normalize("NFC", cluster)
        if composed == cluster:
            continue
        if a > pos:
            out.append(text[pos:a])
            b.copy(pos, a)
        out.append(composed)
        if len(composed) == 1:  # the usual case: one letter for the whole cluster
            b.one(a, e)
        else:
            for sa, sb in _align(cluster, a):
                b.one(sa, sb)
        pos = e
    if pos < len(text):
        out.append(text[pos:])
        b.copy(pos, len(text))
    return "".join(out), b.build(len(text))


# --------------------------------------------------------------------------- markup removal

# HTML elements whose tags are replaced by a space. Unknown names (``<Sở>``) stay as text.
_HTML_TAG_NAMES = (
    "a abbr address article aside b big blockquote body br caption center cite code col "
    "colgroup dd del div dl dt em font footer h1 h2 h3 h4 h5 h6 head header hr html i img ins "
    "kbd label li mark nav ol p pre q s section small span strike strong sub sup table tbody "
    "td tfoot th thead title tr tt u ul"
)
_HTML_TAGS = frozenset(_HTML_TAG_NAMES.split())
_TAG_NAMES = "|".join(sorted(_HTML_TAGS, key=len, reverse=True))

# Unicode space separators other than U+0020 (NBSP, thin, narrow NBSP, ideographic, ...).
_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"

_MARKUP_RE = re.compile(
    # The lookahead lets the regex engine skip plain text quickly.
    rf"(?=[#<&*_\\{_SPACES}])(?:"
    # A heading mark; it counts only at the start of a line (checked by the caller, so that
    # every alternative starts with a literal character and the scan stays fast).
    r"(?P<head>\#{1,6}[ \t]+)"
    # An HTML tag of a known element; attributes are bounded so a stray "<" costs little.
    rf"|(?P<tag></?(?i:{_TAG_NAMES})(?:[\s/][^<>]{{0,1000}})?>)"
    r"|(?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    # a Markdown escape, as converters write numbering and marks ("1\\.", "\\- ", "\\*")
    r"|(?P<escape>\\[.\-*_#+()\[\]|!>`])"
    r"|(?P<star>\*+)"
    r"|(?P<under>_{2,})"
    rf"|(?P<space>[{_SPACES}])"
    ")"
)


def _is_space(c: str | None) -> bool:
    return c is None or c.isspace()


def _is_emphasis(text: str, a: int, e: int, underscore: bool) -> bool:
    """A run of ``*`` (1-3) or ``_`` (2-3) touching a word on at least one side.

    A run with whitespace (or the text's edge) on both sides is kept: it is a bullet ("* item")
    or a literal. ``__`` inside a word (``a__b``) is kept, as in CommonMark.
    """
    if e - a > 3 or (underscore and e - a < 2):
        return False
    before = text[a - 1] if a > 0 else None
    after = text[e] if e < len(text) else None
    if _is_space(before) and _is_space(after):
        return False
    intraword = before is not None and after is not None and before.isalnum() and after.isalnum()
    return not (underscore and intraword)


_BR = re.compile(r"<br(?![a-z])", re.IGNORECASE)
_CELL_TAG = re.compile(r"<(?P<close>/?)(?P<name>t[dhr])(?![a-z])", re.IGNORECASE)


#: A table cell that a cell of a row above spans (HTML ``rowspan``): "the same as above".
SPANNED = "↑"
_ROWSPAN = re.compile(r"rowspan\s*=\s*[\"']?(?P<n>\d{1,2})", re.IGNORECASE)


@dataclass
class _Row:
    """The HTML table row being read: its cells so far, and the columns that cells of the
    rows above still span (column → rows left)."""

    cells: int = 0
    spans: dict[int, int] = field(default_factory=dict)

    def spanned(self) -> str:
        """The cells the rows above span from the current column on, each written as a cell
        holding :data:`SPANNED`."""
        out = ""
        while self.spans.get(self.cells, 0) > 0:
            self.spans[self.cells] -= 1
            out += ("\t" if self.cells else "") + SPANNED
            self.cells += 1
        return out


def _table_tag(tag: str, text: str, end: int, row: _Row) -> str:
    """What an HTML table tag becomes: a row's second and later cells start with a tab (the
    segmenter's cell separator), a row ends a line; a cell that one above spans (``rowspan``)
    is written :data:`SPANNED` in its place.

    >>> r = _Row(cells=1)
    >>> _table_tag("<td>", "", 4, r), _table_tag("</tr>", "</tr><tr>", 5, r), r.cells
    ('\\t', '\\n', 0)
    >>> r = _Row()
    >>> [_table_tag(t, "", 0, r) for t in ("<tr>", "<td>", '<td rowspan="2">', "</tr>",
    ...                                    "<tr>", "<td>", "<td>", "</tr>")]
    [' ', ' ', '\\t', ' ', ' ', ' ', '\\t↑\\t', ' ']
    """
    m = _CELL_TAG.match(tag)
    if m is None:
        return " "
    name = m["name"].lower()
    if name == "tr":
        if m["close"]:
            rest = row.spanned()  # the row's last columns, spanned from above
            at_line_end = end >= len(text) or text[end] in "\r\n"
            row.cells = 0
            return rest + (" " if at_line_end else "\n")
        row.cells = 0
        return " "
    if m["close"]:
        return " "
    out = row.spanned() + ("\t" if row.cells else " ")
    n = _ROWSPAN.search(tag)
    if n is not None and int(n["n"]) > 1:
        row.spans[row.cells] = int(n["n"]) - 1
    row.cells += 1
    return out


def _in_table_row(text: str, a: int, e: int) -> bool:
    """Whether ``text[a:e]`` stands on a table row (its line has cells separated by tabs)."""
    start = text.rfind("\n", 0, a) + 1
    end = text.find("\n", e)
    return "\t" in text[start:a] or "\t" in text[e : len(text) if end < 0 else end]


def _markup_stage(text: str) -> tuple[str, _OffsetMap | None]:
    out: list[str] = []
    b = _MapBuilder()
    pos = 0
    row = _Row()  # the HTML table row being read
    for m in _MARKUP_RE.finditer(text):
        kind = m.lastgroup
        a, e = m.span()
        if kind == "star" or kind == "under":
            if not _is_emphasis(text, a, e, kind == "under"):
                continue
            replacement = ""
        elif kind == "head":
            if a > 0 and text[a - 1] not in "\n\r":
                continue
            replacement = ""
        elif kind == "tag":
            replacement = _table_tag(m.group(), text, e, row)
            if _BR.match(m.group()):  # a line break; between a cell's lines, a separator
                replacement = ";" if row.cells or _in_table_row(text, a, e) else "\n"
        elif kind == "space":
            replacement = " "
        elif kind == "escape":
            replacement = m.group()[1]
        else:  # entity
            replacement = html.unescape(m.group())
            if replacement == m.group():  # not a known entity: keep it as text
                continue
            replacement = "".join(" " if c in _SPACE_SET else c for c in replacement)
        if a > pos:
            out.append(text[pos:a])
            b.copy(pos, a)
        out.append(replacement)
        for _ in replacement:
            b.one(a, e)
        pos = e
    if pos < len(text):
        out.append(text[pos:])
        b.copy(pos, len(text))
    return "".join(out), b.build(len(text))


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True, repr=False)
class TextView:
    """A normalised view of ``original`` for matching, with a map back to it.

    Build one with :func:`make_view`; ``TextView(text, text, fold(text))`` is the identity view
    of an NFC text without markup.

    >>> v = make_view("Số: **3064**/QĐ-UBND")
    >>> v.norm, v.fold
    ('Số: 3064/QĐ-UBND', 'so: 3064/qd-ubnd')
    >>> i = v.fold.index("3064/qd")
    >>> v.to_original(i, i + 7), v.original_text(i, i + 7)
    ((6, 15), '3064**/QĐ')
    """

    original: str
    norm: str
    fold: str
    _maps: tuple[_OffsetMap, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if len(self.fold) != len(self.norm):
            raise ValueError("fold and norm must have the same length")
        n = len(self.original)
        for m in self._maps:
            if m.n_src != n:
                raise ValueError("offset maps do not chain from the original text")
            n = m.n_dst
        if n != len(self.norm):
            raise ValueError("offset maps do not end at the normalised text")

    def __repr__(self) -> str:
        return (
            f"TextView(original=<{len(self.original)} chars>, norm=<{len(self.norm)} chars>, "
            f"stages={len(self._maps)})"
        )

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the view span ``[start, end)`` to the original span ``[a, b)`` it came from.

        The original span covers exactly the characters that produced ``norm[start:end]``: a
        whole NFD cluster for a composed letter, the whole tag for the space that replaced it,
        the whole entity, and any markup removed *inside* the span (never markup just outside
        it). An empty span maps to an empty span at the start of the original of ``start``.

        >>> v = make_view("<p>Ủy ban</p>")
        >>> v.norm
        ' Ủy ban '
        >>> v.to_original(1, 7), v.to_original(0, 1)
        ((3, 9), (0, 3))
        """
        if not 0 <= start <= end <= len(self.norm):
            raise ValueError(f"span [{start}, {end}) outside 0..{len(self.norm)}")
        for m in reversed(self._maps):
            start, end = m.span(start, end)
        return start, end

    def original_text(self, start: int, end: int) -> str:
        """The original characters behind the view span ``[start, end)``.

        >>> make_view("ngày **23** tháng **8**").original_text(5, 13)
        '23** tháng'
        """
        a, b = self.to_original(start, end)
        return self.original[a:b]


_MARKUP_START = re.compile(rf"[#<&*_\\{_SPACES}]")  # where a markup match can start


def is_plain(text: str) -> bool:
    """Is ``text`` its own view (NFC, and nothing markup removal could change)? Then
    ``make_view(text)`` is ``TextView(text, text, fold(text))``.

    >>> is_plain("Sở Tài chính"), is_plain("**Sở**"), is_plain("Sở\u00a0Tài"), is_plain("So\u031b")
    (True, False, False, False)
    """
    return (
        unicodedata.is_normalized("NFC", text)
        and _MARKUP_START.search(text) is None
        and "|" not in text  # a pipe-table row is read as tab-separated cells
        and "  " not in text  # a justified line's gaps are one space each
        and ("/" not in text or _ocr_digit_stage(text)[0] == text)  # "tháng l2/2023"
    )


_PIPE_ROW = re.compile(r"(?m)^[ \t]*\|(?:[^|\n]*\|){2,}[ \t\r]*$")  # linear: no bar in [^|]


#: A pandoc grid table's rule ("+-----+------+", "+=====+======+"), alone on its line.
_GRID_RULE = re.compile(r"(?m)^[ \t]*\+(?:[-=:]{2,}\+)+[ \t\r]*$")


def _pipe_table_stage(text: str) -> tuple[str, None]:
    """A Markdown pipe table ("| STT | Nội dung | Cơ quan chủ trì |", as converters of Word
    files write it) read as the tab-separated rows the segmenter knows: on a line that begins
    and ends with "|" (three at least), the inner bars become tabs and the outer two spaces.
    A pandoc grid table's rules between its rows become spaces: each of the row's lines is a
    pipe row, the later ones with an empty first cell, which the segmenter reads as the
    row's continuation. One character for one, so offsets are unchanged (no map).

    >>> _pipe_table_stage("| STT | Nội dung |\\n|---|---|\\na | b\\n")[0]
    '  STT \\t Nội dung  \\n ---\\t--- \\na | b\\n'
    >>> _pipe_table_stage("+--+---+\\n| 1 | x |\\n+==+===+\\n")[0]
    '        \\n  1 \\t x  \\n        \\n'
    """
    if "|" not in text:
        return text, None
    out: list[str] = []
    pos = 0
    rows = [(m.start(), m.end(), m.group()) for m in _PIPE_ROW.finditer(text)]
    if "+-" in text or "+=" in text:
        rules = [(m.start(), m.end(), " " * len(m.group())) for m in _GRID_RULE.finditer(text)]
        rows = sorted(rows + rules)
    for start, end, row in rows:
        if row.isspace():
            out += [text[pos:start], row]
            pos = end
            continue
        first, last = row.index("|"), row.rindex("|")
        inner = row[first + 1 : last].replace("|", "\t")
        out += [text[pos:start], row[:first], " ", inner, " ", row[last + 1 :]]
        pos = end
    if not out:
        return text, None
    out.append(text[pos:])
    return "".join(out), None


def _html_row_stage(text: str) -> tuple[str, None]:
    """An HTML table row written one tag a line (as pandoc writes "<tr>", then each "<td>…
    </td>" on its own line) read as one line: inside "<tr …>" … "</tr>", a line break is a
    space. One character for one, so offsets are unchanged (no map).

    >>> _html_row_stage("<tr>\\n<td>1</td>\\n<td>x</td>\\n</tr>\\nsau")[0]
    '<tr> <td>1</td> <td>x</td> </tr>\\nsau'
    """
    lower = text.lower()
    if "<tr" not in lower:
        return text, None
    out: list[str] = []
    pos = 0
    while (a := lower.find("<tr", pos)) >= 0:
        b = lower.find("</tr", a)
        if b < 0:
            break
        out += [text[pos:a], text[a:b].replace("\r", " ").replace("\n", " ")]
        pos = b
    out.append(text[pos:])
    return "".join(out), None


#: A date whose digits OCR read partly as letters ("tháng l2/2023", "trước ngày 3l/01/2024"):
#: day, month and year apart by "/", written with digits and "l", "I" or "O", the first part
#: with a digit ("I/2024" is a quarter's Roman numeral), nothing but the date in its word.
_OCR_DATE = re.compile(r"(?<![\w/])(?=[lIO]{0,3}\d)[\dlIO]{1,4}(?:/[\dlIO]{1,4}){1,2}(?![\w/])")
_OCR_DIGITS = str.maketrans("lIO", "110")


def _ocr_digits(m: re.Match[str]) -> str:
    """The date's parts that hold a digit, their letters read as digits ("3l" -> "31"); a
    part of letters only stays ("3/II": a Roman numeral)."""
    parts = m.group().split("/")
    return "/".join(p.translate(_OCR_DIGITS) if any(c.isdigit() for c in p) else p for p in parts)


def _ocr_digit_stage(text: str) -> tuple[str, None]:
    """A date's digits that OCR read as letters read as digits ("l" and "I" as 1, "O" as
    0), so that the date is read. One character for one (no map).

    >>> _ocr_digit_stage("tháng l2/2023; ngày 3l/01/2024; Quý I/2024; 1O/2O24; mục 3/II")[0]
    'tháng 12/2023; ngày 31/01/2024; Quý I/2024; 10/2024; mục 3/II'
    """
    if "/" not in text:
        return text, None
    result = _OCR_DATE.sub(_ocr_digits, text)
    return (text, None) if result == text else (result, None)


#: A list marker followed by a tab, and no other tab on the line: Word's "Save as plain
#: text" writes an automatic number so ("1.<TAB>Sở Kế hoạch và Đầu tư", "a)<TAB>…").
_LIST_TAB = re.compile(
    r"(?m)^([ \t]*(?:\d{1,3}(?:\.\d{1,3})*[.)]|[IVXLC]{1,6}[.)]|\(?[a-zđ][.)]|\(\d{1,2}\)"
    r"|[-+•*–\u2022\uf0b7\uf0a7]))\t(?=[^\t\n]*$)"
)


def _list_tab_stage(text: str) -> tuple[str, None]:
    """A list marker's tab read as a space, so that Word's numbered lines are items, not
    table rows. One character for one (no map).

    >>> _list_tab_stage("1.\\tSở Tài chính\\n1\\tNội dung\\tSở\\n")[0]
    '1. Sở Tài chính\\n1\\tNội dung\\tSở\\n'
    """
    if "\t" not in text:
        return text, None
    return _LIST_TAB.sub(lambda m: m.group(1) + " ", text), None


#: Page furniture a PDF's text brings: "Trang 2/7" or "- 3 -" alone on a line, anywhere.
_PAGE_LABEL = re.compile(
    r"[ \t\f]*(?:Trang[ \t]+\d{1,3}(?:[ \t]*/[ \t]*\d{1,3})?|-[ \t]?\d{1,3}[ \t]?-)[ \t\f]*\r?",
    re.IGNORECASE,
)
#: A page number alone on a line, next to a form feed (pdftotext's page break).
_PAGE_NUMBER = re.compile(r"[ \t\f]*\d{1,3}[ \t\f]*\r?")
#: A running header that ends in the page's number, after a wide gap ("KH 62/KH-UBND ngày
#: 06/4/2023      Trang 2", as OCR of a scanned page keeps it).
_RUNNING_HEAD = re.compile(
    r"[ \t]*\S[^\n]*?[ \t]{3,}Trang[ \t]+\d{1,3}(?:[ \t]*/[ \t]*\d{1,3})?[ \t]*\r?",
    re.IGNORECASE,
)
#: The lines of a digital signature's stamp ("Người ký: …", "Cơ quan: …", "Thời gian ký: …").
_STAMP_LINE = re.compile(r"(?:Người ký|Cơ quan|Thời gian ký|Email|Chức vụ)[ \t]*:.*", re.IGNORECASE)
_STAMP_KEY = re.compile(r"(?:Người ký|Thời gian ký)[ \t]*:", re.IGNORECASE)
_LINE = re.compile(r".*(?:\n|$)")
#: Whether a text without form feeds has any furniture at all (most have none).
_ANY_FURNITURE = re.compile(
    r"^[ \t]*(?:Trang[ \t]+\d|-[ \t]?\d{1,3}[ \t]?-[ \t]*\r?$|(?:Người ký|Thời gian ký)[ \t]*:)"
    r"|[ \t]{3}Trang[ \t]+\d{1,3}(?:[ \t]*/[ \t]*\d{1,3})?[ \t]*\r?$",
    re.IGNORECASE | re.MULTILINE,
)


def _running_lines(lines: list[str]) -> frozenset[str]:
    """Lines that run with the page labels: the same words next to a "Trang 2/7" line (the
    line before or after it, blank lines aside) at two page breaks or more ("Kế hoạch số
    126/KH-UBND ngày 18/5/2023 của UBND huyện Can Lộc" over each page's number).

    >>> sorted(_running_lines(["KH 5/KH-UBND\\n", "Trang 2/3\\n", "a\\n", "KH 5/KH-UBND\\n",
    ...                        "Trang 3/3\\n", "b\\n"]))
    ['KH 5/KH-UBND']
    """
    seen: dict[str, int] = {}
    for i, line in enumerate(lines):
        if not _PAGE_LABEL.fullmatch(line.rstrip("\n")):
            continue
        near = set()
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j].strip():
                j += step
            if 0 <= j < len(lines) and not _PAGE_LABEL.fullmatch(lines[j].rstrip("\n")):
                near.add(lines[j].strip())
        for words in near:
            seen[words] = seen.get(words, 0) + 1
    return frozenset(words for words, n in seen.items() if n >= 2)


def _furniture(lines: list[str], i: int, running: frozenset[str] = frozenset()) -> bool:
    """Whether line ``i`` (with its break) is page furniture, not part of the text; lines in
    ``running`` are a running header or footer (:func:`_running_lines`)."""
    line = lines[i].rstrip("\n")
    if _PAGE_LABEL.fullmatch(line) or _RUNNING_HEAD.fullmatch(line):
        return True
    if running and line.strip() in running:
        return True
    if _PAGE_NUMBER.fullmatch(line):  # "\f2", or "2" just before a form feed
        if "\f" in line or (i + 1 < len(lines) and lines[i + 1].startswith("\f")):
            return True
        # or just before the next page's running header (the text of a scan, no form feed)
        after = [x for x in lines[i + 1 : i + 4] if x.strip()]
        return bool(after) and _RUNNING_HEAD.fullmatch(after[0].rstrip("\n")) is not None
    if line.strip(" \t\r") == "\f":
        return True
    if _STAMP_LINE.match(line):  # a stamp's lines come together, with a signer or a time
        block = lines[max(0, i - 4) : i + 5]
        return any(_STAMP_KEY.match(b) for b in block)
    return False


def _page_stage(text: str) -> tuple[str, _OffsetMap | None]:
    """Page furniture removed: what a PDF's text brings at each page break (a page number
    alone next to the form feed, "Trang 2/7", a digital signature's stamp) is not text of
    the document, and a sentence cut by a page break reads on (the lines around the break
    become neighbours; the segmenter joins them). Form feeds become nothing.

    >>> _page_stage("giai đoạn\\n\\f2\\n2021 - 2025;\\n   Trang 1/4\\nxong")[0]
    'giai đoạn\\n2021 - 2025;\\nxong'
    """
    if "\f" not in text and _ANY_FURNITURE.search(text) is None:
        return text, None
    lines = _LINE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    builder = _MapBuilder()
    pos = 0
    out: list[str] = []
    running = _running_lines(lines)
    for i, line in enumerate(lines):
        end = pos + len(line)
        if not _furniture(lines, i, running):
            a = pos
            while (f := text.find("\f", a, end)) >= 0:  # "\f   PHỤ LỤC": the break goes
                builder.copy(a, f)
                out.append(text[a:f])
                a = f + 1
            builder.copy(a, end)
            out.append(text[a:end])
        pos = end
    result = "".join(out)
    if result == text:
        return text, None
    return result, builder.build(len(text))


#: Two or three spaces between words on a line with no tab: a justified line's stretched
#: gaps, as pdftotext -layout writes them ("Thực  hiện  Nghị quyết …"). Wider gaps are a
#: layout's columns (a header's two halves, a table not read) and stay.
_STRETCHED = re.compile(r"(?<=[^\s])[ ]{2,3}(?=[^\s])")


def _justified_stage(text: str) -> tuple[str, _OffsetMap | None]:
    """A justified line's stretched gaps read as one space each, so that phrases match
    whatever the justification did ("Thực  hiện" is "Thực hiện"). Lines with a tab (a
    table's rows) are left as they are; each gap maps to the spaces it stood for.

    >>> v = _justified_stage("Thực  hiện   Nghị quyết\\n1\\tSở  Tài chính\\nA      B")
    >>> v[0]
    'Thực hiện Nghị quyết\\n1\\tSở  Tài chính\\nA      B'
    """
    if "  " not in text:
        return text, None
    builder = _MapBuilder()
    out: list[str] = []
    pos = 0
    line_end, tabbed = -1, False  # the current line's end, and whether it has a tab
    for m in _STRETCHED.finditer(text):
        a, b = m.span()
        if a > line_end:
            line_start = text.rfind("\n", 0, a) + 1
            line_end = text.find("\n", b)
            line_end = len(text) if line_end < 0 else line_end
            tabbed = "\t" in text[line_start:line_end]
        if tabbed:
            continue
        builder.copy(pos, a)
        out.append(text[pos:a])
        builder.one(a, b)
        out.append(" ")
        pos = b
    if not out:
        return text, None
    builder.copy(pos, len(text))
    out.append(text[pos:])
    return "".join(out), builder.build(len(text))


@memo_by_text(maxsize=32)  # a short text is often viewed by several readers in turn
def make_view(text: str) -> TextView:
    """Build the :class:`TextView` of ``text`` (linear time).

    >>> v = make_view("## Sở Tài chính&nbsp;và KH&ĐT\\r\\n")
    >>> v.norm
    'Sở Tài chính và KH&ĐT\\r\\n'
    >>> v.fold
    'so tai chinh va kh&dt\\r\\n'
    >>> v.original_text(0, 2)
    'Sở'
    """
    maps: list[_OffsetMap] = []
    s = text
    stages = (
        _nfc_stage,
        _page_stage,
        _list_tab_stage,
        _ocr_digit_stage,
        stacked_table_stage,
        ruled_table_stage,
        layout_table_stage,
        _justified_stage,
        _pipe_table_stage,
        _html_row_stage,
        _markup_stage,
        _nfc_stage,
    )
    for stage in stages:
        s, m = stage(s)
        if m is not None:
            maps.append(m)
    return TextView(text, s, _fold_nfc(s), tuple(maps))


# --------------------------------------------------------------------------- spelling

# An open syllable ending in oa, oe or uy whose tone mark sits on the last vowel (old style),
# in NFD: the tone moves to the first vowel ("hoà" -> "hòa", "thuỷ" -> "thủy"). Not after "q"
# ("quý": the u belongs to the onset), not before another letter or mark ("hoàn", "khuỷu").
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_TONE_RE = re.compile(
    rf"(?<![qQ])(?P<v1>[oO](?=[aAeE])|[uU](?=[yY]))(?P<v2>[aAeEyY])(?P<tone>[{_TONES}])"
    r"(?![^\W\d_]|[\u0300-\u036f])"
)


def canonical_spelling(s: str) -> str:
    """NFC with the modern tone placement of open ``oa``/``oe``/``uy`` syllables.

    Idempotent; closed syllables and ``qu`` syllables are left alone.

    >>> canonical_spelling("Uỷ ban, khoá IX, thuỷ lợi, hoà, Hoá")
    'Ủy ban, khóa IX, thủy lợi, hòa, Hóa'
    >>> canonical_spelling("hoàn, toán, thuyền, quý, quỷ, khoẻ")
    'hoàn, toán, thuyền, quý, quỷ, khỏe'
    """
    decomposed = unicodedata.normalize("NFD", s)
    swapped = _OLD_TONE_RE.sub(lambda m: m["v1"] + m["tone"] + m["v2"], decomposed)
    return unicodedata.normalize("NFC", swapped)


def collapse_spaces(s: str) -> str:
    """Collapse each run of whitespace (newlines and no-break spaces too) into one space and
    strip both ends.

    >>> collapse_spaces("  Sở\\u00a0Tài   chính\\r\\n và  ")
    'Sở Tài chính và'
    """
    return " ".join(s.split())
