"""Plans as converters deliver them: the text of a PDF (page breaks, page numbers, a digital
signature's stamp) and Word's "Save as plain text" (a number and a tab for each automatic
list item, a cell's second paragraph on a line of its own)."""

from __future__ import annotations

from policykg.graph.segment import segment
from policykg.graph.tasks import body_tasks, plan_tasks, table_tasks
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


_LAYOUT = (
    "     III. TỔ CHỨC THỰC HIỆN\n"
    "          1. Sở Kế hoạch và Đầu tư theo dõi, tổng hợp kết quả thực hiện Kế hoạch này.\n"
    "\f\n"
    "                                  PHỤ LỤC\n"
    "  TT     Nội dung nhiệm vụ             Cơ quan chủ trì    Cơ quan phối hợp   Thời gian\n"
    "                                                                             hoàn thành\n"
    "  I      Tuyên truyền\n"
    "  1      Tuyên truyền Kết luận số      Sở Thông tin và    Liên minh HTX      Thường xuyên\n"
    "         70-KL/TW trên báo, đài        Truyền thông       tỉnh\n"
    "  II     Hoàn thiện thể chế, chính sách hỗ trợ hợp tác xã trên địa bàn\n"
    "  2      Xây dựng Đề án phát triển     Sở Kế hoạch và     Sở Tài chính       Năm 2021 -\n"
    "         hợp tác xã                    Đầu tư                                2022\n"
    "\f                                     3\n"
    "  TT     Nội dung nhiệm vụ             Cơ quan chủ trì    Cơ quan phối hợp   Thời gian\n"
    "  3      Bố trí ngân sách hỗ trợ       Sở Tài chính       Sở Kế hoạch và     Hằng năm\n"
    "         hợp tác xã                                       Đầu tư\n"
    "\n"
    "     Nơi nhận:                                          TM. ỦY BAN NHÂN DÂN\n"
    "     - Như trên;                                        KT. CHỦ TỊCH\n"
)


def test_a_table_laid_out_with_spaces_is_read_row_by_row() -> None:
    """pdftotext -layout: cells in columns of characters, a cell's later lines under its
    first, the header's second line, group rows, a page break with the header repeated."""
    found = _tasks(_LAYOUT)
    rows = {k: t for k, t in found.items() if k.startswith("row ")}
    assert sorted(rows) == ["row 1", "row 2", "row 3"]
    names = {k: [s.agency.name for s in t.lead] for k, t in rows.items()}
    assert names == {
        "row 1": ["Sở Thông tin và Truyền thông"],
        "row 2": ["Sở Kế hoạch và Đầu tư"],
        "row 3": ["Sở Tài chính"],
    }
    coordinating = [s.agency.name for s in rows["row 3"].coordinating]
    assert coordinating == ["Sở Kế hoạch và Đầu tư"]
    assert rows["row 1"].text == "Tuyên truyền Kết luận số 70-KL/TW trên báo, đài"
    assert str(rows["row 2"].deadline.end) == "2022-12-31"
    assert rows["row 3"].deadline.recurrence == "annual"
    view = make_view(_LAYOUT)  # a wrapped name's span is its first line's part
    span = rows["row 1"].lead[0]
    assert view.original_text(span.start, span.end) == "Sở Thông tin và"
    assert "Nơi nhận" not in rows["row 3"].text


def test_the_header_of_a_laid_out_table_keeps_its_second_line() -> None:
    view = make_view(_LAYOUT)
    root = segment(view, 0, len(view.norm))
    table = next(n.table for n in _walk(root) if n.kind == "table")
    assert table.header[-1] == "Thời gian hoàn thành"
    assert table.columns == {"stt": 0, "content": 1, "lead": 2, "coordinating": 3, "deadline": 4}


