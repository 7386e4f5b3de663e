"""The task table (``pkg:taskTable``): a build-time digest of the tasks one file gives a plan.

A national graph holds a million tasks; reading them one store row at a time costs more
than the whole audit may take. The build writes, next to each plan's ``pkg:taskIndex``, one
literal per (plan, file) holding what the audit reads of each task, one line per task, so
a reader gets a plan's tasks in one result row (several literals, each a table with its own
header, when a file's tasks need more than :data:`MAX_TABLE_CHARS` characters: the store's
bulk loader refuses a line of more than 16 MiB). It is derived data: the tasks stay ordinary
resources (``pkg:Task``, ``pkg:lead``, ``pkg:hasDeadline``, spans…) and a test holds the
table to them. A graph without tables (published by an older version) is read from the
triples instead.

The citation table (``pkg:citationTable``, on a cited document) is the same idea for
citations: every citation of the document, one line each (see
:func:`encode_citation_tables`).

The text is lines separated by LF. The first line is the header: ``policykg-task-table/1``,
the file's name, the agency IRIs and the cited document IRIs the lines refer to by position
(space-separated; an IRI holds no space), the four fields separated by TAB. Each further
line is one task, sorted by path, with the fields (TAB-separated):

``path`` (percent-encoded as it ends the task's IRI), ``start``, ``end`` (the first and last
character of its spans, in code points of the original file; empty when it has none),
``lead``, ``coordinating`` (agency positions, space-separated), ``requested`` (``1`` when it
names a requested agency), ``deadline`` (``1`` when it has one), ``deadline_end`` (ISO date
or empty), ``deadline_text``, ``cites`` (cited document positions) and ``quote`` (the
first :data:`QUOTE_CHARS` characters of its text). Free text is escaped with
:func:`escape` (``%``, TAB, LF and CR as ``%25``, ``%09``, ``%0A``, ``%0D``).

>>> row = TaskRow("1.2", 10, 42, ("A",), (), False, True, "2025-12-31", "Quý IV", (), "Làm")
>>> text = encode_table("plan.txt", [row])
>>> decode_table(text) == ("plan.txt", [row])
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from policykg.ontology.errors import PolicyKGError

#: The header's first field: the format and its version.
MAGIC = "policykg-task-table/1"
#: How many characters of a task's text the table keeps (the audit's quote).
QUOTE_CHARS = 120
#: At most about this many characters in one table literal: a file's tasks are split over
#: several literals beyond it (an N-Quads line over 16 MiB is refused by the store's bulk
#: loader; a character is at most four bytes of UTF-8).
MAX_TABLE_CHARS = 2_000_000


class BadTaskTable(PolicyKGError):
    """A ``pkg:taskTable`` literal that is not in the format this version reads."""


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One task of a table (agencies and cited documents as IRIs)."""

    path: str
    start: int | None
    end: int | None
    lead: tuple[str, ...]
    coordinating: tuple[str, ...]
    requested: bool
    has_deadline: bool
    deadline_end: str | None
    deadline_text: str | None
    cites: tuple[str, ...]
    quote: str


def escape(text: str) -> str:
    """``text`` with ``%``, TAB, LF and CR percent-encoded (the inverse is ``unquote``).

    >>> escape("a\\tb%\\n")
    'a%09b%25%0A'
    """
    if "%" in text:
        text = text.replace("%", "%25")
    return text.replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D")


def encode_table(file: str, rows: list[TaskRow]) -> str:
    """The table literal of one file's tasks of a plan (rows sorted by path)."""
    agencies: dict[str, int] = {}
    cited: dict[str, int] = {}

    def refs(iris: tuple[str, ...], table: dict[str, int]) -> str:
        return " ".join(str(table.setdefault(iri, len(table))) for iri in iris)

    lines = []
    for r in sorted(rows, key=lambda r: r.path):
        lines.append(
            "\t".join(
                (
                    quote(r.path, safe=""),
                    "" if r.start is None else str(r.start),
                    "" if r.end is None else str(r.end),
                    refs(r.lead, agencies),
                    refs(r.coordinating, agencies),
                    "1" if r.requested else "",
                    "1" if r.has_deadline else "",
                    r.deadline_end or "",
                    escape(r.deadline_text or ""),
                    refs(r.cites, cited),
                    escape(r.quote[:QUOTE_CHARS]),
                )
            )
        )
    header = "\t".join((MAGIC, escape(file), " ".join(agencies), " ".join(cited)))
    return "\n".join([header, *lines])


def encode_tables(file: str, rows: list[TaskRow], limit: int | None = None) -> list[str]:
    """The table literals of one file's tasks of a plan: one, or several of at most about
    ``limit`` (default :data:`MAX_TABLE_CHARS`) characters each, each with its own header,
    in path order.

    >>> rows = [TaskRow(str(i), i, i + 1, (), (), False, False, None, None, (), "x" * 50)
    ...         for i in range(100)]
    >>> len(encode_tables("f", rows)), len(encode_tables("f", rows, limit=1000))
    (1, 20)
    """

    def estimate(r: TaskRow) -> int:  # a generous one: its free text and its references
        free = len(r.path) + len(r.deadline_text or "") + len(r.quote)
        return 3 * free + 8 * (len(r.lead) + len(r.coordinating) + len(r.cites)) + 40

    rows = sorted(rows, key=lambda r: r.path)
    return [encode_table(file, chunk) for chunk in _chunks(rows, estimate, limit)]


