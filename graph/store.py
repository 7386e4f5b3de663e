"""Write a build to disk, and open the current build for reading.

A build directory holds the embedded Oxigraph store (``store/``), the canonical export
(``graph.nq``: N-Quads, one quad per line, sorted, no blank nodes, so two builds of the same
corpus are byte-identical) and ``manifest.json``. Builds are written beside the current
one and become current by an atomic rename of the ``current`` link: a build killed at any
moment leaves the previous one in place and readable.

Layout under the output directory::

    out/current -> builds/<id>      (symlink, swapped atomically)
    out/builds/<id>/{store/, graph.nq, manifest.json}
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from policykg.ontology.errors import PolicyKGError
from policykg.ontology.load import ONTOLOGY_PATH
from policykg.ontology.namespaces import ONTOLOGY_GRAPH

EXPORT_NAME = "graph.nq"
MANIFEST_NAME = "manifest.json"


class NoBuild(PolicyKGError):
    """There is no complete build to read."""


def write_build(out_dir: Path, export: bytes | Path, manifest: dict) -> Path:
    """Write a complete build and make it current; returns the build's directory.

    ``export`` is the canonical export, as bytes or as a file (moved into the build).
    """
    builds = out_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    tmp = builds / f".incomplete-{uuid.uuid4().hex}"
    tmp.mkdir()
    if isinstance(export, Path):
        shutil.move(export, tmp / EXPORT_NAME)
    else:
        (tmp / EXPORT_NAME).write_bytes(export)
    store = Store(str(tmp / "store"))
    if (tmp / EXPORT_NAME).stat().st_size:
        # lenient: the export is ours, its IRIs checked as they were emitted (graph/emit.py)
        store.bulk_load(path=str(tmp / EXPORT_NAME), format=RdfFormat.N_QUADS, lenient=True)
    store.load(
        path=str(ONTOLOGY_PATH), format=RdfFormat.TURTLE, to_graph=NamedNode(str(ONTOLOGY_GRAPH))
    )
    store.flush()
    store.optimize()  # one compaction: reads of a bulk-loaded store are several times faster
    del store
    (tmp / MANIFEST_NAME).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
    )
    _fsync_tree(tmp)
    final = builds / f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
    tmp.rename(final)
    _point_current(out_dir, final)
    _prune(builds, keep={final.name, _previous_name(out_dir)})
    return final


def _fsync_tree(path: Path) -> None:
    for root, _, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                os.fsync(fh.fileno())


def _point_current(out_dir: Path, build: Path) -> None:
    link = out_dir / "current"
    previous = os.readlink(link) if link.is_symlink() else None
    tmp_link = out_dir / f".current-{uuid.uuid4().hex}"
    os.symlink(os.path.relpath(build, out_dir), tmp_link)
    os.replace(tmp_link, link)
    if previous:
        (out_dir / ".previous").write_text(Path(previous).name + "\n", "utf-8")


def _previous_name(out_dir: Path) -> str:
    marker = out_dir / ".previous"
    return marker.read_text("utf-8").strip() if marker.exists() else ""


def _prune(builds: Path, keep: set[str]) -> None:
    """Remove builds other than the current and previous one, and abandoned partial builds."""
    for child in builds.iterdir():
        if child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def current_build(out_dir: Path) -> Path:
    """The directory of the current complete build, or :class:`NoBuild`."""
    link = out_dir / "current"
    target = link.resolve() if link.exists() else None
    if target is None or not (target / MANIFEST_NAME).exists():
        raise NoBuild(
            f"no build found in {out_dir}: run `policykg build` first "
            "(or pass --out to point at the directory a build was written to)"
        )
    return target


def open_store(out_dir: Path) -> Store:
    """Open the current build's store read-only."""
    return Store.read_only(str(current_build(out_dir) / "store"))
