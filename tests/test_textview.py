"""Tests for policykg.graph.textview: normalised views and their offset maps."""

from __future__ import annotations

import doctest
import itertools
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from policykg.graph import textview
from policykg.graph.read import read_source
from policykg.graph.textview import (
    TextView,
    canonical_spelling,
    collapse_spaces,
    fold,
    make_view,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def find(view: TextView, needle: str) -> tuple[int, int]:
    """The view span of the first occurrence of ``needle`` in ``norm``."""
    i = view.norm.index(needle)
    return i, i + len(needle)


def test_doctests() -> None:
    result = doctest.testmod(textview)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------- markdown


def test_bold_inside_document_number() -> None:
    text = "Số: **3064**/QĐ-UBND\n(Kèm theo Quyết định số **3064** /QĐ-UBND)"
    v = make_view(text)
    assert v.norm == "Số: 3064/QĐ-UBND\n(Kèm theo Quyết định số 3064 /QĐ-UBND)"
    start, end = find(v, "3064/QĐ-UBND")
    assert v.original_text(start, end) == "3064**/QĐ-UBND"
    start, end = find(v, "3064")
    assert v.original_text(start, end) == "3064"  # markers just outside a span stay out
    assert v.to_original(start, end) == (6, 10)
    assert "so: 3064/qd-ubnd" in v.fold


def test_bold_inside_a_date() -> None:
    text = "Thành phố Hồ Chí Minh, ngày **23** tháng **8** năm 2021"
    v = make_view(text)
    assert v.norm == "Thành phố Hồ Chí Minh, ngày 23 tháng 8 năm 2021"
    start, end = find(v, "ngày 23 tháng 8 năm 2021")
    assert v.original_text(start, end) == "ngày **23** tháng **8** năm 2021"
    assert "ngay 23 thang 8 nam 2021" in v.fold


def test_italic_parenthesis_and_multiline_bold() -> None:
    v = make_view("*(Ban hành kèm theo Kế hoạch số 435 /KH-UBND)*\n**KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH**")
    assert v.norm == "(Ban hành kèm theo Kế hoạch số 435 /KH-UBND)\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    start, end = find(v, "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    assert v.original_text(start, end) == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("* item one\n* item two", "* item one\n* item two"),  # bullets stay
        ("a * b", "a * b"),
        ("**** x", "**** x"),
        ("***\n", "***\n"),  # a thematic break
        ("***strong em***", "strong em"),
        ("__Sở__ and __x__", "Sở and x"),
        ("ten_file and a__b", "ten_file and a__b"),  # underscores inside words stay
        ("_one_", "_one_"),  # single underscores are not touched
        ("Điều 5*", "Điều 5"),  # a trailing star touches a word: treated as emphasis
    ],
)
def test_emphasis_rules(text: str, norm: str) -> None:
    assert make_view(text).norm == norm


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("## KẾ HOẠCH\n", "KẾ HOẠCH\n"),
        ("x\n### I. MỤC ĐÍCH\n#### 1. Mục đích", "x\nI. MỤC ĐÍCH\n1. Mục đích"),
        ("## **II. MỤC TIÊU**\n", "II. MỤC TIÊU\n"),
        ("a\r\n# b\r# c", "a\r\nb\rc"),  # after CRLF and after CR
        ("######\tsix", "six"),
        ("####### seven", "####### seven"),  # not a heading
        ("#hashtag", "#hashtag"),
        ("số # 5 and x ## y", "số # 5 and x ## y"),  # not at the start of a line
        (" ## indented", " ## indented"),
    ],
)
def test_heading_marks(text: str, norm: str) -> None:
    assert make_view(text).norm == norm


def test_heading_maps_back() -> None:
    v = make_view("## **II. MỤC TIÊU**\n")
    assert v.to_original(0, 3) == (5, 8)
    assert v.original_text(0, len(v.norm)) == "II. MỤC TIÊU**\n"


# --------------------------------------------------------------------------- HTML


