"""Every query of the library on the corpus, with the rows a careful reader expects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from policykg.queries import api
from policykg.queries.runner import BadParameter, list_queries, load_query, run_query


def q(store, name: str, **params) -> api.Rows:
    return api.query(store, name, params)


def test_every_query_has_a_full_header() -> None:
    names = {spec.name for spec in list_queries()}
    assert len(names) >= 20
    for spec in list_queries():
        assert spec.summary and spec.columns and spec.example.startswith("policykg"), spec.name
        assert spec.path.stem == spec.name


def test_sorted_queries_have_no_order_by_and_come_out_sorted(corpus_store) -> None:
    """A ``# sort:`` header replaces ORDER BY (the store sorts a million rows by STR() many
    times slower): the rows come out in that order, and a bad header is refused."""
    sorted_specs = [s for s in list_queries() if s.sort]
    assert {"tasks", "task-roles", "tasks-without-deadline"} <= {s.name for s in sorted_specs}
    for spec in sorted_specs:
        assert "ORDER BY" not in spec.text, spec.name
    rows = run_query(corpus_store, load_query("tasks-without-deadline"))
    keys = [(r["plan_key"], r["task_key"]) for r in rows]
    assert len(keys) > 10 and keys == sorted(keys)


def test_a_bad_sort_header_names_the_file_and_the_columns(tmp_path: Path) -> None:
    from policykg.queries.runner import UnknownQuery, parse_query

    rq = tmp_path / "x.rq"
    rq.write_text("# name: x\n# columns: a, b\n# sort: c\nSELECT ?a ?b WHERE {}\n")
    with pytest.raises(UnknownQuery, match=r"x\.rq: bad sort item 'c'.*\(a, b\)"):
        parse_query(rq)


def test_lineage_of_one_task(corpus_store) -> None:
    rows = q(corpus_store, "task-lineage-edges", task="hai-phong:435/KH-UBND#XV.1")
    doc = "https://w3id.org/policykg/id/doc/"
    edges = {(r["from"].removeprefix(doc), r["relation"], r["to"].removeprefix(doc)) for r in rows}
    assert edges == {
        ("hai-phong/kh-ubnd/2018/435", "implements", "vn/kl-tw/2013/56"),
        ("hai-phong/kh-ubnd/2018/435", "implements", "hai-phong/kl-tu/2014/13"),
        ("hai-phong/kl-tu/2014/13", "implements", "hai-phong/nq-tu/2002/8"),
    }
    central = {r["to"] for r in rows if r["to_central"]}
    assert central == {"https://w3id.org/policykg/id/doc/vn/kl-tw/2013/56"}


def test_tasks_under_a_central_directive_across_cities(corpus_store) -> None:
    rows = q(corpus_store, "tasks-under-directive", directive="56-KL/TW")
    assert {r["jurisdiction"] for r in rows} == {"Hà Nội", "Hải Phòng"}
    hai_phong = [r for r in rows if r["jurisdiction"] == "Hải Phòng"]
    assert len(hai_phong) == 47  # its closing remark is no task
    nq13 = q(corpus_store, "tasks-under-directive", directive="13-NQ/TW")
    assert {r["jurisdiction"] for r in nq13} == {"Hồ Chí Minh"}


def test_tasks_of_an_agency_by_role(corpus_store) -> None:
    rows = q(corpus_store, "agency-tasks", agency="Sở Tài chính@Hải Phòng")
    lead = sorted(r["task_key"] for r in rows if r["role"] == "lead")
    assert lead == [
        "hai-phong:435/KH-UBND#II.1", "hai-phong:435/KH-UBND#II.2", "hai-phong:435/KH-UBND#II.3",
        "hai-phong:435/KH-UBND#body/IV.2",
    ]  # fmt: skip
    with pytest.raises(api.UnknownAgency, match="add @jurisdiction"):
        q(corpus_store, "agency-tasks", agency="Sở Tài chính")


def test_agency_workload_by_role_and_jurisdiction(corpus_store) -> None:
    rows = {(r["name"], r["jurisdiction"]): r for r in q(corpus_store, "agencies")}
    assert rows[("Sở Kế hoạch và Đầu tư", "Hồ Chí Minh")]["lead"] >= 12
    assert rows[("Ủy ban nhân dân các quận, huyện", "Hải Phòng")]["collective"] is True


def test_documents_citing_a_document(corpus_store) -> None:
    rows = q(corpus_store, "citing-documents", document="56-KL/TW")
    assert {r["citing_key"] for r in rows} == {"ha-noi:KH-UBND:7ab3def0", "hai-phong:435/KH-UBND"}


def test_deadlines_in_a_window(corpus_store) -> None:
    rows = q(corpus_store, "deadlines-in-window", **{"from": "2021-08-01", "to": "2021-08-31"})
    assert {r["task_key"].rsplit("#", 1)[1] for r in rows} == {f"11.{n}" for n in range(1, 8)}


def test_deadlines_passed(corpus_store) -> None:
    rows = q(corpus_store, "deadlines-passed", as_of="2008-04-01")
    assert {r["task_key"].rsplit("#", 1)[1] for r in rows} == {
        "III.1.2", "III.13", "III.2", "III.2.p1",
    }  # fmt: skip
    assert all(r["end"] < "2008-04-01" for r in rows)


def test_tasks_without_lead(corpus_store) -> None:
    rows = q(corpus_store, "tasks-without-lead")
    hcm2008 = {r["task_key"].rsplit("#", 1)[1] for r in rows if "4e73f3ef" in r["task_key"]}
    assert hcm2008 == {"III.1", "III.1.1", "III.1.2", "III.3"}
    assert any(r["task_key"].endswith("#11") for r in rows)  # the 2021 row carried by its sub-rows


def test_tasks_without_deadline(corpus_store) -> None:
    rows = q(corpus_store, "tasks-without-deadline")
    keys = {r["task_key"] for r in rows}
    assert "hai-phong:435/KH-UBND#body/IV.1" in keys
    assert not any(k.startswith("hai-phong:435/KH-UBND#XV") for k in keys)


def test_unresolved_citations(corpus_store) -> None:
    rows = q(corpus_store, "unresolved-citations")
    assert {r["cited_key"] for r in rows} == {
        "Luật Thủ đô", "Luật Ngân sách nhà nước", "Luật Bảo hiểm xã hội", "ho-chi-minh:07-NQ/TU",
    }  # fmt: skip
    assert {r["missing"] for r in rows} == {"year"}


def test_agencies_per_city_under_one_directive(corpus_store) -> None:
    rows = q(corpus_store, "directive-agencies-by-city", directive="56-KL/TW")
    skhdt = {r["jurisdiction"]: r for r in rows if r["agency_name"] == "Sở Kế hoạch và Đầu tư"}
    assert set(skhdt) == {"Hà Nội", "Hải Phòng"}
    assert skhdt["Hải Phòng"]["lead"] == 6  # I.1–I.4, body IV.1, and IV.4-1 ("Sở … tổng hợp")


def test_targets_by_year(corpus_store) -> None:
    rows = q(corpus_store, "targets-by-year")
    by_year = {}
    for r in rows:
        by_year.setdefault(r["year"], []).append(r)
    assert {r["plan_key"] for r in by_year[2020]} == {
        "hai-phong:435/KH-UBND",
        "ha-noi:KH-UBND:7ab3def0",
    }
    grdp = next(r for r in by_year[2020] if "GRDP" in r["indicator"])
    assert (grdp["value_min"], grdp["value_max"], grdp["comparator"]) == (1.0, 1.2, "range")


def test_an_injection_attempt_stays_a_literal(corpus_store) -> None:
    evil = 'x" } UNION { ?s ?p ?o } #'
    rows = run_query(
        corpus_store,
        _string_query(),
        {"needle": evil},
    )
    assert rows == [{"needle": evil, "n": 0}]
    with pytest.raises(BadParameter, match="expects date"):
        q(corpus_store, "deadlines-passed", as_of='2020-01-01"^^<x> } #')
    with pytest.raises(api.UnknownDocument):
        q(corpus_store, "citing-documents", document="56-KL/TW> } { ?s ?p ?o")


def _string_query():
    path = Path(__file__).parent / "golden" / "queries" / "count-titles.rq"
    return load_query(str(path))


def test_python_api_rows_and_dataframe(corpus_store) -> None:
    rows = q(corpus_store, "targets-by-year")
    assert isinstance(rows, list) and rows
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(api.PandasMissing, match="pip install pandas"):
            rows.to_dataframe()
    else:
        assert len(rows.to_dataframe()) == len(rows)


def test_xlsx_output(corpus_build, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policykg.build import cli

    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "--out",
            str(corpus_build.out_dir),
            "query",
            "targets-by-year",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["year", "plan_key", "indicator"]
    assert sheet.max_row > 10


def test_agencies_per_city_side_by_side(corpus_build) -> None:
    from click.testing import CliRunner

    from policykg.build import cli

    args = ["--out", str(corpus_build.out_dir), "query", "directive-agencies-by-city"]
    args += ["--param", "directive=56-KL/TW", "--pivot", "jurisdiction", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = {r["agency_name"]: r for r in json.loads(result.output)}
    skhdt = rows["Sở Kế hoạch và Đầu tư"]
    assert (skhdt["Hà Nội lead"], skhdt["Hải Phòng lead"]) == (2, 6)
