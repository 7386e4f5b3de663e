"""Agencies through time: which organisations carry an agency's competence on a given date,
after the renames, mergers, splits and abolitions of the curated change-event table.

An agency is identified as the graph identifies it: its jurisdiction slug and the slug of
its canonical key (:class:`AgencyRef`). The table's events are applied per jurisdiction
(:class:`Change`). An agency *ends* at the earliest change that names it as an original
organisation and not as a resulting one (a body that is in both, Sở Tài chính in the 2025
finance merger, continues), or that merges its jurisdiction into another. Its carriers on a
date follow the chain of ending changes up to that date: the resulting bodies carry all of
its competence (``all``), or the main part when functions were split off (``main``); a body
that received a split-off function carries ``part`` of it (``what`` says which). An
abolition with no resulting body leaves no successor (``dead_ends`` keeps the change, with
its note saying where the competences went).

>>> history = AgencyHistory()
>>> kh = AgencyRef.named("Sở Kế hoạch và Đầu tư", "ho-chi-minh")
>>> [c.agency.name for c in history.carriers(kh, date(2026, 1, 1)).carriers]
['Sở Tài chính']
>>> history.carriers(kh, date(2024, 12, 31)).verdict
'exists'
>>> districts = AgencyRef.named("Ủy ban nhân dân các quận, huyện", "hai-phong")
>>> history.carriers(districts, date(2026, 1, 1)).verdict
'none'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from policykg.graph.agencies import normalize_agency
from policykg.graph.emit import agency_path
from policykg.graph.registry import load_registry
from policykg.graph.registry.agency_changes import (
    AgencyChangeTableError,
    ChangeEvent,
    load_agency_changes,
)

__all__ = ["AgencyHistory", "AgencyRef", "Carrier", "Change", "SuccessionRow", "Successors"]

#: How much of an agency's competence a carrier holds, from most to least.
SHARES = ("all", "main", "part")


@dataclass(frozen=True, order=True)
class AgencyRef:
    """An agency as the graph identifies it: jurisdiction slug and key slug (its IRI path)."""

    jurisdiction: str
    slug: str
    name: str = field(compare=False)
    kind: str | None = field(default=None, compare=False)
    collective: bool = field(default=False, compare=False)
    level: str | None = field(default=None, compare=False)

    @classmethod
    def named(cls, name: str, jurisdiction: str) -> AgencyRef:
        """The agency a full name means in a jurisdiction (national bodies belong to ``vn``).

        >>> AgencyRef.named("Sở Kế hoạch và Đầu tư", "ha-noi").path
        'agency/ha-noi/so-ke-hoach-va-dau-tu'
        >>> AgencyRef.named("Bộ Tài chính", "ha-noi").jurisdiction
        'vn'
        """
        found = normalize_agency(name)
        if found is None:
            raise AgencyChangeTableError(
                f"{name!r} is not an agency name the agencies module reads; write it in full "
                "as a text would (Sở Kế hoạch và Đầu tư), or add it to agencies.toml"
            )
        place = "vn" if found.central else jurisdiction
        kind = load_registry().jurisdiction(place).kind if place != "vn" else None
        shown = found.name_in(kind) if kind else found.name
        slug = agency_path(place, found.key).rsplit("/", 1)[1]
        return cls(place, slug, shown, found.kind, found.collective, found.level)

    @property
    def place(self) -> str:
        """The jurisdiction's name ("Hà Nội", "Việt Nam")."""
        return load_registry().jurisdiction(self.jurisdiction).name

    @property
    def path(self) -> str:
        """The IRI path under the data namespace."""
        return f"agency/{self.jurisdiction}/{self.slug}"

    def moved_to(self, jurisdiction: str) -> AgencyRef:
        """The same body in the jurisdiction that absorbed this one's."""
        try:
            return AgencyRef.named(self.name, jurisdiction)
        except AgencyChangeTableError:
            return AgencyRef(jurisdiction, self.slug, self.name, self.kind, self.collective)