def test_html_tags_in_a_table_cell() -> None:
    row = (
        "9\t<p>Tham mưu Ủy ban nhân dân Thành phố nghiên cứu.</p>\t"
        "<p>Học viện cán bộ Thành phố</p>\t<p>Các cơ quan, đơn vị liên quan</p>\t"
        "<p>Theo đề nghị từ Học viện</p>\r\n"
    )
    v = make_view(row)
    cells = v.norm.split("\t")
    assert cells[2] == " Học viện cán bộ Thành phố "
    assert cells[4] == " Theo đề nghị từ Học viện \r\n"
    assert len(cells) == 5  # tabs kept
    start, end = find(v, "Học viện cán bộ Thành phố")
    assert v.original_text(start, end) == "Học viện cán bộ Thành phố"
    # The space that replaced a tag maps to the whole tag.
    assert v.original_text(start - 1, start) == "<p>"
    assert v.original_text(end, end + 1) == "</p>"
    assert v.original_text(start - 1, end + 1) == "<p>Học viện cán bộ Thành phố</p>"


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("<b>I</b>\t<b>SƠ KẾ HOẠCH VÀ ĐẦU TƯ</b>", " I \t SƠ KẾ HOẠCH VÀ ĐẦU TƯ "),
        ("<ul><li>a</li><li>b</li></ul>", "  a  b  "),
        ("một<br/>hai<br />ba<BR>bốn", "một\nhai\nba\nbốn"),  # a line break ends a line
        ("<td>Phòng A<br>Phòng B</td>", " Phòng A;Phòng B "),  # in a cell, lines are a list
        ('<p class="x" style="a:b">c</p>', " c "),
        ("<i>in</i>, <strong>s</strong>", " in ,  s "),
        ("a <Sở> b", "a <Sở> b"),  # not an HTML element
        ("x < 5 and y > 3", "x < 5 and y > 3"),
        ("<b", "<b"),
        ("<pre>x</pre><p>", " x  "),
    ],
)
def test_html_tags(text: str, norm: str) -> None:
    assert make_view(text).norm == norm


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("Bộ KH&amp;ĐT", "Bộ KH&ĐT"),
        ("a &lt;b&gt; c", "a <b> c"),  # decoded once, not parsed again as a tag
        ("it&#39;s &#x27;x&#X27;", "it's 'x'"),
        ("Sở&nbsp;Tài&#160;chính", "Sở Tài chính"),
        ("&amp;lt;", "&lt;"),
        ("Bộ KH&ĐT; 2330/SKHĐT-DNKTTT&TN; TT&TT", "Bộ KH&ĐT; 2330/SKHĐT-DNKTTT&TN; TT&TT"),
        ("&foo; & &;", "&foo; & &;"),  # unknown entities stay as text
    ],
)
def test_html_entities(text: str, norm: str) -> None:
    assert make_view(text).norm == norm


def test_entity_maps_to_whole_entity() -> None:
    v = make_view("KH&amp;ĐT")
    assert v.norm == "KH&ĐT"
    assert v.original_text(2, 3) == "&amp;"
    assert v.original_text(0, 5) == "KH&amp;ĐT"
    assert v.fold == "kh&dt"


# --------------------------------------------------------------------------- spaces, CR


def test_no_break_and_thin_spaces() -> None:
    text = "Sở\u00a0Tài\u2009chính\u202fvà\u3000KH"
    v = make_view(text)
    assert v.norm == "Sở Tài chính và KH"
    assert v.to_original(0, len(v.norm)) == (0, len(text))
    assert v.fold == "so tai chinh va kh"


def test_line_ends_and_tabs_kept() -> None:
    text = "a\r\nb\tc\rd\n"
    v = make_view(text)
    assert v.norm == text
    assert v.fold == text
    assert v.to_original(1, 3) == (1, 3)


def test_zero_width_and_bom_kept() -> None:
    assert make_view("a\u200bb\ufeffc").norm == "a\u200bb\ufeffc"


# --------------------------------------------------------------------------- NFC / NFD