def test_prose_after_a_laid_out_table_ends_it() -> None:
    text = (
        "  TT     Nội dung nhiệm vụ             Cơ quan chủ trì    Thời gian\n"
        "  1      Tổ chức hội nghị quán         Sở Nội vụ          Quý I/2021\n"
        "         triệt\n"
        "          Trên đây là Kế hoạch triển khai thực hiện Nghị quyết số 134/NQ-CP trên địa\n"
        "     bàn tỉnh; yêu cầu các cơ quan, đơn vị nghiêm túc thực hiện.\n"
    )
    view = make_view(text)
    assert view.norm.count("\t") == 2 * 3 + 1  # the header's, the row's, its later line's
    rows = {k: t for k, t in _tasks(text).items() if k.startswith("row ")}
    assert rows["row 1"].text == "Tổ chức hội nghị quán triệt"


def test_a_laid_out_table_without_row_labels_is_left_as_it_is() -> None:
    text = (
        "  Nội dung nhiệm vụ             Cơ quan chủ trì    Thời gian\n"
        "  Tổ chức hội nghị quán         Sở Nội vụ          Quý I/2021\n"
        "  triệt\n"
    )
    assert make_view(text).norm == text


def test_a_pandoc_grid_table_is_read_and_its_rules_are_no_text() -> None:
    text = (
        "**PHỤ LỤC**\n\n"
        "+-----+----------------------+----------------+-------------+\n"
        "| STT | Nội dung nhiệm vụ    | Cơ quan chủ    | Cơ quan     |\n"
        "|     |                      | trì            | phối hợp    |\n"
        "+=====+======================+================+=============+\n"
        "| 1   | Khảo sát thực trạng  | Sở Kế hoạch và | UBND các    |\n"
        "|     | hợp tác xã           | Đầu tư         | huyện       |\n"
        "+-----+----------------------+----------------+-------------+\n"
        "| 2   | Cho vay vốn          | Sở Tài chính   |             |\n"
        "+-----+----------------------+----------------+-------------+\n"
    )
    found = _tasks(text)
    assert sorted(found) == ["row 1", "row 2"]  # no bullet from a rule, no empty task
    assert found["row 1"].text == "Khảo sát thực trạng hợp tác xã"
    assert [s.agency.name for s in found["row 1"].lead] == ["Sở Kế hoạch và Đầu tư"]
    assert [s.agency.name for s in found["row 1"].coordinating] == ["Ủy ban nhân dân các huyện"]


def test_an_item_that_only_points_to_the_appendix_is_no_task() -> None:
    found = _tasks(
        "II. NHIỆM VỤ\n1. Sở Tài chính bố trí kinh phí hằng năm.\n"
        "2. Các nhiệm vụ cụ thể khác được phân công tại Phụ lục kèm theo Kế hoạch này.\n"
        "3. Các sở, ngành thực hiện nhiệm vụ được giao tại Phụ lục; báo cáo hằng quý.\n"
    )
    assert sorted(found) == ["II.1", "II.3"]


def test_a_line_indented_further_starts_a_paragraph_in_a_wrapped_text() -> None:
    """A PDF's text keeps a paragraph's first-line indent: the line before it ends the
    paragraph even when the next word would not have fitted on it."""
    lines = [
        "          1. Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành theo dõi,",
        "     đôn đốc việc thực hiện Kế hoạch; tổng hợp báo cáo Ủy ban nhân dân tỉnh.",
        "          2. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch theo quy định hiện",
        "     hành của pháp luật về ngân sách nhà nước và các văn bản khác có liên quan.",
        "          Trên đây là Kế hoạch triển khai thực hiện Nghị quyết số 134/NQ-CP; yêu",
        "     cầu các cơ quan, đơn vị, địa phương nghiêm túc thực hiện, báo cáo kết quả.",
    ]
    found = _tasks("III. TỔ CHỨC THỰC HIỆN\n" + "\n".join(lines * 2) + "\n")
    assert "III.2" in found and "Trên đây" not in found["III.2"].text


