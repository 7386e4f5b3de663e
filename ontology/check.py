"""Check a built graph: the SHACL shapes (pySHACL) and consistency with the ontology (HermiT).

The ontology says what the terms mean and HermiT checks that the data does not contradict it;
but OWL reads the data open-world, so a task with no plan or a document with no key is no
contradiction. The shapes in ``ontology/shapes.ttl`` check those closed-world promises. A
check runs both and reports every problem in plain words, naming each node by its
``pkg:key`` when it has one (``task "hai-phong:435/KH-UBND#XV.1"``).

>>> from rdflib import Graph, Literal
>>> from policykg.ontology.namespaces import ID, PKG, RDF
>>> task = ID["doc/x/kh/2020/1/task/1"]
>>> data = Graph()
>>> for p, o in [(RDF.type, PKG.Task), (PKG.key, Literal("x:1/KH#1")),
...              (PKG.path, Literal("1")), (PKG.text, Literal("Làm việc A", lang="vi"))]:
...     _ = data.add((task, p, o))
>>> report = check_graph(data)          # runs pySHACL, then HermiT on a real JRE
>>> report.conforms, report.consistent
(False, True)
>>> for problem in report.problems:  # doctest: +NORMALIZE_WHITESPACE
...     print(problem.message)
Task "x:1/KH#1" — The task belongs to no plan: every task must be part of exactly one plan
    (pkg:partOfPlan).
Task "x:1/KH#1" — The task must point to at least one source span (pkg:source), and each
    must be a text span (oa:SpecificResource).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.ontology.errors import PolicyKGError
from policykg.ontology.load import load_ontology
from policykg.ontology.namespaces import OA, PKG, RDF, RDFS, SH, XSD
from policykg.ontology.reason import classify, explain_inconsistency

#: The SHACL shapes, shipped inside the package next to the ontology.
SHAPES_PATH: Path = Path(__file__).with_name("shapes.ttl")

#: The file name of a build's canonical export.
EXPORT_NAME = "graph.nq"

#: How many problems :meth:`CheckReport.summary` lists by default.
SUMMARY_LIMIT = 5

_DOCUMENT_CLASSES = frozenset(
    PKG[name]
    for name in (
        "Document",
        "PartyDocument",
        "StateDocument",
        "Resolution",
        "Conclusion",
        "Directive",
        "Programme",
        "Scheme",
        "Plan",
        "Decision",
        "Decree",
        "Circular",
        "Law",
        "OfficialLetter",
        "Notice",
        "Report",
        "Guidance",
    )
)
_AGENCY_CLASSES = frozenset({PKG.Agency, PKG.CollectiveAgency, PKG.CentralBody})
_SPAN_OWNERS = (PKG.source, PKG.alsoStatedAt)
_CAUSE = re.compile(r"^<([^>]+)> (.*)$", re.DOTALL)


class ExportNotReadable(PolicyKGError):
    """A build's ``graph.nq`` is missing or is not valid N-Quads."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a graph.

    ``kind`` is ``"shape"`` (a SHACL shape is violated) or ``"consistency"`` (HermiT finds the
    graph contradicts the ontology); ``focus`` is the IRI of the node at fault, when there
    is one; ``message`` says in plain words what is wrong, naming the node by its key.

    >>> str(Problem("shape", None, "Task \\"x#1\\" — The task belongs to no plan."))
    'Task "x#1" — The task belongs to no plan.'
    """

    kind: str
    focus: str | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CheckReport:
    """The outcome of :func:`check_graph`.

    ``conforms``: the data satisfies every shape; ``consistent``: HermiT finds the ontology
    plus the data consistent; ``problems``: every shape violation and every contradiction
    found, consistency problems first; ``seconds``: the wall-clock time of the check.

    >>> CheckReport(True, True, (), 1.0).summary()
    'The graph conforms to the policykg shapes and is consistent with the ontology (HermiT).'
    >>> bad = CheckReport(False, True, (Problem("shape", None, "Task \\"x#1\\" — No plan."),), 1.0)
    >>> print(bad.summary())  # doctest: +NORMALIZE_WHITESPACE
    The graph does not conform to the policykg shapes and is consistent with the ontology
    (HermiT). 1 problem:
      - Task "x#1" — No plan.
    """

    conforms: bool
    consistent: bool
    problems: tuple[Problem, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the graph both conforms and is consistent."""
        return self.conforms and self.consistent

    def summary(self, limit: int = SUMMARY_LIMIT) -> str:
        """One sentence for a good graph; otherwise the verdicts, a count and the first problems."""
        shapes = "conforms" if self.conforms else "does not conform"
        reasoner = "consistent" if self.consistent else "inconsistent"
        verdict = (
            f"The graph {shapes} to the policykg shapes and is {reasoner} with the ontology "
            "(HermiT)."
        )
        if not self.problems:
            return verdict
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        shown = self.problems[:limit]
        head = f"{count} {noun}" + (f", the first {len(shown)}" if count > len(shown) else "")
        lines = [f"{verdict} {head}:"] + [f"  - {p.message}" for p in shown]
        if count > len(shown):
            lines.append(f"  … and {count - len(shown)} more.")
        return "\n".join(lines)


def load_shapes() -> Graph:
    """Parse ``ontology/shapes.ttl`` into a new rdflib graph."""
    graph = Graph()
    graph.parse(SHAPES_PATH, format="turtle")
    return graph


def validate_shapes(data: Graph) -> tuple[bool, tuple[Problem, ...]]:
    """Validate ``data`` against the policykg shapes only (no reasoner): conforms, problems.

    pySHACL runs with the ontology as its ontology graph (so ``sh:class`` follows
    ``rdfs:subClassOf``) and no inference: the build already materialises super-types.
    Problems are sorted by message. ``data`` is not modified.

    >>> validate_shapes(Graph())
    (True, ())
    """
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        abort_on_first=False,
        allow_infos=False,
        allow_warnings=False,
    )
    problems = sorted(
        {_shape_problem(data, results, result) for result in _results(results)},
        key=lambda p: (p.message, p.focus or ""),
    )
    return bool(conforms), tuple(problems)


def check_graph(data: Graph, *, java: str | None = None) -> CheckReport:
    """Validate ``data`` against the policykg shapes and check it is consistent with HermiT.

    The shapes run as in :func:`validate_shapes`. HermiT runs through
    :func:`policykg.ontology.reason.classify` on the ontology plus the data's types and
    object-property triples; when it finds a contradiction,
    :func:`~policykg.ontology.reason.explain_inconsistency` names the clashing nodes. A
    missing Java runtime raises :class:`~policykg.ontology.reason.ReasonerUnavailable`
    (``java`` is the path or name of the executable, ``java`` on ``PATH`` by default): the
    check never passes without the reasoner. ``data`` is not modified.
    """
    started = time.perf_counter()
    conforms, shape_problems = validate_shapes(data)
    consistent = classify(data, java=java).consistent
    consistency_problems = () if consistent else _consistency_problems(data)
    return CheckReport(
        conforms=conforms,
        consistent=consistent,
        problems=consistency_problems + shape_problems,
        seconds=time.perf_counter() - started,
    )


def load_export(path: Path) -> Graph:
    """Load a build's export into one rdflib graph, every named graph merged.

    ``path`` is a ``graph.nq`` file, a build directory holding one, or an output directory
    whose ``current`` build holds one. The N-Quads are parsed by pyoxigraph and the triples
    added to a plain :class:`rdflib.Graph` (no deprecated ``ConjunctiveGraph``). Raises
    :class:`ExportNotReadable` when there is no such file or it is not valid N-Quads.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "graph.nq").write_text(
    ...     '<http://x/a> <http://x/p> "b"@vi <http://x/g1> .\\n'
    ...     '<http://x/a> <http://x/q> "2"^^<http://www.w3.org/2001/XMLSchema#integer> '
    ...     '<http://x/g2> .\\n', "utf-8")
    >>> graph = load_export(folder)
    >>> len(graph)
    2
    >>> graph.value(URIRef("http://x/a"), URIRef("http://x/q")).toPython()
    2
    """
    file = _export_file(Path(path))
    graph = Graph()
    try:
        for quad in pyoxigraph.parse(path=str(file), format=pyoxigraph.RdfFormat.N_QUADS):
            graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    except (SyntaxError, ValueError) as error:
        raise ExportNotReadable(
            f"{file} is not valid N-Quads ({error}); rebuild it with `policykg build`."
        ) from error
    return graph


# --- helpers -------------------------------------------------------------------------------


def _export_file(path: Path) -> Path:
    """The ``graph.nq`` a path names: the file itself, in a build, or in ``current``."""
    candidates = [path / EXPORT_NAME, path / "current" / EXPORT_NAME] if path.is_dir() else [path]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ExportNotReadable(
        f"no graph export found at {path}: pass a build's {EXPORT_NAME}, its build directory "
        "or the output directory of `policykg build` (run the build first)."
    )


def _term(term: object) -> Node:
    """The rdflib term for a pyoxigraph term (``xsd:string`` literals become plain ones)."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise ExportNotReadable(f"unsupported RDF term in the export: {term!r}")


def _results(results: Graph) -> list[Node]:
    return sorted(results.subjects(RDF.type, SH.ValidationResult), key=str)


def _shape_problem(data: Graph, results: Graph, result: Node) -> Problem:
    """A pySHACL validation result in plain words."""
    focus = results.value(result, SH.focusNode)
    value = results.value(result, SH.value)
    messages = sorted(results.objects(result, SH.resultMessage), key=str)
    english = [m for m in messages if isinstance(m, Literal) and m.language == "en"]
    text = str((english or messages or ["The node violates a policykg shape."])[0]).strip()
    subject = _capital(_describe(data, focus)) if focus is not None else "The graph"
    message = f"{subject} — {text}"
    if value is not None and value != focus:
        message += f" The value at fault is {_describe(data, value)}."
    return Problem("shape", str(focus) if focus is not None else None, message)


def _consistency_problems(data: Graph) -> tuple[Problem, ...]:
    """HermiT's verdict as problems: one per clash found, or one saying none was pinned down."""
    problems = []
    for cause in explain_inconsistency(data):
        found = _CAUSE.match(cause)
        if found:
            node = URIRef(found.group(1))
            message = f"{_capital(_describe(data, node))} {found.group(2)}"
            focus: str | None = str(node)
        else:
            message, focus = _capital(cause), None
        problems.append(
            Problem(
                "consistency",
                focus,
                message.rstrip(".") + " (HermiT finds the graph inconsistent with the ontology).",
            )
        )
    if not problems:
        problems.append(
            Problem(
                "consistency",
                None,
                "HermiT finds the graph inconsistent with the ontology, but no single node with "
                "two incompatible types or two levels was found; look for a node used in two "
                "roles the ontology keeps apart (a task, a document and an agency are disjoint).",
            )
        )
    return tuple(problems)


def _describe(data: Graph, node: Node, depth: int = 0) -> str:
    """A node in words: by its key, name, file or offsets, or else its IRI."""
    if isinstance(node, Literal):
        return f'"{node}"'
    if isinstance(node, BNode):
        return "an unnamed (blank) node"
    types = set(data.objects(node, RDF.type))
    keys = sorted(str(key) for key in data.objects(node, PKG.key))
    kind = _kind(data, node, types)
    if keys:
        return f"{kind} " + " / ".join(f'"{key}"' for key in keys)
    if kind == "agency" and (name := data.value(node, PKG.name)) is not None:
        return f'agency "{name}"'
    if kind == "source file":
        return f'source file "{_file_name(data, node)}"'
    if kind == "source span":
        return _describe_span(data, node, depth)
    if kind == "text-position selector" and depth < 2:
        span = next(iter(data.subjects(OA.hasSelector, node)), None)
        if span is not None:
            return f"the text-position selector of {_describe(data, span, depth + 1)}"
    if kind == "deadline" and depth < 2:
        task = next(iter(data.subjects(PKG.hasDeadline, node)), None)
        if task is not None:
            return f"the deadline of {_describe(data, task, depth + 1)}"
    if kind == "document" and (number := data.value(node, PKG.number)) is not None:
        return f"document {number} <{node}>"
    if kind == "node" and (name := data.value(node, PKG.name)) is not None:
        return f'"{name}" <{node}>'
    return f"{kind} <{node}>" if kind != "node" else f"<{node}>"


def _describe_span(data: Graph, span: Node, depth: int) -> str:
    file = data.value(span, OA.hasSource)
    where = f" of {_file_name(data, file)}" if file is not None else ""
    offsets = ""
    for selector in data.objects(span, OA.hasSelector):
        start, end = data.value(selector, OA.start), data.value(selector, OA.end)
        if start is not None and end is not None:
            offsets = f" [{start}–{end}]"
            break
    text = f"the source span{where}{offsets}"
    if depth < 2:
        owners = sorted(
            {o for p in _SPAN_OWNERS for o in data.subjects(p, span) if (o, PKG.key, None) in data},
            key=str,
        )
        if owners:
            text += " stating " + ", ".join(_describe(data, o, depth + 1) for o in owners[:3])
            if len(owners) > 3:
                text += f" and {len(owners) - 3} more"
    return text


def _kind(data: Graph, node: Node, types: set[Node]) -> str:
    if PKG.Task in types:
        return "task"
    if types & _DOCUMENT_CLASSES:
        return "document"
    if types & _AGENCY_CLASSES:
        return "agency"
    if PKG.SourceFile in types or (None, OA.hasSource, node) in data:
        return "source file"
    if OA.SpecificResource in types or (node, OA.hasSource, None) in data:
        return "source span"
    if OA.TextPositionSelector in types or (node, OA.start, None) in data:
        return "text-position selector"
    if PKG.Deadline in types or (None, PKG.hasDeadline, node) in data:
        return "deadline"
    return "node"


def _file_name(data: Graph, file: Node) -> str:
    label = data.value(file, RDFS.label)
    return str(label) if label is not None else str(file).rsplit("/source/", 1)[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


__all__ = [
    "EXPORT_NAME",
    "SHAPES_PATH",
    "CheckReport",
    "ExportNotReadable",
    "Problem",
    "check_graph",
    "load_export",
    "load_shapes",
    "validate_shapes",
]
