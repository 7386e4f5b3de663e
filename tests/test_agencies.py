"""Agencies: golden cases (corpus and other provinces), the curated table, and properties.

The golden cases are ``tests/golden/agencies/cases.json``: every lead and coordinating cell of
the corpus appendices, every agency heading, every running-text line that names an agency
(with its roles, or none), the distinct agency phrases among them, and invented cases in the
style of other provinces. A case with a ``gap`` states a known limit: it is expected to fail.
"""

from __future__ import annotations

import json
import time
import unicodedata
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.graph import agencies
from policykg.graph.agencies import (
    AgencyName,
    AgencySpan,
    Roles,
    agencies_cover,
    agency_heading,
    is_agency_heading,
    normalize_agency,
    roles_in_sentence,
    split_agencies,
)
from policykg.graph.registry.agency_table import (
    KINDS,
    REQUESTABLE_KINDS,
    AgencyTableError,
    load_agency_table,
    parse_agency_table,
)
from policykg.graph.textview import make_view

GOLDEN = Path(__file__).parent / "golden" / "agencies" / "cases.json"
CASES: dict = json.loads(GOLDEN.read_text("utf-8"))
ROLES = ("lead", "coordinating", "requested")


def _params(kind: str) -> list:
    return [
        pytest.param(
            case,
            id=f"{kind}-{i}",
            marks=[pytest.mark.xfail(strict=True, reason=case["gap"])] if "gap" in case else [],
        )
        for i, case in enumerate(CASES[kind])
    ]


def _agency(a: AgencyName | None) -> dict | None:
    if a is None:
        return None
    return {
        "name": a.name,
        "key": a.key,
        "kind": a.kind,
        "collective": a.collective,
        "central": a.central,
        "level": a.level,
        "requestable": a.requestable,
    }


def _split(text: str) -> list[dict]:
    return [
        {
            "span": text[s.start : s.end],
            "name": s.agency.name,
            "key": s.agency.key,
            "kind": s.agency.kind,
            "collective": s.agency.collective,
        }
        for s in split_agencies(text)
    ]


def _named(text: str, spans: list[AgencySpan]) -> list[dict]:
    return [{"span": text[s.start : s.end], "name": s.agency.name} for s in spans]


def _roles(text: str) -> dict:
    r = roles_in_sentence(text)
    return {role: _named(text, getattr(r, role)) for role in ROLES}


# --------------------------------------------------------------------------- golden


@pytest.mark.parametrize("case", _params("normalize"))
def test_golden_normalize(case: dict) -> None:
    assert _agency(normalize_agency(case["text"])) == case["expected"]


@pytest.mark.parametrize("case", _params("split"))
def test_golden_split(case: dict) -> None:
    assert _split(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _params("headings"))
def test_golden_headings(case: dict) -> None:
    assert _named(case["text"], agency_heading(case["text"])) == case["expected"]


@pytest.mark.parametrize("case", _params("roles"))
def test_golden_roles(case: dict) -> None:
    assert _roles(case["text"]) == {role: case[role] for role in ROLES}


def test_golden_set_covers_the_corpus_and_other_provinces() -> None:
    sources = [
        c["source"] for kind in ("normalize", "split", "headings", "roles") for c in CASES[kind]
    ]
    for name in (
        "haiphong-2018-kh435-ubnd.txt",
        "hanoi-kh-thuc-hien-ctr24-tu.txt",
        "hcm-2008-kh-thuc-hien-ct07-tu.txt",
        "hcm-2021-qd3064-ubnd.txt",
    ):
        assert any(name in s for s in sources), name
    invented = sum(s.startswith("invented") for s in sources)
    assert invented >= 100
    negatives = sum(c["expected"] is None for c in CASES["normalize"])
    assert negatives >= 20


