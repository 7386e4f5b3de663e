"""The legal-basis audit on the corpus, on a plan whose chain is broken, and its report."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.build import cli
from policykg.graph.pipeline import build
from policykg.graph.store import open_store
from policykg.queries.audit import UnknownFindingKind, audit, render_html, render_markdown

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BROKEN = (Path(__file__).parent / "golden" / "audit" / "laocai-2020-kh77.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def corpus_findings(corpus_store):
    return audit(corpus_store, as_of=date(2026, 1, 1))


def _by_kind(findings, kind):
    return [f for f in findings if f.kind == kind]


def test_hcm_2008_items_without_a_lead_are_named(corpus_findings) -> None:
    hcm = {
        f.subject["label"].rsplit("#", 1)[1]
        for f in _by_kind(corpus_findings, "no-lead")
        if f.subject["label"].startswith("ho-chi-minh:KH-UBND")
    }
    assert hcm == {"III.1", "III.1.1", "III.1.2", "III.3"}


def test_reading_anomalies_are_findings(corpus_findings) -> None:
    kinds = {f.message.split(":", 1)[0] for f in _by_kind(corpus_findings, "inconsistency")}
    assert kinds == {
        "cited-under-two-symbols", "conflicting-dates", "deadline-disagreement",
        "lead-also-coordinating", "numbering-gap", "unnumbered-document",
    }  # fmt: skip
    gap = next(f for f in _by_kind(corpus_findings, "inconsistency") if "XII missing" in f.message)
    assert gap.plan == "hai-phong:435/KH-UBND" and gap.evidence[0]["file"].startswith("haiphong")


def test_deadlines_passed_depend_on_the_date(corpus_store) -> None:
    early = _by_kind(audit(corpus_store, as_of=date(2008, 4, 1)), "deadline-passed")
    late = _by_kind(audit(corpus_store, as_of=date(2026, 1, 1)), "deadline-passed")
    assert len(early) == 4 < len(late)
    assert all("whether the task was done is not known" in f.message for f in late)


def test_every_plan_of_the_corpus_reaches_a_central_directive(corpus_findings) -> None:
    assert _by_kind(corpus_findings, "no-path-to-central") == []


def test_an_injected_plan_with_a_broken_chain(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "laocai-2020-kh77.txt").write_text(BROKEN, "utf-8")
    report = build([corpus], tmp_path / "out")
    findings = audit(open_store(report.out_dir), as_of=date(2026, 1, 1))
    broken = _by_kind(findings, "no-path-to-central")
    assert {f.plan for f in broken} == {"lao-cai:77/KH-UBND"}
    assert len(broken) == 2
    assert "it only mentions 56-KL/TW" in broken[0].message
    page = render_html(findings, date(2026, 1, 1))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page or "script" not in page
    assert "<script" not in render_markdown(findings, date(2026, 1, 1))


def test_the_build_writes_the_report_and_audit_fails_on_request(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--out", str(tmp_path), "build"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "current" / "audit.html").read_text("utf-8")
    assert page.index("no-lead") < page.index("ho-chi-minh")  # counts first
    assert (tmp_path / "current" / "audit.md").read_text("utf-8").startswith("# Legal-basis audit")
    ok = runner.invoke(cli, ["--out", str(tmp_path), "audit", "--kind", "no-lead"])
    assert ok.exit_code == 0 and "no agency is named to lead this task" in ok.output
    failing = runner.invoke(cli, ["--out", str(tmp_path), "audit", "--fail-on", "no-lead"])
    assert failing.exit_code == 4
    bad = runner.invoke(cli, ["--out", str(tmp_path), "audit", "--kind", "nope"])
    assert bad.exit_code == 1


def test_unknown_kinds_are_refused(corpus_store) -> None:
    with pytest.raises(UnknownFindingKind, match="the kinds are"):
        audit(corpus_store, kinds=["nope"])


def test_superseded_bases_come_from_the_registry_with_dates(corpus_store) -> None:
    late = _by_kind(audit(corpus_store, as_of=date(2026, 1, 1)), "superseded-basis")
    coop = [
        f
        for f in late
        if "rests on Luật Hợp tác xã 2012, replaced by Luật Hợp tác xã 2023" in f.message
    ]
    assert {f.plan for f in coop} >= {"ho-chi-minh:3064/QĐ-UBND/KH", "hai-phong:435/KH-UBND"}
    assert all("in force since 2024-07-01" in f.message for f in coop)
    assert all(e.get("source", "").startswith("http") for f in coop for e in f.evidence[1:])
    before = _by_kind(audit(corpus_store, as_of=date(2024, 6, 30)), "superseded-basis")
    assert not any("Luật Hợp tác xã 2023" in f.message for f in before)
    assert any("replaced by Luật Hợp tác xã 2012" in f.message for f in before)


def test_findings_come_by_plan_kind_and_subject(corpus_store) -> None:
    """The report order: plan, kind (in the order of KINDS), subject label; and asking for
    some kinds gives exactly those findings of the whole audit."""
    from policykg.queries.audit import KINDS

    findings = audit(corpus_store, as_of=date(2026, 1, 1))
    keys = [(f.plan, KINDS.index(f.kind), f.subject["label"]) for f in findings]
    assert keys == sorted(keys) and len(set(keys)) > 100
    some = ["no-deadline", "agency-defunct"]
    assert [f.as_dict() for f in audit(corpus_store, as_of=date(2026, 1, 1), kinds=some)] == [
        f.as_dict() for f in findings if f.kind in some
    ]


def test_the_audit_reads_the_unresolved_citations_the_query_gives(corpus_store) -> None:
    """The audit reads unresolved citations by index lookups (documents first, then their
    citations); the rows are those of the public query ``unresolved-citations``."""
    from policykg.queries.audit import unresolved_citations
    from policykg.queries.runner import load_query, run_query

    by_query = run_query(corpus_store, load_query("unresolved-citations"))
    labels = {
        r["doc"]: (r["key"], r["number"])
        for r in run_query(corpus_store, load_query("document-labels"))
    }
    assert unresolved_citations(corpus_store, labels) == by_query and len(by_query) > 3
