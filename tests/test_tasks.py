"""Tasks, roles, deadlines and targets end to end on the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policykg.graph.read import read_source
from policykg.graph.textview import collapse_spaces, fold, make_view
from policykg.queries import api
from policykg.queries.runner import load_query, run_query

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PLAN_2021 = "hcm-2021-qd3064-ubnd.txt"


@pytest.fixture(scope="module")
def tasks(corpus_store) -> list[dict]:
    return api.tasks(corpus_store)


def _of(tasks: list[dict], file: str) -> dict[str, dict]:
    return {t["path"]: t for t in tasks if t["document"]["file"] == file}


def _names(agencies: list[dict]) -> list[str]:
    return [a["name"] for a in agencies]


def test_2021_appendix_rows_and_sub_rows(tasks) -> None:
    rows = {p: t for p, t in _of(tasks, PLAN_2021).items() if not p.startswith("body/")}
    assert {str(n) for n in range(1, 50)} <= set(rows)
    subs = {f"11.{n}" for n in range(1, 8)}
    assert subs <= set(rows)
    assert len(rows) == 49 + 7
    assert all(rows[s]["parent"].endswith("#11") for s in subs)
    assert _names(rows["11.6"]["lead"]) == ["Ngân hàng Nhà nước Việt Nam chi nhánh Thành phố"]


def test_row_16_is_led_by_the_department_at_the_ministrys_request(tasks) -> None:
    row = _of(tasks, PLAN_2021)["16"]
    assert _names(row["lead"]) == ["Sở Kế hoạch và Đầu tư"]
    assert row["deadline"]["recurrence"] == "on-request"
    assert row["deadline"]["requester"] == "Bộ Kế hoạch và Đầu tư"
    assert row["deadline"]["text"] == "Theo đề nghị của Bộ Kế hoạch và Đầu tư"


def test_haiphong_appendix_43_rows_under_16_agency_headings(tasks) -> None:
    rows = {p: t for p, t in _of(tasks, "haiphong-2018-kh435-ubnd.txt").items() if "/" not in p}
    assert len(rows) == 43
    groups = {p.split(".")[0] for p in rows}
    assert len(groups) == 16 and "XII" not in groups
    assert _names(rows["I.1"]["lead"]) == ["Sở Kế hoạch và Đầu tư"]  # heading "SƠ KẾ HOẠCH …"
    assert _names(rows["II.2"]["lead"]) == ["Sở Tài chính"]  # heading "SỐ TÀI CHÍNH"
    assert "XIII.2" not in rows and "XIII.3" in rows
    assert rows["V.2"]["deadline"] == {
        "text": "Năm 2018", "start": "2018-01-01", "end": "2018-12-31",
        "recurrence": None, "requester": None,
    }  # fmt: skip
    assert rows["XVI.5"]["deadline"]["end"] == "2018-06-30"


def test_numbering_gaps_are_reported(corpus_store) -> None:
    rows = run_query(corpus_store, load_query("anomalies"))
    gaps = {r["message"] for r in rows if r["kind"] == "numbering-gap"}
    assert any("from XI to XIII (XII missing)" in m for m in gaps)
    assert any("under XIII" in m and "(2 missing)" in m for m in gaps)
    quotes = {r["quote"] for r in rows if r["kind"] == "numbering-gap"}
    assert any(q.startswith("<b>XIII</b>") for q in quotes)


def test_body_and_appendix_disagreeing_on_a_deadline(corpus_store) -> None:
    rows = run_query(corpus_store, load_query("anomalies"))
    found = [r for r in rows if r["kind"] == "deadline-disagreement"]
    assert len({r["anomaly"] for r in found}) == 1
    assert {r["quote"] for r in found} >= {"trước ngày 15 tháng 7 năm 2021"}


def test_body_tasks_repeated_in_the_appendix_are_linked_not_duplicated(tasks, corpus_store) -> None:
    plan = _of(tasks, PLAN_2021)
    texts = [fold(t["text"])[:80] for p, t in plan.items() if p.startswith("body/")]
    assert not any(t.startswith("tang cuong thong tin phap luat") for t in texts)
    also = list(
        corpus_store.query(
            "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
            "SELECT (COUNT(*) AS ?n) WHERE { ?t pkg:alsoStatedAt ?s }",
            use_default_graph_as_union=True,
        )
    )
    assert int(also[0]["n"].value) >= 40


def test_hcm_2008_items_without_a_lead(tasks) -> None:
    plan = _of(tasks, "hcm-2008-kh-thuc-hien-ct07-tu.txt")
    no_lead = {p for p, t in plan.items() if not t["lead"] and not t["requested"]}
    assert {"III.1", "III.1.1", "III.1.2", "III.3"} == no_lead
    assert any(n.startswith("Ủy ban Mặt trận Tổ quốc") for n in _names(plan["III.16"]["requested"]))
    assert plan["III.1.2"]["deadline"]["start"] == "2008-02-01"
    assert plan["III.3.1-2"]["deadline"]["recurrence"] == "annual"


def test_hanoi_agency_headings_pass_roles_to_their_bullets(tasks) -> None:
    plan = _of(tasks, "hanoi-kh-thuc-hien-ctr24-tu.txt")
    first = plan["III.1.1-1"]
    assert _names(first["lead"]) == ["Sở Kế hoạch và Đầu tư"]
    coordinating = {a["name"]: a for a in first["coordinating"]}
    assert "Liên minh Hợp tác xã Thành phố" in coordinating
    assert coordinating["Ủy ban nhân dân các quận, huyện, thị xã"]["collective"] is True
    assert _names(plan["III.1.8.p1"]["lead"]) == ["Sở Tài nguyên và Môi trường"]
    assert plan["III.1.1-2"]["deadline"]["end"] == "2014-12-31"  # "(hoàn thành năm 2014)"


def test_one_agency_per_jurisdiction(corpus_store) -> None:
    rows = api.agencies(corpus_store)
    skhdt = [r for r in rows if r["name"] == "Sở Kế hoạch và Đầu tư"]
    assert {r["jurisdiction"] for r in skhdt} == {"Hà Nội", "Hải Phòng", "Hồ Chí Minh"}
    assert len({r["iri"] for r in skhdt}) == 3
    names = [r["name"] for r in rows if r["jurisdiction"] == "Hải Phòng"]
    assert len(names) == len(set(names))


def _squash(text: str) -> str:
    view = make_view(text)
    return collapse_spaces(view.norm.replace("\t", " "))


def test_the_source_span_of_every_task_is_the_task(tasks) -> None:
    texts = {p.name: read_source(p).text for p in CORPUS.glob("*.txt")}
    for task in tasks:
        src = task["source"]
        quoted = _squash(texts[src["file"]][src["start"] : src["end"]])
        words = task["text"].split()
        assert quoted.startswith(" ".join(words[:3])), task["key"]
        assert quoted.endswith(" ".join(words[-2:])), task["key"]


def test_role_and_deadline_spans_quote_the_text(corpus_store) -> None:
    q = """
    PREFIX pkg: <https://w3id.org/policykg/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?name ?exact WHERE {
      ?t prov:qualifiedAssociation ?a . ?a prov:agent/pkg:name ?name ;
         pkg:source/oa:hasSelector/oa:exact ?exact .
    }"""
    rows = list(corpus_store.query(q, use_default_graph_as_union=True))
    assert len(rows) > 300
    for row in rows:
        assert row["exact"].value.strip(), row["name"].value
    deadlines = """
    PREFIX pkg: <https://w3id.org/policykg/ontology#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?text ?exact WHERE {
      ?d a pkg:Deadline ; pkg:text ?text ; pkg:source/oa:hasSelector/oa:exact ?exact .
    }"""
    for row in corpus_store.query(deadlines, use_default_graph_as_union=True):
        first = fold(row["text"].value).split()[0]
        assert first in fold(row["exact"].value), (row["text"].value, row["exact"].value)


def test_every_2021_task_reaches_70_through_134(corpus_store, tasks) -> None:
    rows = api.task_lineage(corpus_store)
    plan_2021 = {t["key"] for t in tasks if t["document"]["file"] == PLAN_2021}
    checked = 0
    for row in rows:
        if row["task"]["key"] not in plan_2021:
            continue
        numbers = [[d["number"] for d in p] for p in row["paths"]]
        assert any("134/NQ-CP" in p for p in numbers)
        assert "70-KL/TW" in {c["number"] for c in row["central"]}
        checked += 1
    assert checked == len(plan_2021) > 56


def test_targets_of_haiphong(corpus_store) -> None:
    q = """
    PREFIX pkg: <https://w3id.org/policykg/ontology#>
    SELECT ?indicator ?min ?max ?unit ?year WHERE {
      ?plan pkg:key "hai-phong:435/KH-UBND" ; pkg:hasTarget ?t .
      ?t pkg:indicator ?indicator ; pkg:targetYear ?year .
      OPTIONAL { ?t pkg:valueMin ?min } OPTIONAL { ?t pkg:valueMax ?max }
      OPTIONAL { ?t pkg:unit ?unit }
    }"""
    rows = list(corpus_store.query(q, use_default_graph_as_union=True))
    grdp = [r for r in rows if "GRDP" in r["indicator"].value]
    assert len(grdp) == 1
    r = grdp[0]
    assert (float(r["min"].value), float(r["max"].value), r["year"].value) == (1.0, 1.2, "2020")
    assert re.search(r"%", r["unit"].value)


def test_tasks_know_the_documents_their_own_text_cites(tasks) -> None:
    plan = _of(tasks, PLAN_2021)
    assert {c["number"] for c in plan["22"]["cites"]} == {"116/2018/NĐ-CP", "55/2015/NĐ-CP"}
    assert [c["number"] for c in plan["24"]["cites"]] == ["28/2018/NĐ-CP"]
    assert plan["10"]["cites"] == []


def test_the_plans_task_indexes_list_exactly_their_tasks(corpus_store, tasks) -> None:
    """The build-time index (one literal per plan) and the tasks themselves agree: the
    lineage of all tasks, read from the indexes, has one row per task, with its IRI and key."""
    from urllib.parse import unquote

    from policykg.queries.runner import load_query, run_query

    indexed = {
        (r["plan"], unquote(path))
        for r in run_query(corpus_store, load_query("task-index"))
        for path in r["index"].split("\n")
    }
    stated = {
        (t["document"]["iri"], t["path"]) for t in tasks
    }  # from the tasks' own pkg:partOfPlan and pkg:path
    assert indexed == stated and len(stated) > 100
    rows = api.task_lineage(corpus_store)
    assert [r["task"]["key"] for r in rows] == sorted({t["key"] for t in tasks})
    assert {r["task"]["iri"] for r in rows} == {t["iri"] for t in tasks}


def test_a_graph_without_task_indexes_gives_the_same_lineage(corpus_build, corpus_store) -> None:
    """A graph published by an older version has no ``pkg:taskIndex``: the lineage of all
    tasks then reads one row per task, with the same result."""
    store = _export_without(corpus_build, "taskIndex")
    assert api.task_lineage(store) == api.task_lineage(corpus_store)


def _export_without(build, prop: str):
    """A store holding the build's export without the quads of ``pkg:<prop>`` (as a graph
    published by an older version would be), after checking that there were some."""
    from pyoxigraph import RdfFormat, Store

    lines = (build.build_dir / "graph.nq").read_text("utf-8").split("\n")
    old = [line for line in lines if f"#{prop}>" not in line]
    assert len(old) < len(lines)  # the property was there, and is gone
    store = Store()
    store.load("\n".join(old).encode("utf-8"), format=RdfFormat.N_QUADS)
    return store


def test_the_lineage_of_all_tasks_is_in_key_order_when_plan_keys_nest() -> None:
    """The rows come out in key order without a sort when plans are listed by key and each
    plan's tasks by path; a plan key that begins another's with "#" breaks that, and the
    rows are then sorted. Also: an edge from a plan whose target is a central directive
    (and only that one) makes a path, and every task of a plan shares its plan's lineage."""
    from pyoxigraph import RdfFormat, Store

    pkg, doc = "https://w3id.org/policykg/ontology#", "https://example.org/doc/"
    g, a = "<https://example.org/graph>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    quads = [
        f'<{doc}p> <{pkg}key> "p" {g} .',
        f'<{doc}p> <{pkg}taskIndex> "b\\nz" {g} .',
        f'<{doc}pa> <{pkg}key> "p#a" {g} .',
        f'<{doc}pa> <{pkg}taskIndex> "x%20y" {g} .',
        f"<{doc}pa> <{pkg}implements> <{doc}c> {g} .",
        f'<{doc}c> <{pkg}key> "c" {g} .',
        f'<{doc}c> <{pkg}number> "1-NQ/TW" {g} .',
        f"<{doc}c> {a} <{pkg}CentralDirective> {g} .",
        f"<{doc}z> {a} <{pkg}CentralDirective> {g} .",
    ]
    quads += [f"<{doc}{d}> {a} <{pkg}Document> {g} ." for d in ("p", "pa", "c")]
    store = Store()
    store.load("\n".join(quads).encode("utf-8"), format=RdfFormat.N_QUADS)
    rows = api.task_lineage(store)
    assert [r["task"]["key"] for r in rows] == ["p#a#x y", "p#b", "p#z"]
    assert rows[0]["task"]["iri"] == f"{doc}pa/task/x%20y"
    central = {"iri": f"{doc}c", "number": "1-NQ/TW", "key": "c"}
    assert rows[0]["central"] == [central]
    assert rows[0]["paths"] == [[{"iri": f"{doc}pa", "number": None, "key": "p#a"}, central]]
    assert rows[1]["paths"] == rows[2]["paths"] == [] and rows[1]["central"] == []


