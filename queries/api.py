"""The Python API behind the read commands: documents and lineage as plain dicts.

Every function takes an open store (see :func:`policykg.graph.store.open_store`) and
returns rows shaped as the JSON contract in the README says.

>>> import tempfile, pathlib
>>> from policykg.graph.pipeline import build
>>> from policykg.graph.store import open_store
>>> corpus = pathlib.Path(tempfile.mkdtemp())
>>> _ = (corpus / "a.txt").write_text("Số: 5/KH-UBND\\nKẾ HOẠCH\\nThực hiện Kết luận số "
...     "70-KL/TW ngày 09/3/2020 của Bộ Chính trị\\nI. NHIỆM VỤ\\n", "utf-8")
>>> _ = build([corpus], corpus / "out")
>>> store = open_store(corpus / "out")
>>> [[d["number"] for d in p] for p in lineage(store, "5/KH-UBND")[0]["paths"]]
[['5/KH-UBND', '70-KL/TW']]
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import pairwise
from urllib.parse import unquote

from pyoxigraph import NamedNode, Store

from policykg.graph.analyse import no_cycle_collection
from policykg.graph.emit import span_of_iri
from policykg.graph.textview import fold
from policykg.ontology.errors import PolicyKGError
from policykg.queries.document_index import document_labels
from policykg.queries.lineage import all_lineages, edge_map, graph_map
from policykg.queries.runner import Param, load_query, run_query
from policykg.queries.successors import SuccessionTable

_RELATION_KEYS = ("implements", "based_on", "replaces", "amends", "attached_to", "cites")


class UnknownDocument(PolicyKGError):
    """No document matches what was given."""


class AmbiguousDocument(PolicyKGError):
    """Several documents match what was given."""


def _ref(row: dict) -> dict:
    return {"iri": row["doc"], "number": row.get("number"), "key": row["key"]}


def documents(store: Store) -> list[dict]:
    """Every document with its identity fields and relations (JSON contract)."""
    rows = run_query(store, load_query("documents"))
    relations: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in run_query(store, load_query("document-relations")):
        relations[r["doc"]][r["relation"]].append(
            {"iri": r["other"], "number": r["other_number"], "key": r["other_key"]}
        )
    out = []
    for row in rows:
        doc = {
            "iri": row["doc"],
            "key": row["key"],
            "number": row["number"],
            "type": row["type"],
            "type_label": row["type_label"],
            "issuer": row["issuer_name"],
            "issuer_iri": row["issuer"],
            "jurisdiction": row["jurisdiction"],
            "date": row["date"],
            "title": row["title"],
            "in_corpus": bool(row["in_corpus"]),
            "unnumbered": bool(row["unnumbered"]),
            "curated": bool(row["curated"]),
            "central": bool(row["central"]),
            "file": row["file"],
        }
        for k in _RELATION_KEYS:
            doc[k] = relations[row["doc"]].get(k, [])
        out.append(doc)
    return out


def find_document(docs: list[dict], ref: str) -> dict:
    """The document a user means by ``ref``: its IRI, number, key or corpus file name."""
    ref = ref.strip()
    folded = fold(ref.replace(" ", ""))
    exact = [d for d in docs if ref in (d["iri"], d["key"], d["number"], d["file"])]
    if not exact:
        exact = [
            d
            for d in docs
            if folded
            in {
                fold((d["number"] or "").replace(" ", "")),
                fold(d["key"].replace(" ", "")),
                fold(d["key"].split(":", 1)[-1].replace(" ", "")),  # key without its place
                fold(d["key"].rsplit("@", 1)[0].replace(" ", "")),  # key without "@year"
                fold((d["file"] or "").rsplit(".", 1)[0]),
            }
        ]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise UnknownDocument(
            f"no document {ref!r}: give a number (e.g. 70-KL/TW), a key "
            "(e.g. hai-phong:435/KH-UBND), an IRI or a corpus file name; "
            "`policykg documents` lists them"
        )
    keys = ", ".join(sorted(d["key"] for d in exact))
    raise AmbiguousDocument(f"{ref!r} matches several documents: {keys}; give one of these keys")


class UnknownTask(PolicyKGError):
    """No task matches what was given."""


class UnknownAgency(PolicyKGError):
    """No agency, or several, match what was given."""


class PandasMissing(PolicyKGError):
    """pandas is not installed."""


class Rows(list):
    """Query results: a list of dicts, and a DataFrame for notebook users."""

    def to_dataframe(self):
        """The rows as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas as pd
        except ImportError:
            raise PandasMissing(
                "to_dataframe needs pandas: pip install pandas (the rows are a list of dicts "
                "without it)"
            ) from None
        return pd.DataFrame(list(self))


