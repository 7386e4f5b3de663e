"""Relations a text states between documents: implements, based on, replaces, amends.

A relation has a subject, a verb and an object:

- the subject is the document named just before the verb ("Chương trình 24-CTr/TU … *thực
  hiện* Kết luận 56-KL/TW": 24-CTr/TU implements 56-KL/TW), wherever in the text it stands;
- with no document named before the verb, the subject is the text's own document, but only
  in its title and opening ("*Thực hiện* Chỉ thị 07-CT/TU …", "*Căn cứ* Luật …") or right
  after "<type> này" ("Kế hoạch này *thay thế* Kế hoạch số 31/KH-UBND");
- documents listed after an object ("… và Kết luận 56-KL/TW") share the verb and subject of
  the clause's first relation, so "Thực hiện A về thực hiện B và C" makes the text implement
  A and C, and A implement B.

Clauses end at ";", a full stop or a line break (not one a converter made inside a
sentence: :mod:`~policykg.graph.wrapping`); spans are view offsets.

>>> from policykg.graph.textview import make_view
>>> from policykg.graph.citations import find_mentions
>>> v = make_view("Thực hiện Chương trình số 24-CTr/TU ngày 19/9/2013 của Thành ủy Hà Nội "
...               "thực hiện Kết luận số 56-KL/TW ngày 21/02/2013 của Bộ Chính trị")
>>> [(r.subject.ref.canonical if r.subject else "this", r.predicate, r.object.ref.canonical)
...  for r in find_relations(v, find_mentions(v), preamble=(0, len(v.norm)))]
[('this', 'implements', '24-CTr/TU'), ('24-CTr/TU', 'implements', '56-KL/TW')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from policykg.graph.citations import Mention
from policykg.graph.registry import Registry, load_registry
from policykg.graph.textview import TextView, fold
from policykg.graph.wrapping import goes_on

_VERBS = {
    "implements": (
        r"trien khai\s{1,3}thuc hien|tiep tuc\s{1,3}thuc hien|day manh\s{1,3}thuc hien"
        r"|to chuc\s{1,3}thuc hien|thuc hien|trien khai|cu the hoa|quy dinh chi tiet"
        r"|huong dan thi hanh"
    ),
    "basedOn": r"can cu",
    "replaces": r"thay the",
    "amends": r"sua doi\s?,?\s{1,3}bo sung",
}
_VERB = re.compile(
    r"(?<![a-z])(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _VERBS.items()) + r")(?![a-z])"
)
_CLAUSE_END = re.compile(r"[;\n]|\.(?:\s|$)")
_COORDINATOR = re.compile(  # a remark in brackets may stand after the one before
    r"(?:\s{0,3}\([^()\n]{0,60}\))?[\s,;]{0,4}(?:(?:va|cung|,)[\s,]{0,3})?(?:cac\s{1,3})?"
)
#: What may stand between a ";" (or a list's ":") and its next document: spaces, a list
#: marker ("a)", "1.", "-"), "và", "các".
_OPENING = re.compile(
    r"[\s,]{0,4}(?:(?:[a-zđ]|\d{1,2})[.)]\s{1,3}|[-+•]\s{1,3})?(?:va\s{1,3})?(?:cac\s{1,3})?"
)
#: A short name given in brackets after a mention ("(sau đây gọi tắt là Nghị quyết số
#: 318/NQ-CP)", "(viết tắt là Nghị quyết 134)"): part of that mention, not a list's next item.
_ALIAS = re.compile(r"\s{0,3}\((?:sau day\s{1,3})?(?:goi|viet)\s{1,3}tat\b[^()\n]{0,160}\)")
#: Words before "thực hiện" that make it a noun ("05 năm thực hiện Kết luận số 70-KL/TW",
#: "tổng kết … thực hiện"): the mention before it does not act.
_NOMINAL = re.compile(
    r"(?<![a-z])(?:(?:\d{1,3}|mot|hai|ba|bon|nam|muoi) nam|tong ket|so ket|tinh hinh|ket qua)"
    r"\s{1,3}\Z"
)
#: "và" alone between an object and the next verb: the verb shares the subject ("X, thực
#: hiện Y" does not: there X acts).
_AND_VERB = re.compile(r"\s{0,3}va\s{1,3}(?:dong thoi\s{1,3})?")
#: "ban hành Kế hoạch" right before a verb: the text issued is its subject ("Ủy ban nhân
#: dân tỉnh ban hành Kế hoạch sửa đổi, bổ sung Kế hoạch số 112/KH-UBND").
_OWN_ISSUE = re.compile(
    r"(?<![a-z])ban hanh\s{1,3}(?:ke hoach|quyet dinh|nghi quyet|chuong trinh|chi thi)"
    r"(?:\s{1,3}(?:nay|hanh dong))?\s{1,3}\Z"
)
#: "được" (or "đã được") right before a verb: the mention before is what it acts on.
_PASSIVE = re.compile(r"(?<![a-z])duoc\s{1,3}\Z")
_SUBJECT_GAP = 80  # characters between a subject's mention and its verb
_OBJECT_GAP = 100  # characters between a verb and its object


@dataclass(frozen=True)
class Relation:
    """One relation stated in a text. ``subject`` None means the text's own document."""

    predicate: str
    subject: Mention | None
    object: Mention
    start: int
    end: int


