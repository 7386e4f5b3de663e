"""Classify documents with the HermiT reasoner (through owlready2).

The central question the reasoner answers is which documents are *central directives*: a
policy directive (a Party resolution, conclusion or directive, or a State resolution or
directive) issued by a body at the central Party or central State level. Nothing lists them
by hand; they follow from each document's types and its issuer's ``pkg:level``.

HermiT runs in a Java process; a missing Java runtime raises :class:`ReasonerUnavailable`.
Only what OWL 2 DL can digest is sent to it: the ontology's axioms, and from the data the
``rdf:type`` triples whose class is a named class of the ontology and the triples of the
ontology's object properties between two IRIs. Literals (dates typed ``xsd:date``, names,
texts) never reach the reasoner.
"""

from __future__ import annotations

import contextlib
import functools
import io
import shutil
import tempfile
import threading
import time
import types
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import owlready2
import owlready2.reasoning
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from policykg.ontology.errors import PolicyKGError
from policykg.ontology.load import (
    _ontology,
    classes,
    labels,
    object_properties,
    properties,
    superterms,
)
from policykg.ontology.namespaces import OWL, PKG, RDF, RDFS, SKOS

_INSTALL_HINT = (
    "install a Java runtime (for example `apt-get install -y default-jre-headless`) "
    "or pass the path of a java executable"
)

#: The base IRI the combined ontology-plus-data document is loaded under in owlready2.
_ONTOLOGY_IRI = "https://w3id.org/policykg/ontology"

#: owlready2 keeps the Java path in a module global and HermiT in one temporary file per run:
#: one reasoner run at a time per process.
_LOCK = threading.Lock()

#: Annotation predicates of the ontology whose literal values the reasoner does not need.
_ANNOTATIONS: frozenset[Node] = frozenset(
    {RDFS.label, RDFS.comment, SKOS.definition, OWL.versionInfo}
)
#: Namespaces whose terms OWL 2 DL reserves; axioms pointing at them are not sent to HermiT
#: (the ontology's pkg:RelationAssertion rdfs:subClassOf rdf:Statement).
_RESERVED = (str(RDF), str(RDFS))


class ReasonerUnavailable(PolicyKGError):
    """No Java runtime for the HermiT reasoner."""


class ReasonerError(PolicyKGError):
    """HermiT ran but failed for a reason other than an inconsistency."""


class InconsistentGraph(PolicyKGError):
    """The reasoner found the ontology plus the data inconsistent."""


@dataclass(frozen=True)
class Classification:
    """What the reasoner concluded about a data graph.

    ``central_directives`` and ``policy_directives`` hold IRIs (as strings), sorted; both are
    empty when the graph is inconsistent. ``seconds`` is the wall-clock time of the call.
    """

    consistent: bool
    central_directives: tuple[str, ...]
    policy_directives: tuple[str, ...]
    seconds: float


def resolve_java(java: str | None = None) -> str:
    """The path of the Java executable HermiT will run with.

    ``java`` is a path or a command name; by default ``java`` is looked up on ``PATH``.
    Raises :class:`ReasonerUnavailable` when it cannot be found or is not executable.
    """
    wanted = java or "java"
    found = shutil.which(wanted)
    if found is None:
        where = f"at {java!r}" if java else "on PATH"
        raise ReasonerUnavailable(
            f"No Java runtime found {where}; the HermiT reasoner needs one: {_INSTALL_HINT}."
        )
    return found