@dataclass(frozen=True)
class Change:
    """One event of the table applied in one jurisdiction."""

    event: ChangeEvent
    jurisdiction: str
    original: tuple[AgencyRef, ...]
    resulting: tuple[AgencyRef, ...]
    functions: tuple[tuple[AgencyRef, AgencyRef, str], ...] = ()
    absorbed_by: str | None = None  # a jurisdiction merger: the jurisdiction that absorbs

    @property
    def id(self) -> str:
        """The change's identity: the event id and the jurisdiction it acts in."""
        return f"{self.event.id}/{self.jurisdiction}"

    @property
    def date(self) -> date:
        """When the change took effect."""
        return self.event.date

    def ends(self, ref: AgencyRef) -> bool:
        """True when the agency stops existing with this change."""
        if self.absorbed_by is not None:
            return ref.jurisdiction == self.jurisdiction
        if self._ends_level(ref):
            return ref not in self.resulting  # "Phòng Kinh tế" ends with the district level
        return ref in self.original and ref not in self.resulting

    def touches(self, ref: AgencyRef) -> bool:
        """True when the agency is one this change names, or lives where it acts."""
        return (
            ref in self.original
            or ref in self.resulting
            or any(ref in (a, b) for a, b, _ in self.functions)
            or (self.event.level == "jurisdiction" and ref.jurisdiction in self.event.jurisdictions)
            or self._ends_level(ref)
        )

    def _ends_level(self, ref: AgencyRef) -> bool:
        """Whether the change abolishes the agency's level and so the agency: a body of that
        level, not a collective ("Các địa phương" outlives its districts)."""
        level = self.event.ends_level
        return level is not None and ref.level == level and not ref.collective

    def takers(self, ref: AgencyRef) -> list[tuple[AgencyRef, str, str | None]]:
        """Who takes over an agency this change ends: (body, share, what)."""
        if self.absorbed_by is not None:
            return [(ref.moved_to(self.absorbed_by), "all", None)]
        moves = [(b, "part", what) for a, b, what in self.functions if a == ref]
        share = "main" if moves else ("all" if len(self.resulting) == 1 else "part")
        moved = {b for b, _, _ in moves}
        return [(r, share, None) for r in self.resulting if r not in moved] + moves


@dataclass(frozen=True)
class Carrier:
    """A body carrying (some of) an agency's competence, and the changes that led to it."""

    agency: AgencyRef
    share: str
    what: str | None
    chain: tuple[Change, ...]

    @property
    def since(self) -> date | None:
        """The date from which this body carries it (``None``: the agency itself)."""
        return max((c.date for c in self.chain), default=None)


@dataclass(frozen=True)
class Successors:
    """Who carries an agency's competence on a date."""

    agency: AgencyRef
    as_of: date
    ended: Change | None
    carriers: tuple[Carrier, ...]
    dead_ends: tuple[Change, ...]

    @property
    def verdict(self) -> str:
        """``exists``; ``succeeded`` (one body); ``several``; ``none`` (no successor)."""
        if self.ended is None:
            return "exists"
        return {0: "none", 1: "succeeded"}.get(len(self.carriers), "several")

    def message(self) -> str:
        """One plain sentence for a report.

        >>> h = AgencyHistory()
        >>> print(h.carriers(AgencyRef.named("Sở Kế hoạch và Đầu tư", "ha-noi"),
        ...                  date(2026, 1, 1)).message())
        Sở Kế hoạch và Đầu tư (Hà Nội) no longer exists since 2025-03-01 (45/2025/NĐ-CP):
        its competence is carried by Sở Tài chính (Hà Nội).
        """
        a = self.agency
        if self.ended is None:
            return f"{a.name} ({a.place}) exists on {self.as_of.isoformat()}."
        head = (
            f"{a.name} ({a.place}) no longer exists since "
            f"{self.ended.date.isoformat()} ({self.ended.event.instrument_label})"
        )
        if not self.carriers:
            notes = [c.event.no_successor_note for c in self.dead_ends if c.event.no_successor_note]
            why = f": {notes[0]}" if notes else ""
            return f"{head}; no single body succeeded it{why}."
        parts = []
        for c in self.carriers:
            what = f" for {c.what}" if c.what else (" (main part)" if c.share == "main" else "")
            parts.append(f"{c.agency.name} ({c.agency.place}){what}")
        lost = " Part of it was abolished with no successor." if self.dead_ends else ""
        return f"{head}: its competence is carried by {', '.join(parts)}.{lost}"


@dataclass(frozen=True)
class SuccessionRow:
    """A carrier independent of the date: valid from ``since`` until ``until`` (exclusive)."""

    predecessor: AgencyRef
    successor: AgencyRef
    share: str
    what: str | None
    since: date
    until: date | None
    chain: tuple[Change, ...]


def _weaker(a: str, b: str) -> str:
    return max(a, b, key=SHARES.index)


