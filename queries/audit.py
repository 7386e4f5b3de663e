"""The legal-basis audit: which tasks rest on nothing, on something replaced, or lack what a
task needs (a lead, a deadline), each finding with a plain message and its evidence.

Kinds:

- ``no-path-to-central``: the task's plan has no implements / based-on path to a central
  directive (the message lists the central documents the plan merely mentions);
- ``unresolved-citation``: the task or its plan cites a document the graph knows only
  partially (no year, issuer or type);
- ``superseded-basis``: a document the task rests on (its plan, the plan's lineage, the
  decision issuing it and that decision's bases, or a document its own text cites) was
  replaced or repealed by a later one, in force before ``as_of``;
- ``agency-defunct``: a lead or coordinating agency of the task no longer exists on
  ``as_of`` (renamed, merged, abolished, its province merged); the message says what carries
  its competence, or plainly that no single body does (the districts);
- ``no-lead``, ``no-deadline``;
- ``deadline-passed``: the deadline ended before ``as_of`` (whether the task was done is not
  known, and the message says no more than that);
- ``inconsistency``: an anomaly found while reading the text.

Every function takes an open store and returns plain data; :func:`render_markdown` and
:func:`render_html` write the report (counts first, grouped by plan and by kind).
"""

from __future__ import annotations

import html
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import accumulate
from operator import attrgetter
from pathlib import Path
from urllib.parse import unquote

from pyoxigraph import Store

from policykg.graph.analyse import no_cycle_collection
from policykg.ontology.errors import PolicyKGError
from policykg.queries.audit_reads import (
    Documents,
    TaskRecord,
    tasks_from_tables,
    tasks_from_triples,
    unresolved_citations,
)
from policykg.queries.lineage import all_lineages, compute_lineage, graph_map, reaches_central
from policykg.queries.runner import load_query, run_query
from policykg.queries.successors import SuccessionTable

KINDS = (
    "no-path-to-central",
    "unresolved-citation",
    "superseded-basis",
    "agency-defunct",
    "no-lead",
    "no-deadline",
    "deadline-passed",
    "inconsistency",
)


class UnknownFindingKind(PolicyKGError):
    """A finding kind that the audit does not know."""


@dataclass(slots=True)
class Finding:
    """One audit finding: what, about what, why, and the evidence it rests on."""

    kind: str
    subject: dict  # {iri, label}
    message: str
    plan: str  # the key of the plan the subject belongs to
    evidence: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The JSON shape: kind, subject, message, evidence (and plan)."""
        return asdict(self)


def check_kinds(kinds: list[str] | tuple[str, ...]) -> list[str]:
    """Validate finding kinds given by a user."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UnknownFindingKind(
            f"unknown finding kind {unknown[0]!r}; the kinds are: {', '.join(KINDS)}"
        )
    return list(kinds)


def _label(doc: dict) -> str:
    """How a finding names a document: a law by its name and year, others by number."""
    if doc.get("type") == "LUAT" or not doc.get("number"):
        return doc["key"]
    return doc["number"]


def _ref(doc: dict) -> dict:
    return {"iri": doc["iri"], "label": _label(doc)}


def _task_subject(task: TaskRecord) -> dict:
    """A task as a finding's subject (one dict for all the task's findings; the hot loops
    call this only when ``task.subject`` is not yet made)."""
    subject = task.subject
    if subject is None:
        subject = task.subject = {"iri": task.iri, "label": task.key}
    return subject