def test_nfd_input() -> None:
    text_nfc = "Ủy ban nhân dân Thành phố giao Sở Kế hoạch và Đầu tư chủ trì"
    text_nfd = nfd(text_nfc)
    a, b = make_view(text_nfc), make_view(text_nfd)
    assert a.norm == b.norm == text_nfc
    assert a.fold == b.fold == "uy ban nhan dan thanh pho giao so ke hoach va dau tu chu tri"
    start, end = find(b, "Sở Kế hoạch và Đầu tư")
    assert b.original_text(start, end) == nfd("Sở Kế hoạch và Đầu tư")
    # One composed letter maps to its whole cluster: "Ủ" is U + hook + dot below.
    assert b.original_text(0, 1) == nfd("Ủ") == "U\u0309"
    assert b.to_original(0, 1) == (0, len(nfd("Ủ")))
    assert b.to_original(1, 2) == (len(nfd("Ủ")), len(nfd("Ủ")) + 1)


def test_nfd_with_markup() -> None:
    text = nfd("## Số: **3064**/QĐ-UBND <b>Ủy ban</b>&nbsp;ngày")
    v = make_view(text)
    assert v.norm == "Số: 3064/QĐ-UBND  Ủy ban  ngày"
    start, end = find(v, "Ủy ban")
    assert v.original_text(start, end) == nfd("Ủy ban")
    start, end = find(v, "Số: 3064")
    assert v.original_text(start, end) == nfd("Số: **3064")


def test_mark_after_removed_markup_composes() -> None:
    v = make_view("a**\u0301 x")
    assert v.norm == "á x"
    assert v.original_text(0, 1) == "a**\u0301"


def test_entity_for_a_combining_mark() -> None:
    v = make_view("Ho&#x300;a")
    assert v.norm == "Hòa"
    assert v.original_text(1, 2) == "o&#x300;"


def test_uncomposable_cluster_is_split_where_possible() -> None:
    v = make_view("xa\u0301\u0301y\u2126")  # a second acute cannot compose; ohm -> omega
    assert v.norm == "xá\u0301yΩ"
    spans = [v.to_original(i, i + 1) for i in range(len(v.norm))]
    assert spans == [(0, 1), (1, 3), (3, 4), (4, 5), (5, 6)]


TRICKY = (
    "a\u0301\u0323\u0302\u0344\u0f73\u0958\u2126\u212b\uf900\u1100\u1161\u11a8\uac00"
    "\u0b47\u0b3e\u0b57\u0cd5\u0334<=>\u0338\u2000\u2001 x\U0001d15e\U0001d165\U0002f800"
)


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet=TRICKY, max_size=30)))
def test_nfc_stage_is_nfc(text: str) -> None:
    out, _ = textview._nfc_stage(text)
    assert out == nfc(text)


def test_changed_characters_map_one_to_one() -> None:
    text = "x\u2126\u2126 \u212b \uf900"  # OHM, ANGSTROM and a compatibility ideograph
    v = make_view(text)
    assert v.norm == nfc(text) == "xΩΩ Å \u8c48"
    assert [v.to_original(i, i + 1) for i in range(len(v.norm))] == [
        (i, i + 1) for i in range(len(text))
    ]


# --------------------------------------------------------------------------- to_original


def test_to_original_bounds_and_empty_spans() -> None:
    v = make_view("ab **c**")
    assert v.norm == "ab c"
    assert v.to_original(0, 0) == (0, 0)
    assert v.to_original(3, 3) == (5, 5)  # just before "c", after the opening markers
    assert v.to_original(4, 4) == (8, 8)  # the end of the view is the end of the original
    for bad in [(-1, 0), (0, 5), (3, 2)]:
        with pytest.raises(ValueError):
            v.to_original(*bad)


def test_identity_view() -> None:
    text = "Kết luận số 56-KL/TW"
    v = make_view(text)
    assert v == TextView(text, text, fold(text))
    assert v.to_original(0, 3) == (0, 3)
    with pytest.raises(ValueError):
        TextView(text, text, "short")
    with pytest.raises(ValueError):
        TextView(text, text[:-1], fold(text[:-1]))


