"""The plans' task tables (``pkg:taskTable``) and the documents' citation tables
(``pkg:citationTable``): the formats, their agreement with the tasks' and citations' own
triples, and an audit that reads them giving what an audit of the triples gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from policykg.ontology.task_table import (
    QUOTE_CHARS,
    BadCitationTable,
    BadTaskTable,
    CitationRow,
    TaskRow,
    decode_citation_table,
    decode_table,
    encode_citation_tables,
    encode_table,
    encode_tables,
)
from policykg.queries import api
from policykg.queries.audit import audit
from policykg.queries.audit_reads import Documents, _citations_of, tasks_from_tables
from policykg.queries.runner import load_query, run_query

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NASTY = "tab\there, line\nbreak, cr\rreturn, per%cent %09 %0A, Đổi mới; “ngoặc”\u2028end"


def test_free_text_and_paths_survive_the_format() -> None:
    rows = [
        TaskRow("II.3", 5, 99, ("a:1", "a:2"), ("a:2",), True, True, None, NASTY, ("d:1",), NASTY),
        TaskRow("1%/ 2", None, None, (), (), False, False, None, None, (), ""),
        TaskRow("1.1", 0, 1, ("a:3",), (), False, True, "2030-12-31", "", ("d:1", "d:2"), "x"),
    ]
    file, back = decode_table(encode_table("dir/tệp\tlạ.txt", rows))
    assert file == "dir/tệp\tlạ.txt"
    assert back == sorted(rows, key=lambda r: r.path)
    assert encode_table("f", rows).count("\n") == len(rows)  # one line per task, no more


def test_the_quote_is_the_start_of_the_text() -> None:
    row = TaskRow("1", 0, 500, (), (), False, False, None, None, (), "ạ" * 500)
    assert decode_table(encode_table("f", [row]))[1][0].quote == "ạ" * QUOTE_CHARS


@pytest.mark.parametrize(
    "decode, error, text, found",
    [
        (
            decode_table,
            BadTaskTable,
            "policykg-task-table/9\tf\t\t\n1\t\t",
            "'policykg-task-table/9",
        ),
        (
            decode_table,
            BadTaskTable,
            "policykg-task-table/1\tf\t\t\n1\t2\t3",
            "has 3 fields; expected 11",
        ),
        (
            decode_citation_table,
            BadCitationTable,
            "policykg-task-table/1\tf\t\t",
            "'policykg-task-table/1",
        ),
        (
            decode_citation_table,
            BadCitationTable,
            "policykg-citation-table/1\tx\tf\n0\t0\t1",
            "has 3 fields",
        ),
        (
            decode_citation_table,
            BadCitationTable,
            "policykg-citation-table/1\tx\tf\n3\t0\t1\t2\ts",
            "refers to no file",
        ),
        (
            decode_citation_table,
            BadCitationTable,
            "policykg-citation-table/1\tx\tf\n0\t0\tone\t2\ts",
            "not two numbers",
        ),
    ],
)
def test_a_table_in_another_format_is_refused_clearly(decode, error, text: str, found: str) -> None:
    with pytest.raises(error, match="rebuild the graph") as err:
        decode(text)
    assert found in str(err.value)


def test_the_tables_agree_with_the_tasks_triples(corpus_store) -> None:
    """Every task of the corpus, read from its plan's table, is the task its triples give."""
    tables = run_query(corpus_store, load_query("task-tables"))
    from_tables = {}
    for r in tables:
        file, rows = decode_table(r["table"])
        for row in rows:
            from_tables[(r["plan"], row.path)] = (file, row)
    tasks = api.tasks(corpus_store)
    assert len(from_tables) == len(tasks) > 100
    for t in tasks:
        file, row = from_tables[(t["document"]["iri"], t["path"])]
        d = t["deadline"]
        assert (file, row.start, row.end) == tuple(t["source"].values()), t["key"]
        assert set(row.lead) == {a["iri"] for a in t["lead"]}, t["key"]
        assert set(row.coordinating) == {a["iri"] for a in t["coordinating"]}, t["key"]
        assert row.requested == bool(t["requested"]), t["key"]
        assert (row.has_deadline, row.deadline_text, row.deadline_end) == (
            (False, None, None) if d is None else (True, d["text"], d["end"])
        ), t["key"]
        assert set(row.cites) == {c["iri"] for c in t["cites"]}, t["key"]
        assert row.quote == t["text"][:QUOTE_CHARS], t["key"]


