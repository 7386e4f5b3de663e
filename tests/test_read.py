"""Tests for policykg.graph.read: decoding corpus files exactly."""

from __future__ import annotations

import codecs
import doctest
import hashlib
import pickle
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph import read
from policykg.graph.read import SourceText, UnreadableDocument, read_source
from policykg.ontology.errors import PolicyKGError

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))

FIX = "save the file as UTF-8 or UTF-16 with a BOM"


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_doctests() -> None:
    result = doctest.testmod(read)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------- encodings


def test_plain_utf8(tmp_path: Path) -> None:
    data = "Kế hoạch số 435/KH-UBND\nngày 23/5/2018\n".encode()
    src = read_source(write(tmp_path, data), name="corpus/hp.txt")
    assert src.name == "corpus/hp.txt"
    assert src.encoding == "utf-8"
    assert src.text == data.decode("utf-8")
    assert src.sha256 == hashlib.sha256(data).hexdigest()
    assert src.path == tmp_path / "doc.txt"


def test_bom_crlf_nfd_offsets(tmp_path: Path) -> None:
    nfc = "Số: 3064/QĐ-UBND\r\nỦy ban nhân dân\r\nSở Tài chính\r\n"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    raw = codecs.BOM_UTF8 + nfd.encode("utf-8")
    src = read_source(write(tmp_path, raw))

    assert src.encoding == "utf-8-sig"
    assert src.text == nfd  # BOM gone, CRLF and NFD kept
    assert "\ufeff" not in src.text
    assert src.text.count("\r\n") == 3
    assert src.sha256 == hashlib.sha256(raw).hexdigest()

    # Offsets are code points of the NFD text: "Số" is four code points (S o ◌̂ ◌́), not two.
    number = src.text.index("3064")
    assert number == len(unicodedata.normalize("NFD", "Số: "))
    assert number == 6
    so = src.text.index(unicodedata.normalize("NFD", "Sở"))
    assert src.text[so : so + 4] == "So\u031b\u0309"
    assert src.line_of(number) == 1
    assert src.line_of(so) == 3
    assert src.line_of(src.text.index("\r\n")) == 1  # the line end belongs to its line
    assert src.line_of(src.text.index("\r\n") + 1) == 1  # the LF of a CRLF too
    assert src.line_of(src.text.index("\r\n") + 2) == 2


@pytest.mark.parametrize(
    ("bom", "codec", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_utf16_with_bom(tmp_path: Path, bom: bytes, codec: str, encoding: str) -> None:
    text = "Chỉ thị 07-CT/TU\r\nKH&ĐT 😀\n"
    raw = bom + text.encode(codec)
    src = read_source(write(tmp_path, raw))
    assert src.encoding == encoding
    assert src.text == text
    assert src.sha256 == hashlib.sha256(raw).hexdigest()
    assert src.line_of(src.text.index("KH")) == 2


def test_utf32_is_refused(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF32_LE + "Kết luận".encode("utf-32-le")
    with pytest.raises(UnreadableDocument, match="UTF-32 text is not supported"):
        read_source(write(tmp_path, raw))


def test_default_name_is_posix_path(tmp_path: Path) -> None:
    path = write(tmp_path, b"abc\n")
    assert read_source(path).name == path.as_posix()


def test_accepts_str_path(tmp_path: Path) -> None:
    path = write(tmp_path, b"abc\n")
    assert read_source(str(path)).text == "abc\n"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \r\n\t\n",
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b"\n\n",
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE + " \n".encode("utf-16-be"),
        "\u00a0\n".encode(),
    ],
)
def test_empty_file(tmp_path: Path, raw: bytes) -> None:
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="corpus/empty.txt")
    assert info.value.reason == "empty file"
    assert info.value.line is None
    assert str(info.value) == "corpus/empty.txt: empty file"


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        bytes(range(1, 9)) * 20,
        b"text " + bytes([1, 2, 3, 4, 5, 6, 7, 8, 0x0E, 0x0F]) * 3,
    ],
)
def test_binary_file(tmp_path: Path, raw: bytes) -> None:
    with pytest.raises(UnreadableDocument, match=r"^bin\.dat: binary file, not text"):
        read_source(write(tmp_path, raw), name="bin.dat")


@pytest.mark.parametrize(
    ("raw", "line"),
    [(b"Ke hoach\x00 so 435", 1), (codecs.BOM_UTF8 + b"abc\ndef\x00", 2)],
)
def test_a_stray_nul_in_good_text_is_named_with_its_line(
    tmp_path: Path, raw: bytes, line: int
) -> None:
    with pytest.raises(UnreadableDocument, match=r"NUL byte \(0x00\)") as caught:
        read_source(write(tmp_path, raw), name="t.txt")
    assert caught.value.line == line


def test_binary_control_chars_in_utf16(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF16_LE + ("\x01\x02\x03\x04" * 10 + "abc").encode("utf-16-le")
    with pytest.raises(UnreadableDocument, match="binary file, not text"):
        read_source(write(tmp_path, raw))


def test_utf16_without_bom_gets_a_hint(tmp_path: Path) -> None:
    raw = "Kế hoạch số 435/KH-UBND ngày 23/5/2018\n".encode("utf-16-le")
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw))
    assert str(info.value).startswith(f"{tmp_path / 'doc.txt'}: binary file, not text")
    assert "UTF-16 without a byte-order mark" in info.value.reason