def _chunks(rows: list, estimate: Callable[[Any], int], limit: int | None) -> list[list]:
    """``rows`` in order, cut into consecutive chunks whose estimated sizes add up to at most
    ``limit`` (default :data:`MAX_TABLE_CHARS`) characters each (a row larger than that on
    its own is a chunk by itself); no chunk is empty."""
    limit = limit or MAX_TABLE_CHARS
    chunks: list[list] = [[]]
    size = 0
    for r in rows:
        cost = estimate(r)
        if chunks[-1] and size + cost > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(r)
        size += cost
    return [chunk for chunk in chunks if chunk]


def split_table(text: str) -> tuple[str, list[str], list[str], list[list[str]]]:
    """(file, agency IRIs, cited IRIs, each task's raw fields): the cheap first step of
    reading a table; fields are decoded by the reader as it needs them (a million tasks)."""
    lines = text.split("\n")
    header = lines[0].split("\t")
    if len(header) != 4 or header[0] != MAGIC:
        raise BadTaskTable(
            f"a pkg:taskTable starts with {lines[0][:60]!r}; expected {MAGIC!r} and three "
            "fields: rebuild the graph with this version of policykg"
        )
    rows = [line.split("\t") for line in lines[1:]]
    lengths = set(map(len, rows))  # a million lines at national scale: no loop in Python
    if lengths - {11}:
        fields = next(f for f in rows if len(f) != 11)
        raise BadTaskTable(
            f"a pkg:taskTable line of file {unquote(header[1])!r} has {len(fields)} "
            "fields; expected 11: rebuild the graph with this version of policykg"
        )
    return unquote(header[1]), header[2].split(), header[3].split(), rows


def decode_table(text: str) -> tuple[str, list[TaskRow]]:
    """(file, rows) of a table literal: the inverse of :func:`encode_table`."""
    file, agencies, cited, raw = split_table(text)

    def ints(value: str) -> int | None:
        return int(value) if value else None

    return file, [
        TaskRow(
            unquote(f[0]),
            ints(f[1]),
            ints(f[2]),
            tuple(agencies[int(i)] for i in f[3].split()),
            tuple(agencies[int(i)] for i in f[4].split()),
            f[5] == "1",
            f[6] == "1",
            f[7] or None,
            unquote(f[8]) if f[6] == "1" else None,
            tuple(cited[int(i)] for i in f[9].split()),
            unquote(f[10]),
        )
        for f in raw
    ]


# --- citation tables ----------------------------------------------------------------------------

#: The citation table header's first field: the format and its version.
CITATION_MAGIC = "policykg-citation-table/1"


class BadCitationTable(PolicyKGError):
    """A ``pkg:citationTable`` literal that is not in the format this version reads."""


@dataclass(frozen=True, slots=True)
class CitationRow:
    """One citation of a document: where it stands (file, span of the citation's IRI), the
    citing document's IRI and the citation as written."""

    file: str
    start: int
    end: int
    citing: str
    surface: str


def encode_citation_tables(rows: list[CitationRow], limit: int | None = None) -> list[str]:
    """The citation table literals of one cited document (``pkg:citationTable``).

    The citations of a document, one line each, so that a reader gets them in one result row
    instead of three store lookups per citation (the audit's unresolved citations: tens of
    thousands at national scale). The header is ``policykg-citation-table/1``, the citing
    documents' IRIs (space-separated) and then each file's name (escaped), one field each;
    a line is ``file`` and ``citing`` (positions in the header), ``start``, ``end`` and
    ``surface`` (escaped), TAB-separated, sorted and without repeats. Beyond ``limit``
    characters (default :data:`MAX_TABLE_CHARS`) the rows are split over several literals,
    each with its own header.

    >>> row = CitationRow("a b.txt", 3, 9, "https://x/doc", "Luật\\tĐất đai")
    >>> [decode_citation_table(t) for t in encode_citation_tables([row, row])] == [[row]]
    True
    """

    def estimate(r: CitationRow) -> int:
        return 3 * (len(r.surface) + len(r.file)) + len(r.citing) + 40

    unique = sorted(set(rows), key=lambda r: (r.file, r.start, r.end, r.citing, r.surface))
    return [_encode_citations(chunk) for chunk in _chunks(unique, estimate, limit)]


def _encode_citations(rows: list[CitationRow]) -> str:
    files: dict[str, int] = {}
    citing: dict[str, int] = {}
    lines = [
        "\t".join(
            (
                str(files.setdefault(r.file, len(files))),
                str(citing.setdefault(r.citing, len(citing))),
                str(r.start),
                str(r.end),
                escape(r.surface),
            )
        )
        for r in rows
    ]
    header = "\t".join((CITATION_MAGIC, " ".join(citing), *map(escape, files)))
    return "\n".join([header, *lines])


def decode_citation_table(text: str) -> list[CitationRow]:
    """The rows of a citation table literal: the inverse of :func:`encode_citation_tables`
    (for one literal)."""
    lines = text.split("\n")
    header = lines[0].split("\t")
    if len(header) < 2 or header[0] != CITATION_MAGIC:
        raise BadCitationTable(
            f"a pkg:citationTable starts with {lines[0][:60]!r}; expected "
            f"{CITATION_MAGIC!r}, the citing documents and the files: rebuild the graph with "
            "this version of policykg"
        )
    citing, files = header[1].split(), [unquote(f) for f in header[2:]]
    out = []
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) != 5:
            raise BadCitationTable(
                f"a pkg:citationTable line has {len(fields)} fields ({line[:60]!r}); "
                "expected 5: rebuild the graph with this version of policykg"
            )
        f, c, start, end, surface = fields
        try:
            row = CitationRow(files[int(f)], int(start), int(end), citing[int(c)], unquote(surface))
        except (IndexError, ValueError):
            raise BadCitationTable(
                f"a pkg:citationTable line refers to no file or citing document of its header, "
                f"or has a span that is not two numbers ({line[:60]!r}): rebuild the graph "
                "with this version of policykg"
            ) from None
        out.append(row)
    return out
