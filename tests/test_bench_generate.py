"""The synthetic corpus of bench/ is read as the generator wrote it: every task it wrote is
extracted (exactly), and the plans whose chain it broke are the ones the audit reports as
having no path to a central directive."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse

from policykg.bench.generate import generate_corpus, write_corpus
from policykg.graph import workers
from policykg.graph.pipeline import build
from policykg.graph.store import open_store
from policykg.ontology.load import ONTOLOGY_PATH
from policykg.ontology.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from policykg.queries import api, audit


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("generated")
    expected = write_corpus(generate_corpus(400, seed=11, broken=0.3), out)
    build([out / "corpus"], out / "out")
    return expected, open_store(out / "out")


def test_every_written_task_is_extracted(generated) -> None:
    expected, store = generated
    got = Counter(t["document"]["file"] for t in api.tasks(store))
    assert dict(got) == expected["per_file"]


def test_broken_chains_are_audit_findings(generated) -> None:
    expected, store = generated
    assert expected["broken"], "the seed must give at least one broken chain"
    findings = audit.audit(store, as_of=date(2026, 1, 1), kinds=["no-path-to-central"])
    files = {f["document"]["key"]: f["document"]["file"] for f in api.tasks(store)}
    assert {files[f.plan] for f in findings} == set(expected["broken"])


def test_same_seed_same_corpus(tmp_path) -> None:
    a = write_corpus(generate_corpus(200, seed=5), tmp_path / "a")
    b = write_corpus(generate_corpus(200, seed=5), tmp_path / "b")
    assert a == b
    assert json.loads((tmp_path / "a" / "expected.json").read_text("utf-8")) == a
    for name in a["per_file"]:
        assert (tmp_path / "a/corpus" / name).read_bytes() == (
            tmp_path / "b/corpus" / name
        ).read_bytes()


def test_two_processes_give_the_export_of_one(tmp_path, monkeypatch) -> None:
    write_corpus(generate_corpus(2500, seed=13), tmp_path)  # several batches of plans
    one = build([tmp_path / "corpus"], tmp_path / "one", workers=1)
    monkeypatch.setattr(workers, "FLUSH_QUADS", 20_000)  # and several runs per batch
    two = build([tmp_path / "corpus"], tmp_path / "two", workers=2)
    assert one.export_sha256 == two.export_sha256
    assert (one.build_dir / "graph.nq").read_bytes() == (two.build_dir / "graph.nq").read_bytes()
    # the store, loaded from those runs read as one stream (and compacted while they were
    # merged), holds the export's quads exactly (the data graph as its default graph), and
    # the ontology
    stored = _store_quads(two.build_dir)
    ontology = {q for q in stored if q.graph_name == NamedNode(str(ONTOLOGY_GRAPH))}
    assert stored - ontology == _export_quads(two.build_dir)
    assert len(ontology) == len(list(parse(path=str(ONTOLOGY_PATH), format=RdfFormat.TURTLE)))


def _store_quads(build_dir) -> set:
    return set(Store.read_only(str(build_dir / "store")))


def _export_quads(build_dir) -> set:
    data = NamedNode(str(DATA_GRAPH))
    return {
        Quad(q.subject, q.predicate, q.object, DefaultGraph()) if q.graph_name == data else q
        for q in parse(path=str(build_dir / "graph.nq"), format=RdfFormat.N_QUADS)
    }