def test_the_document_index_agrees_with_the_documents_triples(corpus_store) -> None:
    """The build-time document index (what the lineage of all tasks and the audit read)
    gives every document's key, number and first missing identity field as the queries
    over the documents' own triples do."""
    from policykg.queries import document_index
    from policykg.queries.runner import load_query, run_query

    index = document_index.read_index(corpus_store)
    assert index is not None and len(index) > 50
    assert any(missing for _, _, missing in index.values())  # the gaps are compared too
    by_triples = {
        r["doc"]: (r["key"], r["number"])
        for r in run_query(corpus_store, load_query("document-labels"))
    }
    assert document_index.document_labels(corpus_store, index) == by_triples
    assert document_index.unidentified_documents(corpus_store, index) == run_query(
        corpus_store, load_query("unidentified-documents")
    )


def test_a_graph_without_the_document_index_gives_the_same_lineage_and_audit(
    corpus_build, corpus_store
) -> None:
    """A graph published by an older version has no ``pkg:documentIndex``: the lineage of
    all tasks and the audit then read the documents' triples, with the same result."""
    from datetime import date

    from policykg.queries.audit import audit

    store = _export_without(corpus_build, "documentIndex")
    assert api.task_lineage(store) == api.task_lineage(corpus_store)
    as_of = date(2026, 1, 1)
    assert audit(store, as_of=as_of) == audit(corpus_store, as_of=as_of)


