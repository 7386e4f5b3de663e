"""Write a build to disk, and open the current build for reading.

A build directory holds the embedded Oxigraph store (``store/``), the canonical export
(``graph.nq``: N-Quads, one quad per line, sorted, no blank nodes, so two builds of the same
corpus are byte-identical) and ``manifest.json``. Builds are written beside the current
one and become current by an atomic rename of the ``current`` link: a build killed at any
moment leaves the previous one in place and readable.

In the store, the corpus's data graph (``…/id/graph/corpus``, the export's graph of nearly
every quad) is loaded as the store's *default graph*; the reasoner's conclusions and the
ontology keep their named graphs. Every query runs over the union of all graphs, so it
finds the same quads; a store holding one named graph of every quad keeps six indexes of
it against three for the default graph, and loads about 1.7 times slower (100,000 tasks:
53 s against 32 s, store 2.4 GB against 1.1 GB). The export and a published endpoint keep
the named graph.

A build is staged (:class:`StagedBuild`): its store may be loaded from several N-Quads files
whose union is the export (the build's sorted runs, read one after the other as one stream
by one bulk load), then compacted while the export is merged from them, completed and made
current.

Layout under the output directory::

    out/current -> builds/<id>      (symlink, swapped atomically)
    out/builds/<id>/{store/, graph.nq, manifest.json}
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from policykg.ontology.errors import PolicyKGError
from policykg.ontology.load import ONTOLOGY_PATH
from policykg.ontology.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH

EXPORT_NAME = "graph.nq"
MANIFEST_NAME = "manifest.json"


class NoBuild(PolicyKGError):
    """There is no complete build to read."""


class StagedBuild:
    """A build being written beside the current one, in ``builds/.incomplete-<uuid>``: its
    store is filled by :meth:`load`, its export written to :attr:`export_path`, and
    :meth:`complete` makes it current. Used as a context manager, a build left incomplete
    (an error on the way) is removed; a killed process leaves the directory, which the
    next complete build prunes. Either way the previous build stays current.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with StagedBuild(out) as staged:
    ...     _ = staged.export_path.write_text(
    ...         f"<http://x/s> <http://x/p> <http://x/o> <{DATA_GRAPH}> .\\n", "utf-8")
    ...     staged.load([staged.export_path])
    ...     built = staged.complete({"counts": {}})
    >>> built == current_build(out), len(open_store(out)) > 1
    (True, True)
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        builds = out_dir / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        self.dir = builds / f".incomplete-{uuid.uuid4().hex}"
        self.dir.mkdir()
        self.export_path = self.dir / EXPORT_NAME
        self._store: Store | None = Store(str(self.dir / "store"))
        self._compacted = False
        self._done: Path | None = None

    def __enter__(self) -> StagedBuild:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._done is None:
            self._store = None
            shutil.rmtree(self.dir, ignore_errors=True)

    def load(self, files: list[Path]) -> None:
        """Bulk-load N-Quads ``files`` (the export, or runs whose union is the export) into
        the store: one ``bulk_load`` of the files read one after the other as one stream.

        The store's loader cuts what it reads into batches of a million quads and writes
        each batch as its own sorted files, which the compaction then merges. One stream
        makes the fewest batches, all full: at 1,000,000 tasks (session 11) the 102 runs of
        a build loaded in 242 s (447 s of CPU) and compacted in 91 s that way, as fast as
        the finished export loaded on its own; one ``bulk_load`` per run, two at a time (a
        batch each, half of them a quarter full), took 269 s (518 s of CPU) and 124 s."""
        assert self._store is not None and not self._compacted, "load after compact"
        # lenient: the export is ours, its IRIs checked as they were emitted (graph/emit.py)
        with ChainedFiles(files) as raw:
            data = io.BufferedReader(DataGraphAsDefault(raw), _BLOCK)
            self._store.bulk_load(data, format=RdfFormat.N_QUADS, lenient=True)

    def compact(self) -> None:
        """Add the ontology and compact the store, once: reads of a bulk-loaded store are
        several times faster compacted. Nothing is loaded after; :meth:`complete` compacts
        when this was not called."""
        assert self._store is not None, "compact after complete"
        if self._compacted:
            return
        self._store.load(
            path=str(ONTOLOGY_PATH),
            format=RdfFormat.TURTLE,
            to_graph=NamedNode(str(ONTOLOGY_GRAPH)),
        )
        self._store.flush()
        self._store.optimize()
        self._compacted = True

    def complete(self, manifest: dict) -> Path:
        """Compact the store (see :meth:`compact`), write the manifest and make the build
        current (an atomic rename, then an atomic swap of ``current``); returns its
        directory, named by the time and a random suffix."""
        assert self._store is not None, "complete called twice"
        self.compact()
        self._store = None
        (self.dir / MANIFEST_NAME).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
        )
        _fsync_tree(self.dir)
        builds = self.dir.parent
        final = builds / f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
        self.dir.rename(final)
        self._done = final
        _point_current(self.out_dir, final)
        _prune(builds, keep={final.name, _previous_name(self.out_dir)})
        return final