def test_repr_is_short() -> None:
    assert "chars" in repr(make_view("x" * 10_000))
    assert len(repr(make_view("x" * 10_000))) < 200


def test_empty_text() -> None:
    v = make_view("")
    assert (v.norm, v.fold, v.to_original(0, 0)) == ("", "", (0, 0))
    v = make_view("****a")
    assert v.to_original(0, 0) == (0, 0)


# --------------------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("a", "b", "folded"),
    [
        ("Sở", "Số", "so"),
        ("Uỷ", "Ủy", "uy"),
        ("khoá", "khóa", "khoa"),
        ("thuỷ", "thủy", "thuy"),
        ("Đầu tư", "ĐẦU TƯ", "dau tu"),
        ("Ðảng", "Đảng", "dang"),  # Ð (U+00D0) stands in for Đ in converted texts
        ("Nghị quyết", "NGHỊ QUYẾT", "nghi quyet"),
    ],
)
def test_fold(a: str, b: str, folded: str) -> None:
    assert fold(a) == fold(b) == folded
    assert fold(nfd(a)) == folded
    assert make_view(a).fold == folded


def test_fold_keeps_length_for_odd_characters() -> None:
    s = "İ ß ﬁ Ǆ 가 Ω ㎏ \u0301"
    assert len(fold(s)) == len(s)
    assert fold("İ") == "i"


# --------------------------------------------------------------------------- spelling


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Uỷ ban", "Ủy ban"),
        ("khoá IX", "khóa IX"),
        ("thuỷ lợi", "thủy lợi"),
        ("hoà bình", "hòa bình"),
        ("Hoá", "Hóa"),
        ("HOÁ", "HÓA"),
        ("UỶ BAN", "ỦY BAN"),
        ("khoẻ", "khỏe"),
        ("Thuỵ", "Thụy"),
        ("toà.", "tòa."),
        ("hoàn", "hoàn"),
        ("toán", "toán"),
        ("thuyền", "thuyền"),
        ("quý", "quý"),
        ("quỷ", "quỷ"),
        ("Quỳnh", "Quỳnh"),
        ("khuỷu", "khuỷu"),
        ("ngoài", "ngoài"),
        ("Ủy", "Ủy"),
    ],
)
def test_canonical_spelling(old: str, new: str) -> None:
    assert canonical_spelling(old) == new
    assert canonical_spelling(nfd(old)) == new
    assert canonical_spelling(new) == new


def test_collapse_spaces() -> None:
    assert collapse_spaces("  Sở \u00a0Tài\tchính\r\n\r\n và ") == "Sở Tài chính và"
    assert collapse_spaces("") == ""
    assert collapse_spaces(" \n ") == ""


# --------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_file(path: Path) -> None:
    src = read_source(path, name=f"corpus/{path.name}")
    v = make_view(src.text)
    assert len(v.fold) == len(v.norm)
    assert any(k in v.fold for k in ("ket luan", "chi thi", "nghi quyet"))
    assert "<b>" not in v.norm and "<p>" not in v.norm and "**" not in v.norm
    assert "\u00a0" not in v.norm
    # Every view character maps back to where it came from.
    for i in range(0, len(v.norm), 97):
        a, b = v.to_original(i, i + 1)
        assert make_view(src.text[a:b]).norm == v.norm[i]
    # NFD input gives the same view.
    assert make_view(nfd(src.text)).norm == v.norm


def test_corpus_markup_spans() -> None:
    src = read_source(CORPUS / "haiphong-2018-kh435-ubnd.txt")
    v = make_view(src.text)
    start, end = find(v, "SƠ KẾ HOẠCH VÀ ĐẦU TƯ")
    a, b = v.to_original(start, end)
    assert src.text[a - 3 : b + 4] == "<b>SƠ KẾ HOẠCH VÀ ĐẦU TƯ</b>"
    assert "Bộ KH&ĐT;" in v.norm


