"""The curated table of agency change events (``agency_changes.toml``): renames, mergers,
absorptions, splits of functions, abolitions and jurisdiction mergers, each with the date it
took effect, the instrument that ordered it and the public page that states it.

An event names organisations as the texts write them ("Sở Kế hoạch và Đầu tư"); the agencies
module turns each name into the identity the graph uses. ``level`` says where the event
applies: ``national`` (ministries, once), ``province`` or ``district`` (the named bodies of
every jurisdiction in ``jurisdictions``, ``"*"`` for all, minus ``except``) and
``jurisdiction`` (provinces merged: ``original`` and ``resulting`` are jurisdiction slugs).
Only confirmed facts enter: confidence ``H`` (stated on the page cited) or ``M`` (stated, a
detail unconfirmed, said in ``evidence``); believed facts stay out.

>>> events = load_agency_changes()
>>> finance = next(e for e in events if "Sở Kế hoạch và Đầu tư" in e.original
...                and e.jurisdictions == ("*",))
>>> finance.kind, str(finance.date), finance.resulting, finance.instrument.number
('merger', '2025-03-01', ('Sở Tài chính',), '45/2025/NĐ-CP')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from policykg.graph.registry.curated import DocId, FieldChecks, load_table
from policykg.ontology.errors import PolicyKGError

__all__ = [
    "CHANGE_KINDS",
    "LEVELS",
    "AgencyChangeTableError",
    "ChangeEvent",
    "FunctionMove",
    "load_agency_changes",
    "parse_agency_changes",
]

#: What an event does to the organisations it names.
CHANGE_KINDS = frozenset(
    {"rename", "merger", "absorption", "split", "abolition", "jurisdiction-merger"}
)
#: Where an event applies.
LEVELS = frozenset({"national", "province", "district", "jurisdiction"})

_TABLE = "agency_changes.toml"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_KEYS = frozenset(
    {
        "id",
        "kind",
        "level",
        "jurisdictions",
        "except",
        "date",
        "original",
        "resulting",
        "functions",
        "no_successor_note",
        "every_agency_of_level",
        "instrument",
        "source",
        "see_also",
        "evidence",
        "checked",
        "confidence",
    }
)


class AgencyChangeTableError(PolicyKGError):
    """``agency_changes.toml`` is malformed; the message names the event and the field."""


_F = FieldChecks(AgencyChangeTableError)


@dataclass(frozen=True)
class FunctionMove:
    """A competence split off to another body: ``what`` moves from ``source`` to ``target``."""

    source: str
    target: str
    what: str


@dataclass(frozen=True)
class ChangeEvent:
    """One sourced change event, as the table states it (names, not yet identities)."""

    id: str
    kind: str
    level: str
    jurisdictions: tuple[str, ...]
    excluded: tuple[str, ...]
    date: date
    original: tuple[str, ...]
    resulting: tuple[str, ...]
    functions: tuple[FunctionMove, ...]
    no_successor_note: str | None
    instrument: DocId | None  # None: the instrument's number is not known
    instrument_title: str | None
    instrument_type: str | None  # its type code ("NQ") when the number does not say it
    instrument_issuer: str | None
    instrument_date: str | None

    @property
    def instrument_label(self) -> str:
        """How a message names the instrument: its number, else its title and date.

        >>> [e.instrument_label for e in load_agency_changes() if e.id.startswith("hcm-2008")]
        ['49/2008/QĐ-UBND', '13/2008/NĐ-CP', '13/2008/NĐ-CP']
        """
        if self.instrument is not None:
            return self.instrument.label
        return f"{self.instrument_title or 'an unnumbered decision'} ({self.instrument_date})"

    source: str
    see_also: tuple[str, ...]
    evidence: str
    checked: date
    confidence: str
    #: an abolition of a whole level ("district"): it also ends every agency of that level
    #: the texts name, listed or not ("Phòng Tài chính - Kế hoạch huyện")
    ends_level: str | None = None

    def applies_in(self, jurisdiction: str) -> bool:
        """True when the event acts on bodies of ``jurisdiction`` (a slug such as ``ha-noi``).

        >>> e = next(e for e in load_agency_changes() if e.level == "district")
        >>> e.applies_in("hai-phong"), e.applies_in("vn")
        (True, False)
        """
        if self.level == "national":
            return jurisdiction == "vn"
        if jurisdiction == "vn" or jurisdiction in self.excluded:
            return False
        return "*" in self.jurisdictions or jurisdiction in self.jurisdictions


def parse_agency_changes(data: Mapping[str, Any], where: str = _TABLE) -> tuple[ChangeEvent, ...]:
    """Check and convert the parsed TOML of a change-event table.

    >>> try:
    ...     parse_agency_changes({"event": [{"id": "x", "kind": "merge"}]})
    ... except AgencyChangeTableError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    agency_changes.toml: event 1 (x): field 'kind' must be one of [...], got 'merge'
    """
    unknown = set(data) - {"event"}
    if unknown:
        raise AgencyChangeTableError(f"{where}: unknown table(s) {sorted(unknown)}")
    raw_events = data.get("event", [])
    if not isinstance(raw_events, list):
        raise AgencyChangeTableError(f"{where}: 'event' must be an array of tables")
    out: list[ChangeEvent] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_events, start=1):
        name = raw.get("id") if isinstance(raw, Mapping) else None
        label = f"{where}: event {i}" + (f" ({name})" if isinstance(name, str) else "")
        event = _event(raw, label)
        if event.id in seen:
            raise AgencyChangeTableError(f"{label}: id {event.id!r} is used twice")
        seen.add(event.id)
        out.append(event)
    return tuple(sorted(out, key=lambda e: (e.date, e.id)))


def load_agency_changes(path: str | Path | None = None) -> tuple[ChangeEvent, ...]:
    """Load and check the change-event table: the bundled one, or the TOML file at ``path``.

    Events come sorted by date, then id.
    """
    if path is None:
        return _bundled()
    return load_table(path, _TABLE, parse_agency_changes, AgencyChangeTableError)


@cache
def _bundled() -> tuple[ChangeEvent, ...]:
    return load_table(None, _TABLE, parse_agency_changes, AgencyChangeTableError)


def _event(raw: object, label: str) -> ChangeEvent:
    if not isinstance(raw, Mapping):
        raise AgencyChangeTableError(f"{label}: must be a table")
    unknown = set(raw) - _KEYS
    if unknown:
        raise AgencyChangeTableError(f"{label}: unknown field(s) {sorted(unknown)}")
    ident = _F.text(raw, "id", label)
    if not _ID.fullmatch(ident):
        raise AgencyChangeTableError(
            f"{label}: field 'id' must be lowercase letters, digits and dashes, got {ident!r}"
        )
    kind = _choice(raw, "kind", CHANGE_KINDS, label)
    level = _choice(raw, "level", LEVELS, label)
    confidence = _choice(raw, "confidence", frozenset({"H", "M"}), label)
    original = _names(raw, "original", label, required=True)
    resulting = _names(raw, "resulting", label, required=kind != "abolition")
    if kind == "abolition" and resulting:
        raise AgencyChangeTableError(f"{label}: an abolition has no 'resulting' organisation")
    if (kind == "jurisdiction-merger") != (level == "jurisdiction"):
        raise AgencyChangeTableError(
            f"{label}: kind 'jurisdiction-merger' goes with level 'jurisdiction' and only with it"
        )
    instrument, extra = _instrument(raw.get("instrument"), label)
    see_also = raw.get("see_also", [])
    if not isinstance(see_also, list):
        raise AgencyChangeTableError(f"{label}: field 'see_also' must be a list of URLs")
    when = _F.iso_date(raw.get("date"), "date", label, required=True)
    checked = _F.iso_date(raw.get("checked"), "checked", label, required=True)
    assert when is not None and checked is not None  # required dates raise when missing
    note = raw.get("no_successor_note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        raise AgencyChangeTableError(f"{label}: field 'no_successor_note' must be text")
    return ChangeEvent(
        id=ident,
        kind=kind,
        level=level,
        jurisdictions=_names(raw, "jurisdictions", label, required=level != "national"),
        excluded=_names(raw, "except", label, required=False),
        date=when,
        original=original,
        resulting=resulting,
        functions=_functions(raw.get("functions", []), label),
        no_successor_note=note.strip() if note else None,
        instrument=instrument,
        instrument_title=extra.get("title"),
        instrument_type=extra.get("type"),
        instrument_issuer=extra.get("issuer"),
        instrument_date=extra.get("date"),
        source=_F.url(raw.get("source"), "source", label),
        see_also=tuple(_F.url(u, "see_also", label) for u in see_also),
        evidence=_F.text(raw, "evidence", label),
        checked=checked,
        confidence=confidence,
        ends_level=_ends_level(raw, kind, label),
    )


_LEVELS = frozenset({"district", "commune", "provincial"})


def _ends_level(raw: Mapping, kind: str, label: str) -> str | None:
    """The level every agency of which an abolition ends (``every_agency_of_level``)."""
    level = raw.get("every_agency_of_level")
    if level is None:
        return None
    if kind != "abolition" or level not in _LEVELS:
        raise AgencyChangeTableError(
            f"{label}: 'every_agency_of_level' is {level!r}; expected one of "
            f"{sorted(_LEVELS)}, on an abolition only"
        )
    return level


def _instrument(value: object, label: str) -> tuple[DocId | None, dict[str, str]]:
    """The instrument: a document identity (None when unnumbered) and its other fields."""
    if not isinstance(value, Mapping):
        raise AgencyChangeTableError(
            f"{label}: field 'instrument' must be a table such as {{ kind = \"numbered\", "
            'number = "45/2025/NĐ-CP", date = "2025-02-28", title = "…" }'
        )
    extra = {k: value[k] for k in ("title", "type", "issuer") if k in value}
    for k, v in extra.items():
        if not isinstance(v, str) or not v.strip():
            raise AgencyChangeTableError(f"{label}: instrument {k} must be text, got {v!r}")
    ident = {k: v for k, v in value.items() if k not in extra}
    if ident.get("kind") == "unnumbered":
        if set(ident) - {"kind", "date"} or "title" not in extra or "date" not in ident:
            raise AgencyChangeTableError(
                f"{label}: an unnumbered instrument has a title and a date, and no number"
            )
        _F.iso_date(ident["date"], "instrument date", label, required=True)
        return None, {**extra, "date": str(ident["date"])}
    doc = _F.doc(ident, "instrument", label)
    return doc, {**extra, **({"date": doc.date} if doc.date else {})}


def _choice(raw: Mapping[str, Any], key: str, allowed: frozenset[str], label: str) -> str:
    value = _F.text(raw, key, label)
    if value not in allowed:
        raise AgencyChangeTableError(
            f"{label}: field {key!r} must be one of {sorted(allowed)}, got {value!r}"
        )
    return value


def _names(raw: Mapping[str, Any], key: str, label: str, *, required: bool) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AgencyChangeTableError(f"{label}: field {key!r} must be a list of names")
    if required and not value:
        raise AgencyChangeTableError(f"{label}: field {key!r} is missing or empty")
    return tuple(v.strip() for v in value)


def _functions(value: object, label: str) -> tuple[FunctionMove, ...]:
    if not isinstance(value, list):
        raise AgencyChangeTableError(f"{label}: field 'functions' must be a list of tables")
    out = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"from", "to", "what"}:
            raise AgencyChangeTableError(
                f"{label}: each of 'functions' needs exactly 'from', 'to' and 'what'"
            )
        move = FunctionMove(
            _F.text(item, "from", label), _F.text(item, "to", label), _F.text(item, "what", label)
        )
        out.append(move)
    return tuple(out)