class _Audit:
    def __init__(self, store: Store, as_of: date):
        self.store = store
        self.as_of = as_of
        self.docs = Documents(store)
        tasks = tasks_from_tables(store, self.docs)
        # each plan's tasks in key order, so findings about tasks are made in report order
        self.tasks = tasks if tasks is not None else tasks_from_triples(store, as_of)
        self.successions = SuccessionTable.read(store)
        self.edges, self.central = graph_map(run_query(store, load_query("lineage-graph")))
        self.out = _Groups()
        self._bases: dict[str, list[str]] = {}
        self._useful: set[str] | None = None
        self._plans: dict[str, list[TaskRecord]] | None = None

    def plan_bases(self, plan: str) -> list[str]:
        """What a plan rests on: itself, the decision issuing it, what either names in its
        "căn cứ" or implements, and every document on their paths to central directives
        (computed once per plan: a plan has thousands of tasks at national scale)."""
        if plan not in self._bases:
            self._bases[plan] = self._plan_bases(plan)
        return self._bases[plan]

    def _plan_bases(self, plan: str) -> list[str]:
        starts = [plan, *self.docs.attached(plan)]
        out: list[str] = list(starts)
        for start in starts:
            out += self.edges.get(start, [])
        if self._useful is None:  # shared by every plan: computed once
            self._useful = reaches_central(self.edges, self.central)
        for start in starts:
            lin = compute_lineage(self.edges, self.central, start, _useful=self._useful)
            out += [iri for path in lin.paths for iri in path]
        return list(dict.fromkeys(out))

    def run(self, kinds: list[str]) -> list[Finding]:
        """The findings of ``kinds``, by plan, kind and subject (in the order they were
        found where those are equal)."""
        for kind, find in (
            ("no-path-to-central", self.no_path),
            ("unresolved-citation", self.unresolved),
            ("superseded-basis", self.superseded),
            ("agency-defunct", self.defunct),
            ("inconsistency", self.inconsistencies),
        ):
            if kind in kinds:
                find()
        if {"no-lead", "no-deadline", "deadline-passed"} & set(kinds):
            self.lead_and_deadline()
        # the kinds found task by task (tasks in key order) need no sorting
        return self.out.in_report_order(kinds, unsorted={"unresolved-citation", "inconsistency"})

    # kinds ------------------------------------------------------------------------------

    def _by_plan(self) -> dict[str, list[TaskRecord]]:
        """The tasks by plan (each plan's in key order), made once."""
        if self._plans is None:
            self._plans = defaultdict(list)
            for t in self.tasks:
                self._plans[t.plan].append(t)
        return self._plans

    # Findings of one cause share their message and evidence objects: a national graph has
    # millions of findings, most of them a plan's or an agency's repeated over its tasks.

    def no_path(self) -> None:
        by_plan = self._by_plan()
        plans = sorted(by_plan)
        starts = {p: [p, *self.docs.attached(p)] for p in plans}
        flat = [s for ss in starts.values() for s in ss]
        reached = {
            lin.start: bool(lin.paths) for lin in all_lineages(self.edges, self.central, flat)
        }
        central = self._central_set()
        for plan_iri in plans:
            if any(reached.get(s) for s in starts[plan_iri]):
                continue
            plan = self.docs.full(plan_iri)
            mentioned = sorted(
                c["number"] or c["key"] for c in plan["cites"] if c["iri"] in central
            )
            also = (
                f"; it only mentions {', '.join(mentioned)}"
                if mentioned
                else "; it mentions no central directive"
            )
            message = (
                f"the plan {plan['key']} has no implements or based-on path to any "
                f"central directive{also}"
            )
            evidence = [_ref(plan)] + [
                {"iri": c["iri"], "label": c["number"] or c["key"]}
                for c in plan["implements"] + plan["based_on"]
            ]
            self.out.of(plan["key"], "no-path-to-central").extend(
                Finding("no-path-to-central", _task_subject(t), message, plan["key"], evidence)
                for t in by_plan[plan_iri]
            )

    def _central_set(self) -> set[str]:
        return self.docs.central

    def unresolved(self) -> None:
        rows = unresolved_citations(self.store, self.docs.labels, self.docs.index)
        if not rows:
            return
        files = {r["file"] for r in rows}
        by_file_task = defaultdict(list)
        for t in self.tasks:
            if t.file in files and t.start is not None and t.end is not None:
                by_file_task[t.file].append(t)
        placed = {file: _SpanIndex(tasks) for file, tasks in by_file_task.items()}
        nowhere = _SpanIndex([])
        for r in rows:
            task = placed.get(r["file"], nowhere).first_containing(r["start"])
            plan_key = r["citing_key"]
            subject = (
                _task_subject(task)
                if task
                else {"iri": self._iri_of_key(plan_key), "label": plan_key}
            )
            self.out.add(
                Finding(
                    "unresolved-citation",
                    subject,
                    f"cites {r['surface']!r}, which the texts give no {r['missing']} for: the "
                    "document cannot be identified for sure",
                    task.plan_key if task else plan_key,
                    [
                        {
                            "file": r["file"],
                            "start": r["start"],
                            "end": r["end"],
                            "quote": r["surface"],
                        }
                    ],
                )
            )

    def _iri_of_key(self, key: str) -> str:
        return self.docs.iri_of_key(key)

    def superseded(self) -> None:
        replaced: dict[str, list[dict]] = defaultdict(list)
        for r in run_query(self.store, load_query("replaced-documents")):
            if r["relation"] != "replaces":
                continue
            since = r["in_force"] or (self.docs.full(r["by"]) or {}).get("date")
            if since and date.fromisoformat(since) > self.as_of:
                continue
            replaced[r["replaced"]].append({**r, "since": since})
        if not replaced:
            return
        causes: dict[str, list[tuple[str, list[dict]]]] = {}

        def because(basis: str) -> list[tuple[str, list[dict]]]:
            """(message, evidence) of each replacement of ``basis`` (computed once)."""
            if basis not in causes:
                causes[basis] = []
                for r in replaced.get(basis, ()):
                    doc = self.docs.full(basis) or {"key": r["replaced_key"], "number": None}
                    name = _label(doc)
                    since = f" in force since {r['since']}" if r["since"] else ""
                    where = "the curated registry" if r["curated"] else "a corpus text"
                    later, evidence = _later(replaced, r["by"])
                    causes[basis].append(
                        (
                            f"rests on {name}, replaced by {r['by_key']}{since}{later}"
                            f" (as of {self.as_of.isoformat()}; per {where})",
                            [
                                {"iri": basis, "label": name},
                                {"iri": r["by"], "label": r["by_key"], "source": r["source"]},
                                *evidence,
                            ],
                        )
                    )
            return causes[basis]

        for plan_iri, tasks in self._by_plan().items():
            plan_key = self.docs.key(plan_iri)
            group = self.out.of(plan_key, "superseded-basis")
            bases = self.plan_bases(plan_iri)
            own = set(bases)
            shared = [c for b in bases for c in because(b)]
            if not shared and not any(t.cites for t in tasks):
                continue  # the usual plan: nothing it or its tasks rest on was replaced
            for task in tasks:
                found = shared
                if task.cites:
                    more = [b for b in dict.fromkeys(task.cites) if b not in own]
                    found = shared + [c for b in more for c in because(b)]
                if found:
                    subject = task.subject or _task_subject(task)  # one for its findings
                    group += [
                        Finding("superseded-basis", subject, msg, plan_key, ev) for msg, ev in found
                    ]

    def defunct(self) -> None:
        causes: dict[str, dict[tuple[str, str], tuple[str, list[dict]] | None]] = {
            "lead": {},
            "coordinating": {},
        }

        def because(named: tuple[str, str], role: str) -> tuple[str, list[dict]] | None:
            """(message, evidence) when the agency is defunct as of the date (once each)."""
            known = causes[role]
            if named not in known:
                name, iri = named
                status = self.successions.status(iri, self.as_of)
                e = status.ending
                known[named] = (
                    None
                    if e is None
                    else (
                        f"{status.message(role)} (as of {self.as_of.isoformat()})",
                        [
                            {"iri": iri, "label": name, "role": role},
                            {
                                "event": e.event,
                                "iri": e.change,
                                "label": e.instrument,
                                "source": e.source,
                                "confidence": e.confidence,
                            },
                            *({"iri": c.iri, "label": c.name} for c in status.carriers),
                        ],
                    )
                )
            return known[named]

        # the tasks of a table share the lists of their agencies (one per distinct field):
        # the causes of a pair of lists are found once (the lists are kept alive with them,
        # so their ids stay theirs)
        pairs: dict[tuple[int, int], tuple[list, list, list[tuple[str, list[dict]]]]] = {}
        plan, group = None, []
        for task in self.tasks:
            pair = (id(task.lead), id(task.coordinating))
            known = pairs.get(pair)
            if known is None:
                found = [because(e, "lead") for e in task.lead]
                found += [because(e, "coordinating") for e in task.coordinating]
                known = pairs[pair] = (task.lead, task.coordinating, [f for f in found if f])
            if known[2]:
                if task.plan_key != plan:
                    plan, group = task.plan_key, self.out.of(task.plan_key, "agency-defunct")
                subject = task.subject or _task_subject(task)
                group += [Finding("agency-defunct", subject, m, plan, e) for m, e in known[2]]

    def lead_and_deadline(self) -> None:
        as_of = self.as_of.isoformat()
        plan, groups = None, {}
        for task in self.tasks:
            no_lead = not task.lead and not task.requested
            deadline = task.deadline
            passed = (
                deadline is not None
                and deadline[1] is not None
                and (  # ISO dates compare as text
                    deadline[1] < as_of
                    if len(deadline[1]) == 10
                    else date.fromisoformat(deadline[1]) < self.as_of
                )
            )
            if not (no_lead or deadline is None or passed):
                continue
            if task.plan_key != plan:
                plan = task.plan_key
                groups = {
                    k: self.out.of(plan, k) for k in ("no-lead", "no-deadline", "deadline-passed")
                }
            subject = task.subject or _task_subject(task)  # one for the task's findings
            span = [
                {
                    "file": task.file,
                    "start": task.start,
                    "end": task.end,
                    "quote": unquote(task.quote) if "%" in task.quote else task.quote,
                }
            ]
            if no_lead:
                groups["no-lead"].append(
                    Finding(
                        "no-lead",
                        subject,
                        "no agency is named to lead this task",
                        plan,
                        span,
                    )
                )
            if deadline is None:
                groups["no-deadline"].append(
                    Finding(
                        "no-deadline",
                        subject,
                        "no deadline is given for this task or its group",
                        plan,
                        span,
                    )
                )
            elif passed:
                groups["deadline-passed"].append(
                    Finding(
                        "deadline-passed",
                        subject,
                        f"the deadline ({unquote(deadline[0])}) ended on {deadline[1]}, before "
                        f"{as_of}; whether the task was done is not known",
                        plan,
                        span,
                    )
                )

    def inconsistencies(self) -> None:
        grouped: dict[str, dict] = {}
        for r in run_query(self.store, load_query("anomalies")):
            entry = grouped.setdefault(
                r["anomaly"],
                {
                    "kind": r["kind"],
                    "message": r["message"],
                    "doc": r["doc"],
                    "key": r["key"],
                    "evidence": [],
                },
            )
            if r["file"]:
                entry["evidence"].append(
                    {"file": r["file"], "start": r["start"], "end": r["end"], "quote": r["quote"]}
                )
        for entry in grouped.values():
            self.out.add(
                Finding(
                    "inconsistency",
                    {"iri": entry["doc"] or "", "label": entry["key"] or ""},
                    f"{entry['kind']}: {entry['message']}",
                    entry["key"] or "",
                    sorted(entry["evidence"], key=lambda e: (e["file"], e["start"])),
                )
            )


