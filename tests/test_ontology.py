"""The ontology: it parses, every term is labelled, and HermiT classifies central directives.

These tests run the real HermiT reasoner on the real Java runtime: a machine without Java
fails them (install one with `apt-get install -y default-jre-headless`).
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout

import owlready2
import pytest
from rdflib import Graph, Literal, URIRef

from policykg.ontology import namespaces as ns
from policykg.ontology.load import ONTOLOGY_PATH, labels, load_ontology, superterms
from policykg.ontology.namespaces import ELI, ID, OWL, PKG, RDF, RDFS, SKOS
from policykg.ontology.reason import (
    Classification,
    InconsistentGraph,
    ReasonerUnavailable,
    classify,
    ensure_consistent,
    explain_inconsistency,
    reasoner_input,
)

DECLARATIONS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)

# Test individuals.
POLITBURO = ID["agency/vn/bo-chinh-tri"]
GOVERNMENT = ID["agency/vn/chinh-phu"]
NATIONAL_ASSEMBLY = ID["agency/vn/quoc-hoi"]
HCMC_PARTY = ID["agency/hcm/thanh-uy"]
HCMC_PC = ID["agency/hcm/ubnd"]
KL_70 = ID["doc/vn/kl/2020/70-kl-tw"]
NQ_134 = ID["doc/vn/nq/2020/134-nq-cp"]
CT_07 = ID["doc/hcm/ct/2007/07-ct-tu"]
LAW_2012 = ID["doc/vn/luat/2012/luat-hop-tac-xa"]
PLAN_HCM = ID["doc/hcm/kh/2021/ke-hoach-3064"]


def pkg_terms(graph: Graph) -> set[URIRef]:
    """Every term of our namespace the ontology declares."""
    return {
        s
        for kind in DECLARATIONS
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(PKG))
    }


def document(graph: Graph, iri: URIRef, issuer: URIRef, *types: URIRef) -> None:
    """Add a document with its types and issuer, plus literals the reasoner must ignore."""
    for cls in types:
        graph.add((iri, RDF.type, cls))
    graph.add((iri, PKG.issuedBy, issuer))
    graph.add((iri, PKG.date, Literal("2020-03-09", datatype=ns.XSD.date)))
    graph.add((iri, PKG.title, Literal("Tiếp tục thực hiện Nghị quyết Trung ương 5", lang="vi")))


def agency(graph: Graph, iri: URIRef, level: URIRef, name: str) -> None:
    graph.add((iri, RDF.type, PKG.Agency))
    graph.add((iri, PKG.level, level))
    graph.add((iri, PKG.name, Literal(name, lang="vi")))


@pytest.fixture(scope="module")
def cascade() -> Graph:
    """Five documents from the corpus's cascade, at every level."""
    g = Graph()
    agency(g, POLITBURO, PKG.CentralParty, "Bộ Chính trị")
    agency(g, GOVERNMENT, PKG.CentralState, "Chính phủ")
    agency(g, NATIONAL_ASSEMBLY, PKG.CentralState, "Quốc hội")
    agency(g, HCMC_PARTY, PKG.ProvincialParty, "Ban Thường vụ Thành ủy TP.HCM")
    agency(g, HCMC_PC, PKG.ProvincialState, "Ủy ban nhân dân TP.HCM")
    document(g, KL_70, POLITBURO, PKG.PartyDocument, PKG.Conclusion)
    document(g, NQ_134, GOVERNMENT, PKG.StateDocument, PKG.Resolution)
    document(g, CT_07, HCMC_PARTY, PKG.PartyDocument, PKG.Directive)
    document(g, LAW_2012, NATIONAL_ASSEMBLY, PKG.StateDocument, PKG.Law)
    document(g, PLAN_HCM, HCMC_PC, PKG.StateDocument, PKG.Plan)
    g.add((PLAN_HCM, PKG.implements, NQ_134))
    g.add((NQ_134, PKG.implements, KL_70))
    g.add((PLAN_HCM, PKG.basedOn, LAW_2012))
    # Blank-node spans and foreign vocabularies must not disturb the reasoner.
    span = ID["span/1"]
    g.add((KL_70, PKG.source, span))
    g.add((KL_70, PKG.number, Literal("70-KL/TW")))
    g.add((KL_70, PKG.year, Literal(2020)))
    return g


@pytest.fixture(scope="module")
def cascade_result(cascade: Graph) -> Classification:
    return classify(cascade)


# --- the Turtle ----------------------------------------------------------------------------


def test_turtle_parses_and_declares_an_ontology_with_a_version() -> None:
    graph = load_ontology()
    ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
    assert len(ontologies) == 1
    assert graph.value(ontologies[0], OWL.versionInfo) is not None
    assert ONTOLOGY_PATH.name == "policykg.ttl"


def test_every_pkg_term_has_vietnamese_and_english_labels_and_definitions() -> None:
    graph = load_ontology()
    terms = pkg_terms(graph)
    assert len(terms) > 80
    for term in sorted(terms):
        assert {"vi", "en"} <= set(labels(term)), term
        langs = {
            o.language
            for p in (SKOS.definition, RDFS.comment)
            for o in graph.objects(term, p)
            if isinstance(o, Literal)
        }
        assert {"vi", "en"} <= langs, term


