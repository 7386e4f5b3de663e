"""The lineage pages of a build: the overview, one page per central directive, plan and
agency, and an index linking them; and single pages for ``policykg viz``.

>>> page_title("agency", "Sở Tài chính", "Hải Phòng")
'Agency: Sở Tài chính (Hải Phòng)'
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store

from policykg.queries import api
from policykg.viz import model
from policykg.viz.page import write_page

PAGES_DIR = "pages"


@dataclass
class Site:
    """What :func:`write_site` wrote."""

    index: Path
    pages: int


def page_title(kind: str, name: str, place: str | None = None) -> str:
    """The title of a page."""
    label = {
        "overview": "Lineage overview",
        "document": "Document",
        "task": "Task",
        "agency": "Agency",
    }[kind]
    return f"{label}: {name}" + (f" ({place})" if place else "")


def _doc_title(corpus: model.Corpus, iri: str) -> tuple[str, str]:
    d = corpus.docs[iri]
    name = d["number"] or d["key"]
    sub = " · ".join(x for x in (d["type_label"], d["issuer"], d["date"], d["title"]) if x)
    return page_title("document", name), sub


def document_html(store: Store, corpus: model.Corpus, ref: str, out: Path, links=False) -> Path:
    """Write the page of a document given by number, key, file name or IRI."""
    iri = api.find_document(list(corpus.docs.values()), ref)["iri"]
    g, note = model.document_page(store, corpus, iri)
    title, sub = _doc_title(corpus, iri)
    issued = [p for p, d in corpus.attached if d == iri and p in corpus.task_counts]
    if len(issued) == 1:
        plan = corpus.docs[issued[0]]
        sub = f"issues plan {plan['number'] or plan['key']} · {sub}"
    return write_page(g, out, title=title, subtitle=f"{sub} — {note}", links=links)


def task_html(store: Store, corpus: model.Corpus, ref: str, out: Path) -> Path:
    """Write the page of a task given by key or IRI."""
    iri = api.find_task(api.tasks(store), ref)["iri"] if "://" not in ref else ref
    g, key = model.task_page(store, corpus, iri)
    return write_page(g, out, title=page_title("task", key), subtitle=_task_subtitle(g, iri))


def _task_subtitle(g, iri: str) -> str:
    info = g.nodes[iri]["info"]
    return model.short(info.get("text"), 30)


def agency_html(store: Store, corpus: model.Corpus, ref: str, out: Path, links=False) -> Path:
    """Write the page of an agency given by name, ``name@jurisdiction`` or IRI."""
    agency = api.find_agency(list(corpus.agencies.values()), ref)
    g, note = model.agency_page(store, corpus, agency["iri"])
    title = page_title("agency", agency["name"], agency["jurisdiction"])
    sub = (
        f"leads {agency['lead']}, coordinates {agency['coordinating']}, "
        f"requested {agency['requested']} — {note}"
    )
    return write_page(g, out, title=title, subtitle=sub, links=links)


def overview_html(store: Store, corpus: model.Corpus, out: Path, links=False) -> Path:
    """Write the overview of the whole graph."""
    g, note = model.overview(store, corpus)
    reached = sum(1 for _, kind in g.nodes(data="kind") if kind == "central")
    title = page_title(
        "overview", f"{len(corpus.plans())} plans and the {reached} central directives they reach"
    )
    return write_page(g, out, title=title, subtitle=note, links=links)


def write_site(store: Store, build_dir: Path) -> Site:
    """Write ``pages/``: index, overview, central directive, plan and agency pages."""
    corpus = model.load_corpus(store)
    pages = build_dir / PAGES_DIR
    overview_html(store, corpus, pages / "overview.html", links=True)
    sections: list[tuple[str, list[tuple[str, str, str]]]] = []
    for heading, iris in (("Central directives", corpus.centrals()), ("Plans", corpus.plans())):
        entries = []
        for iri in iris:
            href = model.doc_href(corpus, iri)
            document_html(store, corpus, iri, pages / href, links=True)
            d = corpus.docs[iri]
            extra = (
                f"{corpus.task_counts[iri]} tasks" if iri in corpus.task_counts else d["type_label"]
            )
            entries.append((href, d["number"] or d["key"], f"{extra} — {d['title'] or ''}"))
        sections.append((heading, entries))
    entries = []
    for a in sorted(
        corpus.agencies.values(), key=lambda a: (a["jurisdiction"] or "", a["name"], a["iri"])
    ):
        href = model.agency_href(a)
        agency_html(store, corpus, a["iri"], pages / href, links=True)
        load = f"lead {a['lead']}, coordinating {a['coordinating']}, requested {a['requested']}"
        entries.append((href, f"{a['name']} ({a['jurisdiction']})", load))
    sections.append(("Agencies", entries))
    index = pages / "index.html"
    index.write_text(_index_html(sections), "utf-8")
    return Site(index, 1 + sum(len(e) for _, e in sections))


def _index_html(sections: list[tuple[str, list[tuple[str, str, str]]]]) -> str:
    esc = html.escape
    body = ['<p><a href="overview.html"><b>Overview of the whole graph</b></a></p>']
    for heading, entries in sections:
        body.append(f"<h2>{esc(heading)} ({len(entries)})</h2><ul>")
        body += [
            f'<li><a href="{esc(href)}">{esc(name)}</a> <span>{esc(note)}</span></li>'
            for href, name, note in entries
        ]
        body.append("</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        "<title>policykg lineage pages</title><style>body{font-family:'DejaVu Sans',sans-serif;"
        "margin:2em auto;max-width:60em;color:#1f2937}span{color:#64748b;font-size:90%}"
        "li{margin:.3em 0}</style></head><body><h1>policykg lineage pages</h1>"
        + "".join(body)
        + "</body></html>\n"
    )