def _clause_bounds(
    view: TextView, start: int, end: int, mentions: Iterable[Mention] = ()
) -> list[tuple[int, int]]:
    """The clauses between ``start`` and ``end``: cut at ";", a full stop or a line break,
    but not at a break inside a mention ("Quyết định số" / "1318/QĐ-TTg ngày …") or a
    sentence (the next line goes on with it: :func:`~policykg.graph.wrapping.goes_on`)."""
    text = view.fold
    bounds, pos = [], start
    spans = sorted((m.start, m.end) for m in mentions)
    starts = [a for a, _ in spans]
    reach = list(accumulate((b for _, b in spans), max))  # the furthest end so far
    for m in _CLAUSE_END.finditer(text, start, end):
        if m.group() == "\n":
            k = bisect_left(starts, m.start())
            if (k and reach[k - 1] > m.start()) or goes_on(view.norm, m.start()):
                continue
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, end))
    return [(a, b) for a, b in bounds if b > a]


@cache
def _this_pattern(reg: Registry) -> re.Pattern[str]:
    """ "<type word> này" at the end of a string ("kế hoạch này")."""
    words = "|".join(re.escape(fold(w)) for t in reg.types for w in t.words)
    return re.compile(rf"(?:{words})\s{{1,3}}nay\s{{0,3}}$")


@cache
def _this_anywhere(reg: Registry) -> re.Pattern[str]:
    """ "<type word> này" anywhere ("Quyết định này có hiệu lực … và thay thế …")."""
    words = "|".join(re.escape(fold(w)) for t in reg.types for w in t.words)
    return re.compile(rf"(?<![a-z])(?:{words})\s{{1,3}}nay(?![a-z])")


def _this_before(reg: Registry, text: str, pos: int, clause_start: int | None = None) -> bool:
    """Whether the verb at ``pos`` speaks for the text's own document: "<type> này" right
    before it, or earlier in its clause ("Quyết định này có hiệu lực kể từ ngày ký và thay
    thế …")."""
    if _this_pattern(reg).search(text[max(0, pos - 40) : pos]) is not None:
        return True
    if clause_start is None:
        return False
    return _this_anywhere(reg).search(text, max(clause_start, pos - 160), pos) is not None


def _same_system(inside: list[Mention], amended: Mention | None, by: Mention) -> Mention | None:
    """The text a passive "(được sửa đổi, bổ sung tại Y)" acts on: the mention right before
    it, or, when that one is of the other system (a Government resolution never amends a
    Politburo one: "Nghị quyết 03/NQ-CP … thực hiện Nghị quyết 57-NQ/TW (được sửa đổi, bổ
    sung tại Nghị quyết 71/NQ-CP)"), the nearest before it of Y's own system."""
    if amended is None or by.ref.party is None or amended.ref.party in (None, by.ref.party):
        return amended
    before = [x for x in inside if x.end <= amended.start and x.ref.party == by.ref.party]
    return before[-1] if before else amended