class AgencyHistory:
    """The change-event table applied to agencies, with successors as of any date."""

    def __init__(self, events: Iterable[ChangeEvent] | None = None):
        self.events = tuple(load_agency_changes() if events is None else events)
        self._by_place: dict[str, tuple[Change, ...]] = {}

    def changes_in(self, jurisdiction: str) -> tuple[Change, ...]:
        """Every change acting in a jurisdiction, by date."""
        if jurisdiction not in self._by_place:
            self._by_place[jurisdiction] = tuple(
                c for e in self.events if (c := _apply(e, jurisdiction)) is not None
            )
        return self._by_place[jurisdiction]

    def history(self, ref: AgencyRef) -> list[Change]:
        """The changes that name the agency or act on its jurisdiction, by date."""
        return [c for c in self.changes_in(ref.jurisdiction) if c.touches(ref)]

    def ending(self, ref: AgencyRef, after: date | None = None) -> Change | None:
        """The change that ended the agency (the earliest after ``after``, the day it is
        known to exist: a body may be abolished and a namesake set up years later)."""
        return next(
            (
                c
                for c in self.changes_in(ref.jurisdiction)
                if c.ends(ref) and (after is None or c.date > after)
            ),
            None,
        )

    def carriers(self, ref: AgencyRef, as_of: date, after: date | None = None) -> Successors:
        """Who carries the agency's competence on ``as_of``."""
        carriers, dead = self._carriers(ref, as_of, after, frozenset())
        ended = self.ending(ref, after)
        if ended is not None and ended.date > as_of:
            ended = None
        return Successors(ref, as_of, ended, tuple(carriers), tuple(dead))

    def _carriers(
        self, ref: AgencyRef, as_of: date, after: date | None, seen: frozenset[AgencyRef]
    ) -> tuple[list[Carrier], list[Change]]:
        end = self.ending(ref, after)
        if end is None or end.date > as_of or ref in seen:
            return [Carrier(ref, "all", None, ())], []
        takers = end.takers(ref)
        if not takers:
            return [], [end]
        out: list[Carrier] = []
        dead: list[Change] = []
        for body, share, what in takers:
            sub, sub_dead = self._carriers(body, as_of, end.date, seen | {ref})
            dead += sub_dead
            for c in sub:
                out.append(
                    Carrier(c.agency, _weaker(share, c.share), what or c.what, (end, *c.chain))
                )
        return out, dead

    def rows(self, ref: AgencyRef, after: date | None = None) -> list[SuccessionRow]:
        """Every carrier the agency will ever have, each with the dates it is valid between.

        On a date ``d`` the carriers are the rows with ``since <= d < until``; an agency
        whose :meth:`ending` is after ``d`` (or absent) carries itself.
        """
        return self._rows(ref, after, frozenset())

    def _rows(
        self, ref: AgencyRef, after: date | None, seen: frozenset[AgencyRef]
    ) -> list[SuccessionRow]:
        end = self.ending(ref, after)
        if end is None or ref in seen:
            return []
        out = []
        for body, share, what in end.takers(ref):
            body_end = self.ending(body, end.date)
            until = body_end.date if body_end is not None else None
            out.append(SuccessionRow(ref, body, share, what, end.date, until, (end,)))
            for r in self._rows(body, end.date, seen | {ref}):
                out.append(
                    SuccessionRow(
                        ref,
                        r.successor,
                        _weaker(share, r.share),
                        what or r.what,
                        max(end.date, r.since),
                        r.until,
                        (end, *r.chain),
                    )
                )
        return out


def _apply(event: ChangeEvent, jurisdiction: str) -> Change | None:
    """The event as it acts in one jurisdiction, or None when it does not act there."""
    if event.level == "jurisdiction":
        if jurisdiction not in event.original:
            return None
        (target,) = event.resulting
        return Change(
            event,
            jurisdiction,
            tuple(_committee(j) for j in event.original),
            (_committee(target),),
            absorbed_by=None if jurisdiction == target else target,
        )
    if not event.applies_in(jurisdiction):
        return None
    return _named_change(event, jurisdiction)


@cache
def _committee(jurisdiction: str) -> AgencyRef:
    """The People's Committee of a province or city, named with its place."""
    ref = AgencyRef.named("Ủy ban nhân dân tỉnh", jurisdiction)
    j = load_registry().jurisdiction(jurisdiction)
    level = "thành phố" if j.kind == "city" else "tỉnh"
    return AgencyRef(ref.jurisdiction, ref.slug, f"Ủy ban nhân dân {level} {j.name}", ref.kind)


def _named_change(event: ChangeEvent, jurisdiction: str) -> Change:
    def ref(name: str) -> AgencyRef:
        try:
            return AgencyRef.named(name, jurisdiction)
        except AgencyChangeTableError:  # a body no text of ours names: keyed by its name
            place = "vn" if event.level == "national" else jurisdiction
            return AgencyRef(place, agency_path(place, name).rsplit("/", 1)[1], name, "other")

    return Change(
        event,
        jurisdiction,
        tuple(ref(n) for n in event.original),
        tuple(ref(n) for n in event.resulting),
        tuple((ref(f.source), ref(f.target), f.what) for f in event.functions),
    )
