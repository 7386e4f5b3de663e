"""One identity per real document, across every mention in every file.

Mentions are grouped by what identifies a document: its jurisdiction (the country for a
central issuer; for a local one, the place the mention names or else the citing text's
own), Party or State, type, issuer and number; a law by its name. Within a group, the
year (from the symbol or a stated date) separates documents that share a number; a mention
with no year joins the only dated document of its group, or the one its own text dates.

Then: one letter cited under two type codes with the same date is one document, flagged; a
plenum resolution cited by name is the numbered resolution a text (or the curated registry)
says it is; each corpus document joins the group of its own number, or stands alone with an
identity from issuer, type and title when it has none.

>>> from policykg.graph.analyse import analyse_text
>>> a = analyse_text("x.txt", "KẾ HOẠCH\\nThực hiện Kết luận số 56-KL/TW ngày 21/02/2013 "
...                  "của Bộ Chính trị\\nI. NHIỆM VỤ\\n1. Quán triệt Kết luận 56-KL/TW.")
>>> docs = resolve([a]).documents
>>> sorted(d.key for d in docs if not d.in_corpus)
['56-KL/TW']
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from policykg.graph.analyse import Analysis
from policykg.graph.citations import DocRef, Mention, find_mentions
from policykg.graph.documents import DocumentPart
from policykg.graph.registry import Registry, load_registry
from policykg.graph.registry.agency_changes import load_agency_changes
from policykg.graph.registry.succession import DocId, Succession, load_succession
from policykg.graph.textview import collapse_spaces, fold, make_view

Key = tuple


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: a file and a view span within it."""

    file: str
    start: int
    end: int


@dataclass
class Anomaly:
    """Something inconsistent found while reading, with the spans that show it."""

    kind: str
    message: str
    subject: str  # a document key
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Document:
    """A resolved document: one real-world identity with everything the texts say of it."""

    iri_path: str
    key: str
    kind: str  # numbered, law, plenum, unnumbered
    type_code: str | None
    party: bool | None
    jurisdiction: str
    number: str | None = None
    variants: set[str] = field(default_factory=set)
    issuer_code: str | None = None
    issuer_name: str | None = None
    year: int | None = None
    date: date | None = None
    stated_dates: dict[date, list[Evidence]] = field(default_factory=dict)
    title: str | None = None
    in_corpus: bool = False
    file: str | None = None
    part_span: tuple[int, int] | None = None
    self_evidence: Evidence | None = None
    name: str | None = None
    curated_sources: list[str] = field(default_factory=list)
    mentions: list[tuple[str, Mention]] = field(default_factory=list)


@dataclass(frozen=True)
class Link:
    """A relation between two resolved documents, with the span of text that states it, or
    the curated registry fact it comes from (``curated``, then ``evidence`` is None)."""

    predicate: str
    subject: str  # document key
    object: str
    evidence: Evidence | None
    quote_span: tuple[int, int] | None
    curated: Succession | None = None


def _inherited_implements(links: list[Link]) -> list[Link]:
    """What a plan issued with a decision implements when its own text says nothing of it.

    "Quyết định … Ban hành Kế hoạch hành động thực hiện Nghị quyết số 09/NQ-CP" states the
    relation once, on the decision; the plan attached to it ("Ban hành kèm theo Quyết định
    số …") often has no "Thực hiện …" of its own. Such a plan implements what the decision
    implements, with the decision's words as evidence (the text that states it).

    >>> ev = Evidence("f.txt", 0, 9)
    >>> links = [Link("attachedTo", "kh", "qd", ev, None), Link("implements", "qd", "nq", ev, None)]
    >>> [(k.predicate, k.subject, k.object) for k in _inherited_implements(links)]
    [('implements', 'kh', 'nq')]
    """
    implements: dict[str, list[Link]] = {}
    for k in links:
        if k.predicate == "implements":
            implements.setdefault(k.subject, []).append(k)
    return [
        Link("implements", k.subject, up.object, up.evidence, up.quote_span)
        for k in links
        if k.predicate == "attachedTo" and k.subject not in implements
        for up in implements.get(k.object, [])
        if up.object != k.subject
    ]


@dataclass(frozen=True)
class CitationLink:
    """One mention of a document in another document's text."""

    citing: str
    cited: str
    file: str
    mention: Mention


