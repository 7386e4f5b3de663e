"""Where queries run: the embedded store of a build, or a remote SPARQL endpoint.

Every function of :mod:`policykg.queries.api` and :mod:`policykg.queries.audit` takes "a
store": a pyoxigraph :class:`~pyoxigraph.Store` (the embedded build, as before) or any
object with the :class:`Backend` method ``select`` (a
:class:`~policykg.queries.remote.RemoteBackend`). :func:`policykg.queries.runner.run_query`
dispatches between them, so the same ``.rq`` files and the same Python values come back
from both.

>>> from pyoxigraph import Store
>>> from policykg.queries.runner import load_query
>>> backend = EmbeddedBackend(Store())
>>> backend.select(load_query("central-directives"), {})
[]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pyoxigraph import Literal, NamedNode, Store, Variable

if TYPE_CHECKING:
    from policykg.queries.runner import QuerySpec

#: A parameter binding: a query variable and the RDF term it stands for.
Bindings = dict[Variable, NamedNode | Literal]


@runtime_checkable
class Backend(Protocol):
    """Something SELECT queries run on; rows come back as dicts of plain Python values."""

    def select(self, spec: QuerySpec, bindings: Bindings) -> list[dict]:
        """Run ``spec`` with its parameters bound to ``bindings`` (already checked and typed)."""
        ...


class EmbeddedBackend:
    """The embedded Oxigraph store of a build (default graph = union of the named graphs)."""

    def __init__(self, store: Store):
        self.store = store

    def select(self, spec: QuerySpec, bindings: Bindings) -> list[dict]:
        """Run on the embedded store with pyoxigraph substitutions."""
        from policykg.queries.runner import run_embedded

        return run_embedded(self.store, spec, bindings)


#: What the API functions accept as "a store".
StoreLike = Store | Backend


def as_backend(store: StoreLike) -> Backend:
    """Wrap a pyoxigraph store; pass a backend through."""
    return EmbeddedBackend(store) if isinstance(store, Store) else store
