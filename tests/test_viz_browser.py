"""Lineage pages in a real browser: Debian's headless Chromium, driven by Playwright, loads
each kind of page from file:// with the network cut off. No console error, no request
leaves the page, the graph holds the expected nodes and edges, a filter chosen in the UI
hides what it should, hostile document text shows as text and runs nothing. Screenshots go
to tests/artifacts/. A missing Chromium fails these tests: it is never a skip."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import networkx as nx
import pytest

from policykg.graph.pipeline import build
from policykg.graph.store import open_store
from policykg.queries import api
from policykg.queries.runner import load_query, run_query
from policykg.viz import model, site
from policykg.viz.browser import chromium
from policykg.viz.page import write_page

ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).resolve().parent.parent
TASK = "hai-phong:435/KH-UBND#XV.1"
HOSTILE_PLAN = """Số: 121 / KH-UBND
Quảng Ninh, ngày 05 tháng 6 năm 2014

KẾ HOẠCH
TRIỂN KHAI THỰC HIỆN KẾT LUẬN SỐ 56-KL/TW NGÀY 21/02/2013 CỦA BỘ CHÍNH TRỊ VỀ KINH TẾ TẬP THỂ

Thực hiện Kết luận số 56-KL/TW ngày 21/02/2013 của Bộ Chính trị; Uỷ ban nhân dân tỉnh \
xây dựng kế hoạch triển khai với các nội dung sau:

II. NHIỆM VỤ
1. Sở Kế hoạch và Đầu tư: chủ trì hướng dẫn <script>window.pwned=1</script> các hợp tác xã.
2. Sở Tài chính chủ trì bố trí kinh phí <img src=x onerror="window.pwned=1"> cho hợp tác xã.
"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def pages(corpus_store, tmp_path_factory) -> Path:
    return site.write_site(corpus_store, tmp_path_factory.mktemp("site")).index.parent


def _open(browser, path: Path, shot: str | None = None):
    visit = browser.open(path)
    assert visit.console_errors == [], visit.console_errors
    assert visit.blocked == [], visit.blocked
    if shot:
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
    return visit.page


def _ids(page, kind: str | None = None) -> set[str]:
    return set(
        page.evaluate(
            "(kind) => window.policykg.nodes.get({filter: n => !n.hidden"
            " && (!kind || n.kind === kind)}).map(n => n.id)",
            kind,
        )
    )


def _edges(page) -> set[tuple[str, str, str]]:
    rows = page.evaluate("window.policykg.edges.get().map(e => [e.from, e.relation, e.to])")
    return {tuple(r) for r in rows}


def test_plan_page_shows_every_task_and_the_agency_filter_hides_the_others(
    browser, pages, corpus_store
):
    corpus = model.load_corpus(corpus_store)
    plan = api.find_document(list(corpus.docs.values()), "435/KH-UBND")
    tasks = api.tasks(corpus_store, "435/KH-UBND")
    page = _open(browser, pages / model.doc_href(corpus, plan["iri"]), "plan-page")
    assert _ids(page, "task") == {t["iri"] for t in tasks}
    edges = _edges(page)
    for t in tasks:
        for a in t["lead"]:
            assert (a["iri"], "lead", t["iri"]) in edges
    agency = api.find_agency(list(corpus.agencies.values()), "Sở Tài chính@Hải Phòng")
    page.select_option("#filter-agency", agency["iri"])
    named = {
        t["iri"] for t in tasks if any(a["iri"] == agency["iri"] for r in model.ROLES for a in t[r])
    }
    assert named and _ids(page, "task") == named
    assert _ids(page, "agency") == {agency["iri"]}
    page.screenshot(path=str(ARTIFACTS / "plan-page-filtered.png"))
    page.click("#reset")
    assert _ids(page, "task") == {t["iri"] for t in tasks}


def test_kind_filter_and_search(browser, pages):
    page = _open(browser, pages / "overview.html", "overview")
    everything = _ids(page)
    page.select_option("#filter-kind", "agency")
    agencies = _ids(page)
    assert agencies and agencies == _ids(page, "agency") and agencies < everything
    page.select_option("#filter-kind", "")
    requested = {a for a, rel, _ in _edges(page) if rel == "requested"}
    page.select_option("#filter-role", "requested")
    assert requested and _ids(page, "agency") == requested
    page.select_option("#filter-role", "")
    page.select_option("#filter-city", "Hải Phòng")
    cities = page.evaluate(
        "window.policykg.nodes.get({filter: n => !n.hidden && n.city}).map(n => n.city)"
    )
    assert cities and set(cities) == {"Hải Phòng"}
    page.select_option("#filter-city", "")
    page.fill("#search", "70-KL/TW")
    found = _ids(page)
    assert "https://w3id.org/policykg/id/doc/vn/kl-tw/2020/70" in found and len(found) < 5


def test_task_page_draws_its_lineage_and_agencies(browser, corpus_store, tmp_path):
    corpus = model.load_corpus(corpus_store)
    out = site.task_html(corpus_store, corpus, TASK, tmp_path / "task.html")
    page = _open(browser, out, "task-page")
    task = api.find_task(api.tasks(corpus_store), TASK)
    edges = _edges(page)
    for role in ("lead", "coordinating"):
        for a in task[role]:
            assert (a["iri"], role, task["iri"]) in edges
    (row,) = api.task_lineage(corpus_store, TASK)
    assert {d["iri"] for p in row["paths"] for d in p} <= _ids(page)
    page.evaluate("(id) => window.policykg.showDetails(id)", task["iri"])
    assert task["text"] in page.text_content("#details-list")


