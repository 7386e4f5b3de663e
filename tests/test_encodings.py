"""Tests for policykg.graph.encodings: legacy Vietnamese encodings and their detection."""

from __future__ import annotations

import doctest
import hashlib
import random
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg.graph import encodings
from policykg.graph.encodings import (
    ENCODINGS,
    TCVN3_TABLE,
    VNI_TABLE,
    decode_legacy,
    decode_tcvn3,
    decode_vni,
    decode_windows1258,
    detect_legacy,
    encode_legacy,
    encode_tcvn3,
    encode_vni,
    encode_windows1258,
    guess_legacy,
    is_vietnamese_syllable,
    vietnamese_letters,
)
from policykg.graph.read import UnreadableDocument, read_source

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))
LEGACY = sorted(ENCODINGS)

LETTERS = vietnamese_letters()
LOWER = LETTERS[:67]
UPPER = LETTERS[67:]
TCVN3_UPPER = list("ĂÂÊÔƠƯĐ")  # the only capitals with diacritics TCVN3 (VN3) has
NO_TCVN3 = [c for c in UPPER if c not in TCVN3_UPPER]


def tcvn3_form(text: str) -> str:
    """What a TCVN3 file can hold of ``text``: capitals with a tone become lowercase."""
    return "".join(c.lower() if c in NO_TCVN3 else c for c in text)


def corpus_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def paragraph() -> str:
    """A real paragraph of the corpus (no capital with a tone, so TCVN3 holds it exactly)."""
    text = corpus_text(CORPUS / "haiphong-2018-kh435-ubnd.txt")
    start = text.index("Thực hiện Kết luận số 13-KL/TU")
    para = text[start : text.index("\n", start)]
    assert len(para) > 300
    assert not set(para) & set(NO_TCVN3)
    return para


def test_doctests() -> None:
    result = doctest.testmod(encodings)
    assert result.attempted > 10
    assert result.failed == 0


# --------------------------------------------------------------------------- tables


def test_the_letters() -> None:
    assert len(LETTERS) == len(set(LETTERS)) == 134
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in LETTERS)
    assert [c.upper() for c in LOWER] == UPPER
    assert {"đ", "ă", "â", "ê", "ô", "ơ", "ư", "ỵ", "ữ"} <= set(LOWER)


def test_tcvn3_table() -> None:
    assert len(TCVN3_TABLE) == 74
    assert sorted(TCVN3_TABLE.values()) == sorted(LOWER + TCVN3_UPPER)
    assert all(0xA1 <= b <= 0xFE for b in TCVN3_TABLE)
    # Spot checks against the familiar look of TCVN3 text read as Windows-1252.
    assert decode_tcvn3("Céng hßa x· héi chñ nghÜa ViÖt Nam".encode("cp1252")) == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert decode_tcvn3("§éc lËp - Tù do - H¹nh phóc".encode("cp1252")) == (
        "Độc lập - Tự do - Hạnh phúc"
    )
    assert decode_tcvn3("ng­êi ®­îc tr­ëng".encode("cp1252")) == "người được trưởng"


def test_vni_table() -> None:
    assert len(VNI_TABLE) == 134
    assert sorted(VNI_TABLE.values()) == sorted(LETTERS)
    assert all(1 <= len(code) <= 2 for code in VNI_TABLE)
    assert decode_vni("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".encode("cp1252")) == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert decode_vni("ÑOÄC LAÄP - TÖÏ DO - HAÏNH PHUÙC".encode("cp1252")) == (
        "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"
    )
    assert decode_vni("ngöôøi ñöôïc tröôûng".encode("cp1252")) == "người được trưởng"


def test_vni_diacritic_of_the_other_case_takes_the_vowels_case() -> None:
    assert decode_vni("Aù aÙ UÛy Uûy".encode("cp1252")) == "Á á Ủy Ủy"


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("encoding", ["vni", "windows-1258"])
def test_every_letter_round_trips(encoding: str) -> None:
    for letter in LETTERS:
        raw = encode_legacy(letter, encoding)
        assert decode_legacy(raw, encoding) == letter, (encoding, letter, raw)
    text = " ".join(LETTERS)
    assert decode_legacy(encode_legacy(text, encoding), encoding) == text


