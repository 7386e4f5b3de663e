"""Write a page graph as one self-contained HTML file (vis-network inlined, no network).

pyvis builds the nodes, edges and options; the page itself comes from this room's own
template (``viz/assets/page.html``), because pyvis' templates load bootstrap and
tom-select from CDNs. vis-network (``viz/assets/vis-network.min.js``, Apache-2.0 or MIT,
see ``viz/assets/LICENSE-vis-network.txt``), the page's script and its style are inlined.

Document text reaches the page only as JSON inside ``<script type="application/json">``,
with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped, and the page's script shows it with
``textContent``; tooltips are DOM elements, never HTML strings.

>>> safe_json({"text": "</script><img src=x onerror=alert(1)>"})
'{"text": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from policykg.viz.layout import positions

ASSETS = Path(__file__).parent / "assets"

#: Colour, shape and legend label of each node kind.
STYLE = {
    "central": ("#b91c1c", "star", "Central directive"),
    "directive": ("#ea580c", "diamond", "Resolution, programme or other document"),
    "plan": ("#1d4ed8", "square", "City plan"),
    "task": ("#0f766e", "dot", "Task"),
    "group": ("#0f766e", "hexagon", "Group of tasks"),
    "agency": ("#7c3aed", "triangleDown", "Agency"),
    "successor": ("#059669", "triangleDown", "Agency holding it today"),
}
#: Edge colour and label by relation.
RELATIONS = {
    "implements": ("#b91c1c", "implements"),
    "based_on": ("#ea580c", "based on"),
    "replaces": ("#6b7280", "replaces"),
    "attached_to": ("#6b7280", "issued with"),
    "part_of": ("#94a3b8", ""),
    "lead": ("#7c3aed", "lead"),
    "coordinating": ("#a78bfa", "coordinates"),
    "requested": ("#f59e0b", "requested"),
    "successor": ("#059669", "carried on by"),
}
_OPTIONS = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True},
    "nodes": {"font": {"size": 14, "face": "DejaVu Sans, sans-serif", "multi": False}},
    "edges": {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "font": {"size": 11, "align": "middle", "strokeWidth": 3},
    },
}


def safe_json(data: object) -> str:
    """JSON that can sit inside a ``<script>`` element whatever the text holds."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def node_size(kind: str, weight: int, heaviest: int) -> float:
    """Node size by workload (tasks of a plan, roles of an agency) relative to the heaviest
    node of its kind on the page, on a square-root scale, so sizes stay bounded at any scale.

    >>> node_size("agency", 1, 40) < node_size("agency", 40, 40) == node_size("agency", 4000, 4000)
    True
    """
    base = {"central": 30, "directive": 18, "plan": 18, "task": 9, "group": 14, "agency": 12}
    extra = 0 if heaviest <= 1 else 22 * math.sqrt((max(weight, 1) - 1) / (heaviest - 1))
    return round(base.get(kind, 12) + extra, 1)


def network(g: nx.MultiDiGraph) -> Network:
    """The pyvis network of a page graph: fixed positions, colours, shapes, sizes, labels."""
    net = Network(directed=True)
    pos = positions(g)
    heaviest: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        kind = d.get("kind", "directive")
        heaviest[kind] = max(heaviest.get(kind, 1), d.get("weight", 1))
    for n in sorted(g.nodes):
        d = g.nodes[n]
        kind = d.get("kind", "directive")
        colour, shape, _ = STYLE[kind]
        net.add_node(
            n,
            label=d.get("label", n),
            x=pos[n][0],
            y=pos[n][1],
            shape=shape,
            color=colour,
            size=node_size(kind, d.get("weight", 1), heaviest[kind]),
            physics=False,
            kind=kind,
            info=d.get("info", {}),
            city=d.get("city"),
            href=d.get("href"),
        )
    seen = set(net.get_nodes())
    net.get_nodes = lambda: seen  # pyvis checks membership in a list per edge: O(n²) otherwise
    for a, b, rel, d in sorted(g.edges(keys=True, data=True)):
        colour, label = RELATIONS[rel]
        count = d.get("count", 1)
        net.add_edge(
            a,
            b,
            id=f"{a}|{rel}|{b}",
            label=f"{label} ×{count}" if count > 1 and label else label,
            relation=rel,
            count=count,
            color=colour,
            width=1 + min(math.log2(count), 6) if count > 1 else 1,
            dashes=rel in ("coordinating", "requested", "based_on", "successor"),
        )
    net.options = dict(_OPTIONS)
    return net


def render(g: nx.MultiDiGraph, *, title: str, subtitle: str = "", links: bool = False) -> str:
    """The HTML of a page graph (``links``: keep node links to the other pages of a site)."""
    net = network(g)
    nodes = [_clean(n, links) for n in net.nodes]
    data = {
        "title": title,
        "subtitle": subtitle,
        "nodes": nodes,
        "edges": [{k: v for k, v in e.items() if k != "arrows"} for e in net.edges],
        "options": net.options,
        "legend": [
            {"kind": k, "color": c, "shape": s, "label": lab} for k, (c, s, lab) in STYLE.items()
        ],
        "relations": {k: lab or "part of" for k, (_, lab) in RELATIONS.items()},
    }
    template = (ASSETS / "page.html").read_text("utf-8")
    parts = {
        "TITLE": _html_text(title),
        "VIS_CSS": (ASSETS / "vis-network.css").read_text("utf-8"),
        "PAGE_CSS": (ASSETS / "page.css").read_text("utf-8"),
        "VIS_JS": (ASSETS / "vis-network.min.js")
        .read_text("utf-8")
        .replace("</script", "<\\/script"),
        "PAGE_JS": (ASSETS / "page.js").read_text("utf-8"),
        "DATA": safe_json(data),
    }
    out = []
    rest = template
    # one pass, in template order, so no inserted text is ever scanned for another marker
    while "{{" in rest:
        before, _, after = rest.partition("{{")
        name, _, rest = after.partition("}}")
        out.append(before)
        out.append(parts[name.strip()])
    out.append(rest)
    return "".join(out)


def _clean(node: dict, links: bool) -> dict:
    node = {k: v for k, v in node.items() if v is not None and k not in ("title", "font")}
    if not links:
        node.pop("href", None)
    return node


def _html_text(text: str) -> str:
    escaped = html.escape(text, quote=True)
    return escaped.replace("\u2028", "&#8232;").replace("\u2029", "&#8233;")


def write_page(
    g: nx.MultiDiGraph, path: Path, *, title: str, subtitle: str = "", links: bool = False
) -> Path:
    """Write a page graph to ``path`` (parents created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(g, title=title, subtitle=subtitle, links=links), "utf-8")
    return path