@dataclass
class Resolution:
    """The outcome: documents, relations between them, citations and anomalies."""

    documents: list[Document]
    links: list[Link]
    citations: list[CitationLink]
    anomalies: list[Anomaly]
    part_documents: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, part) -> key
    mention_documents: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, start)
    #: change event id -> the document that ordered it: a resolved one when a text cites it,
    #: else a curated document that the build adds only if the change touches its agencies
    instruments: dict[str, Document] = field(default_factory=dict)

    def by_key(self) -> dict[str, Document]:
        """Documents indexed by key."""
        return {d.key: d for d in self.documents}


# --- keys ----------------------------------------------------------------------------------


def _other_law(doc: DocId, found: Document) -> bool:
    """Whether the law a text states (``found``) is, by its number or date, not the
    registry's law of the same name and year (``doc``)."""
    if doc.number and found.number and fold(doc.number) != fold(found.number):
        return True
    return bool(doc.date and found.date and doc.date != found.date.isoformat())


def _slug(text: str, limit: int = 80) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(s) > limit:
        s = s[:limit].rstrip("-") + "-" + hashlib.sha1(s.encode()).hexdigest()[:8]
    return s


def district_place(province: str, district: str) -> str:
    """The place of a district's documents in keys and IRIs: its province's slug (``vn``
    when not known), "/" and its own.

    >>> district_place("ha-noi", "Huyện Đông Anh"), district_place("vn", "Quận 1")
    ('ha-noi/huyen-dong-anh', 'vn/quan-1')
    """
    return f"{province}/{_slug(district)}"


def province_of(place: str) -> str:
    """The jurisdiction of a document placed in ``place``: a district's is its province.

    >>> province_of("ha-noi/huyen-dong-anh"), province_of("vn/quan-1"), province_of("ha-noi")
    ('ha-noi', 'vn', 'ha-noi')
    """
    return place.split("/", 1)[0]


def _is_central(reg: Registry, code: str | None, own: bool = False) -> bool:
    """Whether a number's issuer code is a central body's: the registry's word, else a
    ministry's or the National Assembly's shape (BTC, BKHĐT, QH …). A text's ``own`` number
    under a code the registry does not know that also names local bodies (a steering
    committee's "BCĐ", social insurance's "BHXH": provinces have theirs) is placed by its
    header, not taken for a central one.

    >>> reg = load_registry()
    >>> [_is_central(reg, code, own) for code, own in [("BHXH", False), ("BHXH", True)]]
    [True, False]
    >>> _is_central(reg, "BTC", own=True)
    True
    """
    if not code:
        return False
    issuer = reg.issuer_by_code(code)
    if issuer is not None:
        return issuer.central
    if own and re.match(r"(?:bcd|bhxh)", fold(code)):
        return False
    return bool(re.match(r"(?:b|qh|ubtvqh)", fold(code)))


def _base(
    reg: Registry,
    ref: DocRef,
    m: Mention,
    citing_place: str,
    district: str | None = None,
    own: bool = False,
) -> Key:
    """A mention's identity but its year. A district's document (its own number under a
    district's header, or cited "của UBND huyện Đông Anh": ``district``) is placed in the
    district: ``<province>/<district slug>``."""
    if ref.kind == "law":
        return ("law", ref.name_key)
    if ref.kind == "plenum":
        return ("plenum", ref.plenum, ref.term)
    central = _is_central(reg, ref.issuer_code, own)
    place = "vn" if central else (m.place or citing_place)
    if district and not central:
        place = district_place(place, district)
    return (
        "n",
        place,
        bool(ref.party),
        fold(ref.type_code or ""),
        fold(ref.issuer_code or ""),
        ref.number,
    )


@dataclass
class _Occurrence:
    file: str
    part: int
    mention: Mention
    base: Key
    year: int | None


