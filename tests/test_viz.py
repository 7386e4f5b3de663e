"""Lineage pages and network figures, without a browser: what the page graphs hold (checked
against the query API), the HTML being self-contained, escaped and byte-stable, the stats
and the GraphML/GEXF exports, and the CLI."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg.build import cli
from policykg.graph.store import open_store
from policykg.queries import api
from policykg.viz import model, page, site, stats
from policykg.viz.layout import positions

TASK = "hai-phong:435/KH-UBND#XV.1"


@pytest.fixture(scope="module")
def corpus(corpus_store) -> model.Corpus:
    return model.load_corpus(corpus_store)


@pytest.fixture(scope="module")
def all_tasks(corpus_store) -> list[dict]:
    return api.tasks(corpus_store)


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="policykg-data">(.*?)</script>', html, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_task_page_holds_the_task_its_agencies_and_its_lineage(corpus_store, corpus, all_tasks):
    task = api.find_task(all_tasks, TASK)
    g, _ = model.task_page(corpus_store, corpus, task["iri"])
    for role in ("lead", "coordinating"):
        expected = {a["iri"] for a in task[role]}
        got = {a for a, b, rel in g.in_edges(task["iri"], keys=True) if rel == role}
        assert got == expected and expected
    (row,) = api.task_lineage(corpus_store, TASK)
    on_paths = {d["iri"] for path in row["paths"] for d in path}
    docs = {n for n, d in g.nodes(data=True) if d["kind"] in ("central", "directive", "plan")}
    assert docs == on_paths
    assert g.nodes[task["iri"]]["info"]["text"] == task["text"]


def test_plan_page_holds_every_task_of_the_plan(corpus_store, corpus, all_tasks):
    plan = api.find_document(list(corpus.docs.values()), "435/KH-UBND")["iri"]
    g, note = model.document_page(corpus_store, corpus, plan)
    expected = {t["iri"] for t in all_tasks if t["document"]["iri"] == plan}
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "task"} == expected
    assert note.startswith(f"{len(expected)} tasks")


def test_a_decision_page_shows_the_plan_it_issues(corpus_store, corpus, all_tasks):
    decision = api.find_document(list(corpus.docs.values()), "3064/QĐ-UBND")["iri"]
    g, _ = model.document_page(corpus_store, corpus, decision)
    expected = {t["iri"] for t in api.tasks(corpus_store, "3064/QĐ-UBND")}
    assert expected and {n for n, d in g.nodes(data=True) if d["kind"] == "task"} == expected


def test_agency_page_links_the_agency_to_each_of_its_tasks(corpus_store, corpus, all_tasks):
    agency = api.find_agency(list(corpus.agencies.values()), "Sở Tài chính@Hải Phòng")
    g, _ = model.agency_page(corpus_store, corpus, agency["iri"])
    expected = {
        (t["iri"], role)
        for t in all_tasks
        for role in model.ROLES
        if any(a["iri"] == agency["iri"] for a in t[role])
    }
    assert {(b, rel) for _, b, rel in g.out_edges(agency["iri"], keys=True)} == expected


def test_overview_counts_tasks_per_plan_and_agency(corpus_store, corpus, all_tasks):
    g, _ = model.overview(corpus_store, corpus)
    assert not [n for n, d in g.nodes(data=True) if d["kind"] == "task"]
    plan = api.find_document(list(corpus.docs.values()), "435/KH-UBND")["iri"]
    agency = api.find_agency(list(corpus.agencies.values()), "Sở Tài chính@Hải Phòng")["iri"]
    led = sum(
        1
        for t in all_tasks
        if t["document"]["iri"] == plan and agency in [a["iri"] for a in t["lead"]]
    )
    assert g.edges[agency, plan, "lead"]["count"] == led > 0
    assert g.nodes[plan]["weight"] == sum(1 for t in all_tasks if t["document"]["iri"] == plan)


def test_the_overview_keeps_each_plans_heaviest_links_beyond_the_edge_budget(
    corpus_store, corpus, monkeypatch
):
    full, note = model.overview(corpus_store, corpus)
    assert "heaviest" not in note
    monkeypatch.setattr(model, "EDGE_BUDGET", len(corpus.plans()))
    g, note = model.overview(corpus_store, corpus)
    roles = [(a, b, d["count"]) for a, b, k, d in g.edges(keys=True, data=True) if k in model.ROLES]
    assert sorted(b for _, b, _ in roles) == sorted(corpus.plans())  # one link per plan
    for _, plan, n in roles:
        assert n == max(
            d["count"]
            for _, p, k, d in full.edges(keys=True, data=True)
            if p == plan and k in model.ROLES
        )
    assert "the heaviest 1 link to agencies per plan are drawn" in note


def test_grouping_keeps_pages_under_the_node_budget(corpus_store, corpus, monkeypatch):
    monkeypatch.setattr(model, "NODE_BUDGET", 20)
    plan = api.find_document(list(corpus.docs.values()), "435/KH-UBND")["iri"]
    g, note = model.document_page(corpus_store, corpus, plan)
    assert "grouped by section" in note
    groups = [d for _, d in g.nodes(data=True) if d["kind"] == "group"]
    assert groups and not [d for _, d in g.nodes(data=True) if d["kind"] == "task"]
    assert sum(d["info"]["tasks"] for d in groups) == corpus.task_counts[plan]


def test_layout_is_layered_and_independent_of_insertion_order(corpus_store, corpus):
    g, _ = model.overview(corpus_store, corpus)
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(g.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(g.edges(keys=True, data=True))))
    pos = positions(g)
    assert pos == positions(shuffled)
    y = {
        kind: {pos[n][1] for n, d in g.nodes(data=True) if d["kind"] == kind}
        for kind in model.KINDS
    }
    assert max(y["central"]) < min(y["directive"]) <= max(y["directive"]) < min(y["plan"])
    assert max(y["plan"]) < min(y["agency"])


def test_two_renders_are_byte_identical_and_self_contained(corpus_store, corpus, tmp_path):
    a = site.overview_html(corpus_store, corpus, tmp_path / "a.html").read_bytes()
    b = site.overview_html(corpus_store, model.load_corpus(corpus_store), tmp_path / "b.html")
    assert a == b.read_bytes()
    html = a.decode()
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=", html, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    data = _data(html)
    assert {n["kind"] for n in data["nodes"]} >= {"central", "plan", "agency"}
    assert all(n["physics"] is False and "x" in n and "y" in n for n in data["nodes"])


def test_hostile_text_is_escaped_in_the_page(tmp_path):
    hostile = '<script>window.__pwned=1</script> & <img src=x onerror="window.__pwned=1">\u2028'
    g = nx.MultiDiGraph()
    g.add_node("t", kind="task", label=hostile, info={"text": hostile}, weight=1)
    html = page.render(g, title=hostile, subtitle=hostile)
    assert "<script>window" not in html and "<img src=x" not in html and "\u2028" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html  # the <title>
    assert _data(html)["nodes"][0]["info"]["text"] == hostile


def test_index_links_every_page_it_lists(corpus_store, tmp_path):
    written = site.write_site(corpus_store, tmp_path)
    index = written.index.read_text("utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert "overview.html" in links
    assert all((written.index.parent / link).exists() for link in links)
    assert len(links) == written.pages
    corpus = model.load_corpus(corpus_store)
    assert len(links) == 1 + len(corpus.centrals()) + len(corpus.plans()) + len(corpus.agencies)


def test_central_stats_agree_with_lineage(corpus_store, corpus):
    rows = {r["directive"]: r for r in stats.central_stats(corpus_store, corpus)}
    lineage = api.lineage(corpus_store)
    for number, row in rows.items():
        plans = {
            r["document"]["iri"]
            for r in lineage
            if r["document"]["iri"] in corpus.task_counts
            and number in [c["number"] for c in r["central"]]
        }
        assert row["plans"] == len(plans), number
        assert row["tasks"] == sum(corpus.task_counts[p] for p in plans), number
    assert rows["70-KL/TW"]["depth"] >= 1


def test_loaded_agencies_are_ranked_by_role(corpus):
    rows = stats.loaded_agencies(corpus, top=3)
    leads = [r["tasks"] for r in rows if r["role"] == "lead"]
    assert leads == sorted(leads, reverse=True) and len(leads) == 3
    assert leads[0] == max(a["lead"] for a in corpus.agencies.values())


def test_partners_share_tasks(corpus_store, corpus, all_tasks):
    g = stats.coordination_graph(corpus_store, corpus)
    a, b, w = max(g.edges(data="weight"), key=lambda e: e[2])
    shared = sum(
        1 for t in all_tasks if {a, b} <= {x["iri"] for role in model.ROLES for x in t[role]}
    )
    assert w == shared > 0


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_exports_read_back(corpus_store, corpus, tmp_path, suffix):
    read = nx.read_graphml if suffix == ".graphml" else nx.read_gexf
    lineage = read(stats.export(corpus_store, corpus, "lineage", tmp_path / f"l{suffix}"))
    assert lineage.number_of_nodes() == len(corpus.docs)
    assert lineage.number_of_edges() == corpus.lineage.number_of_edges()
    coordination = read(stats.export(corpus_store, corpus, "coordination", tmp_path / f"c{suffix}"))
    assert coordination.number_of_nodes() == len(corpus.agencies)


def test_export_refuses_unknown_file_types(corpus_store, corpus, tmp_path):
    with pytest.raises(stats.BadExport, match=r"\.graphml or \.gexf"):
        stats.export(corpus_store, corpus, "lineage", tmp_path / "x.txt")


def test_cli_viz_needs_exactly_one_subject(corpus_build):
    result = CliRunner().invoke(cli, ["--out", str(corpus_build.out_dir), "viz"])
    assert result.exit_code == 1
    assert "give exactly one of --task KEY, --document NUMBER, --agency NAME" in result.output


def test_cli_viz_writes_a_task_page(corpus_build, tmp_path):
    out = tmp_path / "t.html"
    result = CliRunner().invoke(
        cli, ["--out", str(corpus_build.out_dir), "viz", "--task", TASK, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert _data(out.read_text("utf-8"))["title"] == f"Task: {TASK}"


def test_cli_stats_json_and_csv(corpus_build):
    runner = CliRunner()
    base = ["--out", str(corpus_build.out_dir), "stats"]
    data = json.loads(runner.invoke(cli, [*base, "--format", "json"]).output)
    assert set(data) == {"central", "agencies", "partners"}
    csv = runner.invoke(cli, [*base, "--format", "csv", "--section", "central"]).output
    assert csv.splitlines()[0] == "directive,date,documents_below,plans,tasks,agencies,depth"


def test_build_writes_the_pages(corpus_build, tmp_path):
    result = CliRunner().invoke(cli, ["--out", str(tmp_path), "build"])
    assert result.exit_code == 0, result.output
    assert "pages:" in result.output
    index = tmp_path / "current" / "pages" / "index.html"
    assert index.exists() and (index.parent / "overview.html").exists()
    assert open_store(tmp_path) is not None


def test_a_missing_chromium_is_an_error_not_a_skip(monkeypatch, tmp_path):
    from policykg.viz import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(browser.BrowserMissing, match=r"scripts/setup\.sh"), browser.chromium():
        pass


def test_task_page_shows_named_and_responsible_bodies_apart(corpus_store, corpus, all_tasks):
    from datetime import date

    task = next(
        t
        for t in all_tasks
        if t["key"].startswith("ho-chi-minh:3064/")
        and [a["name"] for a in t["lead"]] == ["Sở Kế hoạch và Đầu tư"]
    )
    g, _ = model.task_page(corpus_store, corpus, task["iri"])
    info = g.nodes[task["iri"]]["info"]
    assert info["named in the text: lead"] == "Sở Kế hoạch và Đầu tư"
    today = info[f"responsible on {date.today().isoformat()}: lead"]
    assert today.startswith("Sở Tài chính (in place of Sở Kế hoạch và Đầu tư")
    holders = [n for n, d in g.nodes(data=True) if d["kind"] == "successor"]
    assert [g.nodes[n]["info"]["name"] for n in holders] == ["Sở Tài chính"]
    (named,) = [a["iri"] for a in task["lead"]]
    assert (named, holders[0], "successor") in set(g.edges(keys=True))


def test_agency_page_shows_history_and_successors(corpus_store, corpus):
    iri = api.find_agency(list(corpus.agencies.values()), "Sở Kế hoạch và Đầu tư@Hải Phòng")["iri"]
    g, _ = model.agency_page(corpus_store, corpus, iri)
    info = g.nodes[iri]["info"]
    history = info["history"]
    assert "2025-03-01" in history and "45/2025/NĐ-CP" in history  # the department merger
    assert "2025-07-01" in history and "202/2025/QH15" in history  # Hải Dương merged in
    assert any(k.startswith("status on") and "no longer exists" in v for k, v in info.items())
    succ = [n for n, d in g.nodes(data=True) if d["kind"] == "successor"]
    assert [g.nodes[n]["info"]["name"] for n in succ] == ["Sở Tài chính"]