class _SpanIndex:
    """A file's tasks in (start, key) order, to find the first that contains an offset in
    log time (a national graph has tens of thousands of citations to place in files of
    thousands of tasks; spans may nest or overlap).

    >>> from types import SimpleNamespace as T
    >>> index = _SpanIndex([T(start=0, end=50, key="a"), T(start=10, end=20, key="b"),
    ...                     T(start=60, end=70, key="c")])
    >>> [t and t.key for t in map(index.first_containing, (15, 55, 65, 70))]
    ['a', None, 'c', None]
    """

    def __init__(self, tasks: list[TaskRecord]) -> None:
        self.tasks = sorted(tasks, key=attrgetter("start", "key"))
        self.starts = [t.start for t in self.tasks]
        # the furthest end of each prefix: the first task containing an offset is the first
        # whose prefix reaches past it, if that task starts at or before the offset
        self.reach = list(accumulate((t.end for t in self.tasks), max))

    def first_containing(self, offset: int) -> TaskRecord | None:
        """The first task (in (start, key) order) with start <= offset < end."""
        i = bisect_right(self.reach, offset)
        if i < len(self.tasks) and self.starts[i] <= offset:
            return self.tasks[i]
        return None


class _Groups:
    """Findings by (plan, kind), each group in the order its findings were made: the report
    order is the groups' order, each group sorted by subject label (stably), which is one
    sort of a few thousand keys instead of one of millions of findings by a composite key."""

    def __init__(self) -> None:
        self._rank = {k: i for i, k in enumerate(KINDS)}
        self._groups: dict[tuple[str, int], list[Finding]] = {}

    def of(self, plan: str, kind: str) -> list[Finding]:
        """The group of findings of ``kind`` about ``plan`` (append to it)."""
        key = (plan, self._rank[kind])
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = []
        return group

    def add(self, finding: Finding) -> None:
        self.of(finding.plan, finding.kind).append(finding)

    def in_report_order(self, kinds: list[str], *, unsorted: set[str]) -> list[Finding]:
        """The findings of ``kinds`` by plan, kind and subject label; only the groups of the
        ``unsorted`` kinds are sorted (the others were made in label order)."""
        out: list[Finding] = []
        for key in sorted(self._groups):
            kind = KINDS[key[1]]
            if kind in kinds:
                group = self._groups[key]
                if kind in unsorted:
                    group.sort(key=_subject_label)
                out += group
        return out


