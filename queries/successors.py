"""Who answers for an agency's tasks on a date: the graph's change events and successions,
read with two queries (``agency-endings``, ``agency-successions``) and filtered by date here.

The answer for an agency on a date is one of: it *exists*; it was *succeeded* by one body;
*several* bodies carry its competence (a main successor and bodies that took functions);
*none* (it was abolished, or its successor was, with no single body taking over). Every
answer names the change that ended it, the instrument, the curated source, and the chain of
changes to each successor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import Store

from policykg.queries.runner import load_query, run_query

__all__ = ["AgencyStatus", "SuccessionTable"]

_SHARES = ("all", "main", "part")


@dataclass(frozen=True)
class Ending:
    """The change that ended an agency."""

    agency: str
    name: str
    jurisdiction: str | None
    ended_on: date
    change: str
    event: str
    kind: str
    instrument: str
    note: str | None
    source: str
    confidence: str


@dataclass(frozen=True)
class Carrier:
    """A body carrying (some of) an ended agency's competence from ``since``."""

    iri: str
    name: str
    jurisdiction: str | None
    share: str
    function: str | None
    since: date
    until: date | None
    chain: str

    def as_dict(self) -> dict:
        """The JSON shape."""
        return {
            "iri": self.iri,
            "name": self.name,
            "jurisdiction": self.jurisdiction,
            "share": self.share,
            "function": self.function,
            "since": self.since.isoformat(),
            "via": self.chain.split(" > "),
        }


@dataclass(frozen=True)
class AgencyStatus:
    """An agency on a date: whether it exists and, if not, who carries its competence."""

    as_of: date
    ending: Ending | None
    carriers: tuple[Carrier, ...] = ()
    dead_end: Ending | None = None  # the abolition that left no successor, when there is one

    @property
    def verdict(self) -> str:
        """``exists``, ``succeeded``, ``several`` or ``none``."""
        if self.ending is None:
            return "exists"
        return {0: "none", 1: "succeeded"}.get(len(self.carriers), "several")

    def successors_text(self) -> str:
        """The successors in a few words: "Sở Tài chính (Hà Nội)", "Sở Nội vụ (Hà Nội), main
        part; Sở Y tế (Hà Nội) for bảo trợ xã hội, trẻ em", or "no single successor"."""
        if self.ending is None:
            return ""
        if not self.carriers:
            return "no single successor"
        out = []
        for c in self.carriers:
            text = c.name + (f" ({c.jurisdiction})" if c.jurisdiction else "")
            if c.function:
                text += f" for {c.function}"
            elif c.share == "main":
                text += ", main part"
            out.append(text)
        return "; ".join(out)

    def message(self, role: str = "") -> str:
        """One plain sentence: what ended the agency and what carries it now."""
        e = self.ending
        if e is None:
            return ""
        who = f"{role} {e.name}".strip()
        place = f" ({e.jurisdiction})" if e.jurisdiction else ""
        head = f"{who}{place} no longer exists since {e.ended_on.isoformat()} ({e.instrument})"
        if self.carriers:
            return f"{head}; its competence is carried by {self.successors_text()}"
        why = self.dead_end.note if self.dead_end and self.dead_end.note else None
        tail = f": {why}" if why else ""
        return f"{head}; no single body succeeded it{tail}"

    def as_dict(self) -> dict:
        """The JSON shape."""
        e = self.ending
        return {
            "as_of": self.as_of.isoformat(),
            "status": self.verdict,
            "ended_on": e.ended_on.isoformat() if e else None,
            "ended_by": None
            if e is None
            else {
                "event": e.event,
                "kind": e.kind,
                "instrument": e.instrument,
                "source": e.source,
                "confidence": e.confidence,
            },
            "successors": [c.as_dict() for c in self.carriers],
            "note": self.dead_end.note if self.dead_end and not self.carriers else None,
        }


@dataclass
class SuccessionTable:
    """Every ending and succession of a graph, answerable for any date.

    >>> from policykg.graph.pipeline import build
    >>> from policykg.graph.store import open_store
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> _ = build([pathlib.Path(__file__).resolve().parent.parent / "corpus"], out)
    >>> table = SuccessionTable.read(open_store(out))
    >>> iri = "https://w3id.org/policykg/id/agency/ho-chi-minh/so-ke-hoach-va-dau-tu"
    >>> table.status(iri, date(2026, 1, 1)).successors_text()
    'Sở Tài chính (Hồ Chí Minh)'
    >>> table.status(iri, date(2024, 12, 31)).verdict
    'exists'
    """

    endings: dict[str, Ending] = field(default_factory=dict)
    rows: dict[str, list[Carrier]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def read(cls, store: Store) -> SuccessionTable:
        """Read the endings and successions of a graph."""
        table = cls()
        for r in run_query(store, load_query("agency-endings")):
            table.endings[r["agency"]] = Ending(
                r["agency"],
                r["name"],
                r["jurisdiction"],
                _day(r["ended_on"]),
                r["change"],
                r["event"],
                r["kind"],
                r["instrument"],
                r["note"],
                r["source"],
                r["confidence"],
            )
        for r in run_query(store, load_query("agency-successions")):
            table.rows[r["agency"]].append(
                Carrier(
                    r["successor"],
                    r["successor_name"],
                    r["successor_jurisdiction"],
                    r["share"],
                    r["function"],
                    _day(r["since"]),
                    _day(r["until"]) if r["until"] is not None else None,
                    r["chain"],
                )
            )
        return table

    def status(self, agency: str, as_of: date) -> AgencyStatus:
        """The agency (by IRI) on ``as_of``."""
        ending = self.endings.get(agency)
        if ending is None or ending.ended_on > as_of:
            return AgencyStatus(as_of, None)
        valid = tuple(
            sorted(
                (
                    c
                    for c in self.rows.get(agency, [])
                    if c.since <= as_of and (c.until is None or c.until > as_of)
                ),
                key=lambda c: (_SHARES.index(c.share), c.name, c.iri, c.chain),
            )
        )
        dead = None
        if not valid:
            dead = ending if ending.note else self._dead_end(agency, as_of)
        return AgencyStatus(as_of, ending, valid, dead)

    def _dead_end(self, agency: str, as_of: date) -> Ending | None:
        """The abolition, down the chain, that left an agency with no successor."""
        for c in self.rows.get(agency, []):
            e = self.endings.get(c.iri)
            if c.until is not None and c.until <= as_of and e is not None and e.note:
                return e
        return None


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
