"""Everything read from one file: its view, mentions, own documents and stated relations.

>>> a = analyse_text("x.txt", "KẾ HOẠCH\\nThực hiện Chỉ thị 07-CT/TU ngày 23/11/2007\\nI. X")
>>> [m.ref.canonical for m in a.mentions], a.parts[0].type_code, len(a.relations)
(['07-CT/TU'], 'KH', 1)
"""

from __future__ import annotations

import gc
import pickle
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from policykg.graph.citations import Mention, find_mentions
from policykg.graph.deadlines import AFTER_ISSUE_KINDS, counted_from_issue, title_year
from policykg.graph.documents import DocumentPart, find_parts
from policykg.graph.read import SourceText
from policykg.graph.registry import Registry, load_registry
from policykg.graph.relations import Relation, find_relations
from policykg.graph.segment import Node, segment
from policykg.graph.targets import Target, find_targets
from policykg.graph.tasks import PlanTasks, plan_tasks
from policykg.graph.textview import TextView, fold, make_view


@dataclass
class Analysis:
    """One file, read and analysed; spans are offsets into ``view`` (see ``view.to_original``)."""

    name: str
    view: TextView
    mentions: list[Mention]
    parts: list[DocumentPart]
    relations: list[tuple[int, Relation]]  # (index of the part whose text states it, relation)
    trees: list[Node] = field(default_factory=list)  # one per part
    tasks: list[PlanTasks] = field(default_factory=list)  # one per part
    targets: list[list[tuple[int, Target]]] = field(default_factory=list)  # (offset, target)
    source: SourceText | None = None
    #: where :meth:`spill_tasks` put the tasks and targets, and how many tasks there are
    spilled: tuple[str, int] | None = None

    def spill_tasks(self, path: Path) -> None:
        """Move the tasks and targets to the file ``path``, keeping only what is read of
        them before emission: each part's anomalies and the number of tasks.

        At national scale tasks are two thirds of what analysis makes. The build spills
        them as each file is analysed and the process that emits the file reads them back
        (:meth:`tasks_and_targets`), so the build's parent does not hold a million tasks
        while its forked workers emit (a worker's reads of the parent's objects copy the
        pages they touch).

        >>> import tempfile
        >>> a = analyse_text("x.txt", "KẾ HOẠCH\\nI. NHIỆM VỤ\\n1. Sở Tài chính lập dự toán.")
        >>> a.spill_tasks(Path(tempfile.mkdtemp()) / "x.pickle")
        >>> a.tasks[0].tasks, a.task_count(), len(a.tasks_and_targets()[0][0].tasks)
        ([], 1, 1)
        """
        count = self.task_count()
        path.write_bytes(pickle.dumps((self.tasks, self.targets), pickle.HIGHEST_PROTOCOL))
        self.tasks = [PlanTasks(anomalies=found.anomalies) for found in self.tasks]
        self.targets = [[] for _ in self.targets]
        self.spilled = (str(path), count)

    def tasks_and_targets(self) -> tuple[list[PlanTasks], list[list[tuple[int, Target]]]]:
        """The tasks and targets of each part (read back from disk when spilled)."""
        if self.spilled is None:
            return self.tasks, self.targets
        return pickle.loads(Path(self.spilled[0]).read_bytes())

    def task_count(self) -> int:
        """How many tasks the file has, in all its parts."""
        if self.spilled is not None:
            return self.spilled[1]
        return sum(len(found.tasks) for found in self.tasks)

    def part_index(self, view_offset: int) -> int:
        """The index of the document part containing a view offset."""
        starts = [p.start for p in self.parts]
        return max(0, bisect_right(starts, view_offset) - 1)

    def line_of(self, view_offset: int) -> int:
        """The 1-based line of a view offset in the original file."""
        original = self.view.to_original(view_offset, view_offset)[0]
        return self.view.original.count("\n", 0, original) + 1


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector (when it runs) for the block, and resume it after.

    Analysis allocates millions of small objects (tokens, matches, spans) and leaves no
    reference cycle behind but the trees it keeps, so the collector's passes find nothing
    to free; on a big file they cost a sixth of the time, growing with the objects alive.
    Memory is unchanged: without cycles, reference counting frees everything as before.
    The lineage of all tasks and the audit use it too (a million rows or findings).

    On resuming, what the block made joins the oldest generation at once
    (:func:`_promote_all`): left in the youngest, all of it would be walked by the first
    collection after the block (0.26 s after the lineage of a million tasks, 0.67 s after
    the audit), only to find it alive.

    >>> import gc
    >>> with no_cycle_collection():
    ...     gc.isenabled()
    False
    >>> _ = gc.collect()
    >>> with no_cycle_collection():
    ...     made = [[i] for i in range(1000)]
    >>> gc.isenabled(), any(o is made for o in gc.get_objects(generation=2))
    (True, True)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _promote_all()
            gc.enable()


def _promote_all() -> None:
    """Move every object the collector tracks to the oldest generation, without walking
    them (``freeze`` and ``unfreeze`` move whole lists). Not where objects are frozen on
    purpose (a build worker freezes the heap it inherits): ``unfreeze`` would give those
    back to the collector."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def analyse_text(name: str, text: str, registry: Registry | None = None) -> Analysis:
    """Analyse decoded text; ``name`` is how provenance will refer to the file."""
    with no_cycle_collection():
        return _analyse_text(name, text, registry)


def _analyse_text(name: str, text: str, registry: Registry | None) -> Analysis:
    reg = registry or load_registry()
    view = make_view(text)
    mentions = find_mentions(view, reg)
    parts = find_parts(view, mentions, reg)
    relations = []
    for i, part in enumerate(parts):
        for rel in find_relations(
            view,
            mentions,
            preamble=(part.start, part.preamble_end),
            span=(part.start, part.end),
            registry=reg,
        ):
            relations.append((i, rel))
    analysis = Analysis(name, view, mentions, parts, relations)
    for part in parts:
        tree = segment(view, part.start, part.end)
        analysis.trees.append(tree)
        found = plan_tasks(view, tree, year=title_year(part.title))
        for task in found.tasks:  # "trong vòng 30 ngày kể từ ngày ký": from the text's date
            if task.deadline is not None and task.deadline.kind in AFTER_ISSUE_KINDS:
                task.deadline = counted_from_issue(task.deadline, part.date)
        analysis.tasks.append(found)
        analysis.targets.append(_targets(view, tree))
    return analysis


def _folded_head(text: str, n: int = 40) -> str:
    """``fold(text)[:n]``, folding only the head when that gives the same (both NFC)."""
    head = text[:n]
    if unicodedata.is_normalized("NFC", head) and unicodedata.is_normalized("NFC", text):
        return fold(head)  # fold is then one character for one: its head is the head's fold
    return fold(text)[:n]


def _targets(view: TextView, tree: Node) -> list[tuple[int, Target]]:
    """Measurable targets stated under a "Mục tiêu" heading, with the offset of their text."""
    out: list[tuple[int, Target]] = []
    taken: list[tuple[int, int]] = []
    for node in tree.walk():
        if node.kind in ("document", "table") or "muc tieu" not in _folded_head(node.text(view)):
            continue
        start, end = node.extent
        if any(a <= start < b for a, b in taken):
            continue
        taken.append((start, end))
        out += [(start, t) for t in find_targets(view.norm[start:end])]
    return out


def analyse_source(source: SourceText, registry: Registry | None = None) -> Analysis:
    """Analyse a file read by :func:`policykg.graph.read.read_source`."""
    analysis = analyse_text(source.name, source.text, registry)
    analysis.source = source
    return analysis