def test_every_tcvn3_letter_round_trips() -> None:
    for letter in LOWER + TCVN3_UPPER:
        raw = encode_tcvn3(letter)
        assert len(raw) == 1
        assert decode_tcvn3(raw) == letter
    text = "".join(LOWER + TCVN3_UPPER)
    assert decode_tcvn3(encode_tcvn3(text)) == text


@pytest.mark.parametrize("letter", NO_TCVN3)
def test_tcvn3_capitals_with_a_tone(letter: str) -> None:
    with pytest.raises(UnicodeEncodeError, match="errors='lower'"):
        encode_tcvn3(f"a {letter}")
    assert encode_tcvn3(letter, errors="lower") == encode_tcvn3(letter.lower())
    assert encode_tcvn3(letter, errors="replace") == b"?"


def test_windows1258_writes_tone_marks_as_combining_bytes() -> None:
    raw = encode_windows1258("Việt Nam hoá Ở")
    assert raw == b"Vi\xea\xf2t Nam ho\xe1 \xd5\xd2"
    assert decode_windows1258(raw) == "Việt Nam hoá Ở"
    # Python's codec gives the tone marks as combining characters; decoding composes them.
    assert b"a\xcc".decode("cp1258") == "a\u0300"
    assert decode_windows1258(b"a\xcc \xc2\xec") == "à Ấ"


@pytest.mark.parametrize("encoding", LEGACY)
def test_a_real_paragraph_round_trips(encoding: str) -> None:
    para = paragraph()
    raw = encode_legacy(para, encoding)
    assert not raw.isascii()
    assert decode_legacy(raw, encoding) == para


@pytest.mark.parametrize("encoding", LEGACY)
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_files_round_trip(path: Path, encoding: str) -> None:
    text = corpus_text(path)
    raw = encode_legacy(text, encoding, errors="lower")
    expected = tcvn3_form(text) if encoding == "tcvn3" else text
    assert decode_legacy(raw, encoding) == expected


def test_unencodable_characters() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode_vni("a ä b")  # 0xE4 is a VNI diacritic byte
    assert encode_vni("a ä b", errors="replace") == b"a ? b"
    assert encode_vni("“x” – ç") == "“x” – ç".encode("cp1252")
    with pytest.raises(UnicodeEncodeError):
        encode_tcvn3("ä")  # 0xE4 is ọ in TCVN3
    with pytest.raises(UnicodeEncodeError):
        encode_windows1258("中")
    with pytest.raises(ValueError, match="errors must be one of"):
        encode_vni("a", errors="ignore")
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        encode_legacy("a", "viscii")
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        decode_legacy(b"a", "viscii")


# --------------------------------------------------------------------------- read_source


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", LEGACY)
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_read_source_decodes_legacy_corpus_files(tmp_path: Path, path: Path, encoding: str) -> None:
    text = corpus_text(path)
    raw = encode_legacy(text, encoding, errors="lower")
    src = read_source(write(tmp_path, raw), name=f"corpus/{path.name}")
    assert src.encoding == encoding
    assert src.text == (tcvn3_form(text) if encoding == "tcvn3" else text)
    assert unicodedata.is_normalized("NFC", src.text)
    assert src.sha256 == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("encoding", LEGACY)
def test_read_source_gives_the_utf8_text_exactly(tmp_path: Path, encoding: str) -> None:
    text = "Số: 435/KH-UBND\r\n" + paragraph() + "\r\n“Hải Phòng”, ngày 23/5/2018\r\n"
    utf8 = read_source(write(tmp_path, text.encode(), "u.txt"))
    legacy = read_source(write(tmp_path, encode_legacy(text, encoding)))
    assert utf8.encoding == "utf-8"
    assert legacy.encoding == encoding
    assert legacy.text == utf8.text == text


