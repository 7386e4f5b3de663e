"""Run the ``.rq`` files on a remote SPARQL 1.1 endpoint (SPARQLWrapper), as on the embedded store.

The graph a remote store holds is chosen with the protocol's ``default-graph-uri``
parameter (the published graph, see :mod:`policykg.queries.publish`), so the query text is
never edited for it. Parameters are bound by a ``VALUES`` block written from typed RDF
terms (pyoxigraph serialises and escapes them; IRIs are validated when the term is made)
and placed at the start of the query's WHERE group, found by a tokenizer that skips
comments, strings and IRIs:

>>> from pyoxigraph import Literal, NamedNode, Variable
>>> values_block({Variable("d"): NamedNode("http://x/a"), Variable("s"): Literal('"} x')})
'VALUES (?d ?s) { (<http://x/a> "\\\\"} x") }'
>>> with_values("SELECT ?d WHERE { ?d ?p ?o }", {Variable("d"): NamedNode("http://x/a")})
'SELECT ?d WHERE { VALUES (?d) { (<http://x/a>) }\\n ?d ?p ?o }'

Results are turned into the same plain Python values as the embedded runner's
(:func:`policykg.queries.runner.python_value`); reads are retried with exponential backoff
when the server is unreachable or answers 502/503/504, never when it is slow (a timeout
is an error, never "no results").
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.request
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions as SWE

from policykg.ontology.errors import PolicyKGError
from policykg.ontology.namespaces import ID
from policykg.queries.backend import Bindings
from policykg.queries.runner import QuerySpec, python_value

#: The graph ``publish`` writes to and remote commands read when no ``--graph`` is given.
DEFAULT_GRAPH = str(ID["graph/published"])
DEFAULT_TIMEOUT = 60.0
ENV_USER = "POLICYKG_ENDPOINT_USER"
ENV_PASSWORD = "POLICYKG_ENDPOINT_PASSWORD"
ENV_AUTH = "POLICYKG_ENDPOINT_AUTH"
#: HTTP statuses worth retrying a read on: the server or a proxy in front of it is restarting.
RETRY_STATUSES = (502, 503, 504)


class EndpointError(PolicyKGError):
    """A remote SPARQL endpoint could not answer."""


class EndpointUnavailable(EndpointError):
    """The endpoint cannot be reached (refused, unknown host, connection reset)."""


class EndpointTimeout(EndpointError):
    """The endpoint did not answer in time, or stopped the query at its own time limit."""


class EndpointAuthFailed(EndpointError):
    """The endpoint refused the credentials (HTTP 401 or 403)."""


class EndpointHTTPError(EndpointError):
    """The endpoint answered with an HTTP error status."""


class MalformedResults(EndpointError):
    """The endpoint's answer is not SPARQL JSON results."""


class BadEndpoint(EndpointError):
    """An endpoint URL, graph IRI or setting that cannot be used."""


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach a remote store. Credentials come from the environment only.

    >>> Endpoint("http://127.0.0.1:7878/query").graph == DEFAULT_GRAPH
    True
    """

    query_url: str
    #: the named graph to read (sent as ``default-graph-uri``); None or "": the store's own
    #: default graph (with `policykg serve`, the union of the build's graphs)
    graph: str | None = DEFAULT_GRAPH
    update_url: str | None = None
    gsp_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 3
    backoff: float = 0.5
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    auth: str = "basic"

    def __post_init__(self) -> None:
        for name in ("query_url", "update_url", "gsp_url"):
            url = getattr(self, name)
            if url is not None and not re.fullmatch(r"https?://[^\s]+", url):
                raise BadEndpoint(
                    f"{url!r} is not an endpoint URL: expected http:// or https:// followed by "
                    "host, port and path, e.g. http://127.0.0.1:7878/query"
                )
        try:
            if self.graph:
                NamedNode(self.graph)
        except ValueError as e:
            raise BadEndpoint(f"--graph {self.graph!r} is not an IRI ({e})") from None
        if self.auth not in ("basic", "digest"):
            raise BadEndpoint(f"{ENV_AUTH}={self.auth!r}: expected basic or digest")
        if self.timeout <= 0:
            raise BadEndpoint(f"timeout {self.timeout!r}: expected a number of seconds > 0")

    @classmethod
    def from_env(cls, query_url: str, **kwargs: Any) -> Endpoint:
        """An endpoint whose credentials are read from ``POLICYKG_ENDPOINT_*`` variables."""
        return cls(
            query_url,
            user=os.environ.get(ENV_USER) or None,
            password=os.environ.get(ENV_PASSWORD),
            auth=(os.environ.get(ENV_AUTH) or "basic").lower(),
            **kwargs,
        )


# --- binding parameters ---------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n]*|"{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
        |<[^<>"{}|^`\\\s]*>)
      |(?P<where>\bWHERE\b)|(?P<open>\{)""",
    re.X | re.I,
)


