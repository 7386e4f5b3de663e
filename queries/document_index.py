"""Every document's key, number and identity gaps, from the build-time document index.

The build writes the index (``pkg:documentIndex``, see :meth:`Emitter.document_index
<policykg.graph.emit.Emitter.document_index>`): JSON entries ``[iri, key, number,
missing]``, in one row per 20,000 documents. Reading the same from the documents' triples
(``document-labels.rq``, ``unidentified-documents.rq``) costs the embedded store a lookup
per document: about 0.8 s each at a million tasks, for the lineage of all tasks and for the
audit. A graph without the index (published by an older version, or any endpoint holding
triples only) is read by those queries, with the same result.

>>> parse_index(['[["http://x/d","hn:1/KH@2020","1/KH","issuer"]]'])
{'http://x/d': ('hn:1/KH@2020', '1/KH', 'issuer')}
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from policykg.queries.runner import StoreLike, load_query, run_query, sort_rows

#: A document's (key, number, first identity field missing or "").
Entry = tuple[str, "str | None", str]


def parse_index(texts: Iterable[str]) -> dict[str, Entry]:
    """The entries of the index literals ``texts``, by document IRI."""
    out: dict[str, Entry] = {}
    for text in texts:
        for iri, key, number, missing in json.loads(text):
            out.setdefault(iri, (key, number, missing))
    return out


def read_index(store: StoreLike) -> dict[str, Entry] | None:
    """The document index of the graph, or None when it has none."""
    rows = run_query(store, load_query("document-index"))
    return parse_index(r["index"] for r in rows) if rows else None


def document_labels(
    store: StoreLike, index: dict[str, Entry] | None = None
) -> dict[str, tuple[str, str | None]]:
    """Every document's (key, number) by IRI: from the index (``index``, or read here), or
    from ``document-labels.rq`` where the graph has none."""
    index = index if index is not None else read_index(store)
    if index is not None:
        return {iri: (key, number) for iri, (key, number, _) in index.items()}
    return {
        r["doc"]: (r["key"], r["number"]) for r in run_query(store, load_query("document-labels"))
    }


def unidentified_documents(store: StoreLike, index: dict[str, Entry] | None = None) -> list[dict]:
    """The rows of ``unidentified-documents.rq`` (cited, cited_key, missing; in its order),
    from the index where the graph has one."""
    spec = load_query("unidentified-documents")
    index = index if index is not None else read_index(store)
    if index is None:
        return run_query(store, spec)
    rows = [
        {"cited": iri, "cited_key": key, "missing": missing}
        for iri, (key, _, missing) in index.items()
        if missing
    ]
    sort_rows(rows, spec.sort)
    return rows
