"""The benchmark: build and query the synthetic national corpus at several sizes, against
an rdflib baseline, and write ``docs/benchmarks.md``.

    python -m policykg.bench.run --sizes 10k,100k,1M --repeat 3

For each size (tasks), the corpus of :mod:`policykg.bench.generate` is written under
``--data`` (once; reused while its ``expected.json`` is there). Then, ``--repeat`` times
each: the full build (read → store) in a child process, with the peak memory of its whole
process tree (the sum of the processes' proportional set sizes, sampled); the lineage of all
tasks (the task → central directive rows computed, not printed), of one task, the audit and
the agency workload on the embedded store, with the naive property-path SPARQL forms of the
lineage next to the chosen ones. The same functions then run on the baseline, an rdflib
graph holding the export's triples (:mod:`policykg.bench.baseline`), in a child process with
a time limit, for sizes up to ``--baseline-max``. Results are kept in
``docs/benchmarks.json`` by size, so a later run at another size adds to the report instead
of replacing it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import psutil

from policykg.bench.generate import generate_corpus, parse_size, write_corpus
from policykg.bench.store_floor import store_floor

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 1, 1)

#: The naive forms (one property-path query from tasks to the central directives reached),
#: timed beside the chosen ones; each is a ``.rq`` file next to this script.
NAIVE_ALL = ROOT / "bench" / "naive-lineage-all.rq"
NAIVE_ONE = ROOT / "bench" / "naive-lineage-one.rq"

_BUILD_CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from policykg.graph.pipeline import build
    r = build([Path(sys.argv[1])], Path(sys.argv[2]), workers=int(sys.argv[3]))
    print(json.dumps({"seconds": r.seconds, "timings": r.timings, "quads": r.quads,
                      "sha256": r.export_sha256, "build_dir": str(r.build_dir)}))
    """
)


