"""Emit the agency history: the change events that touch the graph's agencies, as W3C ORG
``org:ChangeEvent``s, when each agency ended, and every body that carries its competence with
the dates between which it does (``pkg:Succession``), so that a query can answer "who holds
this today" for any date with two filters and no recursion.

Only agencies the graph holds (and the bodies that succeed them, in turn) are considered; the
events are the curated table's, each with its instrument (a document node), source, evidence
and confidence.
"""

from __future__ import annotations

from urllib.parse import quote

from policykg.graph.agencies import normalize_agency
from policykg.graph.agency_history import AgencyHistory, AgencyRef, Change, SuccessionRow
from policykg.graph.emit import Emitter, doc_iri
from policykg.graph.resolve import Document
from policykg.ontology.namespaces import ID, ORG, PKG, RDF, RDFS

__all__ = ["change_iri", "emit_history"]


def change_iri(change: Change) -> str:
    """The IRI of a change event applied in one jurisdiction.

    >>> from datetime import date
    >>> h = AgencyHistory()
    >>> change_iri(h.ending(AgencyRef.named("Sở Kế hoạch và Đầu tư", "ha-noi")))
    'https://w3id.org/policykg/id/agency-change/2025-provincial-finance-merger/ha-noi'
    """
    return str(ID["agency-change/" + change.id])


def emit_history(
    em: Emitter,
    history: AgencyHistory,
    instruments: dict[str, Document],
    emitted_documents: set[str],
) -> list[Document]:
    """Add the history of every agency ``em`` emitted; ``instruments`` maps an event id to
    the document that ordered it, emitted here unless its key is in ``emitted_documents``;
    returns the documents it emitted."""
    added: list[Document] = []
    known = {
        iri: _ref(place, iri.rsplit("/", 1)[1], name, traits)
        for iri, (place, name, traits) in em.agency_places.items()
    }
    todo = sorted(known.values())
    done: set[AgencyRef] = set()
    changes: dict[str, Change] = {}
    extra: dict[AgencyRef, None] = {}
    while todo:
        ref = todo.pop(0)
        if ref in done:
            continue
        done.add(ref)
        for change in history.history(ref):
            changes[change.id] = change
        after = em.agency_seen.get(str(ID[ref.path]))
        end = history.ending(ref, after)
        if end is None:
            continue
        s = str(ID[ref.path])
        em.lit(s, PKG.endedOn, end.date)
        em.iri(s, PKG.endedBy, change_iri(end))
        for row in history.rows(ref, after):
            _succession(em, row)
            extra[row.successor] = None  # a body no text names (the absorbing province's)
            if row.successor not in done:
                todo.append(row.successor)
    emitted = {(p, iri.rsplit("/", 1)[1]) for iri, (p, *_) in em.agency_places.items()}
    relevant = emitted | {(r.jurisdiction, r.slug) for r in done}
    for change in sorted(changes.values(), key=lambda c: c.id):
        # the bodies an event names in every province appear only where the graph has them
        # (or they lead to one it has); what they became always appears
        shown = tuple(o for o in change.original if (o.jurisdiction, o.slug) in relevant)
        doc = instruments.get(change.event.id)
        if doc is not None and doc.key not in emitted_documents:
            em.document(doc)
            emitted_documents.add(doc.key)
            added.append(doc)
        _change(em, change, doc_iri(doc) if doc is not None else None, shown)
        for org in (*shown, *change.resulting, *(b for _, b, _ in change.functions)):
            extra[org] = None
    for org in sorted(extra):
        if (org.jurisdiction, org.slug) not in emitted:
            _curated_agency(em, org)
            emitted.add((org.jurisdiction, org.slug))
    return added


