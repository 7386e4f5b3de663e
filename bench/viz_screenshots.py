"""Screenshots of the lineage pages of the bundled corpus for the docs (docs/screenshots/):
the overview, a task page and an agency page, taken in headless Chromium offline.

    python bench/viz_screenshots.py [--out BUILD_DIR]

With ``--out`` it reads that build (``policykg --out DIR build`` first); without, it builds
the bundled corpus into a temporary directory.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from policykg.graph.pipeline import build
from policykg.graph.store import open_store
from policykg.viz import model, site
from policykg.viz.browser import chromium

ROOT = Path(__file__).resolve().parent.parent
TASK = "ho-chi-minh:3064/QĐ-UBND/KH#11.1"
AGENCY = "Sở Kế hoạch và Đầu tư@Hồ Chí Minh"
#: the node whose details each page shows
FOCUS = {"task-page": "task", "agency-page": "agency"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, help="An existing build directory.")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="policykg-shots-"))
    out = args.out or tmp / "out"
    if args.out is None:
        build([ROOT / "corpus"], out)
    store = open_store(out)
    corpus = model.load_corpus(store)
    pages = {
        "overview": site.overview_html(store, corpus, tmp / "overview.html"),
        "task-page": site.task_html(store, corpus, TASK, tmp / "task.html"),
        "agency-page": site.agency_html(store, corpus, AGENCY, tmp / "agency.html"),
    }
    shots = ROOT / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with chromium((1600, 1000)) as browser:
        for name, path in pages.items():
            visit = browser.open(path)
            if visit.console_errors or visit.blocked:
                raise SystemExit(f"{name}: {visit.console_errors} {visit.blocked}")
            if name in FOCUS:  # show the details panel of the page's subject
                visit.page.evaluate(
                    "(kind) => { const t = window.policykg.nodes.get("
                    "{filter: n => n.kind === kind && !n.info['carried by on'] && n.href !== null})"
                    "[0].id; window.policykg.showDetails(t); "
                    "window.policykg.network.selectNodes([t]); }",
                    FOCUS[name],
                )
            visit.page.screenshot(path=str(shots / f"{name}.png"))
            print(f"{shots / name}.png ({visit.seconds:.2f} s to draw)")


if __name__ == "__main__":
    main()