def reasoner_input(data: Graph) -> Graph:
    """The ontology plus the part of ``data`` that is sent to HermiT.

    From ``data`` it keeps ``rdf:type`` triples whose class is a named class of the ontology,
    and triples of the ontology's object properties whose subject and object are IRIs, and
    declares every such subject and object an ``owl:NamedIndividual``. Everything else
    (literals, blank nodes, foreign vocabularies) is left out.
    """
    ontology = _ontology()
    named_classes = classes()
    object_props = object_properties()
    terms = named_classes | properties()

    graph = Graph()
    for s, p, o in ontology:
        if isinstance(o, Literal) and p in _ANNOTATIONS:
            continue
        if p == RDFS.subClassOf and isinstance(o, URIRef) and str(o).startswith(_RESERVED):
            continue
        graph.add((s, p, o))

    individuals: set[URIRef] = set()
    for s, o in data.subject_objects(RDF.type):
        if isinstance(s, URIRef) and o in named_classes and s not in terms:
            graph.add((s, RDF.type, o))
            individuals.add(s)
    for prop in object_props:
        for s, o in data.subject_objects(prop):
            if (
                isinstance(s, URIRef)
                and isinstance(o, URIRef)
                and s not in terms
                and o not in terms
            ):
                graph.add((s, prop, o))
                individuals.update((s, o))
    for individual in individuals:
        graph.add((individual, RDF.type, OWL.NamedIndividual))
    return graph


def classify(data: Graph, *, java: str | None = None) -> Classification:
    """Run HermiT over the ontology plus ``data`` and return the directives it classifies.

    The data is loaded into a fresh owlready2 ``World`` (never the default one), so calls do
    not influence each other. An inconsistent graph gives ``consistent=False`` and empty
    tuples; use :func:`ensure_consistent` to raise instead. Raises
    :class:`ReasonerUnavailable` without a Java runtime (``java`` defaults to ``java`` on
    ``PATH``) and :class:`ReasonerError` when HermiT fails otherwise. Prints nothing.
    """
    started = time.perf_counter()
    java_exe = resolve_java(java)
    ntriples = _ntriples(reasoner_input(data))

    with _LOCK, _quiet() as output, _owlready_tempdir():
        owlready2.JAVA_EXE = java_exe
        world = owlready2.World()
        try:
            ontology = world.get_ontology(_ONTOLOGY_IRI)
            ontology.load(fileobj=io.BytesIO(ntriples), format="ntriples")
            try:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return Classification(False, (), (), time.perf_counter() - started)
            except OSError as error:
                raise ReasonerUnavailable(
                    f"Could not start Java at {java_exe!r} for the HermiT reasoner "
                    f"({error}); {_INSTALL_HINT}."
                ) from error
            except owlready2.OwlReadyJavaError as error:
                detail = str(error).strip() or output.getvalue().strip()
                raise ReasonerError(f"The HermiT reasoner failed: {detail}") from error
            central = _instances(world, PKG.CentralDirective)
            policy = _instances(world, PKG.PolicyDirective)
        finally:
            world.close()
    return Classification(True, central, policy, time.perf_counter() - started)


def ensure_consistent(data: Graph, *, java: str | None = None) -> Classification:
    """Like :func:`classify`, but raise :class:`InconsistentGraph` for an inconsistent graph.

    The message names the clashes it can find in the data (a node given two types the
    ontology declares disjoint, an agency with two levels) in plain words.
    """
    result = classify(data, java=java)
    if not result.consistent:
        causes = explain_inconsistency(data)
        if causes:
            listed = "; ".join(causes)
            raise InconsistentGraph(f"The graph contradicts the policykg ontology: {listed}.")
        raise InconsistentGraph(
            "The graph contradicts the policykg ontology, but no single node with two "
            "incompatible types or two levels was found; look for a node used in two roles "
            "the ontology keeps apart (a task, a document and an agency are disjoint)."
        )
    return result


def explain_inconsistency(data: Graph, *, limit: int = 5) -> list[str]:
    """Plain-words descriptions of the obvious clashes in ``data`` (at most ``limit``).

    It checks, without the reasoner, every node's asserted types, their super-types and the
    types implied by the domains and ranges of the ontology's object properties against the
    ontology's disjointness axioms, and every agency for more than one ``pkg:level``. An
    empty list does not prove the data consistent.
    """
    types_of = _implied_types(data)
    pairs = _disjoint_pairs()
    causes: list[str] = []
    for node in sorted(types_of):
        node_types = types_of[node]
        for first, second in pairs:
            if first in node_types and second in node_types:
                causes.append(
                    f"{_show(node)} is both {_name(first)} and {_name(second)}, "
                    "which the ontology declares disjoint"
                )
    for agency in sorted({s for s in data.subjects(PKG.level) if isinstance(s, URIRef)}):
        levels = sorted({o for o in data.objects(agency, PKG.level) if isinstance(o, URIRef)})
        if len(levels) > 1:
            shown = ", ".join(_name(level) for level in levels)
            causes.append(f"{_show(agency)} has more than one level ({shown})")
    return causes[:limit]


