"""Network analytics with networkx: the cascade below each central directive, the most
loaded agencies, the agencies that most often work together, and GraphML/GEXF exports of
the lineage and coordination graphs for Gephi.

The lineage graph has documents as nodes (``kind``: central, directive, plan; ``tasks``
for plans) and ``implements``/``based_on`` edges upwards; the coordination graph has
agencies as nodes and an edge, weighted by shared tasks, between two agencies named on the
same task. Both are built from query results (aggregated in SPARQL).

>>> import networkx as nx
>>> g = nx.MultiDiGraph([("plan", "prog"), ("prog", "kl")])
>>> cascade_depth(g, "kl", ["plan"])
2
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import networkx as nx
from pyoxigraph import Store

from policykg.ontology.errors import PolicyKGError
from policykg.queries.runner import load_query, run_query
from policykg.viz import model

GRAPHS = ("lineage", "coordination")


class BadExport(PolicyKGError):
    """An export asked for a graph or a file type that is not supported."""


def cascade_depth(lineage: nx.MultiDiGraph, directive: str, plans: list[str]) -> int:
    """The longest chain of documents from a plan up to ``directive`` (edges counted)."""
    best = 0
    for p in plans:
        if p == directive:
            continue
        for path in nx.all_simple_paths(lineage, p, directive, cutoff=12):
            best = max(best, len(path) - 1)
    return best


def central_stats(store: Store, corpus: model.Corpus) -> list[dict]:
    """Per central directive: plans below it, their tasks and agencies, cascade depth."""
    agencies_of: dict[str, set[str]] = defaultdict(set)
    for r in run_query(store, load_query("viz-plan-agency-roles")):
        agencies_of[r["plan"]].add(r["agency"])
    rows = []
    for c in corpus.centrals():
        below = nx.ancestors(corpus.lineage, c) if c in corpus.lineage else set()
        plans = sorted(p for p in below if p in corpus.task_counts)
        d = corpus.docs[c]
        rows.append(
            {
                "directive": d["number"] or d["key"],
                "iri": c,
                "date": d["date"],
                "documents_below": len(below),
                "plans": len(plans),
                "tasks": sum(corpus.task_counts[p] for p in plans),
                "agencies": len(set().union(*(agencies_of[p] for p in plans))),
                "depth": cascade_depth(corpus.lineage, c, plans),
            }
        )
    return rows


def loaded_agencies(corpus: model.Corpus, top: int = 10) -> list[dict]:
    """The ``top`` agencies by number of tasks, for each role."""
    rows = []
    for role in model.ROLES:
        ranked = sorted(corpus.agencies.values(), key=lambda a: (-a[role], a["name"], a["iri"]))
        rows += [
            {
                "role": role,
                "rank": i + 1,
                "agency": a["name"],
                "jurisdiction": a["jurisdiction"],
                "tasks": a[role],
            }
            for i, a in enumerate(r for r in ranked if r[role] > 0)
            if i < top
        ]
    return rows


def coordination_graph(store: Store, corpus: model.Corpus) -> nx.Graph:
    """Agencies, with an edge weighted by the number of tasks two agencies share."""
    g = nx.Graph()
    for a in corpus.agencies.values():
        g.add_node(
            a["iri"],
            label=a["name"],
            jurisdiction=a["jurisdiction"] or "",
            lead=a["lead"],
            coordinating=a["coordinating"],
            requested=a["requested"],
        )
    for r in run_query(store, load_query("viz-agency-pairs")):
        if r["a"] in g and r["b"] in g:
            g.add_edge(r["a"], r["b"], weight=r["tasks"])
    return g


def partners(coordination: nx.Graph, top: int = 10) -> list[dict]:
    """The ``top`` pairs of agencies that share the most tasks."""
    edges = sorted(coordination.edges(data="weight"), key=lambda e: (-e[2], *sorted((e[0], e[1]))))
    label = coordination.nodes
    return [
        {
            "agency": label[a]["label"],
            "partner": label[b]["label"],
            "jurisdiction": label[a]["jurisdiction"],
            "shared_tasks": w,
        }
        for a, b, w in edges[:top]
    ]


def lineage_graph(corpus: model.Corpus) -> nx.MultiDiGraph:
    """Documents with their kind and task counts, and the implements / based-on edges (a
    document may both implement and rest on another: two edges)."""
    g = nx.MultiDiGraph()
    for iri, d in corpus.docs.items():
        g.add_node(
            iri,
            label=d["number"] or d["key"],
            kind=corpus.kind_of(iri),
            type=d["type_label"] or "",
            date=d["date"] or "",
            jurisdiction=d["jurisdiction"] or "",
            tasks=corpus.task_counts.get(iri, 0),
        )
    for a, b, rel in corpus.lineage.edges(keys=True):
        g.add_edge(a, b, key=rel, relation=rel)
    return g


def export(store: Store, corpus: model.Corpus, graph: str, path: Path) -> Path:
    """Write the ``lineage`` or ``coordination`` graph as GraphML or GEXF (by suffix)."""
    if graph not in GRAPHS:
        raise BadExport(f"no graph {graph!r}; export one of: {', '.join(GRAPHS)}")
    g = lineage_graph(corpus) if graph == "lineage" else coordination_graph(store, corpus)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".graphml":
        nx.write_graphml(g, path)
    elif path.suffix == ".gexf":
        nx.write_gexf(g, path)
    else:
        raise BadExport(
            f"{path.name}: unknown file type {path.suffix or '(none)'!r}; "
            "name the file .graphml or .gexf"
        )
    return path


def stats(store: Store, top: int = 10) -> dict[str, list[dict]]:
    """Every section of ``policykg stats``: central, agencies, partners."""
    corpus = model.load_corpus(store)
    return {
        "central": central_stats(store, corpus),
        "agencies": loaded_agencies(corpus, top),
        "partners": partners(coordination_graph(store, corpus), top),
    }
