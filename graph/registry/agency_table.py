"""The curated agency table (``agencies.toml``): sectors, named bodies, collectives, name heads.

The table holds what a rule cannot derive: the standard department and ministry names, the
Party organs, the Fatherland Front and mass organisations, local branches of central
services, central bodies, the nouns of collective assignees and the words that open an agency
name. :mod:`policykg.graph.agencies` compiles it into matchers.

>>> table = load_agency_table()
>>> next(s for s in table.sectors if s.name == "Kế hoạch và Đầu tư").abbreviations[0]
'KH&ĐT'
>>> lm = next(a for a in table.agencies if a.name == "Liên minh Hợp tác xã")
>>> lm.kind, lm.place, lm.requestable
('mass-organisation', True, True)
>>> next(c for c in table.collectives if c.cls == "departments").name
'Các sở, ban, ngành'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from policykg.ontology.errors import PolicyKGError

__all__ = [
    "KINDS",
    "REQUESTABLE_KINDS",
    "AgencyTable",
    "AgencyTableError",
    "Collective",
    "CuratedAgency",
    "Head",
    "Sector",
    "load_agency_table",
    "parse_agency_table",
]

#: The kinds of agency, as :class:`policykg.graph.agencies.AgencyName` reports them.
KINDS = frozenset(
    {
        "department",
        "people-committee",
        "party",
        "mass-organisation",
        "central",
        "state-unit",
        "steering-committee",
        "other",
    }
)

#: Kinds a People's Committee can only request (đề nghị), never assign (giao).
REQUESTABLE_KINDS = frozenset({"party", "mass-organisation", "central"})

_LEVELS = frozenset({"central", "provincial", "district", "commune"})


class AgencyTableError(PolicyKGError):
    """``agencies.toml`` is malformed: a missing field, an unknown kind or level, a duplicate."""


@dataclass(frozen=True)
class Sector:
    """A field of state management: "Sở <name>" (department) and "Bộ <name>" (ministry)."""

    name: str
    abbreviations: tuple[str, ...]
    aliases: tuple[str, ...]
    department: bool
    ministry: bool
    until: str | None


@dataclass(frozen=True)
class CuratedAgency:
    """A body known by name, with its kind and the spellings it goes by."""

    name: str
    kind: str
    place: bool
    aliases: tuple[str, ...]
    requestable: bool
    needs_place: bool
    local: str | None


@dataclass(frozen=True)
class Collective:
    """A class of collective assignee ("các sở, ban, ngành") and the nouns that name it."""

    cls: str
    nouns: tuple[str, ...]
    first: tuple[str, ...]
    needs_cac: bool
    name: str
    key: str
    kind: str
    level: str | None
    requestable: bool


@dataclass(frozen=True)
class Head:
    """The first words of an agency name that the table does not list."""

    words: str
    kind: str
    level: str | None
    bare: bool
    #: the head is also an ordinary word ("thanh tra": inspect): a name only when the word
    #: after it is capitalised ("Thanh tra Sở", not "Thanh tra việc …")
    capital_after: bool = False


@dataclass(frozen=True)
class AgencyTable:
    """Everything in ``agencies.toml``."""

    sectors: tuple[Sector, ...]
    agencies: tuple[CuratedAgency, ...]
    collectives: tuple[Collective, ...]
    heads: tuple[Head, ...]
    abbreviations: dict[str, str]
    upper_abbreviations: dict[str, str]


def _field(entry: dict, name: str, where: str, typ: type = str):
    value = entry.get(name)
    if not isinstance(value, typ):
        raise AgencyTableError(f"agencies.toml: {where} needs a {typ.__name__} `{name}`")
    return value


def _strings(entry: dict, name: str, where: str) -> tuple[str, ...]:
    value = entry.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AgencyTableError(f"agencies.toml: `{name}` of {where} must be a list of strings")
    return tuple(value)


def _kind(entry: dict, where: str) -> str:
    kind = _field(entry, "kind", where)
    if kind not in KINDS:
        raise AgencyTableError(f"agencies.toml: {where} has unknown kind {kind!r}")
    return kind


def _level(entry: dict, where: str) -> str | None:
    level = entry.get("level")
    if level is not None and level not in _LEVELS:
        raise AgencyTableError(f"agencies.toml: {where} has unknown level {level!r}")
    return level


def parse_agency_table(data: dict) -> AgencyTable:
    """Check and convert the parsed TOML of the agency table.

    >>> try:
    ...     parse_agency_table({"agency": [{"name": "X", "kind": "nation"}]})
    ... except AgencyTableError as exc:
    ...     print(exc)
    agencies.toml: agency X has unknown kind 'nation'
    """
    sectors = []
    for s in data.get("sector", []):
        where = f"sector {s.get('name')!r}"
        sectors.append(
            Sector(
                name=_field(s, "name", where),
                abbreviations=_strings(s, "abbreviations", where),
                aliases=_strings(s, "aliases", where),
                department=bool(s.get("department", True)),
                ministry=bool(s.get("ministry", False)),
                until=s.get("until"),
            )
        )
    agencies = []
    seen: set[str] = set()
    for a in data.get("agency", []):
        where = f"agency {a.get('name')}"
        name = _field(a, "name", where)
        if name in seen:
            raise AgencyTableError(f"agencies.toml: agency {name} is listed twice")
        seen.add(name)
        kind = _kind(a, where)
        agencies.append(
            CuratedAgency(
                name=name,
                kind=kind,
                place=bool(a.get("place", False)),
                aliases=_strings(a, "aliases", where),
                requestable=bool(a.get("requestable", kind in REQUESTABLE_KINDS)),
                needs_place=bool(a.get("needs_place", False)),
                local=a.get("local"),
            )
        )
    for a in agencies:
        if a.local is not None and a.local not in seen:
            raise AgencyTableError(f"agencies.toml: `local` of {a.name} names no agency")
    collectives = []
    for c in data.get("collective", []):
        where = f"collective {c.get('class')!r}"
        kind = _kind(c, where)
        collectives.append(
            Collective(
                cls=_field(c, "class", where),
                nouns=_strings(c, "nouns", where),
                first=_strings(c, "first", where),
                needs_cac=bool(c.get("needs_cac", False)),
                name=_field(c, "name", where),
                key=_field(c, "key", where),
                kind=kind,
                level=_level(c, where),
                requestable=bool(c.get("requestable", kind in REQUESTABLE_KINDS)),
            )
        )
    heads = []
    for h in data.get("head", []):
        where = f"head {h.get('words')!r}"
        heads.append(
            Head(
                words=_field(h, "words", where),
                kind=_kind(h, where),
                level=_level(h, where),
                bare=bool(h.get("bare", False)),
                capital_after=bool(h.get("capital_after", False)),
            )
        )
    abbreviations = data.get("abbreviation", {})
    upper = data.get("abbreviation_upper", {})
    for table in (abbreviations, upper):
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
            raise AgencyTableError("agencies.toml: abbreviations must map strings to strings")
    return AgencyTable(
        tuple(sectors), tuple(agencies), tuple(collectives), tuple(heads), abbreviations, upper
    )


@cache
def load_agency_table() -> AgencyTable:
    """Load ``agencies.toml`` once per process."""
    text = resources.files(__package__).joinpath("agencies.toml").read_text("utf-8")
    return parse_agency_table(tomllib.loads(text))
