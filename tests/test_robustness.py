"""Hostile and awkward input: bad files are refused by name, line and reason, good ones are
read whatever their encoding, line ends or size, nothing escapes into the reports unescaped,
and a build killed at any moment never loses the previous one.

The corpus is written by ``tests/robustness/generate.py`` from the bundled documents; see its
docstring for what each file is and what the build must do with it.
"""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unicodedata
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robustness import generate as gen  # tests/robustness/generate.py (tests/ is on the path)

from policykg.build import cli
from policykg.graph.analyse import analyse_text
from policykg.graph.pipeline import build
from policykg.graph.read import SourceText, UnreadableDocument, read_source
from policykg.graph.registry import load_registry
from policykg.graph.store import current_build, open_store
from policykg.queries import api

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _names(expect: dict[str, dict], kind: str) -> set[str]:
    return {name for name, e in expect.items() if e["expect"] == kind}


def _strings(value):
    """Every string inside a parsed JSON value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _same_task(task: dict) -> tuple:
    """What must not change when a file is re-encoded (NFD, CRLF, UTF-16)."""
    text = " ".join(unicodedata.normalize("NFC", task["text"]).split())
    return (
        task["path"],
        task["kind"],
        text,
        sorted(a["iri"] for a in task["lead"]),  # names: the most used spelling in the build
        sorted(a["iri"] for a in task["coordinating"]),
        (task["deadline"] or {}).get("text"),
    )


# --------------------------------------------------------------------------- the small corpus


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The generated corpus without its two big files, built once by the library."""
    root = tmp_path_factory.mktemp("robustness")
    corpus = root / "corpus"
    expect = gen.generate(corpus, big=False)
    report = build([corpus], root / "out")
    return SimpleNamespace(
        root=root, corpus=corpus, expect=expect, report=report, store=open_store(root / "out")
    )


@pytest.fixture(scope="module")
def cli_build(small: SimpleNamespace) -> SimpleNamespace:
    """The same corpus built by ``policykg build`` (which also writes the audit reports)."""
    out = small.root / "cli-out"
    runner = CliRunner()
    result = runner.invoke(cli, ["--out", str(out), "build", "--corpus", str(small.corpus)])
    tasks = runner.invoke(cli, ["--out", str(out), "tasks", "--format", "json"])
    return SimpleNamespace(out=out, result=result, tasks=tasks)


def test_the_generated_corpus_is_the_same_every_time(tmp_path: Path) -> None:
    first = gen.generate(tmp_path / "a", big=False)
    second = gen.generate(tmp_path / "b", big=False)
    assert first == second
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(first)
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert _names(first, "refused") and _names(first, "read") and _names(first, "merged")


def test_refused_files_are_named_with_their_line_and_reason(small: SimpleNamespace) -> None:
    refused = {r.file: r for r in small.report.refused}
    assert set(refused) == _names(small.expect, "refused"), [str(r) for r in refused.values()]
    for name, r in refused.items():
        want = small.expect[name]
        assert r.line == want["line"], f"{name}: line {r.line}, expected {want['line']} ({r})"
        for word in want["reason_contains"].split():
            assert word in r.reason, f"{name}: {word!r} not in the reason {r.reason!r}"


def test_good_files_are_read_and_give_their_documents(small: SimpleNamespace) -> None:
    assert set(small.report.files) == _names(small.expect, "read")
    docs = {d["key"]: d for d in api.documents(small.store)}
    for name, key in gen.DOCUMENTS.items():
        if name in small.expect:
            assert key in docs, f"{name} gave no document {key}"
            assert docs[key]["file"] == name and docs[key]["in_corpus"]
    own_files = {d["file"] for d in docs.values() if d["in_corpus"]}
    assert own_files == _names(small.expect, "read")
    tasks = api.tasks(small.store)
    assert {t["document"]["file"] for t in tasks} == _names(small.expect, "read")


