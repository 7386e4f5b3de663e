"""Load the ``.rq`` files of this room, bind their parameters safely and run them.

Each query file opens with a comment block of ``# key: value`` lines: ``name``, ``summary``,
one ``param`` line per parameter (``NAME TYPE [optional] -- description``), ``columns``,
``example``, ``concat`` (columns made by ``GROUP_CONCAT(…; separator="; ")``: SPARQL leaves
the order of their items to the store, so the runner sorts them, and an empty list is null)
and ``sort`` (``COLUMN [desc], …``: the runner sorts the rows by these columns, then by all
the others, instead of an ``ORDER BY``; stores sort a million rows by ``STR()`` many times
slower than Python, and the order is then the same on every store).
Parameters are typed and bound as RDF terms (pyoxigraph substitutions), never formatted into
the query text.

>>> spec = load_query("central-directives")
>>> spec.name, [c for c in spec.columns][:2]
('central-directives', ['doc', 'key'])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Variable

from policykg.ontology.errors import PolicyKGError
from policykg.ontology.namespaces import XSD
from policykg.queries.backend import Bindings, StoreLike, as_backend

QUERY_DIR = Path(__file__).parent
PARAM_TYPES = ("iri", "document", "agency", "task", "string", "date", "integer", "boolean")
#: Parameter types naming a node of the graph; a resolver turns a user's reference into its IRI.
NODE_TYPES = ("iri", "document", "agency", "task")


Resolver = Callable[["Param", str], str]


class UnknownQuery(PolicyKGError):
    """No query of that name or file."""


class BadQuery(PolicyKGError):
    """A query file that is not valid SPARQL."""


class BadParameter(PolicyKGError):
    """A query parameter is missing, unknown or of the wrong type."""


@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    type: str
    optional: bool
    description: str


@dataclass(frozen=True)
class QuerySpec:
    """A query file: its header and its text."""

    name: str
    path: Path
    summary: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    example: str
    text: str
    concat: tuple[str, ...] = ()
    #: False for a query whose rows are a set the caller indexes (header ``# order: none``):
    #: it has no ORDER BY (sorting a million rows costs more than the query), so stores may
    #: return its rows in different orders
    ordered: bool = True
    #: columns the runner sorts the rows by (header ``# sort:``), each with "descending"
    sort: tuple[tuple[str, bool], ...] = ()


_HEADER = re.compile(r"#\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*)")
_PARAM = re.compile(
    r"(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?P<optional>\s+optional)?(?:\s+--\s+(?P<desc>.*))?"
)


def parse_query(path: Path) -> QuerySpec:
    """Parse a ``.rq`` file's header comment block."""
    text = path.read_text("utf-8")
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            fields.setdefault(m["key"], []).append(m["value"].strip())
    params = []
    for raw in fields.get("param", []):
        m = _PARAM.fullmatch(raw)
        if not m or m["type"] not in PARAM_TYPES:
            raise UnknownQuery(
                f"{path}: bad param line {raw!r}; expected 'NAME TYPE [optional] -- description' "
                f"with TYPE one of {', '.join(PARAM_TYPES)}"
            )
        params.append(Param(m["name"], m["type"], bool(m["optional"]), m["desc"] or ""))
    columns = tuple(c.strip() for c in " ".join(fields.get("columns", [])).split(",") if c.strip())
    return QuerySpec(
        name=(fields.get("name") or [path.stem])[0],
        path=path,
        summary=" ".join(fields.get("summary", [])),
        params=tuple(params),
        columns=columns,
        example=" ".join(fields.get("example", [])),
        text=text,
        concat=tuple(c.strip() for c in " ".join(fields.get("concat", [])).split(",") if c.strip()),
        ordered=(fields.get("order") or ["as written"])[0] != "none",
        sort=_sort_columns(path, fields.get("sort", []), columns),
    )


def _sort_columns(
    path: Path, lines: list[str], columns: tuple[str, ...]
) -> tuple[tuple[str, bool], ...]:
    """The ``# sort: COLUMN [desc], …`` header: columns that must be among ``columns``."""
    out = []
    for item in ",".join(lines).split(","):
        words = item.split()
        if not words:
            continue
        if len(words) > 2 or words[0] not in columns or words[1:] not in ([], ["desc"]):
            raise UnknownQuery(
                f"{path}: bad sort item {item.strip()!r}; expected 'COLUMN [desc]' with COLUMN "
                f"one of the columns ({', '.join(columns)})"
            )
        out.append((words[0], words[1:] == ["desc"]))
    return tuple(out)


def sort_rows(rows: list[dict], sort: tuple[tuple[str, bool], ...]) -> None:
    """Sort rows in place by the ``sort`` columns (an unbound value first), then by every
    column (as text), so that the order does not depend on the store.

    >>> rows = [{"a": 2, "b": "x"}, {"a": None, "b": "y"}, {"a": 2, "b": "w"}]
    >>> sort_rows(rows, (("a", False),)); [r["b"] for r in rows]
    ['y', 'w', 'x']
    >>> sort_rows(rows, (("a", True),)); [r["b"] for r in rows]
    ['w', 'x', 'y']
    """
    if not rows:
        return
    names = sorted(rows[0])
    rows.sort(
        key=lambda r: [(r[n] is not None, str(r[n] if r[n] is not None else "")) for n in names]
    )
    for column, descending in reversed(sort):
        rows.sort(
            key=lambda r: (r[column] is not None, r[column] if r[column] is not None else ""),
            reverse=descending,
        )


