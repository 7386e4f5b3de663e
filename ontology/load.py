"""Load the policykg ontology (Turtle) with rdflib and answer questions about its terms.

>>> from policykg.ontology.namespaces import ELI, PKG
>>> ELI.ensures_implementation_of in superterms()[PKG.implements]
True
>>> labels(PKG.CentralDirective)["en"]
'Central directive'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policykg.ontology.namespaces import OWL, RDF, RDFS

#: The ontology source, shipped inside the package.
ONTOLOGY_PATH: Path = Path(__file__).with_name("policykg.ttl")

#: Types that make a subject a class of the ontology.
_CLASS_TYPES: frozenset[Node] = frozenset({OWL.Class, RDFS.Class})
#: Types that make a subject a property of the ontology.
_PROPERTY_TYPES: frozenset[Node] = frozenset(
    {
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
    }
)
#: Super-terms that say nothing and are never materialised.
_TRIVIAL: frozenset[Node] = frozenset(
    {OWL.Thing, RDFS.Resource, OWL.topObjectProperty, OWL.topDataProperty}
)


def load_ontology() -> Graph:
    """Parse the ontology Turtle into a new rdflib graph (the caller may modify it)."""
    graph = Graph()
    graph.parse(ONTOLOGY_PATH, format="turtle")
    return graph


@cache
def _ontology() -> Graph:
    """The ontology graph parsed once, shared read-only by the helpers below."""
    return load_ontology()


def _terms(graph: Graph, types: frozenset[Node]) -> set[URIRef]:
    return {s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}


def classes() -> frozenset[URIRef]:
    """Every named class the ontology declares, ours and the external ones it aligns with."""
    return frozenset(_terms(_ontology(), _CLASS_TYPES))


def properties() -> frozenset[URIRef]:
    """Every named property the ontology declares (object, datatype and annotation)."""
    return frozenset(_terms(_ontology(), _PROPERTY_TYPES))


def object_properties() -> frozenset[URIRef]:
    """Every named object property the ontology declares."""
    return frozenset(_terms(_ontology(), frozenset({OWL.ObjectProperty})))


def _closure(graph: Graph, term: URIRef, link: URIRef) -> frozenset[URIRef]:
    seen: set[URIRef] = set()
    todo = [term]
    while todo:
        current = todo.pop()
        for parent in graph.objects(current, link):
            if isinstance(parent, URIRef) and parent not in seen and parent not in _TRIVIAL:
                seen.add(parent)
                todo.append(parent)
    seen.discard(term)
    return frozenset(seen)


@cache
def _superterms() -> dict[URIRef, frozenset[URIRef]]:
    graph = _ontology()
    result: dict[URIRef, frozenset[URIRef]] = {}
    for term in sorted(_terms(graph, _CLASS_TYPES)):
        result[term] = _closure(graph, term, RDFS.subClassOf)
    for term in sorted(_terms(graph, _PROPERTY_TYPES)):
        result[term] = _closure(graph, term, RDFS.subPropertyOf)
    return result


def superterms() -> dict[URIRef, frozenset[URIRef]]:
    """Map every class and property of the ontology to all its named super-terms.

    The value is the transitive closure over ``rdfs:subClassOf`` (classes) or
    ``rdfs:subPropertyOf`` (properties), without the term itself, ``owl:Thing`` and anonymous
    class expressions. The build adds these super-types and super-properties to its data so
    that queries written against ELI, ORG, PROV, P-Plan or SKOS alone find it. External
    terms the ontology declares (``eli:Work``...) are keys too, usually with no super-terms.

    Each call returns a new dict (computed once, copied), so callers may modify it.
    """
    return dict(_superterms())


def labels(term: URIRef | str) -> dict[str, str]:
    """The ``rdfs:label`` of an ontology term by language tag (``"vi"``, ``"en"``).

    A label without a language tag is returned under ``""``; an unknown term gives ``{}``.
    """
    result: dict[str, str] = {}
    for label in sorted(_ontology().objects(URIRef(str(term)), RDFS.label)):
        if isinstance(label, Literal):
            result.setdefault(label.language or "", str(label))
    return result


__all__ = [
    "ONTOLOGY_PATH",
    "classes",
    "labels",
    "load_ontology",
    "object_properties",
    "properties",
    "superterms",
]
