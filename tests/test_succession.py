"""The curated succession table: it loads, every fact is sourced, the known chains are there,
and a malformed table is refused with a message that names the entry and the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from policykg.graph.registry.succession import (
    CONFIDENCES,
    RELATIONS,
    DocId,
    Succession,
    SuccessionTableError,
    load_succession,
    successors_of,
)

CHECKED = date(2026, 11, 22)

GOOD_ENTRY = """
[[succession]]
replaced = { kind = "numbered", number = "1/2000/NĐ-CP" }
by = { kind = "numbered", number = "2/2001/NĐ-CP", date = "2001-01-02" }
relation = "replaces"
in_force = "2001-03-01"
evidence = "Nghị định này thay thế Nghị định số 1/2000/NĐ-CP"
source = "https://example.org/nd-2-2001"
checked = "2026-11-22"
confidence = "H"
"""


@pytest.fixture(scope="module")
def table() -> tuple[Succession, ...]:
    return load_succession()


def test_table_loads(table: tuple[Succession, ...]) -> None:
    assert table
    assert all(isinstance(s, Succession) for s in table)
    assert load_succession() is table  # the bundled table is read once


def test_every_fact_is_sourced(table: tuple[Succession, ...]) -> None:
    assert {"H", "M"} == CONFIDENCES  # "B" (believed) is never entered
    for s in table:
        assert s.source.startswith(("http://", "https://")), s
        assert all(u.startswith(("http://", "https://")) for u in s.see_also), s
        assert s.confidence in {"H", "M"}, s
        assert s.relation in RELATIONS, s
        assert s.checked == CHECKED, s
        assert s.evidence.strip(), s
        assert not s.replaced.same_document(s.by), s


def test_high_confidence_replacements_have_an_in_force_date(table) -> None:
    for s in table:
        if s.confidence == "H":
            assert s.in_force is not None, s


def test_no_fact_is_entered_twice(table: tuple[Succession, ...]) -> None:
    keys = [(s.replaced, s.by, s.relation) for s in table]
    assert len(keys) == len(set(keys))


def test_cooperative_law_chain(table: tuple[Succession, ...]) -> None:
    """Luật Hợp tác xã 1996 -> 2003 -> 2012 -> 2023, each step with the date it took effect."""
    expected = [
        (1996, 2003, "18/2003/QH11", date(2004, 7, 1)),
        (2003, 2012, "23/2012/QH13", date(2013, 7, 1)),
        (2012, 2023, "17/2023/QH15", date(2024, 7, 1)),
    ]
    doc = DocId("law", name="Hợp tác xã", year=1996)
    chain = []
    while True:
        nxt = [s for s in successors_of(doc, table) if s.relation == "replaces"]
        if not nxt:
            break
        assert len(nxt) == 1, nxt
        s = nxt[0]
        assert s.by.is_law("Hợp tác xã")
        chain.append((s.replaced.year, s.by.year, s.by.number, s.in_force))
        doc = s.by
    assert chain == expected
    law_2023 = successors_of(DocId("law", name="Hợp tác xã", year=2012), table)[0]
    assert law_2023.by.date == "2023-06-20"
    assert law_2023.confidence == "H"


def test_local_government_law_chain(table: tuple[Succession, ...]) -> None:
    """77/2015/QH13 -> 65/2025/QH15 -> 72/2025/QH15 (not 77/2015 -> 72/2025 directly)."""
    first = successors_of(DocId.numbered("77/2015/QH13"), table)
    assert [(s.relation, s.by.number) for s in first] == [
        ("amends", "47/2019/QH14"),
        ("replaces", "65/2025/QH15"),
    ]
    second = successors_of(DocId.numbered("65/2025/QH15"), table)
    assert [(s.by.number, s.in_force) for s in second] == [("72/2025/QH15", date(2025, 6, 16))]


def test_successors_match_a_law_by_name_and_year_or_by_number(table) -> None:
    by_name = successors_of(DocId("law", name="Thủ đô", year=2012), table)
    by_number = successors_of(DocId.numbered("25/2012/QH13"), table)
    assert by_name == by_number
    assert [s.by.number for s in by_name] == ["39/2024/QH15"]
    assert successors_of(DocId.numbered("999/2099/NĐ-CP"), table) == []


def test_a_well_formed_table_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "succession.toml"
    path.write_text(GOOD_ENTRY, "utf-8")
    (s,) = load_succession(path)
    assert s.replaced == DocId("numbered", number="1/2000/NĐ-CP")
    assert s.by.date == "2001-01-02"
    assert s.in_force == date(2001, 3, 1)
    assert s.checked == CHECKED
    assert s.ends_replaced


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('source = "https://example.org/nd-2-2001"\n', "", "'source'"),
        ('source = "https://example.org/nd-2-2001"', 'source = "example.org"', "'source'"),
        ('checked = "2026-11-22"\n', "", "'checked'"),
        ('checked = "2026-11-22"', 'checked = "22/11/2026"', "'checked'"),
        ('in_force = "2001-03-01"', 'in_force = "2001-02-30"', "'in_force'"),
        ('confidence = "H"', 'confidence = "B"', "'confidence'"),
        ('relation = "replaces"', 'relation = "supersedes"', "'relation'"),
        (
            'evidence = "Nghị định này thay thế Nghị định số 1/2000/NĐ-CP"',
            'evidence = ""',
            "'evidence'",
        ),
        ('date = "2001-01-02"', 'date = "2001"', "'by'"),
        ('kind = "numbered", number = "1/2000/NĐ-CP"', 'kind = "law", name = "X"', "'replaced'"),
        ('confidence = "H"', 'confidence = "H"\nsources = []', "unknown field"),
    ],
)
def test_a_malformed_entry_is_refused_by_entry_and_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    assert old in GOOD_ENTRY
    path = tmp_path / "bad.toml"
    path.write_text(GOOD_ENTRY + GOOD_ENTRY.replace(old, new).replace("1/2000", "3/2000"), "utf-8")
    with pytest.raises(SuccessionTableError) as err:
        load_succession(path)
    message = str(err.value)
    assert "entry 2" in message, message
    assert field in message, message
    assert str(path) in message, message


def test_a_duplicate_entry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.toml"
    path.write_text(GOOD_ENTRY * 2, "utf-8")
    with pytest.raises(SuccessionTableError, match=r"entry 2 .*duplicates entry 1"):
        load_succession(path)


def test_unreadable_or_invalid_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SuccessionTableError, match="cannot read"):
        load_succession(tmp_path / "missing.toml")
    path = tmp_path / "broken.toml"
    path.write_text("[[succession]\n", "utf-8")
    with pytest.raises(SuccessionTableError, match="not valid TOML"):
        load_succession(path)