def _tree_rss(proc: psutil.Process) -> int:
    """The memory the process tree holds: the sum of each process's proportional set size
    (PSS: a page shared by the forked workers and their parent counts once in all, not once
    per process as the sum of their RSS would count it)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_full_info().pss
    return total


#: The share of one core the memory sampler may take. Reading a process's PSS makes the
#: kernel walk its page tables: about 50 ms for a 100,000-task build's process tree, 90 ms
#: for one process of 3.3 GiB (measured in session 9). Sampled every 0.5 s, a
#: million-task build's tree would lose a sizeable part of a core to its own measurement.
SAMPLER_SHARE = 0.05


def sampling_pause(cost: float) -> float:
    """Seconds to wait after a sample that took ``cost`` seconds: 0.5 s, or longer where
    the sampler would otherwise take more than :data:`SAMPLER_SHARE` of a core.

    >>> sampling_pause(0.01), sampling_pause(0.25)
    (0.5, 5.0)
    """
    return max(0.5, cost / SAMPLER_SHARE)


def run_sampled(args: list[str], *, timeout: float) -> tuple[str, int, float]:
    """Run a child; its stdout, the peak memory (PSS) of its process tree (bytes) and wall
    seconds."""
    t0 = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        t = time.perf_counter()
        peak = max(peak, _tree_rss(proc))
        cost = time.perf_counter() - t
        if time.perf_counter() - t0 > timeout:
            child.kill()
            break
        time.sleep(sampling_pause(cost))
    out, err = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"child failed ({child.returncode}): {err[-2000:]}")
    return out, peak, time.perf_counter() - t0


def corpus_for(data: Path, tasks: int, seed: int) -> tuple[Path, dict]:
    """The generated corpus of that size (written once)."""
    where = data / f"{tasks}-s{seed}"
    expected = where / "expected.json"
    if not expected.exists():
        write_corpus(generate_corpus(tasks, seed=seed), where)
    return where, json.loads(expected.read_text("utf-8"))


def _stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


#: Seconds after which a measure is not repeated (a naive form at a million tasks).
BUDGET = 300.0


def timed(fn: Callable[[], object], repeat: int, budget: float = BUDGET) -> tuple[dict, object]:
    """Median, min and max seconds of ``repeat`` calls (fewer once ``budget`` seconds are
    spent; ``runs`` says how many), and the last result."""
    times, result = [], None
    for _ in range(repeat):
        result = None  # the previous call's result is freed outside the clock
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
        if sum(times) > budget:
            break
    return {**_stats(times), "runs": len(times)}, result


def query_measures(store, repeat: int) -> dict:
    """The query measures on a store (embedded or baseline), in seconds."""
    from policykg.queries import api, audit
    from policykg.queries.runner import load_query, run_query

    out: dict[str, dict] = {}
    out["lineage_all"], rows = timed(lambda: api.task_lineage(store), repeat)
    key = rows[len(rows) // 2]["task"]["key"]
    out["lineage_one"], _ = timed(lambda: api.task_lineage(store, key), max(repeat, 5))
    naive_all, naive_one = load_query(str(NAIVE_ALL)), load_query(str(NAIVE_ONE))
    out["lineage_all_naive"], _ = timed(lambda: len(run_query(store, naive_all)), repeat)
    out["lineage_one_naive"], _ = timed(
        lambda: run_query(store, naive_one, {"key": key}), max(repeat, 5)
    )
    out["agencies"], _ = timed(lambda: api.agencies(store), repeat)
    out["audit"], _ = timed(lambda: audit.audit(store, as_of=AS_OF), repeat)
    return out


_BASELINE_CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from policykg.bench.baseline import RdflibStore
    from policykg.bench.run import timed
    from policykg.queries import api, audit
    from policykg.bench.run import AS_OF
    t = time.perf_counter()
    store = RdflibStore.load(Path(sys.argv[1]))
    print(json.dumps({"load": time.perf_counter() - t, "triples": len(store)}), flush=True)
    repeat, lean = int(sys.argv[2]), sys.argv[3] == "lean"
    s, rows = timed(lambda: api.task_lineage(store), repeat)
    print(json.dumps({"lineage_all": s}), flush=True)
    key = rows[len(rows) // 2]["task"]["key"]
    print(json.dumps({"lineage_one": timed(lambda: api.task_lineage(store, key), repeat)[0]}),
          flush=True)
    print(json.dumps({"agencies": timed(lambda: api.agencies(store), repeat)[0]}), flush=True)
    from policykg.bench.run import NAIVE_ALL
    from policykg.queries.runner import load_query, run_query
    naive = load_query(str(NAIVE_ALL))  # the same SPARQL on both stores: the engines compared
    print(json.dumps({"lineage_all_naive": timed(lambda: len(run_query(store, naive)), 1)[0]}),
          flush=True)
    # last: on rdflib the audit of 10,000 tasks outlasts the time limit
    if not lean:
        print(json.dumps({"audit": timed(lambda: audit.audit(store, as_of=AS_OF), 1)[0]}),
              flush=True)
    """
)


def lean_export(export: Path, path: Path) -> Path:
    """The export without the text-span resources (selectors, quotes): what the lineage and
    agency queries read, small enough for rdflib at 100,000 tasks. The audit needs the spans."""
    with open(export, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        for line in src:
            if "/span/" not in line.split(" ", 1)[0]:
                out.write(line)
    return path


def baseline_measures(export: Path, repeat: int, timeout: float, *, lean: bool) -> dict:
    """The baseline's measures; those not done within ``timeout`` seconds are missing."""
    t0 = time.perf_counter()
    if lean:
        export = lean_export(export, export.with_name("lean.nq"))
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _BASELINE_CHILD,
            str(export),
            str(repeat),
            "lean" if lean else "full",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc, peak, out = psutil.Process(child.pid), 0, {}
    errors: list[str] = []
    threading.Thread(target=lambda: errors.extend(child.stderr), daemon=True).start()
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(child.stdout), daemon=True)
    reader.start()
    while child.poll() is None:
        if time.perf_counter() - t0 > timeout:
            child.kill()
            out["timed_out_after"] = timeout
            break
        with contextlib.suppress(psutil.Error):
            peak = max(peak, proc.memory_info().rss)
        time.sleep(0.2)
    reader.join(timeout=5)
    for line in lines:
        out.update(json.loads(line))
    child.wait()
    if child.returncode not in (0, None) and "timed_out_after" not in out:
        # a failure must not pass for "not measured": say what it was
        out["failed"] = "".join(errors)[-2000:]
    out["peak_rss"] = peak
    out["lean"] = lean
    return out