def test_golden_accuracy() -> None:
    """Exact-match accuracy over every golden case, known gaps included."""
    right = total = 0
    for case in CASES["normalize"]:
        right += _agency(normalize_agency(case["text"])) == case["expected"]
    for case in CASES["split"]:
        right += _split(case["text"]) == case["expected"]
    for case in CASES["headings"]:
        right += _named(case["text"], agency_heading(case["text"])) == case["expected"]
    for case in CASES["roles"]:
        right += _roles(case["text"]) == {role: case[role] for role in ROLES}
    total = sum(len(CASES[k]) for k in ("normalize", "split", "headings", "roles"))
    gaps = sum("gap" in c for k in ("normalize", "split", "headings", "roles") for c in CASES[k])
    assert right == total - gaps, f"{right}/{total} right, {gaps} known gaps"


# --------------------------------------------------------------------------- identity


@pytest.mark.parametrize(
    ("variants", "name", "key"),
    [
        (
            ["SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SƠ KẾ HOẠCH VÀ ĐẦU TƯ", "Sở KH&ĐT", "sở kế hoạch và đầu tư"],
            "Sở Kế hoạch và Đầu tư",
            "so ke hoach va dau tu",
        ),
        (
            ["SỐ TÀI CHÍNH", "Sở Tài chính", "Sở Tài chính thành phố Hải Phòng"],
            "Sở Tài chính",
            "so tai chinh",
        ),
        (
            ["Sở Thông tin truyền thông", "Sở Thông tin và Truyền thông", "Sở TT&TT"],
            "Sở Thông tin và Truyền thông",
            "so thong tin va truyen thong",
        ),
        (
            ["Sở Tài nguyên Môi trường", "SỞ TÀI NGUYÊN MÔI TRƯỜNG", "Sở TN&MT"],
            "Sở Tài nguyên và Môi trường",
            "so tai nguyen va moi truong",
        ),
        (
            [
                "Sở Lao động - Thương binh và Xã hội",
                "Sở Lao động, Thương binh và Xã hội",
                "Sở Lao động - Thương Binh và Xã hội",
                "Sở LĐ-TB&XH",
            ],
            "Sở Lao động - Thương binh và Xã hội",
            "so lao dong - thuong binh va xa hoi",
        ),
        (
            [
                "Liên minh HTX Thành phố",
                "Liên minh Hợp tác xã thành phố",
                "Liên minh Hợp tác xã",
                "Liên minh hợp tác xã Thành phố",
            ],
            "Liên minh Hợp tác xã Thành phố",
            "lien minh hop tac xa",
        ),
        (
            [
                "Liên minh Hợp tác xã và Doanh nghiệp",
                "Liên minh HTX và DN",
                "LIÊN MINH HTX VÀ DN TP",
            ],
            "Liên minh Hợp tác xã và Doanh nghiệp Thành phố",
            "lien minh hop tac xa va doanh nghiep",
        ),
        (
            [
                "Ngân hàng Nhà nước Việt Nam chi nhánh Thành phố",
                "Ngân hàng nhà nước chi nhánh Thành phố",
                "Chi nhánh Ngân hàng Nhà nước Thành phố",
                "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM - CHI NHÁNH TP HẢI PHÒNG",
            ],
            "Ngân hàng Nhà nước Việt Nam chi nhánh Thành phố",
            "ngan hang nha nuoc viet nam chi nhanh",
        ),
        (
            [
                "Uỷ ban nhân dân các quận - huyện",
                "UBND các quận, huyện",
                "Ủy ban nhân dân các quận-huyện",
            ],
            "Ủy ban nhân dân các quận, huyện",
            "uy ban nhan dan cap huyen",
        ),
        (
            [
                "Mặt trận Tổ quốc",
                "MẶT TRẬN TỔ QUỐC THÀNH PHỐ",
                "Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
            ],
            "Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
            "uy ban mat tran to quoc viet nam",
        ),
    ],
)
def test_one_identity_across_spellings(variants: list[str], name: str, key: str) -> None:
    for text in [*variants, *(unicodedata.normalize("NFD", v) for v in variants)]:
        a = normalize_agency(text)
        assert a is not None, text
        assert (a.name, a.key) == (name, key), text


