"""The curated succession table (``succession.toml``): what replaced, repealed or amended what.

Each entry records that a later text (``by``) replaces, repeals or amends an earlier one
(``replaced``) that the corpus cites as a legal basis, from when (``in_force``), with the
public page that states it (``source``), a short quote or paraphrase (``evidence``), the date
the page was read (``checked``) and a confidence: ``H`` (stated on the page), ``M`` (stated,
a detail such as the in-force date unconfirmed). Nothing enters the table without a source.

A document is identified as the product keys it: a law by name and year (``kind="law"``,
"Luật Hợp tác xã 2012"), anything else by its số ký hiệu (``kind="numbered"``).

>>> table = load_succession()
>>> coop = sorted((s for s in table if s.replaced.is_law("Hợp tác xã")),
...               key=lambda s: s.replaced.year)
>>> [(s.replaced.year, s.by.year, s.by.number, str(s.in_force))
...  for s in coop]  # doctest: +NORMALIZE_WHITESPACE
[(1996, 2003, '18/2003/QH11', '2004-07-01'), (2003, 2012, '23/2012/QH13', '2013-07-01'),
 (2012, 2023, '17/2023/QH15', '2024-07-01')]
>>> [s.by.label for s in successors_of(DocId.numbered("55/2015/NĐ-CP"))]
['116/2018/NĐ-CP', '156/2025/NĐ-CP']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from policykg.graph.registry.curated import KINDS, DocId, FieldChecks, load_table
from policykg.ontology.errors import PolicyKGError

__all__ = [
    "CONFIDENCES",
    "KINDS",
    "RELATIONS",
    "DocId",
    "Succession",
    "SuccessionTableError",
    "load_succession",
    "parse_succession",
    "successors_of",
]

#: How the later text acts on the earlier one.
RELATIONS = frozenset({"replaces", "repeals", "amends"})
#: Confidence levels allowed in the table ("B", believed, is never entered).
CONFIDENCES = frozenset({"H", "M"})

_TABLE = "succession.toml"
_ENTRY_KEYS = frozenset(
    {
        "replaced",
        "by",
        "relation",
        "in_force",
        "evidence",
        "source",
        "see_also",
        "checked",
        "confidence",
    }
)


class SuccessionTableError(PolicyKGError):
    """``succession.toml`` is malformed; the message names the entry and the field."""


_F = FieldChecks(SuccessionTableError)


@dataclass(frozen=True)
class Succession:
    """One sourced fact: ``by`` replaces, repeals or amends ``replaced`` from ``in_force``."""

    replaced: DocId
    by: DocId
    relation: str
    in_force: date | None
    evidence: str
    source: str
    checked: date
    confidence: str
    see_also: tuple[str, ...] = ()

    @property
    def ends_replaced(self) -> bool:
        """True when the earlier text stops being in force (replaced or repealed)."""
        return self.relation in {"replaces", "repeals"}


def parse_succession(data: Mapping[str, Any], where: str = _TABLE) -> tuple[Succession, ...]:
    """Check and convert the parsed TOML of a succession table.

    ``where`` names the table in error messages.

    >>> entry = {"replaced": {"kind": "numbered", "number": "1/2000/NĐ-CP"},
    ...          "by": {"kind": "numbered", "number": "2/2001/NĐ-CP"},
    ...          "relation": "replaces", "evidence": "x", "source": "ftp://example.org",
    ...          "checked": "2026-11-22", "confidence": "H"}
    >>> try:
    ...     parse_succession({"succession": [entry]})
    ... except SuccessionTableError as exc:
    ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
    succession.toml: entry 1 (1/2000/NĐ-CP -> 2/2001/NĐ-CP):
    field 'source' must be an http(s) URL, got 'ftp://example.org'
    """
    unknown = set(data) - {"succession"}
    if unknown:
        raise SuccessionTableError(f"{where}: unknown table(s) {sorted(unknown)}")
    entries = data.get("succession", [])
    if not isinstance(entries, list):
        raise SuccessionTableError(f"{where}: 'succession' must be an array of tables")
    out: list[Succession] = []
    seen: dict[tuple[DocId, DocId, str], int] = {}
    for i, raw in enumerate(entries, start=1):
        label = f"{where}: entry {i}{_entry_name(raw)}"
        item = _entry(raw, label)
        key = (item.replaced, item.by, item.relation)
        if key in seen:
            raise SuccessionTableError(f"{label}: duplicates entry {seen[key]}")
        seen[key] = i
        out.append(item)
    return tuple(out)


def load_succession(path: str | Path | None = None) -> tuple[Succession, ...]:
    """Load and check the succession table: the bundled one, or the TOML file at ``path``.

    Every entry has an http(s) ``source``, a ``checked`` date, confidence H or M, a relation
    among :data:`RELATIONS` and ISO dates; otherwise :class:`SuccessionTableError` names the
    entry and the field.
    """
    if path is None:
        return _bundled()
    return load_table(path, _TABLE, parse_succession, SuccessionTableError)


def successors_of(doc: DocId, table: tuple[Succession, ...] | None = None) -> list[Succession]:
    """The entries whose ``replaced`` is ``doc``, earliest ``by`` first.

    >>> [s.by.label for s in successors_of(DocId("law", name="Hợp tác xã", year=2012))]
    ['Luật Hợp tác xã 2023']
    """
    rows = [
        s for s in (load_succession() if table is None else table) if s.replaced.same_document(doc)
    ]
    return sorted(rows, key=lambda s: (s.by.date or "", s.by.year or 0, s.by.label))


@cache
def _bundled() -> tuple[Succession, ...]:
    return load_table(None, _TABLE, parse_succession, SuccessionTableError)


def _entry_name(raw: object) -> str:
    """ " (A -> B)" for an entry whose two documents can be named, else ""."""
    if not isinstance(raw, Mapping):
        return ""
    names = []
    for side in ("replaced", "by"):
        d = raw.get(side)
        if not isinstance(d, Mapping):
            return ""
        if d.get("kind") == "law" and d.get("name"):
            names.append(f"Luật {d['name']}" + (f" {d['year']}" if d.get("year") else ""))
        elif d.get("number"):
            names.append(str(d["number"]))
        else:
            return ""
    return f" ({names[0]} -> {names[1]})"


def _entry(raw: object, label: str) -> Succession:
    if not isinstance(raw, Mapping):
        raise SuccessionTableError(f"{label}: must be a table")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise SuccessionTableError(f"{label}: unknown field(s) {sorted(unknown)}")
    relation = _F.text(raw, "relation", label)
    if relation not in RELATIONS:
        raise SuccessionTableError(
            f"{label}: field 'relation' must be one of {sorted(RELATIONS)}, got {relation!r}"
        )
    confidence = _F.text(raw, "confidence", label)
    if confidence not in CONFIDENCES:
        raise SuccessionTableError(
            f"{label}: field 'confidence' must be one of {sorted(CONFIDENCES)}, got {confidence!r}"
        )
    source = _F.url(raw.get("source"), "source", label)
    see_also = raw.get("see_also", [])
    if not isinstance(see_also, list):
        raise SuccessionTableError(f"{label}: field 'see_also' must be a list of URLs")
    replaced = _F.doc(raw.get("replaced"), "replaced", label)
    by = _F.doc(raw.get("by"), "by", label)
    if replaced.same_document(by):
        raise SuccessionTableError(f"{label}: fields 'replaced' and 'by' name the same document")
    in_force = _F.iso_date(raw.get("in_force"), "in_force", label, required=False)
    checked = _F.iso_date(raw.get("checked"), "checked", label, required=True)
    if checked is None:  # pragma: no cover - _date raises for a missing required date
        raise SuccessionTableError(f"{label}: field 'checked' is missing")
    return Succession(
        replaced=replaced,
        by=by,
        relation=relation,
        in_force=in_force,
        evidence=_F.text(raw, "evidence", label),
        source=source,
        checked=checked,
        confidence=confidence,
        see_also=tuple(_F.url(u, "see_also", label) for u in see_also),
    )