def measure_size(
    label: str, tasks: int, args: argparse.Namespace
) -> dict:  # pragma: no cover - run by hand
    """Every measure at one size."""
    where, expected = corpus_for(args.data, tasks, args.seed)
    corpus, out = where / "corpus", where / "out"
    if args.queries_only:
        return measure_queries_only(label, tasks, out, args)
    builds, peaks, walls, reports = [], [], [], []
    for i in range(args.repeat):
        # each build into an empty output directory: at 1M a build (store and export) is
        # 34 GB, and a build keeps the previous one until it is complete
        shutil.rmtree(out, ignore_errors=True)
        text, peak, wall = run_sampled(
            [sys.executable, "-c", _BUILD_CHILD, str(corpus), str(out), str(args.workers)],
            timeout=args.build_timeout,
        )
        report = json.loads(text.strip().splitlines()[-1])
        builds.append(report["seconds"])
        peaks.append(peak)
        walls.append(wall)
        reports.append(report)
        print(
            f"{label}: build {i + 1}: {report['seconds']:.1f} s, {peak / 2**30:.2f} GiB", flush=True
        )
    from policykg.graph.store import open_store

    store = open_store(out)
    queries = query_measures(store, args.repeat)
    print(f"{label}: queries {json.dumps(queries)}", flush=True)
    del store
    result = {
        "tasks": expected["tasks"],
        "files": expected["files"],
        "bytes": expected["bytes"],
        "quads": reports[-1]["quads"],
        "sha256": sorted({r["sha256"] for r in reports}),
        "workers": args.workers,
        "build": _stats(builds),
        "peak_rss": _stats(peaks),
        "stages": {
            k: statistics.median(r["timings"][k] for r in reports) for k in reports[0]["timings"]
        },
        "export_during_store": True,  # the build merges the export while the store loads
        "queries": queries,
    }
    result["run"] = result["queries_run"] = _now()
    export = Path(reports[-1]["build_dir"]) / "graph.nq"
    if args.floor:
        result["floor"] = store_floor(export, where)
        print(f"{label}: store alone {json.dumps(result['floor'])}", flush=True)
    if tasks <= parse_size(args.baseline_max):
        lean = tasks > parse_size(args.baseline_full_max)
        result["baseline"] = baseline_measures(
            export, args.repeat, args.baseline_timeout, lean=lean
        )
        print(f"{label}: baseline {json.dumps(result['baseline'])}", flush=True)
    return result


def measure_queries_only(
    label: str, tasks: int, out: Path, args: argparse.Namespace
) -> dict:  # pragma: no cover - run by hand
    """The query measures on the size's current build (``--queries-only``): the build
    figures stay those of the run that measured them (``run``), the queries are new
    (``queries_run``); the build's own manifest must match the size's corpus."""
    from policykg.graph.store import current_build, open_store

    previous = dict(args.previous.get(label) or {})
    if not previous:
        raise SystemExit(f"--queries-only: no earlier run of {label} to take the build from")
    manifest = json.loads((current_build(out) / "manifest.json").read_text("utf-8"))
    store = open_store(out)
    queries = query_measures(store, args.repeat)
    print(f"{label}: queries {json.dumps(queries)}", flush=True)
    del store
    previous.update(
        queries=queries,
        queries_run=_now(),
        queries_build={
            "quads": manifest["counts"]["quads"],
            "sha256": manifest["export_sha256"],
            "stages": manifest["timings"],
        },
    )
    previous.pop("baseline", None)
    if tasks <= parse_size(args.baseline_max):
        export = current_build(out) / "graph.nq"
        lean = tasks > parse_size(args.baseline_full_max)
        previous["baseline"] = baseline_measures(
            export, args.repeat, args.baseline_timeout, lean=lean
        )
    return previous


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> dict:
    """CPU, cores, memory, versions and date."""
    import pyoxigraph
    import rdflib

    cpu = "unknown"
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "date": _now(),
        "load_average": os.getloadavg()[0],
    }


START, END = "<!-- results:start -->", "<!-- results:end -->"

_TARGETS = {
    "build": ("full build (read → store)", "s", "≤ 300 s at 1M"),
    "lineage_all": (
        "lineage of all tasks (chosen: plan lineages ⋈ plan task indexes)",
        "s",
        "≤ 2 s at 1M",
    ),
    "lineage_all_naive": ("lineage of all tasks, naive property-path SPARQL", "s", ""),
    "lineage_one": ("lineage of one task (chosen: key lookup + plan edges)", "ms", "≤ 5 ms at 1M"),
    "lineage_one_naive": ("lineage of one task, naive property-path SPARQL", "ms", ""),
    "audit": ("audit (every finding kind)", "s", "≤ 10 s at 1M"),
    "agencies": ("agency workload", "s", ""),
}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    value = value * 1000 if unit == "ms" else value
    return f"{value:.1f}" if value >= 10 else f"{value:.3g}"