def _district_provinces(occs: list[_Occurrence]) -> list[_Occurrence]:
    """A district's documents placed with no province ("vn/huyen-dong-anh": the text names
    none) take the province the other texts place that district in, when they all place it
    in one.

    >>> m = Mention(DocRef(kind="numbered"), 0, 1, 0, 1)
    >>> occs = [_Occurrence("a", 0, m, ("n", "ha-noi/huyen-x", False, "kh", "ubnd", 1), None),
    ...         _Occurrence("b", 0, m, ("n", "vn/huyen-x", False, "kh", "ubnd", 2), None)]
    >>> [o.base[1] for o in _district_provinces(occs)]
    ['ha-noi/huyen-x', 'ha-noi/huyen-x']
    """
    provinces: dict[str, set[str]] = defaultdict(set)
    for o in occs:
        if o.base[0] == "n" and "/" in o.base[1]:
            province, district = o.base[1].split("/", 1)
            if province != "vn":
                provinces[district].add(province)
    out = []
    for o in occs:
        place = o.base[1] if o.base[0] == "n" else ""
        if place.startswith("vn/") and len(provinces.get(place[3:], ())) == 1:
            (province,) = provinces[place[3:]]
            base = (o.base[0], f"{province}/{place[3:]}", *o.base[2:])
            o = _Occurrence(o.file, o.part, o.mention, base, o.year)
        out.append(o)
    return out


def _assign_years(occs: list[_Occurrence]) -> dict[int, int | None]:
    """Year of each occurrence's document within one base group (by index)."""
    years = {o.year for o in occs if o.year is not None}
    by_file: dict[str, set[int]] = defaultdict(set)
    for o in occs:
        if o.year is not None:
            by_file[o.file].add(o.year)
    out = {}
    for i, o in enumerate(occs):
        if o.year is not None:
            out[i] = o.year
        elif len(by_file[o.file]) == 1:
            out[i] = next(iter(by_file[o.file]))
        elif len(years) == 1 and o.base[0] != "law":
            out[i] = next(iter(years))
        else:
            out[i] = None
    return out


# --- resolution ----------------------------------------------------------------------------


