"""Relations between documents stated in a text: who implements, is based on or replaces what."""

from __future__ import annotations

import pytest

from policykg.graph.citations import find_mentions
from policykg.graph.relations import find_relations
from policykg.graph.textview import make_view

#: Filler lines of a text hard-wrapped at 60 characters (what makes the text "wrapped").
WRAPPED_FILLER = "\n".join(
    ["Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện với các nội", "dung cụ thể như sau:"] * 5
)


def _relations(text: str, preamble: bool = True) -> list[tuple[str, str, str]]:
    view = make_view(text)
    found = find_relations(view, find_mentions(view), preamble=(0, len(text) if preamble else 0))
    return [
        (r.subject.ref.canonical if r.subject else "this", r.predicate, r.object.ref.canonical)
        for r in found
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # "Thực hiện A; B; C": the text implements all three
            "Thực hiện Quyết định số 1318/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ; "
            "Nghị định số 45/2021/NĐ-CP ngày 31/3/2021 của Chính phủ; Kế hoạch số 33-KH/TU "
            "ngày 14/02/2022 của Tỉnh ủy.",
            [
                ("this", "implements", "1318/QĐ-TTg"),
                ("this", "implements", "45/2021/NĐ-CP"),
                ("this", "implements", "33-KH/TU"),
            ],
        ),
        (  # after ";" something else than a document: the list has ended
            "Căn cứ Luật Hợp tác xã ngày 20 tháng 11 năm 2012; Theo đề nghị của Sở Kế hoạch "
            "và Đầu tư tại Tờ trình số 12/TTr-SKHĐT ngày 02/3/2024.",
            [("this", "basedOn", "Luật Hợp tác xã 2012")],
        ),
        (  # a mention cut by a line break is still one clause
            "Thực hiện Quyết định số\n1318/QĐ-TTg ngày 22 tháng 7\nnăm 2021 của Thủ tướng Chính "
            "phủ; Nghị định số 45/2021/NĐ-CP ngày 31/3/2021 của Chính phủ;",
            [("this", "implements", "1318/QĐ-TTg"), ("this", "implements", "45/2021/NĐ-CP")],
        ),
        (  # a sentence going on in lower case on the next line
            "Căn cứ Nghị quyết số 09/NQ-CP ngày 02/02/2023 của Chính phủ ban hành Chương trình\n"
            "của Chính phủ thực hiện Nghị quyết số 20-NQ/TW ngày 16/6/2022;",
            [("this", "basedOn", "09/NQ-CP"), ("09/NQ-CP", "implements", "20-NQ/TW")],
        ),
        (  # a short name in brackets is the mention's own: the list goes on after it
            "Thực hiện Nghị quyết số 318/NQ-CP ngày 10/10/2025 của Chính phủ về phát triển "
            "kinh tế tập thể (sau đây gọi tắt là Nghị quyết số 318/NQ-CP) và Công văn số "
            "16245/BTC-PTDN ngày 20/10/2025 của Bộ Tài chính về việc báo cáo, Chủ tịch Ủy ban "
            "nhân dân tỉnh có ý kiến như sau:",
            [("this", "implements", "318/NQ-CP"), ("this", "implements", "16245/BTC-PTDN")],
        ),
        (  # a passive amendment: the document after it amends the one before
            "Căn cứ Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ (được sửa đổi, bổ sung"
            " tại Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ);",
            [("this", "basedOn", "03/NQ-CP"), ("71/NQ-CP", "amends", "03/NQ-CP")],
        ),
        (
            "Căn cứ Luật Hợp tác xã ngày 20 tháng 11 năm 2012 đã được thay thế bởi Luật Hợp tác"
            " xã năm 2023;",
            [
                ("this", "basedOn", "Luật Hợp tác xã 2012"),
                ("Luật Hợp tác xã 2023", "replaces", "Luật Hợp tác xã 2012"),
            ],
        ),
        (  # "05 năm thực hiện X" in a cited title: the document named before does not act
            "Thực hiện Kết luận số 56-KL/TW ngày 21/02/2013 của Bộ Chính trị về đẩy mạnh thực hiện"
            " Nghị quyết số 13-NQ/TW ngày 18/3/2002 và 05 năm thực hiện Kết luận số 70-KL/TW"
            " ngày 09/3/2020 của Bộ Chính trị, Ủy ban nhân dân tỉnh ban hành Chỉ thị:",
            [
                ("this", "implements", "56-KL/TW"),
                ("56-KL/TW", "implements", "13-NQ/TW"),
                ("this", "implements", "70-KL/TW"),
            ],
        ),
    ],
)
def test_relations_of_a_preamble(text: str, expected: list) -> None:
    assert _relations(text) == expected


