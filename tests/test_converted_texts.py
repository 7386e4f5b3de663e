"""Plans as converters deliver them: the text of a PDF (page breaks, page numbers, a digital
signature's stamp) and Word's "Save as plain text" (a number and a tab for each automatic
list item, a cell's second paragraph on a line of its own)."""

from __future__ import annotations

from policykg.graph.segment import segment
from policykg.graph.tasks import body_tasks, table_tasks
from policykg.graph.textview import make_view


def _tasks(text: str) -> dict[str, object]:
    view = make_view(text)
    root = segment(view, 0, len(view.norm))
    found = {t.path: t for t in body_tasks(view, root).tasks}
    tables = [n.table for n in _walk(root) if n.kind == "table"]
    for table in tables:
        found.update({f"row {t.path}": t for t in table_tasks(view, table).tasks})
    return found


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_page_furniture_is_no_text_and_a_sentence_reads_across_the_page_break() -> None:
    text = (
        "II. NHIỆM VỤ\n"
        "1. Sở Kế hoạch và Đầu tư chủ trì xây dựng Đề án hỗ trợ hợp tác xã giai đoạn\n"
        "Người ký: Ủy ban Nhân dân tỉnh Hà Tĩnh\nCơ quan: Tỉnh Hà Tĩnh\n"
        "Thời gian ký: 21.12.2020 16:42:15 +07:00\n\f2\n"
        "2021 - 2025; hoàn thành trước ngày 30/6/2021.\n"
        "                                   Trang 2/4\n"
        "2. Sở Tài chính bố trí kinh phí hằng năm.\n"
    )
    found = _tasks(text)
    assert sorted(found) == ["II.1", "II.2"]
    assert str(found["II.1"].deadline.end) == "2021-06-30"
    assert "Người ký" not in found["II.1"].text and "2021 - 2025" in found["II.1"].text
    view = make_view(text)  # the spans still point into the text as it was
    a, b = found["II.1"].spans[0]
    assert view.original_text(a, b).endswith("30/6/2021.")


def test_a_line_cut_after_a_word_no_sentence_ends_with_goes_on() -> None:
    found = _tasks(
        "II. NHIỆM VỤ\n1. Sở Tài chính rà soát chính sách theo Nghị định số\n"
        "193/2013/NĐ-CP; chậm nhất ngày 30/4/2021.\n"
        "2. Liên minh Hợp tác xã tỉnh tổ chức tập huấn, thời gian thực hiện: Quý\n"
        "II và Quý III năm 2021.\n"
    )
    assert sorted(found) == ["II.1", "II.2"]
    assert str(found["II.1"].deadline.end) == "2021-04-30"
    assert str(found["II.2"].deadline.end) == "2021-09-30"


def test_words_automatic_numbers_are_items_not_table_rows() -> None:
    found = _tasks(
        "II. CHỈ TIÊU\nTT\tChỉ tiêu\tĐơn vị tính\tNăm 2025\n1\tSố hợp tác xã\tHTX\t500\n"
        "III. TỔ CHỨC THỰC HIỆN\n1.\tSở Kế hoạch và Đầu tư\n"
        "a)\tChủ trì tham mưu kế hoạch phát triển hợp tác xã hằng năm.\n"
        "b)\tHướng dẫn các địa phương triển khai; hoàn thành trong quý III/2021.\n"
    )
    assert sorted(k for k in found if not k.startswith("row ")) == ["III.1.a", "III.1.b"]
    assert [s.agency.name for s in found["III.1.b"].lead] == ["Sở Kế hoạch và Đầu tư"]


def test_a_cells_second_paragraph_on_its_own_line_goes_on_with_its_row() -> None:
    found = _tasks(
        "PHỤ LỤC\nTT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
        "1\tXây dựng chuỗi liên kết\tSở Nông nghiệp và Phát triển nông thôn\tSở Công Thương;\n"
        "UBND các huyện, thị xã, thành phố\tNăm 2021 - 2022\n"
        "2\tHỗ trợ vốn\tSở Tài chính\tSở Kế hoạch và Đầu tư\tHằng năm\n"
    )
    rows = {k: t for k, t in found.items() if k.startswith("row ")}
    assert sorted(rows) == ["row 1", "row 2"]
    assert str(rows["row 1"].deadline.end) == "2022-12-31"
    assert len(rows["row 1"].coordinating) == 2
