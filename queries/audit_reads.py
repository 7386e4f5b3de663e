"""What the audit reads: each task (from the plans' task tables, or from the triples of a
graph without them), the documents (keys for all, the rest only for those findings name)
and the unresolved citations, each read so that a million tasks take seconds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from urllib.parse import unquote

from pyoxigraph import Store

from policykg.graph.emit import span_of_citation_iri
from policykg.ontology.task_table import (
    QUOTE_CHARS,
    CitationRow,
    decode_citation_table,
    escape,
    split_table,
)
from policykg.queries import api
from policykg.queries.document_index import (
    Entry,
    document_labels,
    read_index,
    unidentified_documents,
)
from policykg.queries.runner import load_query, run_query, sort_rows


@dataclass(slots=True)
class TaskRecord:
    """What the audit reads of a task (from the plan's task table, or from its triples)."""

    iri: str
    key: str
    plan: str  # the plan's IRI
    plan_key: str
    file: str | None
    start: int | None
    end: int | None
    lead: list[tuple[str, str]]  # (name, IRI), sorted
    coordinating: list[tuple[str, str]]
    requested: bool
    deadline: tuple[str, str | None] | None  # (text escaped as in a task table, end)
    quote: str  # the start of the text, escaped as in a task table
    cites: list[str]
    subject: dict | None = None  # made by _task_subject


def tasks_from_triples(store: Store, as_of: date) -> list[TaskRecord]:
    """The audit's tasks read from their triples (a graph without task tables)."""
    return [
        TaskRecord(
            t["iri"],
            t["key"],
            t["document"]["iri"],
            t["document"]["key"],
            t["document"]["file"],
            t["source"]["start"],
            t["source"]["end"],
            [(a["name"], a["iri"]) for a in t["lead"]],
            [(a["name"], a["iri"]) for a in t["coordinating"]],
            bool(t["requested"]),
            None
            if t["deadline"] is None
            else (escape(t["deadline"]["text"]), t["deadline"]["end"]),
            escape(t["text"][:QUOTE_CHARS]),
            [c["iri"] for c in t["cites"]],
        )
        for t in sorted(api.tasks(store, as_of=as_of), key=lambda t: t["key"])
    ]


def tasks_from_tables(store: Store, docs: Documents) -> list[TaskRecord] | None:
    """The audit's tasks read from the plans' task tables, one row per plan and file (None
    when the graph has none), each plan's in key order (a table is in path order)."""
    tables = run_query(store, load_query("task-tables"))
    if not tables:
        return None
    names: dict[str, list[str]] = defaultdict(list)
    for r in run_query(store, load_query("agency-names")):
        names[r["agency"]].append(r["name"])
    by_plan: dict[str, list[str]] = defaultdict(list)
    for r in tables:
        by_plan[r["plan"]].append(r["table"])
    out: list[TaskRecord] = []
    shared: dict[tuple[str, ...], list[tuple[str, str]]] = {(): []}
    for plan, texts in by_plan.items():
        found: list[TaskRecord] = []
        for text in texts:
            found += _table_tasks(plan, docs.key(plan), text, names, shared)
        if len(texts) > 1:  # several files (or one split in parts): a task once
            merged: dict[str, TaskRecord] = {}
            for t in found:
                merged[t.iri] = _merged(merged[t.iri], t) if t.iri in merged else t
            found = sorted(merged.values(), key=attrgetter("key"))
        out += found
    return out


def _table_tasks(
    plan: str,
    plan_key: str,
    text: str,
    names: dict[str, list[str]],
    shared: dict[tuple[str, ...], list[tuple[str, str]]],
) -> list[TaskRecord]:
    """The tasks of one table (a million at national scale: kept lean; free text stays
    escaped until a finding quotes it).

    Tasks naming the same agencies share one list of them, across tables too (``shared``,
    by the agencies' IRIs): the audit then judges each combination once (``defunct`` keys
    its causes by the lists' identity), where one list per table made it judge most tasks
    anew (at a million tasks, 723,000 times)."""
    file, agencies, cited, rows = split_table(text)
    prefix, key_prefix = f"{plan}/task/", f"{plan_key}#"
    none = shared[()]  # shared by the tasks that name none (never changed)
    # each distinct field of agency positions decoded once (tasks share combinations)
    fields = {r[3] for r in rows}
    fields.update(r[4] for r in rows)
    fields.discard("")
    agencies_of = {"": none}
    for f in fields:
        iris = tuple(sorted({agencies[int(i)] for i in f.split()}))
        entry = shared.get(iris)
        if entry is None:
            named = sorted((n, iri) for iri in iris for n in names.get(iri, ()))
            entry = shared[iris] = named or none  # agencies without a name: as none
        agencies_of[f] = entry
    return [
        TaskRecord(
            prefix + path,
            key_prefix + (unquote(path) if "%" in path else path),
            plan,
            plan_key,
            file,
            int(start) if start else None,
            int(end) if end else None,
            agencies_of[lead],
            agencies_of[co],
            requested == "1",
            (d_text, d_end or None) if has_deadline == "1" else None,
            quote,
            [cited[int(i)] for i in cites.split()] if cites else none,
        )
        for (
            path,
            start,
            end,
            lead,
            co,
            requested,
            has_deadline,
            d_end,
            d_text,
            cites,
            quote,
        ) in rows
    ]


def _merged(a: TaskRecord, b: TaskRecord) -> TaskRecord:
    """One task read from two files of its plan: the first file's text, span and deadline
    (as the task list gives them), the agencies and citations of both."""
    first, other = (a, b) if (a.file or "") <= (b.file or "") else (b, a)
    return TaskRecord(
        first.iri,
        first.key,
        first.plan,
        first.plan_key,
        first.file,
        first.start,
        first.end,
        sorted(set(first.lead) | set(other.lead)),
        sorted(set(first.coordinating) | set(other.coordinating)),
        first.requested or other.requested,
        first.deadline or other.deadline,
        first.quote,
        sorted(set(first.cites) | set(other.cites)),
    )


class Documents:
    """What the audit knows of documents: every document's key and number, the central
    directives and attachments (a few rows per plan); type, date and relations only of the
    documents a finding names, each read once by an index lookup (reading every document
    with its relations costs seconds at national scale).

    ``full`` gives a document as :func:`api.documents` shapes it (the keys the audit reads).
    """

    _RELATIONS = ("implements", "based_on", "replaces", "amends", "attached_to", "cites")

    def __init__(self, store: Store) -> None:
        self.store = store
        #: the build-time document index (None for a graph without one)
        self.index = read_index(store)
        self.labels = document_labels(store, self.index)
        self.central = {r["doc"] for r in run_query(store, load_query("central-directives"))} & set(
            self.labels
        )
        self._attached: dict[str, list[str]] = defaultdict(list)
        for r in run_query(store, load_query("attachments")):
            if r["doc"] in self.labels and r["other"] in self.labels:
                self._attached[r["doc"]].append(r["other"])
        self._full: dict[str, dict | None] = {}
        self._by_key: dict[str, str] | None = None

    def key(self, iri: str) -> str:
        return self.labels[iri][0]

    def attached(self, iri: str) -> list[str]:
        """The documents ``iri`` is attached to (sorted by key, as the document list)."""
        return sorted(self._attached.get(iri, ()), key=lambda o: self.labels[o][0])

    def iri_of_key(self, key: str) -> str:
        if self._by_key is None:
            self._by_key = {}
            for iri, (k, _) in self.labels.items():
                self._by_key.setdefault(k, iri)
        return self._by_key.get(key, "")

    def full(self, iri: str) -> dict | None:
        """The document with its type, date and relations (None if the graph has none)."""
        if iri not in self._full:
            self._full[iri] = self._read(iri) if iri in self.labels else None
        return self._full[iri]

    def _read(self, iri: str) -> dict:
        key, number = self.labels[iri]
        facts = run_query(self.store, load_query("document-facts"), {"doc": iri})
        doc = {
            "iri": iri,
            "key": key,
            "number": number,
            "type": facts[0]["type"] if facts else None,
            "date": facts[0]["date"] if facts else None,
            "central": iri in self.central,
        }
        doc.update({k: [] for k in self._RELATIONS})
        for r in run_query(self.store, load_query("document-relations"), {"doc": iri}):
            doc[r["relation"]].append(
                {"iri": r["other"], "number": r["other_number"], "key": r["other_key"]}
            )
        return doc


def unresolved_citations(
    store: Store,
    labels: dict[str, tuple[str, str | None]],
    index: dict[str, Entry] | None = None,
) -> list[dict]:
    """The rows of ``unresolved-citations.rq``, read by index lookups: the documents known
    only partially first (few; from the document ``index`` where the graph has one), then
    the citations of each (one query joining every citation of a national corpus to its
    span's selectors and filtering at the end takes the store half a minute), from the cited
    documents' citation tables where the graph has them; the citing document's key from
    ``labels`` (document IRI → key, number)."""
    tables = run_query(store, load_query("citation-table-count"))[0]["tables"] > 0
    rows = []
    for doc in unidentified_documents(store, index):
        for c in _citations_of(store, doc["cited"], tables):
            if c.citing not in labels:
                continue
            rows.append(
                {
                    "citing_key": labels[c.citing][0],
                    "cited": doc["cited"],
                    "cited_key": doc["cited_key"],
                    "missing": doc["missing"],
                    "surface": c.surface,
                    "file": c.file,
                    "start": c.start,
                    "end": c.end,
                }
            )
    unique = list({tuple(r.values()): r for r in rows}.values())  # SELECT DISTINCT
    sort_rows(unique, (("citing_key", False), ("file", False), ("start", False)))
    return unique


def _citations_of(store: Store, cited: str, tables: bool) -> list[CitationRow]:
    """The citations of a document: from its citation tables, or (a graph without them)
    from the citations' triples, spans read from their IRIs by the identity rule."""
    if tables:
        return [
            row
            for r in run_query(store, load_query("citation-tables"), {"cited": cited})
            for row in decode_citation_table(r["table"])
        ]
    out = []
    for c in run_query(store, load_query("citations-of"), {"cited": cited}):
        span = span_of_citation_iri(c["citation"])
        if span is not None:
            out.append(CitationRow(*span, c["citing"], c["surface"]))
    return out
