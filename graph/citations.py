"""Find every reference to another document in a text.

Three shapes of reference are recognised, all on the folded view of the text (lower case,
no diacritics, markup removed), so that "Uỷ"/"Ủy", NFC/NFD and ``**3064**`` read alike:

- a *numbered* symbol (số ký hiệu) in any of its surface forms: ``56-KL/TW``, ``20-CT-TW``,
  ``20/CT-TW``, ``02/CTr/TU``, ``134/NQ-CP``, ``193/2013/NĐ-CP``, ``77/2005/NĐ- CP``,
  ``435 /KH-UBND``, letters such as ``2508/UBND-CNN``, laws such as ``23/2012/QH13``;
- a *law* by name and year: "Luật Hợp tác xã năm 2012", "Luật HTX 2003";
- a *plenum resolution* by name: "Nghị quyết Trung ương 5 (khóa IX)".

Each :class:`Mention` carries what the text says around the reference (the type named in
words, the date, the issuing organ and its place, the "về …" subject) and its span in the
view; :mod:`policykg.graph.resolve` turns mentions into document identities.

>>> from policykg.graph.textview import make_view
>>> [m.ref.canonical for m in find_mentions(make_view(
...     "Thực hiện Kết luận số 56-KL/TW ngày 21/02/2013 của Bộ Chính trị"))]
['56-KL/TW']
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from itertools import accumulate

from policykg.graph.registry import Registry, load_registry
from policykg.graph.textview import TextView, canonical_spelling, collapse_spaces, fold
from policykg.graph.wrapping import goes_on

_S = r"\s{0,3}"  # bounded optional space: keeps every pattern linear


class _Cover:
    """Spans ``[a, b)`` (in any order, possibly overlapping), asked whether they cover a
    position in logarithmic time, so that checking every match of a text stays linear.

    >>> c = _Cover([(10, 20), (0, 5), (3, 12)])
    >>> [p for p in (0, 4, 11, 12, 19, 20, 25) if c.covers(p)]
    [0, 4, 11, 12, 19]
    """

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._ends = list(accumulate((b for _, b in ordered), max))  # furthest end so far

    def covers(self, pos: int) -> bool:
        """Does some span ``[a, b)`` have ``a <= pos < b``?"""
        i = bisect_right(self._starts, pos)
        return i > 0 and self._ends[i - 1] > pos


@dataclass(frozen=True)
class DocRef:
    """What one mention says about the identity of the document it names."""

    kind: str  # "numbered", "law" or "plenum"
    type_code: str | None = None  # canonical type code: "KL", "QĐ", "LUAT" …
    number: int | None = None
    number_text: str | None = None  # as written ("07")
    issuer_code: str | None = None  # canonical issuer code: "TW", "UBND", "BTC" …
    unit_code: str | None = None  # the unit after the issuer in letters ("CNN")
    year: int | None = None
    party: bool | None = None
    name: str | None = None  # laws: "Hợp tác xã"
    name_key: str | None = None  # laws: folded name with abbreviations spelled out
    plenum: int | None = None
    term: str | None = None
    symbol: str | None = None  # the symbol exactly as the view shows it
    issuer_text: str | None = None  # the issuer code as written ("UB" where the canonical is UBND)

    @property
    def canonical(self) -> str | None:
        """The canonical số ký hiệu, or the law's name, or the plenum's name."""
        if self.kind == "law":
            return f"Luật {self.name}" + (f" {self.year}" if self.year else "")
        if self.kind == "plenum":
            return f"Nghị quyết Trung ương {self.plenum} khóa {self.term}"
        num = self.number_text or str(self.number)
        issuer = self.issuer_text or self.issuer_code
        if self.issuer_code and self.type_code == "CV" and self.unit_code:
            return f"{num}/{issuer}-{self.unit_code}"
        unit = f"-{self.unit_code}" if self.unit_code else ""
        if self.party:
            return f"{num}-{self.type_code}/{issuer}"
        if self.year and issuer and re.fullmatch(r"(?:UBTV)?QH\d{1,2}", issuer):
            return f"{num}/{self.year}/{issuer}"  # laws and resolutions: 23/2012/QH13
        middle = f"{self.year}/" if self.year and self._normative else ""
        return f"{num}/{middle}{self.type_code}-{issuer}{unit}"

    @property
    def _normative(self) -> bool:
        return self.symbol is not None and re.search(r"/\s*\d{4}\s*/", self.symbol) is not None


@dataclass(frozen=True)
class Mention:
    """One reference in a text, with the spans (in view offsets) it was read from."""

    ref: DocRef
    start: int  # the whole mention: type word … issuer
    end: int
    symbol_start: int
    symbol_end: int
    type_word: str | None = None  # the type named in words, canonical code ("CV")
    date: date | None = None
    date_text: str | None = None
    issuer_name: str | None = None  # the organ named after "của", canonical
    place: str | None = None  # jurisdiction slug named with the organ
    generic_place: bool = False  # "của UBND thành phố": the citing text's own city
    district: str | None = None  # "của UBND huyện Đông Anh": the district, as shown
    generic_district: str | None = None  # "của UBND huyện": the citing text's own (its level)
    title: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    plenum: int | None = None  # "… Hội nghị lần thứ 5, BCH Trung ương khóa IX" after it
    term: str | None = None
    amends: tuple[
        tuple[str, str], ...
    ] = ()  # amending laws: (name, folded key) of each law amended


# --- patterns ------------------------------------------------------------------------------

# A number not glued to a word, a dot, a slash or a dash before it; the check follows the first
# digit (the same matches), so that the regex engine skips to digits instead of trying every
# position of the text.
_NUM = r"(?P<num>\d(?<![\w./-]\d)\d{0,4})"
_PARTY = re.compile(
    _NUM
    + _S
    + r"-"
    + _S
    + r"(?P<type>[a-z]{1,4})"
    + _S
    + r"[/-]"
    + _S
    + r"(?P<issuer>[a-z]{1,6})(?![\w/&])"
)
_SLASH3 = re.compile(
    _NUM
    + _S
    + r"/"
    + _S
    + r"(?P<type>[a-z]{1,4})"
    + _S
    + r"/"
    + _S
    + r"(?P<issuer>[a-z]{1,6})(?![\w/&])"
)
_STATE = re.compile(
    _NUM
    + _S
    + r"/"
    + _S
    + r"(?:(?P<year>(?:19|20)\d\d)"
    + _S
    + r"/"
    + _S
    + r")?"
    + r"(?P<a>[a-z][a-z&]{0,11})"
    + _S
    + r"-"
    + _S
    + r"(?P<b>[a-z][a-z&]{0,15}\d{0,2})"
    # a unit of the issuer after it, with no space: "7865/KH-BNN-KTHT", "120/UBND-KTN-TH"
    + r"(?:-(?P<c>[a-z][a-z&]{0,7}\d{0,2}))?(?![\w/])"
)
_QH = re.compile(
    _NUM
    + _S
    + r"/"
    + _S
    + r"(?P<year>(?:19|20)\d\d)"
    + _S
    + r"/"
    + _S
    + r"(?P<b>(?:ubtv)?qh\d{1,2})(?![\w/])"
)
_DATE = (
    r"ngay"
    + _S
    + r"(?P<d>\d{1,2})"
    + _S
    + r"(?:/"
    + _S
    + r"(?P<m1>\d{1,2})"
    + _S
    + r"/|thang"
    + _S
    + r"(?P<m2>\d{1,2})"
    + _S
    + r"nam)"
    + _S
    + r"(?P<y>(?:19|20)\d\d)(?!\d)"
)
_DATE_AFTER = re.compile(_S + r",?" + _S + r"(?:ban hanh\s{1,3})?" + _DATE)
_DATE_ANY = re.compile(r"(?<![a-z])" + _DATE)
#: After an organ: a district ("huyện Đông Anh", "quận 1", "thị xã Sơn Tây") or a commune
#: ("xã Bảo Thắng", "phường Cam Đường", "đặc khu Phú Quốc"), whose name is the capitalised
#: words (or a number) after the level word, then maybe its province.
_DISTRICT_AFTER = re.compile(
    r"\s{1,3}(?P<level>quan|huyen|thi xa|thi tran|xa|phuong|dac khu)\s{1,3}(?=\w)"
)
#: A district's Party committee, named with its level: the level word of its district.
_PARTY_DISTRICT = {"Huyện ủy": "huyen", "Quận ủy": "quan"}
#: The level words (folded) of the places under a province, as shown before a name: the
#: districts (until 1 July 2025) and the communes (xã, phường, thị trấn; đặc khu since 2025).
#: A document of one of them is placed in it, under its province.
DISTRICT_LEVELS = {
    "quan": "Quận",
    "huyen": "Huyện",
    "thi xa": "Thị xã",
    "thi tran": "Thị trấn",
    "xa": "Xã",
    "phuong": "Phường",
    "dac khu": "Đặc khu",
}
_PROVINCE_AFTER = re.compile(r"\s{0,3},?\s{0,3}(?P<level>(?:thanh pho|tinh|tp\.?)\s{1,3})?")
_KHOA = re.compile(_S + r"\(?" + _S + r"khoa\s{1,3}[ivxl]{1,5}(?![a-z])" + _S + r"\)?")
_TITLE_START = re.compile(_S + r"[,:]?" + _S + r"[\"“]?" + _S + r"(?=ve\s)")
_TITLE_STOP = re.compile(
    r"[;\n\"”]|\.\s|\.$|\s\(\s*(?:sau day|goi tat|viet tat)"
    # the citing sentence's own clause after the title: ", Ủy ban nhân dân tỉnh ban hành …",
    # ", Chủ tịch Ủy ban nhân dân tỉnh có ý kiến như sau"
    r"|,\s{0,3}(?:uy ban nhan dan|ubnd|chu tich|ban thuong vu|ban chap hanh|dang uy|so\s)"
    r"[^,;.\n]{0,60}?\s(?:ban hanh|co y kien|yeu cau|chi dao|quyet dinh|xay dung|giao)\b"
)
#: Vietnamese number words, folded ("lần thứ năm", "hai năm một lần").
NUMBER_WORDS = {
    "mot": 1, "nhat": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10,
}  # fmt: skip
_PLENUM_NO = r"(?P<p>\d{1,2}|[ivx]{1,4}|" + "|".join(NUMBER_WORDS) + r")"
_PLENUM_AFTER = re.compile(
    _S
    + r",?"
    + _S
    + r"(?:cua\s{1,3})?hoi nghi\s{1,3}(?:lan thu\s{1,3})?"
    + _PLENUM_NO
    + _S
    + r",?"
    + _S
    + r"(?:ban chap hanh\s{1,3}trung uong(?:\s{1,3}dang)?)?"
    + _S
    + r"(?:\("
    + _S
    + r")?khoa\s{1,3}(?P<t>[ivxl]{1,5})(?![a-z])"
)
# Patterns that start with a word check the boundary after it ("luat(?<!\wluat)" for
# "(?<!\w)luat"): the same matches, but the regex engine looks for the word itself instead of
# trying the pattern at every position of the text.
_PLENUM = re.compile(
    r"nghi(?<![a-z]nghi) quyet\s{1,3}(?:hoi nghi\s{1,3})?(?:lan thu\s{1,3})?"
    r"(?:ban chap hanh\s{1,3})?trung uong\s{1,3}(?:dang\s{1,3})?(?:lan thu\s{1,3})?"
    + _PLENUM_NO
    + r"(?![\w/-])"
    + _S
    + r"(?:,|\()?"
    + _S
    + r"(?:khoa\s{1,3}(?P<t>[ivxl]{1,5})(?![a-z])"
    + _S
    + r"\)?)?"
)
_LAW = re.compile(r"luat(?<!\wluat)\s{1,3}")
_AMENDING = re.compile(r"sua doi\s?,?\s{1,3}bo sung\s{1,3}(?:mot so dieu\s{1,3})?cua\s{1,3}")
_LAW_STOP_WORDS = frozenset(
    [
        "nam",
        "ngay",
        "so",
        "va",
        "cua",
        "theo",
        "tren",
        "de",
        "ve",
        "tai",
        "da",
        "duoc",
        "cho",
        "nhằm",
        "nham",
        "khi",
        "den",
        "truoc",
        "voi",
        "hoac",
        "neu",
        "la",
        "trong",
        "thi",
        "bang",
        "co",
        "cac",
        "nhung",
        "moi",
        "sua",
        "doi",
        "bo",
        "sung",
    ]
)
#: Stop words that stop a law's name only as written with these accents (or with none): "số"
#: (number) and "có" (has), not "sở" and "cơ" ("Luật Thực hiện dân chủ ở cơ sở").
_LAW_STOP_ACCENTS = {"so": frozenset({"số", "so"}), "co": frozenset({"có", "co"})}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}


def roman_to_int(text: str) -> int:
    """``"IX"`` → 9; digits pass through.

    >>> roman_to_int("ix"), roman_to_int("5")
    (9, 5)
    """
    if text.isdigit():
        return int(text)
    if text.lower() in NUMBER_WORDS:
        return NUMBER_WORDS[text.lower()]
    values = [_ROMAN[c] for c in text.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def int_to_roman(value: int) -> str:
    """``9`` → ``"IX"``.

    >>> int_to_roman(9), int_to_roman(14)
    ('IX', 'XIV')
    """
    out = []
    for n, s in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= n:
            out.append(s)
            value -= n
    return "".join(out)


def _trie_pattern(words: list[str]) -> str:
    """A regex for one of ``words``, the longest that matches first, with common beginnings
    written once ("hanoi|haiphong" as "ha(?:iphong|noi)"): the same matches as the
    alternation of the words longest first, without trying each word at each position.

    >>> _trie_pattern(["hanoi", "haiphong", "ha"])
    'ha(?:(?:iphong|noi))?'
    """
    trie: dict = {}
    for word in words:
        node = trie
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        alts = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body  # a longer word first, then this one

    return pattern(trie)


def _spaced(name: str) -> str:
    """A folded name as a pattern whose spaces match any short run of white space, a line
    break included ("Ban Chấp hành\\nTrung ương Đảng", as a converter wraps it).

    >>> bool(re.fullmatch(_spaced("ban chap hanh trung uong"), "ban chap hanh\\ntrung  uong"))
    True
    """
    return r"\s{1,3}".join(map(re.escape, name.split()))


@cache
def _compiled(reg: Registry) -> dict[str, re.Pattern[str]]:
    words = sorted({fold(w) for t in reg.types for w in t.words}, key=len, reverse=True)
    organs = sorted(
        {fold(n) for i in reg.issuers for n in (i.name, *i.names)}, key=len, reverse=True
    )
    places = sorted(
        {fold(a) for j in reg.jurisdictions for a in (*j.aliases, j.name.lower()) if a},
        key=len,
        reverse=True,
    )
    aliases = sorted({fold(a) for j in reg.jurisdictions for a in j.aliases}, key=len, reverse=True)
    alt = "|".join
    return {
        "type_before": re.compile(
            r"(?:^|[^a-z])(?P<tw>"
            + alt(map(re.escape, words))
            + r")"
            + _S
            + r"(?:so"
            + _S
            + r":?"
            + _S
            + r")?$"
        ),
        "issuer": re.compile(
            _S
            + r",?"
            + _S
            + r"cua\s{1,3}(?P<organ>"
            + alt(_spaced(o) for o in organs)  # a name may be wrapped onto the next line
            + r")"
            + r"(?:\s{1,3}(?P<generic>thanh pho|tinh|tp)(?![a-z]))?"
            + r"(?:\s{1,3}(?P<place>"
            + alt(_spaced(p) for p in places)  # "Tỉnh ủy Vĩnh" / "Phúc": wrapped too
            + r")(?![a-z]))?"
        ),
        "place": re.compile(r"(?<![a-z])(?P<place>" + _trie_pattern(aliases) + r")(?![a-z])"),
    }


@cache
def _type_codes(reg: Registry) -> dict[str, str]:
    """Folded type word -> the code of the first type (in registry order) that has it."""
    out: dict[str, str] = {}
    for t in reg.types:
        for w in t.words:
            out.setdefault(fold(w), t.code)
    return out


def _type_from_word(reg: Registry, word: str) -> str | None:
    return _type_codes(reg).get(word)


@cache
def _place_slugs(reg: Registry) -> dict[str, str]:
    """Folded place name or alias -> the slug of the first jurisdiction that has it."""
    out: dict[str, str] = {}
    for j in reg.jurisdictions:
        for a in (*j.aliases, j.name.lower()):
            out.setdefault(fold(a), j.slug)
    return out


def place_slug(reg: Registry, folded_place: str) -> str | None:
    """The jurisdiction slug for a folded place name or alias."""
    return _place_slugs(reg).get(folded_place)


def _parse_date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m["y"]), int(m["m1"] or m["m2"]), int(m["d"]))
    except ValueError:
        return None


# --- numbered symbols ----------------------------------------------------------------------


def _symbol_candidates(fold_text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    found = []
    for shape, pattern in (("party", _PARTY), ("slash3", _SLASH3), ("state", _STATE), ("qh", _QH)):
        found.extend((m.start(), m.end(), shape, m) for m in pattern.finditer(fold_text))
    found.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    kept: list[tuple[int, int, str, re.Match[str]]] = []
    for cand in found:
        if kept and cand[0] < kept[-1][1]:
            continue
        kept.append(cand)
    return kept


def _code(view: TextView, m: re.Match[str], group: str) -> str:
    """The code as written, upper-cased except the conventional mixed-case ones."""
    raw = collapse_spaces(view.norm[m.start(group) : m.end(group)]).upper()
    return {"CTR": "CTr", "TTG": "TTg"}.get(raw, raw)


def _ref_from_symbol(
    view: TextView, reg: Registry, shape: str, m: re.Match[str], type_word: str | None
) -> DocRef | None:
    num_text = m["num"]
    symbol = view.norm[m.start() : m.end()]
    if shape in ("party", "slash3"):
        t = reg.type_by_code(m["type"])
        issuer = reg.issuer_by_code(m["issuer"])
        if t is None:
            return None
        return DocRef(
            kind="numbered",
            type_code=t.code,
            number=int(num_text),
            number_text=num_text,
            issuer_code=issuer.codes[0] if issuer else _code(view, m, "issuer"),
            issuer_text=_code(view, m, "issuer"),
            party=True,
            symbol=symbol,
        )
    if shape == "qh":
        return DocRef(
            kind="numbered",
            type_code=type_word,
            number=int(num_text),
            number_text=num_text,
            issuer_code=_code(view, m, "b"),
            year=int(m["year"]),
            party=False,
            symbol=symbol,
        )
    year = int(m["year"]) if m["year"] else None
    t = reg.type_by_code(m["a"])
    if t is not None:
        issuer = reg.issuer_by_code(m["b"])
        party = issuer.party if issuer else False
        return DocRef(
            kind="numbered",
            type_code=t.code,
            number=int(num_text),
            number_text=num_text,
            issuer_code=issuer.codes[0] if issuer else _code(view, m, "b"),
            issuer_text=_code(view, m, "b"),
            unit_code=_code(view, m, "c") if m["c"] else None,
            year=year,
            party=party,
            symbol=symbol,
        )
    issuer = reg.issuer_by_code(m["a"])
    if issuer is None and not re.fullmatch(r"(?:s|b|ub)[a-z&]{1,10}", m["a"]):
        return None  # neither a type nor an issuing body: not a document symbol
    return DocRef(
        kind="numbered",
        type_code="CV",
        number=int(num_text),
        number_text=num_text,
        issuer_code=issuer.codes[0] if issuer else _code(view, m, "a"),
        issuer_text=_code(view, m, "a"),
        unit_code=_code(view, m, "b") + (f"-{_code(view, m, 'c')}" if m["c"] else ""),
        year=year,
        party=issuer.party if issuer else False,
        symbol=symbol,
    )


def _context_after(view: TextView, reg: Registry, pos: int) -> dict:
    """Read date, issuing organ, plenum and "về …" subject that follow a reference."""
    text = view.fold
    ctx: dict = {"end": pos}
    m = _DATE_AFTER.match(text, pos)
    if m:
        ctx.update(date=_parse_date(m), date_text=view.norm[m.start("d") - 4 : m.end()].strip())
        ctx["date_text"] = collapse_spaces(view.norm[m.start() : m.end()].strip(" ,"))
        pos = ctx["end"] = m.end()
    pm = _PLENUM_AFTER.match(text, pos)
    if pm:
        ctx.update(plenum=roman_to_int(pm["p"]), term=pm["t"].upper())
        pos = ctx["end"] = pm.end()
    im = _compiled(reg)["issuer"].match(text, pos)
    if im:
        organ = reg.issuer_by_name(collapse_spaces(im["organ"]))
        ctx["issuer_name"] = organ.name if organ else None
        if im["place"]:
            ctx["place"] = place_slug(reg, collapse_spaces(im["place"]))
        elif im["generic"]:
            ctx["generic_place"] = True
        pos = ctx["end"] = im.end()
        if not im["place"] and not im["generic"]:
            level = _PARTY_DISTRICT.get(organ.name) if organ else None
            pos = ctx["end"] = _district_after(view, reg, pos, ctx, level)
        km = _KHOA.match(text, pos)
        if km:
            pos = ctx["end"] = km.end()
    tm = _TITLE_START.match(text, pos)
    if tm:
        start = tm.end()
        limit = min(len(text), start + 400)
        stop = _TITLE_STOP.search(text, start, limit)
        while stop and stop.group() == "\n" and goes_on(view.norm, stop.start()):
            stop = _TITLE_STOP.search(text, stop.end(), limit)  # a hard-wrapped title
        end = stop.start() if stop else limit
        ctx.update(title_start=start, title_end=end)
    return ctx


def _district_after(
    view: TextView, reg: Registry, pos: int, ctx: dict, party_level: str | None = None
) -> int:
    """A district after an organ ("… của UBND huyện Đông Anh[, thành phố Hà Nội]", or a
    district's Party committee, whose ``party_level`` is in its name: "Huyện ủy Củ Chi"):
    its shown name in ``ctx["district"]``, its province in ``ctx["place"]``; returns where
    the mention ends.

    >>> from policykg.graph.registry import load_registry
    >>> from policykg.graph.textview import make_view
    >>> v = make_view("của UBND huyện Đông Anh, thành phố Hà Nội về việc")
    >>> ctx = {}
    >>> end = _district_after(v, load_registry(), 8, ctx)
    >>> ctx, v.norm[end:]
    ({'district': 'Huyện Đông Anh', 'place': 'ha-noi'}, ' về việc')
    """
    dm = _DISTRICT_AFTER.match(view.fold, pos)
    if dm is not None:
        level, after = dm["level"], dm.end()
    elif party_level is not None and view.norm[pos : pos + 1].isspace():
        level, after = party_level, pos + 1  # "Huyện ủy Củ Chi": the level is in the organ
    else:
        return pos
    words, end = [], after
    for wm in re.finditer(r"\w+", view.norm[end : end + 60]):
        word = wm.group()
        gap = view.norm[end : after + wm.start()] if words else ""
        if len(words) == 4 or gap.strip() or not (word[:1].isupper() or word.isdigit()):
            break
        words.append(word)
        end = after + wm.end()
    if not words:  # "của UBND huyện": the district of the citing text, if it is one
        ctx["generic_district"] = DISTRICT_LEVELS[level]
        return after - 1
    ctx["district"] = f"{DISTRICT_LEVELS[level]} {' '.join(words)}"
    pm = _PROVINCE_AFTER.match(view.fold, end)
    # "Thành phố Hồ Chí Minh" is itself an alias; "thành phố Hà Nội" is "Hà Nội" after it
    for at in dict.fromkeys((pm.start("level") if pm["level"] else pm.end(), pm.end())):
        place = _compiled(reg)["place"].match(view.fold, at)
        if place is not None and place_slug(reg, place["place"]):
            ctx["place"] = place_slug(reg, place["place"])
            return place.end()
    return end


def _numbered(view: TextView, reg: Registry) -> list[Mention]:
    pats = _compiled(reg)
    out = []
    for start, end, shape, m in _symbol_candidates(view.fold):
        before = pats["type_before"].search(view.fold, max(0, start - 48), start)
        type_word = _type_from_word(reg, before["tw"]) if before else None
        ref = _ref_from_symbol(view, reg, shape, m, type_word)
        if ref is None:
            continue
        ctx = _context_after(view, reg, end)
        if ref.year is None and ctx.get("date") and not ref._normative:
            ref = replace(ref, year=ctx["date"].year)
        out.append(
            Mention(
                ref=ref,
                start=before.start("tw") if before else start,
                end=ctx["end"],
                symbol_start=start,
                symbol_end=end,
                type_word=type_word,
                date=ctx.get("date"),
                date_text=ctx.get("date_text"),
                issuer_name=ctx.get("issuer_name"),
                place=ctx.get("place"),
                generic_place=ctx.get("generic_place", False),
                district=ctx.get("district"),
                generic_district=ctx.get("generic_district"),
                title_start=ctx.get("title_start"),
                title_end=ctx.get("title_end"),
                plenum=ctx.get("plenum"),
                term=ctx.get("term"),
            )
        )
    return out


# --- laws by name --------------------------------------------------------------------------


@cache
def _abbreviation_subs(reg: Registry) -> tuple[tuple[tuple[re.Pattern[str], str], ...], ...]:
    """The substitutions of :func:`expand_abbreviations` and :func:`_spell_out`, longest
    abbreviation first, compiled once: (folded ones, ones as written)."""
    pairs = sorted(reg.abbreviations.items(), key=lambda kv: -len(kv[0]))
    folded = tuple(
        (re.compile(rf"(?<![a-z&]){re.escape(fold(short))}(?![a-z&])"), fold(long))
        for short, long in pairs
    )
    written = tuple(
        (re.compile(rf"(?<![\w&]){re.escape(short)}(?![\w&])"), long) for short, long in pairs
    )
    return folded, written


def expand_abbreviations(reg: Registry, folded: str) -> str:
    """Spell out abbreviations in a folded name ("luat htx" → "luat hop tac xa")."""
    for pattern, long in _abbreviation_subs(reg)[0]:
        folded = pattern.sub(long, folded)
    return folded


#: A comma inside a law's name: words after it (lower-case, checked by the caller) run on to
#: the law's number, year or date ("Luật Khoa học, công nghệ và đổi mới sáng tạo số 93/2025/QH15").
_COMMA_IN_NAME = re.compile(
    r",\s{1,3}[^\W\d_][^,;.\n\d]{0,60}?(?P<tail>\s(?:số\s{0,3}\d|năm\s{1,3}(?:19|20)\d\d"
    r"|ngày\s{1,3}\d))"
)


def _law_name_end(view: TextView, pos: int, limit: int = 12) -> int:
    """Where a law's name that starts at ``pos`` ends: before a stop word, digit or mark."""
    text, norm = view.fold, view.norm
    end = pos
    words = 0
    for wm in re.finditer(r"[^\W\d_]+|[^\w\s]|\d+", text[pos : pos + 160]):
        word = wm.group()
        a = pos + wm.start()
        if (
            word == ","
            and words
            and norm[a + 1 : a + 5].lstrip()[:1].islower()
            and (cm := _COMMA_IN_NAME.match(norm, a))
        ):
            return cm.start("tail")  # "Luật Khoa học, công nghệ và đổi mới sáng tạo số …"
        if not word[0].isalpha() and word not in ("-", "&"):
            break
        if word in ("-", "&"):
            continue
        gap = text[end:a]
        if words and ("\t" in gap or ("\n" in gap and not goes_on(norm, end + gap.index("\n")))):
            break  # a name ends with its table cell, or its line unless the text was wrapped
        if word == "hien" and text.startswith("hanh", pos + wm.end() + 1):
            break  # "… hiện hành": the law in force, not its name
        written = norm[a : a + len(word)]
        if word in _LAW_STOP_ACCENTS and written.lower() not in _LAW_STOP_ACCENTS[word]:
            pass  # written with other accents: "cơ sở" (grassroots), not "có" / "số"
        elif word in _LAW_STOP_WORDS and not _named_word(written, text, a):
            if word == "va" and norm[pos + wm.end() + 1 : pos + wm.end() + 2].isupper():
                nxt = text[pos + wm.end() + 1 : pos + wm.end() + 6]
                if not nxt.startswith("luat"):
                    continue
            break
        if words == 0 and not norm[a].isupper():
            return pos  # "Luật mới", "luật pháp": not a law's name
        end = a + len(word)
        words += 1
        if words >= limit:
            break
    return end


def _named_word(written: str, fold_text: str, at: int) -> bool:
    """Whether a stop word is a word of a name as written: capitalised only at its first
    letter ("Luật Các tổ chức tín dụng", "Việt Nam"), or "Nam" after "Việt" in capitals.
    A word all in capitals (a heading: "LUẬT … NĂM 2012") or in lower case stops a name.

    >>> _named_word("Các", "cac", 0), _named_word("năm", "nam", 0), _named_word("NĂM", "nam", 0)
    (True, False, False)
    """
    if written[:1].isupper() and written[1:].islower():
        return True
    return fold_text[at : at + 3] == "nam" and fold_text[max(0, at - 5) : at].rstrip() == "viet"


_AND = re.compile(r"\s{1,3}va\s{1,3}")
_LAW_YEAR = re.compile(_S + r",?" + _S + r"(?:nam\s{1,3})?(?P<y>(?:19|20)\d\d)(?!\d|/)")
_LAW_NUMBER = re.compile(_S + r",?" + _S + r"so" + _S + r"(?=\d)")


def _laws(view: TextView, reg: Registry, numbered: list[Mention]) -> list[Mention]:
    text = view.fold
    taken = _Cover([(m.symbol_start, m.end) for m in numbered])
    out: list[Mention] = []
    for lm in _LAW.finditer(text):
        if not view.norm[lm.start()].isupper():
            continue
        if taken.covers(lm.start()):
            continue
        if out and lm.start() < out[-1].end:
            continue  # a law named inside an amending law's name
        name_start = lm.end()
        amends: tuple[tuple[str, str], ...] = ()
        am = _AMENDING.match(text, name_start)
        if am:
            inner, pos = [], am.end()
            while True:
                im = _LAW.match(text, pos)
                if not im:
                    break
                inner_end = _law_name_end(view, im.end())
                if inner_end == im.end():
                    break
                inner.append(
                    (
                        _spell_out(
                            reg,
                            collapse_spaces(canonical_spelling(view.norm[im.end() : inner_end])),
                        ),
                        expand_abbreviations(reg, collapse_spaces(text[im.end() : inner_end])),
                    )
                )
                pos = inner_end
                vm = _AND.match(text, pos)
                if not vm:
                    break
                pos = vm.end()
            if not inner:
                continue
            name_end, amends = pos, tuple(inner)
        else:
            name_end = _law_name_end(view, name_start)
            if name_end == name_start:
                continue
        name = collapse_spaces(canonical_spelling(view.norm[name_start:name_end])).strip(" -")
        key = expand_abbreviations(reg, collapse_spaces(text[name_start:name_end]).strip(" -"))
        year, when, date_text, end = None, None, None, name_end
        ym = _LAW_YEAR.match(text, name_end)
        dm = _DATE_AFTER.match(text, name_end)
        qm = _LAW_NUMBER.match(text, name_end)
        qh = _QH.match(text, qm.end()) if qm else None
        number = None
        if qh:  # "Luật Hợp tác xã số 23/2012/QH13"
            number = collapse_spaces(view.norm[qh.start() : qh.end()]).replace(" ", "")
            year, end = int(qh["year"]), qh.end()
            dm = _DATE_AFTER.match(text, end)
        if dm:
            when = _parse_date(dm)
            year = int(dm["y"])
            date_text = collapse_spaces(view.norm[dm.start() : dm.end()].strip(" ,"))
            end = dm.end()
        elif ym and not qh:
            year, end = int(ym["y"]), ym.end()
        ref = DocRef(
            kind="law",
            type_code="LUAT",
            year=year,
            party=False,
            name=_spell_out(reg, name),
            name_key=key,
            symbol=view.norm[lm.start() : end],
            number_text=number,
        )
        out.append(
            Mention(
                ref=ref,
                start=lm.start(),
                end=end,
                symbol_start=lm.start(),
                symbol_end=end,
                type_word="LUAT",
                date=when,
                date_text=date_text,
                issuer_name="Quốc hội",
                place="vn",
                amends=amends,
            )
        )
    return out


def _spell_out(reg: Registry, name: str) -> str:
    for pattern, long in _abbreviation_subs(reg)[1]:
        name = pattern.sub(long, name)
    return name


# --- plenum resolutions by name -------------------------------------------------------------


def _plenums(view: TextView, numbered: list[Mention]) -> list[Mention]:
    taken = _Cover([(m.start, m.end) for m in numbered])
    out = []
    for pm in _PLENUM.finditer(view.fold):
        if taken.covers(pm.start()):
            continue
        plenum = roman_to_int(pm["p"])
        term = pm["t"].upper() if pm["t"] else None
        ref = DocRef(
            kind="plenum",
            type_code="NQ",
            party=True,
            issuer_code="TW",
            plenum=plenum,
            term=term,
            symbol=collapse_spaces(view.norm[pm.start() : pm.end()]).strip(" ,("),
        )
        out.append(
            Mention(
                ref=ref,
                start=pm.start(),
                end=pm.end(),
                symbol_start=pm.start(),
                symbol_end=pm.end(),
                type_word="NQ",
                issuer_name="Ban Chấp hành Trung ương Đảng",
                place="vn",
                plenum=plenum,
                term=term,
            )
        )
    return out


def _with_titles(view: TextView, mentions: list[Mention]) -> list[Mention]:
    """Cut each "về …" subject at the next mention, and keep it only when it says something."""
    out = []
    starts = sorted(m.start for m in mentions)
    coordinated = re.compile(r"(?:[,;]|\sva|\scung)\s{0,3}$")
    trailing = re.compile(r"(?:[\s,;:(\-]+|\s+(?:va|cua|tai|theo))$")
    # "số" ends a title cut at the next mention ("… theo Quyết định số"), not one that ends
    # on its own ("… hợp tác xã chuyển đổi số")
    trailing_before_mention = re.compile(r"(?:[\s,;:(\-]+|\s+(?:va|cua|tai|theo|so))$")
    for m in mentions:
        if m.title_start is None:
            out.append(m)
            continue
        end = m.title_end or m.title_start
        first = bisect_right(starts, m.title_start)
        cut_at_mention = False
        for nxt in starts[first : bisect_left(starts, end, lo=first)]:
            if coordinated.search(view.fold, max(m.title_start, nxt - 8), nxt):
                end = nxt  # "… và Kết luận …": the next document, not part of this title
                cut_at_mention = True
                break
        trim = trailing_before_mention if cut_at_mention else trailing
        while end > m.title_start and (cut := trim.search(view.fold, m.title_start, end)):
            end = cut.start()
        title = collapse_spaces(canonical_spelling(view.norm[m.title_start : end]))
        if len(title.split()) < 3:
            out.append(replace(m, title_start=None, title_end=None))
            continue
        out.append(replace(m, title=title, title_end=end))
    return out


def find_mentions(view: TextView, registry: Registry | None = None) -> list[Mention]:
    """Every reference to a document in ``view``, in text order.

    >>> from policykg.graph.textview import make_view
    >>> ms = find_mentions(make_view("Căn cứ Luật Hợp tác xã ngày 20 tháng 11 năm 2012; "
    ...                              "Nghị định số 77/2005/NĐ- CP ngày 09 tháng 6 năm 2005"))
    >>> [(m.ref.kind, m.ref.canonical, str(m.date)) for m in ms]
    [('law', 'Luật Hợp tác xã 2012', '2012-11-20'), ('numbered', '77/2005/NĐ-CP', '2005-06-09')]
    """
    reg = registry or load_registry()
    numbered = _numbered(view, reg)
    laws = _laws(view, reg, numbered)
    by_law = _Cover([(x.start, x.end) for x in laws])
    numbered = [m for m in numbered if not by_law.covers(m.start)]
    mentions = numbered + laws + _plenums(view, numbered)
    mentions.sort(key=lambda m: (m.start, m.end))
    return _with_titles(view, mentions)


def dates_in(view: TextView, start: int, end: int) -> list[tuple[int, int, date]]:
    """Every full date written between ``start`` and ``end`` of the view."""
    out = []
    for m in _DATE_ANY.finditer(view.fold, start, end):
        when = _parse_date(m)
        if when:
            out.append((m.start(), m.end(), when))
    return out


def places_in(view: TextView, start: int, end: int, registry: Registry | None = None) -> list[str]:
    """Jurisdiction slugs of the places named between ``start`` and ``end``, in order."""
    reg = registry or load_registry()
    out = []
    for m in _compiled(reg)["place"].finditer(view.fold, start, end):
        slug = place_slug(reg, m["place"])
        if not slug or _LOCAL_BEFORE.search(view.fold, max(0, m.start() - 12), m.start()):
            continue  # "xã Hải Đường", "huyện Bắc Ninh": a place below the province
        written = canonical_spelling(view.norm[m.start("place") : m.end("place")]).lower()
        if fold(written) != written and written not in _accented_places(reg):
            continue  # "Hải Đường" is no "Hải Dương"
        out.append(slug)
    return out


#: A level word just before a place name: the name is a district's or a commune's.
_LOCAL_BEFORE = re.compile(r"(?:xa|phuong|thi tran|thon|huyen|quan|thi xa|dac khu)\s+$")


@cache
def _accented_places(reg: Registry) -> frozenset[str]:
    """Every jurisdiction's name and alias, with its accents, in lower case."""
    return frozenset(
        canonical_spelling(a).lower() for j in reg.jurisdictions for a in (*j.aliases, j.name)
    )