def test_a_relation_across_a_line_a_converter_wrapped() -> None:
    # the next line starts with a capital, but "Nghị" would not have fitted on the line
    text = WRAPPED_FILLER + (
        "\n\nThực hiện Chương trình số 52-CTr/TU ngày 25/10/2022 về thực hiện\n"
        "Nghị quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành\nTrung ương Đảng;"
    )
    found = _relations(text)
    assert ("52-CTr/TU", "implements", "20-NQ/TW") in found
    assert ("this", "implements", "20-NQ/TW") not in found


def test_a_replacement_stated_after_the_entry_into_force() -> None:
    text = (
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số "
        "2219/QĐ-NHNN ngày 01/02/2020 của Thống đốc Ngân hàng Nhà nước."
    )
    assert _relations(text, preamble=False) == [("this", "replaces", "2219/QĐ-NHNN")]
    other = (
        "Quyết định này có hiệu lực kể từ ngày ký. Sở Tài chính thay thế Quyết định số 12/QĐ-UBND."
    )
    assert _relations(other, preamble=False) == []


def test_a_list_of_replaced_texts_after_a_colon_or_with_remarks() -> None:
    lettered = (
        "Điều 4. Hiệu lực thi hành\n2. Nghị quyết này thay thế các Nghị quyết sau:\n"
        "a) Nghị quyết số 12/2022/NQ-HĐND ngày 14 tháng 7 năm 2022 của Hội đồng nhân dân tỉnh"
        " Nam Định;\nb) Nghị quyết số 35/2021/NQ-HĐND ngày 10 tháng 12 năm 2021 của Hội đồng"
        " nhân dân tỉnh Hà Nam.\n3. Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết số "
        "09/NQ-CP."
    )
    assert _relations(lettered, preamble=False) == [
        ("this", "replaces", "12/2022/NQ-HĐND"),
        ("this", "replaces", "35/2021/NQ-HĐND"),
    ]
    remarks = (
        "Kế hoạch này thay thế Chương trình số 52-CTr/TU ngày 25/10/2022 của Tỉnh ủy Phú Thọ "
        "(trước sắp xếp), Chương trình số 28-CTr/TU ngày 10/10/2022 của Tỉnh ủy Vĩnh Phúc."
    )
    assert _relations(remarks, preamble=False) == [
        ("this", "replaces", "52-CTr/TU"),
        ("this", "replaces", "28-CTr/TU"),
    ]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (  # the citing sentence's own clause is no part of the cited title
            "Thực hiện Công văn số 16245/BTC-PTDN ngày 20/10/2025 của Bộ Tài chính về việc báo"
            " cáo tình hình kinh tế tập thể năm 2025, Chủ tịch Ủy ban nhân dân tỉnh có ý kiến:",
            "về việc báo cáo tình hình kinh tế tập thể năm 2025",
        ),
        (  # "số" ends a title that is not cut at a mention ("chuyển đổi số")
            "Thực hiện Kế hoạch số 12/KH-UBND ngày 02/3/2024 của UBND tỉnh về hỗ trợ hợp tác xã"
            " chuyển đổi số, Sở Thông tin và Truyền thông ban hành Kế hoạch như sau:",
            "về hỗ trợ hợp tác xã chuyển đổi số",
        ),
        (
            "Thực hiện Nghị quyết số 134/NQ-CP ngày 25/9/2020 của Chính phủ về đẩy mạnh kinh tế "
            "tập thể (sau đây viết tắt là Nghị quyết 134), Ủy ban nhân dân tỉnh ban hành:",
            "về đẩy mạnh kinh tế tập thể",
        ),
    ],
)
def test_the_title_of_a_cited_document_ends_with_it(text: str, title: str) -> None:
    (first, *_) = find_mentions(make_view(text))
    assert first.title == title