def test_utf8_still_wins(tmp_path: Path) -> None:
    text = "Kế hoạch số 435/KH-UBND ngày 23/5/2018 của Ủy ban nhân dân\n"
    assert read_source(write(tmp_path, text.encode())).encoding == "utf-8"


def garbled(text: str) -> bytes:
    """``text`` in TCVN3 with every third word's letters scrambled into other TCVN3 bytes."""
    out = []
    for i, word in enumerate(text.split(" ")):
        raw = encode_tcvn3(word, errors="lower")
        if i % 3 == 2 and not raw.isascii():
            raw = bytes(b ^ 0x07 if b >= 0xA8 else b for b in raw)
        out.append(raw)
    return b" ".join(out)


def test_a_garbled_file_is_refused_naming_the_suspect_and_line(tmp_path: Path) -> None:
    text = corpus_text(CORPUS / "hcm-2008-kh-thuc-hien-ct07-tu.txt")
    raw = b"PLAN 07\r\nno. 1\r\n" + garbled(text)
    guess = guess_legacy(raw)
    assert guess.encoding == "tcvn3"
    assert not guess.clear
    assert 0.25 < guess.share("tcvn3") < 0.8
    assert detect_legacy(raw) is None
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="corpus/old.txt")
    e = info.value
    bad = raw.index(next(bytes([b]) for b in raw if b >= 0x80))
    assert e.line == 3
    assert e.reason.startswith(f"not valid UTF-8 (byte 0x{raw[bad]:02X} at offset {bad}); ")
    assert "it looks like TCVN3 (ABC) but too many words are not Vietnamese syllables" in e.reason
    assert e.reason.endswith("convert it to UTF-8 (e.g. with UniKey's converter) and build again")
    assert str(e).startswith("corpus/old.txt, line 3: not valid UTF-8")
    assert "\n" not in str(e)


def test_an_ambiguous_file_names_both_suspects(tmp_path: Path) -> None:
    raw = b"Noi nhan:\n- L\xf6u VT.\n"  # "Lưu" in VNI, "Lửu" in TCVN3
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="x.txt")
    assert info.value.line == 2
    reason = info.value.reason
    assert "cannot tell which" in reason
    assert "could be VNI-Windows or TCVN3 (ABC)" in reason or (
        "could be TCVN3 (ABC) or VNI-Windows" in reason
    )
    assert "UniKey" in info.value.reason


def test_a_non_vietnamese_8bit_file_is_refused(tmp_path: Path) -> None:
    raw = "Rapport\nLe développement économique de la région a été présenté.\n".encode("latin-1")
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="fr.txt")
    e = info.value
    assert e.line == 2
    assert e.reason.startswith("not valid UTF-8 (byte 0xE9 at offset 12); ")
    assert "not a Vietnamese legacy encoding either (closest: " in e.reason
    assert e.reason.endswith("save the file as UTF-8 or UTF-16 with a BOM")


def test_mostly_utf8_with_a_bad_byte_keeps_the_utf8_message(tmp_path: Path) -> None:
    raw = "Sở Tài chính, Sở Kế hoạch\n".encode() + b"x\xf4y\n"
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="x.txt")
    assert info.value.line == 2
    assert info.value.reason.startswith("not valid UTF-8 (byte 0xF4 at offset ")
    assert "legacy" not in info.value.reason


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("encoding", LEGACY)
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_detection_on_corpus_files(path: Path, encoding: str) -> None:
    raw = encode_legacy(corpus_text(path), encoding, errors="lower")
    assert detect_legacy(raw) == encoding
    guess = guess_legacy(raw)
    assert guess.share(encoding) > 0.95
    assert all(guess.share(e) < 0.5 for e in LEGACY if e != encoding)