def _body_tasks(text: str) -> dict[str, object]:
    from policykg.graph.segment import segment
    from policykg.graph.tasks import body_tasks
    from policykg.graph.textview import make_view

    view = make_view(text)
    return {t.path: t for t in body_tasks(view, segment(view, 0, len(view.norm))).tasks}


def test_a_heading_paragraph_hands_its_roles_to_the_bullets_after_it() -> None:
    found = _body_tasks(
        "II. NHIỆM VỤ\n1. Xúc tiến thương mại\n"
        "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với Phòng Kinh tế thực hiện:\n"
        "+ Tổ chức hội chợ nông sản hằng năm.\n+ Xây dựng gian hàng trực tuyến.\n"
        "2. Đào tạo nguồn nhân lực\n+ Mở lớp tập huấn.\n"
    )
    for path in ("II.1-1", "II.1-2"):
        assert [s.agency.name for s in found[path].lead] == ["Phòng Tài chính - Kế hoạch"]
        assert [s.agency.name for s in found[path].coordinating] == ["Phòng Kinh tế"]
    assert found["II.2-1"].lead == []  # the heading's scope ends with its item


@pytest.mark.parametrize(
    "closing",
    [
        "Kế hoạch này được phổ biến đến chi bộ./.\n",
        "Chương trình hành động này được phổ biến đến chi bộ.\nT/M TỈNH ỦY\nBÍ THƯ\n",
        "Trên đây là Kế hoạch thực hiện Kết luận số 70-KL/TW, yêu cầu các cơ quan, đơn vị"
        " nghiêm túc triển khai thực hiện./.\n",
        "Yêu cầu Thủ trưởng các cơ quan, đơn vị, Chủ tịch Ủy ban nhân dân các xã, phường"
        " khẩn trương triển khai thực hiện./.\n",
        "Văn phòng Ủy ban nhân dân tỉnh thông báo để các sở, ngành, địa phương biết, thực"
        " hiện./.\n",
    ],
)
def test_what_a_text_says_of_itself_and_its_signature_are_no_tasks(closing: str) -> None:
    found = _body_tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n1. Ban Tuyên giáo Tỉnh ủy chủ trì tuyên truyền.\n" + closing
    )
    assert sorted(found) == ["IV.1"]


