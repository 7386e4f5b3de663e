"""A layered, deterministic layout: central directives on top, agencies at the bottom.

Each node's level comes from its kind (:data:`policykg.viz.model.LEVELS`). Within a level,
nodes are ordered by the barycentre of their neighbours already placed above (then by
their IRI), and a level with many nodes wraps onto several staggered rows. Nothing is
random and nothing depends on insertion order, so two builds of the same graph place every
node at the same coordinates, and the page needs no physics simulation.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", kind="central"); g.add_node("p", kind="plan"); g.add_node("a", kind="agency")
>>> _ = g.add_edge("p", "c"); _ = g.add_edge("a", "p")
>>> pos = positions(g)
>>> pos["c"][1] < pos["p"][1] < pos["a"][1]
True
"""

from __future__ import annotations

import math

import networkx as nx

from policykg.viz.model import LEVELS

X_GAP = 200
ROW_GAP = 95
LEVEL_GAP = 230


def row_length(n: int) -> int:
    """How many nodes one row of a level holds before it wraps.

    >>> row_length(5), row_length(194), row_length(1000)
    (8, 18, 39)
    """
    return max(8, math.ceil(math.sqrt(n * 1.5)))


def positions(g: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Integer (x, y) for every node of ``g``, top-down by level."""
    levels: dict[int, list[str]] = {}
    for n, d in g.nodes(data=True):
        levels.setdefault(LEVELS.get(d.get("kind", ""), 1), []).append(n)
    undirected = g.to_undirected(as_view=True)
    widest = max((min(len(v), row_length(len(v))) for v in levels.values()), default=1)
    placed: dict[str, float] = {}
    pos: dict[str, tuple[int, int]] = {}
    y = 0
    for level in sorted(levels):
        nodes = _order(levels[level], undirected, placed)
        width = row_length(len(nodes))
        rows = [nodes[i : i + width] for i in range(0, len(nodes), width)]
        # a short level spreads over the width of the widest one (at most 3 gaps apart)
        gap = X_GAP if len(rows) > 1 else max(X_GAP, min(3 * X_GAP, X_GAP * widest / len(nodes)))
        for r, row in enumerate(rows):
            shift = X_GAP / 2 if r % 2 else 0
            for i, n in enumerate(row):
                x = round((i - (len(row) - 1) / 2) * gap + shift)
                pos[n] = (x, y + r * ROW_GAP)
        for n in nodes:
            placed[n] = pos[n][0]
        y += (len(rows) - 1) * ROW_GAP + LEVEL_GAP
    return pos


def _order(nodes: list[str], g: nx.Graph, placed: dict[str, float]) -> list[str]:
    """Nodes by the mean x of their already placed neighbours, then by IRI."""

    def key(n: str) -> tuple[float, str]:
        xs = sorted(placed[m] for m in g.neighbors(n) if m in placed)
        return (sum(xs) / len(xs) if xs else math.inf, n)

    return sorted(nodes, key=key)