def list_queries() -> list[QuerySpec]:
    """Every query shipped in this room, by name."""
    return sorted((parse_query(p) for p in QUERY_DIR.glob("*.rq")), key=lambda q: q.name)


def load_query(name_or_file: str) -> QuerySpec:
    """A shipped query by name, or any ``.rq`` file by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return parse_query(path)
    shipped = QUERY_DIR / f"{name_or_file}.rq"
    if shipped.exists():
        return parse_query(shipped)
    names = ", ".join(q.name for q in list_queries())
    raise UnknownQuery(f"no query named {name_or_file!r}; known queries: {names}")


def to_term(param: Param, value: Any) -> NamedNode | Literal:
    """Turn a user's value into an RDF term of the parameter's declared type."""
    if isinstance(value, NamedNode | Literal):
        return value
    raw = str(value)
    try:
        if param.type in NODE_TYPES:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", raw):
                raise ValueError("not an absolute IRI")
            return NamedNode(raw)
        if param.type == "date":
            return Literal(date.fromisoformat(raw).isoformat(), datatype=NamedNode(str(XSD.date)))
        if param.type == "integer":
            return Literal(str(int(raw)), datatype=NamedNode(str(XSD.integer)))
        if param.type == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError("not true or false")
            return Literal(raw.lower(), datatype=NamedNode(str(XSD.boolean)))
        return Literal(raw)
    except ValueError as e:
        raise BadParameter(
            f"parameter {param.name} expects {param.type}, got {raw!r} ({e})"
        ) from None


def bind(
    spec: QuerySpec, params: dict[str, Any], resolve: Resolver | None = None
) -> dict[Variable, NamedNode | Literal]:
    """Check ``params`` against the query's declared parameters and turn them into terms.

    Values of document, agency and task parameters go through ``resolve`` first (a number,
    key or name becomes the node's IRI); an IRI passes through.
    """
    declared = {p.name: p for p in spec.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise BadParameter(
            f"query {spec.name} has no parameter {unknown[0]!r}; "
            f"its parameters: {', '.join(declared) or 'none'}"
        )
    missing = [p.name for p in spec.params if not p.optional and p.name not in params]
    if missing:
        raise BadParameter(f"query {spec.name} needs --param {missing[0]}=VALUE")
    out = {}
    for key, value in params.items():
        param = declared[key]
        if resolve is not None and param.type in NODE_TYPES and isinstance(value, str):
            value = resolve(param, value)
        out[Variable(key)] = to_term(param, value)
    return out


def python_value(term) -> Any:
    """A result term as a plain Python value (IRIs and strings as str, typed literals typed).

    Both lexical forms of a boolean count (``"1"`` is how Virtuoso writes ``true``):

    >>> python_value(Literal("1", datatype=NamedNode(str(XSD.boolean))))
    True
    """
    kind = type(term)
    if kind is NamedNode:
        return term.value
    if term is None:
        return None
    if kind is BlankNode:
        return f"_:{term.value}"
    dt = term.datatype.value
    if dt in _PLAIN:
        return term.value
    if dt == _INTEGER:
        return int(term.value)
    if dt == _BOOLEAN:
        return term.value in ("true", "1")
    if dt in _FLOATS:
        return float(term.value)
    return term.value


_INTEGER, _BOOLEAN = str(XSD.integer), str(XSD.boolean)
_FLOATS = frozenset({str(XSD.decimal), str(XSD.double), str(XSD.float)})
_PLAIN = frozenset(
    {str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", str(XSD.date)}
)


def run_query(
    store: StoreLike,
    spec: QuerySpec,
    params: dict[str, Any] | None = None,
    *,
    resolve: Resolver | None = None,
) -> list[dict]:
    """Run a SELECT query on an embedded store or a remote backend; rows of plain values."""
    substitutions = bind(spec, params or {}, resolve)
    rows = as_backend(store).select(spec, substitutions)
    for column in spec.concat:
        for row in rows:
            row[column] = sorted_list(row.get(column))
    if spec.sort:
        sort_rows(rows, spec.sort)
    return rows


def sorted_list(value: str | None, separator: str = "; ") -> str | None:
    """A ``GROUP_CONCAT`` value with its items sorted; an empty one is None.

    >>> sorted_list("b; a"), sorted_list("")
    ('a; b', None)
    """
    if not value:
        return None
    return separator.join(sorted(value.split(separator)))


def run_embedded(store: Store, spec: QuerySpec, substitutions: Bindings) -> list[dict]:
    """Run a SELECT query on an embedded store, the default graph being the union of all."""
    try:
        solutions = store.query(
            spec.text, substitutions=substitutions, use_default_graph_as_union=True
        )
    except SyntaxError as e:
        raise BadQuery(f"{spec.path}: not valid SPARQL: {e}") from None
    # by position: looking a term up by its variable's name costs more than converting it
    columns = list(enumerate(v.value for v in solutions.variables))
    return [{n: python_value(row[i]) for i, n in columns} for row in solutions]