def _change(
    em: Emitter, change: Change, instrument: str | None, original: tuple[AgencyRef, ...]
) -> None:
    e = change.event
    s = change_iri(change)
    em.iri(s, RDF.type, PKG.AgencyChange)
    em.lit(s, PKG.changeKind, e.kind)
    em.lit(s, PKG.eventId, e.id)
    em.lit(s, PKG.effectiveDate, e.date)
    if e.level == "jurisdiction":
        before = ", ".join(em.registry.jurisdiction(j).name for j in e.original)
        after = ", ".join(em.registry.jurisdiction(j).name for j in e.resulting)
    else:
        before = ", ".join(o.name for o in change.original)
        after = ", ".join(o.name for o in change.resulting) or "—"
    em.lit(s, RDFS.label, f"{before} → {after} ({e.date.isoformat()})", "vi")
    em.iri(s, PKG.jurisdiction, em.jurisdiction(change.jurisdiction))
    for org in original:
        em.iri(s, ORG.originalOrganization, ID[org.path])
    for org in change.resulting:
        em.iri(s, ORG.resultingOrganization, ID[org.path])
    if change.absorbed_by is not None:
        em.iri(s, PKG.absorbedInto, em.jurisdiction(change.absorbed_by))
    for n, (a, b, what) in enumerate(change.functions, start=1):
        f = f"{s}/function/{n}"
        em.iri(s, PKG.movesFunction, f)
        em.iri(f, RDF.type, PKG.FunctionMove)
        em.iri(f, PKG.fromAgency, ID[a.path])
        em.iri(f, PKG.toAgency, ID[b.path])
        em.lit(f, PKG.functionLabel, what, "vi")
    if instrument is not None:
        em.iri(s, PKG.instrument, instrument)
    em.lit(s, PKG.instrumentLabel, e.instrument_label)
    em.lit(s, PKG.note, e.no_successor_note, "en")
    em.lit(s, PKG.curated, True)
    em.lit(s, PKG.curatedSource, e.source)
    for url in e.see_also:
        em.iri(s, RDFS.seeAlso, url)
    em.lit(s, PKG.curatedEvidence, e.evidence)
    em.lit(s, PKG.checked, e.checked)
    em.lit(s, PKG.confidence, e.confidence)


def _ref(
    place: str, slug: str, name: str, traits: tuple[str, bool, str | None] | None = None
) -> AgencyRef:
    """An agency the texts name, with its level and whether it is a collective (a district's
    "Phòng …" ends with the district level): as the name was read (``traits``: kind,
    collective, level), else as it reads."""
    if traits is not None:
        return AgencyRef(place, slug, name, *traits)
    found = normalize_agency(name)
    if found is None:
        return AgencyRef(place, slug, name)
    return AgencyRef(place, slug, name, found.kind, found.collective, found.level)


def _succession(em: Emitter, row: SuccessionRow) -> None:
    chain = "+".join(c.id for c in row.chain)
    s = (
        str(ID[row.predecessor.path])
        + "/successor/"
        + quote(f"{row.successor.jurisdiction}/{row.successor.slug}/{chain}", safe="")
    )
    em.iri(s, RDF.type, PKG.Succession)
    em.iri(s, PKG.predecessor, ID[row.predecessor.path])
    em.iri(s, PKG.successor, ID[row.successor.path])
    em.lit(s, PKG.share, row.share)
    em.lit(s, PKG.functionLabel, row.what, "vi")
    em.lit(s, PKG.since, row.since)
    em.lit(s, PKG.until, row.until)
    em.lit(s, PKG.chain, " > ".join(c.id for c in row.chain))
    for c in row.chain:
        em.iri(s, PKG.via, change_iri(c))


def _curated_agency(em: Emitter, org: AgencyRef) -> None:
    """A body no text names that the history needs (a successor, a merged province's
    committee)."""
    s = str(ID[org.path])
    em.agency_places[s] = (org.jurisdiction, org.name, None)
    em.iri(s, RDF.type, PKG.CollectiveAgency if org.collective else PKG.Agency)
    em.lit(s, PKG.name, org.name, "vi")
    if org.kind:
        em.lit(s, PKG.agencyKind, org.kind)
    em.lit(s, PKG.curated, True)
    em.iri(s, PKG.jurisdiction, em.jurisdiction(org.jurisdiction))