def test_every_pkg_term_used_is_declared() -> None:
    graph = load_ontology()
    declared = pkg_terms(graph)
    used = {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(PKG))
    }
    assert used <= declared, used - declared


def test_the_required_terms_exist_with_their_alignments() -> None:
    graph = load_ontology()
    expected = {
        PKG.Document: ELI.Work,
        PKG.Law: ELI.LegalResource,
        PKG.implements: ELI.ensures_implementation_of,
        PKG.basedOn: ELI.based_on,
        PKG.replaces: ELI.repeals,
        PKG.cites: ELI.cites,
        PKG.attachedTo: ELI.is_part_of,
        PKG.issuedBy: ELI.passed_by,
        PKG.number: ELI.id_local,
        PKG.date: ELI.date_document,
        PKG.title: ELI.title,
        PKG.name: SKOS.prefLabel,
        PKG.altName: SKOS.altLabel,
    }
    sup = superterms()
    for term, parent in expected.items():
        assert parent in sup[term], term
    assert PKG.Plan in graph.subjects(RDF.type, OWL.Class)
    assert (PKG.level, RDF.type, OWL.FunctionalProperty) in graph
    levels = set(graph.subjects(RDF.type, PKG.AdministrativeLevel))
    assert levels == {
        PKG.CentralParty,
        PKG.CentralState,
        PKG.ProvincialParty,
        PKG.ProvincialState,
        PKG.DistrictLevel,
    }


def test_no_nominals_so_hermit_stays_fast() -> None:
    """owl:oneOf / owl:hasValue make HermiT realise the data ~7x slower at 25,000 nodes."""
    graph = load_ontology()
    assert not list(graph.subject_objects(OWL.oneOf))
    assert not list(graph.subject_objects(OWL.hasValue))
    assert (PKG.CentralParty, RDF.type, PKG.CentralLevel) in graph
    assert (PKG.CentralState, RDF.type, PKG.CentralLevel) in graph
    for level in (PKG.ProvincialParty, PKG.ProvincialState, PKG.DistrictLevel):
        assert (level, RDF.type, PKG.CentralLevel) not in graph


def test_datatype_ranges_are_owl2_datatypes() -> None:
    graph = load_ontology()
    owl2 = {ns.XSD.string, ns.XSD.integer, ns.XSD.decimal, ns.XSD.boolean, RDFS.Literal}
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in graph.objects(prop, RDFS.range):
            assert rng in owl2, (prop, rng)
    assert graph.value(PKG.date, RDFS.range) is None
    assert graph.value(PKG.source, RDFS.domain) is None


# --- super-terms and labels ----------------------------------------------------------------


def test_superterms() -> None:
    sup = superterms()
    assert ELI.ensures_implementation_of in sup[PKG.implements]
    assert {PKG.Document, ELI.Work} <= sup[PKG.Conclusion]
    assert PKG.Conclusion not in sup[PKG.Conclusion]
    assert OWL.Thing not in sup[PKG.Conclusion]
    assert {PKG.assignedTo, URIRef("http://www.w3.org/ns/prov#wasAssociatedWith")} <= sup[PKG.lead]
    assert {PKG.PolicyDirective, PKG.Document, ELI.Work} <= sup[PKG.CentralDirective]
    assert all(isinstance(t, URIRef) for terms in sup.values() for t in terms)
    sup[PKG.lead] = frozenset()  # callers get their own copy
    assert superterms()[PKG.lead]


def test_labels() -> None:
    assert labels(PKG.Conclusion) == {"vi": "Kết luận", "en": "Conclusion"}
    assert labels(str(PKG.Plan))["vi"] == "Kế hoạch"
    assert labels(ID.nothing) == {}


# --- owlready2 and HermiT ------------------------------------------------------------------


def test_owlready2_loads_the_ontology() -> None:
    world = owlready2.World()
    try:
        onto = world.get_ontology("https://w3id.org/policykg/ontology")
        ntriples = load_ontology().serialize(format="nt", encoding="utf-8")
        with redirect_stdout(io.StringIO()):
            onto.load(fileobj=io.BytesIO(ntriples), format="ntriples")
        assert world[str(PKG.CentralDirective)] is not None
        assert world[str(PKG.issuedBy)] is not None
        assert world[str(PKG.CentralParty)] is not None
    finally:
        world.close()


def test_java_is_installed() -> None:
    assert shutil.which("java"), "install Java: apt-get install -y default-jre-headless"


def test_the_ontology_alone_is_consistent() -> None:
    result = classify(Graph())
    assert result.consistent
    assert result.central_directives == ()
    assert result.policy_directives == ()


def test_cascade_is_consistent_and_central_directives_are_inferred(
    cascade_result: Classification,
) -> None:
    assert cascade_result.consistent
    assert cascade_result.central_directives == tuple(sorted([str(KL_70), str(NQ_134)]))
    assert cascade_result.policy_directives == tuple(sorted([str(KL_70), str(NQ_134), str(CT_07)]))
    assert cascade_result.seconds > 0