def test_collectives_share_one_key_per_set_of_bodies() -> None:
    district = [
        "UBND các quận, huyện",
        "Ủy ban nhân dân thành phố Thủ Đức và các quận, huyện",
        "UBND các huyện, thị xã, thành phố",
        "UBND cấp huyện",
    ]
    assert {normalize_agency(t).key for t in district} == {"uy ban nhan dan cap huyen"}
    departments = ["Các sở, ban, ngành", "Các Sở, ngành", "các sở ngành có liên quan", "Sở, ngành"]
    assert {normalize_agency(t).name for t in departments} == {"Các sở, ban, ngành"}


def test_city_and_province_forms() -> None:
    a = normalize_agency("Hội Liên hiệp Phụ nữ tỉnh")
    assert (a.name, a.name_in("city"), a.name_in("province")) == (
        "Hội Liên hiệp Phụ nữ tỉnh",
        "Hội Liên hiệp Phụ nữ Thành phố",
        "Hội Liên hiệp Phụ nữ tỉnh",
    )
    assert normalize_agency("Tỉnh ủy").key == normalize_agency("Thành ủy").key == "thanh uy"
    assert normalize_agency("Thành đoàn").name_in("province") == "Tỉnh đoàn"
    assert normalize_agency("Bộ Tài chính").name_in("province") == "Bộ Tài chính"


def test_request_only_bodies() -> None:
    requestable = [
        "Ban Tổ chức Thành ủy",
        "Mặt trận Tổ quốc",
        "Hội Nông dân Thành phố",
        "Thành đoàn",
        "Liên minh HTX Thành phố",
        "Bộ Kế hoạch và Đầu tư",
        "Liên minh Hợp tác xã Việt Nam",
        "Trung ương Hội Nông dân Việt Nam",
    ]
    assert all(normalize_agency(t).requestable for t in requestable)
    assignable = ["Sở Tư pháp", "UBND các quận, huyện", "Cục Thuế Thành phố", "Ban Chỉ đạo 09"]
    assert not any(normalize_agency(t).requestable for t in assignable)


def test_heading_helper_and_types() -> None:
    a = is_agency_heading("b) Sở Nông nghiệp và Phát triển nông thôn")
    assert isinstance(a, AgencyName) and a.kind == "department"
    assert is_agency_heading("IV. TỔ CHỨC THỰC HIỆN") is None
    with pytest.raises(FrozenInstanceError):
        a.name = "x"  # type: ignore[misc]
    r = roles_in_sentence("")
    assert isinstance(r, Roles) and (r.lead, r.coordinating, r.requested) == ([], [], [])


def test_spans_point_into_the_original_text() -> None:
    text = "<p>Liên minh **HTX** Thành phố, Sở Tài chính</p>"
    spans = split_agencies(text)
    assert [text[s.start : s.end] for s in spans] == ["Liên minh **HTX** Thành phố", "Sở Tài chính"]
    nfd = unicodedata.normalize("NFD", "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát")
    r = roles_in_sentence(nfd)
    assert [unicodedata.normalize("NFC", nfd[s.start : s.end]) for s in r.coordinating] == [
        "Sở Nội vụ"
    ]


# --------------------------------------------------------------------------- the table


def test_table_entries_are_fixed_points() -> None:
    table = load_agency_table()
    assert {a.kind for a in table.agencies} <= KINDS
    for sector in table.sectors:
        if sector.department:
            a = normalize_agency(f"Sở {sector.name}")
            assert (a.name, a.kind, a.central) == (f"Sở {sector.name}", "department", False)
        if sector.ministry:
            a = normalize_agency(f"Bộ {sector.name}")
            assert (a.name, a.kind, a.central) == (f"Bộ {sector.name}", "central", True)
    for entry in table.agencies:
        text = entry.name + (" tỉnh" if entry.needs_place else "")
        a = normalize_agency(text)
        assert a is not None, entry.name
        assert a.kind == entry.kind, entry.name
        assert a.requestable == entry.requestable, entry.name
        assert normalize_agency(a.name) == a, entry.name
        p = normalize_agency(a.name_in("province"))
        assert p is not None and p.key == a.key, entry.name


