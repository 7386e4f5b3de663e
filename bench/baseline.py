"""The baseline of the benchmark: the same queries on an rdflib in-memory graph.

:class:`RdflibStore` holds the triples of a build's export in an rdflib ``Dataset`` (queries
see the union of its graphs, as they do on the embedded store) and answers
``query(text, substitutions=..., use_default_graph_as_union=...)`` with pyoxigraph terms,
so that the project's own functions (``api.task_lineage``, ``audit.audit``,
``api.agencies``) run on it unchanged: the same SPARQL, the same Python around it.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "g.nq"
>>> _ = p.write_text('<http://x/a> <http://x/p> "v" <http://x/g> .\\n', "utf-8")
>>> store = RdflibStore.load(p)
>>> [r["o"].value for r in store.query("SELECT ?o WHERE { ?s ?p ?o }")]
['v']
>>> from policykg.queries.runner import load_query, run_query
>>> run_query(store, load_query("central-directives"))
[]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Variable


def _to_ox(term):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value if term.datatype else None
    plain = datatype in (None, "http://www.w3.org/2001/XMLSchema#string")
    return Literal(term.value) if plain else Literal(term.value, datatype=URIRef(datatype))


class _Solutions:
    """Query solutions shaped as pyoxigraph's: ``variables`` and rows indexed by name."""

    def __init__(self, result) -> None:
        self.variables = [ox.Variable(str(v)) for v in result.vars]
        self._names = [str(v) for v in result.vars]
        self._rows = list(result)

    def __iter__(self) -> Iterator[_Solution]:
        index = {n: i for i, n in enumerate(self._names)}
        for row in self._rows:
            yield _Solution([_to_ox(row[i]) for i in range(len(self._names))], index)


class _Solution:
    """One solution as pyoxigraph's: its terms by position or by variable name."""

    __slots__ = ("_index", "_terms")

    def __init__(self, terms: list, index: dict[str, int]) -> None:
        self._terms, self._index = terms, index

    def __getitem__(self, key: int | str):
        return self._terms[key if isinstance(key, int) else self._index[key]]

    def __iter__(self) -> Iterator:
        return iter(self._terms)


class RdflibStore:
    """An rdflib graph answering queries as :class:`pyoxigraph.Store` does (SELECT only)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    @classmethod
    def load(cls, path: Path) -> RdflibStore:
        """Load an N-Quads export."""
        ds = Dataset(default_union=True)
        ds.parse(str(path), format="nquads")
        return cls(ds)

    def __len__(self) -> int:
        return len(self.dataset)

    def select(self, spec, bindings) -> list[dict]:
        """Rows of plain values, as the embedded backend gives them (the runner's
        :class:`~policykg.queries.backend.Backend` method)."""
        from policykg.queries.runner import run_embedded

        return run_embedded(self, spec, bindings)  # type: ignore[arg-type]

    def query(self, text: str, *, substitutions=None, use_default_graph_as_union=True):
        """Run a SELECT query with bound variables; rows hold pyoxigraph terms."""
        bindings = {Variable(v.value): _to_rdflib(t) for v, t in (substitutions or {}).items()}
        return _Solutions(self.dataset.query(text, initBindings=bindings))
