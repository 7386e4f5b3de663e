"""Shared fixtures: one real build of the bundled corpus per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.pipeline import BuildReport, build
from policykg.graph.store import open_store
from policykg.queries import api

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
UNSEEN = Path(__file__).parent / "golden" / "unseen"


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The bundled corpus, built once into a temporary output directory."""
    return build([CORPUS], tmp_path_factory.mktemp("corpus-out"))


@pytest.fixture(scope="session")
def corpus_store(corpus_build: BuildReport):
    """The corpus build's embedded store, opened read-only."""
    return open_store(corpus_build.out_dir)


@pytest.fixture(scope="session")
def corpus_docs(corpus_store) -> dict[str, dict]:
    """Every document of the corpus build, by key (JSON contract shape)."""
    return {d["key"]: d for d in api.documents(corpus_store)}


@pytest.fixture(scope="session")
def mixed_build(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The corpus plus documents the extraction rules were not written against."""
    return build([CORPUS, UNSEEN], tmp_path_factory.mktemp("mixed-out"))


@pytest.fixture(scope="session")
def mixed_docs(mixed_build: BuildReport) -> dict[str, dict]:
    """Every document of the mixed build, by key."""
    return {d["key"]: d for d in api.documents(open_store(mixed_build.out_dir))}


@pytest.fixture(scope="session")
def mixed_tasks(mixed_build: BuildReport) -> dict[str, dict]:
    """Every task of the mixed build, by key ("<plan key>#<path>")."""
    return {t["key"]: t for t in api.tasks(open_store(mixed_build.out_dir))}


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """The Oxigraph server (read-write) on a free loopback port, for the whole session."""
    from sparql_servers import OxigraphServer, free_port

    server = OxigraphServer("oxigraph", tmp_path_factory.mktemp("oxigraph") / "db", free_port())
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):
    """Virtuoso with a fresh database on free loopback ports, for the whole session."""
    from sparql_servers import VirtuosoServer, free_port

    server = VirtuosoServer("virtuoso", tmp_path_factory.mktemp("virtuoso"), free_port())
    yield server.start()
    server.stop()