@pytest.mark.parametrize("name", sorted(gen.COPIES))
def test_a_re_encoded_copy_gives_the_tasks_of_its_original(
    small: SimpleNamespace, corpus_store, name: str
) -> None:
    original = [_same_task(t) for t in api.tasks(corpus_store, gen.COPIES[name])]
    copy = [_same_task(t) for t in api.tasks(small.store, name)]
    assert len(original) > 20
    assert copy == original


def test_a_repeated_file_is_read_once_and_named_as_a_duplicate(
    small: SimpleNamespace, corpus_store
) -> None:
    for name in _names(small.expect, "merged"):
        first = small.expect[name]["reason_contains"]
        assert name not in small.report.files
        assert name not in {r.file for r in small.report.refused}
        notes = [str(d) for d in small.report.duplicates]
        assert any(name in n and first in n for n in notes), notes
    tasks = api.tasks(small.store, "hai-phong:435/KH-UBND")
    keys = [t["key"] for t in tasks]
    assert len(keys) == len(set(keys)) == len(api.tasks(corpus_store, "hai-phong:435/KH-UBND"))
    assert {t["document"]["file"] for t in tasks} == {"dup-a.txt"}
    plans = [d for d in api.documents(small.store) if d["number"] == "435/KH-UBND"]
    assert [d["key"] for d in plans] == ["hai-phong:435/KH-UBND"]


def test_markup_inside_numbers_and_dates_is_read_through(small: SimpleNamespace) -> None:
    docs = {d["key"]: d for d in api.documents(small.store)}
    plan = docs["hai-phong:12/KH-UBND"]
    assert (plan["number"], plan["date"], plan["file"]) == (
        "12/KH-UBND",
        "2019-06-05",
        "markup-in-numbers.txt",
    )
    named = {d["key"] for d in plan["cites"] + plan["based_on"]}
    assert "hai-phong:435/KH-UBND" in named


def test_a_table_cut_off_mid_row_keeps_every_row_before_the_cut(
    small: SimpleNamespace, corpus_store
) -> None:
    cut = {t["path"]: t for t in api.tasks(small.store, "table-cut.txt")}
    original = {t["path"] for t in api.tasks(corpus_store, gen.HAIPHONG)}
    lost = {p for p in original if p == "XVI.6" or p.startswith("XVII.")}
    assert lost and set(cut) == original - lost
    assert cut["XVI.5"]["text"].startswith("Thực hiện chuyển đổi, tổ chức lại hợp tác xã")


def test_hostile_html_never_reaches_the_reports_unescaped(cli_build: SimpleNamespace) -> None:
    page = (cli_build.out / "current" / "audit.html").read_text("utf-8")
    markdown = (cli_build.out / "current" / "audit.md").read_text("utf-8")
    for report in (page, markdown):
        for payload in gen.PAYLOADS:
            assert payload not in report
        for piece in ("<script", "<img", "onerror=alert(1)>", "<b>unclosed", "<p><b>"):
            assert piece not in report
    # the payload did reach the report (as a quote of an unassigned row), escaped
    assert html.escape("<script>alert(1)</script>") in page


def test_hostile_html_appears_in_task_json_only_as_json_text(cli_build: SimpleNamespace) -> None:
    assert cli_build.tasks.exit_code == 0, cli_build.tasks.output
    raw = cli_build.tasks.stdout
    rows = json.loads(raw)
    strings = list(_strings(rows))
    for payload in gen.PAYLOADS:
        assert raw.count(payload) <= sum(s.count(payload) for s in strings), payload
    mine = [t for t in rows if t["document"]["file"] == "html-cells.txt"]
    assert any("alert(1)" in s for s in _strings(mine))


def test_the_build_summary_lists_refused_files_and_exits_3(
    small: SimpleNamespace, cli_build: SimpleNamespace
) -> None:
    result = cli_build.result
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    for name in _names(small.expect, "refused"):
        want = small.expect[name]
        where = f"{name}, line {want['line']}:" if want["line"] else f"{name}:"
        mine = [line for line in lines if line.strip().startswith(where)]
        assert mine, f"{where} not in the summary:\n{result.stderr}"
        assert all(word in mine[0] for word in want["reason_contains"].split()), mine[0]
    for name in _names(small.expect, "merged"):
        first = small.expect[name]["reason_contains"]
        assert any(name in line and first in line for line in result.output.splitlines())


