"""Lineage pages at national scale: a synthetic graph of N tasks, the time to generate each
kind of page from it, and the time headless Chromium takes to open it (until drawn).

    python bench/viz_scale.py [--tasks 1000000] [--out /tmp/viz-scale] [--json FILE]

The graph is written directly as RDF quads in the ontology's terms (the shapes of
``graph/emit.py``: documents with type, key, number, jurisdiction and implements edges,
tasks with key, path, text, plan, lead and coordinating agencies, agencies with name and
jurisdiction), bulk-loaded into an embedded Oxigraph store with the ontology. It does not
go through the text pipeline (that is issue 7's generator): it measures the pages only.

Shape: 3 central directives; per province one action programme implementing one of them
and ``plans`` plans implementing the programme; tasks spread evenly over the plans; each
task led by one agency of its province and coordinated by one or two others.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from policykg.graph.store import ONTOLOGY_PATH
from policykg.ontology.namespaces import (
    DATA_GRAPH,
    ID,
    INFERRED_GRAPH,
    OA,
    ONTOLOGY_GRAPH,
    PKG,
    RDF,
    RDFS,
    XSD,
)

G = NamedNode(str(DATA_GRAPH))
GI = NamedNode(str(INFERRED_GRAPH))
_TYPE = NamedNode(str(RDF.type))
_INT = NamedNode(str(XSD.integer))
_BOOL = NamedNode(str(XSD.boolean))
_DATE = NamedNode(str(XSD.date))
_OA = {k: NamedNode(str(OA[k])) for k in ("hasSource", "hasSelector", "start", "end", "exact")}
_OA_TYPES = {
    k: NamedNode(str(OA[k]))
    for k in ("SpecificResource", "TextPositionSelector", "TextQuoteSelector")
}
CENTRAL = (
    ("56-KL/TW", "kl-tw/2013/56", "2013-02-21"),
    ("70-KL/TW", "kl-tw/2020/70", "2020-03-09"),
    ("134/NQ-CP", "nq-cp/2020/134", "2020-09-25"),
)
SECTORS = (
    "Kế hoạch và Đầu tư",
    "Tài chính",
    "Nông nghiệp và Phát triển nông thôn",
    "Công Thương",
    "Lao động - Thương binh và Xã hội",
    "Tài nguyên và Môi trường",
    "Xây dựng",
    "Nội vụ",
    "Khoa học và Công nghệ",
    "Giáo dục và Đào tạo",
    "Thông tin và Truyền thông",
    "Tư pháp",
    "Y tế",
    "Giao thông vận tải",
    "Văn hóa, Thể thao và Du lịch",
)


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def _s(value: str, lang: str | None = None) -> Literal:
    return Literal(value, language=lang) if lang else Literal(value)


def quads(tasks: int, provinces: int = 20, plans: int = 50, agencies: int = 30) -> Iterator[Quad]:
    """The synthetic graph: ``tasks`` tasks over ``provinces`` × ``plans`` plans."""
    p = {
        k: _n(str(PKG[k]))
        for k in (
            "key",
            "number",
            "title",
            "date",
            "year",
            "inCorpus",
            "jurisdiction",
            "implements",
            "partOfPlan",
            "path",
            "text",
            "lead",
            "coordinating",
            "name",
            "typeCode",
            "issuedBy",
        )
    }
    label = _n(str(RDFS.label))
    vn = _n(str(ID["jurisdiction/vn"]))
    yield Quad(vn, label, _s("Việt Nam", "vi"), G)
    central_iris = []
    for number, path, day in CENTRAL:
        c = _n(str(ID["doc/vn/" + path]))
        central_iris.append(c)
        for cls in ("Document", "PartyDocument", "CentralDirective", "PolicyDirective"):
            yield Quad(c, _TYPE, _n(str(PKG[cls])), G)
        yield Quad(c, p["key"], _s(number), G)
        yield Quad(c, p["number"], _s(number), G)
        yield Quad(c, p["date"], Literal(day, datatype=_DATE), G)
        yield Quad(c, p["title"], _s("về tiếp tục đổi mới, phát triển kinh tế tập thể", "vi"), G)
        yield Quad(c, p["jurisdiction"], vn, G)
        yield Quad(c, _TYPE, _n(str(PKG.CentralDirective)), GI)
    per_plan = max(1, tasks // (provinces * plans))
    made = 0
    for pr in range(provinces):
        place = f"tinh-{pr:02d}"
        j = _n(str(ID["jurisdiction/" + place]))
        yield Quad(j, label, _s(f"Tỉnh {pr:02d}", "vi"), G)
        prog = _n(str(ID[f"doc/{place}/ctr-tu/2021/{pr + 1}"]))
        yield from _doc(p, prog, f"{place}:{pr + 1}-CTr/TU", f"{pr + 1}-CTr/TU", j, "Programme")
        yield Quad(prog, p["implements"], central_iris[pr % len(central_iris)], G)
        ags = []
        for a in range(agencies):
            ag = _n(str(ID[f"agency/{place}/so-{a}"]))
            ags.append(ag)
            yield Quad(ag, _TYPE, _n(str(PKG.Agency)), G)
            yield Quad(ag, p["name"], _s(f"Sở {SECTORS[a % len(SECTORS)]} {a}", "vi"), G)
            yield Quad(ag, p["jurisdiction"], j, G)
        for k in range(plans):
            plan = _n(str(ID[f"doc/{place}/kh-ubnd/2022/{k + 1}"]))
            key = f"{place}:{k + 1}/KH-UBND"
            yield from _doc(p, plan, key, f"{k + 1}/KH-UBND", j, "Plan")
            yield Quad(plan, p["implements"], prog, G)
            source = _n(str(ID[f"source/{place}-{k + 1}.txt"]))
            count = per_plan if (pr, k) != (provinces - 1, plans - 1) else tasks - made
            for t in range(count):
                made += 1
                path = f"{t // 100 + 1}.{t % 100 + 1}"
                task = _n(f"{plan.value}/task/{path}")
                yield Quad(task, _TYPE, _n(str(PKG.Task)), G)
                yield Quad(task, p["key"], _s(f"{key}#{path}"), G)
                yield Quad(task, p["path"], _s(path), G)
                yield Quad(
                    task,
                    p["text"],
                    _s(
                        f"Nhiệm vụ {path}: triển khai hỗ trợ hợp tác xã "
                        f"nhóm {t % 7}, báo cáo định kỳ",
                        "vi",
                    ),
                    G,
                )
                yield Quad(task, p["partOfPlan"], plan, G)
                yield from _span(task, source, t * 80, t * 80 + 60, f"nhóm {t % 7}")
                lead = (t * 7 + k) % agencies
                yield Quad(task, p["lead"], ags[lead], G)
                for c in range(1 + t % 2):
                    yield Quad(task, p["coordinating"], ags[(lead + 1 + c * 5) % agencies], G)


def _span(task: NamedNode, source: NamedNode, a: int, b: int, words: str) -> Iterator[Quad]:
    """A task's source span with its two selectors, as the build writes them (the pages'
    queries join them); the quote selector is shared by the spans of the same words."""
    span = _n(f"{source.value}/span/{a}-{b}")
    position = _n(f"{span.value}/position")
    quote = _n(str(ID["quote/" + words.replace(" ", "-")]))
    yield Quad(task, _n(str(PKG.source)), span, G)
    yield Quad(span, _TYPE, _OA_TYPES["SpecificResource"], G)
    yield Quad(span, _OA["hasSource"], source, G)
    yield Quad(span, _OA["hasSelector"], position, G)
    yield Quad(span, _OA["hasSelector"], quote, G)
    yield Quad(position, _TYPE, _OA_TYPES["TextPositionSelector"], G)
    yield Quad(position, _OA["start"], Literal(str(a), datatype=_INT), G)
    yield Quad(position, _OA["end"], Literal(str(b), datatype=_INT), G)
    yield Quad(quote, _TYPE, _OA_TYPES["TextQuoteSelector"], G)
    yield Quad(quote, _OA["exact"], _s(f"Nhiệm vụ {words}"), G)


def _doc(p, iri: NamedNode, key: str, number: str, j: NamedNode, cls: str) -> Iterator[Quad]:
    for c in ("Document", "StateDocument", cls):
        yield Quad(iri, _TYPE, _n(str(PKG[c])), G)
    yield Quad(iri, p["key"], _s(key), G)
    yield Quad(iri, p["number"], _s(number), G)
    yield Quad(iri, p["jurisdiction"], j, G)
    yield Quad(iri, p["inCorpus"], Literal("true", datatype=_BOOL), G)
    yield Quad(iri, p["title"], _s(f"Kế hoạch thực hiện {number}", "vi"), G)


def synthetic_store(tasks: int, path: Path | None = None, **shape) -> Store:
    """An Oxigraph store (in memory, or at ``path``) holding the synthetic graph."""
    store = Store(str(path)) if path else Store()
    store.bulk_extend(quads(tasks, **shape))
    store.load(path=str(ONTOLOGY_PATH), format=RdfFormat.TURTLE, to_graph=_n(str(ONTOLOGY_GRAPH)))
    return store


def measure(store: Store, out: Path) -> list[dict]:
    """Generate one page of each kind, then open each in Chromium; seconds for both."""
    from policykg.viz import model, site
    from policykg.viz.browser import chromium

    t0 = time.perf_counter()
    corpus = model.load_corpus(store)
    rows = [{"page": "(read documents, agencies, counts)", "generate_s": time.perf_counter() - t0}]
    plan = corpus.plans()[0]
    agency = sorted(corpus.agencies)[0]
    central = corpus.centrals()[0]
    task = f"{plan}/task/1.1"
    jobs = {
        "overview": lambda f: site.overview_html(store, corpus, f),
        "central directive": lambda f: site.document_html(store, corpus, central, f),
        "plan": lambda f: site.document_html(store, corpus, plan, f),
        "agency": lambda f: site.agency_html(store, corpus, agency, f),
        "task": lambda f: site.task_html(store, corpus, task, f),
    }
    for name, job in jobs.items():
        f = out / f"{name.replace(' ', '-')}.html"
        t0 = time.perf_counter()
        job(f)
        rows.append({"page": name, "file": f, "generate_s": time.perf_counter() - t0})
    with chromium() as browser:
        for row in rows[1:]:
            visit = browser.open(row["file"], timeout_ms=60000)
            nodes = visit.page.evaluate("window.policykg.nodes.length")
            edges = visit.page.evaluate("window.policykg.edges.length")
            row.update(
                load_s=visit.seconds,
                nodes=nodes,
                edges=edges,
                errors=len(visit.console_errors) + len(visit.blocked),
                size_mb=row["file"].stat().st_size / 1e6,
            )
            visit.page.screenshot(path=str(row["file"].with_suffix(".png")))
            visit.page.close()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=Path("/tmp/viz-scale"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    store = synthetic_store(args.tasks)
    print(
        f"synthetic graph of {args.tasks:,} tasks: {len(store):,} quads loaded in "
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    rows = measure(store, args.out)
    for r in rows:
        print(
            f"{r['page']:36} generate {r['generate_s']:6.2f} s"
            + (
                f"  load {r['load_s']:5.2f} s  {r['nodes']:5} nodes {r['edges']:5} edges "
                f"{r['size_mb']:.1f} MB  errors {r['errors']}"
                if "load_s" in r
                else ""
            )
        )
    if args.json:
        args.json.write_text(json.dumps(rows, default=str, indent=2))
    return 0 if all(r.get("load_s", 0) < 3 and not r.get("errors") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
