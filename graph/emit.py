"""Turn resolved documents, relations, citations and anomalies into RDF quads.

Every IRI is derived from the identity of what it names (a document from jurisdiction,
type, issuer, year and number; a span from its file and offsets), never from file order or
a counter, so the same corpus always gives the same quads. Every extracted fact points to
the exact span of the original text it came from (Web Annotation selectors, offsets in
code points of the decoded file). Super-classes and super-properties from the ontology are
materialised, so a query written against ELI, ORG or PROV alone finds the data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from urllib.parse import quote, unquote

from pyoxigraph import Literal, NamedNode

from policykg.graph.acronyms import spelled_out
from policykg.graph.agencies import AgencyName, normalize_agency
from policykg.graph.analyse import Analysis
from policykg.graph.local_units import LocalPlace, division_of, local_place, scoped
from policykg.graph.registry import DocType, Registry, load_registry
from policykg.graph.resolve import Anomaly, Document, Evidence, Resolution
from policykg.graph.textview import fold
from policykg.ontology import namespaces as ns
from policykg.ontology.load import superterms
from policykg.ontology.namespaces import DATA_GRAPH, ID
from policykg.ontology.task_table import (
    QUOTE_CHARS,
    CitationRow,
    TaskRow,
    encode_citation_tables,
    encode_tables,
)


class _Terms:
    """A namespace whose terms are IRI strings, each made once: rdflib's attribute lookup
    and IRI check, or a pyoxigraph node's ``.value`` (a new string at each read), cost more
    than the rest of emission at a million tasks.

    >>> _Terms(ns.PKG).Task
    'https://w3id.org/policykg/ontology#Task'
    """

    def __init__(self, namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        iri = str(getattr(self._namespace, name))
        setattr(self, name, iri)
        return iri

    def __getitem__(self, name: str) -> str:
        return getattr(self, name)


PKG, OA, PROV, RDF, RDFS, SKOS, TIME, XSD = (
    _Terms(n) for n in (ns.PKG, ns.OA, ns.PROV, ns.RDF, ns.RDFS, ns.SKOS, ns.TIME, ns.XSD)
)
_LEVELS = {
    "central-party": PKG.CentralParty,
    "central-state": PKG.CentralState,
    "provincial-party": PKG.ProvincialParty,
    "provincial-state": PKG.ProvincialState,
}
_RELATIONS = {
    "implements": PKG.implements,
    "basedOn": PKG.basedOn,
    "replaces": PKG.replaces,
    "amends": PKG.amends,
    "attachedTo": PKG.attachedTo,
}


def _n(term) -> NamedNode:
    return term if isinstance(term, NamedNode) else NamedNode(str(term))


def doc_iri(doc: Document) -> str:
    """The IRI of a resolved document."""
    return str(ID[doc.iri_path])


def source_iri(file: str) -> str:
    """The IRI of a corpus file."""
    return str(ID["source/" + quote(file, safe="/")])


_SOURCE_PREFIX = str(ID["source/"])


def span_iri(file: str, start: int, end: int) -> str:
    """The IRI of a span of a corpus file (offsets in code points of the decoded file).

    >>> span_iri("a b.txt", 3, 9)
    'https://w3id.org/policykg/id/source/a%20b.txt/span/3-9'
    >>> span_of_iri(span_iri("a b.txt", 3, 9))
    ('a b.txt', 3, 9)
    """
    return span_iri_of_source(source_iri(file), start, end)


def span_iri_of_source(source: str, start: int, end: int) -> str:
    """The IRI of a span of the corpus file whose IRI is ``source`` (:func:`span_iri`, for
    a caller that made the file's IRI once).

    >>> span_iri_of_source(source_iri("a b.txt"), 3, 9) == span_iri("a b.txt", 3, 9)
    True
    """
    return f"{source}/span/{start}-{end}"


def span_of_iri(iri: str) -> tuple[str, int, int] | None:
    """(file, start, end) of a span IRI made by :func:`span_iri`, or None for another IRI:
    the identity rule of spans, read back (readers of a million tasks skip the selectors)."""
    head, sep, offsets = iri.rpartition("/span/")
    prefix = _SOURCE_PREFIX
    start, dash, end = offsets.partition("-")
    if not sep or not dash or not head.startswith(prefix) or not (start + end).isdigit():
        return None
    return unquote(head[len(prefix) :]), int(start), int(end)


_QUOTE_PREFIX = str(ID["quote/"])


def quote_iri(text: str) -> str:
    """The IRI of the text-quote selector of ``text``: one per distinct text, named by its
    SHA-1 (128 bits of it), so the spans of a corpus that quote the same words (an agency's
    name, a repeated duty) share one selector.

    >>> quote_iri("Sở Tài chính") == quote_iri("Sở Tài chính") != quote_iri("Sở Y tế")
    True
    >>> quote_iri("Sở Tài chính")[len(str(ID["quote/"])):]
    'e3ac7af5de594364f597675c21db2683'
    """
    return _QUOTE_PREFIX + hashlib.sha1(text.encode("utf-8")).hexdigest()[:32]


_CITATION_PREFIX = str(ID["citation/"])


def citation_iri(span: str) -> str:
    """The IRI of a citation: the IRI of the span it was read from, under ``citation/``.

    >>> c = citation_iri(span_iri("a.txt", 3, 9)); c
    'https://w3id.org/policykg/id/citation/a.txt/span/3-9'
    >>> span_of_citation_iri(c)
    ('a.txt', 3, 9)
    """
    return _CITATION_PREFIX + span.split("/source/", 1)[1]


def span_of_citation_iri(iri: str) -> tuple[str, int, int] | None:
    """(file, start, end) of the span a citation IRI made by :func:`citation_iri` names."""
    if not iri.startswith(_CITATION_PREFIX):
        return None
    return span_of_iri(_SOURCE_PREFIX + iri[len(_CITATION_PREFIX) :])


#: An agency emitted: its jurisdiction, its name and, for one a text names, what the name
#: was read as (kind, collective, level): a name given a district's place ("Phòng Kinh tế
#: huyện Bảo Thắng") need not read back as the body it is.
AgencyPlace = tuple[str, str, tuple[str, bool, str | None] | None]


def agency_path(jurisdiction: str, name: str) -> str:
    """The IRI path of an agency: its jurisdiction and canonical name."""
    return f"agency/{jurisdiction}/" + "-".join(
        "".join(c if c.isalnum() else " " for c in fold(name)).split()
    )


#: Characters an IRI reference cannot hold (N-Quads ``IRIREF``).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
#: Characters a quoted literal escapes, as pyoxigraph's N-Quads serialiser writes them, so
#: the export is the same bytes as pyoxigraph would write (tested).
_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]} | {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_TO_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_XSD_STRING = str(ns.XSD.string)
_TYPE, _ISSUED_BY, _LEVEL = str(ns.RDF.type), str(ns.PKG.issuedBy), str(ns.PKG.level)
_GRAPH_TAIL = f" <{DATA_GRAPH}> ."


def literal_text(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal as N-Quads writes it.

    >>> literal_text('a "b"\\n'), literal_text("x", language="vi")
    ('"a \\\\"b\\\\"\\\\n"', '"x"@vi')
    >>> literal_text("1", str(ns.XSD.integer))
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    quoted = '"' + (value.translate(_ESCAPES) if _TO_ESCAPE.search(value) else value) + '"'
    if language:
        return f"{quoted}@{language}"
    if datatype and datatype != _XSD_STRING:
        return f"{quoted}^^<{datatype}>"
    return quoted


def _value(term) -> str:
    return term if type(term) is str else term.value if isinstance(term, NamedNode) else str(term)


@dataclass
class Emitter:
    """Collects a build's triples as N-Quads lines of the data graph, each with the lines of
    the ontology's super-classes and super-properties (:meth:`take_lines`)."""

    analyses: dict[str, Analysis]
    registry: Registry = field(default_factory=load_registry)
    _lines: list[str] = field(default_factory=list)
    _refs: dict[str, str] = field(default_factory=dict)
    #: (subject, predicate, object) of the types, issuers and levels: what the reasoner reads
    facts: list[tuple[str, str, str]] = field(default_factory=list)
    _seen_spans: set[str] = field(default_factory=set)
    #: the quote selectors written, by their text: a text's selector once per emitter
    _quotes: dict[str, str] = field(default_factory=dict)
    #: each file's source IRI, made once
    _sources: dict[str, str] = field(default_factory=dict)
    #: the agency nodes written (their lines once, though tasks name them again and again)
    _agencies_written: set[tuple] = field(default_factory=set)
    _agency_iris: dict[tuple[str, str], str] = field(default_factory=dict)
    _jurisdiction_kinds: dict[str, str] = field(default_factory=dict)
    #: each agency as a jurisdiction of a kind shows it (``AgencyName.name_in``)
    _shown_agencies: dict[tuple, object] = field(default_factory=dict)
    #: each document emitted: (key, number, first identity field missing), for the index
    _documents: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)
    _agency_names: dict[str, Counter] = field(default_factory=dict)
    #: every agency emitted, by IRI: its jurisdiction slug and a name (for its history)
    agency_places: dict[str, AgencyPlace] = field(default_factory=dict)
    #: the earliest date a document naming the agency bears (it existed then)
    agency_seen: dict[str, date] = field(default_factory=dict)
    #: the date of the plan whose tasks are being emitted
    plan_date: date | None = None
    #: the district or commune whose own plan is being emitted (its bodies are its own)
    local_place: LocalPlace | None = None
    #: the issuer of the plan whose tasks are being emitted (a department's "Phòng …" are its own)
    plan_issuer: AgencyName | None = None
    #: the plan's bodies named by their initials, with the name the plan spells out
    plan_initials: dict[AgencyName, AgencyName] = field(default_factory=dict)
    _scoped: dict[tuple[AgencyName, LocalPlace | None, AgencyName | None], AgencyName] = field(
        default_factory=dict
    )
    _named_issuers: set[str] = field(default_factory=set)
    #: each cited document's citations, for its citation table (:meth:`citation_tables`)
    _citations: defaultdict[str, list[CitationRow]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def _ref(self, iri: str) -> str:
        ref = self._refs.get(iri)
        if ref is None:
            if _NOT_IN_IRI.search(iri) or ":" not in iri:
                raise ValueError(f"not an absolute IRI: {iri!r}")
            ref = self._refs[iri] = f"<{iri}>"
        return ref

    def _emit(self, s: str, p: str, obj: str, obj_iri: str | None = None) -> None:
        subject = self._ref(s)
        if p == _TYPE:  # the class and its super-classes
            classes = _CLASSES.get(obj_iri or "") or _with_supers(_CLASSES, obj_iri or "")
            for cls in classes:
                self._lines.append(f"{subject} <{_TYPE}> <{cls}>{_GRAPH_TAIL}")
                self.facts.append((s, p, cls))
            return
        props = _PROPERTIES.get(p) or _with_supers(_PROPERTIES, p)
        for prop in props:  # the property and its super-properties
            self._lines.append(f"{subject} <{prop}> {obj}{_GRAPH_TAIL}")
        if obj_iri is not None and p in (_ISSUED_BY, _LEVEL):
            self.facts.append((s, p, obj_iri))

    def add(self, s, p, o) -> None:
        """Add one triple to the data graph (``o`` a pyoxigraph term)."""
        if isinstance(o, NamedNode):
            self.iri(s, p, o.value)
        else:
            language = o.language
            self._emit(
                _value(s), _value(p), literal_text(o.value, o.datatype.value, language), None
            )

    def iri(self, s, p, o) -> None:
        """Add a triple whose object is an IRI."""
        o = _value(o)
        self._emit(_value(s), _value(p), self._ref(o), o)

    def lit(self, s, p, value, lang: str | None = None) -> None:
        """Add a triple whose object is a literal (typed from the Python value)."""
        if value is None:
            return
        if isinstance(value, bool):
            text = literal_text("true" if value else "false", _BOOLEAN)
        elif isinstance(value, int):
            text = literal_text(str(value), _INTEGER)
        elif isinstance(value, date):
            text = literal_text(value.isoformat(), _DATE)
        elif lang:
            text = literal_text(str(value), language=lang)
        else:
            text = literal_text(str(value))
        self._emit(_value(s), _value(p), text)

    def take_lines(self) -> list[str]:
        """The lines emitted since the last call (the emitter forgets them)."""
        lines, self._lines = self._lines, []
        self._refs.clear()
        return lines

    # spans ---------------------------------------------------------------------------------

    def span(self, ev: Evidence) -> str:
        """The IRI of a text span (view offsets in ``ev``), emitted once with its selectors.

        The lines of a span are written from one template (a span is nearly half of a
        task's lines, and the general path's per-line lookups were a third of emission):
        seven of its own, and the two of its quote selector where the emitter has not yet
        written a selector for the same text (:func:`quote_iri`; spans that quote the same
        words share it);
        the Web Annotation terms have no super-terms to add, and a span's types tell the
        reasoner nothing, so the lines are those :meth:`iri` and :meth:`lit` would write.
        """
        analysis = self.analyses[ev.file]
        a, b = analysis.view.to_original(ev.start, ev.end)
        source = self._sources.get(ev.file)
        if source is None:
            source = self._sources[ev.file] = source_iri(ev.file)
            self._ref(source)  # checked once per file: the rest of a span IRI is digits
        iri = span_iri_of_source(source, a, b)
        if iri not in self._seen_spans:
            self._seen_spans.add(iri)
            text = analysis.view.original[a:b]
            quote_ = self._quotes.get(text)
            if quote_ is None:
                quote_ = self._quotes[text] = f"<{quote_iri(text)}>"
                self._lines += (
                    f"{quote_}{_IS_QUOTE}",
                    f"{quote_}{_EXACT}{literal_text(text)}{_GRAPH_TAIL}",
                )
            ref, position = f"<{iri}>", f"<{iri}/position>"
            self._lines += (
                f"{ref}{_SPAN_IS_RESOURCE}",
                f"{ref}{_HAS_SOURCE}<{source}>{_GRAPH_TAIL}",
                f"{ref}{_HAS_SELECTOR}{position}{_GRAPH_TAIL}",
                f"{ref}{_HAS_SELECTOR}{quote_}{_GRAPH_TAIL}",
                f"{position}{_IS_POSITION}",
                f'{position}{_START}"{a}"{_INTEGER_TAIL}',
                f'{position}{_END}"{b}"{_INTEGER_TAIL}',
            )
        return iri

    # things -------------------------------------------------------------------------------

    def source_file(self, analysis: Analysis) -> None:
        """A corpus file: its name, checksum and encoding."""
        s = source_iri(analysis.name)
        self.iri(s, RDF.type, PKG.SourceFile)
        self.lit(s, RDFS.label, analysis.name)
        if analysis.source is not None:
            self.lit(s, PKG.sha256, analysis.source.sha256)
            self.lit(s, PKG.encoding, analysis.source.encoding)

    def jurisdiction(self, slug: str) -> str:
        """A jurisdiction node."""
        j = self.registry.jurisdiction(slug)
        s = str(ID["jurisdiction/" + slug])
        self.iri(s, RDF.type, PKG.Jurisdiction)
        self.lit(s, RDFS.label, j.name, "vi")
        self.lit(s, SKOS.notation, j.code)
        return s

    def agency(self, name: str, jurisdiction: str, code: str | None) -> str:
        """An issuing body of a jurisdiction, with its level when the registry knows it."""
        issuer = self.registry.issuer_by_name(name) or self.registry.issuer_by_code(code or "")
        j = self.registry.jurisdiction(jurisdiction)
        if issuer is not None and fold(issuer.name) == fold(name):
            name = issuer.name_in(j)
        s = str(ID[agency_path(jurisdiction, name)])
        self.agency_places.setdefault(s, (jurisdiction, name, None))
        self.iri(s, RDF.type, PKG.Agency)
        local = jurisdiction != "vn"
        # the place is the agency's pkg:jurisdiction; in a province its level word is shown,
        # as a task names it ("Ủy ban nhân dân tỉnh", not a city's bare "Ủy ban nhân dân")
        self.lit(s, PKG.name, self._issuer_shown(name, j), "vi")
        self._named_issuers.add(s)
        if issuer is not None:
            self.iri(s, PKG.level, _LEVELS[issuer.level])
            self.lit(s, RDFS.label, issuer.en + (f" ({j.name})" if local else ""), "en")
        self.iri(s, PKG.jurisdiction, self.jurisdiction(jurisdiction))
        return s

    @staticmethod
    def _issuer_shown(name: str, j) -> str:
        if j is None or j.kind != "province":
            return name
        found = normalize_agency(name)
        if found is None or found.central or found.key != fold(name):
            return name  # another body's alias ("Thường trực Hội đồng nhân dân")
        return found.name_in("province")

    def document(self, doc: Document) -> None:
        """A resolved document with its identity fields, issuer and provenance."""
        s = doc_iri(doc)
        self._documents.setdefault(s, (doc.key, doc.number, _missing_identity(doc)))
        t = self.registry.type_by_code(doc.type_code or "")
        if t is not None:
            self.iri(s, RDF.type, PKG[t.cls])
        self.iri(s, RDF.type, PKG.PartyDocument if doc.party else PKG.StateDocument)
        self.lit(s, PKG.key, doc.key)
        self.lit(s, RDFS.label, doc.key)
        self.lit(s, PKG.number, doc.number)
        for v in sorted(doc.variants):
            self.lit(s, PKG.numberVariant, v)
        self.lit(s, PKG.typeCode, doc.type_code)
        self.lit(s, PKG.title, doc.title, "vi")
        self.lit(s, PKG.name, doc.name, "vi")
        self.lit(s, PKG.date, doc.date)
        self.lit(s, PKG.year, doc.year)
        for d in sorted(doc.stated_dates):
            self.lit(s, PKG.statedDate, d)
        self.lit(s, PKG.inCorpus, doc.in_corpus)
        self.lit(s, PKG.unnumbered, doc.kind == "unnumbered")
        if doc.curated_sources:
            self.lit(s, PKG.curated, True)
            for src in doc.curated_sources:
                self.lit(s, PKG.curatedSource, src)
        self.iri(s, PKG.jurisdiction, self.jurisdiction(doc.jurisdiction))
        if doc.issuer_name:
            self.iri(
                s, PKG.issuedBy, self.agency(doc.issuer_name, doc.jurisdiction, doc.issuer_code)
            )
        if doc.file:
            self.iri(s, PKG.sourceFile, source_iri(doc.file))
        if doc.self_evidence is not None:
            self.iri(s, PKG.source, self.span(doc.self_evidence))

    def link(self, docs: dict[str, Document], link) -> None:
        """A relation between documents, and the assertion recording where it is stated (a
        span of a corpus text) or which curated registry fact, with its source, says so."""
        s, o = doc_iri(docs[link.subject]), doc_iri(docs[link.object])
        p = _RELATIONS[link.predicate]
        self.iri(s, p, o)
        ev, fact = link.evidence, link.curated
        where = f"{ev.file}|{ev.start}|{ev.end}" if ev else f"curated|{fact.source}"
        digest = hashlib.sha1(f"{s}|{p}|{o}|{where}".encode()).hexdigest()
        a = str(ID["assertion/" + digest[:20]])
        self.iri(a, RDF.type, PKG.RelationAssertion)
        self.iri(a, RDF.subject, s)
        self.iri(a, RDF.predicate, p)
        self.iri(a, RDF.object, o)
        if ev is not None:
            self.iri(a, PKG.source, self.span(ev))
        if fact is not None:
            self.lit(a, PKG.curated, True)
            self.lit(a, PKG.curatedSource, fact.source)
            for url in fact.see_also:
                self.lit(a, PKG.curatedSource, url)
            self.lit(a, PKG.inForce, fact.in_force)
            self.lit(a, PKG.checked, fact.checked)
            self.lit(a, PKG.confidence, fact.confidence)
            self.lit(a, PKG.curatedEvidence, fact.evidence, "vi")

    def citation(self, docs: dict[str, Document], citing: str, cited: str, file: str, mention):
        """One mention of a document in another's text."""
        ev = Evidence(file, mention.start, mention.end)
        span = self.span(ev)
        c = citation_iri(span)
        citing_iri, cited_iri = doc_iri(docs[citing]), doc_iri(docs[cited])
        self.iri(c, RDF.type, PKG.Citation)
        self.iri(c, PKG.citingDocument, citing_iri)
        self.iri(c, PKG.citedDocument, cited_iri)
        self.lit(c, PKG.surfaceForm, mention.ref.symbol)
        self.lit(c, PKG.statedDate, mention.date)
        self.lit(c, PKG.title, mention.title, "vi")
        self.iri(c, PKG.source, span)
        self.iri(citing_iri, PKG.cites, cited_iri)
        where = span_of_citation_iri(c)
        if where is not None:
            self._citations[cited_iri].append(CitationRow(*where, citing_iri, mention.ref.symbol))

    def citation_tables(self) -> None:
        """Each cited document's citation table (see
        :func:`policykg.ontology.task_table.encode_citation_tables`): its citations in one
        literal, derived from the citations' triples."""
        for cited in sorted(self._citations):
            for text in encode_citation_tables(self._citations[cited]):
                self.lit(cited, PKG.citationTable, text)
        self._citations.clear()

    def anomaly(self, docs: dict[str, Document], anomaly: Anomaly) -> None:
        """Something inconsistent found while reading."""
        basis = f"{anomaly.kind}|{anomaly.subject}|" + "|".join(
            f"{e.file}:{e.start}-{e.end}" for e in anomaly.evidence
        )
        a = str(ID["anomaly/" + hashlib.sha1(basis.encode()).hexdigest()[:20]])
        self.iri(a, RDF.type, PKG.Anomaly)
        self.lit(a, PKG.anomalyKind, anomaly.kind)
        self.lit(a, PKG.message, anomaly.message, "en")
        if anomaly.subject in docs:
            self.iri(a, PKG.about, doc_iri(docs[anomaly.subject]))
        for ev in anomaly.evidence:
            self.iri(a, PKG.source, self.span(ev))

    # tasks --------------------------------------------------------------------------------

    def local_agency(self, agency: AgencyName) -> AgencyName:
        """``agency`` as the plan being emitted names it: a district's or commune's own plan
        names its own bodies, a department's its own divisions
        (:mod:`~policykg.graph.local_units`)."""
        agency = self.plan_initials.get(agency, agency)
        place, issuer = self.local_place, self.plan_issuer
        found = self._scoped.get((agency, place, issuer))
        if found is None:
            found = division_of(agency, issuer)
            if place is not None:
                found = scoped(found, place)
            self._scoped[agency, place, issuer] = found
        return found

    def task_agency(self, agency, jurisdiction: str) -> str:
        """An agency a task names, scoped by the plan's jurisdiction unless it is national.

        Its name is shown in the form of the plan's jurisdiction (``AgencyName.name_in``): a
        province's plan that names "Liên minh Hợp tác xã" with no place word means its own
        "Liên minh Hợp tác xã tỉnh", not the default "… Thành phố" of a city."""
        place = "vn" if agency.central else jurisdiction
        if not agency.central:
            kind = self._jurisdiction_kinds.get(jurisdiction)
            if kind is None:
                known = {j.slug: j.kind for j in self.registry.jurisdictions}
                kind = self._jurisdiction_kinds[jurisdiction] = known.get(jurisdiction, "")
            shown = self._shown_agencies.get((agency, kind))
            if shown is None:
                name = agency.name_in(kind)
                shown = self._shown_agencies[agency, kind] = (
                    agency if name == agency.name else dataclasses.replace(agency, name=name)
                )
            agency = shown
        s = self._agency_iris.get((place, agency.key))
        if s is None:  # identity is the key, not the spelling
            s = self._agency_iris[place, agency.key] = str(ID[agency_path(place, agency.key)])
        self.agency_places.setdefault(
            s, (place, agency.name, (agency.kind, agency.collective, agency.level))
        )
        if self.plan_date is not None:
            self.agency_seen[s] = min(self.agency_seen.get(s, self.plan_date), self.plan_date)
        self._agency_names.setdefault(s, Counter())[agency.name] += 1
        # what the lines below depend on: the same lines (and reasoner facts) once per emitter
        written = (s, agency.collective, agency.kind, agency.level, place)
        if written in self._agencies_written:
            return s
        self._agencies_written.add(written)
        self.iri(s, RDF.type, PKG.CollectiveAgency if agency.collective else PKG.Agency)
        self.lit(s, PKG.agencyKind, agency.kind)
        if agency.level:
            self.lit(s, PKG.agencyLevel, agency.level)
        self.iri(s, PKG.jurisdiction, self.jurisdiction(place))
        return s

    def task(
        self,
        plan_iri: str,
        plan_key: str,
        jurisdiction: str,
        file: str,
        task,
        cites=(),
        table: list[TaskRow] | None = None,
        issuer: str | None = None,
    ) -> str:
        """A task with its roles, deadline and every span it was read from (and its row of
        the plan's task table, appended to ``table``). The plan's ``issuer`` (its key) is no
        coordinating agency of its own plan's tasks ("Đề nghị Liên minh HTX … phối hợp với
        Bộ Nông nghiệp và Phát triển nông thôn", in the ministry's plan)."""
        s = f"{plan_iri}/task/{quote(task.path, safe='')}"
        named: dict[str, list[str]] = {"lead": [], "coordinating": [], "requested": []}
        self.iri(s, RDF.type, PKG.Task)
        self.lit(s, PKG.key, f"{plan_key}#{task.path}")
        self.lit(s, PKG.path, task.path)
        self.lit(s, PKG.text, task.text, "vi")
        self.lit(s, PKG.taskKind, task.kind)
        self.iri(s, PKG.partOfPlan, plan_iri)
        if task.parent:
            self.iri(s, PKG.subTaskOf, f"{plan_iri}/task/{quote(task.parent, safe='')}")
        for a, b in task.spans:
            self.iri(s, PKG.source, self.span(Evidence(file, a, b)))
        for a, b in task.also:
            self.iri(s, PKG.alsoStatedAt, self.span(Evidence(file, a, b)))
        for role, prop, role_iri in (
            ("lead", PKG.lead, PKG.LeadRole),
            ("coordinating", PKG.coordinating, PKG.CoordinatingRole),
            ("requested", PKG.requested, PKG.RequestedRole),
        ):
            for placed in getattr(task, role):
                named_as = self.local_agency(placed.agency)
                if role == "coordinating" and issuer is not None and named_as.key == issuer:
                    continue
                agency = self.task_agency(named_as, jurisdiction)
                if agency not in named[role]:
                    named[role].append(agency)
                span = self.span(Evidence(file, placed.start, placed.end))
                self._association(s, role, prop, role_iri, agency, span)
        if task.deadline is not None:
            self.deadline(s, file, task.deadline, task.deadline_span)
        for cited in cites:
            self.iri(s, PKG.taskCites, cited)
        if table is not None:
            view = self.analyses[file].view
            offsets = [view.to_original(a, b) for a, b in task.spans]
            deadline = task.deadline
            table.append(
                TaskRow(
                    task.path,
                    min((a for a, _ in offsets), default=None),
                    max((b for _, b in offsets), default=None),
                    tuple(named["lead"]),
                    tuple(named["coordinating"]),
                    bool(named["requested"]),
                    deadline is not None,
                    None if deadline is None or deadline.end is None else str(deadline.end),
                    None if deadline is None else deadline.text,
                    tuple(cites),
                    task.text[:QUOTE_CHARS],
                )
            )
        return s

    def _association(
        self, task: str, role: str, prop: str, role_iri: str, agency: str, span: str
    ) -> None:
        """A task's role for an agency: the property (and its super-properties) from task to
        agency, and the qualified association with the agent, the role and the span it was
        read from. Written from templates (a task names two or three agencies: these lines
        were a quarter of emission through :meth:`iri`); the lines are those it would write
        (the task's and agency's IRIs were checked when they were first written)."""
        task_ref, agency_ref = f"<{task}>", f"<{agency}>"
        assoc = f"<{task}/{role}/{agency.rsplit('/', 1)[1]}>"
        props = _PROPERTIES.get(prop) or _with_supers(_PROPERTIES, prop)
        self._lines += [f"{task_ref} <{p}> {agency_ref}{_GRAPH_TAIL}" for p in props]
        sources = _PROPERTIES.get(PKG.source) or _with_supers(_PROPERTIES, PKG.source)
        self._lines += [f"{assoc} <{p}> <{span}>{_GRAPH_TAIL}" for p in sources]
        self._lines += (
            f"{task_ref}{_QUALIFIED}{assoc}{_GRAPH_TAIL}",
            f"{assoc}{_IS_ASSOCIATION}",
            f"{assoc}{_AGENT}{agency_ref}{_GRAPH_TAIL}",
            f"{assoc}{_HAD_ROLE}<{role_iri}>{_GRAPH_TAIL}",
        )

    def task_table(self, plan_iri: str, file: str, rows: list[TaskRow]) -> None:
        """The plan's task table for one file (see :mod:`policykg.ontology.task_table`):
        what the audit reads of each task, in one literal (one store row per plan and
        file instead of a dozen per task; several literals for a file of more than about
        two million characters of tasks). Tasks of one path are kept once (the first)."""
        unique = list({r.path: r for r in reversed(rows)}.values())
        for text in encode_tables(file, unique) if unique else ():
            self.lit(plan_iri, PKG.taskTable, text)

    def task_index(self, plan_iri: str, paths: list[str]) -> None:
        """The build-time index of a plan's tasks: their paths, sorted, percent-encoded as
        they end the tasks' IRIs (so no line break can hide in one), one per line.

        Reading every task of a national graph one row at a time costs a store lookup per
        row; the index gives a plan's tasks in one row (see ``pkg:taskIndex``). A plan read
        from two files gets one index per file; readers take their union.
        """
        unique = sorted(set(paths))
        if unique:
            self.lit(plan_iri, PKG.taskIndex, "\n".join(quote(p, safe="") for p in unique))

    def deadline(self, task_iri: str, file: str, deadline, span) -> None:
        """A deadline: the text verbatim, an OWL-Time interval and a recurrence if derivable."""
        d = f"{task_iri}/deadline"
        self.iri(task_iri, PKG.hasDeadline, d)
        self.iri(d, RDF.type, PKG.Deadline)
        self.lit(d, PKG.text, deadline.text, "vi")
        self.lit(d, PKG.recurrence, deadline.recurrence)
        self.lit(d, PKG.recurrenceDay, deadline.day)
        self.lit(d, PKG.requester, deadline.requester)
        for prop, when, name in (
            (TIME.hasBeginning, deadline.start, "begin"),
            (TIME.hasEnd, deadline.end, "end"),
        ):
            if when is not None:
                instant = f"{d}/{name}"
                self.iri(d, prop, instant)
                self.iri(instant, RDF.type, TIME.Instant)
                self.lit(instant, TIME.inXSDDate, when)
        if span:
            self.iri(d, PKG.source, self.span(Evidence(file, span[0], span[1])))

    def target(self, plan_iri: str, file: str, index: int, target, offset: int) -> None:
        """A measurable target of a plan."""
        t = f"{plan_iri}/target/{index}"
        self.iri(plan_iri, PKG.hasTarget, t)
        self.iri(t, RDF.type, PKG.Target)
        self.lit(t, PKG.indicator, target.indicator, "vi")
        for prop, value in ((PKG.valueMin, target.value_min), (PKG.valueMax, target.value_max)):
            if value is not None:
                self.add(t, prop, Literal(str(value), datatype=_n(XSD.decimal)))
        self.lit(t, PKG.unit, target.unit)
        self.lit(t, PKG.targetYear, target.year)
        self.lit(t, PKG.comparator, target.comparator)
        self.iri(
            t, PKG.source, self.span(Evidence(file, offset + target.start, offset + target.end))
        )

    def add_agency_names(self, names: dict[str, Counter]) -> None:
        """Count the agency spellings another emitter saw (a worker's)."""
        for s, counter in names.items():
            self._agency_names.setdefault(s, Counter()).update(counter)

    def add_agency_places(self, places: dict[str, AgencyPlace], seen: dict[str, date]) -> None:
        """Take in the agencies another emitter (a worker's) emitted: place, name, and the
        earliest date a text naming them bears."""
        for s, place in places.items():
            self.agency_places.setdefault(s, place)
        for s, when in seen.items():
            self.agency_seen[s] = min(self.agency_seen.get(s, when), when)

    def document_index(self) -> None:
        """The build-time index of the documents emitted (see ``pkg:documentIndex``): each
        one's IRI, key, number and the first identity field it lacks ("year", "issuer",
        "type" or ""), as JSON ``[[iri, key, number, missing], ...]`` sorted by IRI, on the
        data graph's IRI, in literals of at most :data:`DOCUMENTS_PER_INDEX` documents.

        Reading a document's key costs the embedded store a lookup (a key is too long to be
        held in the row), about 50 µs at a million tasks: 0.8 s for the 17,000 documents
        every lineage of all tasks and every audit names; the index is one row.
        """
        rows = [[iri, *self._documents[iri]] for iri in sorted(self._documents)]
        for i in range(0, len(rows), DOCUMENTS_PER_INDEX):
            chunk = rows[i : i + DOCUMENTS_PER_INDEX]
            text = json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
            self.lit(str(DATA_GRAPH), PKG.documentIndex, text)

    def finish(self) -> None:
        """One name per agency (the most used spelling); the others become alternative names."""
        for s, names in sorted(self._agency_names.items()):
            ranked = sorted(names, key=lambda n: (-names[n], len(n), n))
            if s not in self._named_issuers:
                self.lit(s, PKG.name, ranked[0], "vi")
            for other in ranked[1:]:
                self.lit(s, PKG.altName, other, "vi")


_BOOLEAN, _INTEGER, _DATE = str(ns.XSD.boolean), str(ns.XSD.integer), str(ns.XSD.date)


@cache
def _supers() -> dict[str, tuple[str, ...]]:
    """Each class's super-classes and each property's super-properties, by IRI."""
    return {str(k): tuple(sorted(str(v) for v in vs)) for k, vs in superterms().items()}


#: The pieces of a span's lines (:meth:`Emitter.span`): its source and two selectors.
_SPAN_IS_RESOURCE = f" <{RDF.type}> <{OA.SpecificResource}>{_GRAPH_TAIL}"
_IS_POSITION = f" <{RDF.type}> <{OA.TextPositionSelector}>{_GRAPH_TAIL}"
_IS_QUOTE = f" <{RDF.type}> <{OA.TextQuoteSelector}>{_GRAPH_TAIL}"
_HAS_SOURCE, _HAS_SELECTOR = f" <{OA.hasSource}> ", f" <{OA.hasSelector}> "
_START, _END, _EXACT = f" <{OA.start}> ", f" <{OA.end}> ", f" <{OA.exact}> "
_INTEGER_TAIL = f"^^<{XSD.integer}>{_GRAPH_TAIL}"
#: The pieces of an association's lines (:meth:`Emitter._association`).
_QUALIFIED, _AGENT = f" <{PROV.qualifiedAssociation}> ", f" <{PROV.agent}> "
_HAD_ROLE = f" <{PROV.hadRole}> "
_IS_ASSOCIATION = f" <{RDF.type}> <{PROV.Association}>{_GRAPH_TAIL}"
#: each class emitted so far, with its super-classes; each property, with its super-properties
_CLASSES: dict[str, tuple[str, ...]] = {}
_PROPERTIES: dict[str, tuple[str, ...]] = {}


def _with_supers(table: dict[str, tuple[str, ...]], term: str) -> tuple[str, ...]:
    """``term`` followed by its super-terms, remembered in ``table``."""
    table[term] = (term, *_supers().get(term, ()))
    return table[term]


def _cited_by_task(resolution: Resolution, docs, analysis: Analysis, task, starts) -> list[str]:
    """The documents a task's own text cites (mentions found by position, not by scanning);
    ``starts`` are the offsets of the file's mentions, in text order."""
    out: set[str] = set()
    for a, b in task.spans:
        for m in analysis.mentions[bisect_left(starts, a) : bisect_left(starts, b)]:
            key = resolution.mention_documents.get((analysis.name, m.start))
            if key:
                out.add(doc_iri(docs[key]))
    return sorted(out)


#: Documents per ``pkg:documentIndex`` literal (about 2 MB of text).
DOCUMENTS_PER_INDEX = 20_000


def _missing_identity(doc: Document) -> str:
    """The first identity field a document lacks in the graph, as ``unidentified-documents.rq``
    names it (``pkg:year``, ``pkg:issuedBy``, ``pkg:typeCode``; see :meth:`Emitter.document`),
    or "" when it has all three."""
    if doc.year is None:
        return "year"
    if not doc.issuer_name:
        return "issuer"
    if doc.type_code is None:
        return "type"
    return ""


def emit_shared(resolution: Resolution, analyses: Iterable[Analysis]) -> Emitter:
    """Emit what is not a plan's own: files, documents, relations, citations, anomalies."""
    em = Emitter({a.name: a for a in analyses})
    docs = resolution.by_key()
    for analysis in em.analyses.values():
        em.source_file(analysis)
    for doc in resolution.documents:
        em.document(doc)
    for link in resolution.links:
        em.link(docs, link)
    for c in resolution.citations:
        em.citation(docs, c.citing, c.cited, c.file, c.mention)
    em.citation_tables()
    for anomaly in resolution.anomalies:
        em.anomaly(docs, anomaly)
    return em


def emit_plans(
    em: Emitter,
    resolution: Resolution,
    names: Iterable[str],
    *,
    after_task: Callable[[], None] | None = None,
) -> None:
    """Emit the tasks and targets of the files ``names`` (each file on its own: the unit of
    work a build process takes); ``after_task`` is called after each task (to write out what
    the emitter holds)."""
    docs = resolution.by_key()
    for name in names:
        analysis = em.analyses[name]
        starts = [m.start for m in analysis.mentions]  # mentions are in text order
        all_tasks, all_targets = analysis.tasks_and_targets()
        for i, found in enumerate(all_tasks):
            plan = docs[resolution.part_documents[(analysis.name, i)]]
            em.plan_date = plan.date or (date(plan.year, 1, 1) if plan.year else None)
            table: list[TaskRow] = []
            issuer = normalize_agency(plan.issuer_name) if plan.issuer_name else None
            em.local_place = local_place(plan.issuer_name, plan.key)
            em.plan_issuer = issuer
            doc_type = em.registry.type_by_code(plan.type_code) if plan.type_code else None
            # a joint plan's co-issuers are each other's partners: none is "the issuer"
            self_key = issuer.key if issuer is not None and not _joint(doc_type) else None
            em.plan_initials = spelled_out(
                s.agency for t in found.tasks for s in (*t.lead, *t.coordinating, *t.requested)
            )
            for task in found.tasks:
                cited = _cited_by_task(resolution, docs, analysis, task, starts)
                em.task(
                    doc_iri(plan),
                    plan.key,
                    plan.jurisdiction,
                    analysis.name,
                    task,
                    cited,
                    table,
                    self_key,
                )
                if after_task is not None:
                    after_task()
            em.task_index(doc_iri(plan), [task.path for task in found.tasks])
            em.task_table(doc_iri(plan), analysis.name, table)
            for n, (offset, target) in enumerate(all_targets[i], start=1):
                em.target(doc_iri(plan), analysis.name, n, target, offset)


def _joint(doc_type: DocType | None) -> bool:
    return doc_type is not None and doc_type.joint


def emit_agency_history(em: Emitter, resolution: Resolution) -> None:
    """Add the history of the agencies ``em`` has seen (after every plan is emitted); the
    instruments of the changes it holds join the resolution's documents."""
    # imported here: the history module builds on this one's Emitter
    from policykg.graph.agency_history import AgencyHistory
    from policykg.graph.emit_history import emit_history

    docs = {d.key for d in resolution.documents}
    added = emit_history(em, AgencyHistory(), resolution.instruments, docs)
    resolution.documents.extend(added)