@pytest.mark.parametrize("encoding", LEGACY)
def test_detection_on_single_lines_is_never_wrong(encoding: str) -> None:
    """Short texts may be undecided, but never decided wrongly."""
    right = undecided = 0
    for path in CORPUS_FILES:
        for line in corpus_text(path).splitlines():
            if line.isascii():
                continue
            found = detect_legacy(encode_legacy(line, encoding, errors="lower"))
            assert found in (encoding, None), line
            right += found == encoding
            undecided += found is None
    assert right > 20 * undecided


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_no_legacy_claim_on_utf8(path: Path) -> None:
    raw = path.read_bytes()
    assert detect_legacy(raw) is None
    assert guess_legacy(raw).utf8
    assert detect_legacy(unicodedata.normalize("NFD", corpus_text(path)).encode()) is None


def test_no_legacy_claim_on_french_latin1() -> None:
    french = (
        "Le développement économique de la région a été présenté à la réunion du conseil "
        "municipal. Où sont les élèves ? Très bien, merci. Ça va être déjà fait, là-bas, "
        "près de la forêt. L'été dernier, nous sommes allés à la mer avec mon père et ma "
        "mère ; le maître d'œuvre a reçu la lettre à Noël.\n"
    )
    raw = (french * 30).encode("latin-1", errors="replace")
    assert detect_legacy(raw) is None
    assert detect_legacy(french.encode("cp1252")) is None


@pytest.mark.parametrize("seed", range(5))
def test_no_legacy_claim_on_random_bytes(seed: int) -> None:
    rng = random.Random(seed)
    for size in (50, 2_000, 300_000):
        assert detect_legacy(rng.randbytes(size)) is None


@pytest.mark.parametrize(
    "word", ["nghiêng", "quyết", "quỳnh", "giếng", "gì", "khuỷu", "người", "rượu", "thuở"]
)
def test_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize(
    "word", ["cña", "coäng", "hoàt", "phơì", "lửuu", "vit", "tiêngs", "đđ", "ừơ", "aáa"]
)
def test_not_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_detection_on_a_50mb_file_reads_a_sample() -> None:
    one = encode_vni(corpus_text(CORPUS / "hcm-2021-qd3064-ubnd.txt"))
    raw = one * (50_000_000 // len(one) + 1)
    start = time.perf_counter()
    assert detect_legacy(raw) == "vni"
    assert time.perf_counter() - start < 5
    windows = encodings._sample(raw, 0)
    assert sum(map(len, windows)) <= 200_000


# --------------------------------------------------------------------------- properties


@given(st.binary(max_size=2_000))
@settings(max_examples=300)
def test_decoders_never_raise(raw: bytes) -> None:
    for encoding in LEGACY:
        text = decode_legacy(raw, encoding)
        assert isinstance(text, str)
    assert len(decode_tcvn3(raw)) == len(raw)  # one character per byte
    assert decode_vni(raw) == decode_vni(raw)


@given(st.binary(max_size=5_000))
@settings(max_examples=300)
def test_detect_never_raises(raw: bytes) -> None:
    assert detect_legacy(raw) in (None, *LEGACY)
    guess_legacy(raw).explain()


@given(st.integers(0, 2**32))
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_detect_is_fast_on_a_megabyte_of_random_bytes(seed: int) -> None:
    raw = random.Random(seed).randbytes(1 << 20)
    start = time.perf_counter()
    assert detect_legacy(raw) is None
    assert time.perf_counter() - start < 2


_TEXT = "".join(chr(c) for c in range(0x20, 0x7F)) + "\n\t“”‘’–—…\u00a0"


@given(st.text(alphabet=_TEXT + "".join(LETTERS), max_size=300))
def test_vni_and_windows1258_round_trip_any_text(text: str) -> None:
    assert decode_vni(encode_vni(text)) == text
    assert decode_windows1258(encode_windows1258(text)) == text


@given(st.text(alphabet=_TEXT + "".join(LOWER + TCVN3_UPPER), max_size=300))
def test_tcvn3_round_trips_any_text_it_can_hold(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text)) == text