def test_a_laid_out_header_centred_vertically_keeps_its_upper_lines() -> None:
    """ "STT" on the header's lower line, "Cơ quan" / "chủ trì" and "Thời gian" / "hoàn" /
    "thành" over three lines, and a row label one space from its text (a narrow column)."""
    text = (
        "                                   Cơ quan chủ    Cơ quan phối    Thời gian\n"
        " STT  Nội dung công việc            trì            hợp             hoàn\n"
        "                                                                   thành\n"
        " 9    Tập huấn cán bộ hợp tác xã    Sở Nội vụ      Liên minh HTX   Quý II/2025\n"
        " 10 Rà soát quỹ đất cho hợp tác     Sở Tài chính   Sở Xây dựng     30/9/2025\n"
        "      xã thuê\n"
    )
    view = make_view(text)
    root = segment(view, 0, len(view.norm))
    table = next(n.table for n in _walk(root) if n.kind == "table")
    assert table.header[2:] == ["Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    rows = {k: t for k, t in _tasks(text).items() if k.startswith("row ")}
    assert sorted(rows) == ["row 10", "row 9"]
    assert rows["row 10"].text == "Rà soát quỹ đất cho hợp tác xã thuê"
    assert [s.agency.name for s in rows["row 10"].coordinating] == ["Sở Xây dựng"]
    assert str(rows["row 10"].deadline.end) == "2025-09-30"


def test_a_justified_lines_stretched_gaps_read_as_one_space() -> None:
    text = "          Thực  hiện  Nghị  quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành\n"
    view = make_view(text)
    assert "Thực hiện Nghị quyết số 20-NQ/TW" in view.norm
    a = view.norm.index("Nghị")
    assert view.original_text(a, a + 4) == "Nghị"


def test_a_row_that_only_heads_its_sub_rows_is_no_task_and_letters_take_its_number() -> None:
    found = _tasks(
        "PHỤ LỤC\nTT\tNội dung\tCơ quan chủ trì\tThời gian\n"
        "3\tRà soát, hoàn thiện cơ chế, chính sách\t\t\n"
        "3.1\tSửa đổi quy định hỗ trợ\tSở Tài chính\tQuý III/2023\n"
        "4\tBố trí nguồn lực\t\t\n"
        "a\tBố trí vốn ngân sách\tSở Tài chính\tHằng năm\n"
        "5\tXây dựng kế hoạch của các sở, ngành\t\t\n"
    )
    assert sorted(found) == ["row 3.1", "row 4.a", "row 5"]  # 5 has no sub-rows: a task
    assert found["row 3.1"].parent is None and found["row 4.a"].parent is None


def test_a_body_item_that_sums_up_the_appendix_is_no_task() -> None:
    view = make_view(
        "II. NHIỆM VỤ\n1. Sở Tài chính bố trí kinh phí hằng năm.\n"
        "2. Rà soát, sắp xếp hợp tác xã (chi tiết tại Phụ lục kèm theo).\n"
        "PHỤ LỤC\nTT\tNội dung\tCơ quan chủ trì\n1\tRà soát hợp tác xã\tSở Nội vụ\n"
    )
    found = plan_tasks(view, segment(view, 0, len(view.norm))).tasks
    assert sorted(t.path for t in found) == ["1", "body/II.1"]


def test_a_topic_heading_over_its_own_tasks_is_no_task() -> None:
    found = _tasks(
        "II. NHIỆM VỤ\n1. Công tác tuyên truyền\n"
        "a) Sở Văn hóa, Thể thao và Du lịch chủ trì tuyên truyền hằng năm.\n"
        "2. Thành lập Ban Chỉ đạo phát triển kinh tế tập thể của tỉnh, đủ mạnh để lãnh đạo.\n"
        "a) Ban Chỉ đạo do Phó Chủ tịch Ủy ban nhân dân tỉnh làm Trưởng ban.\n"
    )
    assert "II.1" not in found and "II.1.a" in found
    assert "II.2" in found  # an action with its details below stays a task


def test_a_last_request_with_what_to_do_if_problems_arise_is_no_task() -> None:
    found = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Sở Tài chính bố trí kinh phí hằng năm.\n"
        "Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện. Quá trình thực hiện nếu "
        "có khó khăn, vướng mắc báo cáo Ủy ban nhân dân tỉnh để xem xét, giải quyết./.\n"
    )
    assert sorted(found) == ["III.1"]


