"""Tasks of documents the rules were not written against, checked against a hand reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policykg.graph.store import open_store
from policykg.queries import api

EXPECTED = json.loads(
    (Path(__file__).parent / "golden" / "unseen" / "expected_tasks.json").read_text("utf-8")
)
PLANS = sorted(k for k in EXPECTED if not k.startswith("_"))


@pytest.fixture(scope="module")
def found(mixed_build) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for task in api.tasks(open_store(mixed_build.out_dir)):
        out.setdefault(task["document"]["key"], {})[task["path"]] = task
    return out


def _matches(expected: dict, task: dict | None) -> bool:
    if task is None:
        return False
    names = {
        role: sorted(a["name"] for a in task[role])
        for role in ("lead", "coordinating", "requested")
    }
    for role in ("lead", "coordinating", "requested"):
        if role in expected and sorted(expected[role]) != names[role]:
            return False
    deadline = task["deadline"] or {}
    if "deadline_end" in expected and deadline.get("end") != expected["deadline_end"]:
        return False
    return "recurrence" not in expected or deadline.get("recurrence") == expected["recurrence"]


def _right(expected: dict, tasks: dict[str, dict]) -> bool:
    """Whether the build reads the task as the hand reading does (an ``absent`` entry: a
    task the careful reader would not count, so right when the build has no such task)."""
    if expected.get("absent"):
        return expected["path"] not in tasks
    return _matches(expected, tasks.get(expected["path"]))


@pytest.mark.parametrize("plan", PLANS)
def test_every_task_of_the_hand_reading_is_found_right(found, plan: str) -> None:
    tasks = found.get(plan, {})
    known = [e for e in EXPECTED[plan] if "gap" not in e]
    wrong = [e["path"] for e in known if not _right(e, tasks)]
    assert wrong == [], f"{plan}: wrong or missing {wrong}; found {sorted(tasks)}"
    paths = {e["path"] for e in EXPECTED[plan]}
    # a body task whose "body/" prefix is missing only because the text's appendix table is
    # not read (a known gap, marked on the appendix's rows) is the same task
    unread_table = {
        e["path"].removeprefix("body/")
        for e in EXPECTED[plan]
        if e["path"].startswith("body/") and "gap" in e
    }
    extra = sorted(set(tasks) - paths - unread_table)
    assert extra == [], f"{plan}: tasks a careful reader would not count: {extra}"


GAPS = [(p, e) for p in PLANS for e in EXPECTED[p] if "gap" in e]


@pytest.mark.parametrize(("plan", "entry"), GAPS, ids=[f"{p}#{e['path']}" for p, e in GAPS])
def test_a_known_misreading_is_still_wrong(found, plan: str, entry: dict) -> None:
    """A known gap (``"gap"``: why) that now reads right fails here: remove its mark."""
    assert not _right(entry, found.get(plan, {})), f"fixed: {entry['gap']}"


def test_accuracy_over_all_unseen_tasks(found) -> None:
    expected = [(p, e) for p in PLANS for e in EXPECTED[p]]
    right = sum(_right(e, found.get(p, {})) for p, e in expected)
    # a floor, raised as gaps are fixed: 203 of 232 tasks (87.5 %) read right in session 13;
    # in session 14, 207 of those 232, then 374 of 434 (86.2 %) with twelve more texts
    # (a commune's, a ward's and its Party committee's plans, a directive, a notice, a
    # letter, a Government resolution, texts from PDF and Word; the space-laid and grid
    # tables they bring, which are not read, are 24 of the gaps); in session 15, with the
    # tables read, 625 of 686 (91.1 %) with eight more texts (plans from PDFs through
    # pdftotext -layout, Party and ministry plans, a district's plan with an HTML appendix);
    # in session 16, 707 of 768 (92.1 %) with four more (a pandoc multiline table, a table
    # pasted one cell a line, a scan's OCR, a department's table with start and end dates),
    # all of whose 82 entries read right; then 951 of 1,033 (92.1 %) with eight more (plans
    # of a merged province after the 2025 reforms, a ward's and a Party programme; a city's
    # decision with its plan, an amending plan, a letter, a department's monthly work plan),
    # 198 of their 265 entries right as written, 239 after this session's fixes; in session
    # 17, 1,197 of 1,347 (88.9 %) with eight more (a city's plan with four levels of
    # numbering, a provincial steering committee's, a department's with a pipe table, a
    # district's; a People's Council's supervision plan, a social insurance office's, a
    # scheme with its task table, a commune's after 2025): 245 of their 314 entries right,
    # 249 after the session's rules (1,202 of 1,347 in all); in session 18, with sixteen more
    # (Party plans of a province and of a commune, a department's pipe and annual tables, a
    # Prime Minister's decision, a ward's plan, a joint plan, PDF and HTML texts with their
    # tables, field lines under each task, a merged province's plan, a district's decision
    # with its plan), 352 of their 505 entries right as written, 464 of 508 after the
    # session's rules, and 1,232 of the older 1,347: 1,696 of 1,855 (91.4 %)
    assert right / len(expected) >= 0.91, f"{right}/{len(expected)}"


AUDIT = json.loads(
    (Path(__file__).parent / "golden" / "unseen" / "expected_audit.json").read_text("utf-8")
)


def test_audit_of_unseen_documents_matches_a_hand_audit(mixed_build) -> None:
    from datetime import date

    from policykg.queries.audit import audit

    findings = audit(open_store(mixed_build.out_dir), as_of=date.fromisoformat(AUDIT["as_of"]))
    for plan, expected in AUDIT["plans"].items():
        got = [f for f in findings if f.plan == plan and f.kind != "inconsistency"]
        for kind, path, words in expected:
            assert any(
                f.kind == kind and f.subject["label"] == f"{plan}#{path}" and words in f.message
                for f in got
            ), (plan, kind, path, words)
        assert len(got) == len(expected), [(f.kind, f.subject["label"]) for f in got]