def test_the_manifest_lists_refused_files(
    small: SimpleNamespace, cli_build: SimpleNamespace
) -> None:
    manifest = json.loads((cli_build.out / "current" / "manifest.json").read_text("utf-8"))
    assert set(manifest["files"]) == _names(small.expect, "read")
    refused = {r["file"]: r for r in manifest["refused"]}
    assert set(refused) == _names(small.expect, "refused")
    for name, r in refused.items():
        want = small.expect[name]
        assert r["line"] == want["line"], name
        assert all(word in r["reason"] for word in want["reason_contains"].split()), r


def test_the_manifest_says_which_file_duplicates_which(
    small: SimpleNamespace, cli_build: SimpleNamespace
) -> None:
    """A file read once is neither read nor refused: the manifest must still account for it."""
    manifest = json.loads((cli_build.out / "current" / "manifest.json").read_text("utf-8"))

    def mentions(value, names: tuple[str, ...]) -> bool:
        """One string, or one record's own strings (keys and values), name them all."""
        if isinstance(value, str):
            return all(n in value for n in names)
        if isinstance(value, dict):
            own = [s for kv in value.items() for s in kv if isinstance(s, str)]
            if all(any(n in s for s in own) for n in names):
                return True
            value = list(value.values())
        return isinstance(value, list) and any(mentions(v, names) for v in value)

    for name in _names(small.expect, "merged"):
        first = small.expect[name]["reason_contains"]
        entries = {k: v for k, v in manifest.items() if k != "refused"}
        assert any(mentions(v, (name, first)) for v in entries.values()), (name, manifest)


# --------------------------------------------------------------------------- killed builds

