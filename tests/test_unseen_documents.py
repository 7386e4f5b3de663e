"""Documents of plans the rules were not written against: what a careful reader would say
each one is (its key, type, issuer, title and what it implements)."""

from __future__ import annotations

from datetime import date

import pytest

from policykg.graph.citations import find_mentions, places_in
from policykg.graph.store import open_store
from policykg.graph.textview import make_view
from policykg.queries import api, audit

WRAPPED_TITLE = (
    "Thực hiện Nghị quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương Đảng khóa "
    "XIII về tiếp tục đổi mới, phát triển và nâng cao hiệu quả kinh tế tập thể trong giai "
    "đoạn mới"
)


@pytest.mark.parametrize("key", ["bac-ninh:210/KH-UBND", "thai-nguyen:88/KH-UBND"])
def test_a_title_wrapped_over_lines_is_read_whole(mixed_docs, key: str) -> None:
    assert mixed_docs[key]["title"] == WRAPPED_TITLE


def test_an_organ_wrapped_over_two_lines_is_the_issuer() -> None:
    text = "Thực hiện Nghị quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành\nTrung ương Đảng"
    (m,) = find_mentions(make_view(text))
    assert m.issuer_name == "Ban Chấp hành Trung ương Đảng"
    assert text[m.start : m.end].endswith("Trung ương Đảng")


def test_a_cited_title_wrapped_over_lines_is_read_whole(mixed_docs) -> None:
    title = mixed_docs["20-NQ/TW"]["title"]
    assert title.endswith("hiệu quả kinh tế tập thể trong giai đoạn mới"), title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Thực hiện Kết luận số 70-KL/TW ngày 09/3/2020 của Bộ Chính trị về tiếp tục\n"
            "  thực hiện Nghị quyết Trung ương 5 khóa IX\nI. MỤC ĐÍCH",
            "về tiếp tục thực hiện Nghị quyết Trung ương 5 khóa IX",
        ),
        (  # the next line is an item of its own: the title ends at the line's end
            "Căn cứ Quyết định số 12/QĐ-UBND ngày 02/01/2023 của UBND tỉnh về hợp tác xã kiểu mới\n"
            "- Sở Tài chính chủ trì",
            "về hợp tác xã kiểu mới",
        ),
    ],
)
def test_a_cited_title_goes_on_only_on_a_lower_case_line(text: str, title: str) -> None:
    assert find_mentions(make_view(text))[0].title == title


def test_a_party_programme_numbered_without_a_colon(mixed_docs) -> None:
    doc = mixed_docs["quang-binh:25-CTr/TU"]
    assert (doc["type"], doc["issuer"], doc["in_corpus"]) == ("CTr", "Tỉnh ủy", True)
    assert [d["key"] for d in doc["implements"]] == ["20-NQ/TW"]
    assert not [k for k in mixed_docs if k.startswith("quang-binh:CTr-")]


def test_a_plan_issued_by_a_decision_implements_what_the_decision_implements(mixed_docs) -> None:
    plan = mixed_docs["456/QĐ-BKHĐT/KH"]
    assert [d["key"] for d in plan["implements"]] == ["09/NQ-CP"]
    assert plan["title"] is None  # "KẾ HOẠCH HÀNH ĐỘNG" is the type, not a title


def test_a_letter_is_titled_by_its_subject_line(mixed_docs) -> None:
    letter = mixed_docs["long-an:1520/UBND-KT"]
    assert letter["type"] == "CV"
    assert letter["title"] == (
        "triển khai thực hiện Nghị quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung "
        "ương Đảng"
    )  # the "V/v" line, not the place and date line after it
    notice = mixed_docs["long-an:215/TB-UBND"]
    assert [d["key"] for d in notice["implements"]] == ["long-an:1520/UBND-KT"]