def test_deadlines_at_the_latest_by_a_day_and_each_quarter() -> None:
    found = _tasks(
        "II. NHIỆM VỤ\n1. Sở Nội vụ chậm nhất đến ngày 31/12/2023 phải hoàn thành việc giải thể.\n"
        "2. Sở Thông tin và Truyền thông xây dựng chuyên mục, mỗi quý ít nhất 01 chuyên mục.\n"
    )
    assert str(found["II.1"].deadline.end) == "2023-12-31"
    assert found["II.2"].deadline.recurrence == "quarterly"


def test_a_header_laid_out_with_spaces_places_a_district_plan() -> None:
    from policykg.graph.citations import find_mentions
    from policykg.graph.documents import find_parts

    text = (
        "        ỦY BAN NHÂN DÂN                     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "        HUYỆN YÊN THẾ                              Độc lập - Tự do - Hạnh phúc\n"
        "       Số: 145/KH-UBND                          Yên Thế, ngày 12 tháng 5 năm 2023\n"
        "                                          KẾ HOẠCH\n"
        "          Thực hiện Kế hoạch số 118/KH-UBND ngày 27/3/2023 của UBND tỉnh Bắc Giang\n"
        "          I. MỤC ĐÍCH\n"
    )
    view = make_view(text)
    part = find_parts(view, find_mentions(view))[0]
    assert part.district == "Huyện Yên Thế"
    assert str(part.date) == "2023-05-12"


def test_a_laid_out_table_with_cells_centred_vertically_keeps_each_rows_lines() -> None:
    """A row's label on its middle line: the lines above it that its text goes on from
    (a line ending on a comma, a label line starting in lower case) are the row's."""
    text = (
        " STT  Nội dung công việc                 Đơn vị chủ trì   Thời gian\n"
        "  1   Công tác tuyên truyền, quán triệt\n"
        "      Tuyên truyền Nghị quyết số 20-NQ/TW,\n"
        "  1.1 Nghị quyết số 09/NQ-CP trên hệ thống  Phòng Văn hóa    Thường xuyên\n"
        "      truyền thanh huyện\n"
        "      Tổ chức hội nghị quán triệt cho cán bộ\n"
        "  1.2 chủ chốt các xã, thị trấn             Phòng Nội vụ     Quý II/2023\n"
    )
    rows = {k: t for k, t in _tasks(text).items() if k.startswith("row ")}
    assert rows["row 1.1"].text == (
        "Tuyên truyền Nghị quyết số 20-NQ/TW, Nghị quyết số 09/NQ-CP trên hệ thống truyền "
        "thanh huyện"
    )
    assert (
        rows["row 1.2"].text == "Tổ chức hội nghị quán triệt cho cán bộ chủ chốt các xã, thị trấn"
    )


def test_a_list_items_hanging_lines_go_on_though_indented_further() -> None:
    """pandoc writes a list item's later lines under its text ("1.  Sở …" / "    Kế hoạch
    …"): indented further than the item's first line, they are no paragraph of their own."""
    item = [
        "1.  Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành xây dựng",
        "    Kế hoạch phát triển hợp tác xã giai đoạn 2021 - 2025; hoàn thành trong",
        "    Quý II/2021 và báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15/12.",
    ]
    found = _tasks("II. NHIỆM VỤ\n" + "\n".join(item * 4) + "\n")
    assert "II.1.p1" not in found and "Kế hoạch phát triển" in found["II.1"].text


