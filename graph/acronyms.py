"""A body a plan names by its initials is the body it spells out elsewhere.

Plans name a body in full in their text and by its initials in a table ("Phòng Doanh
nghiệp, Kinh tế tập thể và tư nhân" and "Phòng DN, KTTT&TN"): initials the abbreviation
tables do not list, since a plan makes them up for its own bodies. Within one plan, a name
written with capitals-only words is the same body as the one spelled-out name of the plan
whose words' initials are those letters, and is named as that one is.

>>> from policykg.graph.agencies import normalize_agency
>>> full = normalize_agency("Phòng Doanh nghiệp, Kinh tế tập thể và tư nhân")
>>> short = normalize_agency("Phòng DN, KTTT&TN")
>>> spelled_out([short, full])[short].name
'Phòng Doanh nghiệp, Kinh tế tập thể và tư nhân'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from policykg.graph.agencies import AgencyName
from policykg.graph.folding import fold

__all__ = ["initials", "spelled_out"]

_WORD = re.compile(r"[^\W\d_]+")
#: Words that initials skip ("và" in "Kinh tế tập thể và tư nhân" → "KTTT&TN").
_SKIPPED = frozenset({"va", "cac", "cua", "ve"})


def _abbreviated(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def initials(name: str) -> str:
    """The letters of a name's initials: an all-capitals word gives all its letters, any
    other its first (folded: "Đ" is "D"); "và", "các", "của" and "về" give none.

    >>> initials("Phòng DN, KTTT&TN"), initials("Phòng Doanh nghiệp, Kinh tế tập thể và tư nhân")
    ('PDNKTTTTN', 'PDNKTTTTN')
    """
    out = []
    for word in _WORD.findall(name):
        if _abbreviated(word):
            out.append(fold(word).upper())
        elif fold(word) not in _SKIPPED:
            out.append(fold(word)[:1].upper())
    return "".join(out)


def spelled_out(names: Iterable[AgencyName]) -> dict[AgencyName, AgencyName]:
    """For each name of ``names`` (one plan's) written with an all-capitals word, the one
    spelled-out name among them with the same first word and the same initials; names with
    none, or with several, are left out."""
    names = set(names)
    full: dict[tuple[str, str], list[AgencyName]] = {}
    short: list[AgencyName] = []
    for agency in names:
        words = _WORD.findall(agency.name)
        if len(words) < 2 or agency.collective:
            continue
        if any(_abbreviated(w) for w in words[1:]):
            short.append(agency)
        else:
            full.setdefault((words[0], initials(agency.name)), []).append(agency)
    out = {}
    for agency in short:
        found = full.get((_WORD.findall(agency.name)[0], initials(agency.name)), [])
        if len(found) == 1 and found[0].kind == agency.kind:
            out[agency] = found[0]
    return out
