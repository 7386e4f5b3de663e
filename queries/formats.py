"""Render result rows as an aligned table, JSON or CSV.

>>> print(render([{"a": 1, "b": "x"}], "csv"), end="")
a,b
1,x
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    """Output formats of the read commands."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _cell(value: Any, width: int | None = None) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):
        text = "; ".join(_cell(v) for v in value)
    elif isinstance(value, dict):
        text = str(value.get("number") or value.get("key") or value.get("name") or "")
    else:
        text = " ".join(str(value).split())
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def table(rows: list[dict], columns: list[str] | None = None, *, width: int = 60) -> str:
    """An aligned plain-text table; long cells are cut to ``width`` characters."""
    columns = columns or (list(rows[0]) if rows else [])
    cells = [[_cell(r.get(c), width) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines) + "\n"


def render(rows: list[dict], fmt: str, columns: list[str] | None = None, *, width: int = 60) -> str:
    """Rows in the requested format; JSON keeps nested values, the others flatten them."""
    if fmt == Format.JSON:
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == Format.CSV:
        columns = columns or (list(rows[0]) if rows else [])
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        return buf.getvalue()
    return table(rows, columns, width=width)


def write_xlsx(rows: list[dict], columns: list[str] | None, path) -> None:
    """Rows as an Excel sheet (openpyxl): one header row, values as numbers or text."""
    from openpyxl import Workbook

    columns = columns or (list(rows[0]) if rows else [])
    book = Workbook()
    sheet = book.active
    sheet.title = "policykg"
    sheet.append(columns)
    for r in rows:
        sheet.append(
            [v if isinstance(v, int | float) else _cell(v) for v in (r.get(c) for c in columns)]
        )
    book.save(path)


def pivot(
    rows: list[dict], column: str, values: list[str], keys: list[str] | None = None
) -> tuple[list[dict], list[str]]:
    """Spread ``values`` columns across the distinct values of ``column`` (side by side).

    >>> rows = [{"a": "Sở", "city": "HN", "n": 1}, {"a": "Sở", "city": "HP", "n": 2}]
    >>> pivot(rows, "city", ["n"])
    ([{'a': 'Sở', 'HN n': 1, 'HP n': 2}], ['a', 'HN n', 'HP n'])
    """
    if keys is None:
        keys = [k for k in (rows[0] if rows else {}) if k != column and k not in values]
    spread = sorted({str(r[column]) for r in rows})
    columns = keys + [f"{v} {c}" for v in spread for c in values]
    out: dict[tuple, dict] = {}
    for r in rows:
        row = out.setdefault(tuple(r[k] for k in keys), {k: r[k] for k in keys})
        for c in values:
            row[f"{r[column]} {c}"] = r[c]
    return list(out.values()), columns
