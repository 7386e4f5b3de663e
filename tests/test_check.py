"""The integrity check of a build: SHACL shapes (pySHACL) and consistency (HermiT).

The bundled corpus's build conforms and is consistent; copies of its graph broken in one
place each are reported in plain words, naming the node by its key. These tests run the real
HermiT reasoner on the real Java runtime: a machine without Java fails them, it does not
skip them (install one with `apt-get install -y default-jre-headless`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from policykg.graph.pipeline import BuildReport, build
from policykg.ontology import namespaces as ns
from policykg.ontology.check import (
    CheckReport,
    ExportNotReadable,
    Problem,
    check_graph,
    load_export,
    load_shapes,
    validate_shapes,
)
from policykg.ontology.namespaces import ID, OA, PKG, PPLAN, RDF, RDFS, SH
from policykg.ontology.reason import ReasonerUnavailable

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

#: Row 1 under heading XV of Hải Phòng's appendix, and the plan it belongs to.
TASK = "hai-phong:435/KH-UBND#XV.1"
PLAN = "hai-phong:435/KH-UBND"
#: Another plan of the corpus, and a central directive it cites.
OTHER_PLAN = "ho-chi-minh:3064/QĐ-UBND"
CONCLUSION = "70-KL/TW"

GOOD = "The graph conforms to the policykg shapes and is consistent with the ontology (HermiT)."


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The bundled corpus, built once for this module."""
    return build([CORPUS], tmp_path_factory.mktemp("check-out"))


@pytest.fixture(scope="module")
def corpus_graph(corpus_build: BuildReport) -> Graph:
    """The build's export, every named graph merged."""
    return load_export(corpus_build.build_dir / "graph.nq")


@pytest.fixture(scope="module")
def corpus_report(corpus_graph: Graph) -> CheckReport:
    return check_graph(corpus_graph)


@pytest.fixture
def graph(corpus_graph: Graph) -> Graph:
    """A copy of the corpus graph a test may break."""
    copy = Graph()
    copy += corpus_graph
    return copy


def node(graph: Graph, key: str) -> URIRef:
    """The node whose pkg:key is ``key``."""
    found = list(graph.subjects(PKG.key, Literal(key)))
    assert len(found) == 1, f"expected one node with key {key!r}, found {found}"
    assert isinstance(found[0], URIRef)
    return found[0]


def problems(report: CheckReport, kind: str) -> list[Problem]:
    return [p for p in report.problems if p.kind == kind]


def position_selector(graph: Graph, span: URIRef) -> URIRef:
    selectors = [
        s
        for s in graph.objects(span, OA.hasSelector)
        if (s, RDF.type, OA.TextPositionSelector) in graph
    ]
    assert len(selectors) == 1
    assert isinstance(selectors[0], URIRef)
    return selectors[0]


# --- the corpus ------------------------------------------------------------------------------


def test_the_corpus_build_conforms_and_is_consistent(
    corpus_graph: Graph, corpus_report: CheckReport
) -> None:
    assert len(set(corpus_graph.subjects(RDF.type, PKG.Task))) > 150
    assert len(set(corpus_graph.subjects(RDF.type, PKG.Document))) > 50
    assert corpus_report.problems == ()
    assert corpus_report.conforms
    assert corpus_report.consistent
    assert corpus_report.ok
    assert corpus_report.summary() == GOOD
    assert 0 < corpus_report.seconds < 60