# --------------------------------------------------------------------------- speed


def test_linear_time_on_hostile_input() -> None:
    unit = (
        "<b <p class='" + "x" * 50 + "&#12 &amp ** * _ __ # ## \u00a0"
        + nfd("Sở Kế hoạch và Đầu tư ")
        + "a\u0301\u0301\u0323 <b>x</b>\n"
    )  # fmt: skip
    text = unit * (1_000_000 // len(unit))
    started = time.perf_counter()
    v = make_view(text)
    elapsed = time.perf_counter() - started
    assert len(v.fold) == len(v.norm)
    assert elapsed < 20, elapsed  # about 1-2 s in practice; quadratic would never finish


def test_plain_text_costs_no_map() -> None:
    text = "Kết luận số 56-KL/TW\n" * 10_000
    v = make_view(text)
    assert v.norm == text
    assert v._maps == ()


# --------------------------------------------------------------------------- properties

VIET_WORDS = [
    "Sở", "Số", "Ủy", "Uỷ", "ban", "khoá", "khóa", "thuỷ", "Đầu", "tư", "Kế", "hoạch",
    "nghị", "quyết", "Chỉ", "thị", "KH&ĐT", "3064", "/QĐ-UBND", "ngày", "tháng", "năm",
]  # fmt: skip
MARKUP = [
    "**", "*", "__", "_", "## ", "# ", "<b>", "</b>", "<p>", "</p>", "<ul><li>", "<br/>",
    "&amp;", "&nbsp;", "&#39;", "&", "<", ">", "\u00a0", "\u2009",
]  # fmt: skip
SEPARATORS = [" ", " ", "\n", "\r\n", "\r", "\t"]

viet_tokens = st.tuples(st.sampled_from(VIET_WORDS + MARKUP + SEPARATORS), st.booleans()).map(
    lambda t: nfd(t[0]) if t[1] else t[0]
)
viet_texts = st.lists(viet_tokens, max_size=40).map("".join)
any_texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.text(max_size=4), st.sampled_from(MARKUP + VIET_WORDS))).map("".join),
    st.text(alphabet="*_#<>&;/bp \n\r\t\u00a0a\u0301\u0323\u0302\u2126Ω\u0338=", max_size=40),
    st.text(alphabet=TRICKY + "*_#<&;", max_size=30),
)


TABLE_MARK = re.compile(r"\||</?t[dhr](?:[\s/][^<>]*)?>|<br(?:[\s/][^<>]*)?>", re.IGNORECASE)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_texts)
@example("|||")
@example("| a | b |\n|---|---|\n<tr><td>1</td><td>x</td></tr><tr><th>2</th></tr>")
@example('<tr>\n<td rowspan="2">a</td>\n<td>b</td>\n</tr>\n<tr><td>c</td></tr>')
def test_never_crashes_and_maps_are_sane(text: str) -> None:
    v = make_view(text)
    n = len(v.norm)
    assert len(v.fold) == n
    assert v.to_original(n, n) == (len(text), len(text))
    spans = [v.to_original(i, i + 1) for i in range(n)]
    for (a1, b1), (a2, b2) in itertools.pairwise(spans):
        assert a1 <= a2 and b1 <= b2  # monotone
    covered = [False] * len(text)
    for i, (a, b) in enumerate(spans):
        assert 0 <= a < b <= len(text)
        assert (
            v.norm[i] in make_view(text[a:b]).norm
            or (
                # a table's bar or cell tag separates cells only in its row: there it is a tab,
                # a space or a line end, alone it is itself (or a space)
                # (a cell a row above spans is written "↑" at the next cell's tag)
                v.norm[i] in " \t\n;↑" and TABLE_MARK.fullmatch(text[a:b]) is not None
            )
            or (v.norm[i] == " " and text[a:b] in ("\n", "\r"))
        )  # a break inside an HTML row
        for k in range(a, b):
            covered[k] = True
    # Only removed markup and page furniture (form feeds, page numbers, stamps) are left
    # uncovered.
    furniture = _furniture_chars(text)
    assert all(text[k] in "*_# \t\f" or k in furniture for k in range(len(text)) if not covered[k])