def _subject_label(f: Finding) -> str:
    return f.subject["label"]


def _later(replaced: dict[str, list[dict]], by: str) -> tuple[str, list[dict]]:
    """The replacements of a replacing document in turn, up to the one in force ("…, itself
    replaced by Luật … (72/2025/QH15) in force since 2025-06-16"), and their evidence.

    >>> r = {"b": [{"by": "c", "by_key": "C", "since": "2025-06-16", "source": None}]}
    >>> _later(r, "b")[0]
    ', itself replaced by C in force since 2025-06-16'
    """
    text, evidence, seen = "", [], {by}
    while replaced.get(by):
        r = replaced[by][0]
        if r["by"] in seen:
            break
        seen.add(r["by"])
        since = f" in force since {r['since']}" if r["since"] else ""
        text += f", itself replaced by {r['by_key']}{since}"
        evidence.append({"iri": r["by"], "label": r["by_key"], "source": r["source"]})
        by = r["by"]
    return text, evidence


def audit(
    store: Store, *, as_of: date | None = None, kinds: list[str] | None = None
) -> list[Finding]:
    """Every finding (or those of ``kinds``) as of a date (default: today)."""
    wanted = check_kinds(kinds or list(KINDS))
    with no_cycle_collection():  # millions of findings at national scale, and no cycle
        return _Audit(store, as_of or date.today()).run(wanted)