@pytest.mark.parametrize(
    ("key", "implements", "replaces"),
    [
        # "Thực hiện Chương trình … 52-CTr/TU … về thực hiện" / "Nghị quyết số 20-NQ/TW": the
        # programme implements 20-NQ/TW, not the plan (the line was wrapped)
        ("tien-giang:145/KH-UBND", ["tien-giang:52-CTr/TU"], ["tien-giang:98/KH-UBND"]),
        ("tien-giang:52-CTr/TU", ["20-NQ/TW"], []),
        # "Thực hiện Quyết định số" / "1318/QĐ-TTg …; Nghị định số 45/2021/NĐ-CP …; Kế hoạch …"
        (
            "nghe-an:387/KH-UBND",
            ["1318/QĐ-TTg", "45/2021/NĐ-CP", "nghe-an:33-KH/TU"],
            ["nghe-an:512/KH-UBND", "nghe-an:77/KH-UBND"],
        ),
        ("lam-dong:1720/KH-UBND", ["70-KL/TW", "lam-dong:05-NQ/TU"], []),
        # "Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 2219/QĐ-NHNN"
        ("512/QĐ-NHNN", ["09/NQ-CP"], ["2219/QĐ-NHNN"]),
        ("7865/KH-BNN-KTHT", ["134/NQ-CP"], []),  # the unit after the issuer is kept
        # "… Tỉnh ủy Phú" / "Thọ (trước sắp xếp), … Tỉnh ủy Vĩnh" / "Phúc và …": each in its
        # own (former) province, and the remark in brackets does not end the list
        (
            "phu-tho:45-KH/TU",
            ["20-NQ/TW", "70-KL/TW"],
            ["hoa-binh:140-KH/TU", "phu-tho:52-CTr/TU", "vinh-phuc:28-CTr/TU"],
        ),
        # "Nghị quyết này thay thế các Nghị quyết sau:" then "a) …; b) …; c) …"
        (
            "ninh-binh:18/2025/NQ-HĐND",
            ["ninh-binh:15-CTr/TU"],
            ["ha-nam:35/2021/NQ-HĐND", "nam-dinh:12/2022/NQ-HĐND", "ninh-binh:54/2023/NQ-HĐND"],
        ),
        (
            "quang-ngai:312/KH-UBND",
            ["09/NQ-CP", "quang-ngai:05-CTr/TU"],
            # 88/KH-UBND of 2024, not the 88/KH-UBND of 2023 in the set (session 18's text)
            ["kon-tum:145/KH-UBND", "quang-ngai:88/KH-UBND@2024"],
        ),
        # a header laid out as a table (pandoc): the district's plan; "của Huyện ủy Củ Chi"
        (
            "ho-chi-minh/huyen-cu-chi:112/KH-UBND",
            ["ho-chi-minh/huyen-cu-chi:35-CTr/HU", "ho-chi-minh:1245/KH-UBND"],
            [],
        ),
    ],
)
def test_relations_of_wrapped_and_central_texts(
    mixed_docs, key: str, implements: list[str], replaces: list[str]
) -> None:
    doc = mixed_docs[key]
    assert [d["key"] for d in doc["implements"]] == implements
    assert [d["key"] for d in doc["replaces"]] == replaces


def test_laws_named_with_capitalised_stop_words(mixed_docs) -> None:
    based_on = [d["key"] for d in mixed_docs["512/QĐ-NHNN"]["based_on"]]
    assert "Luật Ngân hàng Nhà nước Việt Nam 2010" in based_on
    assert "Luật Các tổ chức tín dụng 2024" in based_on


def test_a_law_of_2025_does_not_replace_itself(mixed_build) -> None:
    """The text cites the June 2025 local-government law (72/2025/QH15); the registry knows
    that it replaced the February one of the same name and year (65/2025/QH15)."""
    from datetime import date

    from policykg.graph.store import open_store
    from policykg.queries.audit import audit

    found = [
        f
        for f in audit(open_store(mixed_build.out_dir), as_of=date(2026, 1, 1))
        if f.kind == "superseded-basis"
    ]
    assert not [
        f for f in found if "rests on Luật Tổ chức chính quyền địa phương 2025" in f.message
    ]
    # the laws the 2025 ones replaced are still found replaced
    assert [f for f in found if "(65/2025/QH15)" in f.message]


@pytest.mark.parametrize(
    ("text", "laws"),
    [
        (  # a comma inside the name: lower-case words run on to the law's number
            "Căn cứ Luật Khoa học, công nghệ và đổi mới sáng tạo số 93/2025/QH15 ngày 27 tháng 6"
            " năm 2025;",
            ["Luật Khoa học, công nghệ và đổi mới sáng tạo 2025"],
        ),
        (  # a comma between two laws, or before other texts, ends the name
            "Căn cứ Luật Hợp tác xã, Luật Doanh nghiệp năm 2020 và các văn bản hướng dẫn;",
            ["Luật Hợp tác xã", "Luật Doanh nghiệp 2020"],
        ),
    ],
)
def test_a_laws_name_with_a_comma(text: str, laws: list[str]) -> None:
    assert [m.ref.canonical for m in find_mentions(make_view(text))] == laws


