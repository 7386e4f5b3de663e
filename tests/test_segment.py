"""Segmentation: golden outlines, one directory per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.segment import Node, segment
from policykg.graph.textview import make_view

GOLDEN = Path(__file__).parent / "golden" / "segment"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def _outline(node: Node, depth: int = 0) -> list[str]:
    lines = []
    for child in node.children:
        pad = "  " * depth
        if child.kind == "table":
            cols = ",".join(
                f"{k}={v}" for k, v in sorted(child.table.columns.items(), key=lambda kv: kv[1])
            )
            lines.append(f"{pad}table:{cols}")
            for row in child.table.rows:
                lines.append(f"{pad}  row:" + "|".join(c.text for c in row.cells))
        else:
            lines.append(f"{pad}{child.kind}" + (f":{child.label}" if child.label else ""))
        lines += _outline(child, depth + 1)
    return lines


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_outline(case: Path) -> None:
    view = make_view((case / "input.txt").read_text("utf-8"))
    got = _outline(segment(view, 0, len(view.norm)))
    assert got == (case / "expected.txt").read_text("utf-8").splitlines()


def test_spans_cover_the_original_text() -> None:
    text = (GOLDEN / "outline" / "input.txt").read_text("utf-8")
    view = make_view(text)
    root = segment(view, 0, len(view.norm))
    bullet = next(n for n in root.walk() if n.kind == "bullet")
    a, b = view.to_original(bullet.body_start, bullet.end)
    assert text[a:b].startswith("Tham mưu xây dựng chương trình;")
    assert text[a:b].endswith("tránh tình trạng nhận thức không thống nhất.")


def test_table_cells_keep_every_span_across_a_page_break() -> None:
    text = (GOLDEN / "table-continuations" / "input.txt").read_text("utf-8")
    view = make_view(text)
    table = next(n.table for n in segment(view, 0, len(view.norm)).walk() if n.table)
    content = table.rows[1].cells[1]
    assert [view.original_text(a, b) for a, b in content.spans] == [
        "Cân đối kinh phí cho",
        "việc thực hiện kế hoạch.",
    ]


def test_item_numbers_from_1000_on_continue_the_numbering_a_year_does_not() -> None:
    """Items 1000 and on are items where the numbering reaches them (a plan of thousands of
    items, issue 8); a line opening with a year after item 1 stays a paragraph."""
    from policykg.graph.analyse import analyse_text

    items = "".join(f"{n}. Sở Tài chính thực hiện việc {n}.\n" for n in range(1, 1003))
    sub = "1002.1. Sở Y tế thực hiện việc con.\n"
    paths = [t.path for t in analyse_text("x.txt", "KẾ HOẠCH\n" + items + sub).tasks[0].tasks]
    assert {"998", "999", "1000", "1001", "1002", "1002.1"} <= set(paths)
    year = analyse_text("y.txt", "KẾ HOẠCH\n1. Sở Tài chính thực hiện.\n2025. Năm đó\n")
    assert [t.path for t in year.tasks[0].tasks] == ["1", "1.p1"]


_APPENDIX = "KẾ HOẠCH\nI. NHIỆM VỤ\n1. Sở Tư pháp thực hiện.\nPHỤ LỤC\n"


def _appendix_leads(table: str) -> dict[str, list[str]]:
    """The lead of each task of a plan whose appendix is ``table``."""
    from policykg.graph.analyse import analyse_text

    parts = analyse_text("a.txt", _APPENDIX + table).tasks
    return {t.path: [s.agency.name for s in t.lead] for part in parts for t in part.tasks}


def test_a_table_group_row_with_a_bare_roman_label_and_merged_lead_cells() -> None:
    """An HTML group row "<td colspan=6><b>I</b> <b>Tuyên truyền …</b>" (no dot after the
    label) keeps the table read; a lead cell written once for two rows (Word's plain text
    of a merged cell) leads the row below it too, within its group."""
    html = _appendix_leads(
        "<table><tr><td>STT</td><td>Nhiệm vụ</td><td>Chủ trì</td><td>Thời gian</td></tr>"
        "<tr><td colspan='4'><b>I</b> <b>Tuyên truyền</b></td></tr>"
        "<tr><td>1</td><td>Tổ chức hội nghị</td><td>Sở Tư pháp</td><td>Quý II/2024</td></tr>"
        "<tr><td colspan='4'><b>II</b> <b>Rà soát</b></td></tr>"
        "<tr><td>2</td><td>Rà soát văn bản</td><td>Sở Nội vụ</td><td>Năm 2024</td></tr>"
        "</table>\n"
    )
    assert html["2"] == ["Sở Nội vụ"]
    word = _appendix_leads(
        "TT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian\n"
        "1\tTổ chức lại hợp tác xã\t\t\t\n"
        "1.1\tHướng dẫn tổ chức lại\tPhòng Tư pháp\tUBND các xã\tQuý II/2024\n"
        "1.2\tGiải thể hợp tác xã\t\tPhòng Nội vụ\tQuý III/2024\n"
        "1.3\tHỗ trợ thành lập mới hợp tác xã, gồm:\tPhòng Kinh tế\tUBND các xã\t\n"
        "a)\tThành lập mới 05 hợp tác xã\t\t\tNăm 2024\n"
        "2\tKIỂM TRA, BÁO CÁO\t\t\t\n"
    )
    assert word["1.2"] == ["Phòng Tư pháp"]
    # a row "…, gồm:" heads its a), b) rows, which it leads; a heading row leads nothing
    assert "1.3" not in word and word["1.3.a"] == ["Phòng Kinh tế"]
    assert word.get("2", []) == []
