"""The build as a whole: determinism, provenance, bad input, and never losing a good build."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from policykg.graph import store as store_module
from policykg.graph.pipeline import NoCorpus, build
from policykg.graph.read import read_source
from policykg.graph.store import NoBuild, current_build, open_store
from policykg.queries import api

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
UNSEEN = Path(__file__).resolve().parent / "golden" / "unseen"

SPANS = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?file ?start ?end ?exact WHERE {
  ?span oa:hasSource/rdfs:label ?file ; oa:hasSelector ?p, ?q .
  ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
}
"""


def test_two_builds_of_the_same_corpus_are_byte_identical(tmp_path: Path) -> None:
    first = build([CORPUS], tmp_path / "a")
    second = build([CORPUS], tmp_path / "b")
    a = (first.build_dir / "graph.nq").read_bytes()
    b = (second.build_dir / "graph.nq").read_bytes()
    assert a == b and first.export_sha256 == second.export_sha256
    assert b"_:" not in a, "no blank nodes: the export must be canonical by sorting alone"


def test_every_span_quotes_its_file_exactly(corpus_build) -> None:
    store = open_store(corpus_build.out_dir)
    texts = {p.name: read_source(p).text for p in CORPUS.glob("*.txt")}
    rows = list(store.query(SPANS, use_default_graph_as_union=True))
    assert len(rows) > 150
    for row in rows:
        text = texts[row["file"].value]
        start, end = int(row["start"].value), int(row["end"].value)
        assert text[start:end] == row["exact"].value


def test_crlf_nfd_and_bom_read_like_the_plain_file(tmp_path: Path) -> None:
    plain, messy = tmp_path / "plain", tmp_path / "messy"
    plain.mkdir(), messy.mkdir()
    source = UNSEEN / "quangninh-2014-kh120.txt"
    shutil.copy(source, plain / source.name)
    text = unicodedata.normalize("NFD", source.read_text("utf-8")).replace("\n", "\r\n")
    (messy / source.name).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    docs = [
        {
            d["key"]: d
            for d in api.documents(open_store(build([d], tmp_path / f"{d.name}-out").out_dir))
        }
        for d in (plain, messy)
    ]
    strip = [
        {k: {f: v for f, v in d.items() if f not in ("iri",)} for k, d in side.items()}
        for side in docs
    ]
    assert strip[0].keys() == strip[1].keys()
    assert (
        strip[0]["quang-ninh:120/KH-UBND"]["implements"]
        == strip[1]["quang-ninh:120/KH-UBND"]["implements"]
    )
    store = open_store(tmp_path / "messy-out")
    original = read_source(messy / source.name).text
    for row in store.query(SPANS, use_default_graph_as_union=True):
        assert original[int(row["start"].value) : int(row["end"].value)] == row["exact"].value


def test_bad_files_are_refused_by_name_and_line_and_the_rest_is_built(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "haiphong-2018-kh435-ubnd.txt", corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "latin.txt").write_bytes("dòng 1\ndòng 2\n".encode() + b"d\xf2ng 3\n")
    (corpus / "plan.docx").write_bytes(b"PK\x03\x04")
    report = build([corpus], tmp_path / "out")
    refused = {r.file: r for r in report.refused}
    assert set(refused) == {"empty.txt", "binary.txt", "latin.txt", "plan.docx"}
    assert refused["latin.txt"].line == 3
    assert "empty" in refused["empty.txt"].reason
    assert "binary" in refused["binary.txt"].reason
    assert "unsupported format .docx" in refused["plan.docx"].reason
    assert report.files == ["haiphong-2018-kh435-ubnd.txt"]
    manifest = (report.build_dir / "manifest.json").read_text("utf-8")
    assert '"latin.txt"' in manifest


def test_a_failed_build_leaves_the_previous_one_current(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    good = build([CORPUS], out)
    before = current_build(out)

    def crash(path: Path) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store_module, "_fsync_tree", crash)
    with pytest.raises(OSError, match="simulated"):
        build([UNSEEN], out)
    assert current_build(out) == before
    keys = {d["key"] for d in api.documents(open_store(out))}
    assert "hai-phong:435/KH-UBND" in keys and "can-tho:53/KH-UBND" not in keys
    monkeypatch.undo()
    again = build([UNSEEN], out)
    assert current_build(out) == again.build_dir != good.build_dir
    leftovers = [p.name for p in (out / "builds").iterdir() if p.name.startswith(".incomplete")]
    assert leftovers == []