def test_a_date_in_the_tasks_object_is_not_its_deadline() -> None:
    found = _body_tasks(
        "II. NHIỆM VỤ\n1. Phòng Kinh tế rà soát các hợp tác xã thành lập trước ngày 01/7/2024"
        " tổ chức lại theo Luật Hợp tác xã 2023; hoàn thành trong Quý II/2025.\n"
    )
    assert str(found["II.1"].deadline.end) == "2025-06-30"


def test_of_several_milestones_the_last_ends_the_task() -> None:
    found = _body_tasks(
        "II. NHIỆM VỤ\n1. Sở Kế hoạch và Đầu tư tổng hợp, báo cáo trước ngày 20/12/2024 và "
        "trước ngày 20/12/2025.\n"
    )
    assert str(found["II.1"].deadline.end) == "2025-12-20"


def test_a_paragraph_that_says_who_does_the_item_above_is_no_task_of_its_own() -> None:
    found = _body_tasks(
        "II. NHIỆM VỤ\n1. Xúc tiến thương mại\na) Xây dựng cơ sở dữ liệu sản phẩm của hợp tác"
        " xã.\nGiao Sở Công Thương chủ trì, phối hợp với Liên minh Hợp tác xã tỉnh thực hiện;"
        " hoàn thành tháng 9/2024.\nb) Tổ chức hội chợ.\n"
        "Sở Công Thương chủ trì tổ chức hội chợ nông sản tại các huyện vùng sâu.\n"
    )
    assert [s.agency.name for s in found["II.1.a"].lead] == ["Sở Công Thương"]
    assert [s.agency.name for s in found["II.1.a"].coordinating] == ["Liên minh Hợp tác xã tỉnh"]
    assert str(found["II.1.a"].deadline.end) == "2024-09-30"
    assert "II.1.a.p1" not in found
    # a paragraph that gives work of its own ("tổ chức hội chợ … tại …") stays a task
    assert "II.1.b.p1" in found and found["II.1.b"].lead == []


