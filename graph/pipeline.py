"""The build: corpus files in, a complete store and canonical export out.

read → analyse (segment, find mentions, parts and relations) → resolve → emit → classify
(HermiT infers the central directives) → store. A file that cannot be read is reported with
its name, line and reason, and the build goes on with the others.

>>> import tempfile, pathlib
>>> corpus = pathlib.Path(tempfile.mkdtemp())
>>> _ = (corpus / "a.txt").write_text("KẾ HOẠCH\\nThực hiện Kết luận số 70-KL/TW ngày "
...                                   "09/3/2020 của Bộ Chính trị\\nI. NHIỆM VỤ\\n", "utf-8")
>>> report = build([corpus], corpus / "out")
>>> report.documents, report.refused
(2, [])
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Quad
from rdflib import Graph, URIRef

from policykg.graph.analyse import Analysis, analyse_source, no_cycle_collection
from policykg.graph.emit import emit_agency_history, emit_shared
from policykg.graph.read import UnreadableDocument, read_source
from policykg.graph.resolve import resolve
from policykg.graph.runs import Merged, merge_runs, quad_lines, write_run
from policykg.graph.store import StagedBuild
from policykg.graph.workers import default_workers, emit_plan_runs, ordered_map
from policykg.ontology.errors import PolicyKGError
from policykg.ontology.namespaces import INFERRED_GRAPH, PKG, RDF
from policykg.ontology.reason import ensure_consistent

#: Plain-text formats read today; others are refused with a clear message.
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})


class NoCorpus(PolicyKGError):
    """A corpus directory does not exist or holds no readable file."""


@dataclass(frozen=True)
class Refused:
    """A file the build could not use, and why."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class BuildReport:
    """What a build did: counts, refused files and where it wrote."""

    out_dir: Path
    build_dir: Path
    files: list[str]
    refused: list[Refused]
    duplicates: list[Duplicate]
    documents: int
    links: int
    citations: int
    anomalies: int
    central: list[str]
    quads: int
    export_sha256: str
    seconds: float
    #: seconds per stage; ``export`` (the merge of the runs) runs during ``store``
    timings: dict[str, float] = field(default_factory=dict)

    def manifest(self) -> dict:
        """The build's manifest (everything but timings is deterministic)."""
        return {
            "files": self.files,
            "refused": [{"file": r.file, "line": r.line, "reason": r.reason} for r in self.refused],
            "duplicates": [{"file": d.file, "same_as": d.same_as} for d in self.duplicates],
            "counts": {
                "documents": self.documents,
                "relations": self.links,
                "citations": self.citations,
                "anomalies": self.anomalies,
                "central_directives": len(self.central),
                "quads": self.quads,
            },
            "export_sha256": self.export_sha256,
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def corpus_files(corpus_dirs: list[Path]) -> list[tuple[str, Path]]:
    """Every file under the corpus directories, named by its path relative to its directory.

    With several directories, names are prefixed by each directory's own name so that
    provenance stays unambiguous.
    """
    out: list[tuple[str, Path]] = []
    for d in corpus_dirs:
        if not d.is_dir():
            raise NoCorpus(f"corpus directory not found: {d} (pass an existing --corpus DIR)")
        for path in sorted(p for p in d.rglob("*") if p.is_file()):
            rel = path.relative_to(d).as_posix()
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            name = f"{d.name}/{rel}" if len(corpus_dirs) > 1 else rel
            out.append((name, path))
    names = [n for n, _ in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise NoCorpus(f"two corpus files share the name {dupes[0]}: rename one of them")
    return out


@dataclass(frozen=True)
class Duplicate:
    """A file whose bytes are those of a file read before it: read once."""

    file: str
    same_as: str

    def __str__(self) -> str:
        return f"{self.file}: same content as {self.same_as}; read once"


def _read_one(item: tuple[str, Path, Path | None]) -> Analysis | Refused:
    """Read and analyse one file (in a worker process when the build has several); given a
    third path, its tasks and targets are spilled there (:meth:`Analysis.spill_tasks`)."""
    name, path, spill = item
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return Refused(
            name,
            None,
            f"unsupported format {path.suffix or '(none)'}: plain text "
            "(.txt, .md) only for now; convert the file to UTF-8 text",
        )
    try:
        source = read_source(path, name=name)
    except UnreadableDocument as e:
        return Refused(name, e.line, e.reason)
    analysis = analyse_source(source)
    analysis.trees = []  # nothing after analysis reads the trees: less to send and keep
    # the trees hold reference cycles: free them now, even while the build has the
    # collector paused (only what was made since the last such call is walked)
    gc.collect(0)
    if spill is not None:
        analysis.spill_tasks(spill)
    return analysis


def read_corpus(
    files: list[tuple[str, Path]], *, workers: int = 1, spill: Path | None = None
) -> tuple[list[Analysis], list[Refused], list[Duplicate]]:
    """Read and analyse each file; files that cannot be read are refused, not fatal.

    A file with the same bytes as one read before is read once (a duplicate); of two files
    that state the same number for different texts, the later one is refused. With several
    ``workers`` the files are analysed in that many processes, with the same result. With a
    ``spill`` directory, each file's tasks and targets are kept there, not in memory, until
    they are emitted (:meth:`Analysis.spill_tasks`).
    """
    analyses, refused, duplicates = [], [], []
    seen: dict[str, str] = {}
    items = [
        (name, path, None if spill is None else spill / f"{i:06d}.pickle")
        for i, (name, path) in enumerate(files)
    ]
    for result in ordered_map(_read_one, items, workers):
        if isinstance(result, Refused):
            refused.append(result)
            continue
        sha = result.source.sha256 if result.source else ""
        if sha in seen:
            duplicates.append(Duplicate(result.name, seen[sha]))
            continue
        seen[sha] = result.name
        analyses.append(result)
    return _refuse_conflicts(analyses, refused), refused, duplicates


def _own_numbers(analysis: Analysis) -> list[tuple[tuple, str, int]]:
    """(identity, number as written, line) of each document a file numbers itself."""
    out = []
    for part in analysis.parts:
        if part.number is None or part.number.ref.kind != "numbered":
            continue
        ref = part.number.ref
        identity = (
            part.place,
            part.district,
            ref.party,
            ref.type_code,
            ref.issuer_code,
            ref.number,
            ref.year or (part.date.year if part.date else None),
        )
        out.append((identity, ref.canonical or "", analysis.line_of(part.number.symbol_start)))
    return out


def _refuse_conflicts(analyses: list[Analysis], refused: list[Refused]) -> list[Analysis]:
    """Two different texts cannot both be document N: the later file (by name) is refused."""
    claimed: dict[tuple, str] = {}
    kept = []
    for analysis in analyses:
        numbers = _own_numbers(analysis)
        clash = next(((n, line, claimed[i]) for i, n, line in numbers if i in claimed), None)
        if clash is not None:
            number, line, other = clash
            refused.append(
                Refused(
                    analysis.name,
                    line,
                    f"states number {number}, as {other} does, but its text differs; "
                    "keep one of the two files (remove or correct the other)",
                )
            )
            continue
        for identity, _, _ in numbers:
            claimed[identity] = analysis.name
        kept.append(analysis)
    return kept


def central_directives(facts: Iterable[tuple[str, str, str]]) -> list[str]:
    """Ask HermiT which documents are central directives (from types and issuer levels).

    ``facts`` are (subject, predicate, object) IRIs; only documents and agencies, their
    types, issuers and levels are sent: tasks, spans and citations say nothing about
    centrality, and a national corpus has millions of them.
    Raises :class:`~policykg.ontology.reason.InconsistentGraph` when the extracted graph
    contradicts the ontology (for instance a document typed both Party and State).
    """
    facts = list(facts)
    rdf_type = str(RDF.type)
    kinds = {str(PKG.Document), str(PKG.Agency)}
    nodes = {s for s, p, o in facts if p == rdf_type and o in kinds}
    wanted = {rdf_type, str(PKG.issuedBy), str(PKG.level)}
    data = Graph()
    for s, p, o in facts:
        if s in nodes and p in wanted:
            data.add((URIRef(s), URIRef(p), URIRef(o)))
    return sorted(ensure_consistent(data).central_directives)


def write_build(out_dir: Path, runs: list[Path], report: BuildReport) -> Path:
    """Write the build from the sorted ``runs``: the store bulk-loads them (as one stream,
    see :meth:`StagedBuild.load`); then, while the store compacts (on one core), GNU sort
    merges them into the canonical export in a process of its own. The report gets the
    export's count and SHA-256 and the load's, the compaction's and the merge's times
    (``load``, ``compact``, ``export``: parts of the store stage), and its manifest is
    written. Returns the build's directory, now current.

    Measured at 100,000 tasks: the merge and the load one after the other, 52 s; the merge
    during the load, 37 s (the loads and the merge shared two cores); the merge during the
    compaction, which keeps one core busy, 2.4 s less again.
    """
    with StagedBuild(out_dir) as staged, ThreadPoolExecutor(1) as pool:
        t = time.perf_counter()
        staged.load(runs)
        report.timings["load"] = time.perf_counter() - t
        merging = pool.submit(_timed_merge, runs, staged.export_path)
        t = time.perf_counter()
        staged.compact()
        report.timings["compact"] = time.perf_counter() - t
        export, report.timings["export"] = merging.result()
        report.quads, report.export_sha256 = export.quads, export.sha256
        return staged.complete(report.manifest())


def _timed_merge(runs: list[Path], path: Path) -> tuple[Merged, float]:
    t = time.perf_counter()
    return merge_runs(runs, path, remove=False), time.perf_counter() - t


def build(corpus_dirs: list[Path], out_dir: Path, *, workers: int | None = None) -> BuildReport:
    """Build the graph from the corpus directories into ``out_dir``; returns a report.

    The new build replaces the previous one only once it is completely written. ``workers``
    processes (default: :func:`~policykg.graph.workers.default_workers`) analyse the files
    and emit the plans; the export is the same bytes whatever their number. Quads go to
    sorted runs on disk; the store bulk-loads them while they are merged into the export.

    The cycle collector is paused for the build: it holds millions of objects (the
    analyses, then the quads) and makes few garbage cycles (a file's trees, freed as the
    file is read; the reasoner's small graph, freed after the build), so each collection
    pass would walk them all for little (at 1,000,000 tasks, most of the parent's time).
    """
    with no_cycle_collection():
        return _build(corpus_dirs, out_dir, workers)


def _build(corpus_dirs: list[Path], out_dir: Path, workers: int | None) -> BuildReport:
    t0 = time.perf_counter()
    workers = workers or default_workers()
    timings: dict[str, float] = {}
    files = corpus_files(corpus_dirs)
    (out_dir / "builds").mkdir(parents=True, exist_ok=True)  # an abandoned one is pruned
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=out_dir / "builds"))
    try:
        (work / "tasks").mkdir()
        analyses, refused, duplicates = read_corpus(files, workers=workers, spill=work / "tasks")
        if not analyses:
            raise NoCorpus(
                "no readable document in "
                + ", ".join(str(d) for d in corpus_dirs)
                + (": " + "; ".join(str(r) for r in refused) if refused else "")
            )
        timings["read+analyse"] = time.perf_counter() - t0
        t = time.perf_counter()
        resolution = resolve(analyses)
        timings["resolve"] = time.perf_counter() - t
        t = time.perf_counter()
        shared = emit_shared(resolution, analyses)
        runs = emit_plan_runs(resolution, shared.analyses, work, workers)
        for run in runs:
            shared.add_agency_names(run.agency_names)
            shared.add_agency_places(run.agency_places, run.agency_seen)
        shared.finish()
        emit_agency_history(shared, resolution)
        shared.document_index()
        lines = shared.take_lines()
        timings["emit"] = time.perf_counter() - t
        t = time.perf_counter()
        central = central_directives(shared.facts + [f for r in runs for f in r.agency_facts])
        lines += quad_lines(
            Quad(
                NamedNode(iri),
                NamedNode(str(RDF.type)),
                NamedNode(str(PKG.CentralDirective)),
                NamedNode(str(INFERRED_GRAPH)),
            )
            for iri in central
        )
        timings["reason"] = time.perf_counter() - t
        t = time.perf_counter()
        paths = [write_run(lines, work / "shared.nq")] + [p for r in runs for p in r.paths]
        names = [a.name for a in analyses]
        # nothing after emission reads the analyses (a few GB at national scale): let them go
        # before the merge and the bulk load
        del lines, shared, runs
        analyses.clear()
        report = BuildReport(
            out_dir=out_dir,
            build_dir=out_dir,
            files=names,
            refused=refused,
            duplicates=duplicates,
            documents=len(resolution.documents),
            links=len(resolution.links),
            citations=len(resolution.citations),
            anomalies=len(resolution.anomalies),
            central=central,
            quads=0,
            export_sha256="",
            seconds=0.0,
            timings=timings,
        )
        report.build_dir = write_build(out_dir, paths, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    timings["store"] = time.perf_counter() - t  # the export was merged meanwhile
    report.seconds = time.perf_counter() - t0
    return report