def test_classify_leaves_the_data_alone_and_is_deterministic(
    cascade: Graph, cascade_result: Classification
) -> None:
    before = len(cascade)
    again = classify(cascade)
    assert len(cascade) == before
    assert again.central_directives == cascade_result.central_directives
    assert again.policy_directives == cascade_result.policy_directives


def test_classify_prints_nothing(cascade: Graph, capfd: pytest.CaptureFixture[str]) -> None:
    classify(cascade)
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_a_new_politburo_resolution_is_central_with_no_code_change(cascade: Graph) -> None:
    g = Graph()
    for triple in cascade:
        g.add(triple)
    new = ID["doc/vn/nq/2022/new-politburo-resolution"]
    document(g, new, POLITBURO, PKG.Resolution, PKG.PartyDocument)
    result = classify(g)
    assert result.consistent
    assert str(new) in result.central_directives
    assert str(new) in result.policy_directives


def test_the_issuer_level_alone_decides(cascade: Graph) -> None:
    """An agency typed only through pkg:level's domain still counts as a central body."""
    g = Graph()
    issuer = ID["agency/vn/ban-bi-thu"]
    g.add((issuer, PKG.level, PKG.CentralParty))
    directive = ID["doc/vn/ct/2019/new-directive"]
    g.add((directive, RDF.type, PKG.Directive))
    g.add((directive, RDF.type, PKG.PartyDocument))
    g.add((directive, PKG.issuedBy, issuer))
    assert classify(g).central_directives == (str(directive),)


def test_district_and_provincial_issuers_are_never_central() -> None:
    g = Graph()
    levels = [PKG.CentralParty, PKG.CentralState, PKG.ProvincialParty, PKG.ProvincialState]
    levels.append(PKG.DistrictLevel)
    forms = [PKG.Resolution, PKG.Conclusion, PKG.Directive, PKG.Plan]
    expected_central, expected_policy = set(), set()
    for i in range(100):
        issuer = ID[f"agency/test/{i % 10}"]
        level = levels[i % 10 % 5]
        g.add((issuer, PKG.level, level))
        doc = ID[f"doc/test/{i}"]
        party = i % 3 != 0
        form = forms[i % 4]
        document(g, doc, issuer, PKG.PartyDocument if party else PKG.StateDocument, form)
        for t in range(5):
            task = ID[f"task/test/{i}/{t}"]
            g.add((task, RDF.type, PKG.Task))
            g.add((task, PKG.partOfPlan, doc))
            g.add((task, PKG.lead, issuer))
        policy = form in (PKG.Resolution, PKG.Directive) or (party and form == PKG.Conclusion)
        if policy:
            expected_policy.add(str(doc))
            if level in (PKG.CentralParty, PKG.CentralState):
                expected_central.add(str(doc))
    result = classify(g)
    assert result.consistent
    assert set(result.policy_directives) == expected_policy
    assert set(result.central_directives) == expected_central


def test_reasoner_input_keeps_only_what_owl_dl_digests(cascade: Graph) -> None:
    sent = reasoner_input(cascade)
    data_subjects = {KL_70, NQ_134, CT_07, LAW_2012, PLAN_HCM}
    for s, p, o in sent:
        if s in data_subjects:
            assert not isinstance(o, Literal), (s, p, o)
            assert p in (RDF.type, PKG.issuedBy, PKG.implements, PKG.basedOn, PKG.source)
    assert (KL_70, RDF.type, OWL.NamedIndividual) in sent
    assert (PKG.RelationAssertion, RDFS.subClassOf, RDF.Statement) not in sent


def test_a_document_both_party_and_state_is_inconsistent(cascade: Graph) -> None:
    g = Graph()
    for triple in cascade:
        g.add(triple)
    g.add((KL_70, RDF.type, PKG.StateDocument))
    result = classify(g)
    assert result == Classification(False, (), (), result.seconds)
    with pytest.raises(InconsistentGraph) as raised:
        ensure_consistent(g)
    message = str(raised.value)
    assert str(KL_70) in message
    assert "Party document" in message
    assert "State document" in message


def test_two_document_forms_or_two_levels_are_explained() -> None:
    g = Graph()
    doc = ID["doc/x"]
    g.add((doc, RDF.type, PKG.Plan))
    g.add((doc, RDF.type, PKG.Decision))
    body = ID["agency/x"]
    g.add((body, PKG.level, PKG.CentralState))
    g.add((body, PKG.level, PKG.DistrictLevel))
    causes = explain_inconsistency(g)
    assert any("Plan" in c and "Decision" in c for c in causes)
    assert any("more than one level" in c for c in causes)
    assert not classify(g).consistent


def test_ensure_consistent_returns_the_classification(cascade: Graph) -> None:
    result = ensure_consistent(cascade)
    assert result.consistent
    assert str(KL_70) in result.central_directives


def test_missing_java_raises_reasoner_unavailable(cascade: Graph) -> None:
    with pytest.raises(ReasonerUnavailable, match="default-jre-headless"):
        classify(cascade, java="/nonexistent/bin/java")