def test_every_shape_explains_itself_in_english() -> None:
    shapes = load_shapes()
    constraints = [
        s
        for kind in (SH.PropertyShape, SH.SPARQLConstraint)
        for s in shapes.subjects(RDF.type, kind)
    ]
    node_shapes = list(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(constraints) >= 20
    for shape in constraints + node_shapes:
        comments = list(shapes.objects(shape, RDFS.comment))
        assert any(isinstance(c, Literal) and c.language == "en" for c in comments), shape
    for shape in constraints:
        messages = list(shapes.objects(shape, SH.message))
        assert any(isinstance(m, Literal) and m.language == "en" for m in messages), shape


def test_load_export_takes_the_file_the_build_or_the_output_directory(
    corpus_build: BuildReport, corpus_graph: Graph, tmp_path: Path
) -> None:
    assert len(corpus_graph) == corpus_build.quads
    assert len(load_export(corpus_build.build_dir)) == len(corpus_graph)
    assert len(load_export(corpus_build.out_dir)) == len(corpus_graph)
    with pytest.raises(ExportNotReadable, match="no graph export found"):
        load_export(tmp_path)
    broken = tmp_path / "graph.nq"
    broken.write_text("<http://x/a> <http://x/p> .\n", "utf-8")
    with pytest.raises(ExportNotReadable, match="not valid N-Quads"):
        load_export(broken)


# --- broken copies -----------------------------------------------------------------------------


def test_a_task_with_no_plan(graph: Graph) -> None:
    task = node(graph, TASK)
    graph.remove((task, PKG.partOfPlan, None))
    graph.remove((task, PPLAN.isStepOfPlan, None))

    report = check_graph(graph)

    assert not report.conforms
    assert report.consistent  # open world: a task with no plan contradicts nothing
    assert report.problems == (
        Problem(
            "shape",
            str(task),
            f'Task "{TASK}" — The task belongs to no plan: every task must be part of exactly '
            "one plan (pkg:partOfPlan).",
        ),
    )
    assert report.summary() == (
        "The graph does not conform to the policykg shapes and is consistent with the ontology "
        f'(HermiT). 1 problem:\n  - Task "{TASK}" — The task belongs to no plan: every task '
        "must be part of exactly one plan (pkg:partOfPlan)."
    )


def test_a_task_with_two_plans(graph: Graph) -> None:
    task = node(graph, TASK)
    graph.add((task, PKG.partOfPlan, node(graph, OTHER_PLAN)))

    report = check_graph(graph)

    assert not report.conforms
    assert report.consistent
    [problem] = report.problems
    assert problem.kind == "shape"
    assert problem.focus == str(task)
    assert problem.message.startswith(f'Task "{TASK}" — The task belongs to more than one plan')


def test_a_role_pointing_at_a_document(graph: Graph) -> None:
    task = node(graph, TASK)
    conclusion = node(graph, CONCLUSION)
    graph.remove((task, PKG.lead, None))
    graph.add((task, PKG.lead, conclusion))

    report = check_graph(graph)

    assert not report.conforms
    assert not report.consistent  # pkg:lead ranges over agencies, disjoint from documents
    [clash] = problems(report, "consistency")
    assert clash.focus == str(conclusion)
    assert clash.message == (
        f'Document "{CONCLUSION}" is both Agency (pkg:Agency) and Document (pkg:Document), '
        "which the ontology declares disjoint (HermiT finds the graph inconsistent with the "
        "ontology)."
    )
    shape_messages = [p.message for p in problems(report, "shape")]
    assert (
        f'Task "{TASK}" — The lead agency (pkg:lead) is not an agency: every lead must be a '
        f'pkg:Agency. The value at fault is document "{CONCLUSION}".'
    ) in shape_messages
    assert report.problems[0] == clash  # the contradiction comes first
    assert report.summary().startswith(
        "The graph does not conform to the policykg shapes and is inconsistent with the "
        f"ontology (HermiT). {len(report.problems)} problems:"
    )


def test_a_span_that_ends_before_it_starts(graph: Graph) -> None:
    task = node(graph, TASK)
    [span] = list(graph.objects(task, PKG.source))
    assert isinstance(span, URIRef)
    selector = position_selector(graph, span)
    start = graph.value(selector, OA.start)
    assert isinstance(start, Literal)
    graph.set((selector, OA.end, Literal(start.toPython() - 1, datatype=ns.XSD.integer)))

    report = check_graph(graph)

    assert not report.conforms
    assert report.consistent
    [problem] = report.problems
    file = graph.value(span, OA.hasSource)
    assert problem.focus == str(file)  # one SPARQL query per file, the span is the value
    assert problem.message == (
        'Source file "haiphong-2018-kh435-ubnd.txt" — A source span of this file starts at '
        f"offset {start} but ends at offset {start.toPython() - 1}, before it starts: a span's "
        "oa:start must not be greater than its oa:end. The value at fault is the source span "
        f"of haiphong-2018-kh435-ubnd.txt [{start}–{start.toPython() - 1}] stating task "
        f'"{TASK}".'
    )


def test_a_document_with_no_key(graph: Graph) -> None:
    plan = node(graph, PLAN)
    graph.remove((plan, PKG.key, None))

    report = check_graph(graph)

    assert not report.conforms
    assert report.consistent
    [problem] = report.problems
    assert problem.focus == str(plan)
    # With no key, the document is named by its number and IRI.
    assert problem.message == (
        f"Document 435/KH-UBND <{plan}> — The document has no key: every document must have "
        "exactly one pkg:key, the short name users type on the command line."
    )


def test_a_document_typed_both_party_and_state(graph: Graph) -> None:
    plan = node(graph, PLAN)
    assert (plan, RDF.type, PKG.StateDocument) in graph
    graph.add((plan, RDF.type, PKG.PartyDocument))

    report = check_graph(graph)

    assert not report.consistent
    assert not report.conforms
    assert [(p.kind, p.focus) for p in report.problems] == [
        ("consistency", str(plan)),
        ("shape", str(plan)),
    ]
    clash, shape = report.problems
    assert clash.message == (
        f'Document "{PLAN}" is both Party document (pkg:PartyDocument) and State document '
        "(pkg:StateDocument), which the ontology declares disjoint (HermiT finds the graph "
        "inconsistent with the ontology)."
    )
    assert shape.message == (
        f'Document "{PLAN}" — The document is typed both a Party document and a State '
        "document: it must be exactly one of pkg:PartyDocument or pkg:StateDocument."
    )


def test_a_document_typed_neither_party_nor_state(graph: Graph) -> None:
    plan = node(graph, PLAN)
    graph.remove((plan, RDF.type, PKG.StateDocument))

    report = check_graph(graph)

    assert report.consistent  # open world: no side is no contradiction, only the shape sees it
    [problem] = report.problems
    assert problem.message == (
        f'Document "{PLAN}" — The document is neither a Party document nor a State document: '
        "it must be exactly one of pkg:PartyDocument or pkg:StateDocument."
    )


def test_many_problems_are_summarised_with_the_first_ones(graph: Graph) -> None:
    tasks = sorted(graph.subjects(RDF.type, PKG.Task), key=str)[:7]
    for task in tasks:
        graph.remove((task, PKG.text, None))

    report = check_graph(graph)

    assert len(report.problems) == 7
    lines = report.summary(limit=3).splitlines()
    assert lines[0].endswith("7 problems, the first 3:")
    assert len(lines) == 5
    assert lines[-1] == "  … and 4 more."
    assert all("The task must have exactly one text (pkg:text)" in line for line in lines[1:4])


def test_a_missing_java_fails_it_does_not_skip() -> None:
    data = Graph()
    data.add((ID["doc/x"], RDF.type, PKG.Plan))
    with pytest.raises(ReasonerUnavailable, match="No Java runtime found"):
        check_graph(data, java="/nonexistent/java")


# --- every shape, on a small hand-written graph (shapes only, no reasoner) --------------------

SMALL = """
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix oa:  <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix id:  <https://w3id.org/policykg/id/> .

id:jurisdiction\\/x a pkg:Jurisdiction .
id:source\\/x.txt a pkg:SourceFile ; rdfs:label "x.txt" .
id:agency\\/x\\/ubnd a pkg:Agency ; pkg:name "Ủy ban nhân dân X"@vi .
id:agency\\/x\\/so a pkg:Agency ; pkg:name "Sở X"@vi .

id:doc\\/x\\/1 a pkg:Document , pkg:Plan , pkg:StateDocument ;
    pkg:key "x:1/KH-UBND" ; pkg:number "1/KH-UBND" ; pkg:jurisdiction id:jurisdiction\\/x ;
    pkg:issuedBy id:agency\\/x\\/ubnd ; pkg:inCorpus true ; pkg:sourceFile id:source\\/x.txt ;
    pkg:date "2020-03-09"^^xsd:date ; pkg:statedDate "2020-03-09"^^xsd:date .

id:doc\\/x\\/1\\/task\\/1 a pkg:Task ;
    pkg:key "x:1/KH-UBND#1" ; pkg:path "1" ; pkg:text "Làm việc A"@vi ;
    pkg:partOfPlan id:doc\\/x\\/1 ; pkg:source id:span ;
    pkg:lead id:agency\\/x\\/so ; pkg:coordinating id:agency\\/x\\/ubnd ;
    pkg:requested id:agency\\/x\\/ubnd ; pkg:hasDeadline id:deadline .

id:deadline a pkg:Deadline ; pkg:text "Quý II/2020"@vi .
id:span a oa:SpecificResource ; oa:hasSource id:source\\/x.txt ;
    oa:hasSelector id:span\\/position , id:quote .
id:span\\/position a oa:TextPositionSelector ; oa:start 10 ; oa:end 20 .
id:quote a oa:TextQuoteSelector ; oa:exact "Làm việc A" .
"""

_PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX oa:  <http://www.w3.org/ns/oa#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

#: (what is broken, SPARQL update breaking it, the problem's subject, what the message says)
BREAKAGES = [
    ("task without numbering", "DELETE WHERE { ?t pkg:path ?p }", 'Task "x:1/KH-UBND#1"',
     "exactly one numbering (pkg:path)"),
    ("task with two texts", "INSERT { ?t pkg:text 'B' } WHERE { ?t a pkg:Task }",
     'Task "x:1/KH-UBND#1"', "exactly one text (pkg:text)"),
    ("task without source", "DELETE WHERE { ?t pkg:source ?s }", 'Task "x:1/KH-UBND#1"',
     "at least one source span"),
    ("task whose plan is no document",
     "DELETE { ?t pkg:partOfPlan ?p } INSERT { ?t pkg:partOfPlan ?a } "
     "WHERE { ?t pkg:partOfPlan ?p ; pkg:lead ?a }", 'Task "x:1/KH-UBND#1"',
     "The task's plan is not a document"),
    ("deadline of another kind",
     "DELETE { ?d a pkg:Deadline } WHERE { ?d a pkg:Deadline }", 'Task "x:1/KH-UBND#1"',
     "must be a deadline node (pkg:Deadline)"),
    ("deadline without text", "DELETE { ?d pkg:text ?x } WHERE { ?d a pkg:Deadline ; pkg:text ?x }",
     'The deadline of task "x:1/KH-UBND#1"', "exactly one text (pkg:text)"),
    ("span without file", "DELETE WHERE { ?s oa:hasSource ?f }",
     'The source span [10–20] stating task "x:1/KH-UBND#1"', "exactly one source file"),
    ("span without position", "DELETE WHERE { ?s oa:hasSelector ?x }",
     'The source span of x.txt stating task "x:1/KH-UBND#1"', "exactly one text-position"),
    ("span without quote",
     "DELETE WHERE { ?s oa:hasSelector ?q . ?q a oa:TextQuoteSelector }",
     'The source span of x.txt [10–20] stating task "x:1/KH-UBND#1"', "exactly one text-quote"),
    ("untyped span", "DELETE WHERE { ?s a oa:SpecificResource }", 'Task "x:1/KH-UBND#1"',
     "each must be a text span (oa:SpecificResource)"),
    ("offset that is no integer",
     "DELETE { ?x oa:start ?s } INSERT { ?x oa:start '10' } WHERE { ?x oa:start ?s }",
     "The text-position selector of the source span of x.txt",
     "exactly one start offset (oa:start)"),
    ("two offsets that are no numbers",
     "DELETE { ?x oa:start ?s ; oa:end ?e } INSERT { ?x oa:start 'b' ; oa:end 'a' } "
     "WHERE { ?x oa:start ?s ; oa:end ?e }",
     "The text-position selector of the source span of x.txt", "exactly one end offset"),
    ("span that ends before it starts",
     "DELETE { ?x oa:end ?e } INSERT { ?x oa:end 9 } WHERE { ?x oa:end ?e }",
     'Source file "x.txt"', "starts at offset 10 but ends at offset 9"),
    ("negative offset",
     "DELETE { ?x oa:start ?s } INSERT { ?x oa:start -1 } WHERE { ?x oa:start ?s }",
     "The text-position selector of the source span of x.txt", "at least 0"),
    ("document without form", "DELETE WHERE { ?d a pkg:Plan }", 'Document "x:1/KH-UBND"',
     "has no document form"),
    ("document with two keys", "INSERT { ?d pkg:key 'x:2' } WHERE { ?d a pkg:Plan }",
     'Document "x:1/KH-UBND" / "x:2"', "more than one key"),
    ("document without jurisdiction", "DELETE WHERE { ?d pkg:jurisdiction ?j }",
     'Document "x:1/KH-UBND"', "must have a jurisdiction"),
    ("corpus document without file", "DELETE WHERE { ?d pkg:sourceFile ?f }",
     'Document "x:1/KH-UBND"', "marked as in the corpus"),
    ("issuer that is a task",
     "DELETE { ?d pkg:issuedBy ?a } INSERT { ?d pkg:issuedBy ?t } "
     "WHERE { ?d pkg:issuedBy ?a . ?t a pkg:Task }", 'Document "x:1/KH-UBND"',
     "issuer (pkg:issuedBy) is not an agency"),
    ("coordinating agency untyped",
     "DELETE { ?a a pkg:Agency } WHERE { ?t pkg:coordinating ?a . ?a a pkg:Agency }",
     'Task "x:1/KH-UBND#1"', "coordinating agency (pkg:coordinating) is not an agency"),
    ("requested agency untyped",
     "DELETE { ?a a pkg:Agency } WHERE { ?t pkg:requested ?a . ?a a pkg:Agency }",
     'Task "x:1/KH-UBND#1"', "requested agency (pkg:requested) is not an agency"),
    ("agency without name", "DELETE { ?a pkg:name ?n } WHERE { ?t pkg:lead ?a . ?a pkg:name ?n }",
     "Agency <https://w3id.org/policykg/id/agency/x/so>", "has no name"),
    ("date that is a string",
     "DELETE { ?d pkg:date ?x } INSERT { ?d pkg:date '9/3/2020' } WHERE { ?d pkg:date ?x }",
     'Document "x:1/KH-UBND"', "(pkg:date) is not a valid calendar date"),
    ("stated date that is no date",
     "DELETE { ?d pkg:statedDate ?x } INSERT { ?d pkg:statedDate '2020-02-30'^^xsd:date } "
     "WHERE { ?d pkg:statedDate ?x }", 'Document "x:1/KH-UBND"',
     "(pkg:statedDate) is not a valid calendar date"),
]  # fmt: skip


def small_graph() -> Graph:
    return Graph().parse(data=SMALL, format="turtle")


def test_the_small_graph_conforms() -> None:
    assert validate_shapes(small_graph()) == (True, ())


@pytest.mark.parametrize(
    ("update", "subject", "says"),
    [case[1:] for case in BREAKAGES],
    ids=[case[0] for case in BREAKAGES],
)
def test_each_shape_reports_its_breakage(update: str, subject: str, says: str) -> None:
    data = small_graph()
    before = len(data)
    data.update(_PREFIXES + update)
    assert len(data) != before or "INSERT" in update

    conforms, found = validate_shapes(data)

    assert not conforms
    assert found, "a broken graph gives at least one problem"
    matching = [p for p in found if p.message.startswith(subject) and says in p.message]
    assert matching, "\n".join(p.message for p in found)
    assert all(p.kind == "shape" for p in found)


def test_offsets_that_are_no_numbers_are_not_compared() -> None:
    data = small_graph()
    data.update(
        _PREFIXES + "DELETE { ?x oa:start ?s } INSERT { ?x oa:start '10' } WHERE { ?x oa:start ?s }"
    )
    conforms, found = validate_shapes(data)
    assert not conforms
    assert [p.message.split(" — ")[1][:48] for p in found] == [
        "The text-position selector must have exactly one"
    ]