def query(store: Store, name_or_file: str, params: dict[str, str] | None = None) -> Rows:
    """Run a query of ``queries/`` (or a ``.rq`` file) with its parameters bound.

    Document, task and agency parameters take what a user would type (a number, a key, a
    name) as well as an IRI.
    """
    cache: dict[str, list[dict]] = {}

    def resolve(param: Param, value: str) -> str:
        if param.type == "document":
            return find_document(cache.setdefault("d", documents(store)), value)["iri"]
        if param.type == "task":
            return find_task(cache.setdefault("t", tasks(store)), value)["iri"]
        if param.type == "agency":
            return find_agency(cache.setdefault("a", agencies(store)), value)["iri"]
        return value

    return Rows(run_query(store, load_query(name_or_file), params or {}, resolve=resolve))


def find_agency(all_agencies: list[dict], ref: str) -> dict:
    """The agency a user means: its IRI, its name, or ``name@jurisdiction``."""
    name, _, place = ref.partition("@")
    found = [a for a in all_agencies if ref == a["iri"]] or [
        a
        for a in all_agencies
        if fold(a["name"]) == fold(name)
        and (not place or fold(a["jurisdiction"] or "") == fold(place))
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UnknownAgency(
            f"no agency {ref!r}: give its name as `policykg agencies` lists it, "
            "add @jurisdiction when several cities have one (Sở Tài chính@Hải Phòng), or its IRI"
        )
    places = ", ".join(sorted(f"{a['name']}@{a['jurisdiction']}" for a in found))
    raise UnknownAgency(f"{ref!r} names several agencies: {places}; add @jurisdiction")


def tasks(store: Store, document: str | None = None, as_of: date | None = None) -> list[dict]:
    """Every task (or those of one document) shaped as the JSON contract says.

    ``responsible`` gives, next to the ``lead`` and ``coordinating`` bodies the text names
    (which never change), the bodies that carry them on ``as_of`` (default today), and the
    named bodies that have no successor.
    """
    roles: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in run_query(store, load_query("task-roles")):
        roles[r["task"]][r["role"]].append(
            {"iri": r["agency"], "name": r["name"], "collective": bool(r["collective"])}
        )
    cites: dict[str, list[dict]] = defaultdict(list)
    for r in run_query(store, load_query("task-citations")):
        cites[r["task"]].append({"iri": r["doc"], "number": r["number"], "key": r["key"]})
    # the task's own fields, its spans and its deadline are read apart and joined here: one
    # query joining them all, with its OPTIONALs, is several times slower on the embedded store
    spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for r in run_query(store, load_query("task-sources")):
        span = span_of_iri(r["span"])
        if span is not None:
            spans[r["task"]].append(span)
    deadlines = {r["task"]: r for r in run_query(store, load_query("task-deadlines"))}
    files: dict[str, str] = {}
    for r in run_query(store, load_query("document-files")):
        files.setdefault(r["doc"], r["file"])
    labels = document_labels(store)  # the index, where the graph has one
    rows = {r["task"]: r for r in run_query(store, load_query("task-rows"))}
    if document is not None:
        docs = documents(store)
        plan = find_document(docs, document)["iri"]
        # a decision's tasks are those of the plan issued with it
        plans = {plan} | {d["iri"] for d in docs if any(a["iri"] == plan for a in d["attached_to"])}
        rows = {t: r for t, r in rows.items() if r["plan"] in plans}
    out = []
    for task, r in rows.items():
        own = sorted(spans.get(task, ()))
        file = own[0][0] if own else files.get(r["plan"])
        d = deadlines.get(task)
        out.append(
            {
                "iri": task,
                "key": r["key"],
                "document": {
                    "iri": r["plan"],
                    "number": labels.get(r["plan"], (None, None))[1],
                    "key": labels.get(r["plan"], (None, None))[0],
                    "file": file,
                },
                "path": r["path"],
                "parent": r["parent_key"],
                "kind": r["kind"],
                "text": r["text"],
                "lead": roles[task].get("lead", []),
                "coordinating": roles[task].get("coordinating", []),
                "requested": roles[task].get("requested", []),
                "deadline": None
                if d is None
                else {
                    "text": d["deadline_text"],
                    "start": d["deadline_start"],
                    "end": d["deadline_end"],
                    "recurrence": d["recurrence"],
                    "requester": d["requester"],
                },
                "cites": cites[task],
                "source": {
                    "file": file,
                    "start": min((a for f, a, _ in own if f == file), default=None),
                    "end": max((b for f, _, b in own if f == file), default=None),
                },
            }
        )
    out.sort(key=lambda t: (t["document"]["file"] or "", t["source"]["start"] or 0, t["key"]))
    table = SuccessionTable.read(store)
    when = as_of or date.today()
    for t in out:
        t["responsible"] = responsible(table, t, when)
    return out


def responsible(table: SuccessionTable, task: dict, as_of: date) -> dict:
    """Who answers for a task's lead and coordinating roles on ``as_of``.

    Each named body that still exists answers itself; an ended one is replaced by the bodies
    that carry its competence (``in_place_of`` names it); one with no successor is listed
    under ``no_successor`` with the reason.
    """
    out: dict = {"as_of": as_of.isoformat(), "lead": [], "coordinating": [], "no_successor": []}
    for role in ("lead", "coordinating"):
        for named in task[role]:
            status = table.status(named["iri"], as_of)
            if status.ending is None:
                out[role].append({"iri": named["iri"], "name": named["name"], "in_place_of": None})
                continue
            for c in status.carriers:
                out[role].append(
                    {
                        "iri": c.iri,
                        "name": c.name,
                        "in_place_of": {"iri": named["iri"], "name": named["name"]},
                        "share": c.share,
                        "function": c.function,
                        "since": c.since.isoformat(),
                        "via": c.chain.split(" > "),
                    }
                )
            if not status.carriers:
                out["no_successor"].append(
                    {"role": role, "agency": named, "message": status.message()}
                )
    return out


def agencies(store: Store, as_of: date | None = None) -> list[dict]:
    """Agencies named by tasks, with their workload by role and, under ``as_of`` (default
    today), whether each still exists on that date and who carries it if not."""
    table = SuccessionTable.read(store)
    when = as_of or date.today()
    rows = [
        {
            "iri": r["agency"],
            "name": r["name"],
            "jurisdiction": r["jurisdiction"],
            "kind": r["kind"],
            "collective": bool(r["collective"]),
            "lead": r["lead"],
            "coordinating": r["coordinating"],
            "requested": r["requested"],
        }
        for r in run_query(store, load_query("agencies"))
    ]
    for row in rows:
        row["as_of"] = table.status(row["iri"], when).as_dict()
    return rows


def agency_history(store: Store, agency: str, as_of: date | None = None) -> dict:
    """One agency: its history of change events (with instrument, evidence and source) and
    who carries its competence on ``as_of`` (default today)."""
    chosen = find_agency(agencies(store, as_of), agency)
    events = run_query(store, load_query("agency-history"), {"agency": chosen["iri"]})
    return {**chosen, "history": [{k: v for k, v in e.items() if k != "agency"} for e in events]}


def find_task(all_tasks: list[dict], ref: str) -> dict:
    """The task a user means: its key (``<document key>#<path>``) or IRI."""
    found = [t for t in all_tasks if ref in (t["key"], t["iri"])]
    if not found:
        found = [t for t in all_tasks if fold(t["key"]) == fold(ref)]
    if len(found) == 1:
        return found[0]
    raise UnknownTask(
        f"no task {ref!r}: give a task key such as hai-phong:435/KH-UBND#XV.1 "
        "(`policykg tasks` lists them) or a task IRI"
    )


def task_lineage(store: Store, task: str | None = None) -> list[dict]:
    """Lineage rows for one task, or every task: the paths of its plan up to central directives.

    Fast by design at a million tasks: the lineage is computed once per plan over the small
    graph of documents (``lineage-graph.rq``: the edges and, apart, the few central
    directives, rather than testing each edge's target), and the tasks are joined to it from
    the plans' task indexes, one row per plan (a task's key is its plan's key, "#" and its
    path; its IRI the plan's, "/task/" and the path). One task is found by an index lookup
    of its key or IRI and only its plan's edges are read. Rows are sorted by task key.

    Every row is a plain dict, built here, as the JSON contract says: no lazy or compact row
    type (``json.dumps`` reads a list's items directly, so rows built on access would not
    serialise). What makes a million of them cheap: a plan's tasks share its ``paths`` and
    ``central`` lists (they are the same for every task of the plan; as before, callers must
    not mutate them), each row is built in one step from its plan's key and IRI prefixes,
    the cyclic garbage collector is paused while the rows are built (it would otherwise run
    about 500 times at 100,000 tasks, over an ever larger heap), and the rows are not
    sorted again when they are in key order by construction (plans by key, each plan's tasks
    by path as its index lists them), which holds unless a plan's key + "#" begins another
    plan's key (checked; the rows are then sorted).
    """
    if task is not None:
        return _one_task_lineage(store, task)
    with no_cycle_collection():
        labels = document_labels(store)  # the index, where the graph has one
        tasks = _tasks_by_plan(store, labels)
        edges, central = graph_map(run_query(store, load_query("lineage-graph")))
        rows: list[dict] = []
        for lin in all_lineages(edges, central, list(tasks)):
            paths = [[_label(labels, iri) for iri in path] for path in lin.paths]
            reached = [_label(labels, iri) for iri in lin.central]
            key, iri, encoded = tasks[lin.start]
            rows += [
                {
                    "task": {"iri": iri + e, "key": key + (unquote(e) if "%" in e else e)},
                    "paths": paths,
                    "central": reached,
                }
                for e in encoded
            ]
        if not _plans_in_key_order([key for key, _, _ in tasks.values()]):
            rows.sort(key=lambda r: r["task"]["key"])
    return rows


def _plans_in_key_order(prefixes: list[str]) -> bool:
    """Whether tasks listed plan by plan, plans in the order of their keys + "#" (given, so
    sorted) and each plan's tasks by path, are in task-key order: they are unless one
    prefix begins another (a plan key such as ``x#y`` beside ``x``), whose tasks may then
    sort between the other's. Where one prefix begins a later one, it begins the next.

    >>> _plans_in_key_order(["a#", "a-b#", "b#"]), _plans_in_key_order(["x#", "x#y#"])
    (True, False)
    """
    return not any(b.startswith(a) for a, b in pairwise(prefixes))


def _tasks_by_plan(
    store: Store, labels: dict[str, tuple[str, str | None]]
) -> dict[str, tuple[str, str, list[str]]]:
    """Each plan's tasks as (key prefix, IRI prefix, paths as they end the task IRIs), plans
    in the order of their keys + "#" and tasks in path order, from the plans' task indexes
    (one row per plan; the build sorts each index); from one row per task where a graph has
    no index. A task's key is the key prefix and its path (unquoted), its IRI the IRI
    prefix and its encoded path."""
    indexes: dict[str, list[str]] = defaultdict(list)  # paths as they end the task IRIs
    for r in run_query(store, load_query("task-index")):
        indexes[r["plan"]].append(r["index"])
    if not indexes:  # a graph built before the index (published by an older version)
        for r in run_query(store, load_query("task-plans")):
            indexes[r["plan"]].append(r["task"][len(r["plan"]) + len("/task/") :])
    out = {}
    for plan in sorted(indexes, key=lambda plan: labels[plan][0] + "#"):
        found = indexes[plan]
        if len(found) == 1:  # the usual case: one index, sorted by the build
            encoded = found[0].split("\n")
        else:
            encoded = sorted(set("\n".join(found).split("\n")), key=unquote)
        out[plan] = (labels[plan][0] + "#", plan + "/task/", encoded)
    return out


def _task_key(labels: dict[str, tuple[str, str | None]], task: str, plan: str) -> str:
    """``<plan key>#<path>``: the path is the end of the task's IRI (see graph/emit.py)."""
    return labels[plan][0] + "#" + unquote(task[len(plan) + len("/task/") :])


def _label(labels: dict[str, tuple[str, str | None]], iri: str) -> dict:
    key, number = labels.get(iri, (None, None))
    return {"iri": iri, "number": number, "key": key}


def _find_task_plan(store: Store, ref: str) -> tuple[str, str]:
    """(task IRI, plan IRI) of the task a user means, by an index lookup where possible."""
    found = run_query(store, load_query("task-by-key"), {"key": ref})
    rows = [(r["task"], r["plan"]) for r in found]
    if not rows and ":" in ref and "#" not in ref:  # an IRI
        try:
            node = NamedNode(ref)
        except ValueError:
            node = None
        if node is not None:
            found = run_query(store, load_query("task-plans"), {"task": node})
            rows = [(ref, r["plan"]) for r in found]
    if not rows:  # a key written differently (case, tones): the slow way
        t = find_task(tasks(store), ref)
        rows = [(t["iri"], t["document"]["iri"])]
    return rows[0]


def _edges_above(store: Store, start: str) -> list[dict]:
    """The upward edges reachable from ``start``, walked one document at a time."""
    spec = load_query("up-edges-from")
    rows: list[dict] = []
    seen, todo = {start}, [start]
    while todo:
        found = run_query(store, spec, {"from": NamedNode(todo.pop())})
        rows += found
        for row in found:
            if row["to"] not in seen:
                seen.add(row["to"])
                todo.append(row["to"])
    return rows


def _one_task_lineage(store: Store, ref: str) -> list[dict]:
    task, plan = _find_task_plan(store, ref)
    edges, central = edge_map(_edges_above(store, plan))
    (lin,) = all_lineages(edges, central, [plan])
    spec = load_query("document-labels")
    labels: dict[str, tuple[str, str | None]] = {}
    for iri in {plan, *(n for p in lin.paths for n in p)}:
        for r in run_query(store, spec, {"doc": NamedNode(iri)}):
            labels[iri] = (r["key"], r["number"])
    return [
        {
            "task": {"iri": task, "key": _task_key(labels, task, plan)},
            "paths": [[_label(labels, iri) for iri in path] for path in lin.paths],
            "central": [_label(labels, iri) for iri in lin.central],
        }
    ]


def lineage(store: Store, document: str | None = None) -> list[dict]:
    """Lineage rows for one document, or for every corpus document when ``document`` is None."""
    docs = documents(store)
    if document is None:
        starts = [d["iri"] for d in docs if d["in_corpus"]]
    else:
        starts = [find_document(docs, document)["iri"]]
    return _lineage_rows(store, docs, starts)


def _lineage_rows(store: Store, docs: list[dict], starts: list[str]) -> list[dict]:
    """Lineage of documents given by IRI, from one query of every upward edge."""
    by_iri = {d["iri"]: d for d in docs}
    edges, central = edge_map(run_query(store, load_query("up-edges")))
    rows = []
    for lin in all_lineages(edges, central, starts):
        doc = by_iri[lin.start]
        rows.append(
            {
                "document": {"iri": doc["iri"], "key": doc["key"], "number": doc["number"]},
                "paths": [[_short(by_iri, iri) for iri in path] for path in lin.paths],
                "central": [_short(by_iri, iri) for iri in lin.central],
                "truncated": lin.truncated,
            }
        )
    return rows


def _short(by_iri: dict[str, dict], iri: str) -> dict:
    d = by_iri.get(iri)
    if d is None:
        return {"iri": iri, "number": None, "key": None}
    return {"iri": iri, "number": d["number"], "key": d["key"]}