def write_reports(store: Store, directory: Path, *, as_of: date) -> int:
    """Write ``audit.md`` and ``audit.html`` into a build directory; returns the finding count."""
    findings = audit(store, as_of=as_of)
    (directory / "audit.md").write_text(render_markdown(findings, as_of), "utf-8")
    (directory / "audit.html").write_text(render_html(findings, as_of), "utf-8")
    return len(findings)


# --- report ------------------------------------------------------------------------------------


def _counts(findings: list[Finding]) -> Counter:
    return Counter(f.kind for f in findings)


def _grouped(findings: list[Finding]):
    """(plan, summary of counts, [(kind, findings)]) for each plan, in order."""
    by_plan: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_plan[f.plan].append(f)
    for plan in sorted(by_plan):
        group = by_plan[plan]
        c = _counts(group)
        summary = "; ".join(f"{k}: {c[k]}" for k in KINDS if c.get(k))
        kinds = [(k, [f for f in group if f.kind == k]) for k in KINDS if c.get(k)]
        yield plan or "(no plan)", summary, kinds


def _evidence_text(e: dict) -> str:
    if "file" in e:
        quote = " ".join(str(e.get("quote") or "").split())[:100]
        return f"{e['file']} [{e['start']}–{e['end']}] “{quote}”"
    return str(e.get("label") or e.get("iri"))


