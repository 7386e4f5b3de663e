"""The canonical export, written without holding every quad: sorted runs on disk, merged.

Each unit of emission (the shared documents, or the plans of a batch of files) is
serialised to N-Quads lines, de-duplicated and sorted into a *run* file; the runs are merged
(GNU ``sort -m``, or ``heapq.merge`` where it is missing) into the export, dropping lines that
several runs share. The result is every quad sorted once, without duplicates (the canonical
form of a build without blank nodes), however the work was cut.

>>> import tempfile, pathlib
>>> from pyoxigraph import NamedNode, Literal, Quad, DefaultGraph
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> q = lambda s: Quad(NamedNode("http://x/" + s), NamedNode("http://x/p"), Literal(s),
...                    DefaultGraph())
>>> runs = [write_run(quad_lines([q("b"), q("a")]), d / "1.nq"),
...         write_run(quad_lines([q("c"), q("a")]), d / "2.nq")]
>>> merged = merge_runs(runs, d / "all.nq")
>>> merged.quads, (d / "all.nq").read_text().count("\\n")
(3, 3)
"""

from __future__ import annotations

import hashlib
import heapq
import os
import shutil
import subprocess
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize


@dataclass(frozen=True)
class Merged:
    """The merged export: where it is, how many quads, its SHA-256."""

    path: Path
    quads: int
    sha256: str


def write_run(lines: Iterable[str], path: Path) -> Path:
    """Write N-Quads lines (without their line ends) as a sorted, de-duplicated run;
    returns ``path``.

    De-duplicated by ``dict.fromkeys``, which keeps the order the lines were emitted in (a
    thing's lines together, much of it already in order), and sorted after: Timsort takes
    the runs it finds, and sorting a 10,000-task corpus's runs took 0.24 s against 0.66 s
    from a set, whose order is the hashes'. The bytes are the same either way."""
    unique = sorted(dict.fromkeys(lines))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for i in range(0, len(unique), 4096):  # a write per line cost a tenth of emission
            fh.write("\n".join(unique[i : i + 4096]) + "\n")
    return path


def quad_lines(quads: Iterable[Quad]) -> list[str]:
    """Quads as N-Quads lines, as pyoxigraph writes them (without line ends)."""
    text = serialize(list(quads), format=RdfFormat.N_QUADS).decode("utf-8")
    return [line for line in text.split("\n") if line.strip()]  # not splitlines(): U+2028


def merge_runs(runs: list[Path], path: Path, *, remove: bool = True) -> Merged:
    """Merge sorted runs into one sorted file without duplicates; the runs are removed
    unless ``remove`` is false (the store may still be reading them).

    GNU ``sort -m -u`` in the C locale does it where it is installed (Debian's coreutils:
    about 2.5 times faster than Python at a million tasks' tens of millions of lines);
    byte order of UTF-8 is code-point order, so the bytes are those of the Python merge,
    which is used elsewhere.
    """
    sort = shutil.which("sort")
    if sort is not None and runs:
        subprocess.run(
            [
                sort,
                "--merge",
                "--unique",
                f"--batch-size={max(2, min(len(runs), 1000))}",
                "-T",
                str(path.parent),
                "-o",
                str(path),
                *map(str, runs),
            ],
            env={**os.environ, "LC_ALL": "C"},
            check=True,
        )
        digest, count = hashlib.sha256(), 0
        with open(path, "rb") as fh:
            while block := fh.read(1 << 22):
                digest.update(block)
                count += block.count(b"\n")
    else:
        digest, count = _merge_in_python(runs, path)
    for r in runs if remove else ():
        r.unlink()
    return Merged(path, count, digest.hexdigest())


def _merge_in_python(runs: list[Path], path: Path) -> tuple[hashlib._Hash, int]:
    digest = hashlib.sha256()
    count = 0
    with ExitStack() as stack:
        handles = [stack.enter_context(open(r, encoding="utf-8", newline="\n")) for r in runs]
        out = stack.enter_context(open(path, "w", encoding="utf-8", newline="\n"))
        last = None
        for line in heapq.merge(*handles):
            if line == last:
                continue
            last = line
            out.write(line)
            digest.update(line.encode("utf-8"))
            count += 1
    return digest, count