def test_a_last_request_with_work_of_its_own_stays_a_task() -> None:
    found = _body_tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n1. Ban Tuyên giáo Tỉnh ủy chủ trì tuyên truyền.\n"
        "Yêu cầu Giám đốc các sở, ban, ngành định kỳ hằng quý báo cáo kết quả thực hiện về"
        " Sở Nội vụ./.\n"
    )
    assert sorted(found) == ["IV.1", "IV.1.p1"]
    assert found["IV.1.p1"].deadline.recurrence == "quarterly"


def test_a_paragraph_with_its_own_lead_takes_no_request_from_the_item_above() -> None:
    found = _body_tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh phối hợp"
        " tuyên truyền.\nSở Nội vụ tổng hợp, báo cáo kết quả hằng quý.\n"
    )
    assert [s.agency.name for s in found["IV.2.p1"].lead] == ["Sở Nội vụ"]
    assert found["IV.2.p1"].requested == []
    assert found["IV.2"].requested != []


def test_a_request_over_items_asks_the_bodies_they_name() -> None:
    """ "6. Đề nghị các sở, ngành liên quan" over "+ Sở …: …" items, and a section that opens
    with "Đề nghị … thực hiện các nội dung sau:" over agency headings: every body named
    below is asked (requested), not assigned; those it coordinates with stay."""
    found = _body_tasks(
        "III. NHIỆM VỤ\n6. Đề nghị các sở, ngành, đơn vị liên quan\n"
        "- Sở Giáo dục và Đào tạo: lồng ghép nội dung truyền thông vào trường học.\n"
        "- Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Y tế đưa tin hằng tháng.\n"
        "IV. TRÁCH NHIỆM CỦA CÁC TỔ CHỨC THÀNH VIÊN\n"
        "Đề nghị các tổ chức chính trị - xã hội tỉnh thực hiện các nội dung sau:\n"
        "1. Hội Nông dân tỉnh\n- Vận động hội viên tham gia hợp tác xã.\n"
    )
    assert [s.agency.name for s in found["III.6-1"].requested] == ["Sở Giáo dục và Đào tạo"]
    assert found["III.6-2"].lead == []
    assert [s.agency.name for s in found["III.6-2"].requested] == ["Sở Thông tin và Truyền thông"]
    assert [s.agency.name for s in found["III.6-2"].coordinating] == ["Sở Y tế"]
    assert found["IV.1-1"].lead == []
    assert [s.agency.name for s in found["IV.1-1"].requested] == ["Hội Nông dân tỉnh"]