def _stages(stages: dict[str, float], export_during_store: bool) -> str:
    """The stages of a build, in order; since session 7 the export is merged while the
    store loads, so its time is inside the store's, as are (since session 9) the load's and
    the compaction's, which are listed apart.

    >>> _stages({"emit": 2.0, "load": 1.5, "export": 1.0, "store": 3.0}, True)
    'emit 2.0, load 1.5 (in store), export 1.0 (during store), store 3.0'
    """
    return ", ".join(
        f"{k} {v:.1f}"
        + (" (during store)" if k == "export" and export_during_store else "")
        + (" (in store)" if k in ("load", "compact") else "")
        for k, v in stages.items()
    )


def render_size(label: str, r: dict) -> str:
    """The table of one size."""
    mb = r["bytes"] / 1e6
    med = r["build"]["median"]
    lines = [
        f"### {label}: {r['tasks']:,} tasks",
        "",
        f"{r['files']:,} plan files, {mb:.1f} MB of text, {r['quads']:,} quads in the export, "
        f"build with {r['workers']} worker processes. Throughput (median build): "
        f"**{mb / med:.2f} MB/s**, **{r['tasks'] / med:,.0f} tasks/s**. Peak memory (PSS) "
        f"of the build's process tree: median **{r['peak_rss']['median'] / 2**30:.2f} GiB** "
        f"(min {r['peak_rss']['min'] / 2**30:.2f}, max {r['peak_rss']['max'] / 2**30:.2f}). "
        "Stages (median s): " + _stages(r["stages"], r.get("export_during_store", False)) + ".",
        "",
    ]
    if r.get("queries_run", r.get("run")) != r.get("run"):
        q = r.get("queries_build", {})
        lines += [
            f"Build measured {r.get('run') or 'in an earlier run'}; queries measured "
            f"{r['queries_run']} on a later build of the same corpus ({q.get('quads', 0):,} "
            f"quads, export SHA-256 {str(q.get('sha256', ''))[:12]}…).",
            "",
        ]
    lines += [
        "| measure | unit | median | min | max | rdflib baseline | baseline ÷ embedded | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    base = r.get("baseline", {})
    floor_lines = render_floor(r)
    for key, (name, unit, target) in _TARGETS.items():
        m = r["build"] if key == "build" else r["queries"].get(key)
        if m is None:
            continue
        b = base.get(key)
        bmed = b["median"] if isinstance(b, dict) else None
        ratio = f"{bmed / m['median']:.1f}×" if bmed else "—"
        if key in ("lineage_all_naive", "lineage_one_naive"):
            chosen = r["queries"][key.removesuffix("_naive")]["median"]
            ratio = (f"{ratio}; " if bmed else "") + f"naive ÷ chosen: {m['median'] / chosen:.1f}×"
        if m.get("runs", 3) < 3:  # fewer repeats asked, or stopped after BUDGET seconds
            name += f" ({m['runs']} run{'s' if m['runs'] > 1 else ''})"
        lines.append(
            f"| {name} | {unit} | {_fmt(m['median'], unit)} | {_fmt(m['min'], unit)} | "
            f"{_fmt(m['max'], unit)} | {_fmt(bmed, unit)} | {ratio} | {target} |"
        )
    lines += floor_lines
    if base:
        wanted = ("lineage_all", "lineage_one", "agencies", "lineage_all_naive") + (
            () if base.get("lean") else ("audit",)
        )
        missing = [k for k in wanted if k not in base]
        lines += [
            "",
            f"Baseline: rdflib `Dataset` holding the export's {base.get('triples', 0):,} triples, "
            f"loaded in {base.get('load', 0):.0f} s, peak {base.get('peak_rss', 0) / 2**30:.2f} GiB"
            + (
                f"; failed before {', '.join(missing)}: " + base["failed"].strip().splitlines()[-1]
                if missing and base.get("failed")
                else f"; not finished within {base.get('timed_out_after', 0):.0f} s: "
                + ", ".join(missing)
                if missing
                else ""
            )
            + ". The baseline runs the same functions (the same SPARQL) as the embedded store"
            + (
                "; it holds the export without the text-span resources (selectors and quotes, "
                "which the lineage and agency queries do not read, and with which rdflib would "
                "need more memory than the machine could spare), so no audit on it"
                if base.get("lean")
                else ""
            )
            + ".",
        ]
    return "\n".join(lines) + "\n"


def render_floor(r: dict) -> list[str]:
    """The paragraph on the store alone (:mod:`policykg.bench.store_floor`), if measured.

    >>> r = {"quads": 10**6, "stages": {"load": 4.5, "compact": 2.0},
    ...      "floor": {"quads": 10**6, "load": {"wall": 4.0, "cpu": 6.5, "max_rss": 2**30},
    ...                "optimize": {"wall": 1.5, "cpu": 1.5, "max_rss": 2**30}}}
    >>> print(render_floor(r)[1])  # doctest: +ELLIPSIS
    The store alone (...) in **4 s** (6.5 s of CPU, 6.50 µs a quad; all 1,000,000 quads), ...
    >>> r["floor"]["optimize"]["wall"] = 0.0004  # one batch: nothing to merge
    >>> "nothing to compact" in render_floor(r)[1]
    True
    """
    f = r.get("floor")
    if not f:
        return []
    load, opt, stages = f["load"], f["optimize"], r["stages"]
    held = (
        f"all {f['quads']:,} quads"
        if f["quads"] >= r["quads"]
        else f"**only {f['quads']:,} of the export's {r['quads']:,} quads**"
    )
    return [
        "",
        "The store alone (`bench/store_floor.py`, once, after the builds): the export "
        "bulk-loaded from its file into an empty store in one `bulk_load` (parsed and loaded "
        "in Rust, none of the build's Python; the data graph as the default graph, as the "
        f"build's store holds it) in **{_fmt(load['wall'], 's')} s** ({_fmt(load['cpu'], 's')} "
        f"s of CPU, {load['cpu'] / max(f['quads'], 1) * 1e6:.2f} µs a quad; {held}), "
        + (
            "with nothing to compact (loaded in one batch, under a million quads). The "
            if opt["wall"] < 0.01
            else f"then compacted in {_fmt(opt['wall'], 's')} s ({_fmt(opt['cpu'], 's')} s of "
            "CPU). The "
        )
        + f"build's own stages (medians): load {_fmt(stages.get('load'), 's')} s, compaction "
        f"{_fmt(stages.get('compact'), 's')} s.",
    ]


def render(results: dict) -> str:
    """The results part of docs/benchmarks.md."""
    m = results["machine"]
    out = [
        "Machine: " + f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM; Python "
        f"{m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}; run {m['date']} "
        f"(load average {m['load_average']:.1f} at the start: the machine was shared).",
        "",
    ]
    sizes = sorted(results["sizes"].items(), key=lambda kv: kv[1]["tasks"])
    out += [render_size(label, r) for label, r in sizes]
    return "\n".join(out)


def write_report(results: dict, path: Path) -> None:
    """Put the rendered results between the markers of ``path`` (the rest is kept)."""
    text = path.read_text("utf-8") if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{START}\n{render(results)}\n{END}{tail}", "utf-8")


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - run by hand
    """Run the benchmark at the given sizes and update docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path("/work/bench-data"))
    parser.add_argument("--baseline-max", default="100k")
    parser.add_argument("--baseline-full-max", default="10k")
    parser.add_argument("--baseline-timeout", type=float, default=900)
    parser.add_argument("--build-timeout", type=float, default=3600)
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--no-floor",
        dest="floor",
        action="store_false",
        help="skip the store alone on each size's export (bench/store_floor.py: about eight "
        "minutes at 1M)",
    )
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="measure the queries on each size's current build (no build; the build figures "
        "of the earlier run are kept and the report says so)",
    )
    args = parser.parse_args(argv)
    raw = args.report.with_suffix(".json")
    results = json.loads(raw.read_text("utf-8")) if raw.exists() else {"sizes": {}}
    args.previous = results["sizes"]
    results["machine"] = machine()
    for label in args.sizes.split(","):
        results["sizes"][label] = measure_size(label, parse_size(label), args)
        raw.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
        write_report(results, args.report)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