def _clause_relations(
    reg: Registry,
    text: str,
    a: int,
    b: int,
    mentions: list[Mention],
    in_preamble: bool,
    starts: list[int],
    carried: str | None = None,
) -> tuple[list[Relation], str | None]:
    """The relations of the clause ``[a, b)`` (``starts`` are the mentions' starts), and
    the predicate of a verb of the text's own document left without an object ("Nghị quyết
    này thay thế các Nghị quyết sau:"). A clause that opens with a mention takes the
    ``carried`` predicate of the text's own document from the clause before it ("Thực hiện
    A; B; C": the text implements all three; "… sau:" then "a) Nghị quyết …;")."""
    lo = bisect_left(starts, a)
    hi = bisect_left(starts, b)
    if lo == hi:  # every relation has a mention for object: none without one
        if not text[a:b].rstrip().endswith(":"):
            return [], None
        verbs = list(_VERB.finditer(text, a, b))  # "… thay thế các Nghị quyết sau:"
        last = verbs[-1] if verbs else None
        own = last is not None and (in_preamble or _this_before(reg, text, last.start(), a))
        return [], last.lastgroup if own else None
    inside = mentions[lo:hi]
    verbs = [
        v
        for v in _VERB.finditer(text, a, b)
        if not any(m.start <= v.start() < m.end for m in inside)
    ]
    events = sorted(
        [(m.start, 1, m) for m in inside] + [(v.start(), 0, v) for v in verbs],
        key=lambda e: (e[0], e[1]),
    )
    out: list[Relation] = []
    root: tuple[str, Mention | None] | None = None
    pending: tuple[str, Mention | None, int, int] | None = None
    if carried is not None and events[0][1] == 1 and _OPENING.fullmatch(text, a, events[0][0]):
        pending = (carried, None, a, a)
    last: Mention | None = None
    previous: Mention | None = None
    passive = False  # the pending verb is passive: its object acts on the mention before
    for _, kind, item in events:
        if kind == 0:
            predicate = item.lastgroup
            subject = None
            if (
                predicate in ("amends", "replaces")
                and previous is not None
                and _PASSIVE.search(text, max(a, item.start() - 12), item.start())
            ):  # "X (được sửa đổi, bổ sung tại Y)": Y amends X
                pending = (predicate, previous, item.start(), item.end())
                passive = True
                continue
            passive = False
            nominal = _NOMINAL.search(text, max(a, item.start() - 24), item.start())
            if (
                previous is not None
                and out
                and out[-1].object is previous
                and _AND_VERB.fullmatch(text, _alias_end(text, previous), item.start())
            ):  # "sửa đổi, bổ sung Kế hoạch X và thay thế Kế hoạch Y": the same subject
                pending = (predicate, out[-1].subject, item.start(), item.end())
                continue
            issue = _OWN_ISSUE.search(text, max(a, item.start() - 40), item.start())
            if (
                in_preamble
                and issue
                and (previous is None or "," in text[_after(previous) : issue.start()])
            ):
                # "Xét đề nghị … tại Văn bản số 315/SKHĐT, Ủy ban nhân dân tỉnh ban hành Kế
                # hoạch sửa đổi, bổ sung …": this text (not "Nghị quyết số 139/NQ-CP … của
                # Chính phủ ban hành Kế hoạch thực hiện …", where the cited text issues)
                pending = (predicate, None, item.start(), item.end())
                continue
            if (
                previous is not None
                and item.start() - previous.end <= _SUBJECT_GAP
                and nominal is None  # "… và 05 năm thực hiện X": no act of the mention before
            ):
                subject = previous
            elif not (
                in_preamble
                or (predicate == "replaces" and _this_before(reg, text, item.start(), a))
            ):
                pending = None
                continue
            pending = (predicate, subject, item.start(), item.end())
            continue
        m: Mention = item
        if last is not None and _after(last) <= m.start < _alias_end(text, last):
            continue  # the short name of the mention before
        if pending is not None and m.start - pending[3] <= _OBJECT_GAP and passive:
            predicate, amended, v_start, _ = pending
            amended = _same_system(inside, amended, m)
            out.append(Relation(predicate, m, amended, v_start, m.end))
            pending, passive, last = None, False, None
            previous = m
            continue
        if pending is not None and m.start - pending[3] <= _OBJECT_GAP:
            predicate, subject, v_start, _ = pending
            start = subject.start if subject else v_start
            out.append(Relation(predicate, subject, m, start, m.end))
            if root is None:
                root = (predicate, subject)
            pending, last = None, m
        elif (
            last is not None
            and root is not None
            and _COORDINATOR.fullmatch(text, _alias_end(text, last), m.start)
        ):
            out.append(Relation(root[0], root[1], m, m.start, m.end))
            last = m
        else:
            last = None
        previous = m
    dangling = pending[0] if pending is not None and pending[1] is None else None
    return out, dangling


def _after(m: Mention) -> int:
    return m.title_end if m.title_end is not None else m.end


def _alias_end(text: str, m: Mention) -> int:
    """Where the mention ends with the short name given to it in brackets, if any."""
    alias = _ALIAS.match(text, _after(m))
    return alias.end() if alias else _after(m)


def find_relations(
    view: TextView,
    mentions: list[Mention],
    *,
    preamble: tuple[int, int],
    span: tuple[int, int] | None = None,
    registry: Registry | None = None,
) -> list[Relation]:
    """Relations stated in ``span`` of the view (default: all of it).

    ``preamble`` is the part of the text where a verb without a named subject speaks for
    the text's own document (its title and opening).
    """
    reg = registry or load_registry()
    start, end = span or (0, len(view.fold))
    out: list[Relation] = []
    starts = [m.start for m in mentions]
    carried: str | None = None
    for a, b in _clause_bounds(view, start, end, mentions):
        in_preamble = preamble[0] <= a < preamble[1]
        found, dangling = _clause_relations(
            reg, view.fold, a, b, mentions, in_preamble, starts, carried
        )
        out.extend(found)
        # after ";" (or a ":" that opens a list) the text's own objects go on ("Căn cứ Luật
        # A; Luật B;", "thay thế các Nghị quyết sau:" then "a) …;" "b) …")
        own = found[0].predicate if found and found[0].subject is None else None
        opens_list = view.fold[a:b].rstrip().endswith(":")
        if view.fold[b : b + 1] == ";" or opens_list:
            carried = (dangling if opens_list else None) or own
        else:
            carried = None
    return out