class _Resolver:
    def __init__(self, analyses: list[Analysis], reg: Registry):
        self.analyses = analyses
        self.reg = reg
        self.anomalies: list[Anomaly] = []
        self.docs: dict[Key, Document] = {}
        self.occ_doc: dict[tuple[str, int], Key] = {}  # (file, mention start) -> doc identity

    # identity of a group member
    def identity(self, base: Key, year: int | None) -> Key:
        return (*base, year)

    def run(self) -> Resolution:
        occs = _district_provinces(self._occurrences())
        groups: dict[Key, list[_Occurrence]] = defaultdict(list)
        for o in occs:
            groups[o.base].append(o)
        members: dict[Key, list[_Occurrence]] = defaultdict(list)
        for base, group in sorted(groups.items(), key=lambda kv: repr(kv[0])):
            years = _assign_years(group)
            for i, o in enumerate(group):
                members[self.identity(base, years[i])].append(o)
        members = self._merge_type_conflicts(members)
        members = self._merge_plenums(members)
        for ident, group in sorted(members.items(), key=lambda kv: repr(kv[0])):
            doc = self._document(ident, group)
            self.docs[ident] = doc
            for o in group:
                self.occ_doc[(o.file, o.mention.start)] = ident
        self._disambiguate_keys()
        part_docs = self._corpus_documents()
        links = self._links(part_docs) + self._curated_links()
        instruments = self._instruments()
        citations = self._citations(part_docs)
        self._flag_dates()
        self._task_anomalies(part_docs)
        docs = sorted(self.docs.values(), key=lambda d: d.iri_path)
        parts = {k: self.docs[v].key for k, v in part_docs.items()}
        mentions = {k: self.docs[v].key for k, v in self.occ_doc.items()}
        return Resolution(docs, links, citations, self.anomalies, parts, mentions, instruments)

    def _disambiguate_keys(self) -> None:
        """Two documents with one key (a city's plan numbers restart every year: 53/KH-UBND of
        2019 and of 2023) both get their year after "@": ``can-tho:53/KH-UBND@2023``."""
        by_key: dict[str, list[Document]] = defaultdict(list)
        for doc in self.docs.values():
            by_key[doc.key].append(doc)
        for key, docs in by_key.items():
            if len(docs) > 1 and len({d.year for d in docs}) == len(docs):
                for d in docs:
                    d.key = f"{key}@{d.year or 'undated'}"

    def _task_anomalies(self, part_docs: dict[tuple[str, int], Key]) -> None:
        for a in self.analyses:
            for i, found in enumerate(a.tasks):
                key = self.docs[part_docs[(a.name, i)]].key
                for anomaly in found.anomalies:
                    self.anomalies.append(
                        Anomaly(
                            kind=anomaly.kind,
                            message=f"{key}: {anomaly.message}",
                            subject=key,
                            evidence=[Evidence(a.name, s, e) for s, e in anomaly.spans],
                        )
                    )

    def _occurrences(self) -> list[_Occurrence]:
        out = []
        for a in self.analyses:
            own = {p.number.start: p for p in a.parts if p.number is not None}
            for m in a.mentions:
                part = a.part_index(m.start)
                citing_place = a.parts[part].place or "vn"
                ref = m.ref
                year = ref.year
                if year is None and m.start in own and own[m.start].date is not None:
                    year = own[m.start].date.year  # a document's own number, dated in its header
                district = own[m.start].district if m.start in own else m.district
                own_district = a.parts[part].district or ""
                if (  # "… của UBND huyện" in a district's text: that district, if its level
                    district is None
                    and m.generic_district
                    and own_district.startswith(m.generic_district + " ")
                ):
                    district = own_district
                out.append(
                    _Occurrence(
                        a.name,
                        part,
                        m,
                        _base(self.reg, ref, m, citing_place, district, m.start in own),
                        year,
                    )
                )
                for name, key in m.amends:
                    law = DocRef(kind="law", type_code="LUAT", party=False, name=name, name_key=key)
                    inner = Mention(
                        ref=law,
                        start=m.start + 1,
                        end=m.end,
                        symbol_start=m.symbol_start,
                        symbol_end=m.symbol_end,
                        type_word="LUAT",
                        issuer_name="Quốc hội",
                        place="vn",
                    )
                    out.append(_Occurrence(a.name, part, inner, ("law", key), None))
        return out

    def _merge_type_conflicts(self, members: dict[Key, list[_Occurrence]]):
        """Same issuer, number and date under two type codes: one document cited two ways."""
        by_loose: dict[Key, list[Key]] = defaultdict(list)
        for ident in members:
            if ident[0] == "n":
                by_loose[(ident[1], ident[2], ident[4], ident[5], ident[6])].append(ident)
        for idents in by_loose.values():
            if len(idents) < 2:
                continue
            dates = [
                {o.mention.date for o in members[i] if o.mention.date is not None} for i in idents
            ]
            if not set.intersection(*dates):
                continue
            votes = Counter(
                i for i in idents for o in members[i] if fold(o.mention.type_word or "") == i[3]
            )
            keep = max(sorted(idents, key=repr), key=lambda i: (votes[i], len(members[i])))
            symbols = sorted({o.mention.ref.canonical or "" for i in idents for o in members[i]})
            for other in idents:
                if other != keep:
                    members[keep].extend(members.pop(other))
            self.anomalies.append(
                Anomaly(
                    kind="cited-under-two-symbols",
                    message=(
                        f"one document is cited as {' and as '.join(symbols)}: same issuer, "
                        "number and date; kept as one document"
                    ),
                    subject="",
                    evidence=[
                        Evidence(o.file, o.mention.symbol_start, o.mention.symbol_end)
                        for o in members[keep]
                    ],
                )
            )
            self.anomalies[-1].subject = repr(keep)
        return members

    def _plenum_targets(self, members: dict[Key, list[_Occurrence]]) -> dict[tuple, Key]:
        targets: dict[tuple, Key] = {}
        for ident, group in sorted(members.items(), key=lambda kv: repr(kv[0])):
            for o in group:
                if ident[0] == "n" and o.mention.plenum and o.mention.term:
                    targets.setdefault((o.mention.plenum, o.mention.term), ident)
        for p in self.reg.plenums:
            m = re.fullmatch(r"(\d+)-(\w+)/(\w+)", p.number)
            if m and (p.plenum, p.term) not in targets:
                year = int(p.date[:4])
                ident = ("n", "vn", True, fold(m[2]), fold(m[3]), int(m[1]), year)
                targets[(p.plenum, p.term)] = ident
        return targets

    def _merge_plenums(self, members: dict[Key, list[_Occurrence]]):
        targets = self._plenum_targets(members)
        for ident in [i for i in members if i[0] == "plenum"]:
            target = targets.get((ident[1], ident[2]))
            if target is None:
                continue
            members[target].extend(members.pop(ident))
        self._curated_numbers = {
            t: p for p in self.reg.plenums for t in [targets.get((p.plenum, p.term))]
        }
        return members

    # documents -------------------------------------------------------------------------

    def _document(self, ident: Key, group: list[_Occurrence]) -> Document:
        ms = [o.mention for o in group]
        refs = [m.ref for m in ms]
        kind = ident[0]
        year = ident[-1]
        if kind == "law":
            names = Counter(r.name for r in refs if r.name)
            name = sorted(names, key=lambda n: (-names[n], n))[0]
            key = f"Luật {name}" + (f" {year}" if year else "")
            doc = Document(
                iri_path=f"doc/vn/luat/{year or 'undated'}/{_slug(ident[1])}",
                key=key,
                kind="law",
                type_code="LUAT",
                party=False,
                jurisdiction="vn",
                number=None,
                issuer_code="QH",
                issuer_name="Quốc hội",
                year=year,
                name=f"Luật {name}",
            )
            numbers = Counter(r.number_text for r in refs if r.number_text)
            if numbers:
                doc.number = sorted(numbers, key=lambda n: (-numbers[n], n))[0]
                doc.variants = set(numbers)
        elif kind == "plenum":
            name = f"Nghị quyết Trung ương {ident[1]} khóa {ident[2]}"
            doc = Document(
                iri_path=f"doc/vn/nq-tw/plenum-{ident[1]}-khoa-{fold(ident[2] or 'unknown')}",
                key=name,
                kind="plenum",
                type_code="NQ",
                party=True,
                jurisdiction="vn",
                issuer_code="TW",
                issuer_name="Ban Chấp hành Trung ương Đảng",
                name=name,
            )
        else:
            _, place, party, _, _, number, _ = ident
            numbered = [r for r in refs if r.kind == "numbered"]
            agreeing = [r for r in numbered if fold(r.type_code or "") == ident[3]]
            numbered = agreeing or numbered
            canon = Counter(r.canonical for r in numbered)
            display = sorted(canon, key=lambda c: (-canon[c], c))[0] if canon else None
            ref0 = next((r for r in numbered if r.canonical == display), None)
            type_code = ref0.type_code if ref0 else "NQ"
            issuer_code = ref0.issuer_code if ref0 else "TW"
            if display is None:  # a plenum resolution known only from the registry
                cur = self._curated_numbers.get(ident)
                display = cur.number if cur else f"{number}"
            key = display if place == "vn" else f"{place}:{display}"
            doc = Document(
                iri_path=(
                    f"doc/{place}/{_slug(type_code or 'x')}-{_slug(issuer_code or 'x')}"
                    f"/{year or 'undated'}/{number}"
                ),
                key=key,
                kind="numbered",
                type_code=type_code,
                party=party,
                jurisdiction=province_of(place),
                number=display,
                issuer_code=issuer_code,
                year=year,
            )
            doc.variants = {collapse_spaces(r.symbol) for r in numbered if r.symbol}
            cur = self._curated_numbers.get(ident)
            if cur is not None:
                doc.curated_sources.append(cur.source)
                if not any(m.date for m in ms):
                    doc.date = date.fromisoformat(cur.date)
                    doc.title = doc.title or cur.title
        organs = Counter(m.issuer_name for m in ms if m.issuer_name)
        if organs:
            doc.issuer_name = sorted(organs, key=lambda n: (-organs[n], n))[0]
        if doc.issuer_name is None and doc.issuer_code:
            issuer = self.reg.issuer_by_code(doc.issuer_code)
            doc.issuer_name = issuer.name if issuer else None
        for o in group:
            doc.mentions.append((o.file, o.mention))
            if o.mention.date is not None:
                doc.stated_dates.setdefault(o.mention.date, []).append(
                    Evidence(o.file, o.mention.symbol_start, o.mention.end)
                )
        if doc.stated_dates and doc.date is None:
            counts = {d: len(ev) for d, ev in doc.stated_dates.items()}
            doc.date = sorted(counts, key=lambda d: (-counts[d], d))[0]
        if doc.year is None and doc.date is not None:
            doc.year = doc.date.year
        doc.title = _common_title([m.title for m in ms if m.title]) or doc.title
        return doc

    def _corpus_documents(self) -> dict[tuple[str, int], Key]:
        """Attach each corpus document part to its identity; returns (file, part) -> key."""
        out: dict[tuple[str, int], Key] = {}
        for a in self.analyses:
            for i, part in enumerate(a.parts):
                ident = None
                if part.number is not None:
                    ident = self.occ_doc.get((a.name, part.number.start))
                if ident is None:
                    ident = self._unnumbered(a.name, part)
                doc = self.docs[ident]
                doc.in_corpus = True
                doc.file = doc.file or a.name
                doc.part_span = (part.start, part.end)
                doc.title = part.title or doc.title
                heading = part.heading or (part.start, part.start)
                doc.self_evidence = Evidence(a.name, heading[0], heading[1])
                doc.jurisdiction = doc.jurisdiction or part.place or "vn"
                if part.date is not None:
                    doc.date = part.date
                    doc.year = doc.year or part.date.year
                    span = part.date_span or heading
                    doc.stated_dates.setdefault(part.date, []).insert(
                        0, Evidence(a.name, span[0], span[1])
                    )
                if doc.issuer_name is None or part.district:
                    doc.issuer_name = part.issuer_name  # a district's organ, from its header
                out[(a.name, i)] = ident
        return out

    def _unnumbered(self, file: str, part: DocumentPart) -> Key:
        attached = self.occ_doc.get((file, part.attached_to.start)) if part.attached_to else None
        if attached is not None:  # "Kế hoạch ban hành kèm theo Quyết định số 3064/QĐ-UBND"
            return self._attached(file, part, self.docs[attached])
        province = part.place or "vn"
        place = district_place(province, part.district) if part.district else province
        type_code = part.type_code or "VB"
        issuer = part.issuer_code or "x"
        basis = fold(collapse_spaces(part.title or file))
        digest = hashlib.sha1(basis.encode()).hexdigest()[:8]
        ident = ("u", place, type_code, issuer, digest)
        display = f"{type_code}-{issuer}"
        self.docs[ident] = Document(
            iri_path=f"doc/{place}/{_slug(type_code)}-{_slug(issuer)}/unnumbered/{digest}",
            key=f"{place}:{display}:{digest}",
            kind="unnumbered",
            type_code=type_code,
            party=bool(self.reg.issuer_by_code(issuer) and self.reg.issuer_by_code(issuer).party),
            jurisdiction=province,
            issuer_code=part.issuer_code,
            issuer_name=part.issuer_name,
        )
        self.anomalies.append(
            Anomaly(
                kind="unnumbered-document",
                message=(
                    f"{file}: the document has no number in its text; it is identified by "
                    f"issuer, type and title as {self.docs[ident].key}"
                ),
                subject=self.docs[ident].key,
                evidence=[Evidence(file, *(part.heading or (part.start, part.start)))],
            )
        )
        return ident

    def _attached(self, file: str, part: DocumentPart, parent: Document) -> Key:
        """A plan with no number of its own, named after the decision it was issued with."""
        type_code = part.type_code or "VB"
        ident = ("attached", parent.iri_path, type_code)
        self.docs[ident] = Document(
            iri_path=f"{parent.iri_path}/{_slug(type_code)}",
            key=f"{parent.key}/{type_code}",
            kind="unnumbered",
            type_code=type_code,
            party=parent.party,
            jurisdiction=parent.jurisdiction,
            issuer_code=parent.issuer_code,
            issuer_name=parent.issuer_name,
            year=parent.year,
        )
        return ident

    # relations and citations ------------------------------------------------------------

    def _key_of(self, file: str, m: Mention) -> str | None:
        ident = self.occ_doc.get((file, m.start))
        return self.docs[ident].key if ident else None

    def _links(self, part_docs: dict[tuple[str, int], Key]) -> list[Link]:
        links: list[Link] = []
        for a in self.analyses:
            for part_index, rel in a.relations:
                subject = (
                    self._key_of(a.name, rel.subject)
                    if rel.subject is not None
                    else self.docs[part_docs[(a.name, part_index)]].key
                )
                obj = self._key_of(a.name, rel.object)
                if subject and obj and subject != obj:
                    ev = Evidence(a.name, rel.start, rel.end)
                    links.append(Link(rel.predicate, subject, obj, ev, (rel.start, rel.end)))
            for i, part in enumerate(a.parts):
                if part.attached_to is not None:
                    target = self._key_of(a.name, part.attached_to)
                    subject = self.docs[part_docs[(a.name, i)]].key
                    if target and target != subject:
                        ev = Evidence(a.name, part.attached_to.start, part.attached_to.end)
                        links.append(Link("attachedTo", subject, target, ev, (ev.start, ev.end)))
            for m in a.mentions:
                subject = self._key_of(a.name, m)
                for _, key in m.amends:
                    target = self._amended(a.name, m, key)
                    if subject and target:
                        ev = Evidence(a.name, m.start, m.end)
                        links.append(Link("amends", subject, target, ev, (m.start, m.end)))
        links += _inherited_implements(links)
        unique = {(k.predicate, k.subject, k.object, k.evidence): k for k in links}
        return sorted(
            unique.values(),
            key=lambda k: (k.subject, k.predicate, k.object, k.evidence.file, k.evidence.start),
        )  # curated links come after, from _curated_links

    # curated succession ------------------------------------------------------------------

    def _find(self, doc: DocId) -> Document | None:
        """The resolved document a registry entry names, if the graph has it: by number
        first, else a law by name and year whose stated number and date do not say it is
        another law of that name and year (2025 has two local-government laws, 65/2025/QH15
        of February and 72/2025/QH15 of June, which replaced it)."""
        wanted = fold((doc.number or "").replace(" ", ""))
        if wanted:
            for d in self.docs.values():
                if wanted in {fold(n.replace(" ", "")) for n in (d.number, *d.variants) if n}:
                    return d
        if doc.kind != "law":
            return None
        for d in self.docs.values():
            if d.kind == "law" and fold(d.key) == fold(doc.label) and not _other_law(doc, d):
                return d
        return None

    def _curated_document(
        self,
        doc: DocId,
        source: str,
        place: str = "vn",
        type_code: str | None = None,
        register: bool = True,
    ) -> Document:
        """A document known only from the curated registry (a later law, a new decree); a
        local body's document (``place``) is that jurisdiction's; ``type_code`` when the
        number does not carry the type (176/2025/QH15 is a Nghị quyết)."""
        if doc.kind == "law":  # two laws may share name and year (2025): the number tells
            key = doc.label + (f" ({doc.number})" if doc.number else "")
            iri_path = f"doc/vn/luat/{doc.year or 'undated'}/{_slug(doc.name or key)}" + (
                f"/{_slug(doc.number)}" if doc.number else ""
            )
            made = Document(
                iri_path,
                key,
                "law",
                "LUAT",
                False,
                "vn",
                number=doc.number,
                issuer_code="QH",
                issuer_name="Quốc hội",
                year=doc.year,
                name=key,
            )
        else:
            (m,) = find_mentions(make_view(doc.number or ""), self.reg) or (None,)
            ref = m.ref if m is not None else DocRef(kind="numbered")
            code = ref.issuer_code or ""  # "QH15": the National Assembly of the 15th term
            issuer = self.reg.issuer_by_code(code) or self.reg.issuer_by_code(
                code.rstrip("0123456789")
            )
            year = ref.year or (int(doc.date[:4]) if doc.date else None)
            kind = ref.type_code or type_code
            if issuer is None or issuer.central:
                place = "vn"
            iri_path = (
                f"doc/{place}/{_slug(kind or 'x')}-{_slug(ref.issuer_code or 'x')}"
                f"/{year or 'undated'}/{ref.number}"
            )
            made = Document(
                iri_path,
                doc.number or iri_path,
                "numbered",
                kind,
                bool(ref.party),
                place,
                number=doc.number,
                issuer_code=ref.issuer_code,
                issuer_name=issuer.name if issuer else None,
                year=year,
            )
        if doc.date:
            made.date = date.fromisoformat(doc.date)
        made.curated_sources.append(source)
        if register:
            self.docs[("curated", made.iri_path)] = made
        return made

    def _curated_links(self) -> list[Link]:
        """Registry facts about documents of the graph, and about their successors in turn."""
        table = load_succession()
        links: list[Link] = []
        done: set[int] = set()
        changed = True
        while changed:
            changed = False
            for i, fact in enumerate(table):
                replaced = self._find(fact.replaced) if i not in done else None
                if replaced is None:
                    continue
                by = self._find(fact.by) or self._curated_document(fact.by, fact.source)
                done.add(i)
                if by is replaced:  # the graph cannot tell the two apart: no loop
                    continue
                predicate = "amends" if fact.relation == "amends" else "replaces"
                links.append(Link(predicate, by.key, replaced.key, None, None, fact))
                changed = True
        return links

    def _instruments(self) -> dict[str, Document]:
        """The documents that ordered the agency changes of the registry, by event id: the
        graph's own node when a text cites it, else a curated document (not yet part of the
        resolution: the emitter adds it when a change it ordered touches the graph)."""
        out: dict[str, Document] = {}
        made: dict[str, Document] = {}
        for event in load_agency_changes():
            if event.instrument is None:
                continue  # unnumbered: the change keeps its title and date
            local = event.level != "national" and len(event.jurisdictions) == 1
            place = event.jurisdictions[0] if local and event.jurisdictions != ("*",) else "vn"
            doc = self._find(event.instrument)
            if doc is None:
                doc = self._curated_document(
                    event.instrument, event.source, place, event.instrument_type, register=False
                )
                doc = made.setdefault(doc.iri_path, doc)
            if event.instrument_title and not doc.title:
                doc.title = event.instrument_title
            if event.source not in doc.curated_sources and not doc.in_corpus:
                doc.curated_sources.append(event.source)
            out[event.id] = doc
        return out

    def _amended(self, file: str, m: Mention, key: str) -> str | None:
        """The law an amending law names (its inner mentions share the outer span)."""
        for ident, doc in self.docs.items():
            if (ident[0], ident[1]) == ("law", key) and any(
                f == file and x.start == m.start + 1 for f, x in doc.mentions
            ):
                return doc.key
        return None

    def _citations(self, part_docs: dict[tuple[str, int], Key]) -> list[CitationLink]:
        out = []
        for a in self.analyses:
            for m in a.mentions:
                part_index = a.part_index(m.start)
                citing = self.docs[part_docs[(a.name, part_index)]].key
                cited = self._key_of(a.name, m)
                if cited and cited != citing:
                    out.append(CitationLink(citing, cited, a.name, m))
        return out

    def _flag_dates(self) -> None:
        for doc in self.docs.values():
            if len(doc.stated_dates) > 1:
                listed = ", ".join(
                    f"{d.isoformat()} ({len(ev)}×)" for d, ev in sorted(doc.stated_dates.items())
                )
                self.anomalies.append(
                    Anomaly(
                        kind="conflicting-dates",
                        message=(
                            f"{doc.key} is dated differently in the texts: {listed}; "
                            f"kept {doc.date.isoformat() if doc.date else 'none'} as its date"
                        ),
                        subject=doc.key,
                        evidence=[e for evs in doc.stated_dates.values() for e in evs],
                    )
                )
        by_repr = {repr(i): d.key for i, d in self.docs.items()}
        for anomaly in self.anomalies:
            anomaly.subject = by_repr.get(anomaly.subject, anomaly.subject)


def _common_title(titles: list[str]) -> str | None:
    """The title all mentions agree on: their common leading words, else the most frequent."""
    if not titles:
        return None
    # prefer running text over titles quoted from an all-capitals heading
    distinct = sorted(set(titles), key=lambda t: (-sum(c.islower() for c in t), t))
    if len(distinct) == 1:
        return distinct[0]
    split = [t.split() for t in distinct]
    common = []
    for words in zip(*split, strict=False):
        if len({fold(w).strip(",;:.") for w in words}) != 1:
            break
        common.append(words[0])
    if len(common) >= 4:
        return " ".join(common).rstrip(",;:")
    counts = Counter(titles)
    return sorted(counts, key=lambda t: (-counts[t], len(t), t))[0]


def resolve(analyses: list[Analysis], registry: Registry | None = None) -> Resolution:
    """Resolve the mentions of all analysed files into documents, links and citations."""
    return _Resolver(analyses, registry or load_registry()).run()