_KILL_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import policykg.graph.pipeline as pipeline
    _write = pipeline.write_build
    def write_build(*args, **kwargs):
        print("writing", flush=True)
        return _write(*args, **kwargs)
    pipeline.write_build = write_build
    print("started", flush=True)
    pipeline.build([Path(sys.argv[1])], Path(sys.argv[2]))
    print("done", flush=True)
    """
)


def _start(corpus: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _KILL_CHILD, str(corpus), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_current(out: Path, keys: set[str]) -> str:
    """``out/current`` is a complete build that opens and lists ``keys``; returns its name."""
    link = os.readlink(out / "current")
    assert ".incomplete" not in link, link
    build_dir = current_build(out)
    assert not build_dir.name.startswith("."), build_dir
    assert (build_dir / "graph.nq").stat().st_size > 0
    store = open_store(out)
    listed = {d["key"] for d in api.documents(store)}
    del store
    assert keys <= listed, keys - listed
    return build_dir.name


def test_a_killed_build_never_replaces_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    previous = build([CORPUS], out)
    keys = {"hai-phong:435/KH-UBND", "ho-chi-minh:3064/QĐ-UBND", "56-KL/TW"}
    assert keys <= {d["key"] for d in api.documents(open_store(out))}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    (corpus / "table.txt").write_text(gen.table_plan(2000, number=7000), "utf-8")

    kills, seen = [], {previous.build_dir.name}
    # first at fixed moments, then just after the store starts being written
    moments = [("time", d) for d in (0.2, 0.5, 1, 2, 3, 4.5, 6.5, 9, 13, 20, 30, 60, 120)]
    moments[4:4] = [("write", d) for d in (0.0, 0.05, 0.15, 0.4, 1.0)]
    completed = None
    for mode, delay in moments:
        proc = _start(corpus, out)
        if mode == "time":
            time.sleep(delay)
        else:
            for line in proc.stdout:
                if line.strip() in ("writing", "done"):
                    break
            time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        rest = (proc.stdout.read(), proc.stderr.read())
        proc.stdout.close(), proc.stderr.close()
        if proc.returncode == 0:
            if mode == "time":
                completed = delay
                break
            kills.append((mode, delay, "completed", []))
        else:
            assert proc.returncode == -signal.SIGKILL, rest[1][-2000:]
            left = sorted(p.name[:12] for p in (out / "builds").iterdir() if p.name[0] == ".")
            kills.append((mode, delay, "killed", left))
        seen.add(_check_current(out, keys))
    print("kills:", kills, "completed after", completed)
    assert completed is not None, kills
    assert sum(k[2] == "killed" for k in kills) >= 4, kills
    # the build that completed is current, and what the killed ones left is gone
    final = _check_current(out, keys | {"ho-chi-minh:7000/KH-UBND"})
    assert final not in seen
    builds = sorted(p.name for p in (out / "builds").iterdir())
    assert not [b for b in builds if b.startswith(".")], builds
    assert final in builds and len(builds) <= 2, builds
    assert not [p.name for p in out.iterdir() if p.name.startswith(".current-")]
    # and a normal build after all that still succeeds
    again = build([CORPUS], out)
    assert current_build(out) == again.build_dir
    assert not [p.name for p in (out / "builds").iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- fuzzing

_BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]
_ENCODINGS = ["utf-8", "utf-16-le", "utf-16-be", "utf-16", "cp1258", "latin-1", "utf-32"]

_raw_files = st.one_of(
    st.binary(max_size=4096),
    st.tuples(st.sampled_from(_BOMS), st.binary(max_size=2048)).map(b"".join),
    st.tuples(st.text(max_size=1000), st.sampled_from(_ENCODINGS), st.sampled_from(_BOMS)).map(
        lambda t: t[2] + t[0].encode(t[1], errors="replace")
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_raw_files)
def test_read_source_reads_or_refuses_any_bytes(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d, "fuzz.txt")
        path.write_bytes(raw)
        try:
            source = read_source(path, name="corpus/fuzz.txt")
        except UnreadableDocument as e:
            assert e.file == "corpus/fuzz.txt" and e.reason
            assert e.line is None or e.line >= 1
            assert str(e).startswith("corpus/fuzz.txt")
            return
    assert isinstance(source, SourceText)
    assert source.text.strip() and source.name == "corpus/fuzz.txt"
    assert source.line_of(len(source.text)) >= 1


_TOKENS = [
    "KẾ HOẠCH",
    "QUYẾT ĐỊNH",
    "Số: ",
    "**12**/KH-UBND",
    "435 /KH-UBND",
    "70-KL/TW",
    "134/NQ-CP",
    "Luật Hợp tác xã năm 2012",
    " ngày 05 tháng 6 năm 2019",
    " ngày **0**5/6/2019",
    "Hà Nội, ",
    "Thực hiện ",
    "Căn cứ ",
    " thay thế ",
    "của Bộ Chính trị",
    "I. ",
    "II. NHIỆM VỤ",
    "IV. TỔ CHỨC THỰC HIỆN",
    "1. ",
    "1.1. ",
    "a) ",
    "- ",
    "\t",
    "\n",
    "\r\n",
    "\n\n",
    "<b>",
    "</b>",
    "<script>",
    "**",
    "# ",
    "PHỤ LỤC\n",
    "(Ban hành kèm theo Kế hoạch số 435 /KH-UBND ngày 23 / 5 /2018)\n",
    "STT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện\n",
    "Sở Tài chính",
    "UBND các quận, huyện",
    " chủ trì, phối hợp với ",
    "Đề nghị ",
    "Hàng năm",
    "Quý II/2018",
    "trước ngày 30 tháng 8 năm 2021",
    "Thời gian thực hiện: ",
    "Mục tiêu: đạt 25,5% năm 2025",
]

_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=12)), max_size=80).map("".join),
)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@settings(
    max_examples=200,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=_texts)
def test_analyse_text_never_raises(registry, text: str) -> None:
    analysis = analyse_text("fuzz.txt", text, registry)
    assert len(analysis.trees) == len(analysis.parts) == len(analysis.tasks)
