"""Agencies in plan texts: one identity per agency across spellings, lists, roles, headings.

A plan assigns each task to a lead agency (chủ trì) and coordinating agencies (phối hợp), in
appendix cells ("Liên minh HTX và DN, các Sở, ngành liên quan, UBND các quận, huyện"), in
running text ("Sở Nội vụ chủ trì, phối hợp với Ban Tổ chức Thành ủy, … xây dựng …") and in
headings that name the agency the following items belong to ("1.1. Sở Kế hoạch và Đầu tư:",
"<b>SƠ KẾ HOẠCH VÀ ĐẦU TƯ</b>").

Everything is matched on the folded view of the text (lower case, no diacritics, markup
removed; :mod:`policykg.graph.textview`), word by word, after abbreviations are spelled out
(UBND, HTX, DN, TP, KH&ĐT, …). So capitals, old and new tone placement, NFC/NFD and an OCR
"SƠ"/"SỐ" for "SỞ" at the start of a name all read alike. The curated knowledge (department
and ministry names, Party organs, mass organisations, central bodies, collective nouns,
name heads) is ``graph/registry/agencies.toml``; the grammar is here.

Canonical names
---------------
* ``name`` is the canonical display in modern spelling with abbreviations spelled out.
  A curated body has one display whatever the spelling: "Liên minh HTX Thành phố",
  "Liên minh Hợp tác xã thành phố" and (in a city text) "Liên minh Hợp tác xã" all display
  "Liên minh Hợp tác xã Thành phố". Bodies named with their level (``place = true`` in the
  table: Liên minh, Hội, Cục Thuế, Bảo hiểm xã hội, Ngân hàng Nhà nước chi nhánh, the
  People's Committee …) carry the level word: "Thành phố", or "tỉnh" when the text says
  "tỉnh" (:meth:`AgencyName.name_in` gives the form for a jurisdiction). Departments (Sở),
  Party organs ("Ban Tổ chức Thành ủy") and "Thành đoàn" carry none: "Sở Kế hoạch và Đầu
  tư". Proper place names never enter a name: "Sở Khoa học và Công nghệ tỉnh Bắc Ninh" is
  "Sở Khoa học và Công nghệ" (the caller attaches the jurisdiction); a district does
  ("Ủy ban nhân dân quận Hồng Bàng", "Hội Nông dân huyện Củ Chi", level ``district``).
* ``key`` is the identity within a jurisdiction: the folded canonical name without the level
  word, in the city form ("Tỉnh ủy" and "Thành ủy" share ``thanh uy``). Compare agencies by
  key, not by name: collectives keep the list they state in the name ("Ủy ban nhân dân các
  quận, huyện, thị xã", "Ủy ban nhân dân thành phố Thủ Đức và các quận, huyện") but every
  "all district People's Committees" phrase has the key ``uy ban nhan dan cap huyen``.
  Every "departments and sectors" phrase ("Các Sở, ngành liên quan", "Sở, ngành", "các sở
  ngành thành phố") is "Các sở, ban, ngành"; "các cơ quan, đơn vị (có) liên quan" is "Các
  cơ quan, đơn vị liên quan"; Front and mass organisations together ("các Đoàn thể chính
  trị - xã hội") are "Các tổ chức chính trị - xã hội".
* One body, one name: "Ngân hàng Nhà nước Việt Nam chi nhánh Thành phố" (also "Chi nhánh
  Ngân hàng Nhà nước", "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM - CHI NHÁNH TP HẢI PHÒNG"), "Ủy ban Mặt
  trận Tổ quốc Việt Nam Thành phố" (also "Mặt trận Tổ quốc"), "Sở Lao động - Thương binh và
  Xã hội" (also with a comma), "Sở Thông tin và Truyền thông" (also without "và"). Hải
  Phòng's "Liên minh Hợp tác xã và Doanh nghiệp" is a name of its own. A national body is
  named as such: "Liên minh Hợp tác xã Việt Nam", "Trung ương Hội Nông dân Việt Nam" (also
  "Hội Nông dân Việt Nam"); "Ngân hàng Nhà nước" alone is the State Bank.
* Names not in the table keep their words as written, with trailing place words removed:
  "Viện Kinh tế thành phố" is "Viện Kinh tế". A name read only in capitals gets a capital
  on each word ("Trường Đào Tạo Cán Bộ …"): its real case cannot be known.

Kinds and levels
----------------
``kind`` is department, people-committee, party, mass-organisation, central, state-unit,
steering-committee or other (collectives of cooperatives, press, "các cơ quan, đơn vị").
``level`` is ``central``, ``provincial``, ``district`` (district People's Committees and
their offices, "Ban Chỉ đạo … các quận, huyện"), ``commune`` ("các xã, phường, thị trấn"),
or ``None`` for a collective across levels ("các cấp", "các cơ quan, đơn vị liên quan").
``requestable`` marks bodies a People's Committee can only request: Party, mass
organisations and central bodies, plus the People's Council and the courts (table), and
cooperatives, which no authority assigns.

>>> a = normalize_agency("SƠ KẾ HOẠCH VÀ ĐẦU TƯ")
>>> a.name, a.key, a.kind, a.level, a.requestable
('Sở Kế hoạch và Đầu tư', 'so ke hoach va dau tu', 'department', 'provincial', False)
>>> [s.agency.name for s in split_agencies("Liên minh HTX và DN, các Sở, ngành liên quan, "
...                                        "UBND các quận, huyện")]
['Liên minh Hợp tác xã và Doanh nghiệp Thành phố', 'Các sở, ban, ngành',
 'Ủy ban nhân dân các quận, huyện']
>>> r = roles_in_sentence("Giao Sở Tài chính chủ trì phối hợp với Sở Kế hoạch và Đầu tư, "
...                       "Liên minh Hợp tác xã và Doanh nghiệp thành phố trong việc lập dự toán")
>>> [s.agency.name for s in r.lead], [s.agency.name for s in r.coordinating]
(['Sở Tài chính'], ['Sở Kế hoạch và Đầu tư', 'Liên minh Hợp tác xã và Doanh nghiệp Thành phố'])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from policykg.graph.registry import load_registry
from policykg.graph.registry.agency_table import REQUESTABLE_KINDS, Sector, load_agency_table
from policykg.graph.textview import (
    TextView,
    canonical_spelling,
    collapse_spaces,
    fold,
    is_plain,
    make_view,
    memo_by_text,
)

__all__ = [
    "AgencyName",
    "AgencySpan",
    "Roles",
    "agencies_cover",
    "agency_heading",
    "is_agency_heading",
    "normalize_agency",
    "roles_in_sentence",
    "split_agencies",
]

# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class AgencyName:
    """The canonical identity of one agency phrase (see the module notes on names and keys).

    >>> normalize_agency("Hội Liên hiệp Phụ nữ tỉnh").name_in("city")
    'Hội Liên hiệp Phụ nữ Thành phố'
    """

    name: str
    key: str
    kind: str
    collective: bool
    central: bool
    level: str | None
    requestable: bool

    def name_in(self, jurisdiction_kind: str) -> str:
        """The display name in a jurisdiction of this kind ("city" or "province").

        >>> normalize_agency("Ban Tổ chức Thành ủy").name_in("province")
        'Ban Tổ chức Tỉnh ủy'
        """
        if self.central:
            return self.name
        if jurisdiction_kind == "province":
            return _province_form(self.name)
        if jurisdiction_kind == "city":
            return _city_form(self.name)
        return self.name


@dataclass(frozen=True)
class AgencySpan:
    """An agency named at ``[start, end)`` of the string given to the function."""

    start: int
    end: int
    agency: AgencyName


@dataclass(frozen=True)
class Roles:
    """The agencies a sentence gives each role: lead (chủ trì), coordinating (phối hợp) and
    requested (đề nghị: bodies a People's Committee can only ask)."""

    lead: list[AgencySpan]
    coordinating: list[AgencySpan]
    requested: list[AgencySpan]


# --------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(r"[^\W_]+(?:&[^\W_]+)*|\n|\t|[^\w\s]")
_DASHES = frozenset("-–—‐‑−")
_SEPARATOR_WORDS = frozenset({"va", "-", ",", "&", "."})


@dataclass(slots=True)
class _Tok:
    """One word or punctuation mark of the view, or one word of an abbreviation's expansion."""

    f: str  # folded
    d: str  # display text (NFC, as written; expansion words for abbreviations)
    a: int  # span in the view's norm text
    b: int
    word: bool
    upper: bool  # written in capitals (never for expansion words)
    title: bool  # starts with a capital or a digit
    expanded: bool


_TokenInfo = tuple[str, str, bool, bool, bool]  # (folded as matched, f, word, upper, title)
# What a token's text says about it, by display text: a plan repeats a few thousand words, so
# most tokens are looked up, not read letter by letter. Only short tokens are kept, and the
# table is emptied when it grows past the bound.
_TOKEN_INFO: dict[str, _TokenInfo] = {}
_TOKEN_INFO_MAX = 50_000
_TOKEN_INFO_CHARS = 40


def _token_info(f: str, d: str) -> _TokenInfo:
    """(``f``, folded form, word?, in capitals?, titled?) of a token folded ``f``, shown ``d``."""
    word = f[0].isalnum()
    raw = f
    if not word and f in _DASHES:
        f = "-"
    letters = [c for c in d if c.isalpha()]
    upper = bool(letters) and all(c.isupper() for c in letters)
    title = word and (d[0].isupper() or d[0].isdigit())
    return raw, f, word, upper, title


# The tokens of _TOKEN_RE, each with what a scan for it skips first (spaces other than line
# ends and tabs, and "_", the only characters no token starts with): ``findall`` gives the
# same tokens as ``finditer`` without a match object each, the positions being running sums.
_SKIP_TOKEN_RE = re.compile(r"((?:[^\S\n\t]|_)*)(" + _TOKEN_RE.pattern + ")")


def _raw_tokens(norm: str, folded: str) -> list[_Tok]:
    out: list[_Tok] = []
    append = out.append
    known = _TOKEN_INFO
    b = 0
    for skip, f in _SKIP_TOKEN_RE.findall(folded):
        a = b + len(skip)
        b = a + len(f)
        d = norm[a:b]
        info = known.get(d)
        if info is None or info[0] != f:  # (the same text folds alike, but for odd inputs)
            info = _token_info(f, d)
            if len(d) <= _TOKEN_INFO_CHARS:
                if len(known) >= _TOKEN_INFO_MAX:
                    known.clear()
                known[d] = info
        append(_Tok(info[1], d, a, b, info[2], info[3], info[4], False))
    return out


def _phrase_tokens(text: str) -> list[_Tok]:
    """Tokens of a table string (a name, an alias), abbreviations expanded."""
    nfc = canonical_spelling(text)
    return _expand(_raw_tokens(nfc, fold(nfc)))


def _capitals(s: str) -> str:
    return canonical_spelling(s).upper().replace("Đ", "D")


def _written_as(tok: _Tok, written: str | None, upper: bool) -> bool:
    """Is ``tok`` the abbreviation word ``written`` (None: a word of the expansion too)?"""
    if written is None or not tok.word:
        return True
    if not any(c.isupper() for c in tok.d) or (upper and not tok.upper):
        return False
    return _capitals(tok.d) == written


_Abbreviation = tuple[tuple[str, ...], list[_Tok], tuple[str | None, ...], bool]


@cache
def _abbreviations() -> dict[str, list[_Abbreviation]]:
    """Abbreviations by first folded word, longest first: (folded key words, expansion,
    the key words as written in capitals, or None for words of the expansion too, whether
    the whole key must be in capitals)."""
    table = load_agency_table()
    pairs: list[tuple[str, str, bool]] = [
        (k, v, False) for k, v in load_registry().abbreviations.items()
    ]
    pairs += [(k, v, False) for k, v in table.abbreviations.items()]
    pairs += [(k, v, True) for k, v in table.upper_abbreviations.items()]
    for sector in table.sectors:
        pairs += [(abbr, sector.name, False) for abbr in sector.abbreviations]
    index: dict[str, list[_Abbreviation]] = {}
    for key, value, upper in pairs:
        nfc = canonical_spelling(value)
        raw = _raw_tokens(key, fold(key))
        key_toks = tuple(t.f for t in raw)
        if not key_toks:
            continue
        expansion = _raw_tokens(nfc, fold(nfc))
        words = {t.f for t in expansion}
        written = tuple(None if t.f in words else _capitals(t.d) for t in raw)
        index.setdefault(key_toks[0], []).append((key_toks, expansion, written, upper))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


def _expand(toks: list[_Tok]) -> list[_Tok]:
    """Spell abbreviations out; each expansion word spans the whole abbreviation."""
    index = _abbreviations()
    out: list[_Tok] = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        for key, expansion, written, upper in index.get(t.f, ()):
            j = i + len(key)
            if j > n or any(toks[i + k].f != key[k] for k in range(len(key))):
                continue
            if not all(_written_as(toks[i + k], written[k], upper) for k in range(len(key))):
                continue
            a, b = t.a, toks[j - 1].b
            out.extend(_Tok(e.f, e.d, a, b, e.word, False, e.title, True) for e in expansion)
            i = j
            break
        else:
            out.append(t)
            i += 1
    return out


def _content(toks: list[_Tok]) -> tuple[str, ...]:
    """The folded words of a name, separators ("và", "-", ",", "&") dropped."""
    return tuple(t.f for t in toks if t.word and t.f not in _SEPARATOR_WORDS)


# --------------------------------------------------------------------------- word lists


def _bar(words: str) -> list[str]:
    """Phrases written one after another, separated by "|" (line breaks are free)."""
    return [w.strip() for w in words.split("|") if w.strip()]


class _Phrases:
    """A set of folded word sequences, matched at a token position (longest first)."""

    def __init__(self, phrases: list[str] | tuple[str, ...]) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            words = tuple(t.f for t in _raw_tokens(p, fold(p)))
            if words:
                self._by_first.setdefault(words[0], []).append(words)
        for seqs in self._by_first.values():
            seqs.sort(key=lambda s: -len(s))
        self.first = frozenset(self._by_first)  # the words a phrase can start with

    def match(self, toks: list[_Tok], k: int, end: int | None = None) -> int | None:
        """The end of the longest phrase starting at ``k``, or ``None``."""
        end = len(toks) if end is None else end
        if k >= end:
            return None
        for seq in self._by_first.get(toks[k].f, ()):
            j = k + len(seq)
            if j > end:
                continue
            for i in range(1, len(seq)):
                if toks[k + i].f != seq[i]:
                    break
            else:
                return j
        return None


# Words that end an unlisted name or a list: verbs and prepositions of task text.
_STOP = _Phrases(
    _bar(
        """chu tri|phoi hop|chiu trach nhiem|co trach nhiem|tham muu|xay dung|to chuc|huong dan|
    nghien cuu|khao sat|tap hop|theo doi|trien khai|trong|de|thuc hien|tang|tang cuong|de xuat|
    tong hop|bao cao|ra soat|tap trung|khan truong|chu dong|la|do|cua|voi|ve|co|duoc|cung|
    day manh|giai quyet|tien hanh|mo|ho tro|van dong|kien toan|chi dao|can doi|can cu|don doc|
    kiem tra|giam sat|ban hanh|trinh|phe duyet|lap|gui|cap nhat|tuyen truyen|nang cao|phat huy|
    dam bao|bao dam|cung co|tap huan|boi duong|dao tao|phan cong|dinh ky|hang nam|thuong xuyen|
    nham|tai|theo|tu|den|khi|neu|dong thoi|bien soan|phat hanh|pho bien|quan triet|xem xet|
    quyet dinh|sua doi|bo sung|hoan thien|hoan thanh|danh gia|so ket|tong ket|thi hanh|cho|
    tham gia|dang ky|giao|de nghi|lam|gom|thuoc|truc thuoc|tiep nhan|chuyen|thong bao|dau moi|
    tiep tuc|ap dung|phat trien|xu ly|thanh lap|dua|cong bo|van hanh|khai thac|thu hut|
    thuc day|dieu chinh|phan loai|cung cap|tao|bo tri|su dung|dieu tra|thong ke|lua chon|
    nhan rong|doi moi|tim|gioi thieu|quang ba|nhu|va|hoac|nhung|cac|moi|tung|tren|duoi|sau|
    truoc|qua|bang|vao|ra|len|tiep can|dang|se|da|can|phai|nen|hay|thi|ma|vi|neu|khong|chua|
    dieu hanh|quan ly|tuyen duong|khen thuong|biet|keu goi|dong vien|phan bo|bo tri|dap ung|
    tham dinh|tham tra|tu van|cho vay"""
    )
)

# In capitals every word is "capitalised": only these words (with their own accents, since
# "TẠI" must not stop "TÀI CHÍNH") end an unlisted name there.
_CAPS_STOP = frozenset(
    _bar("CHỦ|PHỐI|CHỊU|CÓ|THAM|CỦA|VỚI|TRONG|ĐỂ|TẠI|THEO|CHO|DO|LÀ|ĐƯỢC|NHẰM|GIAO|ĐỀ")
)


# Words that never continue a name as the second syllable of a capitalised word.
_FUNCTION_WORDS = frozenset(
    _bar("va|cac|cua|voi|cho|do|la|de|tai|theo|trong|tren|duoi|ve|tu|den|nhu|hoac")
)


def _caps_stop(tok: _Tok) -> bool:
    return canonical_spelling(tok.d).upper() in _CAPS_STOP


# What may follow a subject that is not a predicate (the subject is not the lead).
_NON_PREDICATE = _Phrases(
    _bar("do|la|cua|duoc|gom|thuoc|truc thuoc|lam|voi|ve|va|hoac|nam|thi|nhu")
)
# "làm"/"là" followed by the focal or standing role: the subject leads ("Sở Tài chính làm
# đầu mối", "… là cơ quan thường trực"), though "làm"/"là" alone predicate nothing.
_FOCAL = _Phrases(
    _bar(
        "lam dau moi|la dau moi|lam co quan dau moi|la co quan dau moi|la don vi dau moi|"
        "lam don vi dau moi|la co quan thuong truc|lam co quan thuong truc|la co quan chu tri|"
        "la don vi chu tri|lam dau moi chu tri"
    )
)
# Words after which an agency list is an object, not an actor ("chuyển các Sở, ngành …
# giải quyết", "báo cáo Ủy ban nhân dân thành phố", "đôn đốc các Sở, ngành, địa phương").
_OBJECT = _Phrases(
    _bar(
        "chuyen|chuyen den|chuyen cho|gui|gui ve|gui den|gui cho|bao cao|bao cao ve|trinh|"
        "huong dan|don doc|kiem tra|trien khai den|den|cua|cho|ho tro|giup|de|giao|tai|giua|"
        "voi|tham muu|tham muu cho|tham muu voi|de xuat|de xuat voi|kien nghi|kien nghi voi|"
        "theo de nghi cua|theo de nghi tu|dong gui|toi|ve"
    )
)

# Verbs after a list that make the list the subject of a clause (", các cơ quan … chủ động").
_VERBS = _Phrases(
    _bar(
        """chu tri|phoi hop|chiu trach nhiem|co trach nhiem|tham muu|xay dung|to chuc|huong dan|
    nghien cuu|khao sat|tap hop|theo doi|trien khai|thuc hien|tang cuong|de xuat|tong hop|
    bao cao|ra soat|tap trung|khan truong|chu dong|day manh|giai quyet|tien hanh|ho tro|
    van dong|kien toan|chi dao|can doi|don doc|kiem tra|giam sat|ban hanh|trinh|lap|gui|
    cap nhat|tuyen truyen|nang cao|phat huy|cung co|tap huan|boi duong|bien soan|pho bien|
    xem xet|sua doi|bo sung|hoan thien|danh gia|so ket|tong ket|dang ky|tiep tuc|xu ly|
    dieu chinh|phan loai|bo tri|dieu tra|lua chon|nhan rong|can cu|dam bao|bao dam|
    huong dan|dua|cu|de nghi"""
    )
)

# How a plan names a person by office ("Đồng chí Giám đốc Sở Tài chính - Thành viên:"): the
# honorific before the title, and after a dash the person's seat in a steering committee or
# a supervision team (its head, deputy, standing deputy or member), which the agency's
# name does not include.
_HONORIFIC = _Phrases(["dong chi", "cac dong chi"])
_MEMBER_ROLE = _Phrases(
    _bar(
        "thanh vien|uy vien|truong ban|pho truong ban|truong doan|pho truong doan|to truong|"
        "to pho|pho truong ban thuong truc|uy vien thuong truc"
    )
)
_MEMBER_OF = _Phrases(
    _bar("ban chi dao|bcd|thuong truc|ban|doan|doan giam sat|thuong truc ban chi dao")
)
#: The board of each of several bodies ("Ban Thường vụ các huyện ủy", "Ban điều hành các
#: khu phố"): the bodies are the assignee.
_BOARD = _Phrases(["ban thuong vu", "ban dieu hanh", "ban chap hanh"])

_TITLES = _Phrases(
    _bar(
        "giam doc|pho giam doc|chu tich|pho chu tich|thu truong|bi thu|pho bi thu|lanh dao|"
        "dai dien lanh dao|dai dien|cuc truong|vien truong|hieu truong|tong giam doc|chanh|"
        # the standing board of a committee ("Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh")
        "ban thuong truc"
    )
)
_ROLE_LEAD = _Phrases(["chu tri", "co trach nhiem chu tri", "chiu trach nhiem chu tri"])
_ROLE_COORD = _Phrases(["phoi hop", "chu dong phoi hop", "phoi hop chat che"])
# Words after a subject that make it the lead even of a cooperative ("các hợp tác xã chủ
# động …") and after a mid-sentence list that make the list a subject.
_ROLE_ANY = _Phrases(
    ["chu tri", "phoi hop", "chu dong", "co trach nhiem", "chiu trach nhiem", "khan truong"]
)
#: The words before a role that make it a label ("Cơ quan chủ trì:", "Đơn vị phối hợp:").
_LABEL_HEAD = _Phrases(["co quan", "don vi"])
#: "Cơ quan / đơn vị thực hiện:" a label whose list does the task (as "Chủ trì:" leads).
_DOER = _Phrases(["co quan thuc hien", "don vi thuc hien"])


def _label_at(toks: list[_Tok], k: int, b: int) -> bool:
    """Whether a role's label starts at ``toks[k]``: "(Cơ quan) chủ trì:", "(Đơn vị) phối
    hợp:", "Cơ quan thực hiện:"."""
    h = _LABEL_HEAD.match(toks, k, b) or k
    end = _ROLE_LEAD.match(toks, h, b) or _ROLE_COORD.match(toks, h, b) or _DOER.match(toks, k, b)
    return end is not None and end < b and toks[end].f == ":"


def _labelled_doer(toks: list[_Tok], j: int, b: int) -> int | None:
    """Where "Cơ quan thực hiện" ends when a colon follows it (a label), else None."""
    k = _DOER.match(toks, j, b)
    return k if k is not None and k < b and toks[k].f == ":" else None


_ROLE_WITH = _Phrases(["voi", "cung voi", "cung", "chat che voi", "chat che"])
_REQUEST = _Phrases(["de nghi"])
#: A request at the start of a sentence or heading: also "Kiến nghị UBND tỉnh: …" (a body
#: that cannot assign its superior asks it); inside a sentence "kiến nghị UBND tỉnh" is
#: "propose to", its object no role (_OBJECT).
_REQUEST_START = _Phrases(["de nghi", "kien nghi"])
_ASSIGN = _Phrases(["giao", "giao cho", "yeu cau"])
#: "Chỉ đạo X chủ trì …": X leads only when its own role follows ("Chỉ đạo các xã có kế
#: hoạch …" directs the communes and names no lead).
_DIRECT = _Phrases(["chi dao"])
# Time words that may open a sentence before its subject ("Hàng năm Sở … tổng hợp").
_ADVERBIAL = _Phrases(
    _bar(
        "hang nam|hang nam,|hang quy|hang thang|dinh ky|dinh ky hang nam|dinh ky hang quy|"
        "dinh ky 6 thang|truoc mat"
    )
)
_ADVISE = _Phrases(["tham muu cho", "tham muu voi", "tham muu"])
_FOR = _Phrases(["doi voi"])
_RELATED = _Phrases(
    _bar("co lien quan|lien quan|khac lien quan|khac co lien quan|khac|chuyen mon|chuc nang")
)
_DESCRIPTION = _Phrases(
    ["co quan", "la", "don vi", "thuong truc", "chu tri", "co quan thuong truc", "truc thuoc"]
)
_NOT_REQUEST = frozenset({"theo", "cua", "tu", "duoc", "co"})
_PARTY_SUFFIX = {
    ("thanh", "uy"): "Thành ủy",
    ("tinh", "uy"): "Tỉnh ủy",
    ("quan", "uy"): "Quận ủy",
    ("huyen", "uy"): "Huyện ủy",
    ("thi", "uy"): "Thị ủy",
    ("dang", "uy"): "Đảng ủy",
}
_LEVEL_WORDS = {
    ("thanh", "pho"): "city",
    ("tp",): "city",
    ("tinh",): "province",
    ("thu", "do"): "city",
}


# --------------------------------------------------------------------------- compiled table


@dataclass(frozen=True)
class _Entry:
    """A curated body, ready to display."""

    name: str
    key: str
    kind: str
    place: bool
    requestable: bool
    needs_place: bool
    local: str | None


@dataclass(frozen=True)
class _Noun:
    cls: str
    display: str
    first: bool


@dataclass(frozen=True)
class _Class:
    cls: str
    name: str
    key: str
    kind: str
    level: str | None
    requestable: bool
    needs_cac: bool


class _Trie:
    """Word sequences to values; a match may step over separators inside the sequence."""

    def __init__(self) -> None:
        self.root: dict = {}

    def add(self, words: tuple[str, ...], value: object) -> None:
        node = self.root
        for w in words:
            node = node.setdefault(w, {})
        node.setdefault(None, value)

    def match(
        self, toks: list[_Tok], i: int, end: int, skip: bool = True
    ) -> tuple[int, object] | None:
        """The longest sequence at ``i``: (end, value). With ``skip``, separators between two
        words of a sequence may be missing or different ("Lao động, Thương binh")."""
        found = self.matches(toks, i, end, skip)
        return found[-1] if found else None

    def matches(
        self, toks: list[_Tok], i: int, end: int, skip: bool = True
    ) -> list[tuple[int, object]]:
        """Every sequence at ``i``, shortest first."""
        node, j, found = self.root, i, []
        while j < end:
            t = toks[j]
            nxt = node.get(t.f) if (t.word or t.f in (",", "-")) else None
            if nxt is not None and not (t.f in _SEPARATOR_WORDS and skip):
                node, j = nxt, j + 1
                if None in node:
                    found.append((j, node[None]))
                continue
            if skip and node is not self.root and t.f in _SEPARATOR_WORDS:
                k = j + 1
                while k < end and k - j < 2 and toks[k].f in _SEPARATOR_WORDS:
                    k += 1
                if k < end and toks[k].f in node and toks[k].word:
                    j = k
                    continue
            break
        return found


_PROVINCE_WORDS = re.compile(r"\btinh (uy|doan)\b")


def _key(name: str) -> str:
    """The identity key of a display name: folded, city form ("Tỉnh ủy" → ``thanh uy``)."""
    return _PROVINCE_WORDS.sub(r"thanh \1", collapse_spaces(fold(name)))


def _province_form(name: str) -> str:
    name = name.replace("Thành ủy", "Tỉnh ủy").replace("Thành đoàn", "Tỉnh đoàn")
    if name.endswith(" Thành phố"):
        name = name[: -len(" Thành phố")] + " tỉnh"
    return name


def _city_form(name: str) -> str:
    name = name.replace("Tỉnh ủy", "Thành ủy").replace("Tỉnh đoàn", "Thành đoàn")
    if name.endswith(" tỉnh"):
        name = name[: -len(" tỉnh")] + " Thành phố"
    return name


@dataclass(frozen=True)
class _Compiled:
    curated: _Trie
    entries: dict[str, _Entry]
    sectors: _Trie
    nouns: _Trie
    classes: dict[str, _Class]
    heads: _Trie
    places: _Trie


@cache
def _compiled() -> _Compiled:
    table = load_agency_table()
    curated = _Trie()
    entries: dict[str, _Entry] = {}

    def add(name: str, aliases: list[str], entry: _Entry) -> None:
        entries.setdefault(entry.name, entry)
        for alias in [name, *aliases]:
            forms = {alias, _province_form(alias)} if entry.kind == "party" else {alias}
            if "Thành đoàn" in alias:
                forms.add(alias.replace("Thành đoàn", "Tỉnh đoàn"))
            for form in forms:
                words = _content(_phrase_tokens(form))
                if words:
                    curated.add(words, entry)

    for a in table.agencies:
        add(
            a.name,
            list(a.aliases),
            _Entry(a.name, _key(a.name), a.kind, a.place, a.requestable, a.needs_place, a.local),
        )
    for s in table.sectors:
        names = [s.name, *s.aliases]
        if s.department:
            name = f"Sở {s.name}"
            add(
                name,
                [f"Sở {n}" for n in names],
                _Entry(name, _key(name), "department", False, False, False, None),
            )
        if s.ministry:
            name = f"Bộ {s.name}"
            add(
                name,
                [f"Bộ {n}" for n in names],
                _Entry(name, _key(name), "central", False, True, False, None),
            )
    sectors = _Trie()
    for s in table.sectors:
        for name in (s.name, *s.aliases, *s.abbreviations):
            words = _content(_phrase_tokens(name))
            if words:
                sectors.add(words, s)
    nouns = _Trie()
    classes: dict[str, _Class] = {}
    for c in table.collectives:
        classes[c.cls] = _Class(c.cls, c.name, c.key, c.kind, c.level, c.requestable, c.needs_cac)
        for noun in c.nouns:  # matched word for word, commas and dashes included
            words = tuple(t.f for t in _phrase_tokens(noun))
            nouns.add(words, _Noun(c.cls, canonical_spelling(noun), noun in c.first))
    heads = _Trie()
    for h in table.heads:
        heads.add(tuple(t.f for t in _phrase_tokens(h.words)), h)
    places = _Trie()
    for j in load_registry().jurisdictions:
        if j.kind == "country":
            continue
        for alias in (j.name, *j.aliases):
            words = [t.f for t in _raw_tokens(alias, fold(alias)) if t.word]
            while words and tuple(words[:2]) in _LEVEL_WORDS:
                words = words[2:]
            while words and tuple(words[:1]) in _LEVEL_WORDS:
                words = words[1:]
            if words:
                places.add(tuple(words), j.kind)
    return _Compiled(curated, entries, sectors, nouns, classes, heads, places)


@cache
def _first_words() -> frozenset[str]:
    """Every word an agency phrase can start with: the first words of the curated names,
    collective nouns and name heads, and the words the other readers of :func:`_agency_at`
    look for first ("các", "sở", "bộ", "ủy", "trung")."""
    c = _compiled()
    words = {"cac", "so", "bo", "uy", "trung"}
    for trie in (c.curated, c.nouns, c.heads):
        words.update(w for w in trie.root if w is not None)
    return frozenset(words)


# --------------------------------------------------------------------------- matches


@dataclass
class _Match:
    """An agency found at tokens ``[start, end)``, before it becomes an :class:`AgencyName`."""

    start: int
    end: int
    base: str  # display without the level word
    key: str
    kind: str
    collective: bool = False
    central: bool = False
    level: str | None = "provincial"
    requestable: bool = False
    place: bool = False  # the display carries the level word
    form: str = "city"
    cls: str | None = None  # collective class

    def copy(self) -> _Match:
        """A copy (as :func:`dataclasses.replace` with no change makes, but faster)."""
        new = object.__new__(_Match)
        new.__dict__.update(self.__dict__)
        return new

    def agency(self) -> AgencyName:
        name = self.base
        if self.place:
            name += " tỉnh" if self.form == "province" else " Thành phố"
        if self.form == "province" and not self.central:
            name = _province_form(name)
        return AgencyName(
            name=name,
            key=self.key,
            kind=self.kind,
            collective=self.collective,
            central=self.central,
            level=self.level,
            requestable=self.requestable,
        )


def _at(toks: list[_Tok], k: int, end: int, *words: str) -> bool:
    """Do the words at ``k`` read ``words``?"""
    if k + len(words) > end:
        return False
    for w in words:
        if toks[k].f != w:
            return False
        k += 1
    return True


#: Words of agency names whose folded form is a stop word: "đô thị" is not "do" (by),
#: "cán bộ" not "cần" (need), "đầu tư" not "từ" (from), "nông thôn mới" not "mọi" (every).
#: Compared with their accents, so a text without diacritics still stops there. And names
#: where the stop word follows a word it is one noun with ("việc làm": employment, not
#: "làm": do; "người tham gia": participants, not "tham gia": take part).
_NAME_HOMOGRAPHS = frozenset(
    ["đô", "thị", "cán", "tư", "chợ", "lâm", "đê", "cơ", "tài", "đảng", "vệ", "dò", "tế", "mới"]
)
_NAME_COMPOUNDS = frozenset({("viec", "lam"), ("nguoi", "tham")})


def _is_stop(toks: list[_Tok], k: int, end: int) -> bool:
    """Does a word that ends a name (a verb, a preposition …) start at ``toks[k]``?

    >>> toks = _phrase_tokens("đô thị do Sở cần làm việc làm")
    >>> [t.d for i, t in enumerate(toks) if _is_stop(toks, i, len(toks))]
    ['do', 'cần', 'làm']
    """
    if _STOP.match(toks, k, end) is None:
        return False
    if canonical_spelling(toks[k].d).lower() in _NAME_HOMOGRAPHS:
        return False
    return not (k > 0 and (toks[k - 1].f, toks[k].f) in _NAME_COMPOUNDS)


def _shown(tok: _Tok, caps: bool) -> str:
    """A word as a name shows it: modern spelling. In a phrase written in capitals (``caps``)
    a word gets only its first letter capitalised ("THỦ ĐỨC" → "Thủ Đức"), its real case
    being unknown; "các", "và", "của" are lower case. Elsewhere capitals are an acronym."""
    shown = canonical_spelling(tok.d)
    if caps and tok.upper and not tok.expanded:
        shown = shown.lower() if tok.f in ("cac", "va", "cua") else shown[:1] + shown[1:].lower()
    return shown


def _name_words(toks: list[_Tok], k: int, end: int, limit: int = 4) -> int:
    """The end of a proper name at ``k``: capitalised words or a number, at most ``limit``."""
    caps = k > 0 and toks[k - 1].upper  # a heading in capitals: "… THÀNH PHỐ THỦ ĐỨC"
    j = k
    while j < end and j - k < limit:
        t = toks[j]
        if not t.word or not t.title:
            break
        if t.upper and not t.f.isdigit() and len(t.f) > 1 and not caps:
            break
        if t.f in ("va", "cac") or _compiled().heads.match(toks, j, end, skip=False):
            break
        stop = _caps_stop(t) if caps else (j == k and _is_stop(toks, j, end))
        if stop and not t.f.isdigit():
            break
        j += 1
    return j


@dataclass(frozen=True)
class _Place:
    """A place after a name: where it ends, the level form, and a district or commune."""

    end: int
    form: str  # "city", "province", "district" or "commune"
    local: str | None = None  # "quận 1", "huyện Củ Chi"


@cache
def _place_words() -> frozenset[str]:
    """Every word :func:`_place_at` can start with: "của", "trên", "cấp", the first word of a
    level word, a place or a district or commune noun."""
    c = _compiled()
    words = {"cua", "tren", "cap", *(w[0] for w in _LEVEL_WORDS)}
    for trie in (c.places, c.nouns):
        words.update(w for w in trie.root if w is not None)
    return frozenset(words)


def _accented_near(toks: list[_Tok], k: int) -> bool:
    """Whether the words around ``toks[k]`` carry diacritics (the text was typed with them)."""
    near = toks[max(0, k - 3) : k + 4]
    return any(
        t.word and not t.expanded and canonical_spelling(t.d).lower() != t.f
        for t in near
        if t is not toks[k]
    )


def _spelled_as(tok: _Tok, word: str, accented: bool = False) -> bool:
    """Is ``tok`` the word ``word`` as it is spelled, accents included? A word written with
    no diacritic at all agrees with any in a text typed without them (``accented`` False),
    not where the words around it carry theirs ("quan" of "cơ quan Đảng" is no "quận").

    >>> t = _phrase_tokens("Quản quận Quan")
    >>> [_spelled_as(x, "quận") for x in t], _spelled_as(t[2], "quận", accented=True)
    ([False, True, True], False)
    """
    shown = canonical_spelling(tok.d).lower()
    return shown == word or (shown == tok.f and not accented)


def _place_at(toks: list[_Tok], k: int, end: int) -> _Place | None:
    """A place after a name: "thành phố", "TP Hải Phòng", "tỉnh Bắc Ninh", "Hà Nội",
    "của Thành phố", "trên địa bàn thành phố", "huyện Củ Chi"."""
    if k >= end or toks[k].f not in _place_words():
        return None  # (most words: no place, level word or "của" starts there)
    c = _compiled()
    j = k
    if _at(toks, j, end, "cua"):
        j += 1
    elif _at(toks, j, end, "tren", "dia", "ban"):
        j += 3
    elif _at(toks, j, end, "cap"):
        j += 1
    form = None
    for words, f in _LEVEL_WORDS.items():
        if _at(toks, j, end, *words):
            form, j = f, j + len(words)
            break
    if form is not None:
        dot = j < end and toks[j].f == "."  # "TP. Hồ Chí Minh"
        hit = c.places.match(toks, j + dot, end)
        if hit is not None:
            return _Place(hit[0], form)
        named = _name_words(toks, j + dot, end)
        return _Place(named if named > j + dot else j, form)
    hit = c.places.match(toks, j, end)
    if hit is not None:
        return _Place(hit[0], str(hit[1]))
    noun = c.nouns.match(toks, j, end, skip=False)
    if (
        noun is not None
        and isinstance(noun[1], _Noun)
        and noun[1].cls in ("districts", "communes")
        and noun[1].display != "thành phố"
        and _spelled_as(toks[j], noun[1].display.split()[0], _accented_near(toks, j))
        and not _at(toks, noun[0], end, "hoi")  # "xã hội"
        and not (j >= 2 and toks[j].f == "xa" and (toks[j - 2].f, toks[j - 1].f) == ("hop", "tac"))
    ):  # the "xã" of "hợp tác xã" (a cooperative) is no commune
        e, nouns = _district_nouns(toks, j, end)
        if len(nouns) == 1:
            named = _name_words(toks, e, end)
            caps = toks[j].upper
            local = " ".join([nouns[0].display, *(_shown(t, caps) for t in toks[e:named])])
            return _Place(named, "commune" if nouns[0].cls == "communes" else "district", local)
    return None


def _related_at(toks: list[_Tok], k: int, end: int) -> int:
    """Skip "liên quan", "có liên quan", "khác liên quan"."""
    j = _RELATED.match(toks, k, end)
    return k if j is None else j


def _curated_at(toks: list[_Tok], i: int, end: int, nested: bool = False) -> _Match | None:
    c = _compiled()
    found = c.curated.matches(toks, i, end)
    if not found:
        return None
    j, entry = found[-1]
    if not nested and len(found) > 1:
        # "Ban Bí thư, Trung ương Hội …": a longer listed name ("Ban Bí thư Trung ương") read
        # over a separator gives way when a name starting after the separator runs further.
        place = _place_at(toks, j, end)
        reach = place.end if place is not None else j
        for e, shorter in reversed(found[:-1]):
            k = e
            while k < j and toks[k].f in _SEPARATOR_WORDS:
                k += 1
            if k > e:
                other = _agency_at(toks, k, end, nested=True)
                if other and other[-1].end > reach:
                    j, entry = e, shorter
                    break
    assert isinstance(entry, _Entry)
    place = _place_at(toks, j, end)
    if entry.needs_place and place is None:
        return None
    if entry.local is not None and place is not None and place.local is None:
        entry = c.entries[entry.local]
    m = _Match(
        i,
        j,
        entry.name,
        entry.key,
        entry.kind,
        central=entry.kind == "central",
        level="central" if entry.kind == "central" else "provincial",
        requestable=entry.requestable,
        place=entry.place,
    )
    # "Tỉnh ủy", "Tỉnh đoàn", "Ban Chấp hành Đảng bộ tỉnh" in the text: province form.
    if any(
        toks[x].f == "tinh" and x + 1 < j and toks[x + 1].f in ("uy", "doan") for x in range(i, j)
    ) or (toks[j - 1].f == "tinh"):
        m.form = "province"
    return m


def _ubnd_head(toks: list[_Tok], i: int, end: int) -> int | None:
    if _at(toks, i, end, "uy", "ban", "nhan", "dan"):
        return i + 4
    if _at(toks, i, end, "uy", "ban", "nhan") and i + 3 < end:
        nxt = toks[i + 3].f
        if nxt in ("thanh", "tp", "tinh", "cac", "quan", "huyen", "thi", "cap"):
            return i + 3
    return None


def _district_nouns(
    toks: list[_Tok], k: int, end: int, classes: tuple[str, ...] = ("districts", "communes")
) -> tuple[int, list[_Noun]]:
    """A list of district or commune nouns ("quận, huyện, thị xã"); (end, nouns)."""
    c = _compiled()
    nouns: list[_Noun] = []
    j = k
    while j < end and len(nouns) < 8:
        hit = c.nouns.match(toks, j, end, skip=False)
        if hit is None or not isinstance(hit[1], _Noun) or hit[1].cls not in classes:
            break
        noun = hit[1]
        if not _spelled_as(toks[j], noun.display.split()[0], _accented_near(toks, j)):
            break  # "Quản lý" is no "quận", nor "cơ quan" in an accented text
        nouns.append(noun)
        j = hit[0]
        s = j
        if s < end and toks[s].f in (",", "-"):
            s += 1
        if s < end and toks[s].f == "va":
            s += 1
        nxt = c.nouns.match(toks, s, end, skip=False)
        if nxt is None or not isinstance(nxt[1], _Noun) or nxt[1].cls not in classes:
            break
        j = s
    return j, nouns


def _ubnd_at(toks: list[_Tok], i: int, end: int) -> _Match | None:
    k = _ubnd_head(toks, i, end)
    if k is None:
        return None
    c = _compiled()
    base = "Ủy ban nhân dân"
    prov = _Match(i, k, base, "uy ban nhan dan", "people-committee", place=True)
    # "thành phố <name>": the city itself, or a city under it (Thủ Đức)
    lw = 2 if _at(toks, k, end, "thanh", "pho") else 0
    if lw:
        j = k + lw + (1 if _at(toks, k + lw, end, ".") else 0)
        hit = c.places.match(toks, j, end)
        if hit is not None and hit[1] == "city":
            prov.end = hit[0]
            return prov
        name_end = hit[0] if hit is not None else _name_words(toks, j, end)
        if name_end == j:
            prov.end = k + lw  # not the full stop of "TP."
            return prov
        name = " ".join(_shown(t, toks[k].upper) for t in toks[j:name_end])
        cac = toks[name_end + 1] if name_end + 1 < end else None
        if _at(toks, name_end, end, "va", "cac") and (cac.upper or not cac.title):
            # "… thành phố Thủ Đức và các quận, huyện" (not "… và Các quận, huyện": a list)
            e, nouns = _district_nouns(toks, name_end + 2, end, ("districts",))
            if nouns:
                listed = ", ".join(n.display for n in nouns)
                return _Match(
                    i,
                    e,
                    f"{base} thành phố {name} và các {listed}",
                    "uy ban nhan dan cap huyen",
                    "people-committee",
                    collective=True,
                    level="district",
                )
        return _Match(
            i,
            name_end,
            f"{base} thành phố {name}",
            _key(f"{base} thành phố {name}"),
            "people-committee",
            level="district",
        )
    if _at(toks, k, end, "tinh"):
        prov.form = "province"
        hit = c.places.match(toks, k + 1, end)
        prov.end = hit[0] if hit is not None else k + 1
        return prov
    if _at(toks, k, end, "cap", "huyen") or _at(toks, k, end, "cap", "xa"):
        commune = toks[k + 1].f == "xa"
        return _Match(
            i,
            k + 2,
            f"{base} cấp {'xã' if commune else 'huyện'}",
            "uy ban nhan dan cap xa" if commune else "uy ban nhan dan cap huyen",
            "people-committee",
            collective=True,
            level="commune" if commune else "district",
        )
    if _at(toks, k, end, "cac", "cap"):
        return _Match(
            i,
            k + 2,
            f"{base} các cấp",
            "uy ban nhan dan cac cap",
            "people-committee",
            collective=True,
            level=None,
        )
    if _at(toks, k, end, "cac", "tinh"):
        return _provinces(toks, i, k + 2, end)
    cac = _at(toks, k, end, "cac")
    e, nouns = _district_nouns(toks, k + cac, end)
    if nouns:
        commune = nouns[0].cls == "communes"
        key = "uy ban nhan dan cap xa" if commune else "uy ban nhan dan cap huyen"
        level = "commune" if commune else "district"
        if cac or len(nouns) >= 2:
            listed = ", ".join(n.display for n in nouns)
            return _Match(
                i,
                e,
                f"{base} các {listed}",
                key,
                "people-committee",
                collective=True,
                level=level,
            )
        if nouns[0].display == "thành phố":
            return None
        name_end = _name_words(toks, e, end)
        name = " ".join(_shown(t, toks[e - 1].upper) for t in toks[e:name_end])
        display = f"{base} {nouns[0].display}" + (f" {name}" if name else "")
        return _Match(i, name_end, display, _key(display), "people-committee", level=level)
    place = _place_at(toks, k, end)
    if place is not None and place.local is None:
        prov.end, prov.form = place.end, place.form
    return prov


def _provinces(toks: list[_Tok], i: int, k: int, end: int) -> _Match:
    """ "Ủy ban nhân dân các tỉnh[, thành phố][ trực thuộc trung ương]" from ``toks[k]`` (after
    "các tỉnh"): every province's People's Committee, the collective a central text assigns.

    >>> toks = _phrase_tokens("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương chủ trì")
    >>> m = _ubnd_at(toks, 0, len(toks))
    >>> m.base, m.collective, m.level, toks[m.end].f
    ('Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương', True, 'provincial', 'chu')
    """
    cities = 0
    if _at(toks, k, end, ",", "thanh", "pho") or _at(toks, k, end, "va", "thanh", "pho"):
        k, cities = k + 3, 1
    if _at(toks, k, end, "truc", "thuoc", "trung", "uong"):
        k += 4
    name = "Ủy ban nhân dân các tỉnh" + (", thành phố trực thuộc Trung ương" if cities else "")
    return _Match(
        i,
        k,
        name,
        "uy ban nhan dan cap tinh",
        "people-committee",
        collective=True,
        level="provincial",
    )


def _collective_at(toks: list[_Tok], i: int, end: int, in_list: bool = False) -> list[_Match]:
    """ "Các sở, ban, ngành", "các cơ quan, đơn vị liên quan", "Sở, ngành, địa phương": one
    agency per run of nouns of one class. A lone noun without "các" ("sở", "đơn vị") is a
    collective only inside a list or with "liên quan" or a place after it."""
    c = _compiled()
    groups: list[list] = []  # [cls, start, end, nouns, had "các"]
    j = last_end = i
    while j < end and sum(len(g[3]) for g in groups) < 12:
        start = j
        cac = toks[j].f == "cac"
        if cac:
            j += 1
        hit = c.nouns.match(toks, j, end, skip=False)
        if hit is None or not isinstance(hit[1], _Noun):
            break
        noun = hit[1]
        last = groups[-1] if groups else None
        if last is not None and noun.cls == "levels":
            break  # "… các cấp" qualifies the collective before it
        after = hit[0]
        following = c.nouns.match(toks, after, end, skip=False)
        if (
            (groups or not cac)
            and after < end
            and toks[after].word
            and toks[after].title
            and (following is None or getattr(following[1], "cls", None) != noun.cls)
            and ((p := _place_at(toks, after, end)) is None or p.local is not None)
            and _RELATED.match(toks, after, end) is None
        ):
            break  # "…, Ban Bí thư", "…, Ban Tổ chức Thành ủy": the noun opens a name
        same = last is not None and (
            last[0] == noun.cls
            or (last[0] == "ministries" and noun.cls == "departments" and not cac)
        )
        if same:
            assert last is not None
            last[2] = hit[0]
            last[3].append(noun)
        elif groups and not cac and toks[start - 1].word:
            break  # "sở ngành" runs on without a comma only within one class
        else:
            if not (cac or noun.first) or (c.classes[noun.cls].needs_cac and not cac):
                break
            groups.append([noun.cls, start, hit[0], [noun], cac])
        j = last_end = hit[0]
        s = j
        if s < end and toks[s].f in (",", "-", "/"):
            s += 1
        if s < end and toks[s].f == "va":
            s += 1
        nk = s + 1 if s < end and toks[s].f == "cac" else s
        nxt = c.nouns.match(toks, nk, end, skip=False)
        if nxt is None or not isinstance(nxt[1], _Noun):
            break
        j = s
    if not groups:
        return []
    groups[-1][2] = last_end
    first = groups[0]
    if not first[4] and len(first[3]) == 1 and len(groups) == 1 and not in_list:
        lone = len(_content(_phrase_tokens(first[3][0].display))) >= 3
        after = first[2]
        if not (
            lone
            or _related_at(toks, after, end) != after
            or _place_at(toks, after, end) is not None
            or _at(toks, after, end, "trung", "uong")
            or _at(toks, after, end, "cac", "cap")
        ):
            return []
    out = []
    for cls, start, stop, nouns, _cac in groups:
        spec = c.classes[cls]
        base, key = spec.name, spec.key
        if cls in ("districts", "communes"):
            base = "Các " + ", ".join(n.display for n in nouns)
        elif cls == "cooperatives":
            shown = list(dict.fromkeys(n.display for n in nouns))
            base = "Các " + ", ".join(shown)
            key = _key(base)
        out.append(
            _Match(
                start,
                stop,
                base,
                key,
                spec.kind,
                collective=True,
                central=spec.kind == "central",
                level=spec.level,
                requestable=spec.requestable,
                cls=cls,
            )
        )
    return out


def _sector_list_at(toks: list[_Tok], i: int, end: int) -> list[_Match]:
    """ "Các Sở: Tài chính, Xây dựng", "các Bộ Kế hoạch và Đầu tư, Tài chính": one head for
    several sectors; one agency per sector."""
    c = _compiled()
    j = i + _at(toks, i, end, "cac")
    if (
        j >= end
        or toks[j].f not in ("so", "bo")
        or not _head_written(toks, j, j + 1, "Sở" if toks[j].f == "so" else "Bộ")
    ):
        return []
    ministry = toks[j].f == "bo"
    colon = _at(toks, j + 1, end, ":")
    k = j + 1 + colon
    out: list[_Match] = []
    start = i
    while k < end and len(out) < 30:
        hit = c.sectors.match(toks, k, end)
        if hit is None or (out and (_curated_at(toks, k, end) or _place_at(toks, hit[0], end))):
            break  # "…, Công an tỉnh" is a body of its own, not one more ministry
        sector = hit[1]
        assert isinstance(sector, Sector)
        if (ministry and not sector.ministry) or (not ministry and not sector.department):
            break
        name = f"{'Bộ' if ministry else 'Sở'} {sector.name}"
        out.append(
            _Match(
                start,
                hit[0],
                name,
                _key(name),
                "central" if ministry else "department",
                central=ministry,
                level="central" if ministry else "provincial",
                requestable=ministry,
            )
        )
        k = hit[0]
        s = _separator(toks, k, end, lenient=False)
        if s is None or c.sectors.match(toks, s, end) is None:
            break
        k = start = s
    return out if len(out) >= 2 or (out and colon) else []


def _head_written(toks: list[_Tok], i: int, k: int, words: str) -> bool:
    """Is the head written with its own letters (not "Quý" for "Quỹ", "báo cáo" for "Báo")?"""
    shown = " ".join(canonical_spelling(t.d).lower() for t in toks[i:k])
    return shown == words.lower() or (words == "Sở" and (toks[i].upper or shown == "sở"))


def _head_cased(toks: list[_Tok], i: int, k: int, words: str) -> bool:
    """Is a head of several words written with its capitals ("Ban Quản lý", not "Ban quản
    lý")? After such a head a name may go on in lower case ("Ban Quản lý chợ Đà Lạt")."""
    heads = words.split()
    return len(heads) > 1 and all(
        t.title == w[0].isupper() or t.upper for t, w in zip(toks[i:k], heads, strict=False)
    )


def _generic_at(toks: list[_Tok], i: int, end: int) -> _Match | None:
    c = _compiled()
    hit = c.heads.match(toks, i, end, skip=False)
    if hit is None:
        return None
    k, head = hit
    if not _head_written(toks, i, k, head.words):
        return None
    if head.capital_after and not (k < end and toks[k].word and toks[k].title):
        return None
    sector = c.sectors.match(toks, k, end) if head.words == "Phòng" else None
    start_rest = k
    party = central = vn = False
    suffix = ""
    lower_run = 0
    j = k
    while j < end and j - start_rest < 10:
        t = toks[j]
        nxt_title = (
            j + 1 < end
            and toks[j + 1].word
            and toks[j + 1].title
            and (not toks[j + 1].upper or toks[j - 1].upper)
        )
        if not t.word:
            # "Phòng Tài chính - Kế hoạch": a dash between capitalised words
            if (
                t.f == "-"
                and j > start_rest
                and nxt_title
                and _DESCRIPTION.match(toks, j + 1, end) is None
                and _MEMBER_ROLE.match(toks, j + 1, end) is None
            ):
                j += 1
                continue
            if t.f == "," and j > start_rest and _name_goes_on(toks, j + 1, end):
                j += 1  # "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch"
                continue
            break
        nxt_name = j + 1 < end and toks[j + 1].title
        if t.f == "cac" and nxt_name and c.nouns.match(toks, j + 1, end, skip=False) is None:
            # "Ban Quản lý các Khu công nghiệp"
            j += 1
            continue
        pair = (t.f, toks[j + 1].f) if j + 1 < end else None
        if pair in _PARTY_SUFFIX:
            party, suffix, j = True, _PARTY_SUFFIX[pair], j + 2
            break
        if pair == ("trung", "uong"):
            central, suffix, j = True, "Trung ương", j + 2
            if _at(toks, j, end, "dang"):
                suffix, j = "Trung ương Đảng", j + 1
            break
        if pair == ("viet", "nam"):
            vn, suffix, j = True, "Việt Nam", j + 2
            break
        mixed = not t.upper or t.expanded
        prev = toks[j - 1]
        # the second syllable of a capitalised word ("Đào tạo", "Kinh tế") is part of it
        compound = (
            j > start_rest
            and mixed
            and prev.title
            and prev.f.isalpha()
            and not prev.upper
            and not t.title
            and (t.f not in _FUNCTION_WORDS or canonical_spelling(t.d).lower() in _NAME_HOMOGRAPHS)
            # not after a proper name, every syllable capitalised: "chợ Đà Lạt thực hiện"
            and not (j - 1 > start_rest and toks[j - 2].title and toks[j - 2].word)
            # nor a verb of two words or more: "Văn phòng Sở rà soát …"
            and (_STOP.match(toks, j, end) or j) - j < 2
        )
        if not compound:
            if t.f == "va" and j > start_rest and _name_goes_on(toks, j + 1, end):
                j += 1  # "Cục Kinh tế hợp tác và Phát triển nông thôn"
                continue
            if not mixed and _caps_stop(t):
                break
            if not t.title and _is_stop(toks, j, end):
                break
            if _place_at(toks, j, end) is not None or t.f == "va":
                break
            if _district_nouns(toks, j + (t.f == "cac"), end, ("districts",))[1]:
                break  # "Ban Chỉ đạo quận, huyện": a scope, not a name
            if _ubnd_head(toks, j, end) is not None and not (
                head.kind == "party" and j == start_rest
            ):
                break  # but "Đảng ủy UBND tỉnh": the People's Committee's Party committee
        if mixed and not t.title and not compound:
            # "nhà nước" (the State) is one word: "Cục Phát triển doanh nghiệp nhà nước"
            lower_run += not (t.f == "nuoc" and toks[j - 1].f == "nha")
            if lower_run > 3:
                break
        else:
            lower_run = 0
        j += 1
    lower = j < end and (
        (toks[j].word and not toks[j].title)
        or (toks[j].f == "," and j + 1 < end and toks[j + 1].word and not toks[j + 1].title)
    )
    at = j + (toks[j].f in (",", "cac")) if lower else j
    scope = lower and (
        _place_at(toks, at, end) is not None
        or bool(_district_nouns(toks, at, end, ("districts", "communes"))[1])
    )
    if lower and not scope and (j > start_rest or _head_cased(toks, i, k, head.words)):
        # "Quỹ Hỗ trợ phát triển hợp tác xã chủ trì", "Ban Quản lý các khu công nghiệp …"
        j = _lower_words_to_role(toks, j, end)
    if sector is not None and sector[0] >= j and isinstance(sector[1], Sector):
        name = f"Phòng {sector[1].name}"  # a district office named after a sector
        return _Match(i, sector[0], name, _key(name), "department", level="district")
    n_suffix = len(suffix.split())
    words = toks[start_rest : j - n_suffix] if suffix else toks[start_rest:j]
    if not words and not suffix:
        scope = _district_nouns(toks, j + _at(toks, j, end, "cac"), end, ("districts",))[1]
        if not (head.bare and (_place_at(toks, j, end) is not None or len(scope) >= 2)):
            return None
    if words:
        first = words[1] if words[0].f == "cac" and len(words) > 1 else words[0]
        # after a head of two words ("Ban Quản lý chợ Đà Lạt") the name may go on in lower case
        if not first.title and not first.upper and not _head_cased(toks, i, k, head.words):
            return None
    caps = all(t.upper for t in toks[i:j] if t.word and not t.expanded)
    shown = [_shown(t, caps) for t in words]
    if caps and head.kind == "steering-committee":  # what it steers, in lower case
        shown = [w if t.expanded else w.lower() for t, w in zip(words, shown, strict=True)]
    base = " ".join([head.words, *shown, *([suffix] if suffix else [])]).replace(" , ", ", ")
    kind, level = head.kind, head.level or "provincial"
    if head.words == "Phòng" and any(w.f == "so" and w.title for w in words):
        level = "provincial"  # "Phòng Đăng ký kinh doanh Sở Kế hoạch và Đầu tư": a division
    if party:
        kind = "party"
        level = "district" if suffix in ("Quận ủy", "Huyện ủy", "Thị ủy") else level
    if central or (vn and kind in ("mass-organisation", "state-unit", "other")):
        kind = "central"
    if kind == "central":
        level = "central"
    return _Match(
        i,
        j,
        base,
        _key(base),
        kind,
        central=kind == "central",
        level=level,
        requestable=kind in REQUESTABLE_KINDS,
        place=not words and not suffix,
    )


def _name_goes_on(toks: list[_Tok], k: int, end: int) -> bool:
    """Whether an unlisted name goes on at ``toks[k]``, after a comma or "và": a capitalised
    word that starts no agency and no place ("… Đầu tư, Thương mại và Du lịch"; not "…, Sở
    Tài chính", "… và Ủy ban nhân dân", "…, thành phố")."""
    if k >= end or not toks[k].word or not toks[k].title or toks[k].f.isdigit():
        return False
    if toks[k].upper and not (k > 1 and (toks[k - 2].upper or toks[k - 2].expanded)):
        return False  # an acronym after a name in lower case: another body ("…, UBND")
    return (
        _place_at(toks, k, end) is None
        and not _agency_at(toks, k, end, prefix=False)
        and _skip_title(toks, k, end) == k  # "… và Ban điều hành các khu phố": a board
    )


#: Words an unlisted name's lower-case words never hold: they start a predicate or a clause.
_NAME_BREAK = _Phrases(
    _bar(
        "chu tri|phoi hop|chiu trach nhiem|co trach nhiem|tham muu|thuc hien|la|lam|duoc|cua|"
        "voi|de|cho|tai|theo|trong|ve|tu|den|khi|neu|nham|bang|qua|va|hoac|da|se|dang|can|phai"
    )
)
#: Words of the stop list that names hold in lower case ("Quỹ Hỗ trợ phát triển hợp tác xã",
#: "Ban Quản lý dự án đầu tư xây dựng", "Trung tâm Tư vấn và hỗ trợ doanh nghiệp").
_NAME_VERBS = frozenset(
    ["phat trien", "ho tro", "quan ly", "dau tu", "dao tao", "boi duong", "xuc tien", "cac",
     "dich vu", "xay dung", "nghien cuu", "tu van", "cung ung", "bao ve", "khai thac",
     "thuong xuyen"]
)  # fmt: skip
#: What may end an unlisted name whose words run on in lower case: its role, or a list.
_NAME_END = _Phrases(
    _bar("chu tri|phoi hop|chiu trach nhiem|co trach nhiem|lam dau moi|la|thuc hien")
)


def _lower_words_to_role(toks: list[_Tok], j: int, end: int, limit: int = 8) -> int:
    """Where an unlisted name ends whose words go on in lower case from ``toks[j]`` ("Quỹ
    Hỗ trợ phát triển hợp tác xã", "Ban Quản lý các khu công nghiệp", "Ban Quản lý chợ Đà
    Lạt"): only when they reach, within ``limit`` words, its role ("chủ trì", "phối hợp" …)
    or a list's next agency ("…, Sở Công Thương"), maybe after a place word; else ``j``.
    No word that starts a predicate or a clause is crossed (:data:`_NAME_BREAK`)."""
    k = j
    name_end = j  # the place after the name is not part of it ("… khu công nghiệp tỉnh")
    while k < end and k - j <= limit:
        t = toks[k]
        if _NAME_END.match(toks, k, end) is not None:
            return name_end
        if t.f in (",", ";") or (t.word and t.f == "va"):
            nxt = k + 1
            if t.f in (",", "va") and nxt < end and toks[nxt].word and not toks[nxt].title:
                k = nxt  # "Học viện … nông nghiệp, nông thôn chủ trì", "… tập thể và tư nhân"
                continue
            return name_end if nxt < end and _agency_at(toks, nxt, end, prefix=False) else j
        if not t.word:
            return j
        written = canonical_spelling(t.d).lower()  # "tư" (đầu tư) is no "từ"
        if written not in _NAME_HOMOGRAPHS and _NAME_BREAK.match(toks, k, end) is not None:
            return j
        place = _place_at(toks, k, end)
        if place is not None:
            return k if k > j else j  # a name ends with its place: "… khu công nghiệp tỉnh"
        verb = _STOP.match(toks, k, end) if _is_stop(toks, k, end) else None
        if verb is not None and " ".join(x.f for x in toks[k:verb]) not in _NAME_VERBS:
            return j  # a predicate: "Trung tâm Khuyến nông hướng dẫn …"
        k += 1
        name_end = k
    return name_end if k >= end else j  # a heading that is only the name: "1. Phòng … tư nhân"


def _make_central(m: _Match) -> None:
    m.kind, m.central, m.level, m.requestable, m.place = "central", True, "central", True, False


@cache
def _qualifier_words() -> frozenset[str]:
    """Every word a qualifier read by :func:`_mods` can start with."""
    c = _compiled()
    return frozenset(
        {"cac", "cap", "trung", "viet", "cua"}
        | _RELATED.first
        | _place_words()
        | {w for w in c.nouns.root if w is not None}
    )


def _mods(toks: list[_Tok], m: _Match, end: int) -> _Match:
    """Words after a name that qualify it: place, "liên quan", "các cấp", a district scope,
    "Việt Nam" (the national body), "của Thành ủy"."""
    j = m.end
    qualifiers = _qualifier_words()
    for _ in range(6):
        if j >= end or toks[j].f not in qualifiers:
            break  # nothing below could read a qualifier here
        k = _related_at(toks, j, end)
        if k != j:
            j = k
            continue
        if _at(toks, j, end, "cac", "cap"):
            m.base += " các cấp"
            m.key += " cac cap"
            m.collective, m.level, m.place = True, None, False
            j += 2
            continue
        if _at(toks, j, end, "cap", "huyen") or _at(toks, j, end, "cap", "xa"):
            level = "district" if toks[j + 1].f == "huyen" else "commune"
            if not m.collective:  # "Hội Nông dân cấp huyện": the body at every district
                m.base += " cấp huyện" if level == "district" else " cấp xã"
                m.key += " cap huyen" if level == "district" else " cap xa"
                m.collective, m.level, m.place = True, level, False
            j += 2
            continue
        if _at(toks, j, end, "trung", "uong") and m.kind == "central":
            j += 2
            continue
        if (
            _at(toks, j, end, "viet", "nam")
            and not m.central
            and not m.collective
            and m.kind in ("mass-organisation", "state-unit", "other")
        ):
            m.base += " Việt Nam"  # "Hội Nhà báo Việt Nam": the national body
            m.key = _key(m.base)
            _make_central(m)
            j += 2
            continue
        if m.cls == "departments" and _at(toks, j, end, "cua"):  # "Các Ban của TU"
            party = next((v for w, v in _PARTY_SUFFIX.items() if _at(toks, j + 1, end, *w)), None)
            if party is not None:
                m.base = f"Các ban của {party}"
                m.key = _key(m.base)
                m.kind, m.requestable, m.cls = "party", True, "party-boards"
                j += 3
                continue
        if m.cls == "district-departments" and _at(toks, j, end, "cua"):
            u = _ubnd_at(toks, j + 1, end)
            if u is not None:
                j = u.end
                continue
        place = _place_at(toks, j, end)
        if place is not None and place.local is not None:
            if m.collective or m.kind == "people-committee":
                break
            j = place.end
            m.base = f"{m.base} {place.local}"
            m.key = _key(m.base)
            m.level, m.place = place.form, False
            continue
        if place is not None:
            j = place.end
            if place.form == "province":
                m.form = "province"
            # "thành phố và (các) quận, huyện": the scope of a collective
            if m.collective and _at(toks, j, end, "va"):
                s = j + 1 + (1 if _at(toks, j + 1, end, "cac") else 0)
                e, nouns = _district_nouns(toks, s, end, ("districts",))
                if nouns:
                    j, m.level = e, None
            continue
        if not m.collective and m.kind != "people-committee" and m.level != "district":
            cac = _at(toks, j, end, "cac")
            e, nouns = _district_nouns(toks, j + cac, end, ("districts",))
            if nouns and (cac or len(nouns) >= 2):
                listed = ", ".join(n.display for n in nouns)
                m.base += f" các {listed}"
                m.key += " cap huyen"
                m.collective, m.level, m.place = True, "district", False
                j = e
                continue
        break
    m.end = j
    return m


def _agency_at(
    toks: list[_Tok],
    i: int,
    end: int,
    in_list: bool = False,
    prefix: bool = True,
    nested: bool = False,
) -> list[_Match]:
    """The agency (or the agencies of one collective phrase) that starts at token ``i``;
    ``in_list``: after a list separator, where a lone "đơn vị" or "địa phương" is one;
    ``prefix``: "Trung ương" before a name makes it the national body (once)."""
    if i >= end or not toks[i].word or toks[i].f not in _first_words():
        return []  # (most words of a sentence: no reader below could start there)
    if (
        prefix
        and _at(toks, i, end, "trung", "uong")
        and not _compiled().curated.match(toks, i, end)
    ):
        inner = _agency_at(toks, i + 2, end, prefix=False, nested=nested)
        if len(inner) == 1 and not inner[0].collective:
            m = inner[0]
            base = m.base.removesuffix(" Việt Nam")
            m.start, m.base = i, f"Trung ương {base}"
            m.key = _key(m.base)
            _make_central(m)
            return [m]
        return []
    cands: list[list[_Match]] = []
    cur = _curated_at(toks, i, end, nested)
    if cur is not None:
        cands.append([cur])
    coll = _collective_at(toks, i, end, in_list)
    if coll:
        cands.append(coll)
    sectors = _sector_list_at(toks, i, end)
    if sectors:
        cands.append(sectors)
    ubnd = _ubnd_at(toks, i, end)
    if ubnd is not None:
        cands.append([ubnd])
    if not cands:
        gen = _generic_at(toks, i, end)
        if gen is None:
            return []
        cands.append([gen])
    best = max(cands, key=lambda ms: ms[-1].end)  # first of the longest
    best = [m.copy() for m in best]
    best[-1] = _mods(toks, best[-1], end)
    return best


# --------------------------------------------------------------------------- lists


def _skip_title(toks: list[_Tok], k: int, end: int) -> int:
    """Skip a head's title ("Giám đốc", "Chủ tịch", "(Các) thủ trưởng") before an agency,
    with the honorific a steering committee's plan gives its members ("(Các) đồng chí Giám
    đốc Sở …"), or the boards of several bodies ("Ban Thường vụ các huyện ủy"); "Chánh Văn
    phòng …" keeps "Văn phòng"."""
    h = _HONORIFIC.match(toks, k, end)
    s = k if h is None else h
    if (b := _BOARD.match(toks, s, end)) is not None and _at(toks, b, end, "cac"):
        # "Ban Thường vụ các đảng ủy trực thuộc", "Ban điều hành các khu phố": each one's board
        return b if _agency_at(toks, b, end, in_list=True) else k
    cac = _at(toks, s, end, "cac")
    j = _TITLES.match(toks, s + cac, end)
    if j is None and s + cac < end and toks[s + cac].d.lower() == "trưởng":
        j = s + cac + 1  # "Trưởng Công an huyện" (never "Trường", a school)
    if j is None:
        return k
    many = cac or (h is not None and toks[k].f == "cac")
    return j if _agency_at(toks, j, end, in_list=many) else k


def _skip_description(toks: list[_Tok], k: int, end: int) -> int:
    """Skip what describes the agency just named: "(… là cơ quan thường trực)",
    " - Cơ quan thường trực Ban Chỉ đạo …", "(trực) thuộc Bộ / Tỉnh ủy / …"."""
    for _ in range(3):
        if k < end and toks[k].f == "(":
            depth, j = 0, k
            while j < end and j - k < 80:
                if toks[j].f == "(":
                    depth += 1
                elif toks[j].f == ")":
                    depth -= 1
                    if depth == 0:
                        break
                elif toks[j].f in ("\n", "\t"):
                    break
                j += 1
            if j < end and toks[j].f == ")":
                k = j + 1
                continue
            return k
        of = 0  # where the owner after "(trực) thuộc" starts
        if _at(toks, k, end, "truc", "thuoc"):
            of = k + 2
        elif _at(toks, k, end, "thuoc"):
            of = k + 1
        if of and of < end and toks[of].title:  # "… thuộc Bộ", "… trực thuộc Tỉnh ủy"
            owner = _agency_at(toks, of, end, prefix=False)
            k = owner[-1].end if owner else of + 1
            continue
        if k < end and toks[k].f == "-" and (j := _MEMBER_ROLE.match(toks, k + 1, end)):
            k = _MEMBER_OF.match(toks, j, end) or j  # " - Phó Trưởng ban Thường trực"
            continue
        if k < end and toks[k].f == "-" and _DESCRIPTION.match(toks, k + 1, end):
            j = k + 1
            while j < end and j - k < 80:
                f = toks[j].f
                if f in (":", ";", "\n", "\t", "("):
                    break
                if f == "." and (j + 1 >= end or toks[j + 1].f in ("\n", "\t")):
                    break
                j += 1
            k = j
            continue
        break
    return k


_LIST_SEPARATORS = frozenset({",", ";", "/", "+"})


def _separator(toks: list[_Tok], k: int, end: int, lenient: bool) -> int | None:
    """The end of a list separator at ``k`` (", ", "; ", " và ", " cùng "), or ``None``."""
    j = k
    seen = False
    while j < end:
        f = toks[j].f
        if f in _LIST_SEPARATORS or (lenient and f in ("\n", "\t", "-")):
            j, seen = j + 1, True
        elif f in ("va", "cung") and toks[j].word:
            j, seen = j + 1, True
            if _at(toks, j, end, "voi"):
                j += 1
        else:
            break
        if j - k > 4:
            break
    return j if seen else None


class _GiveUp(Exception):
    """Raised by a ``give_up`` check of :func:`_list_at` to stop reading a list."""


def _list_at(
    toks: list[_Tok],
    i: int,
    end: int,
    lenient: bool = False,
    titles: bool = True,
    give_up: Callable[[int, list[_Match]], bool] | None = None,
) -> tuple[list[_Match], int]:
    """The agencies listed from token ``i``; strict lists end before anything else.

    ``give_up(k, items)`` is asked before each agency is looked for at token ``k``; when it
    says so, :class:`_GiveUp` is raised.
    """
    items: list[_Match] = []
    k = i
    last_end = i
    ahead: tuple[int, list[_Match]] | None = None  # what a strict list read after a separator
    while k < end:
        if give_up is not None and give_up(k, items):
            raise _GiveUp
        if ahead is not None:  # read at k already (k is that separator's end, items non-empty)
            start, found = ahead
            ahead = None
        else:
            start = _skip_title(toks, k, end) if titles or items else k
            found = _agency_at(toks, start, end, in_list=bool(items))
        if not found:
            if not lenient:
                break
            k = _skip_to_separator(toks, k, end)
            continue
        items.extend(found)
        k = _skip_description(toks, found[-1].end, end)
        last_end = k
        s = _separator(toks, k, end, lenient)
        if s is None:
            if not lenient:
                break
            k = _skip_to_separator(toks, k, end)
            continue
        if not lenient:
            nxt = _skip_title(toks, s, end)
            if _label_at(toks, nxt, end):
                break  # "…; cơ quan phối hợp: …": the next label, not the next agency
            found = _agency_at(toks, nxt, end, in_list=True)
            if not found:
                break
            ahead = (nxt, found)
        k = s
    return items, last_end


def _skip_to_separator(toks: list[_Tok], k: int, end: int) -> int:
    """Past the next separator after ``k`` (a cell's words that name no agency)."""
    j = k + 1
    while j < end:
        f = toks[j].f
        if f in _LIST_SEPARATORS or f in ("\n", "\t", "(", ")", ":") or f == "va":
            return j + 1
        j += 1
    return end


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class _Text:
    """A text's view and its tokens; spans of matches map back to the original string."""

    view: TextView
    toks: list[_Tok]

    def span(self, m: _Match) -> tuple[int, int]:
        a, b = self.toks[m.start].a, self.toks[m.end - 1].b
        return self.view.to_original(a, b)

    def spans(self, ms: list[_Match]) -> list[AgencySpan]:
        out = []
        for m in ms:
            a, b = self.span(m)
            out.append(AgencySpan(a, b, m.agency()))
        return out


# Texts read lately whose view is the text itself, by the text without its trailing " :.;"
# (a heading is read with them for its roles, and without them to see if it only names
# agencies).
_PLAIN_READS: dict[str, _Text] = {}
_PLAIN_READS_MAX = 256  # texts kept, each of at most _PLAIN_READ_CHARS characters
_PLAIN_READ_CHARS = 1000
_TRAILING = " :.;"


def _read_prefix(text: str) -> _Text | None:
    """The reading of ``text`` taken from a plain text read lately that is ``text`` followed
    by some of " :.;", or ``None``.

    When ``text`` is plain too, its view is the longer one cut. Its tokens are the longer
    text's tokens that end before the cut, unless one runs across it: none of " :.;" continues
    a word, and the abbreviations spelled out before the cut are the same, each one at a
    token being the longest that matches from there.
    """
    whole = _PLAIN_READS.get(text)
    if whole is None:
        return None
    if whole.view.original == text:
        return whole
    n = len(text)
    if not whole.view.original.startswith(text) or not is_plain(text):
        return None
    toks = []
    for t in whole.toks:
        if t.b <= n:
            toks.append(t)
        elif t.a < n:
            return None  # an abbreviation spelled out across the cut
    return _Text(TextView(text, text, whole.view.fold[:n]), toks)


@memo_by_text(maxsize=64)  # one text is often read by several of the functions below in turn
def _read(text: str) -> _Text:
    read = _read_prefix(text)
    if read is not None:
        return read
    view = make_view(text)
    read = _Text(view, _expand(_raw_tokens(view.norm, view.fold)))
    if not view._maps and len(text) <= _PLAIN_READ_CHARS:  # the view is the text itself
        if len(_PLAIN_READS) >= _PLAIN_READS_MAX:
            _PLAIN_READS.clear()
        _PLAIN_READS[text.rstrip(_TRAILING)] = read
    return read


_ROMAN = re.compile(r"[ivxlc]{1,7}")


def _skip_enum(toks: list[_Tok], k: int, end: int) -> tuple[int, bool]:
    """Skip an item number ("1.", "1.1.", "a)", "đ)", "XIII", "(2)") or a bullet; returns
    (position, was a bullet)."""
    while k < end and toks[k].f in ("\n", "\t"):
        k += 1
    if k >= end:
        return k, False
    t = toks[k]
    if t.f in ("-", "+", "*", "•", "·"):
        return k + 1, True
    j = k
    if t.f == "(" and k + 2 < end and toks[k + 2].f == ")":
        return k + 3, False
    if t.f.isdigit():
        j = k + 1
        while j + 1 < end and toks[j].f == "." and toks[j + 1].f.isdigit():
            j += 2
        if j < end and toks[j].f in (".", ")"):
            j += 1
        return j, False
    nxt = toks[k + 1].f if k + 1 < end else "\n"
    if t.word and len(t.f) == 1 and t.f.isalpha() and nxt in (")", "."):
        return k + 2, False
    if (
        t.word
        and _ROMAN.fullmatch(t.f)
        and (t.upper or len(t.f) > 1)
        and nxt in (".", ")", "\t", "\n")
    ):
        return (k + 2 if nxt in (".", ")") else k + 1), False
    return k, False


# --------------------------------------------------------------------------- API


@memo_by_text()
def normalize_agency(text: str) -> AgencyName | None:
    """The canonical identity of one agency phrase; ``None`` when it is not one agency.

    Item numbers, bullets, a head's title ("Giám đốc Sở …"), a trailing place ("thành phố
    Hải Phòng") and punctuation are allowed around the name; a list of agencies is not one
    agency (use :func:`split_agencies`).

    >>> normalize_agency("Liên minh HTX Thành phố").name
    'Liên minh Hợp tác xã Thành phố'
    >>> normalize_agency("Sở Thông tin truyền thông").name
    'Sở Thông tin và Truyền thông'
    >>> a = normalize_agency("NGÂN HÀNG NHÀ NƯỚC VIỆT NAM - CHI NHÁNH TP HẢI PHÒNG")
    >>> a.name, a.key, a.kind
    ('Ngân hàng Nhà nước Việt Nam chi nhánh Thành phố', 'ngan hang nha nuoc viet nam chi nhanh',
     'state-unit')
    >>> a = normalize_agency("Uỷ ban nhân dân các quận - huyện")
    >>> a.name, a.key, a.collective, a.level
    ('Ủy ban nhân dân các quận, huyện', 'uy ban nhan dan cap huyen', True, 'district')
    >>> normalize_agency("Trung ương Hội nông dân Việt Nam").requestable
    True
    >>> normalize_agency("Hướng dẫn các hợp tác xã") is None
    True
    """
    t = _read(text)
    toks, end = t.toks, len(t.toks)
    k, _bullet = _skip_enum(toks, 0, end)
    k = _skip_title(toks, k, end)
    found = _agency_at(toks, k, end)
    if len(found) != 1:
        return None
    j = _skip_description(toks, found[0].end, end)
    if any(x.word for x in toks[j:end]):
        return None
    return found[0].agency()


def split_agencies(text: str) -> list[AgencySpan]:
    """The agencies a lead or coordinating cell (or a phrase) lists, in order, with spans.

    Separators are commas, semicolons, "và", line breaks and bullets; a description after an
    agency ("(… là cơ quan thường trực)", " - Cơ quan thường trực …") is not listed; words
    that are no agency are skipped up to the next separator.

    >>> [(s.agency.name, s.agency.collective) for s in split_agencies(
    ...     "Sở, ngành, Ủy ban nhân dân thành phố Thủ Đức và các quận, huyện và các đơn vị "
    ...     "liên quan")]
    [('Các sở, ban, ngành', True),
     ('Ủy ban nhân dân thành phố Thủ Đức và các quận, huyện', True),
     ('Các cơ quan, đơn vị liên quan', True)]
    >>> text = "Sở Tư pháp, Bảo hiểm xã hội Thành phố"
    >>> [text[s.start:s.end] for s in split_agencies(text)]
    ['Sở Tư pháp', 'Bảo hiểm xã hội Thành phố']
    """
    return list(_split_agencies(text))


@memo_by_text()
def _split_agencies(text: str) -> tuple[AgencySpan, ...]:
    t = _read(text)
    toks, end = t.toks, len(t.toks)
    k, _bullet = _skip_enum(toks, 0, end)
    if _at(toks, k, end, "giao") or _at(toks, k, end, "de", "nghi"):
        k += 1 if toks[k].f == "giao" else 2
    items, _ = _list_at(toks, k, end, lenient=True)
    return tuple(t.spans(items))


def agencies_cover(text: str, need: float) -> bool:
    """Do the agencies :func:`split_agencies` finds in ``text`` cover at least ``need`` of its
    characters (the sum of their spans' lengths)?

    The same answer as summing the spans, but reading stops as soon as the agencies found so
    far and all the text from the next word an agency can start with could not make ``need``:
    a task sentence is known not to be an agency heading after its first words.

    >>> agencies_cover("Sở Tài chính, Sở Xây dựng", 20), agencies_cover("Sở Tài chính chủ trì", 15)
    (True, False)
    """
    if need <= 0:
        return True
    return _agencies_cover(text, need)


@memo_by_text()
def _agencies_cover(text: str, need: float) -> bool:
    t = _read(text)
    toks, end = t.toks, len(t.toks)
    k, _bullet = _skip_enum(toks, 0, end)
    if _at(toks, k, end, "giao") or _at(toks, k, end, "de", "nghi"):
        k += 1 if toks[k].f == "giao" else 2
    give_up = None
    if not t.view._maps:  # spans are token offsets: disjoint, each after the ones before it
        n = len(text)
        # Every agency still to be found starts at or after a word an agency can start with:
        # ahead[k] is the offset of the first such word from token k on (n if none).
        firsts = _first_words()
        ahead = [n] * (end + 1)
        for i in range(end - 1, -1, -1):
            tok = toks[i]
            ahead[i] = tok.a if tok.word and tok.f in firsts else ahead[i + 1]
        counted = [0, 0]  # items counted, characters they cover

        def give_up(pos: int, items: list[_Match]) -> bool:
            for m in items[counted[0] :]:
                counted[1] += toks[m.end - 1].b - toks[m.start].a
            counted[0] = len(items)
            return counted[1] + n - ahead[pos] < need

    try:
        items, _ = _list_at(toks, k, end, lenient=True, give_up=give_up)
    except _GiveUp:
        return False
    return sum(b - a for a, b in map(t.span, items)) >= need


def _dedupe(spans: list[AgencySpan]) -> list[AgencySpan]:
    seen: set[str] = set()
    out = []
    for s in spans:
        if s.agency.key not in seen:
            seen.add(s.agency.key)
            out.append(s)
    return out


def _topic_opens(toks: list[_Tok], k: int, n: int) -> bool:
    """The sentence opens with its topic ("Về đề xuất của …:"), not with "Về phía <body>:",
    which names the body that acts."""
    return toks[k].f == "ve" and not (k + 1 < n and toks[k + 1].f == "phia")


def _sentences(toks: list[_Tok]) -> list[tuple[int, int, bool]]:
    """Sentences: split at line ends, tabs and sentence-final full stops; each with whether
    it starts with an item number (a heading may name its agency alone)."""
    out = []
    n = len(toks)
    k = 0
    while k < n:
        while k < n and toks[k].f in ("\n", "\t"):
            k += 1
        start, bullet = _skip_enum(toks, k, n)
        numbered = start > k and not bullet
        if start + 2 < n and toks[start].f == "ve" and toks[start + 1].f == "phia":
            start += 2  # "Về phía Sở Tài chính: …": the body that acts
        j = start
        topic_end = None  # "Về đề xuất của …:" — what the sentence is about, then its clause
        while j < n:
            f = toks[j].f
            if f in ("\n", "\t"):
                break
            if (
                f == "."
                and j > start
                and toks[j - 1].f != "tp"
                and (j + 1 >= n or toks[j + 1].title or not toks[j + 1].word)
            ):
                break
            if f == ":" and topic_end is None and _topic_opens(toks, start, n):
                topic_end = j
            j += 1
        if topic_end is not None and topic_end + 1 < j:
            start = topic_end + 1  # "…: giao Sở Nội vụ nghiên cứu": the assignment
        if j > start:
            out.append((start, j, numbered))
        k = j + 1
    return out


def roles_in_sentence(text: str) -> Roles:
    """The agency roles a sentence (or paragraph) of running text states.

    * The subject at the start of a sentence (or after a semicolon) leads: "Sở Nội vụ chủ
      trì, …", "Giao Sở Tài chính chủ trì …", "Sở Kế hoạch và Đầu tư: Chủ trì …", "Liên
      minh Hợp tác xã chịu trách nhiệm …", a numbered heading "3. UBND các quận, huyện, thị
      xã"; several subjects all lead. So does a list after a comma followed by a verb ("…,
      các cơ quan, đơn vị chủ động phối hợp …").
    * After "chủ trì, phối hợp (với)", "phối hợp (với)", "chủ trì cùng" the listed agencies
      coordinate; the list ends where the task text starts ("xây dựng", "trong việc", …).
    * "Đề nghị X …" requests X ("Theo đề nghị của X" does not).
    * Objects are no role: "Tham mưu UBND …", "báo cáo UBND", "chuyển các Sở, ngành …",
      "hướng dẫn các Sở, ngành …", "của …".

    >>> r = roles_in_sentence("1.8. Sở Tài nguyên và Môi trường phối hợp với các Sở, Ngành "
    ...                       "liên quan:")
    >>> [s.agency.name for s in r.lead], [s.agency.name for s in r.coordinating]
    (['Sở Tài nguyên và Môi trường'], ['Các sở, ban, ngành'])
    >>> r = roles_in_sentence("Đề nghị Mặt trận Tổ quốc, các Đoàn thể chính trị - xã hội "
    ...                       "thành phố có kế hoạch triển khai")
    >>> [s.agency.name for s in r.requested], r.lead
    (['Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố', 'Các tổ chức chính trị - xã hội'], [])
    """
    lead, coord, req = _roles_in_sentence(text)
    return Roles(list(lead), list(coord), list(req))


_RolesTuple = tuple[tuple[AgencySpan, ...], tuple[AgencySpan, ...], tuple[AgencySpan, ...]]


@memo_by_text()
def _roles_in_sentence(text: str) -> _RolesTuple:
    t = _read(text)
    toks = t.toks
    lead: list[_Match] = []
    coord: list[_Match] = []
    req: list[_Match] = []
    for a, b, numbered in _sentences(toks):
        _sentence_roles(toks, a, b, numbered, lead, coord, req)
    return (
        tuple(_dedupe(t.spans(lead))),
        tuple(_dedupe(t.spans(coord))),
        tuple(_dedupe(t.spans(req))),
    )


def _list_after(toks: list[_Tok], k: int, b: int) -> tuple[list[_Match], int]:
    return _list_at(toks, k, b)


def _only_objects(items: list[_Match]) -> bool:
    """Cooperatives and "các cấp" act as subjects only with a role verb after them."""
    return all(m.cls in ("cooperatives", "levels") for m in items)


def _subject(
    toks: list[_Tok],
    k: int,
    b: int,
    heading: bool,
    lead: list[_Match],
    req: list[_Match],
) -> int:
    """Read the subject at the start of a sentence or segment; return where to go on."""
    if _label_at(toks, k, b):
        return k  # "cơ quan phối hợp: …": a label, read by the caller
    mode = None
    if (j := _DIRECT.match(toks, k, b)) is not None:
        items, e = _list_after(toks, j, b)
        if items and _ROLE_LEAD.match(toks, e, b) is not None:
            lead.extend(items)  # "Chỉ đạo Sở Tài chính chủ trì, phối hợp với …"
            return e
        return e if items else j
    if (j := _ASSIGN.match(toks, k, b)) is not None:
        mode, k = "assign", j
    elif (j := _REQUEST_START.match(toks, k, b)) is not None:
        mode, k = "request", j
    elif (j := _FOR.match(toks, k, b)) is not None:
        mode, k = "for", j
    if (j := _ADVISE.match(toks, k, b)) is not None:
        items, e = _list_after(toks, j, b)
        return e if items else j
    if mode is None and (j := _ADVERBIAL.match(toks, k, b)) is not None:
        k = j + 1 if j < b and toks[j].f == "," else j
    items, e = _list_after(toks, k, b)
    if not items:
        return k
    e = _skip_description(toks, e, b)
    nxt = toks[e].f if e < b else None
    if mode == "request":
        req.extend(items)
    elif nxt == ":" or (nxt in (None, ".", ";", ",") and (heading or mode is not None)):
        lead.extend(items)
    elif nxt in (None, ".", ";", ","):
        pass
    elif (g := _ASSIGN.match(toks, e, b)) is not None:
        more, e = _list_after(toks, g, b)
        lead.extend(more)
    elif (g := _REQUEST.match(toks, e, b)) is not None:
        more, e = _list_after(toks, g, b)
        req.extend(more)
    elif _FOCAL.match(toks, e, b) is not None:  # "Sở Tài chính làm đầu mối, …"
        lead.extend(items)
    elif _only_objects(items) and _ROLE_ANY.match(toks, e, b) is None:
        pass
    elif (
        _NON_PREDICATE.match(toks, e, b) is None or _ROLE_ANY.match(toks, e, b) is not None
    ) and toks[e].word:
        lead.extend(items)
    return e


@cache
def _noun_words() -> tuple[frozenset[str], frozenset[str]]:
    """First and last words of the collective nouns."""
    table = load_agency_table()
    firsts, lasts = set(), set()
    for c in table.collectives:
        for noun in c.nouns:
            words = _content(_phrase_tokens(noun))
            firsts.add(words[0])
            lasts.add(words[-1])
    return frozenset(firsts), frozenset(lasts)


def _inside_collective(toks: list[_Tok], j: int, b: int) -> bool:
    """Is the comma at ``j`` inside a collective ("quận, huyện", "sở, ngành")?"""
    firsts, lasts = _noun_words()
    nxt = j + 2 if _at(toks, j + 1, b, "cac") else j + 1
    return j > 0 and toks[j - 1].f in lasts and nxt < b and toks[nxt].f in firsts


@cache
def _role_words() -> frozenset[str]:
    """The words at which :func:`_sentence_roles` may act: the first words of its phrases,
    ",", ";" and "("."""
    return frozenset({",", ";", "("}).union(
        _ROLE_LEAD.first, _ROLE_COORD.first, _REQUEST.first, _OBJECT.first, _DOER.first
    )


def _sentence_roles(
    toks: list[_Tok],
    a: int,
    b: int,
    heading: bool,
    lead: list[_Match],
    coord: list[_Match],
    req: list[_Match],
) -> None:
    j = covered = _subject(toks, a, b, heading, lead, req)
    starts = _role_words()
    while j < b:
        f = toks[j].f
        if f not in starts:  # nothing below can start at this word
            j += 1
            continue
        if f in (";", "("):  # a new segment, or a bracket: "(Liên minh HTX chủ trì, …)"
            j = covered = _subject(toks, j + 1, b, False, lead, req)
            continue
        r = _ROLE_LEAD.match(toks, j, b) or _labelled_doer(toks, j, b)
        if r is not None and r < b and toks[r].f == ":":  # "Cơ quan chủ trì: Sở Tài chính"
            items, e = _list_after(toks, r + 1, b)
            lead.extend(items)
            j = covered = max(e, r + 1)
            continue
        c = _ROLE_COORD.match(toks, j, b)
        if c is not None and c < b and toks[c].f == ":":  # "cơ quan phối hợp: Sở Công Thương"
            items, e = _list_after(toks, c + 1, b)
            coord.extend(items)
            j = covered = max(e, c + 1)
            continue
        if r is not None:
            s = r + 1 if r < b and toks[r].f == "," else r
            c = _ROLE_COORD.match(toks, s, b)
            w = _ROLE_WITH.match(toks, c if c is not None else s, b)
            if c is not None or (w is not None and toks[s].f == "cung"):
                items, e = _list_after(toks, w if w is not None else c, b)  # type: ignore[arg-type]
                coord.extend(items)
                j = covered = max(e, r)
            else:
                j = r
            continue
        c = _ROLE_COORD.match(toks, j, b)
        if c is not None:
            w = _ROLE_WITH.match(toks, c, b)
            items, e = _list_after(toks, w if w is not None else c, b)
            coord.extend(items)
            j = covered = max(e, c)
            continue
        r = _REQUEST.match(toks, j, b)
        if r is not None and (j == a or toks[j - 1].f not in _NOT_REQUEST):
            items, e = _list_after(toks, r, b)
            req.extend(items)
            j = covered = max(e, r)
            continue
        o = _OBJECT.match(toks, j, b)
        if o is not None:
            if toks[o - 1].f in ("cua", "tai", "ve"):  # one owner: "của Chính phủ, UBND …"
                one = _agency_at(toks, _skip_title(toks, o, b), b)
                e = _skip_description(toks, one[-1].end, b) if one else o
            else:
                e = _list_after(toks, o, b)[1]
            j = covered = max(e, o)
            continue
        if f == "," and j + 1 >= covered and not _inside_collective(toks, j, b):
            items, e = _list_after(toks, j + 1, b)
            covered = max(covered, e)
            if items:  # ", Ủy ban nhân dân Thành phố giao các Sở, …": the assigner's list
                target, g = lead, _ASSIGN.match(toks, e, b)
                if g is None:
                    target, g = req, _REQUEST.match(toks, e, b)
                if g is not None:
                    more, e = _list_after(toks, g, b)
                    target.extend(more)
                    j = covered = max(e, g)
                    continue
            if (
                items
                and e < b
                and _VERBS.match(toks, e, b) is not None
                and (not _only_objects(items) or _ROLE_ANY.match(toks, e, b) is not None)
            ):
                lead.extend(items)
                j = e
                continue
        j += 1


def agency_heading(text: str, *, titles: bool = False) -> list[AgencySpan]:
    """The agencies a heading line names, to whom the following items belong; empty when the
    line is not an agency heading.

    A heading is an (optionally numbered) agency list standing alone ("3. UBND các quận,
    huyện, thị xã", "<b>SƠ KẾ HOẠCH VÀ ĐẦU TƯ</b>", a table row whose only text cell is the
    agency), or followed by a colon ("1.1. Sở Kế hoạch và Đầu tư: Chủ trì phối hợp …:",
    "1. Giao Sở Kế hoạch và Đầu tư: …"), a description ("2. Liên minh HTX Thành phố - Cơ
    quan thường trực …") or a role ending in a colon ("1.8. Sở … phối hợp với …:"). A bullet
    line or a sentence with a task ("b) Sở Tư pháp, … tăng cường …") is not a heading.
    With ``titles`` (an item's text) a body may be named by its head's title ("Trưởng các
    tổ dân phố"); a decision's header "CHỦ TỊCH ỦY BAN NHÂN DÂN …" is no heading.

    >>> [s.agency.name for s in agency_heading("<b>XV</b>\\t<b>LIÊN MINH HTX VÀ DN TP</b>\\t\\t")]
    ['Liên minh Hợp tác xã và Doanh nghiệp Thành phố']
    >>> [s.agency.name for s in agency_heading("2. Liên minh HTX Thành phố - Cơ quan thường "
    ...                                        "trực Ban chỉ đạo phát triển kinh tế tập thể.")]
    ['Liên minh Hợp tác xã Thành phố']
    >>> agency_heading("5. Củng cố, đổi mới tổ chức và hoạt động của Liên minh Hợp tác xã")
    []
    """
    return list(_agency_heading(text, titles))


@memo_by_text()
def _agency_heading(text: str, titles: bool = False) -> tuple[AgencySpan, ...]:
    t = _read(text)
    toks = t.toks
    a, b = 0, len(toks)
    while b > a and toks[b - 1].f in ("\n", "\t"):
        b -= 1
    if any(x.f == "\t" for x in toks[a:b]):
        cells = []
        s = a
        for j in range(a, b + 1):
            if j == b or toks[j].f == "\t":
                k, _ = _skip_enum(toks, s, j)
                if any(x.word for x in toks[k:j]):
                    cells.append((s, j))
                s = j + 1
        if len(cells) != 1:
            return ()
        a, b = cells[0]
    k, bullet = _skip_enum(toks, a, b)
    if bullet:
        return ()
    if (j := _ASSIGN.match(toks, k, b)) is not None or (j := _FOR.match(toks, k, b)) is not None:
        k = j
    items, e = _list_at(toks, k, b, titles=titles)
    if not items:
        return ()
    e = _skip_description(toks, e, b)
    rest = [x for x in toks[e:b] if x.f not in ("\n", "\t")]
    ok = (
        not rest
        or all(not x.word and x.f in ".:;," for x in rest)
        or rest[0].f == ":"
        or ((_ROLE_LEAD.match(toks, e, b) or _ROLE_COORD.match(toks, e, b)) and rest[-1].f == ":")
    )
    return tuple(t.spans(items)) if ok else ()


def is_agency_heading(text: str) -> AgencyName | None:
    """The first agency of :func:`agency_heading`, or ``None``.

    >>> is_agency_heading("b) Sở Nông nghiệp và Phát triển nông thôn").name
    'Sở Nông nghiệp và Phát triển nông thôn'
    """
    spans = agency_heading(text)
    return spans[0].agency if spans else None