def test_a_pandoc_multiline_table_is_read_row_by_row() -> None:
    """Pandoc's multiline table: the column rule under the header marks the columns, a
    row's cells wrap within them, rows are apart by a blank line and cells may stand one
    space apart ("chuyển đổi số, Sở Thông tin")."""
    text = (
        "PHỤ LỤC\n\n"
        "  ---------------------------------------------------------------\n"
        "  STT   Nội dung nhiệm vụ         Cơ quan chủ   Thời gian\n"
        "                                  trì           hoàn thành\n"
        "  ----- ------------------------- ------------- ----------------\n"
        "  1     Tổ chức hội nghị quán     Sở Kế hoạch   Quý II/2021\n"
        "        triệt Kết luận số         và Đầu tư\n"
        "        70-KL/TW\n"
        "\n"
        "  2     Hỗ trợ HTX chuyển đổi số, Sở Thông tin  Trước\n"
        "        ứng dụng thương mại       và Truyền     31/12/2022\n"
        "                                  thông\n"
        "  ---------------------------------------------------------------\n"
        "\nNơi nhận:\n"
    )
    found = _tasks(text)
    assert sorted(found) == ["row 1", "row 2"]
    assert found["row 1"].text == "Tổ chức hội nghị quán triệt Kết luận số 70-KL/TW"
    assert [s.agency.name for s in found["row 1"].lead] == ["Sở Kế hoạch và Đầu tư"]
    assert str(found["row 1"].deadline.end) == "2021-06-30"
    assert [s.agency.name for s in found["row 2"].lead] == ["Sở Thông tin và Truyền thông"]
    assert str(found["row 2"].deadline.end) == "2022-12-31"


def test_a_pandoc_simple_table_ends_at_its_blank_line() -> None:
    text = (
        "STT  Nội dung             Cơ quan chủ trì\n"
        "---- -------------------- ---------------------\n"
        "1    Rà soát văn bản      Sở Tư pháp\n"
        "2    Bố trí kinh phí      Sở Tài chính\n"
        "\n"
        "3    Một dòng văn bản không thuộc bảng.\n"
    )
    view = make_view(text)
    assert view.norm.splitlines()[2] == "1   \tRà soát văn bản     \tSở Tư pháp"
    assert "\t" not in view.norm.splitlines()[5]
    found = _tasks(text)
    assert [s.agency.name for s in found["row 2"].lead] == ["Sở Tài chính"]


def test_a_table_pasted_one_cell_a_line_is_read_row_by_row() -> None:
    text = (
        "PHỤ LỤC\nSTT\nNhiệm vụ\nCơ quan chủ trì\nCơ quan phối hợp\nThời gian thực hiện\n"
        "1\nTổ chức Hội nghị quán triệt Nghị quyết\nSở Kế hoạch và Đầu tư\n"
        "Liên minh Hợp tác xã tỉnh\nQuý III/2022\n"
        "2\nXây dựng cơ sở dữ liệu về kinh tế tập thể\nSở Kế hoạch và Đầu tư\n"
        "Sở Thông tin và Truyền thông; Cục Thống kê tỉnh\nTrước 30/6/2023\n"
        "Nơi nhận:\n- Như trên;\n"
    )
    found = _tasks(text)
    assert sorted(found) == ["row 1", "row 2"]
    assert [s.agency.name for s in found["row 2"].coordinating] == [
        "Sở Thông tin và Truyền thông",
        "Cục Thống kê tỉnh",
    ]
    assert str(found["row 2"].deadline.end) == "2023-06-30"
    assert make_view(text).norm.endswith("Nơi nhận:\n- Như trên;\n")