def test_a_directives_numbered_instructions_are_not_its_preamble(mixed_docs) -> None:
    # "1. Sở Nội vụ: … thực hiện chính sách … theo Nghị định số 113/2024/NĐ-CP" is a task's
    # reference, not what the directive implements
    implements = {d["key"] for d in mixed_docs["ha-tinh:12/CT-UBND"]["implements"]}
    assert "56-KL/TW" in implements and "134/NQ-CP" in implements
    assert not implements & {"92/2024/NĐ-CP", "113/2024/NĐ-CP"}


def test_a_passive_amendment_acts_on_a_text_of_its_own_system(mixed_docs) -> None:
    """ "Nghị quyết số 03/NQ-CP … thực hiện Nghị quyết số 57-NQ/TW (được sửa đổi, bổ sung tại
    Nghị quyết số 71/NQ-CP …)": a Government resolution never amends a Politburo one."""
    assert [d["key"] for d in mixed_docs["71/NQ-CP"]["amends"]] == ["03/NQ-CP"]


def test_the_plan_that_amends_and_replaces_is_the_texts_own(mixed_docs) -> None:
    """ "Xét đề nghị … tại Văn bản số 315/SKHĐT-DNKTTT …, Ủy ban nhân dân tỉnh ban hành Kế
    hoạch sửa đổi, bổ sung Kế hoạch số 112/KH-UBND … và thay thế Kế hoạch số 203/KH-UBND"."""
    plan = mixed_docs["vinh-phuc:47/KH-UBND"]
    assert [d["key"] for d in plan["amends"]] == ["vinh-phuc:112/KH-UBND"]
    assert [d["key"] for d in plan["replaces"]] == ["vinh-phuc:203/KH-UBND"]
    assert not mixed_docs["vinh-phuc:112/KH-UBND"]["replaces"]
    assert not mixed_docs["vinh-phuc:315/SKHĐT-DNKTTT"]["amends"]


@pytest.mark.parametrize(
    ("key", "issuer"),
    [
        ("soc-trang:123/KH-SNN", "Sở Nông nghiệp và Phát triển nông thôn"),  # two header lines
        # "Tham mưu UBND tỉnh ban hành Kế hoạch …" in its table is no issuer sentence
        ("hai-duong:35/KH-SNN", "Sở Nông nghiệp và Phát triển nông thôn"),
    ],
)
def test_a_departments_plan_is_the_departments(mixed_docs, key: str, issuer: str) -> None:
    assert mixed_docs[key]["issuer"] == issuer


def test_two_districts_offices_are_two_agencies_that_end_with_the_district_level(
    mixed_build,
) -> None:
    """Đông Anh's and Gia Lâm's plans (2022) both give tasks to their "Phòng Kinh tế": two
    bodies of Hà Nội, each named with its district, each ended on 2025-07-01 with the
    district level."""
    store = open_store(mixed_build.out_dir)
    found = {a["name"]: a for a in api.agencies(store) if a["name"].startswith("Phòng Kinh tế")}
    donganh, gialam = found["Phòng Kinh tế huyện Đông Anh"], found["Phòng Kinh tế huyện Gia Lâm"]
    assert donganh["iri"] != gialam["iri"]
    assert donganh["jurisdiction"] == gialam["jurisdiction"] == "Hà Nội"
    assert "Phòng Kinh tế huyện" not in found  # no body of the whole province
    ended = {
        f.subject["label"].split("#")[0]
        for f in audit.audit(store, as_of=date(2026, 1, 1))
        if f.kind == "agency-defunct" and "Phòng Kinh tế huyện" in f.message
    }
    assert {"ha-noi/huyen-dong-anh:45/KH-UBND", "ha-noi/huyen-gia-lam:45/KH-UBND"} <= ended


