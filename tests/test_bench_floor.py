"""The store alone on an export (bench/store_floor.py): what it measures and how it fails."""

from __future__ import annotations

import pytest

from policykg.bench.store_floor import FloorFailed, store_floor
from policykg.ontology.namespaces import DATA_GRAPH


def test_the_store_alone_holds_the_whole_export_and_leaves_nothing(tmp_path) -> None:
    export = tmp_path / "graph.nq"
    lines = [f'<http://x/t{i}> <http://x/p> "văn bản {i}" <{DATA_GRAPH}> .' for i in range(500)]
    export.write_text("\n".join(lines) + "\n", "utf-8")
    floor = store_floor(export, tmp_path)
    assert floor["quads"] == 500
    assert floor["load"]["wall"] > 0 and floor["optimize"]["cpu"] >= 0
    assert floor["load"]["max_rss"] > 1 << 20  # bytes, not the kernel's kilobytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq"]


def test_an_export_the_store_refuses_is_named_in_the_error(tmp_path) -> None:
    export = tmp_path / "graph.nq"
    export.write_text("this is not N-Quads\n", "utf-8")
    with pytest.raises(FloorFailed, match=r"graph\.nq.*exit"):
        store_floor(export, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq"]