def test_requestable_kinds() -> None:
    assert {"party", "mass-organisation", "central"} == REQUESTABLE_KINDS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agency": [{"name": "X", "kind": "nation"}]}, "unknown kind"),
        ({"agency": [{"kind": "party"}]}, "needs a str `name`"),
        ({"agency": [{"name": "X", "kind": "party"}, {"name": "X", "kind": "party"}]}, "twice"),
        ({"agency": [{"name": "X", "kind": "party", "local": "Y"}]}, "names no agency"),
        ({"agency": [{"name": "X", "kind": "party", "aliases": "Y"}]}, "list of strings"),
        ({"head": [{"words": "Viện", "kind": "state-unit", "level": "galaxy"}]}, "unknown level"),
        ({"abbreviation": {"A": 1}}, "strings to strings"),
    ],
)
def test_malformed_table_is_refused(data: dict, message: str) -> None:
    with pytest.raises(AgencyTableError, match=message):
        parse_agency_table(data)


# --------------------------------------------------------------------------- properties

_VOCABULARY = (
    "Sở|Bộ|Ủy ban|Uỷ|nhân dân|UBND|các|quận|huyện|thị xã|thành phố|Thành phố|tỉnh|TP|Hà Nội|"
    "Liên minh|HTX|DN|Hội|Nông dân|Ban|Chỉ đạo|Thành ủy|Tỉnh ủy|Trung ương|Việt Nam|Viện|"
    "Trung tâm|Cục|Thuế|Kế hoạch|Đầu tư|Tài chính|và|,|;|:|-|(|)|.|\n|\t|phối hợp|với|"
    "chủ trì|giao|đề nghị|cơ quan|đơn vị|sở|ngành|liên quan|các cấp|SƠ|SỐ|KH&ĐT|Giám đốc|"
    "Thủ trưởng|1.|a)|+|<b>|</b>|**|Mặt trận|Tổ quốc|hợp tác xã|tổ chức|chính trị|xã hội|Phòng"
)
_WORDS = _VOCABULARY.split("|")
_phrases = st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join)
_texts = st.one_of(st.text(max_size=200), _phrases)


def _check_spans(text: str, spans: list[AgencySpan]) -> None:
    last = 0
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= last
        assert text[s.start : s.end].strip()
        last = s.end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_never_raises_and_spans_stay_in_the_text(text: str) -> None:
    _check_spans(text, split_agencies(text))
    _check_spans(text, agency_heading(text))
    r = roles_in_sentence(text)
    for role in ROLES:
        for s in getattr(r, role):
            assert 0 <= s.start < s.end <= len(text)
    a = normalize_agency(text)
    assert a is None or (a.kind in KINDS and a.name and a.key)


_names = st.sampled_from(
    sorted(
        {c["expected"]["name"] for c in CASES["normalize"] if c["expected"] and "gap" not in c}
        | {s["name"] for c in CASES["split"] for s in c["expected"]}
    )
)


@st.composite
def _spellings(draw) -> str:
    text = draw(_names)
    if draw(st.booleans()):
        text = text.upper()
    if draw(st.booleans()):
        text = text.replace("Ủy", "Uỷ").replace("hóa", "hoá")
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    return text + draw(st.sampled_from(["", " ", ".", ";", ":"]))


@settings(max_examples=300, deadline=None)
@given(_spellings())
def test_canonical_names_are_fixed_points(text: str) -> None:
    a = normalize_agency(text)
    assert a is not None, text
    again = normalize_agency(a.name)
    assert again == a, (text, a, again)


