"""What a remote endpoint can do wrong, each with a clear message: a tiny HTTP server on
loopback plays the misbehaving endpoint (garbage, errors, slowness, refusal)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Variable
from sparql_servers import free_port

from policykg.queries.publish import _Writer
from policykg.queries.remote import (
    BadEndpoint,
    Endpoint,
    EndpointAuthFailed,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointUnavailable,
    MalformedResults,
    RemoteBackend,
    with_values,
)
from policykg.queries.runner import load_query

GOOD = json.dumps(
    {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "x"}}]}}
).encode()


class Fake:
    """Answers requests from a script of (status, headers, body, delay) and counts them."""

    def __init__(self, script: list[tuple[int, dict, bytes, float]]):
        self.script = script
        self.requests = 0

    def answer(self):
        step = self.script[min(self.requests, len(self.script) - 1)]
        self.requests += 1
        return step


@pytest.fixture
def fake() -> Iterator[tuple[Fake, str]]:
    state = Fake([(200, {}, GOOD, 0)])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, headers, body, delay = state.answer()
            time.sleep(delay)
            try:
                self.send_response(status)
                for k, v in {"Content-Type": "application/sparql-results+json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (timeout)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def backend(url: str, **kwargs) -> tuple[RemoteBackend, list[float]]:
    slept: list[float] = []
    kwargs.setdefault("backoff", 0.01)
    return RemoteBackend(Endpoint(url, **kwargs), sleep=slept.append), slept


def run(b: RemoteBackend):
    return b.select(load_query("central-directives"), {})


def test_good_answer_is_read(fake) -> None:
    _, url = fake
    assert run(backend(url)[0]) == [{"n": "x"}]


def test_unreachable_is_retried_with_backoff_then_explained() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    b, slept = backend(url, retries=3, backoff=0.1)
    with pytest.raises(EndpointUnavailable, match=f"cannot reach {url}.*is the server running"):
        run(b)
    assert slept == [0.1, 0.2, 0.4]


def test_503_is_retried_and_the_read_succeeds(fake) -> None:
    state, url = fake
    state.script = [(503, {}, b"restarting", 0), (503, {}, b"restarting", 0), (200, {}, GOOD, 0)]
    b, slept = backend(url)
    assert run(b) == [{"n": "x"}]
    assert state.requests == 3 and len(slept) == 2


def test_server_error_shows_the_body_and_is_not_retried(fake) -> None:
    state, url = fake
    state.script = [(500, {}, b"Virtuoso 42000 Error SR186: boom", 0)]
    b, slept = backend(url)
    with pytest.raises(EndpointHTTPError, match=r"HTTP 500.*SR186: boom"):
        run(b)
    assert state.requests == 1 and slept == []


def test_bad_request_and_not_found_say_what_to_check(fake) -> None:
    state, url = fake
    state.script = [(400, {}, b"SP030: syntax error", 0)]
    with pytest.raises(EndpointHTTPError, match=r"malformed.*SP030"):
        run(backend(url)[0])
    state.script = [(404, {}, b"no", 0)]
    with pytest.raises(EndpointHTTPError, match=r"404.*endpoint path"):
        run(backend(url)[0])


@pytest.mark.parametrize("status", [401, 403])
def test_authentication_failure(fake, status: int) -> None:
    state, url = fake
    state.script = [(status, {}, b"denied", 0)]
    with pytest.raises(EndpointAuthFailed, match=f"HTTP {status}.*POLICYKG_ENDPOINT_PASSWORD"):
        run(backend(url)[0])
    assert state.requests == 1


@pytest.mark.parametrize(
    "body",
    [b"<html>Service moved</html>", b'{"head": {"vars": ["n"]}}', b'{"results": 3}', b"\xff\xfe"],
)
def test_malformed_results(fake, body: bytes) -> None:
    state, url = fake
    state.script = [(200, {}, body, 0)]
    with pytest.raises(MalformedResults, match="did not answer with SPARQL JSON results"):
        run(backend(url)[0])


def test_timeout_is_an_error_never_no_results_and_is_not_retried(fake) -> None:
    state, url = fake
    state.script = [(200, {}, GOOD, 3)]
    b, slept = backend(url, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(EndpointTimeout, match=r"within 0.5 s \(this is not an empty result\)"):
        run(b)
    assert time.monotonic() - started < 2.5
    assert state.requests == 1 and slept == []


def test_virtuoso_partial_results_at_its_time_limit_are_a_timeout(fake) -> None:
    state, url = fake
    headers = {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"}
    state.script = [(200, headers, GOOD, 0)]
    with pytest.raises(EndpointTimeout, match=r"partial results.*S1TAT"):
        run(backend(url)[0])


def test_writes_are_never_retried(fake) -> None:
    state, url = fake
    state.script = [(503, {}, b"busy", 0)]
    with pytest.raises(EndpointHTTPError, match="refused the write with HTTP 503"):
        _Writer(Endpoint(url)).update("CLEAR SILENT GRAPH <http://x/g>")
    assert state.requests == 1


def test_bad_urls_and_graphs_are_refused_before_any_request() -> None:
    with pytest.raises(BadEndpoint, match="not an endpoint URL"):
        Endpoint("localhost:7878/query")
    with pytest.raises(BadEndpoint, match="is not an IRI"):
        Endpoint("http://127.0.0.1:1/q", graph="not an iri>")
    with pytest.raises(BadEndpoint, match="basic or digest"):
        Endpoint("http://127.0.0.1:1/q", auth="kerberos")


def test_credentials_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("POLICYKG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("POLICYKG_ENDPOINT_PASSWORD", "s3cret")
    endpoint = Endpoint.from_env("http://127.0.0.1:1/q")
    assert (endpoint.user, endpoint.password, endpoint.auth) == ("reader", "s3cret", "basic")
    assert "s3cret" not in repr(endpoint)


def test_values_go_inside_the_where_group_past_comments_strings_and_iris() -> None:
    text = (
        '# WHERE { in a comment\nPREFIX x: <http://x/WHERE>\nSELECT ?a WHERE { ?a x:p "WHERE {" }'
    )
    bound = with_values(text, {Variable("a"): NamedNode("http://x/a")})
    assert bound.endswith('WHERE { VALUES (?a) { (<http://x/a>) }\n ?a x:p "WHERE {" }')
    projected = with_values(
        "SELECT (EXISTS { ?a ?p ?o } AS ?e) WHERE { ?a ?q ?r }", {Variable("a"): Literal("v")}
    )
    assert projected.endswith('WHERE { VALUES (?a) { ("v") }\n ?a ?q ?r }')
    literal = with_values("SELECT * { ?s ?p ?o }", {Variable("o"): Literal("a\nb", language="vi")})
    assert literal == 'SELECT * { VALUES (?o) { ("a\\nb"@vi) }\n ?s ?p ?o }'


def test_every_shipped_query_binds_its_parameters_in_its_where_group() -> None:
    from policykg.queries.runner import list_queries

    for spec in list_queries():
        bindings = {Variable(p.name): Literal("v") for p in spec.params}
        bound = with_values(spec.text, bindings)
        if bindings:
            head, _, _ = bound.partition("VALUES (")
            assert head.rstrip().endswith("{") and "WHERE" in head.upper(), spec.name


def test_cli_timeout_option_reaches_the_request(fake, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policykg.build import cli

    state, url = fake
    state.script = [(200, {}, GOOD, 3)]
    result = CliRunner().invoke(cli, ["agencies", "--endpoint", url, "--timeout", "0.5"])
    assert result.exit_code == 1
    assert "did not answer within 0.5 s" in result.output