def render_markdown(findings: list[Finding], as_of: date) -> str:
    """The audit report in Markdown: counts first, then by plan and by kind."""

    def md(text: str) -> str:
        return html.escape(text).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")

    lines = [f"# Legal-basis audit as of {as_of.isoformat()}", ""]
    counts = _counts(findings)
    lines += ["| kind | findings |", "|---|---|"]
    lines += [f"| {k} | {counts.get(k, 0)} |" for k in KINDS]
    lines += [f"| **total** | {len(findings)} |", ""]
    for plan, summary, kinds in _grouped(findings):
        lines += [f"## {md(plan)}", "", summary, ""]
        for kind, items in kinds:
            lines += [f"### {kind} ({len(items)})", ""]
            for f in items:
                lines.append(f"- **{md(f.subject['label'])}**: {md(f.message)}")
                for e in f.evidence[:3]:
                    lines.append(f"  - {md(_evidence_text(e))}")
            lines.append("")
    return "\n".join(lines)


_CSS = """body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .6rem;
text-align:left}h2{border-bottom:2px solid #36c;margin-top:2rem}.subject{font-weight:600}
.evidence{color:#555;font-size:.9em}details{margin:.3rem 0}"""


def render_html(findings: list[Finding], as_of: date) -> str:
    """The audit report as one self-contained HTML page (no scripts; every text escaped)."""
    e = html.escape
    counts = _counts(findings)
    parts = [
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>",
        f"<title>policykg audit {e(as_of.isoformat())}</title><style>{_CSS}</style></head><body>",
        f"<h1>Legal-basis audit as of {e(as_of.isoformat())}</h1>",
        "<table><tr><th>kind</th><th>findings</th></tr>",
    ]
    parts += [f"<tr><td>{e(k)}</td><td>{counts.get(k, 0)}</td></tr>" for k in KINDS]
    parts.append(f"<tr><th>total</th><th>{len(findings)}</th></tr></table>")
    for plan, summary, kinds in _grouped(findings):
        parts.append(f"<h2>{e(plan)}</h2><p>{e(summary)}</p>")
        for kind, items in kinds:
            parts.append(f"<details open><summary>{e(kind)} ({len(items)})</summary><ul>")
            for f in items:
                ev = "".join(f"<li>{e(_evidence_text(x))}</li>" for x in f.evidence[:3])
                parts.append(
                    f"<li><span class='subject'>{e(f.subject['label'])}</span>: {e(f.message)}"
                    f"<ul class='evidence'>{ev}</ul></li>"
                )
            parts.append("</ul></details>")
    parts.append("</body></html>")
    return "\n".join(parts)
