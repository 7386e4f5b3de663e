"""Lineage: the paths of documents from a document up to the central directives it reaches.

The ``.rq`` files return edges (``implements`` and ``based_on``, with whether their target
is a central directive); the paths are assembled here. A path is reported when it ends at a
central directive and cannot be extended to another central directive above it, so for
3064/QĐ-UBND the answer is 3064 → 134/NQ-CP → 70-KL/TW → 13-NQ/TW, not also its prefixes.

>>> edges = {"plan": ["prog"], "prog": ["kl56"], "kl56": []}
>>> lineage_paths(edges, central={"kl56"}, start="plan")
[['plan', 'prog', 'kl56']]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

#: At most this many paths per document; beyond it the answer says it was cut.
MAX_PATHS = 1000


@dataclass
class Lineage:
    """The lineage of one document (or task): its paths and the central directives reached."""

    start: str
    paths: list[list[str]] = field(default_factory=list)
    central: list[str] = field(default_factory=list)
    truncated: bool = False


def edge_map(rows: Iterable[dict]) -> tuple[dict[str, list[str]], set[str]]:
    """Adjacency (document → documents above it) and the central set from edge rows."""
    edges: dict[str, set[str]] = defaultdict(set)
    central: set[str] = set()
    for row in rows:
        edges[row["from"]].add(row["to"])
        if row.get("to_central"):
            central.add(row["to"])
    return {k: sorted(v) for k, v in edges.items()}, central


def graph_map(rows: Iterable[dict]) -> tuple[dict[str, list[str]], set[str]]:
    """Adjacency and central set as :func:`edge_map` gives them, from the two kinds of rows
    of ``lineage-graph.rq``: edges (``from``, ``to``) and central directives (``central``).

    Only the central directives an edge leads to are kept, as in :func:`edge_map` (whose rows
    say whether each edge's target is one): any other is on no path.

    >>> rows = [{"from": "a", "to": "b", "central": None}, {"from": "a", "to": "c",
    ...     "central": None}, {"from": None, "to": None, "central": "b"},
    ...     {"from": None, "to": None, "central": "z"}]
    >>> graph_map(rows)
    ({'a': ['b', 'c']}, {'b'})
    """
    edges: dict[str, set[str]] = defaultdict(set)
    central: set[str] = set()
    for row in rows:
        if row["central"] is not None:
            central.add(row["central"])
        else:
            edges[row["from"]].add(row["to"])
    targets = {t for targets in edges.values() for t in targets}
    return {k: sorted(v) for k, v in edges.items()}, central & targets


def reaches_central(edges: dict[str, list[str]], central: set[str]) -> set[str]:
    """Every node from which some central directive is reachable upwards (or is one).

    >>> sorted(reaches_central({"plan": ["prog"], "prog": ["kl56"], "x": []}, {"kl56"}))
    ['kl56', 'plan', 'prog']
    """
    reverse: dict[str, set[str]] = defaultdict(set)
    for src, targets in edges.items():
        for t in targets:
            reverse[t].add(src)
    seen = set(central)
    stack = list(central)
    while stack:
        node = stack.pop()
        for src in reverse.get(node, ()):
            if src not in seen:
                seen.add(src)
                stack.append(src)
    return seen


def lineage_paths(
    edges: dict[str, list[str]], central: set[str], start: str, *, limit: int = MAX_PATHS
) -> list[list[str]]:
    """Maximal simple paths from ``start`` ending at a central directive (sorted)."""
    return compute_lineage(edges, central, start, limit=limit).paths


def compute_lineage(
    edges: dict[str, list[str]],
    central: set[str],
    start: str,
    *,
    limit: int = MAX_PATHS,
    _useful: set[str] | None = None,
) -> Lineage:
    """The lineage of ``start``: paths (see module doc) and the central directives reached."""
    useful = _useful if _useful is not None else reaches_central(edges, central)
    result = Lineage(start)
    if start not in useful:
        return result
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        node, path = stack.pop()
        onward = [n for n in edges.get(node, ()) if n in useful and n not in path]
        if not onward:
            if node in central and len(path) > 1:
                result.paths.append(path)
                if len(result.paths) >= limit:
                    result.truncated = True
                    break
            continue
        for nxt in reversed(onward):
            stack.append((nxt, [*path, nxt]))
    result.paths.sort()
    result.central = sorted({n for p in result.paths for n in p[1:] if n in central})
    return result


def all_lineages(
    edges: dict[str, list[str]], central: set[str], starts: Iterable[str]
) -> list[Lineage]:
    """Lineages of many documents at once, sharing the reachability computation."""
    useful = reaches_central(edges, central)
    return [compute_lineage(edges, central, s, _useful=useful) for s in starts]