def test_agency_and_central_directive_pages_load(browser, pages, corpus_store):
    corpus = model.load_corpus(corpus_store)
    agency = api.find_agency(list(corpus.agencies.values()), "Sở Tài chính@Hải Phòng")
    page = _open(browser, pages / model.agency_href(agency), "agency-page")
    assert agency["iri"] in _ids(page, "agency")
    assert len(_ids(page, "task")) == agency["lead"] + agency["coordinating"] + agency["requested"]
    central = api.find_document(list(corpus.docs.values()), "70-KL/TW")
    page = _open(browser, pages / model.doc_href(corpus, central["iri"]), "central-page")
    below = {d["iri"] for d in corpus.docs.values() if d["iri"] in corpus.task_counts}
    plans = _ids(page, "plan")
    assert plans and plans <= below


PWNED = "typeof window.pwned + typeof window.__pwned"


def test_hostile_task_text_is_shown_and_never_run(browser, tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "hostile.txt").write_text(HOSTILE_PLAN, "utf-8")
    build([corpus_dir], tmp_path / "out")
    store = open_store(tmp_path / "out")
    # the reader keeps a <script> in body text; it drops HTML tags such as <img> (table cells
    # hold HTML fragments), so the <img onerror> case is rendered directly below
    hostile = [t for t in api.tasks(store) if "<script>" in t["text"]]
    assert len(hostile) == 1
    index = site.write_site(store, tmp_path / "site").index
    corpus = model.load_corpus(store)
    plan = index.parent / model.doc_href(corpus, hostile[0]["document"]["iri"])
    for path in (plan, index.parent / "overview.html"):
        page = _open(browser, path, f"hostile-{path.stem[:8]}")
        assert page.evaluate(PWNED) == "undefinedundefined"
    page = _open(browser, plan, None)
    page.evaluate("(id) => window.policykg.showDetails(id)", hostile[0]["iri"])
    assert hostile[0]["text"] in page.text_content("#details-list")
    assert page.evaluate(PWNED) == "undefinedundefined"


def test_script_and_img_payloads_in_every_field_run_nothing(browser, tmp_path):
    payload = (
        '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
        "</script><script>window.pwned=1</script>\u2028"
    )
    g = nx.MultiDiGraph()
    g.add_node("p", kind="plan", label=payload, info={"title": payload}, weight=3, city=payload)
    g.add_node("t", kind="task", label=payload, info={"text": payload}, weight=1, href=payload)
    g.add_node("a", kind="agency", label=payload, info={"name": payload}, weight=1, city=payload)
    g.add_edge("t", "p", key="part_of", relation="part_of", count=1)
    g.add_edge("a", "t", key="lead", relation="lead", count=1)
    out = write_page(g, tmp_path / "payload.html", title=payload, subtitle=payload, links=True)
    page = _open(browser, out, "payload")
    for node in ("p", "t", "a"):
        page.evaluate("(id) => window.policykg.showDetails(id)", node)
        assert payload.replace("\u2028", "") in page.text_content("#details-list")
    x, y = page.evaluate(
        "() => { const n = window.policykg.network; const p = n.canvasToDOM(n.getPosition('t'));"
        " const r = document.getElementById('graph').getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; }"
    )
    page.mouse.move(x, y)
    tooltip = page.wait_for_selector("div.vis-tooltip", state="visible")
    assert payload.replace("\\u2028", "") in tooltip.text_content()
    page.select_option("#filter-agency", "a")
    page.fill("#search", "script")
    assert page.text_content("#title") == payload
    assert page.evaluate(PWNED) == "undefinedundefined"
    assert page.evaluate("document.querySelectorAll('img, a[href]').length") == 0


def test_a_large_corpus_is_grouped_and_opens_quickly(browser, tmp_path):
    spec = importlib.util.spec_from_file_location("viz_scale", ROOT / "bench" / "viz_scale.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    store = bench.synthetic_store(50_000, provinces=10, plans=10, agencies=3)
    corpus = model.load_corpus(store)
    assert corpus.total_tasks == 50_000
    overview = site.overview_html(store, corpus, tmp_path / "overview.html")
    page = _open(browser, overview, "synthetic-50k-overview")
    assert 0 < len(_ids(page)) <= model.NODE_BUDGET
    assert not _ids(page, "task")
    counts = page.evaluate(
        "window.policykg.nodes.get({filter: n => n.kind === 'plan'}).map(n => n.info.tasks)"
    )
    assert sum(counts) == 50_000
    agency = sorted(corpus.agencies)[0]
    page = _open(browser, site.agency_html(store, corpus, agency, tmp_path / "a.html"), None)
    groups = page.evaluate(
        "window.policykg.nodes.get({filter: n => n.kind === 'group'}).map(n => n.info.tasks)"
    )
    named = run_query(store, load_query("viz-agency-tasks"), {"agency": agency})
    assert groups and not _ids(page, "task")
    assert sum(groups) == len({r["task"] for r in named}) > model.NODE_BUDGET
    assert len(_ids(page)) <= model.NODE_BUDGET