_BLOCK = 1 << 22


class ChainedFiles(io.RawIOBase):
    """The bytes of the files at ``paths``, one after the other, with a line break after a
    file that does not end with one (so that its last line stays a line of its own).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name, text in (("a", b"1\\n2"), ("b", b""), ("c", b"3\\n")):
    ...     _ = (d / name).write_bytes(text)
    >>> with ChainedFiles([d / "a", d / "b", d / "c"]) as chained:
    ...     chained.read()
    b'1\\n2\\n3\\n'
    """

    def __init__(self, paths: list[Path]) -> None:
        self._paths = list(reversed(paths))
        self._current: io.FileIO | None = None
        self._ends_line = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if not len(buffer):
            return 0
        while True:
            if self._current is None:
                if not self._paths:
                    return 0
                self._current = io.FileIO(self._paths.pop())
            n = self._current.readinto(buffer)
            if n:
                self._ends_line = buffer[n - 1] == 10  # b"\n"
                return n
            self._current.close()
            self._current = None
            if not self._ends_line:
                buffer[0] = 10
                self._ends_line = True
                return 1

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()


class DataGraphAsDefault(io.RawIOBase):
    """N-Quads read from ``raw`` with the data graph's quads moved to the default graph
    (their lines' graph name dropped); other graphs' quads unchanged.

    A graph name is the last term of its line, and a line break is escaped inside a
    literal, so only a line's own graph name can match.

    >>> g = f"<{DATA_GRAPH}>"
    >>> lines = [f'<http://x/a> <http://x/p> "ends {g} ." {g} .',
    ...          '<http://x/b> <http://x/p> <http://x/o> <http://x/g> .']
    >>> raw = io.BytesIO("\\n".join(lines).encode() + b"\\n")
    >>> out = DataGraphAsDefault(raw).read().decode().splitlines()
    >>> out[0] == f'<http://x/a> <http://x/p> "ends {g} ." .', out[1] == lines[1]
    (True, True)
    """

    _TAIL = f" <{DATA_GRAPH}> .\n".encode()

    def __init__(self, raw: io.RawIOBase | io.BufferedIOBase, block: int = _BLOCK) -> None:
        self._raw, self._block = raw, block
        self._pending = b""  # an incomplete last line, waiting for the rest
        self._ready = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self._ready:
            block = self._raw.read(self._block)
            if not block:
                self._ready, self._pending = memoryview(self._pending), b""
                break
            block = self._pending + block
            cut = block.rfind(b"\n") + 1
            self._pending = block[cut:]
            self._ready = memoryview(block[:cut].replace(self._TAIL, b" .\n"))
        n = min(len(buffer), len(self._ready))
        buffer[:n] = self._ready[:n]
        self._ready = self._ready[n:]
        return n


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