def test_a_row_with_a_missing_cell_ends_a_table_pasted_one_cell_a_line() -> None:
    """A cell's line and the next row's label would be ambiguous: the table stops there."""
    text = "STT\nNhiệm vụ\nCơ quan chủ trì\n1\nRà soát\nSở Tư pháp\n2\nBố trí kinh phí\n3\nX\nY\n"
    lines = make_view(text).norm.splitlines()
    assert lines[:2] == ["STT\tNhiệm vụ\tCơ quan chủ trì", "1\tRà soát\tSở Tư pháp"]
    assert lines[2:] == ["2", "Bố trí kinh phí", "3", "X", "Y"]


def test_ocr_of_a_scan_its_dates_running_header_and_a_name_cut_at_its_dash() -> None:
    """A scan's OCR reads "1" as "l" in dates, keeps each page's running header and page
    number, and a name wrapped at its dash ("Phòng Tài chính" / "- Kế hoạch …") is no
    bullet."""
    text = (
        "II. NỘI DUNG\n"
        "1. Sở Tư pháp chủ trì biên soạn tài liệu; hoàn thành trong tháng l2/2023.\n"
        "2. Các sở, ban, ngành rà soát văn bản, gửi Sở Tư pháp trước ngày 3l/01/2024.\n"
        "\n                                    2\n\n"
        "KH 62/KH-UBND ngày 06/4/2023                         Trang 2\n"
        "3. Ủy ban nhân dân các huyện chỉ đạo Phòng Tài chính\n"
        "- Kế hoạch hướng dẫn hợp tác xã điều chỉnh điều lệ; hoàn thành trước ngày 30/6/2024.\n"
        "4. Liên minh Hợp tác xã tỉnh tư vấn cho hợp tác xã, thực hiện hằng năm.\n"
    )
    found = _tasks(text)
    assert sorted(found) == ["II.1", "II.2", "II.3", "II.4"]
    assert str(found["II.1"].deadline.end) == "2023-12-31"
    assert str(found["II.2"].deadline.end) == "2024-01-31"
    assert "Trang 2" not in found["II.2"].text
    assert str(found["II.3"].deadline.end) == "2024-06-30"
    assert found["II.3"].text.endswith(
        "Phòng Tài chính - Kế hoạch hướng dẫn hợp tác xã "
        "điều chỉnh điều lệ; hoàn thành trước ngày 30/6/2024."
    )


def test_a_list_of_two_dashes_after_a_name_stays_a_list() -> None:
    found = _tasks(
        "II. NHIỆM VỤ\n1. Ủy ban nhân dân các huyện chỉ đạo Phòng Tài chính\n"
        "- Rà soát quỹ đất cho hợp tác xã;\n- Báo cáo kết quả hằng năm.\n"
    )
    assert sorted(found) == ["II.1", "II.1-1", "II.1-2"]


def test_a_section_of_another_heading_that_puts_an_agency_in_charge_holds_tasks() -> None:
    found = _tasks(
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Bảo đảm sự phối hợp; Sở Nội vụ chủ trì theo dõi.\n"
        "II. NỘI DUNG\n1. Tổ chức quán triệt Luật\n"
        "a) Sở Kế hoạch và Đầu tư chủ trì tổ chức hội nghị; thời gian: Quý IV/2023.\n"
        "III. KINH PHÍ THỰC HIỆN\nKinh phí được bố trí từ ngân sách. Sở Tài chính chủ trì "
        "tham mưu bố trí kinh phí trong dự toán năm 2024.\n"
        "IV. KINH PHÍ KHÁC\nKinh phí từ nguồn xã hội hóa.\n"
    )
    assert sorted(found) == ["II.1.a", "III.p1"]
    assert [s.agency.name for s in found["III.p1"].lead] == ["Sở Tài chính"]


def test_items_that_point_to_the_appendix_in_other_words_are_no_tasks() -> None:
    found = _tasks(
        "II. NHIỆM VỤ\n1. Sở Tài chính bố trí kinh phí hằng năm.\n"
        "2. Các nhiệm vụ cụ thể khác: chi tiết tại Phụ lục kèm theo.\n"
        "3. Các nhiệm vụ cụ thể giao các sở, ngành, địa phương theo Phụ lục đính kèm.\n"
    )
    assert sorted(found) == ["II.1"]


