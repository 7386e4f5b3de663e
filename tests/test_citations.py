"""Citation extraction: golden cases (one directory per case) and the corpus hand count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policykg.graph.citations import find_mentions
from policykg.graph.textview import make_view

GOLDEN = Path(__file__).parent / "golden" / "citations"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def _observed(mention) -> dict:
    return {
        "kind": mention.ref.kind,
        "canonical": mention.ref.canonical,
        "type": mention.ref.type_code,
        "date": mention.date.isoformat() if mention.date else None,
        "issuer": mention.issuer_name,
        "place": mention.place,
        "plenum": mention.plenum,
        "term": mention.term,
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_citations(case: Path) -> None:
    text = (case / "input.txt").read_text("utf-8")
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    observed = [_observed(m) for m in find_mentions(make_view(text))]
    assert [{k: o[k] for k in e} for o, e in zip(observed, expected, strict=False)] == expected
    assert len(observed) == len(expected), [o["canonical"] for o in observed]


def test_mention_spans_point_at_the_symbol_in_the_original_text() -> None:
    text = "Căn cứ Kế hoạch số **435** /KH-UBND ngày 23 / 5 /2018 của UBND"
    view = make_view(text)
    (m,) = find_mentions(view)
    a, b = view.to_original(m.symbol_start, m.symbol_end)
    assert text[a:b] == "435** /KH-UBND"


def test_the_2025_ministry_of_agriculture_and_environment_issues_its_numbers() -> None:
    # Nghị quyết 176/2025/QH15 merged two ministries into Bộ Nông nghiệp và Môi trường
    from policykg.graph.registry import load_registry

    (m,) = find_mentions(make_view("Quyết định số 1486/QĐ-BNNMT ngày 26/5/2025"))
    assert m.ref.issuer_code == "BNNMT"
    issuer = load_registry().issuer_by_code(m.ref.issuer_code)
    assert issuer is not None and issuer.name == "Bộ Nông nghiệp và Môi trường"
