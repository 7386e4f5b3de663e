"""Shared pieces of the curated registry tables: how a document is identified (:class:`DocId`)
and the checks every table applies to its fields (sources are URLs, dates are ISO dates).

>>> from policykg.ontology.errors import PolicyKGError
>>> f = FieldChecks(PolicyKGError)
>>> f.doc({"kind": "numbered", "number": "45/2025/NĐ-CP", "date": "2025-02-28"}, "instrument", "x")
DocId(kind='numbered', number='45/2025/NĐ-CP', name=None, year=None, date='2025-02-28')
>>> try:
...     f.url("www.example.org", "source", "table.toml: entry 1")
... except PolicyKGError as exc:
...     print(exc)
table.toml: entry 1: field 'source' must be an http(s) URL, got 'www.example.org'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from policykg.ontology.errors import PolicyKGError

__all__ = ["KINDS", "DocId", "FieldChecks", "load_table"]

#: How a document is identified: a law by name and year, anything else by its số ký hiệu.
KINDS = frozenset({"law", "numbered"})

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://[^\s/]+\.[^\s]+")
_DOC_KEYS = frozenset({"kind", "number", "name", "year", "date"})

T = TypeVar("T")


def load_table(
    path: str | Path | None,
    bundled: str,
    parse: Callable[[dict[str, Any], str], T],
    error: type[PolicyKGError],
) -> T:
    """Read a curated TOML table, the bundled file ``bundled`` or the one at ``path``, and
    check it with ``parse(data, where)``; an unreadable or invalid file raises ``error``
    naming it."""
    if path is None:
        where = bundled
        text = resources.files(__package__).joinpath(bundled).read_text("utf-8")
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise error(f"{where}: cannot read the table: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: not valid TOML: {exc}") from exc
    return parse(data, where)


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


class FieldChecks:
    """Field checks that raise ``error`` (a table's own exception class) naming the field."""

    def __init__(self, error: type[PolicyKGError]):
        self.error = error

    def text(self, raw: Mapping[str, Any], key: str, label: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{label}: field {key!r} is missing or empty")
        return value.strip()

    def url(self, value: object, key: str, label: str) -> str:
        if value is None:
            raise self.error(f"{label}: field {key!r} is missing")
        if not isinstance(value, str) or not _URL.fullmatch(value.strip()):
            raise self.error(f"{label}: field {key!r} must be an http(s) URL, got {value!r}")
        return value.strip()

    def iso_date(self, value: object, key: str, label: str, *, required: bool) -> date | None:
        if value is None:
            if required:
                raise self.error(f"{label}: field {key!r} is missing")
            return None
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if isinstance(value, str) and _ISO.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(f"{label}: field {key!r} must be an ISO date (YYYY-MM-DD), got {value!r}")

    def doc(self, value: object, key: str, label: str) -> DocId:
        where = f"{label}: field {key!r}"
        if not isinstance(value, Mapping):
            raise self.error(
                f'{where} must be a table such as {{ kind = "numbered", number = "…" }}'
            )
        unknown = set(value) - _DOC_KEYS
        if unknown:
            raise self.error(f"{where} has unknown key(s) {sorted(unknown)}")
        kind = value.get("kind")
        if kind not in KINDS:
            raise self.error(f"{where}: kind must be one of {sorted(KINDS)}, got {kind!r}")
        number, name, year, when = (value.get(k) for k in ("number", "name", "year", "date"))
        for k, v in (("number", number), ("name", name)):
            if v is not None and (not isinstance(v, str) or not v.strip()):
                raise self.error(f"{where}: {k} must be a non-empty string, got {v!r}")
        if year is not None and (
            not isinstance(year, int) or isinstance(year, bool) or not 1945 <= year <= 2100
        ):
            raise self.error(f"{where}: year must be a year such as 2012, got {year!r}")
        if kind == "law" and (name is None or year is None):
            raise self.error(f"{where}: a law needs a name and a year")
        if kind == "numbered" and number is None:
            raise self.error(f"{where}: a numbered document needs a number")
        if when is not None:
            if isinstance(when, date):
                when = when.isoformat()
            if not isinstance(when, str) or not _ISO.fullmatch(when):
                raise self.error(f"{where}: date must be an ISO date (YYYY-MM-DD), got {when!r}")
            try:
                date.fromisoformat(when)
            except ValueError as exc:
                raise self.error(f"{where}: date {when!r} is not a real date") from exc
        return DocId(
            kind=kind,
            number=number.strip() if number else None,
            name=name.strip() if name else None,
            year=year,
            date=when,
        )
