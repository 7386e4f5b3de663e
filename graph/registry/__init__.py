"""Curated reference data, each table with its public source.

The TOML files beside this module are the only place where knowledge that a text does not
state enters the build: document-type abbreviations, issuing bodies and their level,
provinces, abbreviations, and documents cited by name.

>>> reg = load_registry()
>>> reg.type_by_code("kl").cls
'Conclusion'
>>> reg.issuer_by_code("ttg").name
'Thủ tướng Chính phủ'
>>> reg.jurisdiction("ha-noi").name
'Hà Nội'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from policykg.graph.textview import fold


@dataclass(frozen=True)
class DocType:
    """A document type: its symbol code, ontology class and the words that name it."""

    code: str
    cls: str
    words: tuple[str, ...]
    #: issued together by two or more bodies ("kế hoạch phối hợp", "thông tư liên tịch")
    joint: bool = False


@dataclass(frozen=True)
class Issuer:
    """An issuing body: the codes it signs with, its level and the names it goes by."""

    name: str
    en: str
    level: str
    party: bool
    codes: tuple[str, ...]
    names: tuple[str, ...]
    province_name: str | None = None

    def name_in(self, jurisdiction: Jurisdiction) -> str:
        """The body's name in a jurisdiction ("Tỉnh ủy" in a province, "Thành ủy" in a city)."""
        if jurisdiction.kind == "province" and self.province_name:
            return self.province_name
        return self.name

    @property
    def central(self) -> bool:
        """True for central Party and State bodies."""
        return self.level.startswith("central")


@dataclass(frozen=True)
class Jurisdiction:
    """A province, a centrally-run city, or the country."""

    slug: str
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class PlenumResolution:
    """A Central Committee plenum resolution known by name and, from a source, by number."""

    plenum: int
    term: str
    number: str
    date: str
    title: str
    source: str


@dataclass(frozen=True, eq=False)
class Registry:
    """All curated tables, indexed by folded keys."""

    types: tuple[DocType, ...]
    issuers: tuple[Issuer, ...]
    jurisdictions: tuple[Jurisdiction, ...]
    plenums: tuple[PlenumResolution, ...]
    abbreviations: dict[str, str]

    def type_by_code(self, code: str) -> DocType | None:
        """The document type for a symbol code, compared after folding (``qđ`` = ``QĐ``)."""
        return _type_index(self).get(fold(code))

    def type_by_class(self, cls: str) -> DocType | None:
        """The document type for an ontology class name."""
        return next((t for t in self.types if t.cls == cls), None)

    def issuer_by_code(self, code: str) -> Issuer | None:
        """The issuing body for a symbol's issuer code, compared after folding."""
        return _issuer_code_index(self).get(fold(code))

    def issuer_by_name(self, name: str) -> Issuer | None:
        """The issuing body called ``name`` (folded, exact)."""
        return _issuer_name_index(self).get(fold(name))

    def jurisdiction(self, slug: str) -> Jurisdiction:
        """The jurisdiction with this slug (``vn`` is the country)."""
        return _jurisdiction_index(self)[slug]


@cache
def _type_index(reg: Registry) -> dict[str, DocType]:
    return {fold(t.code): t for t in reg.types}


@cache
def _issuer_code_index(reg: Registry) -> dict[str, Issuer]:
    return {fold(c): i for i in reg.issuers for c in i.codes}


@cache
def _issuer_name_index(reg: Registry) -> dict[str, Issuer]:
    index: dict[str, Issuer] = {}
    for issuer in reg.issuers:
        for name in (issuer.name, *issuer.names):
            index.setdefault(fold(name), issuer)
    return index


@cache
def _jurisdiction_index(reg: Registry) -> dict[str, Jurisdiction]:
    return {j.slug: j for j in reg.jurisdictions}


def _load(name: str) -> dict:
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


@cache
def load_registry() -> Registry:
    """Load every curated table once per process."""
    types = tuple(
        DocType(t["code"], t["class"], tuple(t["words"]), bool(t.get("joint", False)))
        for t in _load("doctypes.toml")["type"]
    )
    issuers = tuple(
        Issuer(
            name=i["name"],
            en=i["en"],
            level=i["level"],
            party=bool(i.get("party", False)),
            codes=tuple(i["codes"]),
            names=tuple(i["names"]),
            province_name=i.get("province_name"),
        )
        for i in _load("issuers.toml")["issuer"]
    )
    jurisdictions = tuple(
        Jurisdiction(j["slug"], j["code"], j["name"], j["kind"], tuple(j["aliases"]))
        for j in _load("jurisdictions.toml")["jurisdiction"]
    )
    plenums = tuple(
        PlenumResolution(p["plenum"], p["term"], p["number"], p["date"], p["title"], p["source"])
        for p in _load("named.toml")["plenum_resolution"]
    )
    abbreviations = dict(_load("abbreviations.toml")["abbreviation"])
    return Registry(types, issuers, jurisdictions, plenums, abbreviations)
