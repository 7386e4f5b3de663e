"""Deadlines: golden cells, phrases in running text, the corpus, and robustness."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.graph.deadlines import _COMPILED, _NEEDS, Deadline, find_deadlines, parse_deadline
from policykg.graph.textview import collapse_spaces, make_view

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GOLDEN = Path(__file__).parent / "golden" / "deadlines" / "cases.json"
CASES = json.loads(GOLDEN.read_text("utf-8"))
GOLDEN_TEXTS = {c["text"] for c in CASES}


def _observed(d: Deadline) -> dict:
    return {
        "text": d.text,
        "start": d.start.isoformat() if d.start else None,
        "end": d.end.isoformat() if d.end else None,
        "recurrence": d.recurrence,
        "day": d.day,
        "requester": d.requester,
        "kind": d.kind,
    }


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['text'][:40]}" for i, c in enumerate(CASES)])
def test_golden_deadlines(case: dict) -> None:
    observed = _observed(parse_deadline(case["text"], context_year=case.get("context_year")))
    assert {k: observed[k] for k in case["expected"]} == case["expected"]


# --- the corpus ----------------------------------------------------------------------------------


def _corpus_deadline_cells() -> list[str]:
    """The last cell of every row of the corpus tables whose last column is the deadline."""
    cells = []
    for path in sorted(CORPUS.glob("*.txt")):
        in_table = False
        for line in path.read_text("utf-8").splitlines():
            if "\t" not in line:
                continue
            last = line.split("\t")[-1].strip()
            if collapse_spaces(last) == "Thời gian thực hiện":
                in_table = True
            elif in_table and last and set(last) != {"-"}:
                cells.append(last)
    return cells


def test_every_deadline_cell_of_the_corpus_is_a_golden_case() -> None:
    cells = _corpus_deadline_cells()
    assert len(cells) >= 99  # 35 "Hàng năm" in Hải Phòng, 19 "Thường xuyên" in HCM …
    assert sorted(set(cells) - GOLDEN_TEXTS) == []


def test_every_deadline_phrase_found_in_the_corpus_is_a_golden_case() -> None:
    phrases = set()
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text("utf-8")
        phrases |= {text[m.start : m.end] for m in find_deadlines(text)}
    assert sorted(phrases - GOLDEN_TEXTS) == []


def test_every_deadline_cell_of_the_corpus_is_read() -> None:
    unread = [c for c in _corpus_deadline_cells() if parse_deadline(c).kind == "unparsed"]
    assert unread == []


def test_hcm_2008_running_text_deadlines() -> None:
    text = (CORPUS / "hcm-2008-kh-thuc-hien-ct07-tu.txt").read_text("utf-8")
    found = [
        (m.deadline.text, m.deadline.kind, m.deadline.start, m.deadline.end)
        for m in find_deadlines(text, context_year=2008)
        if m.deadline.recurrence is None
    ]
    assert found == [
        (
            "Thời gian thực hiện: trong tháng 02 năm 2008",
            "month",
            date(2008, 2, 1),
            date(2008, 2, 29),
        ),
        (
            "Thời gian thực hiện: từ nay đến hết quý I năm 2008",
            "by-quarter",
            None,
            date(2008, 3, 31),
        ),
        ("vào quý IV", "quarter", date(2008, 10, 1), date(2008, 12, 31)),
        ("vào tháng 01 năm sau", "month", date(2009, 1, 1), date(2009, 1, 31)),
        ("vào quý II năm 2009", "by-quarter", None, date(2009, 6, 30)),
        ("Thời gian hoàn thành: quý III năm 2008", "by-quarter", None, date(2008, 9, 30)),
        ("quý III năm 2008", "by-quarter", None, date(2008, 9, 30)),
        ("trong năm 2008", "year", date(2008, 1, 1), date(2008, 12, 31)),
        ("Thời gian thực hiện: trong năm 2008", "year", date(2008, 1, 1), date(2008, 12, 31)),
        ("Thời gian thực hiện: trong năm 2008", "year", date(2008, 1, 1), date(2008, 12, 31)),
        (
            "Thời gian thực hiện: trong quý I năm 2008",
            "quarter",
            date(2008, 1, 1),
            date(2008, 3, 31),
        ),
        ("Thời gian thực hiện trong năm 2008", "year", date(2008, 1, 1), date(2008, 12, 31)),
    ]


def test_hanoi_running_text_recurrences_and_completions() -> None:
    text = (CORPUS / "hanoi-kh-thuc-hien-ctr24-tu.txt").read_text("utf-8")
    kinds = [m.deadline.kind for m in find_deadlines(text)]
    assert kinds.count("by-year") == 8  # seven "(hoàn thành năm 2014)" and "(cuối năm 2015)"
    assert kinds.count("by-quarter") == 1  # "(hoàn thành trong quý I năm 2014)"
    assert kinds.count("every-n-years") == 1  # "Hai năm một lần"
    assert kinds.count("quarterly") == 1  # "Hàng quý, năm"
    assert not [k for k in kinds if k in ("year", "year-range", "by-date", "unparsed")]


# --- running text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "kind", "start", "end"),
    [
        (
            "Nghiên cứu mô hình HTX vận tải (hoàn thành năm 2014); Hướng dẫn các HTX",
            "hoàn thành năm 2014",
            "by-year",
            None,
            date(2014, 12, 31),
        ),
        (
            "Kiện toàn Ban chỉ đạo (hoàn thành trong quý I năm 2014);",
            "hoàn thành trong quý I năm 2014",
            "by-quarter",
            None,
            date(2014, 3, 31),
        ),
        (
            "- Sơ kết 02 năm thực hiện Kế hoạch (cuối năm 2015).",
            "cuối năm 2015",
            "by-year",
            None,
            date(2015, 12, 31),
        ),
        (
            "gửi về Sở Kế hoạch và Đầu tư **trước ngày 30 tháng 8 năm 2021** để tổng hợp",
            "trước ngày 30 tháng 8 năm 2021",
            "before-date",
            None,
            date(2021, 8, 30),
        ),
        (
            "- Đến hết quý II/2018, hoàn thành việc chuyển đổi hợp tác xã.",
            "Đến hết quý II/2018",
            "by-quarter",
            None,
            date(2018, 6, 30),
        ),
        (
            "Tổ chức khảo sát từ tháng 3 đến tháng 6 năm 2021 tại các quận.",
            "từ tháng 3 đến tháng 6 năm 2021",
            "range",
            date(2021, 3, 1),
            date(2021, 6, 30),
        ),
        (
            "Báo cáo kết quả 6 tháng, trong 6 tháng đầu năm 2022 hoàn thành đề án.",
            "trong 6 tháng đầu năm 2022",
            "part-year",
            date(2022, 1, 1),
            date(2022, 6, 30),
        ),
        (  # a time phrase alone after ";" that ends the sentence is the task's time frame
            "Kết nối doanh nghiệp với hợp tác xã cung ứng nông sản; giai đoạn 2024-2025.",
            "giai đoạn 2024-2025",
            "year-range",
            date(2024, 1, 1),
            date(2025, 12, 31),
        ),
        (
            "Đào tạo cán bộ quản lý hợp tác xã; thực hiện giai đoạn 2021 - 2025.",
            "giai đoạn 2021 - 2025",
            "year-range",
            date(2021, 1, 1),
            date(2025, 12, 31),
        ),
        (
            "Hỗ trợ lãi suất cho hợp tác xã; năm 2024 và các năm tiếp theo.",
            "năm 2024 và các năm tiếp theo",
            "from-year",  # from 2024 on: no end, so never "passed"
            date(2024, 1, 1),
            None,
        ),
        (
            "Thời gian thực hiện: năm 2024 và các năm tiếp theo.",
            "Thời gian thực hiện: năm 2024 và các năm tiếp theo",
            "from-year",
            date(2024, 1, 1),
            None,
        ),
        (
            "Tổng kết 5 năm thực hiện Kế hoạch vào năm 2030.",
            "vào năm 2030",
            "year",
            date(2030, 1, 1),
            date(2030, 12, 31),
        ),
        (
            "Tổ chức tập huấn cho cán bộ, thực hiện trong năm 2024 - 2025.",
            "trong năm 2024 - 2025",
            "year-range",
            date(2024, 1, 1),
            date(2025, 12, 31),
        ),
        (  # counted from the text's date, which the document gives (counted_from_issue)
            "Xây dựng kế hoạch chi tiết, hoàn thành trong vòng 30 ngày kể từ ngày ký.",
            "hoàn thành trong vòng 30 ngày kể từ ngày ký",
            "days-after-issue",
            None,
            None,
        ),
        (  # tests/golden/unseen/angiang-snn-2024-kh418.md: "thời hạn" is a due date
            "hướng dẫn hoàn tất thủ tục đăng ký thay đổi; thời hạn 31/12/2024.",
            "thời hạn 31/12/2024",
            "before-date",
            None,
            date(2024, 12, 31),
        ),
    ],
)
def test_phrase_in_running_text(
    text: str, phrase: str, kind: str, start: date | None, end: date | None
) -> None:
    (m,) = find_deadlines(text)
    assert text[m.start : m.end] == phrase
    assert (m.deadline.text, m.deadline.kind, m.deadline.start, m.deadline.end) == (
        phrase,
        kind,
        start,
        end,
    )


@pytest.mark.parametrize(
    "text",
    [
        "- Phấn đấu đến năm 2020: 80% HTX hoạt động khá.",
        "Đến năm 2020: Kinh tế tập thể đóng góp 1,0 - 1,2% GRDP thành phố.",
        "Kế hoạch phát triển kinh tế tập thể, hợp tác xã giai đoạn 2021 - 2025",
        "GIAI ĐOẠN TỪ NAY ĐẾN NĂM 2020",
        "theo Quyết định số 1804/QĐ-TTg ngày 13 tháng 11 năm 2020 của Thủ tướng Chính phủ",
        "Luật Hợp tác xã năm 2012; Luật HTX năm 1996 đến khi có Luật HTX năm 2003",
        "giải quyết bán (hoặc cho thuê dài hạn) theo đề nghị của các Hợp tác xã",
        "Liên minh Hợp tác xã Việt Nam 2021",
        "Ngân hàng năm nay cho vay, cửa hàng năm ngoái",
        "tính đến ngày 31/12/2020, toàn thành phố có 500 hợp tác xã",
        "nhân dịp ngày Hợp tác xã Việt Nam (11/4) và Ngày Quốc tế Hợp tác xã",
        "báo cáo kết quả quý I/2018 cho Ủy ban nhân dân",
        "tăng 5% so với năm 2020",
        "Quỹ I hỗ trợ phát triển hợp tác xã",
        "Kế hoạch đầu tư năm 2021 của thành phố",
        "Rà soát chính sách hỗ trợ giai đoạn 2021-2025 của tỉnh; báo cáo Ủy ban nhân dân",
        "Sở Tài chính bố trí kinh phí thường xuyên cho Liên minh Hợp tác xã",
        "bảo đảm dự toán chi thường xuyên của các đơn vị",
        "phối hợp với Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên huyện",
        "Báo cáo đúng thời hạn quy định.",
    ],
)
def test_no_deadline_without_a_cue(text: str) -> None:
    assert find_deadlines(text) == []


def test_recurrences_in_running_text() -> None:
    text = (
        "Hàng năm, phối hợp tổ chức gặp mặt. Hai năm một lần, tổ chức Hội nghị tuyên dương; "
        "Hàng quý, năm báo cáo tình hình; duy trì thường xuyên các chuyên mục; "
        "Trước ngày 15 tháng 12 hàng năm, các sở báo cáo."
    )
    found = [
        (text[m.start : m.end], m.deadline.recurrence, m.deadline.day) for m in find_deadlines(text)
    ]
    assert found == [
        ("Hàng năm", "annual", None),
        ("Hai năm một lần", "every-2-years", None),
        ("Hàng quý, năm", "quarterly", None),
        ("thường xuyên", "ongoing", None),
        ("Trước ngày 15 tháng 12 hàng năm", "annual", "--12-15"),
    ]


def test_recurrences_in_months_and_weeks_in_running_text() -> None:
    # "6 tháng" alone is a report's name or a duration, not a recurrence
    text = (
        "Sở Nông nghiệp hướng dẫn xây dựng mô hình; định kỳ 6 tháng báo cáo kết quả. "
        "Báo cáo 6 tháng gửi Sở Tài chính; giao ban hằng tuần; kiểm tra 03 tháng/lần."
    )
    found = [(text[m.start : m.end], m.deadline.recurrence) for m in find_deadlines(text)]
    assert found == [
        ("định kỳ 6 tháng", "every-6-months"),
        ("hằng tuần", "weekly"),
        ("03 tháng/lần", "quarterly"),
    ]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Báo cáo kết quả 6 tháng và năm gửi Sở Tài chính.", "6 tháng và năm"),
        ("báo cáo 6 tháng đầu năm và cả năm về Sở Nội vụ", "6 tháng đầu năm và cả năm"),
        (
            "báo cáo kết quả 6 tháng (trước ngày 10/6) và năm (trước ngày 10/12) gửi Sở",
            "6 tháng (trước ngày 10/6) và năm",
        ),
        ("tổng hợp kết quả 06 tháng, năm báo cáo Ủy ban nhân dân tỉnh", "06 tháng, năm"),
    ],
)
def test_the_half_year_and_year_reports_recur_every_6_months(text: str, phrase: str) -> None:
    found = find_deadlines(text)
    assert [(text[m.start : m.end], m.deadline.recurrence) for m in found][:1] == [
        (phrase, "every-6-months")
    ]


@pytest.mark.parametrize(
    "text", ["Báo cáo kết quả 6 tháng và năm 2024 gửi Sở.", "trong 6 tháng đầu năm 2025"]
)
def test_a_half_year_of_a_given_year_is_no_recurrence(text: str) -> None:
    assert all(m.deadline.recurrence is None for m in find_deadlines(text))


@pytest.mark.parametrize(
    "text",
    [
        "báo cáo kết quả trước ngày 25 của tháng cuối quý về Sở Nội vụ",
        "gửi báo cáo trước ngày 10 tháng cuối mỗi quý",
    ],
)
def test_a_day_of_the_last_month_of_the_quarter_recurs_quarterly(text: str) -> None:
    assert [m.deadline.recurrence for m in find_deadlines(text)] == ["quarterly"]


def test_a_period_joined_to_a_deadline_shares_its_cue() -> None:
    text = "thực hiện trong quý IV/2025 và quý I/2026."
    found = [(text[m.start : m.end], str(m.deadline.end)) for m in find_deadlines(text)]
    assert found == [("trong quý IV/2025", "2025-12-31"), ("quý I/2026", "2026-03-31")]


def test_times_a_year_in_running_text() -> None:
    text = (
        "Kiểm tra mỗi năm 02 lần; giao ban hằng năm 4 lần; kiểm tra tối thiểu 02 lần/năm;"
        " họp 3 lần mỗi năm."
    )
    found = [(text[m.start : m.end], m.deadline.recurrence) for m in find_deadlines(text)]
    assert found == [
        ("mỗi năm 02 lần", "every-6-months"),
        ("hằng năm 4 lần", "quarterly"),
        ("02 lần/năm", "every-6-months"),
        ("3 lần mỗi năm", "every-4-months"),
    ]


def test_spans_map_to_the_original_text_of_nfd_input() -> None:
    text = unicodedata.normalize("NFD", "Nội dung (hoàn thành năm 2014).")
    (m,) = find_deadlines(text)
    assert unicodedata.normalize("NFC", text[m.start : m.end]) == "hoàn thành năm 2014"
    assert m.deadline.text == "hoàn thành năm 2014"


def test_relative_month_needs_a_context_year() -> None:
    text = "triển khai cho các đơn vị vào tháng 01 năm sau."
    assert [m.deadline.kind for m in find_deadlines(text)] == ["unparsed"]
    (m,) = find_deadlines(text, context_year=2008)
    assert (m.deadline.start, m.deadline.end) == (date(2009, 1, 1), date(2009, 1, 31))


def test_first_expression_of_a_cell_decides_and_text_keeps_everything() -> None:
    cell = (
        "- Chậm nhất vào ngày 18 tháng 12 hàng năm, cơ quan cấp huyện báo cáo.\n"
        "- Chậm nhất vào ngày 21 tháng 12, cơ quan cấp tỉnh báo cáo."
    )
    d = parse_deadline(cell)
    assert (d.recurrence, d.day, d.kind) == ("annual", "--12-18", "annual-day")
    assert d.text == collapse_spaces(cell)


# --- robustness -----------------------------------------------------------------------------------

_WORDS = [
    "năm", "Năm", "2018", "2021", "-", "/", "quý", "Quý", "II", "IV", "I", "tháng", "9", "12",
    "ngày", "15", "30", "31", "hàng", "hằng", "thường", "xuyên", "trước", "chậm", "nhất", "vào",
    "hoàn", "thành", "trong", "đến", "hết", "từ", "nay", "sau", "tới", "cuối", "đầu", "6", "hai",
    "một", "lần", "định", "kỳ", "Thời", "gian", "thực", "hiện", ":", "(", ")", "theo", "đề",
    "nghị", "của", "Bộ", "giai", "đoạn", "ít", "**", "<p>", "\n", ",", ".", "Việt", "Nam",
]  # fmt: skip
_DEADLINE_SOUP = st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join)
_RECURRENCES = re.compile(r"annual|quarterly|monthly|ongoing|on-request|every-\d+-years")


def _check(d: Deadline) -> None:
    assert isinstance(d.text, str)
    if d.start and d.end:
        assert d.start <= d.end
    if d.recurrence is not None:
        assert _RECURRENCES.fullmatch(d.recurrence)
    if d.day is not None:
        assert re.fullmatch(r"--\d\d-\d\d", d.day)
    if d.requester is not None:
        assert d.recurrence == "on-request"
    read = (d.start, d.end, d.recurrence, d.day) != (None, None, None, None)
    assert read == (d.kind != "unparsed"), d


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(max_size=300), _DEADLINE_SOUP),
    context_year=st.one_of(st.none(), st.integers(-5, 10_001)),
)
def test_never_raises_and_spans_lie_in_the_text(text: str, context_year: int | None) -> None:
    _check(parse_deadline(text, context_year=context_year))
    for m in find_deadlines(text, context_year=context_year):
        assert 0 <= m.start < m.end <= len(text)
        _check(m.deadline)


@pytest.mark.parametrize(
    "unit",
    ["quý I ", "năm 2018 ", "từ tháng 3 đến ", "ngày 1 tháng 1 ", "hai năm một lần ", "2018-",
     "Thời gian thực hiện: trong ", "theo đề nghị của ", "**", "(", "1/", "hàng "],
)  # fmt: skip
def test_a_200_kb_adversarial_string_takes_under_a_second(unit: str) -> None:
    text = (unit * (200_000 // len(unit) + 1))[:200_000]
    for read in (parse_deadline, find_deadlines):
        # CPU time of this process (others sharing the machine do not count); a catastrophic
        # backtracking takes minutes on 200 KB, a linear parser well under a second
        t0 = time.process_time()
        read(text)
        assert time.process_time() - t0 < 2.0, (read.__name__, unit)


def test_every_match_of_a_shape_contains_what_the_shape_needs() -> None:
    """A shape is skipped on a text without any of its needed strings: no match may lack them."""
    assert set(_NEEDS) == set(_COMPILED)
    texts = [make_view(p.read_text("utf-8")).fold for p in sorted(CORPUS.glob("*.txt"))]
    texts += [make_view(c["text"]).fold for c in CASES]
    seen = 0
    for text in texts:
        for shape, pattern in _COMPILED.items():
            for m in pattern.finditer(text):
                seen += 1
                assert any(needed in m.group() for needed in _NEEDS[shape]), (shape, m.group())
    assert seen > 100


@pytest.mark.parametrize(
    "text",
    ["Báo cáo trước ngày 15/6 và ngày 15/12 hằng năm.", "Tổ chức vào tháng 3, tháng 9 hằng năm."],
)
def test_two_dates_of_each_year_recur_twice_a_year(text: str) -> None:
    (m,) = find_deadlines(text)
    assert (m.deadline.recurrence, m.deadline.end) == ("every-6-months", None)


@pytest.mark.parametrize(
    ("text", "phrase", "end", "recurrence"),
    [
        # a range of years after a comma, ending the sentence or the clause
        (
            "Xây dựng 02 mô hình hợp tác xã kiểu mới, giai đoạn 2023 - 2025.",
            "giai đoạn 2023 - 2025",
            date(2025, 12, 31),
            None,
        ),
        (
            "Nhân rộng mô hình khuyến nông, năm 2021 - 2022; báo cáo kết quả.",
            "năm 2021 - 2022",
            date(2022, 12, 31),
            None,
        ),
        # a bare period alone after ";" ending the item
        (
            "Hỗ trợ khởi nghiệp đổi mới sáng tạo; Quý III/2026.",
            "Quý III/2026",
            date(2026, 9, 30),
            None,
        ),
        (
            "Thúc đẩy thanh toán không dùng tiền mặt; 6 tháng đầu năm 2026.",
            "6 tháng đầu năm 2026",
            date(2026, 6, 30),
            None,
        ),
        # every year from a year on: its own cue
        (
            "Bố trí trong dự toán ngân sách năm 2023 và các năm tiếp theo.",
            "năm 2023 và các năm tiếp theo",
            None,
            "annual",
        ),
        # a cap on how often is no timetable: the year after ";" is the task's
        (
            "Kiểm tra không quá 01 lần/năm đối với mỗi cơ sở; năm 2026.",
            "năm 2026",
            date(2026, 12, 31),
            None,
        ),
        # a range of months whose year is at its end, after a cue
        (
            "Tập huấn 05 lớp; thời gian: tháng 4 đến tháng 10/2024.",
            "thời gian: tháng 4 đến tháng 10/2024",
            date(2024, 10, 31),
            None,
        ),
    ],
)
def test_time_phrases_read_since_session_16(
    text: str, phrase: str, end: date | None, recurrence: str | None
) -> None:
    (m,) = find_deadlines(text)
    assert (text[m.start : m.end], m.deadline.end, m.deadline.recurrence) == (
        phrase,
        end,
        recurrence,
    )


def test_a_range_of_years_in_a_cited_title_after_a_comma_is_no_deadline() -> None:
    text = (
        "Triển khai kế hoạch theo Chương trình 02-CTr/TU ngày 29/8/2011 của Thành ủy về phát "
        "triển nông nghiệp, giai đoạn 2011 - 2015."
    )
    assert find_deadlines(text) == []


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("Tháng 3", date(2023, 3, 1), date(2023, 3, 31)),
        ("Tháng 6-9", date(2023, 6, 1), date(2023, 9, 30)),
        ("Quý II", date(2023, 4, 1), date(2023, 6, 30)),
        ("Cả năm", date(2023, 1, 1), date(2023, 12, 31)),
        ("03/2024", date(2024, 3, 1), date(2024, 3, 31)),  # a bare month with its year
        ("Tháng 9-3", None, None),  # no run of months backwards
    ],
)
def test_a_cell_of_a_yearly_plan_takes_the_plans_year(
    cell: str, start: date | None, end: date | None
) -> None:
    d = parse_deadline(cell, context_year=2023)
    assert (d.start, d.end) == (start, end)
    if start is not None and cell != "03/2024":
        assert parse_deadline(cell).end is None  # no year known, no date guessed


def test_the_title_of_a_plan_for_one_year_gives_that_year() -> None:
    from policykg.graph.deadlines import title_year

    assert title_year("Kế hoạch công tác năm 2023 của Sở") == 2023
    assert title_year("Phát triển kinh tế tập thể giai đoạn 2021 - 2025") is None
    assert title_year("Sơ kết năm 2023, triển khai năm 2024") is None
    assert title_year(None) is None


@pytest.mark.parametrize(
    ("cell", "end"),
    [
        ("Thời gian hoàn thành: Kỳ họp giữa năm 2024 của HĐND tỉnh (tháng 7/2024).", "2024-07-31"),
        ("Quý III/2024 (tháng 8/2024)", "2024-08-31"),
        ("Năm 2024 (tháng 7/2025)", "2024-12-31"),  # outside the first period: the first
    ],
)
def test_a_period_narrowed_in_brackets(cell: str, end: str) -> None:
    assert str(parse_deadline(cell).end) == end
