"""The store's own cost, measured apart from the build: the floor under the build's store
stage.

After a size's builds, the benchmark gives the finished export to the store alone: a fresh
embedded store bulk-loads it in one call (``Store.bulk_load`` from the file's path, parsed
and loaded in Rust: none of the build's Python, no runs, no threads of ours), with the data
graph's quads in the default graph as the build's store holds them, then compacts it
(``Store.optimize``, as the build does). Each step is timed in a child process by wall and
CPU seconds (all its threads). Set beside the build's own load and compaction stages, it
shows how much of the store stage is the store's own work on that many quads, which no
change to the pipeline can remove.

>>> import tempfile
>>> from policykg.ontology.namespaces import DATA_GRAPH
>>> work = Path(tempfile.mkdtemp())
>>> export = work / "graph.nq"
>>> _ = export.write_text(
...     f'<http://x/a> <http://x/p> "1" <{DATA_GRAPH}> .\\n'
...     '<http://x/a> <http://x/p> "2" <http://x/other> .\\n', "utf-8")
>>> floor = store_floor(export, work)
>>> floor["quads"], sorted(floor["load"]), sorted(p.name for p in work.iterdir())
(2, ['cpu', 'max_rss', 'wall'], ['graph.nq'])
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from policykg.graph.store import DataGraphAsDefault

_BLOCK = 1 << 22

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pyoxigraph import RdfFormat, Store

    def used():
        r = resource.getrusage(resource.RUSAGE_SELF)
        return time.perf_counter(), r.ru_utime + r.ru_stime

    store = Store(sys.argv[2])
    out = {}
    for step, work in (
        ("load", lambda: store.bulk_load(path=sys.argv[1], format=RdfFormat.N_QUADS,
                                         lenient=True)),
        ("optimize", lambda: (store.flush(), store.optimize())),
    ):
        wall, cpu = used()
        work()
        wall2, cpu2 = used()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        out[step] = {"wall": wall2 - wall, "cpu": cpu2 - cpu, "max_rss": rss}
    out["quads"] = len(store)
    print(json.dumps(out))
    """
)


class FloorFailed(RuntimeError):
    """The store alone could not load the export (the child's error is in the message)."""


def default_graph_copy(export: Path, path: Path) -> Path:
    """Copy ``export`` to ``path`` with the data graph's quads in the default graph (their
    graph name dropped), as the build's store holds them; other graphs' quads unchanged."""
    with open(export, "rb", buffering=0) as raw, open(path, "wb") as out:
        shutil.copyfileobj(io.BufferedReader(DataGraphAsDefault(raw), _BLOCK), out, _BLOCK)
    return path


def store_floor(export: Path, work: Path) -> dict:
    """The store alone on ``export``: ``{"load": {wall, cpu, max_rss}, "optimize": {...},
    "quads": n}`` (seconds, bytes; ``quads`` as the store counts them after the load, to
    check that it holds the whole export). The copy and the store are written under
    ``work`` and removed after."""
    copy = default_graph_copy(export, work / "floor.nq")
    store = work / "floor-store"
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(copy), str(store)],
            capture_output=True,
            text=True,
        )
    finally:
        copy.unlink(missing_ok=True)
        shutil.rmtree(store, ignore_errors=True)
    if done.returncode != 0:
        raise FloorFailed(
            f"the store alone could not load {export} (exit {done.returncode}): "
            f"{done.stderr.strip()[-2000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])