def test_a_reporting_section_holds_tasks() -> None:
    found = _body_tasks(
        "V. CHẾ ĐỘ BÁO CÁO\n1. Phòng Kế hoạch - Tài chính tổng hợp, báo cáo UBND tỉnh trước"
        " ngày 25/12/2024.\n"
    )
    assert str(found["V.1"].deadline.end) == "2024-12-25"


def test_an_items_field_lines_are_its_roles_not_tasks() -> None:
    """ "a) Rà soát …" then "- Đơn vị chủ trì: Sở Tư pháp.", "- Đơn vị phối hợp: …",
    "- Thời gian hoàn thành: …", "- Sản phẩm: …": one task with its lead, coordinating
    bodies and deadline; the field lines are none."""
    found = _body_tasks(
        "II. NHIỆM VỤ CỤ THỂ\n1. Nhóm nhiệm vụ hoàn thiện thể chế\n"
        "a) Rà soát các văn bản quy phạm pháp luật của tỉnh.\n"
        "- Đơn vị chủ trì: Sở Tư pháp.\n- Đơn vị phối hợp: Công an tỉnh, các sở, ban, ngành.\n"
        "- Thời gian hoàn thành: Quý II/2024.\n- Sản phẩm: Quyết định bãi bỏ văn bản.\n"
    )
    assert sorted(found) == ["II.1.a"]
    task = found["II.1.a"]
    assert [s.agency.name for s in task.lead] == ["Sở Tư pháp"]
    assert [s.agency.name for s in task.coordinating] == ["Công an tỉnh", "Các sở, ban, ngành"]
    assert str(task.deadline.end) == "2024-06-30"