def test_start_and_end_columns_the_end_is_due_and_a_bare_month_is_read() -> None:
    text = (
        "STT\tNội dung\tĐơn vị chủ trì\tThời gian bắt đầu\tThời gian kết thúc\n"
        "1\tRà soát hợp tác xã\tChi cục Phát triển nông thôn\t01/2024\t03/2024\n"
        "2\tChuyển giao kỹ thuật\tChi cục Thủy sản\tQuý II/2024\tQuý IV/2024\n"
        "3\tÁp dụng VietGAP\tChi cục Thủy sản\tThường xuyên\t\n"
        "4\tThẩm định hồ sơ\tChi cục Thủy sản\t05/2024\t\n"
    )
    found = _tasks(text)
    assert str(found["row 1"].deadline.end) == "2024-03-31"
    assert str(found["row 2"].deadline.end) == "2024-12-31"
    assert found["row 3"].deadline.recurrence == "ongoing"  # said where the start goes
    assert found["row 4"].deadline is None  # a start is no deadline


def test_a_range_of_months_with_the_year_at_its_end() -> None:
    from policykg.graph.deadlines import find_deadlines

    (m,) = find_deadlines("Tổ chức 05 lớp tập huấn; thời gian: tháng 4 đến tháng 10/2024.")
    assert (str(m.deadline.start), str(m.deadline.end)) == ("2024-04-01", "2024-10-31")
    assert find_deadlines("tổ chức tháng 4 đến tháng 10/2024")[0].deadline.start is None


def test_a_departments_own_units_are_one_collective_assignee() -> None:
    found = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Thủ trưởng các phòng, đơn vị thuộc Sở triển khai thực "
        "hiện; báo cáo trước ngày 05/12/2024.\n"
        "2. Chi cục Thủy sản chủ trì, phối hợp với các đơn vị trực thuộc Sở tổng kết.\n"
    )
    assert [s.agency.name for s in found["III.1"].lead] == ["Các phòng, đơn vị thuộc Sở"]
    assert [s.agency.name for s in found["III.2"].coordinating] == ["Các phòng, đơn vị thuộc Sở"]


def test_a_department_named_over_two_header_lines_issues_its_plan() -> None:
    from policykg.graph.citations import find_mentions
    from policykg.graph.documents import find_parts

    text = (
        "UBND TỈNH SÓC TRĂNG\nSỞ NÔNG NGHIỆP VÀ\nPHÁT TRIỂN NÔNG THÔN\n-------\n"
        "Số: 123/KH-SNN\nSóc Trăng, ngày 22 tháng 02 năm 2024\n\nKẾ HOẠCH\n"
        "Phát triển hợp tác xã nông nghiệp năm 2024\n"
    )
    view = make_view(text)
    part = find_parts(view, find_mentions(view))[0]
    assert part.issuer_name == "Sở Nông nghiệp và Phát triển nông thôn"


