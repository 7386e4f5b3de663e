"""Publishing to real servers, the command line against them, and `policykg serve`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, Variable
from sparql_servers import OxigraphServer, VirtuosoServer, free_port

from policykg.build import cli
from policykg.graph.pipeline import BuildReport, build
from policykg.queries import api
from policykg.queries.publish import (
    TMP_MARK,
    VERSION_MARK,
    SwapNotVisible,
    SwapUnsupported,
    build_triples,
    publish,
)
from policykg.queries.remote import (
    BadEndpoint,
    Endpoint,
    EndpointAuthFailed,
    EndpointUnavailable,
    RemoteBackend,
    with_values,
)

ROOT = Path(__file__).resolve().parent.parent
SERVERS = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """A different build: one file of the corpus only."""
    corpus = tmp_path_factory.mktemp("one-file")
    shutil.copy(ROOT / "corpus" / "haiphong-2018-kh435-ubnd.txt", corpus)
    return build([corpus], tmp_path_factory.mktemp("one-file-out"))


def graphs_with_prefix(server, prefix: str) -> list[str]:
    """The named graphs of the server whose IRI starts with ``prefix`` (ad hoc, for the test)."""
    backend = RemoteBackend(server.endpoint(), whole_store=True)
    rows = backend.select_text("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return [r["g"] for r in rows if r["g"].startswith(prefix)]


@pytest.mark.parametrize("kind", SERVERS)
def test_killing_the_server_mid_publish_leaves_the_published_graph_intact(
    kind: str, tmp_path: Path, corpus_build: BuildReport, small_build: BuildReport, corpus_store
) -> None:
    server = SERVERS[kind](kind, tmp_path / "db", free_port()).start()
    graph = "https://example.org/policykg/kill-test"
    try:
        endpoint = server.endpoint(graph)
        publish(corpus_build.out_dir, endpoint)
        expected = len(build_triples(corpus_build.out_dir))
        uploads = []

        def kill_after_first_chunk(done: int, total: int) -> None:
            uploads.append((done, total))
            if len(uploads) == 1:
                assert RemoteBackend(endpoint).count() == expected  # readers see the old graph
                server.kill()

        with pytest.raises(EndpointUnavailable, match="cannot reach"):
            publish(small_build.out_dir, endpoint, chunk_size=500, progress=kill_after_first_chunk)
        assert len(uploads) == 1 and uploads[0][0] < uploads[0][1] - 1000, "killed mid-upload"
        server.start()
        remote = RemoteBackend(endpoint)
        assert remote.count() == expected
        assert api.documents(remote) == api.documents(corpus_store)
        assert api.tasks(remote) == api.tasks(corpus_store)
        orphans = graphs_with_prefix(server, graph + TMP_MARK)
        assert len(orphans) == 1, "the killed publish's temporary graph is left, apart"
        report = publish(small_build.out_dir, endpoint)
        assert report.removed_orphans == 1
        assert graphs_with_prefix(server, graph + TMP_MARK) == []
        assert remote.count() == len(build_triples(small_build.out_dir)) < expected
    finally:
        server.stop()


def publish_while_reading(server, corpus_build, small_build) -> tuple[int, int, list, float]:
    """Publish the small build, then the corpus while a reader counts the graph in a loop.

    Returns the old and new counts, the reads as (time it ended, count), and the time the
    upload ended (the swap comes after it).
    """
    endpoint = server.endpoint("https://example.org/policykg/swap")
    old = publish(small_build.out_dir, endpoint).triples
    new = len(build_triples(corpus_build.out_dir))
    seen: list[tuple[float, int]] = []
    uploaded = [float("inf")]
    done = threading.Event()

    def read() -> None:
        reader = RemoteBackend(endpoint)
        while not done.is_set():
            count = reader.count()
            seen.append((time.monotonic(), count))

    def progress(sent: int, total: int) -> None:
        if sent == total:
            uploaded[0] = time.monotonic()

    thread = threading.Thread(target=read)
    thread.start()
    try:
        publish(corpus_build.out_dir, endpoint, chunk_size=2000, progress=progress)
        time.sleep(0.3)
    finally:
        done.set()
        thread.join(30)
    return old, new, seen, uploaded[0]


@pytest.mark.parametrize("kind", SERVERS)
def test_readers_never_see_the_upload(kind: str, request, corpus_build, small_build) -> None:
    server = request.getfixturevalue(f"{kind}_server")
    old, new, seen, uploaded = publish_while_reading(server, corpus_build, small_build)
    during_upload = [count for ended, count in seen if ended < uploaded]
    assert len(during_upload) > 3 and set(during_upload) == {old}
    assert seen[-1][1] == new


@pytest.mark.parametrize("kind", SERVERS)
def test_readers_see_the_old_graph_or_the_new_one_never_a_mix(
    kind: str, request, corpus_build, small_build
) -> None:
    server = request.getfixturevalue(f"{kind}_server")
    old, new, seen, _ = publish_while_reading(server, corpus_build, small_build)
    counts = [count for _, count in seen]
    assert set(counts) <= {old, new}, sorted(set(counts))
    assert counts[0] == old and counts[-1] == new


def test_virtuoso_turns_a_plain_graph_into_a_group_under_its_readers(
    virtuoso_server, corpus_build, small_build
) -> None:
    """A graph published by MOVE, read (so Virtuoso has compiled the reader's query against
    the plain graph), then published by the group swap: the reader sees the old count, then
    the new one, never a mix; one previous version is kept, older ones are dropped."""
    graph = "https://example.org/policykg/convert"
    endpoint = virtuoso_server.endpoint(graph)
    old = publish(small_build.out_dir, endpoint, swap="move")
    assert old.swap == "move"
    reader = RemoteBackend(endpoint)
    assert reader.count() == old.triples
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(reader.count())

    thread = threading.Thread(target=read)
    thread.start()
    try:
        new = publish(corpus_build.out_dir, endpoint)
        time.sleep(0.3)
    finally:
        done.set()
        thread.join(30)
    assert new.swap == "virtuoso-group"
    assert set(seen) <= {old.triples, new.triples} and seen[-1] == new.triples, sorted(set(seen))
    assert reader.count() == new.triples  # the same query text, compiled before: recompiled
    assert len(graphs_with_prefix(virtuoso_server, graph + VERSION_MARK)) == 1
    again = publish(small_build.out_dir, endpoint)
    assert again.removed_versions == 0 and reader.count() == old.triples
    assert len(graphs_with_prefix(virtuoso_server, graph + VERSION_MARK)) == 2
    assert graphs_with_prefix(virtuoso_server, graph + TMP_MARK) == []
    assert graph not in graphs_with_prefix(virtuoso_server, graph), "the plain graph is dropped"
    third = publish(corpus_build.out_dir, endpoint)
    assert third.removed_versions == 1 and reader.count() == new.triples
    assert len(graphs_with_prefix(virtuoso_server, graph + VERSION_MARK)) == 2
    with pytest.raises(SwapNotVisible, match="--swap virtuoso-group"):
        publish(small_build.out_dir, endpoint, swap="move")  # into the plain graph, unread
    assert reader.count() == new.triples


def test_the_group_swap_needs_virtuoso_sql_rights(virtuoso_server, small_build) -> None:
    graph = "https://example.org/policykg/no-rights"
    url = f"http://127.0.0.1:{virtuoso_server.port}/sparql"
    anonymous = Endpoint(url, graph=graph)  # updates through /sparql as Virtuoso's SPARQL user
    with pytest.raises(SwapUnsupported, match=r"SQL rights \(dba\).*--swap move"):
        publish(small_build.out_dir, anonymous, swap="virtuoso-group")
    assert graphs_with_prefix(virtuoso_server, graph) == [], "refused before any upload"


def test_an_unknown_swap_is_refused_before_any_request(small_build) -> None:
    endpoint = Endpoint(f"http://127.0.0.1:{free_port()}/q", graph="https://example.org/g")
    with pytest.raises(BadEndpoint, match="expected one of auto, move, virtuoso-group"):
        publish(small_build.out_dir, endpoint, swap="rename")


def test_publish_by_insert_data_when_there_is_no_gsp_url(oxigraph_server, small_build) -> None:
    endpoint = oxigraph_server.endpoint("https://example.org/policykg/insert-data", gsp_url=None)
    report = publish(small_build.out_dir, endpoint, chunk_size=700)
    assert report.chunks > 3 and report.swap == "move"
    assert RemoteBackend(endpoint).count() == report.triples


def test_a_wrong_password_is_an_authentication_error(virtuoso_server, small_build) -> None:
    endpoint = virtuoso_server.endpoint("https://example.org/policykg/auth", password="wrong")
    with pytest.raises(EndpointAuthFailed, match=r"401.*POLICYKG_ENDPOINT_USER"):
        publish(small_build.out_dir, endpoint)


def test_a_parameter_cannot_inject_a_clause(oxigraph_server, corpus_build, tmp_path) -> None:
    from policykg.queries.runner import load_query, run_query

    endpoint = oxigraph_server.endpoint("https://example.org/policykg/injection")
    publish(corpus_build.out_dir, endpoint)
    rq = tmp_path / "by-key.rq"
    rq.write_text(
        "# name: by-key\n# param: wanted string -- a key\n"
        "PREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
        "SELECT ?doc WHERE { ?doc pkg:key ?wanted }\n",
        "utf-8",
    )
    spec = load_query(str(rq))
    remote = RemoteBackend(endpoint)
    assert len(run_query(remote, spec, {"wanted": "70-KL/TW"})) == 1
    attack = '70-KL/TW" } UNION { ?doc ?p ?o } #'
    assert run_query(remote, spec, {"wanted": attack}) == []
    bound = with_values(spec.text, {Variable("wanted"): Literal(attack)})
    assert 'VALUES (?wanted) { ("70-KL/TW\\" } UNION { ?doc ?p ?o } #") }' in bound


def test_cli_publish_then_read_commands_with_endpoint(virtuoso_server, corpus_build) -> None:
    base = f"http://127.0.0.1:{virtuoso_server.port}"
    graph = "https://example.org/policykg/cli"
    env = {
        "POLICYKG_ENDPOINT_USER": "dba",
        "POLICYKG_ENDPOINT_PASSWORD": "dba",
        "POLICYKG_ENDPOINT_AUTH": "digest",
    }
    out = str(corpus_build.out_dir)
    published = CliRunner(env=env).invoke(
        cli,
        [
            "--out",
            out,
            "publish",
            "--endpoint",
            f"{base}/sparql",
            "--graph",
            graph,
            "--update-endpoint",
            f"{base}/sparql-auth",
            "--gsp-endpoint",
            f"{base}/sparql-graph-crud-auth",
        ],
    )
    assert published.exit_code == 0, published.output
    assert f"to <{graph}> at {base}/sparql" in published.output
    remote = ["--endpoint", f"{base}/sparql", "--graph", graph]
    for args in (
        ["documents", "--format", "json"],
        ["tasks", "--document", "435/KH-UBND", "--format", "csv"],
        ["agencies"],
        ["lineage", "--document", "3064/QĐ-UBND"],
        ["audit", "--as-of", "2026-01-01", "--format", "json"],
        ["query", "tasks-under-directive", "--param", "directive=56-KL/TW"],
    ):
        local = CliRunner().invoke(cli, ["--out", out, *args])
        there = CliRunner().invoke(cli, ["--out", "/nonexistent", *args, *remote])
        assert local.exit_code == there.exit_code == 0, there.output
        assert there.output == local.output
        assert len(there.output) > 200


def test_cli_unreachable_endpoint_is_a_clear_user_error(tmp_path) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = CliRunner().invoke(cli, ["documents", "--endpoint", url, "--timeout", "2"])
    assert result.exit_code == 1
    assert f"cannot reach {url}" in result.output
    assert "Traceback" not in result.output


def test_serve_answers_queries_and_stops_on_ctrl_c(corpus_build) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "policykg.build",
            "--out",
            str(corpus_build.out_dir),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = proc.stdout.readline()
        assert f"at http://127.0.0.1:{port}/ " in first, first + proc.stderr.read()
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/query?{query}", headers={"Accept": "text/csv"}
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            count = int(r.read().decode().split()[1])
        assert count == len(build_triples(corpus_build.out_dir))
        with pytest.raises(urllib.error.HTTPError):  # read-only
            urllib.request.urlopen(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/update", data=b"update=CLEAR ALL", method="POST"
                ),
                timeout=10,
            )
        url = f"http://127.0.0.1:{port}/query"
        for args in (["tasks", "--format", "json"], ["lineage", "--document", "435/KH-UBND"]):
            local = CliRunner().invoke(cli, ["--out", str(corpus_build.out_dir), *args])
            there = CliRunner().invoke(cli, [*args, "--endpoint", url, "--graph", ""])
            assert there.exit_code == 0, there.output
            assert there.output == local.output
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        assert "Stopped." in proc.stdout.read()
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
    finally:
        if proc.poll() is None:
            proc.kill()