def test_a_few_controls_are_fine(tmp_path: Path) -> None:
    text = "Trang 1\x0c\nTrang 2\x0b\n" + "nội dung " * 20 + "\x1a"
    assert read_source(write(tmp_path, text.encode())).text == text


@pytest.mark.parametrize(
    ("before", "line"),
    [
        (b"", 1),
        (b"one\ntwo\n", 3),
        (b"one\r\ntwo\r\nthree ", 3),
        (b"one\rtwo\rthree\r", 4),
        (b"a\n\r\n\rb", 4),
    ],
)
def test_invalid_utf8_names_the_line(tmp_path: Path, before: bytes, line: int) -> None:
    prefix = "Sở Tài chính\n".encode()
    raw = prefix + before + b"Kh\xf4ng h\xf3a\n" + b"more\n"  # Windows-1258-ish bytes
    offset = len(prefix) + len(before) + 2
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="corpus/x.txt")
    e = info.value
    assert e.file == "corpus/x.txt"
    assert e.line == line + 1
    assert str(e) == (
        f"corpus/x.txt, line {line + 1}: not valid UTF-8 (byte 0xF4 at offset {offset}); {FIX}"
    )
    assert "\n" not in str(e)


def test_invalid_utf8_truncated_sequence(tmp_path: Path) -> None:
    raw = "ngày\n".encode() + "Sở".encode()[:-1]  # a cut multi-byte sequence at the end
    with pytest.raises(UnreadableDocument, match=r", line 2: not valid UTF-8 \(byte 0xE1 "):
        read_source(write(tmp_path, raw), name="f.txt")


def test_invalid_utf8_after_bom_counts_the_bom(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF8 + b"a\r\nb\xc3("
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="f.txt")
    assert info.value.line == 2
    assert "byte 0xC3 at offset 7" in str(info.value)


def test_invalid_utf16(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF16_LE + "a\r\nb\nc".encode("utf-16-le") + b"\x00\xd8" + b"x\x00"
    with pytest.raises(UnreadableDocument) as info:
        read_source(write(tmp_path, raw), name="f.txt")
    assert info.value.line == 3
    assert "not valid UTF-16-LE" in info.value.reason


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match=r"^corpus/none\.txt: cannot open the file"):
        read_source(tmp_path / "none.txt", name="corpus/none.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match="cannot open the file"):
        read_source(tmp_path)


def test_error_type_and_pickling() -> None:
    e = UnreadableDocument("corpus/x.txt", "empty file", line=3)
    assert isinstance(e, PolicyKGError)
    again = pickle.loads(pickle.dumps(e))
    assert (again.file, again.line, again.reason) == ("corpus/x.txt", 3, "empty file")
    assert str(again) == "corpus/x.txt, line 3: empty file"


# --------------------------------------------------------------------------- legacy hook


def test_decoders_are_pluggable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A legacy-encoding detector added in front of UTF-8 gets the bytes first."""

    def cp1258(raw: bytes, name: str) -> read.Decoded | None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return read.Decoded(raw.decode("cp1258"), "cp1258")
        return None

    monkeypatch.setattr(read, "DECODERS", [cp1258, *read.DECODERS])
    src = read_source(write(tmp_path, b"Kh\xf4ng\n"))
    assert (src.encoding, src.text) == ("cp1258", "Không\n")
    assert read_source(write(tmp_path, "Không\n".encode(), "u.txt")).encoding == "utf-8"


# --------------------------------------------------------------------------- line_of


def test_line_of_mixed_line_ends() -> None:
    text = "a\nb\r\nc\rd"
    src = SourceText("t", Path("t"), text, "utf-8", "")
    assert [src.line_of(i) for i in range(len(text) + 1)] == [1, 1, 2, 2, 2, 3, 3, 4, 4]
    with pytest.raises(ValueError):
        src.line_of(-1)
    with pytest.raises(ValueError):
        src.line_of(len(text) + 1)


@given(st.text(alphabet="ab\r\n", max_size=60))
def test_line_of_matches_splitlines(text: str) -> None:
    src = SourceText("t", Path("t"), text, "utf-8", "")
    expected: list[int] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        expected.extend([number] * len(line))
    assert [src.line_of(i) for i in range(len(text))] == expected


def test_repr_omits_text() -> None:
    src = SourceText("t", Path("t"), "x" * 10_000, "utf-8", "abc")
    assert "xxxx" not in repr(src)
    assert "name='t'" in repr(src)


# --------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_file_reads(path: Path) -> None:
    src = read_source(path, name=f"corpus/{path.name}")
    raw = path.read_bytes()
    assert src.encoding == "utf-8"
    assert src.text == raw.decode("utf-8")
    assert src.sha256 == hashlib.sha256(raw).hexdigest()
    assert "\r" not in src.text
    assert src.line_of(len(src.text)) == src.text.count("\n") + 1


def test_corpus_is_there() -> None:
    assert len(CORPUS_FILES) == 4
