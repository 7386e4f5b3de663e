"""Districts' documents: placed in their district, so that numbers reused by districts and
their city do not collide (the unseen plans of Đông Anh, Gia Lâm and Hà Nội, all 45/KH-UBND
of 2022, and a report citing two of them)."""

from __future__ import annotations

import pytest

from policykg.graph.citations import find_mentions
from policykg.graph.documents import district_in_header, lines_of
from policykg.graph.registry import load_registry
from policykg.graph.resolve import district_place
from policykg.graph.textview import make_view

DONG_ANH, GIA_LAM, CITY = (
    "ha-noi/huyen-dong-anh:45/KH-UBND",
    "ha-noi/huyen-gia-lam:45/KH-UBND",
    "ha-noi:45/KH-UBND",
)


def test_three_plans_of_one_number_and_year_are_three_documents(mixed_build, mixed_docs) -> None:
    assert {DONG_ANH, GIA_LAM, CITY} <= set(mixed_docs)
    assert not [r for r in mixed_build.refused if "45/KH-UBND" in r.reason]
    assert mixed_docs[DONG_ANH]["issuer"] == "Ủy ban nhân dân huyện Đông Anh"
    assert mixed_docs[GIA_LAM]["issuer"] == "Ủy ban nhân dân huyện Gia Lâm"
    assert mixed_docs[CITY]["issuer"] == "Ủy ban nhân dân"
    assert mixed_docs[DONG_ANH]["iri"].endswith("/doc/ha-noi/huyen-dong-anh/kh-ubnd/2022/45")


def test_a_citation_of_a_districts_plan_reaches_it(mixed_docs) -> None:
    report = next(d for d in mixed_docs.values() if d["key"] == "ha-noi:60/BC-UBND")
    cited = {c["key"] for c in report["implements"]}
    assert cited == {DONG_ANH, CITY}


def test_a_district_text_naming_no_province_and_citing_its_own_plan(mixed_docs) -> None:
    # Đông Anh's 80/KH-UBND names no province (the other Đông Anh text places the district in
    # Hà Nội) and cites "Kế hoạch số 45/KH-UBND … của UBND huyện": its own district's plan
    later = mixed_docs["ha-noi/huyen-dong-anh:80/KH-UBND"]
    assert later["issuer"] == "Ủy ban nhân dân huyện Đông Anh"
    assert DONG_ANH in {c["key"] for c in later["cites"]}
    assert not [k for k in mixed_docs if k.startswith("vn/")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (("ỦY BAN NHÂN DÂN", "QUẬN 3"), ("Quận 3", "Ủy ban nhân dân quận 3")),
        (("UBND THỊ XÃ SƠN TÂY",), ("Thị xã Sơn Tây", "Ủy ban nhân dân thị xã Sơn Tây")),
        (("ĐẢNG BỘ HUYỆN CỦ CHI", "HUYỆN ỦY"), ("Huyện Củ Chi", "Huyện ủy Củ Chi")),
        (
            ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ THỦ ĐỨC"),
            ("Thành phố Thủ Đức", "Ủy ban nhân dân thành phố Thủ Đức"),
        ),
        # communes and wards (the only level under a province since 1 July 2025)
        (
            ("ỦY BAN NHÂN DÂN", "PHƯỜNG CAM ĐƯỜNG"),
            ("Phường Cam Đường", "Ủy ban nhân dân phường Cam Đường"),
        ),
        (("UBND XÃ BẢO THẮNG",), ("Xã Bảo Thắng", "Ủy ban nhân dân xã Bảo Thắng")),
        (
            ("ĐẢNG BỘ TỈNH LÀO CAI", "ĐẢNG ỦY XÃ BẢO THẮNG"),
            ("Xã Bảo Thắng", "Đảng ủy xã Bảo Thắng"),
        ),
        (
            ("ỦY BAN NHÂN DÂN", "ĐẶC KHU PHÚ QUỐC"),
            ("Đặc khu Phú Quốc", "Ủy ban nhân dân đặc khu Phú Quốc"),
        ),
        (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ CẦN THƠ"), None),
        (("ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"), None),
        (("ĐẢNG BỘ TỈNH QUẢNG BÌNH", "TỈNH ỦY"), None),
        (("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "QUẬN 3"), None),
    ],
)
def test_district_in_header(header: tuple[str, ...], expected) -> None:
    view = make_view("\n".join(header))
    assert district_in_header(load_registry(), lines_of(view)) == expected


def test_a_cited_district_and_its_province() -> None:
    text = "theo Kế hoạch số 45/KH-UBND của Ủy ban nhân dân quận 1, Thành phố Hồ Chí Minh."
    (m,) = find_mentions(make_view(text))
    assert (m.district, m.place) == ("Quận 1", "ho-chi-minh")
    assert district_place(m.place, m.district) == "ho-chi-minh/quan-1"
    (bare,) = find_mentions(make_view("theo Kế hoạch số 45/KH-UBND của UBND huyện về việc"))
    assert bare.district is None  # no name: not a district's document


def test_a_district_party_committee_named_with_its_level_places_its_document() -> None:
    from policykg.graph.citations import find_mentions
    from policykg.graph.textview import make_view

    text = "Thực hiện Chương trình số 35-CTr/HU ngày 10/3/2023 của Huyện ủy Củ Chi về việc"
    (m,) = find_mentions(make_view(text))
    assert (m.issuer_name, m.district) == ("Huyện ủy", "Huyện Củ Chi")


def test_a_communes_documents_are_placed_in_the_commune() -> None:
    from policykg.graph.citations import find_mentions
    from policykg.graph.textview import make_view

    text = (
        "Căn cứ Kế hoạch số 07-KH/ĐU ngày 05/8/2025 của Ban Thường vụ Đảng ủy phường Cam Đường;"
        " Kế hoạch số 38/KH-UBND ngày 20/8/2025 của Ủy ban nhân dân xã Bảo Thắng, tỉnh Lào Cai"
    )
    party, state = find_mentions(make_view(text))
    assert (party.issuer_name, party.district) == ("Đảng ủy", "Phường Cam Đường")
    assert (state.district, state.place) == ("Xã Bảo Thắng", "lao-cai")
    assert district_place(state.place, state.district) == "lao-cai/xa-bao-thang"
