"""Lineage on the corpus and on documents the rules were not written against."""

from __future__ import annotations

import pytest

from policykg.graph.store import open_store
from policykg.queries import api
from policykg.queries.lineage import lineage_paths


def _paths(store, ref: str) -> list[list[str]]:
    (row,) = api.lineage(store, ref)
    return [[d["number"] or d["key"] for d in p] for p in row["paths"]]


def test_decision_3064_reaches_13_nq_tw_through_134_and_70(corpus_store) -> None:
    paths = _paths(corpus_store, "3064/QĐ-UBND")
    assert ["3064/QĐ-UBND", "134/NQ-CP", "70-KL/TW", "13-NQ/TW"] in paths
    assert all(p[-1] == "13-NQ/TW" for p in paths)


def test_hanoi_plan_reaches_56_through_24(corpus_store) -> None:
    paths = _paths(corpus_store, "hanoi-kh-thuc-hien-ctr24-tu")
    assert [p[1:] for p in paths] == [["24-CTr/TU", "56-KL/TW"]]


def test_haiphong_plan_reaches_56(corpus_store) -> None:
    assert _paths(corpus_store, "hai-phong:435/KH-UBND") == [["435/KH-UBND", "56-KL/TW"]]


def test_hcm_2008_plan_reaches_the_fifth_plenum_resolution(corpus_store) -> None:
    paths = _paths(corpus_store, "hcm-2008-kh-thuc-hien-ct07-tu.txt")
    assert [p[1:] for p in paths] == [["07-NQ/TU", "13-NQ/TW"]]


def test_a_document_with_no_path_says_so(corpus_store) -> None:
    (row,) = api.lineage(corpus_store, "ho-chi-minh:07-CT/TU")
    assert row["paths"] == [] and row["central"] == []


def test_ambiguous_and_unknown_references_are_explained(mixed_build) -> None:
    store = open_store(mixed_build.out_dir)
    with pytest.raises(api.AmbiguousDocument, match="ho-chi-minh:07-CT/TU"):
        api.lineage(store, "07-CT/TU")
    with pytest.raises(api.UnknownDocument, match="policykg documents"):
        api.lineage(store, "999-KL/TW")


def test_unseen_documents_cascade(mixed_build) -> None:
    store = open_store(mixed_build.out_dir)
    paths = _paths(store, "can-tho:53/KH-UBND")
    assert sorted(p[1:] for p in paths) == [["09/NQ-CP", "20-NQ/TW"], ["49-CTr/TU", "20-NQ/TW"]]
    # Hà Tĩnh's directive cites 56-KL/TW "về đẩy mạnh thực hiện Nghị quyết Trung ương 5 khóa
    # IX": so 56-KL/TW implements 13-NQ/TW, and the cascade reaches the 2002 resolution
    assert _paths(store, "quang-ninh:120/KH-UBND") == [
        ["120/KH-UBND", "15-CTr/TU", "56-KL/TW", "13-NQ/TW"]
    ]


def test_a_new_central_resolution_is_recognised_without_code_changes(mixed_docs) -> None:
    # 20-NQ/TW (2022) appears in no corpus text and in no curated list
    assert mixed_docs["20-NQ/TW"]["central"] is True
    assert mixed_docs["09/NQ-CP"]["central"] is True
    assert mixed_docs["can-tho:49-CTr/TU"]["central"] is False


def test_local_numbers_stay_local(mixed_docs) -> None:
    sevens = {k for k in mixed_docs if k.endswith(":07-CT/TU")}
    assert sevens == {"ho-chi-minh:07-CT/TU", "quang-ninh:07-CT/TU", "can-tho:07-CT/TU"}
    assert len({mixed_docs[k]["iri"] for k in sevens}) == 3


def test_paths_are_maximal_and_cycle_safe() -> None:
    edges = {"a": ["b", "c"], "b": ["c"], "c": ["a", "d"], "d": []}
    assert lineage_paths(edges, {"c", "d"}, "a") == [["a", "b", "c", "d"], ["a", "c", "d"]]