@settings(max_examples=300, deadline=None)
@given(st.lists(_names, min_size=1, max_size=4), st.sampled_from([", ", "; ", " và ", "\n"]))
def test_lists_of_canonical_names_split_back(names: list[str], sep: str) -> None:
    agencies = [normalize_agency(n) for n in names]
    keys = [a.key for a in agencies]
    collective_kinds = [a.kind for a in agencies if a.collective]
    # two collectives of one class in a row read as one ("các sở, các ngành")
    if len(set(keys)) < len(keys) or len(set(collective_kinds)) < len(collective_kinds):
        return
    text = sep.join(names)
    assert [s.agency.name for s in split_agencies(text)] == [a.name for a in agencies], text


_ADVERSARIAL = [
    "Sở, ",
    "UBND các quận, huyện, ",
    "(",
    "phối hợp với ",
    "Liên minh HTX và DN ",
    "các hợp tác xã, ",
    "- Cơ quan ",
    "Trung ương ",
    "Giao Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư, ",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ ",
    "Viện Kinh tế Xây dựng ",
    "TP. ",
    "a" * 5000 + " ",
]


@pytest.mark.parametrize("unit", _ADVERSARIAL, ids=range(len(_ADVERSARIAL)))
def test_bounded_time_on_200kb(unit: str) -> None:
    text = (unit * (200_000 // len(unit) + 1))[:200_000]
    for fn in (split_agencies, roles_in_sentence, normalize_agency, agency_heading):
        t0 = time.perf_counter()
        fn(text)
        assert time.perf_counter() - t0 < 10.0, fn.__name__


def test_agencies_cover_says_what_summing_the_spans_says() -> None:
    """The early stop of agencies_cover never changes its answer."""
    texts = [
        "Sở Tài chính, Sở Xây dựng",
        "Sở Tài chính chủ trì, phối hợp với các sở, ngành",
        "Ủy ban nhân dân các quận, huyện; các đơn vị có liên quan",
        "c) Sở Thông tin và Truyền thông",
        "Xây dựng kế hoạch triển khai, Sở Nội vụ",
        "<b>SỞ KẾ HOẠCH VÀ ĐẦU TƯ</b>",
        "",
    ]
    for text in texts:
        covered = sum(s.end - s.start for s in split_agencies(text))
        for need in range(-1, len(text) + 2):
            assert agencies_cover(text, need) == (covered >= need), (text, need)
            assert agencies_cover(text, need + 0.5) == (covered >= need + 0.5), (text, need)


def test_remembered_results_are_fresh_lists() -> None:
    """Results are remembered per text; changing a returned list changes nothing later."""
    first = split_agencies("Sở Tài chính, Sở Xây dựng")
    first.clear()
    assert len(split_agencies("Sở Tài chính, Sở Xây dựng")) == 2
    roles = roles_in_sentence("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính")
    roles.lead.clear()
    assert roles_in_sentence("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính").lead


def test_a_text_read_without_its_trailing_marks_reads_as_if_fresh() -> None:
    """The reading of a heading cut from its reading with " :.;" is the fresh reading."""

    def fields(t: agencies._Tok) -> tuple:
        return (t.f, t.d, t.a, t.b, t.word, t.upper, t.title, t.expanded)

    def fresh(text: str) -> tuple:
        view = make_view(text)
        toks = agencies._expand(agencies._raw_tokens(view.norm, view.fold))
        return view.norm, view.fold, view._maps, [fields(t) for t in toks]

    texts = [
        "Sở Tài chính, UBND các quận, huyện:",
        "Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành liên quan.",
        "Liên minh HTX TP.",
        "Sở KH&ĐT; ",
        "Các đơn vị **liên quan**.",
        "UBND TP .",
        "Hội Nông dân thành phố thực hiện: ;",
    ]
    for text in texts:
        agencies._read.cache_clear()
        agencies._read(text)
        read = agencies._read(text.rstrip(" :.;"))
        view = read.view
        observed = view.norm, view.fold, view._maps, [fields(t) for t in read.toks]
        assert observed == fresh(text.rstrip(" :.;")), text