def _furniture_chars(text: str) -> set[int]:
    from policykg.graph.textview import _LINE, _furniture

    lines = _LINE.findall(text)
    out, pos = set(), 0
    for i, line in enumerate(lines):
        if _furniture(lines, i):
            out.update(range(pos, pos + len(line)))
        pos += len(line)
    return out


@settings(max_examples=300)
@given(viet_texts)
def test_each_character_maps_back_exactly(text: str) -> None:
    v = make_view(text)
    for i in range(len(v.norm)):
        a, b = v.to_original(i, i + 1)
        alone = make_view(text[a:b]).norm
        # a line break tag separates a cell's lines in a table row (";"), else ends a line;
        # a list marker's tab ("1.<TAB>…", Word's numbering) reads as a space; a justified
        # line's gap of two or three spaces reads as one
        assert (
            alone == v.norm[i]
            or (alone == "\n" and v.norm[i] == ";")
            or (alone == "\t" and v.norm[i] == " " and _after_list_marker(text, a))
            or (alone in ("  ", "   ") and v.norm[i] == " ")
        )


@given(any_texts, st.data())
def test_to_original_monotone_within_bounds(text: str, data: st.DataObject) -> None:
    v = make_view(text)
    n = len(v.norm)
    s1 = data.draw(st.integers(0, n))
    e1 = data.draw(st.integers(s1, n))
    s2 = data.draw(st.integers(s1, n))
    e2 = data.draw(st.integers(max(s2, e1), n))
    a1, b1 = v.to_original(s1, e1)
    a2, b2 = v.to_original(s2, e2)
    assert 0 <= a1 <= b1 <= len(text)
    assert 0 <= a2 <= b2 <= len(text)
    assert a1 <= a2
    if s1 < e1 and s2 < e2:
        assert b1 <= b2


@settings(max_examples=300)
@given(st.one_of(viet_texts, any_texts))
def test_nfc_and_nfd_give_the_same_view(text: str) -> None:
    a, b = make_view(nfc(text)), make_view(nfd(text))
    assert a.norm == b.norm
    assert a.fold == b.fold


@given(st.one_of(viet_texts, any_texts))
def test_fold_of_norm_is_the_view_fold(text: str) -> None:
    v = make_view(text)
    assert unicodedata.is_normalized("NFC", v.norm)
    assert fold(v.norm) == v.fold


@given(st.one_of(viet_texts, st.text()))
def test_canonical_spelling_idempotent(text: str) -> None:
    once = canonical_spelling(text)
    assert canonical_spelling(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert fold(once) == fold(text)


@given(st.text())
def test_fold_length(text: str) -> None:
    assume(unicodedata.is_normalized("NFC", text))
    assert len(fold(text)) == len(text)


def test_nfc_classes_are_those_of_every_code_point_one_by_one() -> None:
    """The chunked reading of the NFC classes gives the sets a plain loop over every code
    point gives (the definition in :func:`textview._nfc_cluster_re`)."""
    second = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                second.add(int(parts[1], 16))

    def attaches_backward(c: str) -> bool:
        return unicodedata.combining(c) != 0 or ord(c) in second

    backward, changed = set(), set()
    for cp in itertools.chain(range(0xD800), range(0xE000, 0x110000)):
        c = chr(cp)
        if attaches_backward(c) or attaches_backward(unicodedata.normalize("NFD", c)[0]):
            backward.add(cp)
        elif not unicodedata.is_normalized("NFC", c):
            changed.add(cp)
    assert textview._nfc_classes() == (backward, changed)


def _after_list_marker(text: str, tab: int) -> bool:
    from policykg.graph.textview import _LIST_TAB

    line_start = text.rfind("\n", 0, tab) + 1
    m = _LIST_TAB.match(text, line_start)
    return m is not None and m.end() == tab + 1
