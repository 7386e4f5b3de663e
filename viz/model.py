"""What each lineage page shows, as a networkx graph built from query results.

A page graph is a :class:`networkx.MultiDiGraph` whose nodes carry ``kind`` (one of
:data:`KINDS`), ``label``, ``info`` (the fields a tooltip and the side panel show),
``weight`` (the workload that sizes the node), ``city`` and ``href`` (the page a node links
to, when pages are written as a site), and whose edges are keyed by their ``relation`` and
carry ``relation`` and ``count``.

All data comes through the query layer (``queries/*.rq`` run by
:func:`policykg.queries.runner.run_query` and :mod:`policykg.queries.api`), so the same code
works on any store the runner accepts. Pages never hold more than :data:`NODE_BUDGET`
nodes: beyond it tasks are grouped (per plan, per section or per agency) with counts.

>>> g = nx.MultiDiGraph()
>>> g.add_node("t1", kind="task", plan="p", section="I", label="I.1", weight=1)
>>> g.add_node("t2", kind="task", plan="p", section="I", label="I.2", weight=1)
>>> g.add_node("a", kind="agency", label="Sở", weight=2)
>>> _ = g.add_edge("a", "t1", key="lead", relation="lead", count=1)
>>> _ = g.add_edge("a", "t2", key="lead", relation="lead", count=1)
>>> grouped = group_tasks(g, key=lambda n, d: d["section"], label="section {}".format)
>>> sorted(grouped.nodes), grouped.edges["a", "group:I", "lead"]["count"]
(['a', 'group:I'], 2)
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import networkx as nx
from pyoxigraph import Store

from policykg.graph.textview import fold
from policykg.ontology.errors import PolicyKGError
from policykg.queries import api
from policykg.queries.runner import load_query, run_query
from policykg.queries.successors import AgencyStatus, SuccessionTable

#: Node kinds, top to bottom: the layout's levels follow this order.
KINDS = ("central", "directive", "plan", "task", "group", "agency", "successor")
LEVELS = {
    "central": 0,
    "directive": 1,
    "plan": 2,
    "task": 3,
    "group": 3,
    "agency": 4,
    "successor": 5,  # a body that holds a named agency's competence today
}
#: No page puts more nodes than this on screen; beyond it tasks are grouped.
NODE_BUDGET = 2000
#: Aggregated edges kept on one page (the heaviest, then by name), so pages stay fast.
EDGE_BUDGET = 2500
ROLES = ("lead", "coordinating", "requested")
_LINEAGE_RELATIONS = ("implements", "based_on")


class NothingToShow(PolicyKGError):
    """A page was asked for something the graph has no data for."""


@dataclass
class Corpus:
    """What every page needs beyond its own tasks, read once (documents, lineage, agencies)."""

    docs: dict[str, dict]
    agencies: dict[str, dict]
    task_counts: dict[str, int]
    lineage: nx.MultiDiGraph  # document → document above it (implements, based on)
    replaces: list[tuple[str, str]] = field(default_factory=list)
    attached: list[tuple[str, str]] = field(default_factory=list)
    _successions: SuccessionTable | None = field(default=None, repr=False)
    _plan_agency_roles: list[dict] | None = field(default=None, repr=False)

    def successions(self, store: Store) -> SuccessionTable:
        """The graph's endings and successions, read on first use and then kept: a site's
        hundreds of agency pages share one reading (it was read once per page)."""
        if self._successions is None:
            self._successions = SuccessionTable.read(store)
        return self._successions

    def plan_agency_roles(self, store: Store) -> list[dict]:
        """Every plan's role counts per agency (``viz-plan-agency-roles``: one aggregate over
        the whole graph), read on first use and then kept for every page that draws them."""
        if self._plan_agency_roles is None:
            self._plan_agency_roles = run_query(store, load_query("viz-plan-agency-roles"))
        return self._plan_agency_roles

    @property
    def total_tasks(self) -> int:
        """How many tasks the graph holds."""
        return sum(self.task_counts.values())

    def kind_of(self, iri: str) -> str:
        """A document's kind on a page: central directive, plan (it has tasks) or directive."""
        doc = self.docs.get(iri, {})
        if doc.get("central"):
            return "central"
        return "plan" if iri in self.task_counts else "directive"

    def plans(self) -> list[str]:
        """Every document that has tasks, by key."""
        return sorted(self.task_counts, key=lambda i: (self.docs.get(i, {}).get("key") or i, i))

    def centrals(self) -> list[str]:
        """Every central directive, by key."""
        return sorted((i for i, d in self.docs.items() if d["central"]), key=self._key)

    def _key(self, iri: str) -> tuple[str, str]:
        return (self.docs.get(iri, {}).get("key") or iri, iri)


