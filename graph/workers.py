"""Both cores for the build: files analysed, and plans emitted, in worker processes.

Work goes out in batches of files, in file order, and comes back in that order, so the
build does not depend on which process did what: a build with one process and a build with
two give the same bytes. Workers are forked after the parent has loaded the registry and
compiled its patterns, and see the parent's analyses and resolution without copying them.

>>> default_workers() >= 1
True
>>> batches(["a", "b", "c"], [5, 1, 1], size=5)
[['a'], ['b', 'c']]
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from policykg.graph.analyse import Analysis
from policykg.graph.emit import AgencyPlace, Emitter, emit_plans
from policykg.graph.registry import load_registry
from policykg.graph.resolve import Resolution
from policykg.graph.runs import write_run
from policykg.graph.textview import make_view
from policykg.ontology.namespaces import PKG, RDF

#: Tasks (roughly) per batch of plans given to a worker.
BATCH_TASKS = 20_000
#: Quads a worker holds before it writes them out as a sorted run.
FLUSH_QUADS = 1_000_000

_AGENCY = str(PKG.Agency)
_TYPE = str(RDF.type)
_LEVEL = str(PKG.level)

# What forked workers inherit from the parent (set just before the pool starts).
_shared: dict[str, Any] = {}


def default_workers() -> int:
    """Two processes where there are two cores or more (``POLICYKG_WORKERS`` overrides)."""
    env = os.environ.get("POLICYKG_WORKERS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


def batches(names: list[str], weights: list[int], *, size: int) -> list[list[str]]:
    """Consecutive batches of ``names`` whose weights add up to about ``size`` each."""
    out: list[list[str]] = []
    current: list[str] = []
    total = 0
    for name, weight in zip(names, weights, strict=True):
        if current and total + weight > size:
            out.append(current)
            current, total = [], 0
        current.append(name)
        total += weight
    if current:
        out.append(current)
    return out


def _warm() -> None:
    """Load and compile what every file needs once, before forking."""
    load_registry()
    make_view("Ủy ban nhân dân **3**")


def _start_worker() -> None:
    """Set up a forked worker.

    The worker's cycle collector leaves alone what it inherited: the parent's analyses
    (gigabytes at national scale) are frozen, so a collection neither spends time on them
    nor writes to their pages (which would copy the whole heap into the worker). What the
    worker makes is collected as usual, even if the parent paused its own collector.
    """
    gc.freeze()
    gc.enable()
    _die_with_parent()


def _die_with_parent() -> None:
    """A worker whose build is killed dies with it (Linux), instead of living on holding the
    build's output pipes and memory."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the line above ran
        os._exit(1)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
    )


def ordered_map(fn: Callable[[Any], Any], items: Iterable[Any], workers: int) -> Iterator[Any]:
    """``map(fn, items)`` over ``workers`` processes (in this one when 1), results in order."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    _warm()
    with _pool(workers) as pool:
        yield from pool.map(fn, items, chunksize=max(1, min(16, len(items) // (8 * workers))))


def _slim(analysis: Analysis) -> Analysis:
    """An analysis without its structure trees (nothing after analysis reads them): less to
    send back from a worker and to keep."""
    analysis.trees = []
    return analysis


@dataclass
class PlanRun:
    """The plans of a batch of files, emitted: sorted runs, the agency spellings seen, and
    what the reasoner must see of the agencies tasks name (types and levels)."""

    paths: list[Path]
    agency_names: dict[str, Counter]
    agency_facts: list[tuple[str, str, str]]
    agency_places: dict[str, AgencyPlace] = field(default_factory=dict)
    agency_seen: dict[str, date] = field(default_factory=dict)


def _agency_facts(facts: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The types and levels of the agencies among ``facts`` (tasks' types left out)."""
    agencies = {s for s, p, o in facts if p == _TYPE and o == _AGENCY}
    return [f for f in facts if f[0] in agencies and f[1] in (_TYPE, _LEVEL)]


def _emit_batch(job: tuple[int, list[str]]) -> PlanRun:
    """Emit a batch of files into runs of at most about :data:`FLUSH_QUADS` quads each, so
    that one huge file (a 100,000-row table) does not hold all its quads at once."""
    index, names = job
    em = Emitter(_shared["analyses"], _shared["registry"])
    run = PlanRun([], {}, [])

    def flush(force: bool = False) -> None:
        if not em._lines or (len(em._lines) < FLUSH_QUADS and not force):
            return
        run.agency_facts.extend(_agency_facts(em.facts))
        em.facts.clear()
        name = f"plans-{index:06d}-{len(run.paths):04d}.nq"
        run.paths.append(write_run(em.take_lines(), Path(_shared["work"]) / name))

    emit_plans(em, _shared["resolution"], names, after_task=flush)
    flush(force=True)
    run.agency_names = em._agency_names
    run.agency_places, run.agency_seen = em.agency_places, em.agency_seen
    return run


def emit_plan_runs(
    resolution: Resolution,
    analyses: dict[str, Analysis],
    work: Path,
    workers: int,
) -> list[PlanRun]:
    """Emit every file's tasks and targets into sorted runs under ``work``, in batches."""
    names = list(analyses)
    weights = [analyses[n].task_count() + 1 for n in names]
    size = max(1_000, min(BATCH_TASKS, sum(weights) // (4 * workers)))
    jobs = list(enumerate(batches(names, weights, size=size)))
    _shared.update(
        resolution=resolution, analyses=analyses, registry=load_registry(), work=str(work)
    )
    try:
        return list(ordered_map(_emit_batch, jobs, workers))
    finally:
        _shared.clear()
