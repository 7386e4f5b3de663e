"""Open lineage pages in headless Chromium with the network cut off (tests, benchmark,
screenshots).

Uses Playwright (the ``test`` extra) driving Debian's ``/usr/bin/chromium``; Playwright's own
browser download is never used. Every request that is not ``file://`` or ``data:`` is
aborted and recorded, as is every console error and page error, so a page that tries to
reach the network, or breaks, is seen.

>>> LAUNCH_ARGS[:2]
['--headless', '--no-sandbox']
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from policykg.ontology.errors import PolicyKGError

CHROMIUM = Path(os.environ.get("POLICYKG_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserMissing(PolicyKGError):
    """Chromium or Playwright is not installed."""


@dataclass
class PageVisit:
    """One page opened: the Playwright page, and what went wrong while loading it."""

    page: object
    seconds: float
    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


class Browser:
    """A headless Chromium with a fresh profile; :meth:`open` loads a file offline."""

    def __init__(self, context, playwright, browser) -> None:
        self._context = context
        self._playwright = playwright
        self._browser = browser

    def open(self, path: Path, *, timeout_ms: int = 30000) -> PageVisit:
        """Load ``path`` from file:// and wait until the page says its graph is drawn."""
        page = self._context.new_page()
        visit = PageVisit(page, 0.0)
        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
        page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
        page.on("requestfailed", lambda r: r.url.startswith("file:") or visit.blocked.append(r.url))
        start = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function(
            "window.policykg && window.policykg.ready === true", timeout=timeout_ms
        )
        visit.seconds = time.perf_counter() - start
        return visit


@contextmanager
def chromium(viewport: tuple[int, int] = (1600, 1000)) -> Iterator[Browser]:
    """A headless Chromium with no network: only file:// and data: URLs load."""
    if not CHROMIUM.exists():
        raise BrowserMissing(
            f"no Chromium at {CHROMIUM}: run `bash scripts/setup.sh` (installs Debian's "
            "chromium) or set POLICYKG_CHROMIUM to a Chromium binary"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserMissing(
            "Playwright is missing: pip install -e '.[test]' (never `playwright install`)"
        ) from None
    with (
        tempfile.TemporaryDirectory(prefix="policykg-chromium-") as profile,
        sync_playwright() as p,
    ):
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=LAUNCH_ARGS,
            viewport={"width": viewport[0], "height": viewport[1]},
            offline=True,
        )

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        try:
            yield Browser(context, p, None)
        finally:
            context.close()