def values_block(bindings: Bindings) -> str:
    """A one-row ``VALUES`` block from typed terms (their own serialisation, escaped)."""
    names = " ".join(f"?{v.value}" for v in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def with_values(text: str, bindings: Bindings) -> str:
    """The query with a ``VALUES`` block opening its outermost WHERE group."""
    if not bindings:
        return text
    first_brace = None
    for m in _TOKEN.finditer(text):
        if m["where"]:  # the first WHERE is the outer query's (a sub-select's comes later)
            brace = text.index("{", m.end())
            break
        if m["open"] and first_brace is None:
            first_brace = m.start()
    else:
        brace = first_brace  # `SELECT … { … }` without the WHERE keyword
    if brace is None:
        raise BadEndpoint("the query has no WHERE group to bind its parameters in")
    return f"{text[: brace + 1]} {values_block(bindings)}\n{text[brace + 1 :]}"


# --- reading --------------------------------------------------------------------------------


class RemoteBackend:
    """Runs SELECT queries on a remote endpoint over the published graph."""

    def __init__(self, endpoint: Endpoint, *, whole_store: bool = False, sleep=time.sleep):
        self.endpoint = endpoint
        #: read the store's own dataset (every named graph) rather than the published graph
        self.whole_store = whole_store
        self._sleep = sleep

    def select(self, spec: QuerySpec, bindings: Bindings) -> list[dict]:
        """Run ``spec`` remotely; rows as the embedded runner returns them."""
        return self.select_text(with_values(spec.text, bindings))

    def select_text(self, text: str) -> list[dict]:
        """Run a SELECT query given as text (ours, never built from input)."""
        return parse_results(self._read(text), self.endpoint.query_url)

    def count(self) -> int:
        """How many triples the graph holds."""
        rows = self.select_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        if len(rows) != 1 or not isinstance(rows[0].get("n"), int):
            raise MalformedResults(f"{self.endpoint.query_url}: expected one count, got {rows!r}")
        return rows[0]["n"]

    def _wrapper(self, text: str) -> SPARQLWrapper:
        ep = self.endpoint
        sw = SPARQLWrapper(ep.query_url)
        sw.setQuery(text)
        sw.setMethod(POST)
        sw.setReturnFormat(JSON)
        sw.timeout = ep.timeout  # setTimeout() would truncate 0.5 s to 0, i.e. no timeout
        if ep.graph and not self.whole_store:
            sw.addDefaultGraph(ep.graph)
        if ep.user is not None:
            if ep.auth == "digest":
                sw.setHTTPAuth(DIGEST)
            sw.setCredentials(ep.user, ep.password or "")
        return sw

    def _read(self, text: str) -> bytes:
        """POST the query; retry with backoff on unreachable / 502-504, never on a timeout."""
        attempt = 0
        while True:
            try:
                return self._read_once(text)
            except (EndpointUnavailable, _Retryable) as e:
                if attempt >= self.endpoint.retries:
                    raise (e.error if isinstance(e, _Retryable) else e) from None
                self._sleep(self.endpoint.backoff * 2**attempt)
                attempt += 1

    def _read_once(self, text: str) -> bytes:
        url = self.endpoint.query_url
        try:
            # closed at once: Virtuoso holds one of its few HTTP threads per open connection
            with closing(self._wrapper(text).query().response) as response:
                body = response.read()
                headers = response.headers
        except SWE.Unauthorized:
            raise _auth_error(url, 401) from None
        except SWE.QueryBadFormed as e:
            raise EndpointHTTPError(
                f"{url} refused the query as malformed (HTTP 400): {_excerpt(e)}; the query "
                "uses a feature this server does not support, or the URL is not a query endpoint"
            ) from None
        except SWE.EndPointNotFound:
            raise EndpointHTTPError(
                f"{url} answered 404 Not Found: check the endpoint path (Oxigraph: /query, "
                "Virtuoso: /sparql, Fuseki: /DATASET/sparql)"
            ) from None
        except SWE.EndPointInternalError as e:
            raise EndpointHTTPError(f"{url} failed with HTTP 500: {_excerpt(e)}") from None
        except SWE.SPARQLWrapperException as e:
            raise EndpointHTTPError(f"{url}: {_excerpt(e)}") from None
        except urllib.error.HTTPError as e:
            raise _http_error(url, e) from None
        except TimeoutError as e:
            raise _timeout(url, self.endpoint.timeout) from e
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise _timeout(url, self.endpoint.timeout) from None
            raise _unreachable(url, e.reason) from None
        except (ConnectionError, http.client.HTTPException, OSError) as e:
            raise _unreachable(url, e) from None
        _check_partial(url, headers)
        return body


class _Retryable(Exception):
    def __init__(self, error: EndpointError):
        self.error = error


def _excerpt(e: object, limit: int = 300) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= limit else text[:limit] + " …"


def _auth_error(url: str, status: int) -> EndpointAuthFailed:
    return EndpointAuthFailed(
        f"{url} refused the credentials (HTTP {status}): set {ENV_USER} and {ENV_PASSWORD} "
        f"(and {ENV_AUTH}=digest for servers such as Virtuoso's /sparql-auth)"
    )


def _timeout(url: str, seconds: float) -> EndpointTimeout:
    return EndpointTimeout(
        f"{url} did not answer within {seconds:g} s (this is not an empty result): "
        "raise --timeout (or POLICYKG_TIMEOUT), or check the server's load"
    )


def _unreachable(url: str, reason: object) -> EndpointUnavailable:
    return EndpointUnavailable(
        f"cannot reach {url}: {reason}; is the server running and the URL right? "
        "(`policykg serve` starts one on the local build)"
    )


def _http_error(url: str, e: urllib.error.HTTPError) -> EndpointError:
    if e.code in (401, 403):
        return _auth_error(url, e.code)
    try:
        body = e.read().decode("utf-8", "replace")
    except Exception:  # the body is only for the message
        body = ""
    error = EndpointHTTPError(f"{url} answered HTTP {e.code} {e.reason}: {_excerpt(body)}")
    if e.code in RETRY_STATUSES:
        raise _Retryable(error)
    return error


def _check_partial(url: str, headers) -> None:
    """Virtuoso's "anytime" queries answer 200 with partial rows when they hit its time limit."""
    state = headers.get("X-SQL-State") if headers is not None else None
    if state:
        raise EndpointTimeout(
            f"{url} stopped the query at its own time limit and returned partial results "
            f"(X-SQL-State {state}: {headers.get('X-SQL-Message', '')}); raise the server's "
            "MaxQueryExecutionTime or query a smaller part of the graph"
        )


# --- results --------------------------------------------------------------------------------


def parse_results(payload: bytes, url: str = "the endpoint") -> list[dict]:
    """SPARQL 1.1 JSON results as rows of plain Python values.

    >>> parse_results(b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {'
    ...     b'"type": "typed-literal", "value": "1", '
    ...     b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean"}}]}}')
    [{'n': True}]
    """
    try:
        data = json.loads(payload)
        names = data["head"]["vars"]
        bindings = data["results"]["bindings"]
        return [{n: python_value(_term(row.get(n))) for n in names} for row in bindings]
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        head = payload[:200].decode("utf-8", "replace")
        raise MalformedResults(
            f"{url} did not answer with SPARQL JSON results ({type(e).__name__}: {e}); "
            f"it began: {head!r}; is the URL a SPARQL query endpoint?"
        ) from None


def _term(b: dict | None) -> NamedNode | Literal | BlankNode | None:
    if b is None:
        return None
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return NamedNode(value)
    if kind == "bnode":
        return BlankNode(re.sub(r"\W", "_", value))
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in b:
            return Literal(value, language=b["xml:lang"])
        if "datatype" in b:
            return Literal(value, datatype=NamedNode(b["datatype"]))
        return Literal(value)
    raise ValueError(f"unknown term type {kind!r}")