def load_corpus(store: Store) -> Corpus:
    """Read documents, lineage edges, agencies and task counts through the query layer."""
    docs = {d["iri"]: d for d in api.documents(store)}
    lineage = nx.MultiDiGraph()
    replaces, attached = [], []
    for d in docs.values():
        for rel in _LINEAGE_RELATIONS:
            for other in d[rel]:
                lineage.add_edge(d["iri"], other["iri"], relation=rel)
        replaces += [(d["iri"], o["iri"]) for o in d["replaces"]]
        attached += [(d["iri"], o["iri"]) for o in d["attached_to"]]
    counts = {r["plan"]: r["tasks"] for r in run_query(store, load_query("viz-plan-task-counts"))}
    agencies = {a["iri"]: a for a in api.agencies(store)}
    return Corpus(docs, agencies, counts, lineage, sorted(replaces), sorted(attached))


# --- labels and node data ------------------------------------------------------------------


def short(text: str | None, words: int = 8) -> str:
    """The first words of a text, with an ellipsis when cut.

    >>> short("Tổ chức giới thiệu sản phẩm cho các đơn vị thành viên", 4)
    'Tổ chức giới thiệu…'
    """
    parts = (text or "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def count(n: int, noun: str) -> str:
    """A number and its noun, plural when it is not one.

    >>> count(1, "plan"), count(1500, "task")
    ('1 plan', '1,500 tasks')
    """
    return f"{n:,} {noun}{'s' * (n != 1)}"


def slug(text: str, iri: str) -> str:
    """A file-name-safe, stable name for a page: folded text plus a hash of the IRI.

    >>> slug("hai-phong:435/KH-UBND", "https://example.org/d/1")
    'hai-phong-435-kh-ubnd-1e0e6ccd'
    """
    base = "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())[:60]
    return f"{base or 'page'}-{hashlib.sha1(iri.encode()).hexdigest()[:8]}"


def doc_href(corpus: Corpus, iri: str) -> str:
    """The file name of a document's page in a written site."""
    return f"doc-{slug(corpus.docs[iri]['key'], iri)}.html"


def agency_href(agency: dict) -> str:
    """The file name of an agency's page in a written site."""
    return (
        f"agency-{slug(agency['name'] + ' ' + (agency['jurisdiction'] or ''), agency['iri'])}.html"
    )


def _doc_node(g: nx.MultiDiGraph, corpus: Corpus, iri: str) -> None:
    d = corpus.docs.get(iri)
    if d is None:
        g.add_node(iri, kind="directive", label=iri.rsplit("/", 1)[-1], info={}, weight=1)
        return
    kind = corpus.kind_of(iri)
    number = d["number"] or d["key"]
    place = d["jurisdiction"] if d["jurisdiction"] not in (None, "Việt Nam") else None
    caption = ", ".join(str(x) for x in (d["type_label"], place, (d["date"] or "")[:4]) if x)
    info = {
        "kind": kind,
        "number": d["number"],
        "key": d["key"],
        "type": d["type_label"],
        "date": d["date"],
        "issuer": d["issuer"],
        "title": d["title"],
        "jurisdiction": d["jurisdiction"],
        "in corpus": "yes" if d["in_corpus"] else "no (cited only)",
        "file": d["file"],
        "tasks": corpus.task_counts.get(iri),
    }
    g.add_node(
        iri,
        kind=kind,
        label=f"{number}\n{caption}" if caption else number,
        info={k: v for k, v in info.items() if v not in (None, "")},
        weight=corpus.task_counts.get(iri, 1),
        city=place,
        href=doc_href(corpus, iri) if iri in corpus.docs else None,
    )


def _agency_node(g: nx.MultiDiGraph, agency: dict, page: bool = True, kind: str = "agency") -> None:
    load = agency["lead"] + agency["coordinating"] + agency["requested"]
    info = {
        "kind": "agency",
        "name": agency["name"],
        "jurisdiction": agency["jurisdiction"],
        "collective": "yes" if agency["collective"] else None,
        "leads": agency["lead"],
        "coordinates": agency["coordinating"],
        "requested": agency["requested"],
        **_status_info(agency.get("as_of")),
    }
    g.add_node(
        agency["iri"],
        kind=kind,
        label=short(agency["name"], 7),
        info={k: v for k, v in info.items() if v not in (None, "", 0)},
        weight=max(load, 1),
        city=agency["jurisdiction"],
        href=agency_href(agency) if page else None,
    )


def _status_info(status: dict | None) -> dict:
    """An agency's state on the date the pages are written: whether it still exists and,
    if not, since when, by which instrument, and who carries its competence."""
    if not status:
        return {}
    when = f"on {status['as_of']}"
    if status["status"] == "exists":
        return {f"status {when}": "exists"}
    ended = status["ended_by"]
    out = {
        f"status {when}": f"no longer exists since {status['ended_on']} "
        f"({ended['instrument']}; source {ended['source']}, confidence {ended['confidence']})"
    }
    carriers = [
        s["name"] + (f" for {s['function']}" if s["function"] else "") for s in status["successors"]
    ]
    out[f"carried by {when}"] = "; ".join(carriers) or f"no single body: {status['note'] or ''}"
    return out


def _successors(
    g: nx.MultiDiGraph, corpus: Corpus, table: SuccessionTable, named: str, when: date
) -> AgencyStatus:
    """Add the bodies that carry a named agency's competence on ``when``, each linked from
    it by a "carried on by" edge, and return the agency's status."""
    status = table.status(named, when)
    for c in status.carriers:
        if c.iri not in g:
            known = corpus.agencies.get(c.iri)
            _agency_node(g, known or _bare_agency(c), known is not None, "successor")
        g.add_edge(named, c.iri, key="successor", relation="successor", count=1)
    return status


def _bare_agency(c) -> dict:
    """A successor no task names: its name and place, no workload."""
    return {
        "iri": c.iri,
        "name": c.name,
        "jurisdiction": c.jurisdiction,
        "collective": False,
        "lead": 0,
        "coordinating": 0,
        "requested": 0,
    }


def _task_node(g: nx.MultiDiGraph, corpus: Corpus, row: dict) -> None:
    plan = corpus.docs.get(row["plan"], {})
    info = {
        "kind": "task",
        "key": row["key"],
        "path": row["path"],
        "plan": plan.get("number") or plan.get("key"),
        "text": row["text"],
        "deadline": row.get("deadline"),
        "source quote": row.get("quote"),
    }
    g.add_node(
        row["task"],
        kind="task",
        label=f"{row['path']} {short(row['text'], 4)}",
        info={k: v for k, v in info.items() if v not in (None, "")},
        weight=1,
        plan=row["plan"],
        section=row["path"].split("/")[-1].split(".")[0],
        city=plan.get("jurisdiction"),
    )
    g.add_edge(row["task"], row["plan"], key="part_of", relation="part_of", count=1)


# --- lineage -------------------------------------------------------------------------------


def _reaches_central(corpus: Corpus) -> set[str]:
    central = {i for i in corpus.lineage if corpus.kind_of(i) == "central"}
    out = set(central)
    for c in central:
        out |= nx.ancestors(corpus.lineage, c)
    return out


def add_lineage_up(g: nx.MultiDiGraph, corpus: Corpus, starts: list[str]) -> None:
    """Add the documents on the paths from ``starts`` up to central directives, with edges."""
    useful = _reaches_central(corpus)
    keep = set(starts)
    for s in starts:
        if s in corpus.lineage:
            keep |= nx.descendants(corpus.lineage, s) & useful
    _add_documents(g, corpus, keep, useful)


def add_lineage_down(g: nx.MultiDiGraph, corpus: Corpus, top: str) -> set[str]:
    """Add ``top``, the documents that implement it (transitively) and their paths up."""
    below = nx.ancestors(corpus.lineage, top) if top in corpus.lineage else set()
    add_lineage_up(g, corpus, sorted(below | {top}))
    return below


def _add_documents(g: nx.MultiDiGraph, corpus: Corpus, keep: set[str], useful: set[str]) -> None:
    for iri in sorted(keep):
        _doc_node(g, corpus, iri)
    for a, b, data in corpus.lineage.edges(data=True):
        if a in keep and b in keep and b in useful:
            g.add_edge(a, b, key=data["relation"], relation=data["relation"], count=1)
    for rel, pairs in (("replaces", corpus.replaces), ("attached_to", corpus.attached)):
        for a, b in pairs:
            if a in keep and b in keep:
                g.add_edge(a, b, key=rel, relation=rel, count=1)


# --- pages ---------------------------------------------------------------------------------


def _plan_agency_edges(g: nx.MultiDiGraph, corpus: Corpus, store: Store, plans: set[str]) -> str:
    """Agencies linked to plans by aggregated role counts (no task nodes); returns a note
    saying what was left out, if anything.

    With more than :data:`EDGE_BUDGET` plan–agency edges, each plan keeps its heaviest
    ``EDGE_BUDGET // plans`` edges (then by agency IRI), so every plan stays connected.
    """
    rows = corpus.plan_agency_roles(store)
    by_plan: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["plan"] in plans and r["agency"] in corpus.agencies:
            by_plan[r["plan"]].append(r)
    keep = max(1, EDGE_BUDGET // max(len(by_plan), 1))
    total = sum(len(v) for v in by_plan.values())
    drawn = 0
    for plan in sorted(by_plan):
        ranked = sorted(by_plan[plan], key=lambda r: (-r["tasks"], r["agency"], r["role"]))
        for r in ranked[:keep]:
            if r["agency"] not in g:
                if g.number_of_nodes() >= NODE_BUDGET:
                    continue
                _agency_node(g, corpus.agencies[r["agency"]])
            g.add_edge(r["agency"], plan, key=r["role"], relation=r["role"], count=r["tasks"])
            drawn += 1
    if drawn == total:
        return ""
    return (
        f"; the heaviest {count(keep, 'link')} to agencies per plan are drawn "
        f"({drawn:,} of {total:,})"
    )


def overview(store: Store, corpus: Corpus) -> tuple[nx.MultiDiGraph, str]:
    """The whole corpus: every plan with its lineage, and the agencies working on each plan.

    Tasks are not drawn one by one here (a plan's page does that): each plan–agency edge
    carries how many of the plan's tasks the agency leads, coordinates or is requested to do,
    and a plan's size is its number of tasks. The counts are aggregated in SPARQL.
    """
    g = nx.MultiDiGraph()
    plans = corpus.plans()
    add_lineage_up(g, corpus, plans)
    left_out = _plan_agency_edges(g, corpus, store, set(plans))
    note = (
        f"{count(corpus.total_tasks, 'task')} of {count(len(plans), 'plan')}; edges count "
        "the tasks an agency leads or coordinates in a plan; open a plan or an agency for its tasks"
    ) + left_out
    return g, note


def _add_plan_tasks(g: nx.MultiDiGraph, corpus: Corpus, store: Store, plan: str) -> int:
    rows = run_query(store, load_query("viz-plan-tasks"), {"plan": plan})
    for row in rows:
        _task_node(g, corpus, row)
    for r in run_query(store, load_query("viz-plan-task-roles"), {"plan": plan}):
        if r["agency"] not in corpus.agencies or r["task"] not in g:
            continue
        if r["agency"] not in g:
            _agency_node(g, corpus.agencies[r["agency"]])
        g.add_edge(r["agency"], r["task"], key=r["role"], relation=r["role"], count=1)
    return len(rows)


def document_page(store: Store, corpus: Corpus, iri: str) -> tuple[nx.MultiDiGraph, str]:
    """A document: a plan with its tasks and agencies, or a directive with what implements it."""
    g = nx.MultiDiGraph()
    issued = [p for p, d in corpus.attached if d == iri and p in corpus.task_counts]
    if len(issued) == 1:  # a decision issuing a plan: the plan's page, as `tasks --document`
        iri = issued[0]
    if corpus.kind_of(iri) == "plan":
        add_lineage_up(g, corpus, [iri])
        n = _add_plan_tasks(g, corpus, store, iri)
        note = count(n, "task")
        if g.number_of_nodes() > NODE_BUDGET:
            g = group_tasks(g, key=lambda _n, d: d.get("section") or "?", label="section {}".format)
            note += ", grouped by section"
        return g, note
    below = add_lineage_down(g, corpus, iri)
    plans = {p for p in below if p in corpus.task_counts}
    left_out = _plan_agency_edges(g, corpus, store, plans)
    tasks = sum(corpus.task_counts[p] for p in plans)
    return g, f"{count(len(plans), 'plan')} with {count(tasks, 'task')} below it{left_out}"


def task_page(store: Store, corpus: Corpus, task_iri: str) -> tuple[nx.MultiDiGraph, str]:
    """One task: its plan's paths up to central directives and the agencies it names."""
    rows = run_query(store, load_query("viz-task"), {"task": task_iri})
    if not rows:
        raise NothingToShow(f"no task {task_iri!r} in the graph; `policykg tasks` lists them")
    g = nx.MultiDiGraph()
    add_lineage_up(g, corpus, [rows[0]["plan"]])
    _task_node(g, corpus, rows[0])
    table, when = corpus.successions(store), date.today()
    named: dict[str, list[str]] = {}
    today: dict[str, list[str]] = {}
    for r in rows:
        if r["agency"] in corpus.agencies:
            agency = corpus.agencies[r["agency"]]
            if r["agency"] not in g:
                _agency_node(g, agency)
            g.add_edge(r["agency"], task_iri, key=r["role"], relation=r["role"], count=1)
            named.setdefault(r["role"], []).append(agency["name"])
            if r["role"] == "requested":
                continue
            status = _successors(g, corpus, table, r["agency"], when)
            if status.ending is None:
                today.setdefault(r["role"], []).append(agency["name"])
            elif status.carriers:
                for c in status.carriers:
                    what = f", {c.function}" if c.function else ""
                    today.setdefault(r["role"], []).append(
                        f"{c.name} (in place of {agency['name']}{what})"
                    )
            else:
                today.setdefault(r["role"], []).append(f"no successor to {agency['name']}")
    info = g.nodes[task_iri]["info"]
    for role, names in named.items():
        info[f"named in the text: {role}"] = "; ".join(dict.fromkeys(names))
    for role, names in today.items():
        info[f"responsible on {when.isoformat()}: {role}"] = "; ".join(dict.fromkeys(names))
    return g, rows[0]["key"]


def agency_page(store: Store, corpus: Corpus, agency_iri: str) -> tuple[nx.MultiDiGraph, str]:
    """An agency: the tasks it has a role in (grouped per plan when many) and their lineage."""
    agency = corpus.agencies[agency_iri]
    rows = run_query(store, load_query("viz-agency-tasks"), {"agency": agency_iri})
    g = nx.MultiDiGraph()
    add_lineage_up(g, corpus, sorted({r["plan"] for r in rows}))
    _agency_node(g, agency)
    _successors(g, corpus, corpus.successions(store), agency_iri, date.today())
    history = run_query(store, load_query("agency-history"), {"agency": agency_iri})
    if history:
        g.nodes[agency_iri]["info"]["history"] = " · ".join(
            f"{h['date']}: {h['label']} ({h['part']}; {h['instrument']}, confidence "
            f"{h['confidence']}, {h['source']})"
            for h in history
        )
    for r in rows:
        if r["task"] not in g:
            _task_node(g, corpus, r)
        g.add_edge(agency_iri, r["task"], key=r["role"], relation=r["role"], count=1)
    tasks = len({r["task"] for r in rows})
    note = count(tasks, "task")
    if g.number_of_nodes() > NODE_BUDGET:
        g = group_tasks(g, key=lambda _n, d: d["plan"], label=lambda p: _doc_name(corpus, p))
        note += ", grouped per plan"
    return g, note


def group_tasks(
    g: nx.MultiDiGraph, key: Callable[[str, dict], str], label: Callable[[str], str]
) -> nx.MultiDiGraph:
    """Replace task nodes by one group node per ``key`` with counts; edges are summed."""
    out = nx.MultiDiGraph()
    groups: dict[str, str] = {}
    members: dict[str, int] = defaultdict(int)
    for n, d in g.nodes(data=True):
        if d.get("kind") == "task":
            k = key(n, d)
            groups[n] = f"group:{k}"
            members[k] += 1
        else:
            out.add_node(n, **d)
    for n, gid in sorted(groups.items()):
        k = gid.removeprefix("group:")
        if gid not in out:
            name = label(k)
            out.add_node(
                gid,
                kind="group",
                label=f"{name}\n{count(members[k], 'task')}",
                info={"kind": "group of tasks", "group": name, "tasks": members[k]},
                weight=members[k],
                city=g.nodes[n].get("city"),
            )
    for a, b, rel, d in g.edges(keys=True, data=True):
        a2, b2 = groups.get(a, a), groups.get(b, b)
        if a2 == b2:
            continue
        if out.has_edge(a2, b2, rel):
            out.edges[a2, b2, rel]["count"] += d.get("count", 1)
        else:
            out.add_edge(a2, b2, key=rel, relation=rel, count=d.get("count", 1))
    return out


def _doc_name(corpus: Corpus, iri: str) -> str:
    d = corpus.docs.get(iri)
    return (d["number"] or d["key"]) if d else short_iri(iri)


def short_iri(iri: str) -> str:
    """The last segments of an IRI, for a label when nothing better is known.

    >>> short_iri("https://w3id.org/policykg/id/doc/hai-phong/kh-ubnd/2018/435")
    'kh-ubnd/2018/435'
    """
    return "/".join(iri.rstrip("/").split("/")[-3:])
