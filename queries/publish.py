"""Publish a build into a named graph of any SPARQL 1.1 store, replacing the previous version
so that readers never see a half-loaded graph.

The build's three internal graphs (data, the reasoner's conclusions, the ontology) are
merged into the one graph ``--graph IRI``; they share no triple, so nothing is lost, and
the ``.rq`` files, which read the default graph as the union of everything, run unchanged
with ``default-graph-uri=IRI``. Steps:

1. upload the triples in chunks into a fresh temporary graph ``IRI.tmp-<uuid>``, by the
   Graph Store Protocol (``POST``, N-Triples) when a GSP URL is given, else by SPARQL
   Update ``INSERT DATA`` (the chunks are serialised by pyoxigraph, never formatted);
2. count the temporary graph's triples and compare with the build's;
3. swap with one SPARQL Update request, ``MOVE <tmp> TO <IRI>``: the store runs it as one
   transaction (Oxigraph; Virtuoso commits an update request as a whole), so a reader sees
   the old graph or the new one.

A publish killed before step 3 leaves the published graph as it was and an orphan
temporary graph, which the next publish removes. Writes are never retried.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, Triple, Variable, serialize

from policykg.graph.store import current_build
from policykg.queries.remote import (
    BadEndpoint,
    Endpoint,
    EndpointError,
    EndpointHTTPError,
    RemoteBackend,
    _auth_error,
    _excerpt,
    _timeout,
    _unreachable,
    values_block,
)

#: Triples per request; a chunk of N-Triples of the corpus build is about 1 MB.
CHUNK = 5000
TMP_MARK = ".tmp-"


class PublishIncomplete(EndpointError):
    """The uploaded graph does not hold what the build holds; nothing was replaced."""


@dataclass(frozen=True)
class PublishReport:
    """What a publish did."""

    graph: str
    triples: int
    chunks: int
    removed_orphans: int


def build_triples(out_dir: Path) -> list[Triple]:
    """Every triple of the current build (all its graphs merged), de-duplicated and sorted."""
    store = Store.read_only(str(current_build(out_dir) / "store"))
    triples = {Triple(q.subject, q.predicate, q.object) for q in store}
    return sorted(triples, key=str)


def chunks(triples: list[Triple], size: int = CHUNK) -> Iterator[list[Triple]]:
    """Chunks of at most ``size`` triples; those with blank nodes all go in the first chunk,
    since a blank node's label means the same node only within one request.

    >>> from pyoxigraph import NamedNode as N, BlankNode as B
    >>> t = [Triple(N("http://x/a"), N("http://x/p"), N(f"http://x/{i}")) for i in range(3)]
    >>> [len(c) for c in chunks([*t, Triple(B("b"), N("http://x/p"), B("c"))], size=2)]
    [1, 2, 1]
    """
    with_bnodes = [t for t in triples if _has_bnode(t)]
    rest = [t for t in triples if not _has_bnode(t)]
    if with_bnodes:
        yield with_bnodes
    for i in range(0, len(rest), size):
        yield rest[i : i + size]


def _has_bnode(t: Triple) -> bool:
    return isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)


def publish(
    out_dir: Path,
    endpoint: Endpoint,
    *,
    chunk_size: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> PublishReport:
    """Upload the current build of ``out_dir`` into ``endpoint.graph``, atomically replaced."""
    if not endpoint.graph:
        raise BadEndpoint("publish needs a named graph to write: give --graph IRI")
    triples = build_triples(out_dir)
    writer = _Writer(endpoint)
    orphans = remove_orphans(endpoint)
    tmp = f"{endpoint.graph}{TMP_MARK}{uuid.uuid4().hex}"
    done = 0
    parts = list(chunks(triples, chunk_size))
    try:
        for part in parts:
            writer.upload(tmp, part)
            done += len(part)
            if progress is not None:
                progress(done, len(triples))
        found = RemoteBackend(replace(endpoint, graph=tmp)).count()
        if found != len(triples):
            raise PublishIncomplete(
                f"the temporary graph <{tmp}> holds {found} triples, the build {len(triples)}; "
                f"<{endpoint.graph}> was left as it was; check the server's log and publish again"
            )
        writer.update(_move(tmp, endpoint.graph))
    except BaseException:
        writer.drop_quietly(tmp)
        raise
    return PublishReport(endpoint.graph, len(triples), len(parts), orphans)


def _move(tmp: str, graph: str) -> str:
    # the IRIs are validated terms, serialised by pyoxigraph
    return f"MOVE {NamedNode(tmp)} TO {NamedNode(graph)}"


def remove_orphans(endpoint: Endpoint) -> int:
    """Drop the temporary graphs that killed publishes of ``endpoint.graph`` left behind.

    Only one publish of a graph should run at a time: a second one removes the first's
    temporary graph.
    """
    prefix = {Variable("prefix"): Literal(endpoint.graph + TMP_MARK)}
    query = (
        "SELECT DISTINCT ?g WHERE { "
        + values_block(prefix)
        + " GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }"
    )
    rows = RemoteBackend(endpoint, whole_store=True).select_text(query)
    writer = _Writer(endpoint)
    for row in rows:
        writer.update(f"DROP SILENT GRAPH {NamedNode(row['g'])}")
    return len(rows)


class _Writer:
    """Writes (update requests, GSP uploads) with the endpoint's credentials; never retried."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self.update_url = endpoint.update_url or endpoint.query_url
        handlers: list[urllib.request.BaseHandler] = []
        self.headers: dict[str, str] = {}
        if endpoint.user is not None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (self.update_url, endpoint.gsp_url):
                if url:
                    manager.add_password(None, url, endpoint.user, endpoint.password or "")
            if endpoint.auth == "digest":
                handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
            else:
                handlers.append(urllib.request.HTTPBasicAuthHandler(manager))
        self.opener = urllib.request.build_opener(*handlers)

    def update(self, text: str) -> None:
        """One SPARQL Update request."""
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        self._send(self.update_url, body, "application/x-www-form-urlencoded; charset=utf-8")

    def upload(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add ``triples`` to ``graph`` (GSP POST if there is a GSP URL, else INSERT DATA)."""
        data = serialize(list(triples), format=RdfFormat.N_TRIPLES)
        if self.endpoint.gsp_url:
            url = _with_graph(self.endpoint.gsp_url, graph)
            self._send(url, data, "application/n-triples; charset=utf-8")
        else:
            text = f"INSERT DATA {{ GRAPH {NamedNode(graph)} {{\n{data.decode('utf-8')}}} }}"
            self.update(text)

    def drop_quietly(self, graph: str) -> None:
        """Best effort: the temporary graph of a failed publish."""
        with contextlib.suppress(EndpointError):
            self.update(f"DROP SILENT GRAPH {NamedNode(graph)}")

    def _send(self, url: str, body: bytes, content_type: str) -> None:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": content_type}
        )
        try:
            with self.opener.open(request, timeout=self.endpoint.timeout) as response:
                response.read()
        except urllib.error.HTTPError as e:
            if e.code in (401, 403):
                raise _auth_error(url, e.code) from None
            detail = e.read().decode("utf-8", "replace")
            raise EndpointHTTPError(
                f"{url} refused the write with HTTP {e.code} {e.reason}: {_excerpt(detail)}"
            ) from None
        except TimeoutError:
            raise _timeout(url, self.endpoint.timeout) from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise _timeout(url, self.endpoint.timeout) from None
            raise _unreachable(url, e.reason) from None
        except OSError as e:
            raise _unreachable(url, e) from None


def _with_graph(gsp_url: str, graph: str) -> str:
    """The GSP URL with the graph parameter (``graph`` per the spec; Virtuoso: ``graph-uri``)."""
    key = "graph-uri" if "sparql-graph-crud" in gsp_url else "graph"
    sep = "&" if "?" in gsp_url else "?"
    return f"{gsp_url}{sep}{urllib.parse.urlencode({key: graph})}"