def test_a_work_plans_only_agency_column_leads_and_its_months_take_the_plans_year() -> None:
    """A department's yearly work plan: "Đơn vị thực hiện" is its only agency column, so it
    leads; a body marked "(chủ trì)" in a cell of several leads and the others coordinate;
    months without a year fall in the year of the plan's title."""
    from policykg.graph.deadlines import title_year

    text = (
        "STT\tNội dung công việc\tĐơn vị thực hiện\tThời gian (tháng)\n"
        "1\tRà soát hợp tác xã\tChi cục Phát triển nông thôn\tTháng 3\n"
        "2\tXây dựng mô hình\tChi cục Phát triển nông thôn (chủ trì); Trung tâm Khuyến nông"
        "\tTháng 3-10\n"
        "3\tThanh tra chuyên ngành\tThanh tra Sở, Văn phòng Sở\tCả năm\n"
        "4\tKiểm tra vật tư\tChi cục TT&BVTV\tHằng tháng\n"
    )
    view = make_view(text)
    root = segment(view, 0, len(view.norm))
    (table,) = [n.table for n in _walk(root) if n.kind == "table"]
    year = title_year("Kế hoạch công tác năm 2023")
    found = {t.path: t for t in table_tasks(view, table, year=year).tasks}
    names = {p: [s.agency.name for s in t.lead] for p, t in found.items()}
    assert names == {
        "1": ["Chi cục Phát triển nông thôn"],
        "2": ["Chi cục Phát triển nông thôn"],
        "3": ["Thanh tra Sở", "Văn phòng Sở"],
        "4": ["Chi cục Trồng trọt và Bảo vệ thực vật"],
    }
    assert [s.agency.name for s in found["2"].coordinating] == ["Trung tâm Khuyến nông"]
    ends = {p: t.deadline.end and str(t.deadline.end) for p, t in found.items()}
    assert ends == {"1": "2023-03-31", "2": "2023-10-31", "3": "2023-12-31", "4": None}
    assert found["4"].deadline.recurrence == "monthly"


def test_thanh_tra_is_an_inspectorate_only_with_a_capital_after_it() -> None:
    from policykg.graph.agencies import split_agencies

    def names(text: str) -> list[str]:
        return [a.agency.name for a in split_agencies(text)]

    assert names("Thanh tra Sở chủ trì") == ["Thanh tra Sở"]
    assert names("Thanh tra Bộ phối hợp") == ["Thanh tra Bộ"]
    assert names("Thanh tra tỉnh") == ["Thanh tra tỉnh"]
    assert names("Thanh tra việc thực hiện chính sách") == []
    assert names("Thanh tra, kiểm tra các hợp tác xã") == []


def test_collectives_read_since_session_16() -> None:
    from policykg.graph.agencies import split_agencies

    def names(text: str) -> list[str]:
        return [a.agency.name for a in split_agencies(text)]

    assert names("Các Chi cục, Trung tâm thuộc Sở") == ["Các phòng, đơn vị thuộc Sở"]
    assert names("Các tổ dân phố, buôn") == ["Các thôn, tổ dân phố"]
    assert names("Các đảng ủy trực thuộc Tỉnh ủy, các cấp ủy cơ sở quán triệt") == [
        "Các đảng ủy trực thuộc Tỉnh ủy",
        "Các cấp ủy cơ sở",
    ]
    assert names("Cổng Thông tin điện tử tỉnh đăng tải") == ["Cổng Thông tin điện tử tỉnh"]


def test_a_task_that_recurs_and_has_a_dated_deadline_keeps_both() -> None:
    found = _tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Các sở, ban, ngành hoàn thành trước 15/12/2025; báo cáo kết quả về Sở Tài chính "
        "trước ngày 10 tháng 6 và ngày 10 tháng 12 hằng năm.\n"
        "2. Các sở, ban, ngành báo cáo trước ngày 20 hằng tháng (báo cáo nhanh) và trước ngày "
        "10/12/2023 (báo cáo năm).\n"
        "3. Sở Tài chính bố trí kinh phí hằng năm.\n"
    )
    one, two, three = (found[p].deadline for p in ("IV.1", "IV.2", "IV.3"))
    assert (str(one.end), one.recurrence) == ("2025-12-15", "every-6-months")
    assert (str(two.end), two.recurrence) == ("2023-12-10", "monthly")
    assert (three.end, three.recurrence) == (None, "annual")


def test_a_section_that_reviews_what_was_done_holds_no_tasks() -> None:
    found = _tasks(
        "I. KẾT QUẢ THỰC HIỆN\n1. Sở Kế hoạch và Đầu tư đã chủ trì tổ chức 05 hội nghị.\n"
        "II. NỘI DUNG\n1. Sở Tài chính chủ trì bố trí kinh phí hằng năm.\n"
    )
    assert sorted(found) == ["II.1"]