def test_citation_rows_survive_the_format() -> None:
    rows = [
        CitationRow("dir/tệp lạ\t.txt", 5, 30, "https://x/doc/1", NASTY),
        CitationRow("a.txt", 0, 9, "https://x/doc/2", "Luật Đất đai"),
        CitationRow("a.txt", 0, 9, "https://x/doc/2", "Luật Đất đai"),  # read twice: kept once
        CitationRow("a.txt", 0, 9, "https://x/doc/1", ""),
    ]
    (text,) = encode_citation_tables(rows)
    assert text.count("\n") == 3  # one line per distinct citation, no more
    assert sorted(decode_citation_table(text), key=repr) == sorted(set(rows), key=repr)
    many = [CitationRow("f.txt", i, i + 5, "https://x/d", NASTY) for i in range(500)]
    parts = encode_citation_tables(many, limit=5_000)
    assert len(parts) > 5 and all(len(p) < 5_000 for p in parts)
    assert [r for p in parts for r in decode_citation_table(p)] == many


def test_the_citation_tables_agree_with_the_citations_triples(corpus_store) -> None:
    """Every document's citations, read from its citation tables, are those its citations'
    triples give (spans by the identity rule)."""
    docs = [d["iri"] for d in api.documents(corpus_store)]
    seen = 0
    for doc in docs:
        from_triples = sorted(_citations_of(corpus_store, doc, tables=False), key=repr)
        assert sorted(_citations_of(corpus_store, doc, tables=True), key=repr) == from_triples
        seen += len(from_triples)
    assert seen > 50


@pytest.mark.parametrize("as_of", [date(2026, 1, 1), date(2019, 6, 30)])
@pytest.mark.parametrize("tables", ["#taskTable>", "#citationTable>", "Table>"])
def test_the_audit_of_a_graph_without_tables_is_the_same(corpus_build, corpus_store, as_of, tables):
    """A graph published by an older version has no ``pkg:taskTable`` or no
    ``pkg:citationTable``: the audit then reads every task's or citation's triples and finds
    exactly the same, in the same order."""
    lines = (corpus_build.build_dir / "graph.nq").read_text("utf-8").split("\n")
    old = [line for line in lines if tables not in line]
    assert len(old) < len(lines)  # the tables were there, and are gone
    store = Store()
    store.load("\n".join(old).encode("utf-8"), format=RdfFormat.N_QUADS)
    with_tables = [f.as_dict() for f in audit(corpus_store, as_of=as_of)]
    assert with_tables == [f.as_dict() for f in audit(store, as_of=as_of)]
    assert len({f["kind"] for f in with_tables}) >= 5


def test_a_big_file_splits_its_table_and_nothing_is_lost() -> None:
    rows = [
        TaskRow(f"{i}", i, i + 9, ("a:1",), (), False, True, "2030-01-01", "Quý I", (), NASTY)
        for i in range(1000)
    ]
    parts = encode_tables("big.txt", rows, limit=20_000)
    assert len(parts) > 5 and all(len(p) < 20_000 for p in parts)
    back = [row for p in parts for row in decode_table(p)[1]]
    assert back == sorted(rows, key=lambda r: r.path)


def test_the_audit_of_plans_with_split_tables_is_the_same(
    corpus_build, corpus_store, tmp_path, monkeypatch
) -> None:
    """With task and citation tables split in parts of a few lines each, the audit finds
    the same."""
    from policykg.graph.pipeline import build
    from policykg.graph.store import open_store
    from policykg.ontology import task_table

    monkeypatch.setattr(task_table, "MAX_TABLE_CHARS", 3_000)
    report = build([CORPUS], tmp_path / "out")
    store = open_store(tmp_path / "out")
    parts = run_query(store, load_query("task-tables"))
    assert len(parts) > 2 * len(run_query(corpus_store, load_query("task-tables")))

    def citation_tables(build_dir: Path) -> int:
        return (build_dir / "graph.nq").read_text("utf-8").count("#citationTable>")

    assert citation_tables(report.build_dir) > citation_tables(corpus_build.build_dir)
    when = date(2026, 1, 1)
    assert [f.as_dict() for f in audit(store, as_of=when)] == [
        f.as_dict() for f in audit(corpus_store, as_of=when)
    ]
    assert report.quads > 0


def test_tasks_naming_the_same_agencies_share_one_list_across_plans(corpus_store) -> None:
    """The audit judges each combination of agencies once, by the identity of its list, so
    tasks that name the same agencies, in any plan, must hold the same list (and the same
    list as tasks that name none, never changed)."""
    tasks = tasks_from_tables(corpus_store, Documents(corpus_store))
    by_content: dict[tuple, set[int]] = {}
    plans_of: dict[tuple, set[str]] = {}
    for t in tasks:
        for named in (t.lead, t.coordinating):
            by_content.setdefault(tuple(named), set()).add(id(named))
            plans_of.setdefault(tuple(named), set()).add(t.plan)
    assert all(len(ids) == 1 for ids in by_content.values())
    assert any(len(plans) > 1 for content, plans in plans_of.items() if content)
    assert () in by_content and len(tasks) > 150