@pytest.mark.parametrize(
    ("key", "place", "issuer"),
    [
        (  # "UBND TỈNH BÌNH DƯƠNG" / "BAN CHỈ ĐẠO ĐỔI MỚI, PHÁT TRIỂN" / "KINH TẾ TẬP THỂ TỈNH"
            "binh-duong:05/KH-BCĐ",
            "Bình Dương",
            "Ban Chỉ đạo đổi mới, phát triển kinh tế tập thể",
        ),
        # "BẢO HIỂM XÃ HỘI VIỆT NAM" / "BẢO HIỂM XÃ HỘI TỈNH NINH THUẬN"
        ("ninh-thuan:215/KH-BHXH", "Ninh Thuận", "Bảo hiểm xã hội tỉnh"),
    ],
)
def test_a_steering_committees_or_insurance_offices_own_plan_is_its_provinces(
    mixed_docs, key: str, place: str, issuer: str
) -> None:
    assert mixed_docs[key]["jurisdiction"] == place
    assert mixed_docs[key]["issuer"] == issuer
    assert mixed_docs["512/KH-BHXH"]["jurisdiction"] == "Việt Nam"  # "của BHXH Việt Nam"


def test_a_departments_divisions_are_its_own_and_outlive_the_district_level(mixed_build) -> None:
    """Thanh Hóa's Sở Tài chính plan (2025) gives tasks to "Phòng Quản lý ngân sách" and its
    other divisions: bodies of the department (named with it), not district offices, so the
    end of the district level on 2025-07-01 ends none of them."""
    store = open_store(mixed_build.out_dir)
    names = {a["name"] for a in api.agencies(store)}
    assert "Phòng Quản lý ngân sách Sở Tài chính" in names
    assert "Phòng Quản lý ngân sách" not in names
    defunct = [
        f.message
        for f in audit.audit(store, as_of=date(2026, 1, 1))
        if f.kind == "agency-defunct" and f.subject["label"].startswith("thanh-hoa:2145/KH-STC")
    ]
    assert defunct and not [m for m in defunct if "Phòng" in m.split(" no longer")[0]]


def test_a_joint_plans_number_and_its_co_issuer_as_partner(mixed_docs, mixed_tasks) -> None:
    """ "Số: 12/KHPH-MTTQ-SNV": a joint plan (kế hoạch phối hợp) of the Front's committee and
    the Sở Nội vụ; each co-issuer coordinates the other's tasks."""
    plan = mixed_docs["binh-dinh:12/KHPH-MTTQ-SNV"]
    assert plan["number"] == "12/KHPH-MTTQ-SNV" and not plan["unnumbered"]
    task = mixed_tasks["binh-dinh:12/KHPH-MTTQ-SNV#II.1.a"]
    assert [a["name"] for a in task["lead"]] == ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]
    assert [a["name"] for a in task["coordinating"]] == ["Sở Nội vụ"]


def test_a_running_page_header_is_no_text(mixed_docs, mixed_tasks) -> None:
    """Can Lộc's plan as a PDF gives its text: "Kế hoạch số 126/KH-UBND ngày 18/5/2023 của
    UBND huyện Can Lộc" over each "Trang n/6" is no task and cites no other document."""
    keys = {t.split("#")[0] for t in mixed_tasks} | set(mixed_docs)
    assert not [k for k in keys if k.startswith("ha-tinh/huyen-can-loc-")]
    assert "ha-tinh/huyen-can-loc:126/KH-UBND#III.1.b.p1" not in mixed_tasks


def test_a_laws_name_goes_on_over_co_so() -> None:
    """ "cơ sở" (the grassroots) is no "số" (number) and "cơ" no "có" (has)."""
    text = "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10 tháng 11 năm 2022;"
    assert [m.ref.canonical for m in find_mentions(make_view(text))] == [
        "Luật Thực hiện dân chủ ở cơ sở 2022"
    ]


def test_a_district_is_placed_by_its_province_not_by_a_commune_like_a_province(
    mixed_docs,
) -> None:
    """Hải Hậu's decision names no province in its header; the text cites "UBND tỉnh Nam
    Định" once and a commune "xã Hải Đường" once, which folds like "Hải Dương"."""
    assert mixed_docs["nam-dinh/huyen-hai-hau:2150/QĐ-UBND"]["jurisdiction"] == "Nam Định"
    text = "sản xuất lúa tại xã Hải Đường, tại Hải Đường; của UBND tỉnh Nam Định"
    view = make_view(text)
    assert places_in(view, 0, len(view.fold)) == ["nam-dinh"]
