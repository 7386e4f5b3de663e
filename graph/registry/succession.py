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

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

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
#: How a document is identified: a law by name and year, anything else by its số ký hiệu.
KINDS = frozenset({"law", "numbered"})

_TABLE = "succession.toml"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://[^\s/]+\.[^\s]+")
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
_DOC_KEYS = frozenset({"kind", "number", "name", "year", "date"})


class SuccessionTableError(PolicyKGError):
    """``succession.toml`` is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class DocId:
    """A document as the product keys it: a law by name and year, or a số ký hiệu."""

    kind: str
    number: str | None = None
    name: str | None = None
    year: int | None = None
    date: str | None = None

    @classmethod
    def numbered(cls, number: str) -> DocId:
        """A document known by its số ký hiệu.

        >>> DocId.numbered("193/2013/NĐ-CP").label
        '193/2013/NĐ-CP'
        """
        return cls(kind="numbered", number=number)

    @property
    def label(self) -> str:
        """How the document is cited: "Luật Hợp tác xã 2012" or its số ký hiệu.

        >>> DocId("law", number="23/2012/QH13", name="Hợp tác xã", year=2012).label
        'Luật Hợp tác xã 2012'
        """
        if self.kind == "law":
            return f"Luật {self.name}" + (f" {self.year}" if self.year else "")
        return self.number or "?"

    def is_law(self, name: str, year: int | None = None) -> bool:
        """True for the law called ``name`` (and of ``year``, when given)."""
        return self.kind == "law" and self.name == name and (year is None or self.year == year)

    def same_document(self, other: DocId) -> bool:
        """True when both identify the same document: same number, or same law name and year.

        >>> a = DocId("law", number="23/2012/QH13", name="Hợp tác xã", year=2012)
        >>> a.same_document(DocId("law", name="Hợp tác xã", year=2012))
        True
        >>> a.same_document(DocId.numbered("23/2012/QH13"))
        True
        """
        if self.number and other.number:
            return self.number == other.number
        return (
            self.kind == other.kind == "law" and self.name == other.name and self.year == other.year
        )


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
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise SuccessionTableError(f"{p}: cannot read the succession table: {exc}") from exc
    return _parse_text(text, str(p))


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
    text = resources.files(__package__).joinpath(_TABLE).read_text("utf-8")
    return _parse_text(text, _TABLE)


def _parse_text(text: str, where: str) -> tuple[Succession, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SuccessionTableError(f"{where}: not valid TOML: {exc}") from exc
    return parse_succession(data, where)


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
    relation = _text(raw, "relation", label)
    if relation not in RELATIONS:
        raise SuccessionTableError(
            f"{label}: field 'relation' must be one of {sorted(RELATIONS)}, got {relation!r}"
        )
    confidence = _text(raw, "confidence", label)
    if confidence not in CONFIDENCES:
        raise SuccessionTableError(
            f"{label}: field 'confidence' must be one of {sorted(CONFIDENCES)}, got {confidence!r}"
        )
    source = _url(raw.get("source"), "source", label)
    see_also = raw.get("see_also", [])
    if not isinstance(see_also, list):
        raise SuccessionTableError(f"{label}: field 'see_also' must be a list of URLs")
    replaced = _doc(raw.get("replaced"), "replaced", label)
    by = _doc(raw.get("by"), "by", label)
    if replaced.same_document(by):
        raise SuccessionTableError(f"{label}: fields 'replaced' and 'by' name the same document")
    in_force = _date(raw.get("in_force"), "in_force", label, required=False)
    checked = _date(raw.get("checked"), "checked", label, required=True)
    if checked is None:  # pragma: no cover - _date raises for a missing required date
        raise SuccessionTableError(f"{label}: field 'checked' is missing")
    return Succession(
        replaced=replaced,
        by=by,
        relation=relation,
        in_force=in_force,
        evidence=_text(raw, "evidence", label),
        source=source,
        checked=checked,
        confidence=confidence,
        see_also=tuple(_url(u, "see_also", label) for u in see_also),
    )


def _text(raw: Mapping[str, Any], key: str, label: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SuccessionTableError(f"{label}: field {key!r} is missing or empty")
    return value.strip()


def _url(value: object, key: str, label: str) -> str:
    if value is None:
        raise SuccessionTableError(f"{label}: field {key!r} is missing")
    if not isinstance(value, str) or not _URL.fullmatch(value.strip()):
        raise SuccessionTableError(f"{label}: field {key!r} must be an http(s) URL, got {value!r}")
    return value.strip()


def _date(value: object, key: str, label: str, *, required: bool) -> date | None:
    if value is None:
        if required:
            raise SuccessionTableError(f"{label}: field {key!r} is missing")
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and _ISO.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SuccessionTableError(
        f"{label}: field {key!r} must be an ISO date (YYYY-MM-DD), got {value!r}"
    )


def _doc(value: object, key: str, label: str) -> DocId:
    where = f"{label}: field {key!r}"
    if not isinstance(value, Mapping):
        raise SuccessionTableError(
            f'{where} must be a table such as {{ kind = "numbered", number = "…" }}'
        )
    unknown = set(value) - _DOC_KEYS
    if unknown:
        raise SuccessionTableError(f"{where} has unknown key(s) {sorted(unknown)}")
    kind = value.get("kind")
    if kind not in KINDS:
        raise SuccessionTableError(f"{where}: kind must be one of {sorted(KINDS)}, got {kind!r}")
    number, name, year, when = (value.get(k) for k in ("number", "name", "year", "date"))
    for k, v in (("number", number), ("name", name)):
        if v is not None and (not isinstance(v, str) or not v.strip()):
            raise SuccessionTableError(f"{where}: {k} must be a non-empty string, got {v!r}")
    if year is not None and (
        not isinstance(year, int) or isinstance(year, bool) or not 1945 <= year <= 2100
    ):
        raise SuccessionTableError(f"{where}: year must be a year such as 2012, got {year!r}")
    if kind == "law" and (name is None or year is None):
        raise SuccessionTableError(f"{where}: a law needs a name and a year")
    if kind == "numbered" and number is None:
        raise SuccessionTableError(f"{where}: a numbered document needs a number")
    if when is not None:
        if isinstance(when, date):
            when = when.isoformat()
        if not isinstance(when, str) or not _ISO.fullmatch(when):
            raise SuccessionTableError(
                f"{where}: date must be an ISO date (YYYY-MM-DD), got {when!r}"
            )
        try:
            date.fromisoformat(when)
        except ValueError as exc:
            raise SuccessionTableError(f"{where}: date {when!r} is not a real date") from exc
    return DocId(
        kind=kind,
        number=number.strip() if number else None,
        name=name.strip() if name else None,
        year=year,
        date=when,
    )
