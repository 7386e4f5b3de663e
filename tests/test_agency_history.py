"""Agencies through time: the sourced change-event registry, successors as of a date, the
``agency-defunct`` audit finding, the queries and the command line (issue 9)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from policykg.build import cli
from policykg.graph.agencies import normalize_agency
from policykg.graph.agency_history import AgencyHistory, AgencyRef
from policykg.graph.registry.agency_changes import (
    AgencyChangeTableError,
    load_agency_changes,
    parse_agency_changes,
)
from policykg.graph.registry.curated import _URL
from policykg.queries import api
from policykg.queries.audit import audit
from policykg.queries.runner import load_query, run_query
from policykg.queries.successors import SuccessionTable

BEFORE = date(2024, 12, 31)
AFTER = date(2026, 1, 1)
HCM_PLAN = "ho-chi-minh:3064/QĐ-UBND/KH"
HP_PLAN = "hai-phong:435/KH-UBND"
#: departments of the 2008 TP.HCM plan that were renamed or merged in 2008 and 2014
OLD_2008 = {"Sở Thương mại", "Sở Bưu chính - Viễn thông", "Sở Văn hóa và Thông tin"}


# --- the registry ---------------------------------------------------------------------------


def test_every_event_is_sourced_dated_and_confident() -> None:
    events = load_agency_changes()
    assert len(events) >= 20
    for e in events:
        assert _URL.fullmatch(e.source), e.id
        assert e.confidence in {"H", "M"}, e.id
        assert e.evidence and e.checked <= date(2026, 11, 22), e.id
        assert e.instrument is not None or (e.instrument_title and e.instrument_date), e.id


def test_the_registry_covers_what_the_issue_names() -> None:
    by_id = {e.id: e for e in load_agency_changes()}
    kinds = {(e.level, e.kind) for e in by_id.values()}
    assert {("national", "merger"), ("province", "merger"), ("district", "abolition")} <= kinds
    assert ("jurisdiction", "jurisdiction-merger") in kinds
    merged = {tuple(e.original) for e in by_id.values() if e.level == "jurisdiction"}
    assert ("hai-phong", "hai-duong") in merged or ("hai-duong", "hai-phong") in merged
    assert any("ho-chi-minh" in o and "binh-duong" in o for o in merged)
    assert not any("ha-noi" in o for o in merged)  # Hà Nội was not merged in 2025
    named = {n for e in by_id.values() for n in e.original}
    assert {"Sở Thương mại", "Sở Bưu chính - Viễn thông"} <= named  # the 2008 renames


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "merge"}, "field 'kind' must be one of"),
        ({"kind": "abolition", "resulting": ["Sở Tài chính"]}, "an abolition has no 'resulting'"),
        ({"source": "not a url"}, "field 'source' must be an http(s) URL"),
        ({"confidence": "B"}, "field 'confidence' must be one of ['H', 'M']"),
        ({"date": "2025-13-01"}, "field 'date' must be an ISO date"),
        ({"level": "jurisdiction"}, "kind 'jurisdiction-merger' goes with level 'jurisdiction'"),
        ({"instrument": {"kind": "unnumbered"}}, "an unnumbered instrument has a title"),
        ({"colour": "red"}, "unknown field(s) ['colour']"),
    ],
)
def test_a_malformed_event_is_refused_naming_the_event_and_field(change, message) -> None:
    good = {
        "id": "2025-x",
        "kind": "merger",
        "level": "province",
        "jurisdictions": ["*"],
        "date": "2025-03-01",
        "original": ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"],
        "resulting": ["Sở Tài chính"],
        "instrument": {"kind": "numbered", "number": "45/2025/NĐ-CP", "date": "2025-02-28"},
        "source": "https://example.org/page",
        "evidence": "stated",
        "checked": "2026-11-22",
        "confidence": "H",
    }
    parse_agency_changes({"event": [good]})  # the good one passes
    with pytest.raises(AgencyChangeTableError) as err:
        parse_agency_changes({"event": [{**good, **change}]})
    assert "event 1 (2025-x)" in str(err.value) and message in str(err.value)


# --- successors as of a date (the library, for any agency) -----------------------------------


def test_a_department_merged_in_2025_is_carried_by_the_absorbing_one() -> None:
    h = AgencyHistory()
    ref = AgencyRef.named("Sở Kế hoạch và Đầu tư", "ha-noi")
    assert h.carriers(ref, BEFORE).verdict == "exists"
    now = h.carriers(ref, AFTER)
    assert now.verdict == "succeeded"
    assert [c.agency.path for c in now.carriers] == ["agency/ha-noi/so-tai-chinh"]
    assert now.ended.event.instrument.number == "45/2025/NĐ-CP"


def test_a_province_merger_moves_a_body_to_the_absorbing_province() -> None:
    h = AgencyHistory()
    ref = AgencyRef.named("Sở Kế hoạch và Đầu tư", "binh-duong")
    mid = h.carriers(ref, date(2025, 4, 1))
    assert [c.agency.path for c in mid.carriers] == ["agency/binh-duong/so-tai-chinh"]
    end = h.carriers(ref, AFTER)
    assert [c.agency.path for c in end.carriers] == ["agency/ho-chi-minh/so-tai-chinh"]
    assert [c.event.level for c in end.carriers[0].chain] == ["province", "jurisdiction"]


def test_a_split_of_functions_gives_a_main_successor_and_partial_ones() -> None:
    h = AgencyHistory()
    now = h.carriers(AgencyRef.named("Sở Lao động - Thương binh và Xã hội", "ha-noi"), AFTER)
    assert now.verdict == "several"
    shares = {c.agency.name: (c.share, c.what) for c in now.carriers}
    assert shares["Sở Nội vụ"] == ("main", None)
    assert shares["Sở Y tế"][0] == "part" and "trẻ em" in shares["Sở Y tế"][1]


def test_districts_have_no_single_successor() -> None:
    now = AgencyHistory().carriers(AgencyRef.named("UBND các quận, huyện", "hai-phong"), AFTER)
    assert now.verdict == "none" and not now.carriers
    assert now.ended.date == date(2025, 7, 1)
    assert "no single body succeeded it" in now.message()


def test_a_namesake_set_up_again_is_not_the_abolished_body() -> None:
    h = AgencyHistory()
    tourism = AgencyRef.named("Sở Du lịch", "ho-chi-minh")
    assert h.ending(tourism) is not None  # merged away in 2008
    assert h.ending(tourism, after=date(2015, 1, 1)) is None  # the one set up in 2014 lives


def test_the_2008_renames_reach_today() -> None:
    h = AgencyHistory()
    posts = h.carriers(AgencyRef.named("Sở Bưu chính - Viễn thông", "ho-chi-minh"), AFTER)
    assert [c.agency.name for c in posts.carriers] == ["Sở Khoa học và Công nghệ"]
    assert len(posts.carriers[0].chain) == 2  # 2008 rename, 2025 merger
    trade = h.carriers(AgencyRef.named("Sở Thương mại", "ho-chi-minh"), date(2010, 1, 1))
    assert [c.agency.name for c in trade.carriers] == ["Sở Công Thương"]


# --- the graph: tasks, audit, queries --------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_tasks(corpus_store) -> dict[str, dict]:
    return {t["key"]: t for t in api.tasks(corpus_store, as_of=AFTER)}


def test_a_2021_hcm_task_led_by_the_planning_department_is_carried_by_finance(
    corpus_tasks,
) -> None:
    led = [
        t
        for t in corpus_tasks.values()
        if t["document"]["key"] == HCM_PLAN
        and any(a["name"] == "Sở Kế hoạch và Đầu tư" for a in t["lead"])
    ]
    assert led
    for t in led:
        assert [a["name"] for a in t["lead"]].count("Sở Kế hoạch và Đầu tư") == 1  # unchanged
        now = [a for a in t["responsible"]["lead"] if a["in_place_of"]]
        assert [a["iri"] for a in now] == [
            "https://w3id.org/policykg/id/agency/ho-chi-minh/so-tai-chinh"
        ]
        assert t["responsible"]["as_of"] == "2026-01-01"


def test_hai_phong_district_tasks_are_defunct_since_july_2025(corpus_store) -> None:
    found = [
        f
        for f in audit(corpus_store, as_of=AFTER, kinds=["agency-defunct"])
        if f.plan == HP_PLAN and "Ủy ban nhân dân các quận, huyện" in f.message
    ]
    led = [f for f in found if f.message.startswith("lead ")]
    assert led, "the Hải Phòng appendix gives rows to UBND các quận, huyện"
    for f in found:
        assert "since 2025-07-01" in f.message and "no single body succeeded it" in f.message
        assert any(e.get("source", "").startswith("http") for e in f.evidence)


def test_nothing_is_defunct_before_the_reform(corpus_store) -> None:
    before = audit(corpus_store, as_of=BEFORE, kinds=["agency-defunct"])
    assert not [f for f in before if f.plan in (HP_PLAN, HCM_PLAN)]  # the same tasks: nothing
    # what is defunct by then are the 2008 plan's departments, renamed in 2008 and 2014
    assert before and all(
        f.evidence[1]["event"].startswith(("hcm-2008", "hcm-2014")) for f in before
    )


def test_ha_noi_keeps_its_jurisdiction(corpus_store) -> None:
    history = api.agency_history(corpus_store, "Sở Tài chính@Hà Nội", AFTER)
    assert history["as_of"]["status"] == "exists"
    assert all(e["kind"] != "jurisdiction-merger" for e in history["history"])
    hp = api.agency_history(corpus_store, "Sở Tài chính@Hải Phòng", AFTER)
    assert any(e["kind"] == "jurisdiction-merger" for e in hp["history"])


def test_every_defunct_finding_traces_to_a_sourced_registry_fact(corpus_store) -> None:
    sources = {e.source for e in load_agency_changes()}
    findings = audit(corpus_store, as_of=AFTER, kinds=["agency-defunct"])
    assert findings
    for f in findings:
        event = f.evidence[1]
        assert event["source"] in sources and event["confidence"] in {"H", "M"}


def test_the_graph_answers_like_the_library(corpus_store) -> None:
    table = SuccessionTable.read(corpus_store)
    history = AgencyHistory()
    agencies = api.agencies(corpus_store, AFTER)
    checked = 0
    for a in agencies:
        place, slug = a["iri"].rsplit("/", 2)[1:]
        found = normalize_agency(a["name"])  # its level: a district's bodies end with it
        level = found.level if found is not None else None
        ref = AgencyRef(place, slug, a["name"], collective=a["collective"], level=level)
        for when in (BEFORE, date(2025, 4, 1), AFTER):
            graph = table.status(a["iri"], when)
            if graph.ending is None:
                continue
            lib = history.carriers(ref, when, after=date(2008, 1, 1))
            assert sorted(c.iri.rsplit("/", 2)[1:] for c in graph.carriers) == sorted(
                [c.agency.jurisdiction, c.agency.slug] for c in lib.carriers
            ), (a["iri"], when)
            checked += 1
    assert checked > 20


def test_the_defunct_lead_query_agrees_with_the_task_json(corpus_store, corpus_tasks) -> None:
    rows = run_query(corpus_store, load_query("tasks-lead-defunct"), {"as_of": "2026-01-01"})
    by_task: dict[str, set[str]] = {}
    for r in rows:
        by_task.setdefault(r["task_key"], set())
        if r["successor_name"]:
            by_task[r["task_key"]].add(r["successor_name"])
    expected = {
        k: {a["name"] for a in t["responsible"]["lead"] if a["in_place_of"]}
        for k, t in corpus_tasks.items()
        if any(a["in_place_of"] for a in t["responsible"]["lead"])
        or any(n["role"] == "lead" for n in t["responsible"]["no_successor"])
    }
    assert by_task == expected


def test_inherited_tasks_are_counted_for_todays_agencies(corpus_store) -> None:
    rows = run_query(corpus_store, load_query("inherited-tasks"), {"as_of": "2026-01-01"})
    finance_hcm = {
        r["task_key"]
        for r in rows
        if r["agency"].endswith("/ho-chi-minh/so-tai-chinh") and r["role"] == "lead"
    }
    assert finance_hcm and all(k.startswith("ho-chi-minh:") for k in finance_hcm)
    before = run_query(corpus_store, load_query("inherited-tasks"), {"as_of": "2024-12-31"})
    assert not [r for r in before if r["agency"].endswith("/so-tai-chinh")]
    assert before and all(r["named"] in OLD_2008 for r in before)


# --- the command line -------------------------------------------------------------------------


def test_agencies_as_of_shows_status_and_successors(corpus_build) -> None:
    runner = CliRunner()
    out = ["--out", str(corpus_build.out_dir)]
    result = runner.invoke(cli, [*out, "agencies", "--as-of", "2026-01-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    kh = [r for r in rows if r["name"] == "Sở Kế hoạch và Đầu tư"]
    assert kh and all(r["as_of"]["status"] == "succeeded" for r in kh)
    one = runner.invoke(cli, [*out, "agencies", "Ủy ban nhân dân các quận, huyện@Hải Phòng"])
    assert one.exit_code == 0, one.output
    assert "none" in one.output.splitlines()[0] and "203/2025/QH15" in one.output


def test_a_districts_department_ends_with_the_district_level() -> None:
    """ "Phòng Tài chính - Kế hoạch" of any province: no table names it, but the 2025
    abolition of the district level ends every body of that level (not a collective)."""
    history = AgencyHistory()
    office = AgencyRef.named("Phòng Tài chính - Kế hoạch", "nghe-an")
    status = history.carriers(office, date(2026, 1, 1))
    assert (status.verdict, list(status.carriers)) == ("none", [])
    assert history.ending(office).event.id == "2025-district-level-abolition"
    localities = AgencyRef.named("Các địa phương", "nghe-an")
    assert history.carriers(localities, date(2026, 1, 1)).verdict == "exists"


def test_a_merged_provinces_bodies_are_carried_by_the_absorbing_provinces(mixed_build) -> None:
    """The graph has the absorbing province's body, which no text names, as the successor
    (it said "no single body succeeded it" when that body was not emitted)."""
    from policykg.graph.store import open_store

    found = {
        (a["name"], a["jurisdiction"]): a
        for a in api.agencies(open_store(mixed_build.out_dir), date(2026, 1, 1))
    }
    union = found["Liên minh Hợp tác xã tỉnh", "Thái Bình"]["as_of"]
    assert union["status"] == "succeeded"
    office = found["Phòng Tài chính - Kế hoạch huyện Hưng Hà", "Thái Bình"]["as_of"]
    assert office["status"] == "none"
