"""Publish a build into a named graph of any SPARQL 1.1 store, replacing the previous version
so that readers never see a half-loaded graph, nor a mix of the old and the new one.

The build's three internal graphs (data, the reasoner's conclusions, the ontology) are
merged into the one graph ``--graph IRI``; they share no triple, so nothing is lost, and
the ``.rq`` files, which read the default graph as the union of everything, run unchanged
with ``default-graph-uri=IRI``. Steps:

1. upload the triples in chunks into a fresh temporary graph ``IRI.tmp-<uuid>``, by the
   Graph Store Protocol (``POST``, N-Triples) when a GSP URL is given, else by SPARQL
   Update ``INSERT DATA`` (the chunks are serialised by pyoxigraph, never formatted);
2. count the temporary graph's triples and compare with the build's;
3. swap, in one of two ways (``swap``; ``auto`` picks by the server's ``Server`` header):

   ``move``
       one SPARQL Update request, ``MOVE <tmp> TO <IRI>``. Atomic for readers where the
       store runs an update request as one snapshot-isolated transaction (Oxigraph).
   ``virtuoso-group``
       Virtuoso 7 commits a ``MOVE`` row by row as far as a concurrent reader is concerned
       (readers polling during the swap saw counts in between, even with the whole swap in
       one transaction), so there ``IRI`` becomes a Virtuoso *graph group* whose only
       member is a version graph ``IRI.v-<uuid>``. The temporary graph is moved to a new
       version graph (nobody reads it yet), the group's member is recorded in Virtuoso's
       tables, then the group's in-memory member list, which every query reading
       ``default-graph-uri=IRI`` (or ``FROM <IRI>``) resolves when it runs, is replaced in
       one assignment: a reader sees the old version or the new one. The previous version
       is kept until the next publish, for queries still running on it. See
       :class:`VirtuosoGroupSwap` for the statements and what a crash at each step leaves.

A publish killed before the swap leaves the published graph as it was and an orphan
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
    parse_results,
    values_block,
)

#: Triples per request; a chunk of N-Triples of the corpus build is about 1 MB.
CHUNK = 5000
TMP_MARK = ".tmp-"
#: Version graphs of the ``virtuoso-group`` swap: ``<graph>.v-<uuid>``.
VERSION_MARK = ".v-"
#: The ways to swap the new graph in (``auto``: ``virtuoso-group`` on Virtuoso, else ``move``).
SWAPS = ("auto", "move", "virtuoso-group")


class PublishIncomplete(EndpointError):
    """The uploaded graph does not hold what the build holds; nothing was replaced."""


class SwapUnsupported(EndpointError):
    """The chosen swap cannot be done on this server or graph; nothing was replaced."""


class SwapNotVisible(EndpointError):
    """The swap ran, but readers of the graph do not see the new triples."""


@dataclass(frozen=True)
class PublishReport:
    """What a publish did."""

    graph: str
    triples: int
    chunks: int
    removed_orphans: int
    #: how the new graph was swapped in: ``move`` or ``virtuoso-group``
    swap: str = "move"
    #: version graphs of earlier publishes dropped (``virtuoso-group``)
    removed_versions: int = 0


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
    swap: str = "auto",
) -> PublishReport:
    """Upload the current build of ``out_dir`` into ``endpoint.graph``, atomically replaced.

    ``swap`` is one of :data:`SWAPS`; ``auto`` asks the server what it is (its HTTP
    ``Server`` header) and uses ``virtuoso-group`` on Virtuoso, ``move`` elsewhere.
    """
    if not endpoint.graph:
        raise BadEndpoint("publish needs a named graph to write: give --graph IRI")
    if swap not in SWAPS:
        raise BadEndpoint(f"swap {swap!r}: expected one of {', '.join(SWAPS)}")
    triples = build_triples(out_dir)
    writer = _Writer(endpoint)
    if swap == "auto":
        swap = "virtuoso-group" if is_virtuoso(server_software(endpoint)) else "move"
    group = VirtuosoGroupSwap(writer) if swap == "virtuoso-group" else None
    if group is not None:
        group.check()  # before any upload: rights, and a graph this swap can manage
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
        _check_count(endpoint, tmp, len(triples))
        if group is None:
            writer.update(_move(tmp, endpoint.graph))
    except BaseException:
        writer.drop_quietly(tmp)
        raise
    if group is None:
        seen = RemoteBackend(endpoint).count()
        if seen != len(triples):
            raise SwapNotVisible(
                f"after MOVE, readers of <{endpoint.graph}> count {seen} triples, not the "
                f"build's {len(triples)}: if it is a Virtuoso graph group (made by "
                "--swap virtuoso-group), publish with --swap virtuoso-group or auto"
            )
        return PublishReport(endpoint.graph, len(triples), len(parts), orphans)
    removed = group.swap(tmp, len(triples))
    return PublishReport(
        endpoint.graph, len(triples), len(parts), orphans, "virtuoso-group", removed
    )


def _check_count(endpoint: Endpoint, graph: str, expected: int) -> None:
    found = RemoteBackend(replace(endpoint, graph=graph)).count()
    if found != expected:
        raise PublishIncomplete(
            f"the uploaded graph <{graph}> holds {found} triples, the build {expected}; "
            f"<{endpoint.graph}> was left as it was; check the server's log and publish again"
        )


def _move(tmp: str, graph: str) -> str:
    # the IRIs are validated terms, serialised by pyoxigraph
    return f"MOVE {NamedNode(tmp)} TO {NamedNode(graph)}"


def server_software(endpoint: Endpoint) -> str:
    """The ``Server`` header the query endpoint answers with ("" if it sends none)."""
    query = urllib.parse.urlencode({"query": "ASK {}"})
    sep = "&" if "?" in endpoint.query_url else "?"
    return _Writer(endpoint).probe(f"{endpoint.query_url}{sep}{query}")


def is_virtuoso(server: str) -> bool:
    """Whether a ``Server`` header names OpenLink Virtuoso.

    >>> is_virtuoso("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu  "), is_virtuoso("")
    (True, False)
    """
    return server.strip().lower().startswith("virtuoso/")


class VirtuosoGroupSwap:
    """The ``virtuoso-group`` swap: the published IRI is a Virtuoso graph group of one member.

    Why: Virtuoso 7 releases a transaction's row changes one by one at commit, so a reader
    counting the graph during a ``MOVE`` (or any swap of the rows themselves, one request,
    one transaction or not) saw counts between the old and the new graph. A query reading
    ``default-graph-uri=<G>`` where ``G`` is a graph group reads the group's members, taken
    at run time from an in-memory list; replacing that list is one assignment.

    How, over the authenticated SPARQL endpoint (the user needs Virtuoso's SQL rights,
    ``dba``: Virtuoso offers no SPARQL form for it). Its SQL statements are text fixed here,
    run by ``bif:exec`` with the IRIs as parameters bound from a ``VALUES`` block of
    pyoxigraph-serialised literals, never formatted into any text:

    1. ``MOVE`` the checked temporary graph to a new version graph ``<G>.v-<uuid>`` (no
       reader sees it yet) and count it again;
    2. record the member in Virtuoso's tables (``DB.DBA.RDF_GRAPH_GROUP_MEMBER``, one
       ``UPDATE`` of the single member row, then the rows of a new group): what a restart
       loads. A crash before this leaves the old version published, after it the new one;
    3. replace the in-memory member list in one ``dict_put``: readers switch here;
    4. the first time only (``G`` was a plain graph): ``shcompo_clear ()``, which empties
       Virtuoso's cache of compiled statements: queries compiled while ``G`` was a plain
       graph stay in it, and the group procedures do not clear it (measured: the same query
       text kept reading the plain graph). Until then those queries read the old plain
       graph, whole;
    5. drop the version graphs other than the new one and the one it replaced, and, when
       ``G`` was already a group, the plain graph ``G``'s own triples (left by a ``move``
       publish): kept one publish longer for queries still running on them.

    Virtuoso's stock ``RDF_GRAPH_GROUP_INS`` and ``_DEL`` change the list in two steps
    (the union or nothing in between), and ``RDF_GRAPH_GROUP_CREATE`` empties it, so they
    are not used. Relies on Virtuoso 7.2's own tables and ``__rdf_graph_group_dict``
    (tested with 7.2.5); readers must read ``G`` as the default graph: ``GRAPH <G>`` and
    ``FROM NAMED <G>`` do not expand a group.
    """

    def __init__(self, writer: _Writer):
        self.writer = writer
        self.graph = str(writer.endpoint.graph)

    # --- state ---

    def members(self) -> list[str] | None:
        """The group's members in memory, or None if ``G`` is not a group."""
        rows = self.writer.select(
            "SELECT ?isgroup ?n ?member WHERE { "
            + values_block({Variable("g"): Literal(self.graph)})
            + " BIND(bif:dict_get(bif:__rdf_graph_group_dict(), bif:iri_to_id(?g), 0) AS ?list)"
            " BIND(bif:isvector(?list) AS ?isgroup)"
            " BIND(IF(?isgroup, bif:length(?list), 0) AS ?n)"
            ' BIND(IF(?n = 1, bif:id_to_iri(bif:aref(?list, 0)), "") AS ?member) }'
        )
        if len(rows) != 1:
            raise SwapUnsupported(f"{self.writer.update_url}: cannot read graph groups ({rows!r})")
        row = rows[0]
        if not row["isgroup"]:
            return None
        if row["n"] != 1:
            raise SwapUnsupported(
                f"<{self.graph}> is a Virtuoso graph group of {row['n']} members; "
                "publish manages groups of one member it made itself: choose another --graph"
            )
        return [str(row["member"])]

    def check(self) -> None:
        """Fail before any upload if the user lacks the rights or the graph is not ours."""
        try:
            # an UPDATE that changes nothing: refused without the rights the swap needs
            self._exec(
                "update DB.DBA.RDF_GRAPH_GROUP_MEMBER set RGGM_MEMBER_IID = RGGM_MEMBER_IID "
                "where 0 = 1"
            )
            self.members()
        except EndpointHTTPError as e:  # refused; wrong credentials and timeouts pass on
            raise SwapUnsupported(
                f"the virtuoso-group swap needs the user of {self.writer.update_url} to have "
                f"Virtuoso's SQL rights (dba) and the authenticated endpoint (/sparql-auth): "
                f"{e}; or publish with --swap move (readers may then see a mix during the "
                "swap)"
            ) from None

    # --- the swap ---

    def swap(self, tmp: str, expected: int) -> int:
        """Steps 1-5 (see the class); returns how many old version graphs were dropped."""
        before = self.members()
        version = f"{self.graph}{VERSION_MARK}{uuid.uuid4().hex}"
        try:
            self.writer.update(_move(tmp, version))
            _check_count(self.writer.endpoint, version, expected)
        except BaseException:
            self.writer.drop_quietly(tmp)
            self.writer.drop_quietly(version)
            raise
        g, v = self.graph, version
        # 2. the tables (a restart loads the group from them)
        self._exec(
            "update DB.DBA.RDF_GRAPH_GROUP_MEMBER set RGGM_MEMBER_IID = iri_to_id (?) "
            "where RGGM_GROUP_IID = iri_to_id (?)",
            v,
            g,
        )
        self._exec(
            "insert soft DB.DBA.RDF_GRAPH_GROUP_MEMBER (RGGM_GROUP_IID, RGGM_MEMBER_IID) "
            "values (iri_to_id (?), iri_to_id (?))",
            g,
            v,
        )
        self._exec(
            "insert soft DB.DBA.RDF_GRAPH_GROUP (RGG_IID, RGG_IRI, RGG_COMMENT) "
            "values (iri_to_id (?), ?, 'policykg publish')",
            g,
            g,
        )
        # 3. memory: the one assignment readers see
        self._exec("DB.DBA.RDF_GRAPH_CACHE_IID (iri_to_id (?))", g)
        self._exec("DB.DBA.RDF_GRAPH_CACHE_IID (iri_to_id (?))", v)
        self._exec(
            "dict_put (__rdf_graph_group_dict (), iri_to_id (?), vector (iri_to_id (?)))", g, v
        )
        # 4. queries compiled while G was a plain graph
        if before is None:
            self._exec("shcompo_clear ()")
        # 5. what the previous publish replaced
        keep = {v, *(before or [])}
        old = [x for x in self._versions() if x not in keep]
        for x in old:
            self.writer.update(f"DROP SILENT GRAPH {NamedNode(x)}")
        if before is not None:
            self.writer.update(f"DROP SILENT GRAPH {NamedNode(g)}")
        return len(old)

    def _versions(self) -> list[str]:
        prefix = {Variable("prefix"): Literal(self.graph + VERSION_MARK)}
        query = (
            "SELECT DISTINCT ?g WHERE { "
            + values_block(prefix)
            + " GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }"
        )
        rows = RemoteBackend(self.writer.endpoint, whole_store=True).select_text(query)
        return [str(r["g"]) for r in rows]

    def _exec(self, sql: str, *params: str) -> None:
        """One SQL statement (ours, fixed) with string parameters, by ``bif:exec``."""
        assert '"' not in sql and "\\" not in sql, "the SQL text goes in a SPARQL string"
        names = [Variable(f"a{i}") for i in range(len(params))]
        args = ", ".join(str(n) for n in names)
        bound = dict(zip(names, map(Literal, params), strict=True))
        where = values_block(bound) if params else ""
        self.writer.select(
            f'SELECT (bif:exec("{sql}", 0, 0, bif:vector({args})) AS ?r) WHERE {{ {where} }}'
        )


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
            for url in (self.update_url, endpoint.gsp_url, endpoint.query_url):
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

    def select(self, text: str) -> list[dict]:
        """A SELECT query sent to the update URL with the writer's credentials (Virtuoso's
        ``bif:`` calls need the authenticated endpoint); its rows."""
        body = urllib.parse.urlencode({"query": text}).encode("utf-8")
        answer = self._send(
            self.update_url,
            body,
            "application/x-www-form-urlencoded; charset=utf-8",
            accept="application/sparql-results+json",
        )
        return parse_results(answer, self.update_url)

    def probe(self, url: str) -> str:
        """GET ``url`` and return its ``Server`` header ("" if none), whatever the status."""
        request = urllib.request.Request(url, method="GET")
        with _network_errors(url, self.endpoint.timeout):
            try:
                with self.opener.open(request, timeout=self.endpoint.timeout) as response:
                    response.read()
                    return response.headers.get("Server", "")
            except urllib.error.HTTPError as e:
                return e.headers.get("Server", "") if e.headers is not None else ""

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

    def _send(self, url: str, body: bytes, content_type: str, accept: str = "*/*") -> bytes:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": content_type, "Accept": accept}
        )
        with _network_errors(url, self.endpoint.timeout):
            try:
                with self.opener.open(request, timeout=self.endpoint.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as e:
                if e.code in (401, 403):
                    raise _auth_error(url, e.code) from None
                detail = e.read().decode("utf-8", "replace")
                raise EndpointHTTPError(
                    f"{url} refused the write with HTTP {e.code} {e.reason}: {_excerpt(detail)}"
                ) from None


@contextlib.contextmanager
def _network_errors(url: str, timeout: float) -> Iterator[None]:
    """Turn a request's network failures into named errors: a timeout (also one wrapped in a
    ``URLError``) into :class:`EndpointTimeout`, anything else into
    :class:`EndpointUnavailable`; HTTP answers are the caller's to read."""
    try:
        yield
    except urllib.error.HTTPError:
        raise
    except TimeoutError:
        raise _timeout(url, timeout) from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise _timeout(url, timeout) from None
        raise _unreachable(url, e.reason) from None
    except OSError as e:
        raise _unreachable(url, e) from None


def _with_graph(gsp_url: str, graph: str) -> str:
    """The GSP URL with the graph parameter (``graph`` per the spec; Virtuoso: ``graph-uri``)."""
    key = "graph-uri" if "sparql-graph-crud" in gsp_url else "graph"
    sep = "&" if "?" in gsp_url else "?"
    return f"{gsp_url}{sep}{urllib.parse.urlencode({key: graph})}"