def test_no_build_and_no_corpus_are_explained(tmp_path: Path) -> None:
    with pytest.raises(NoBuild, match="run `policykg build` first"):
        open_store(tmp_path / "nothing")
    with pytest.raises(NoCorpus, match="corpus directory not found"):
        build([tmp_path / "missing"], tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoCorpus, match="no readable document"):
        build([tmp_path / "empty"], tmp_path / "out")


def test_hermit_finds_the_whole_built_corpus_consistent(corpus_build) -> None:
    from pyoxigraph import NamedNode, RdfFormat, parse
    from rdflib import Literal, URIRef

    from policykg.ontology.namespaces import PKG
    from policykg.ontology.reason import ensure_consistent

    merged = Graph()
    for q in parse(path=str(corpus_build.build_dir / "graph.nq"), format=RdfFormat.N_QUADS):
        o = q.object
        obj = URIRef(o.value) if isinstance(o, NamedNode) else Literal(o.value)
        merged.add((URIRef(q.subject.value), URIRef(q.predicate.value), obj))
    result = ensure_consistent(merged)
    assert result.consistent
    stored = {str(s) for s in merged.subjects(RDF.type, PKG.CentralDirective)}
    assert set(result.central_directives) == stored == set(corpus_build.central)


def test_a_file_repeated_under_another_name_is_read_once(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(CORPUS / "haiphong-2018-kh435-ubnd.txt", corpus / "a.txt")
    shutil.copy(CORPUS / "haiphong-2018-kh435-ubnd.txt", corpus / "b.txt")
    report = build([corpus], tmp_path / "out")
    assert report.files == ["a.txt"] and report.refused == []
    assert [str(d) for d in report.duplicates] == ["b.txt: same content as a.txt; read once"]
    tasks = api.tasks(open_store(report.out_dir))
    assert len(tasks) == len({t["key"] for t in tasks}) == 47  # its closing remark is no task


def test_two_texts_claiming_one_number_refuse_the_later_file(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = (CORPUS / "haiphong-2018-kh435-ubnd.txt").read_text("utf-8")
    (corpus / "a.txt").write_text(text, "utf-8")
    (corpus / "b.txt").write_text(text.replace("Nguyễn Văn Thành", "Người Khác"), "utf-8")
    report = build([corpus], tmp_path / "out")
    (refused,) = report.refused
    assert refused.file == "b.txt"
    assert refused.line == text[: text.index("435 /KH-UBND")].count("\n") + 1
    assert "states number 435/KH-UBND, as a.txt does" in refused.reason


def test_emitted_lines_are_what_pyoxigraph_would_write() -> None:
    """The emitter writes N-Quads lines itself (no term objects: a million tasks); every
    character a literal can hold is escaped as pyoxigraph escapes it, and a bad IRI fails."""
    from pyoxigraph import Literal, NamedNode, Quad

    from policykg.graph.emit import Emitter
    from policykg.graph.runs import quad_lines
    from policykg.ontology.namespaces import DATA_GRAPH

    text = "".join(chr(i) for i in range(0x2100) if not 0xD800 <= i < 0xE000) + "\U0001f600"
    em = Emitter({})
    em.lit("http://x/s", "http://x/p", text, "vi")
    em.lit("http://x/s", "http://x/q", text)
    em.lit("http://x/s", "http://x/n", 42)
    mine = sorted(em.take_lines())
    s, g = NamedNode("http://x/s"), NamedNode(str(DATA_GRAPH))
    theirs = sorted(
        quad_lines(
            [
                Quad(s, NamedNode("http://x/p"), Literal(text, language="vi"), g),
                Quad(s, NamedNode("http://x/q"), Literal(text), g),
                Quad(s, NamedNode("http://x/n"), Literal(42), g),
            ]
        )
    )
    assert mine == theirs
    with pytest.raises(ValueError, match="not an absolute IRI"):
        em.iri("http://x/s", "http://x/p", "http://x/a b")


def test_templated_span_and_role_lines_are_those_of_the_general_path() -> None:
    """A span's nine lines and a task's role for an agency are written from templates (for
    speed); they are exactly the lines the general path (``iri``, ``lit``, with the
    super-properties) writes, escapes and IRI-encoding included."""
    from types import SimpleNamespace

    from policykg.graph.emit import OA, PKG, PROV, RDF, Emitter, quote_iri, source_iri
    from policykg.graph.resolve import Evidence

    text = 'Sở "Tài chính"\\ chủ trì\nphối hợp\u2028'
    view = SimpleNamespace(original="xx" + text, to_original=lambda a, b: (a + 2, b + 2))
    fast = Emitter({"dir/a b.txt": SimpleNamespace(view=view)})
    span = fast.span(Evidence("dir/a b.txt", 0, len(text)))
    task, agency = "http://x/plan/task/I.1", "http://x/agency/ha-noi/so-tai-chinh"
    fast._association(task, "lead", PKG.lead, PKG.LeadRole, agency, span)

    slow = Emitter({})
    assert span == source_iri("dir/a b.txt") + f"/span/2-{len(text) + 2}"
    slow.iri(span, RDF.type, OA.SpecificResource)
    slow.iri(span, OA.hasSource, source_iri("dir/a b.txt"))
    slow.iri(span, OA.hasSelector, span + "/position")
    slow.iri(span, OA.hasSelector, quote_iri(text))
    slow.iri(span + "/position", RDF.type, OA.TextPositionSelector)
    slow.lit(span + "/position", OA.start, 2)
    slow.lit(span + "/position", OA.end, len(text) + 2)
    slow.iri(quote_iri(text), RDF.type, OA.TextQuoteSelector)
    slow.lit(quote_iri(text), OA.exact, text)
    assoc = task + "/lead/so-tai-chinh"
    slow.iri(task, PKG.lead, agency)
    slow.iri(task, PROV.qualifiedAssociation, assoc)
    slow.iri(assoc, RDF.type, PROV.Association)
    slow.iri(assoc, PROV.agent, agency)
    slow.iri(assoc, PROV.hadRole, PKG.LeadRole)
    slow.iri(assoc, PKG.source, span)
    expected = sorted(slow.take_lines())
    assert len(expected) == 9 + 3 + 6  # lead's two super-properties, source's one
    assert sorted(fast.take_lines()) == expected


def test_spans_that_quote_the_same_words_share_one_quote_selector() -> None:
    """Two spans of the same words (in one file or two) point at one text-quote selector,
    written once; a span of other words has its own. Each span keeps its own position."""
    from types import SimpleNamespace

    from policykg.graph.emit import OA, Emitter, quote_iri
    from policykg.graph.resolve import Evidence

    original = "Giao Sở Tài chính; Sở Y tế; Sở Tài chính."
    view = SimpleNamespace(original=original, to_original=lambda a, b: (a, b))
    em = Emitter({"a.txt": SimpleNamespace(view=view), "b.txt": SimpleNamespace(view=view)})
    first = em.span(Evidence("a.txt", 5, 17))
    second = em.span(Evidence("a.txt", 28, 40))
    third = em.span(Evidence("b.txt", 5, 17))
    other = em.span(Evidence("a.txt", 19, 26))
    lines = em.take_lines()
    quote, other_quote = f"<{quote_iri('Sở Tài chính')}>", f"<{quote_iri('Sở Y tế')}>"
    for span in (first, second, third):
        assert f"<{span}> <{OA.hasSelector}> {quote}" in "\n".join(lines)
    assert f"<{other}> <{OA.hasSelector}> {other_quote}" in "\n".join(lines)
    exact = [line for line in lines if f"<{OA.exact}>" in line]
    assert sorted(e.split(" ", 1)[0] for e in exact) == sorted([quote, other_quote])
    assert len({first, second, third, other}) == 4
    assert len(lines) == 4 * 7 + 2 * 2


def test_sort_merges_runs_as_python_does(tmp_path: Path) -> None:
    """The export's merge by GNU sort (C locale) gives the bytes of the Python merge,
    diacritics, astral characters and duplicates across runs included."""
    import random

    from policykg.graph import runs as r

    rng = random.Random(3)
    words = ["Sở", "Ủy ban", "ă", "z", "\U0001f600", "A", "a", "đ", "Đ", "~", "é"]
    lines = [
        f'<http://x/{rng.randrange(50)}> <http://x/p> "{" ".join(rng.choices(words, k=3))}" .'
        for _ in range(3000)
    ]
    made = []
    for i in range(5):
        part = lines[i * 700 : i * 700 + 900]  # overlapping: lines shared by two runs
        made.append(r.write_run(part, tmp_path / f"a{i}.nq"))
        r.write_run(part, tmp_path / f"b{i}.nq")
    by_sort = r.merge_runs(made, tmp_path / "sort.nq")
    digest, count = r._merge_in_python(
        [tmp_path / f"b{i}.nq" for i in range(5)], tmp_path / "py.nq"
    )
    assert (tmp_path / "sort.nq").read_bytes() == (tmp_path / "py.nq").read_bytes()
    assert (
        (by_sort.sha256, by_sort.quads)
        == (digest.hexdigest(), count)
        == (
            by_sort.sha256,
            len(set(lines)),
        )
    )


def test_a_file_read_while_the_collector_is_paused_leaves_no_garbage_cycle() -> None:
    """The build pauses the cycle collector; a file's structure trees (which hold reference
    cycles) are still freed as soon as it is read, so a one-process build does not keep
    every file's trees until it ends."""
    import gc

    from policykg.graph.pipeline import _read_one

    path = sorted(CORPUS.glob("*.txt"))[0]
    gc.collect()
    gc.disable()
    try:
        analysis = _read_one((path.name, path, None))
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert analysis.tasks and analysis.trees == []


def test_spilled_tasks_come_back_as_analysed_and_the_build_keeps_none_in_memory(
    tmp_path: Path,
) -> None:
    """The build keeps each file's tasks and targets on disk between analysis and emission:
    what comes back is what analysis made, and what stays in memory is only each part's
    anomalies and the number of tasks (what resolution and batching read)."""
    from policykg.graph.pipeline import corpus_files, read_corpus

    files = corpus_files([CORPUS])
    kept, _, _ = read_corpus(files)
    spill = tmp_path / "tasks"
    spill.mkdir()
    spilled, _, _ = read_corpus(files, spill=spill)
    assert [a.name for a in spilled] == [a.name for a in kept]
    assert (
        sum(a.task_count() for a in spilled)
        == sum(len(found.tasks) for a in kept for found in a.tasks)
        > 100
    )
    for before, after in zip(kept, spilled, strict=True):
        assert after.spilled is not None and Path(after.spilled[0]).parent == spill
        assert all(found.tasks == [] and found.statements == [] for found in after.tasks)
        assert all(targets == [] for targets in after.targets)
        assert [f.anomalies for f in after.tasks] == [f.anomalies for f in before.tasks]
        assert after.tasks_and_targets() == (before.tasks, before.targets)


def test_the_data_graph_is_read_as_the_default_graph_whatever_the_blocks(tmp_path: Path) -> None:
    """The store's loader drops the data graph's name from every line of it, and only from
    those, however the export is cut into blocks (a line split across two included)."""
    import io
    import random

    from policykg.graph.store import DataGraphAsDefault
    from policykg.ontology.namespaces import DATA_GRAPH

    rng = random.Random(5)
    g, other = f"<{DATA_GRAPH}>", "<http://x/other>"
    lines = [
        f'<http://x/{i}> <http://x/p> "{rng.choice(["Sở", g, g + " .", "x"])}" '
        f"{rng.choice([g, g, other])} ."
        for i in range(300)
    ]
    text = "".join(line + "\n" for line in lines).encode()
    expected = "".join(
        (line[: -len(g) - 3] + " ." if line.endswith(f" {g} .") else line) + "\n" for line in lines
    ).encode()
    assert expected != text
    for block in (1, 2, 7, 64, 1 << 16):
        assert DataGraphAsDefault(io.BytesIO(text), block).read() == expected


def test_the_store_loads_several_files_as_one_stream(tmp_path: Path) -> None:
    """Runs are read one after the other into one bulk load: a file that does not end its
    last line, and an empty one, lose nothing and join no lines."""
    from policykg.graph.store import StagedBuild, open_store
    from policykg.ontology.namespaces import DATA_GRAPH

    g = f"<{DATA_GRAPH}>"
    texts = [
        f'<http://x/a> <http://x/p> "một" {g} .\n<http://x/b> <http://x/p> "hai" {g} .',
        "",
        '<http://x/c> <http://x/p> "ba" <http://x/other> .\n',
        f'<http://x/a> <http://x/p> "một" {g} .\n',  # a quad two runs share: no error
    ]
    files = []
    for i, text in enumerate(texts):
        files.append(tmp_path / f"run-{i}.nq")
        files[-1].write_text(text, "utf-8")
    with StagedBuild(tmp_path / "out") as staged:
        staged.load(files)
        staged.complete({"counts": {}})
    store = open_store(tmp_path / "out")
    rows = store.query("SELECT ?s ?o WHERE { ?s <http://x/p> ?o }", use_default_graph_as_union=True)
    assert sorted((r["s"].value, r["o"].value) for r in rows) == [
        ("http://x/a", "một"),
        ("http://x/b", "hai"),
        ("http://x/c", "ba"),
    ]