# --- helpers -------------------------------------------------------------------------------


def _ntriples(graph: Graph) -> bytes:
    """The graph as N-Triples with sorted lines, so that every run sends the same bytes."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def _instances(world: owlready2.World, cls: URIRef) -> tuple[str, ...]:
    """IRIs of the named individuals of ``cls`` (asserted or inferred), sorted."""
    entity = world[str(cls)]
    if entity is None:
        return ()
    return tuple(sorted({i.iri for i in entity.instances(world=world)}))


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    """Capture whatever owlready2 prints on stdout and stderr."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


@contextlib.contextmanager
def _owlready_tempdir() -> Iterator[None]:
    """Make owlready2 write HermiT's input file in a directory removed afterwards.

    owlready2 deletes that file only when HermiT succeeds; on an inconsistent graph it
    would be left behind in the system temporary directory.
    """
    module = owlready2.reasoning
    original = getattr(module, "tempfile", None)
    if original is None:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="policykg-hermit-") as directory:
        module.tempfile = types.SimpleNamespace(  # type: ignore[attr-defined]
            NamedTemporaryFile=functools.partial(tempfile.NamedTemporaryFile, dir=directory)
        )
        try:
            yield
        finally:
            module.tempfile = original  # type: ignore[attr-defined]


def _implied_types(data: Graph) -> dict[URIRef, set[URIRef]]:
    """Every IRI node of ``data`` with its asserted, domain/range-implied and super types."""
    ontology = _ontology()
    supers = superterms()
    named = classes()
    types_of: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, o in data.subject_objects(RDF.type):
        if isinstance(s, URIRef) and o in named:
            types_of[s].add(o)  # type: ignore[arg-type]
    for prop in object_properties():
        props = {prop, *supers.get(prop, frozenset())}
        domains = {d for p in props for d in ontology.objects(p, RDFS.domain) if d in named}
        ranges = {r for p in props for r in ontology.objects(p, RDFS.range) if r in named}
        for s, o in data.subject_objects(prop):
            if isinstance(s, URIRef):
                types_of[s].update(domains)  # type: ignore[arg-type]
            if isinstance(o, URIRef):
                types_of[o].update(ranges)  # type: ignore[arg-type]
    for node_types in types_of.values():
        for cls in list(node_types):
            node_types.update(supers.get(cls, frozenset()))
    return types_of


@functools.cache
def _disjoint_pairs() -> tuple[tuple[URIRef, URIRef], ...]:
    """Pairs of named classes the ontology declares disjoint, sorted."""
    ontology = _ontology()
    pairs: set[tuple[URIRef, URIRef]] = set()

    def add(first: Node, second: Node) -> None:
        if isinstance(first, URIRef) and isinstance(second, URIRef) and first != second:
            pairs.add((min(first, second), max(first, second)))

    for first, second in ontology.subject_objects(OWL.disjointWith):
        add(first, second)
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in ontology.objects(axiom, OWL.members):
            if isinstance(members, BNode):
                listed = list(Collection(ontology, members))
                for i, first in enumerate(listed):
                    for second in listed[i + 1 :]:
                        add(first, second)
    return tuple(sorted(pairs))


def _name(term: URIRef) -> str:
    """A term's English label with its compact IRI, e.g. ``Party document (pkg:PartyDocument)``."""
    label = labels(term).get("en")
    short = f"pkg:{str(term)[len(str(PKG)) :]}" if str(term).startswith(str(PKG)) else str(term)
    return f"{label} ({short})" if label else short


def _show(node: URIRef) -> str:
    return f"<{node}>"


__all__ = [
    "Classification",
    "InconsistentGraph",
    "ReasonerError",
    "ReasonerUnavailable",
    "classify",
    "ensure_consistent",
    "explain_inconsistency",
    "reasoner_input",
    "resolve_java",
]
