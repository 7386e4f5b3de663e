"""The command line, in process: messages, formats and exit codes as documented."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.build import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-out")
    result = CliRunner().invoke(cli, ["--out", str(out), "build"])
    assert result.exit_code == 0, result.output
    return out


def run(out: Path, *args: str):
    return CliRunner().invoke(cli, ["--out", str(out), *args])


def test_build_says_what_it_built_and_where(out: Path) -> None:
    result = run(out, "build")
    assert result.exit_code == 0
    assert re.search(r"Built the graph from 4 files in [\d.]+ s: 74 documents", result.output)
    assert f"store:    {out / 'current' / 'store'}" in result.output


def test_documents_json_follows_the_contract(out: Path) -> None:
    rows = json.loads(run(out, "documents", "--format", "json").output)
    kl70 = next(r for r in rows if r["number"] == "70-KL/TW")
    for key in ("iri", "key", "number", "type", "issuer", "date", "title", "in_corpus", "file"):
        assert key in kl70
    for key in ("implements", "based_on", "replaces", "cites"):
        assert isinstance(kl70[key], list)
    assert kl70["implements"] == [
        {"iri": kl70["implements"][0]["iri"], "number": "13-NQ/TW", "key": "13-NQ/TW"}
    ]
    assert (kl70["issuer"], kl70["date"], kl70["in_corpus"]) == (
        "Bộ Chính trị",
        "2020-03-09",
        False,
    )


def test_documents_csv_and_table(out: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(out, "documents", "--format", "csv").output)))
    # 61 the texts state or cite, 5 later laws and decrees (succession.toml), 8 instruments of
    # agency changes (agency_changes.toml)
    assert len(rows) == 74 and rows[0].keys() >= {"key", "type", "issuer"}
    table = run(out, "documents").output
    assert table.splitlines()[0].split()[:3] == ["key", "type", "issuer"]


def test_lineage_of_a_document_by_number(out: Path) -> None:
    result = run(out, "lineage", "--document", "3064/QĐ-UBND")
    assert result.exit_code == 0
    assert "3064/QĐ-UBND → 134/NQ-CP → 70-KL/TW → 13-NQ/TW" in result.output
    rows = json.loads(run(out, "lineage", "--document", "3064/QĐ-UBND", "--format", "json").output)
    assert {c["number"] for c in rows[0]["central"]} == {"134/NQ-CP", "70-KL/TW", "13-NQ/TW"}


def test_unknown_document_is_a_user_error(out: Path) -> None:
    result = run(out, "lineage", "--document", "999-KL/TW")
    assert result.exit_code == 1
    assert "no document '999-KL/TW'" in result.output


def test_reading_before_building_is_explained(tmp_path: Path) -> None:
    result = run(tmp_path / "none", "documents")
    assert result.exit_code == 1
    assert "run `policykg build` first" in result.output


def test_query_list_and_run_with_a_bound_parameter(out: Path) -> None:
    listed = run(out, "query", "--list").output
    assert "lineage-edges" in listed and "central-directives" in listed
    result = run(
        out, "query", "lineage-edges", "--param", "document=3064/QĐ-UBND", "--format", "csv"
    )
    assert result.exit_code == 0
    assert "https://w3id.org/policykg/id/doc/vn/kl-tw/2020/70" in result.output


def test_bad_parameters_are_refused(out: Path) -> None:
    result = run(out, "query", "central-directives", "--param", "x=1")
    assert result.exit_code == 1 and "has no parameter 'x'" in result.output
    result = run(out, "query", "nope")
    assert result.exit_code == 1 and "no query named 'nope'" in result.output


def test_a_build_with_refused_files_exits_3_and_lists_them(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "KẾ HOẠCH\nThực hiện Kết luận số 70-KL/TW ngày 09/3/2020 của Bộ Chính trị\n", "utf-8"
    )
    (corpus / "b.txt").write_bytes(b"")
    result = run(tmp_path / "o", "build", "--corpus", str(corpus))
    assert result.exit_code == 3
    assert "b.txt: empty file" in result.output


def test_python_build_py_is_policykg_build(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--out", str(tmp_path), "build"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Built the graph from 4 files" in done.stdout


def test_every_command_has_help_and_is_in_the_readme() -> None:
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help"
        assert f"policykg {name}" in README, f"README does not show `policykg {name}`"


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", README, re.S)
    assert blocks[0].strip().splitlines() == ["bash scripts/build.sh", "bash scripts/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "scripts/test.sh" in ci


def test_check_reports_in_plain_words(out: Path) -> None:
    result = run(out, "check")
    assert result.exit_code == 0, result.output
    assert "conforms to the policykg shapes and is consistent with the ontology" in result.output


def test_out_after_the_command_name_as_the_contract_writes_it(tmp_path: Path) -> None:
    # DESIGN.md: `policykg build [--corpus DIR]... [--out DIR]`; reads take it after too
    elsewhere = tmp_path / "elsewhere"
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "--out", str(elsewhere)])
    assert built.exit_code == 0, built.output
    assert (elsewhere / "current" / "manifest.json").is_file()
    after = runner.invoke(cli, ["tasks", "--out", str(elsewhere), "--format", "json"])
    assert after.exit_code == 0, after.output
    before = runner.invoke(cli, ["--out", str(elsewhere), "tasks", "--format", "json"])
    assert json.loads(after.output) == json.loads(before.output) != []
    # given after the command, it wins over the one given before
    missing = runner.invoke(cli, ["--out", str(elsewhere), "tasks", "--out", str(tmp_path / "no")])
    assert missing.exit_code == 1 and "no build found" in missing.output
