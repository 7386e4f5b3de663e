"""Read corpus files as text, exactly.

:func:`read_source` turns the bytes of a corpus file into a :class:`SourceText`. The decoded
text keeps *every* character of the file (CRLF line ends, NFD letters, HTML fragments): only a
leading byte-order mark is dropped. All offsets elsewhere in policykg are code-point offsets
into :attr:`SourceText.text`; normalisation happens later, in :mod:`policykg.graph.textview`,
which keeps a map back to these offsets.

Decoding is a chain of small steps, each of which either decides or passes:

1. a byte-order mark decides the Unicode encoding (UTF-8, UTF-16 LE/BE);
2. the bytes are checked for being binary (NUL bytes, many control bytes);
3. the fallback decoders in :data:`DECODERS` are tried in order: legacy Vietnamese encodings
   (Windows-1258, TCVN3, VNI; see :mod:`policykg.graph.encodings`) for bytes that are not
   UTF-8, then UTF-8.

A decoder returns ``None`` when the bytes are not its encoding.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePath

from policykg.graph.encodings import decode_legacy, guess_legacy
from policykg.ontology.errors import PolicyKGError

__all__ = [
    "DECODERS",
    "Decoded",
    "Decoder",
    "SourceText",
    "UnreadableDocument",
    "read_source",
]

_FIX = "save the file as UTF-8 or UTF-16 with a BOM"

# Control characters that make a file look binary: C0 controls except the usual whitespace
# (tab, LF, VT, FF, CR), DEL, and the C1 block.
_TEXT_CONTROLS = "\t\n\x0b\x0c\r"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes(b for b in range(0x20) if chr(b) not in _TEXT_CONTROLS) + b"\x7f"
# A file is binary when more than this share of its (sampled) characters are controls.
_MAX_CONTROL_SHARE = 0.05
_SAMPLE = 1 << 20  # characters / bytes sampled for the control-share test

_LINE_END_RE = re.compile(r"\r\n|\r|\n")


class UnreadableDocument(PolicyKGError):
    """A corpus file could not be read as text.

    ``str(e)`` is one line: the file, the line when known, the reason and, where there is one,
    the fix.

    >>> e = UnreadableDocument("corpus/x.txt", "empty file")
    >>> str(e)
    'corpus/x.txt: empty file'
    >>> str(UnreadableDocument("corpus/x.txt", "not valid UTF-8", line=12))
    'corpus/x.txt, line 12: not valid UTF-8'
    >>> (e.file, e.line, e.reason)
    ('corpus/x.txt', None, 'empty file')
    """

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        super().__init__(file, reason, line)
        self.file = file
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class SourceText:
    """The decoded text of one corpus file.

    ``text`` is exactly the file's characters without the byte-order mark; ``sha256`` is the
    digest of the raw bytes, so provenance can name the exact file version.

    >>> src = SourceText("a.txt", Path("a.txt"), "one\\r\\ntwo\\nthree", "utf-8", "0" * 64)
    >>> [src.line_of(i) for i in (0, 3, 4, 5, 8, 9)]
    [1, 1, 1, 2, 2, 3]
    """

    name: str
    path: Path
    text: str = field(repr=False)
    encoding: str
    sha256: str

    @cached_property
    def _line_starts(self) -> array[int]:
        starts = array("q", [0])
        starts.extend(m.end() for m in _LINE_END_RE.finditer(self.text))
        return starts

    def line_of(self, offset: int) -> int:
        """Return the 1-based line number of a code-point ``offset`` into :attr:`text`.

        LF, CRLF and CR each end a line; the line end belongs to the line it ends, and
        ``offset == len(text)`` belongs to the last line.

        >>> SourceText("a", Path("a"), "a\\rb\\r\\nc", "utf-8", "").line_of(5)
        3
        """
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} outside 0..{len(self.text)} of {self.name}")
        return bisect_right(self._line_starts, offset)


# --------------------------------------------------------------------------- decoding


@dataclass(frozen=True)
class Decoded:
    """What a decoder found: the text (without BOM) and the encoding's name."""

    text: str
    encoding: str


Decoder = Callable[[bytes, str], Decoded | None]
"""A decoder gets the raw bytes and the file name; it returns ``None`` to pass."""

_BOMS: tuple[tuple[bytes, str | None, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, None, "UTF-32"),
    (codecs.BOM_UTF32_BE, None, "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16-BE"),
)
_CODEC = {"utf-8-sig": "utf-8", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be"}


def _count_lines(raw: bytes, end: int) -> int:
    """1-based line number of byte ``end`` of an ASCII-compatible byte string."""
    return 1 + raw.count(b"\n", 0, end) + raw.count(b"\r", 0, end) - raw.count(b"\r\n", 0, end)


def _decode_strict(raw: bytes, bom: int, codec: str, label: str, name: str) -> str:
    try:
        return raw[bom:].decode(codec)
    except UnicodeDecodeError as exc:
        at = bom + exc.start
        if codec == "utf-8":
            line = _count_lines(raw, at)
        else:
            prefix = raw[bom:at].decode(codec, errors="replace")
            line = 1 + len(_LINE_END_RE.findall(prefix))
        bad = raw[at]
        raise UnreadableDocument(
            name, f"not valid {label} (byte 0x{bad:02X} at offset {at}); {_FIX}", line=line
        ) from None


def _decode_with_bom(raw: bytes, name: str) -> Decoded | None:
    for bom, encoding, label in _BOMS:
        if raw.startswith(bom):
            if encoding is None:
                raise UnreadableDocument(name, f"{label} text is not supported; {_FIX}")
            if encoding == "utf-8-sig":
                _reject_binary_bytes(raw[len(bom) :], name)
            text = _decode_strict(raw, len(bom), _CODEC[encoding], label, name)
            return Decoded(text, encoding)
    return None


def _decode_utf8(raw: bytes, name: str) -> Decoded | None:
    return Decoded(_decode_strict(raw, 0, "utf-8", "UTF-8", name), "utf-8")


def _decode_legacy(raw: bytes, name: str) -> Decoded | None:
    """Bytes that are not UTF-8, in a legacy Vietnamese encoding; passes on UTF-8.

    Valid UTF-8, and UTF-8 with a few bad bytes, are left to :func:`_decode_utf8`. Otherwise
    the encoding that clearly reads the text as Vietnamese decodes it; when none does, the
    file is refused at its first non-UTF-8 byte, naming the encoding it most looks like.
    """
    guess = guess_legacy(raw)
    if guess.utf8:
        return None
    if guess.clear and guess.encoding is not None:
        return Decoded(decode_legacy(raw, guess.encoding), guess.encoding)
    at = guess.bad_offset or 0
    fix = _FIX
    if guess.encoding is not None:
        fix = "convert it to UTF-8 (e.g. with UniKey's converter) and build again"
    reason = f"not valid UTF-8 (byte 0x{raw[at]:02X} at offset {at}); {guess.explain()}; {fix}"
    raise UnreadableDocument(name, reason, line=_count_lines(raw, at))


DECODERS: list[Decoder] = [_decode_legacy, _decode_utf8]
"""Decoders tried, in order, on bytes without a byte-order mark once they are known not to be
binary. UTF-8 comes first in effect: the legacy decoder passes on UTF-8. The last one raises
:class:`UnreadableDocument` instead of passing."""


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _looks_like_utf16(raw: bytes) -> bool:
    """NUL bytes on one parity only: UTF-16 text (mostly ASCII) saved without a BOM."""
    sample = raw[:4096]
    even, odd = sample[0::2], sample[1::2]
    return len(sample) >= 4 and (
        (even.count(0) == 0 and odd.count(0) > len(odd) // 2)
        or (odd.count(0) == 0 and even.count(0) > len(even) // 2)
    )


def _reject_binary_bytes(raw: bytes, name: str) -> None:
    if b"\x00" in raw:
        first = raw.index(b"\x00")
        if raw.count(b"\x00") <= 8 and _is_utf8(raw.replace(b"\x00", b"")):
            raise UnreadableDocument(
                name,
                f"a NUL byte (0x00) at offset {first} inside otherwise good text; remove it "
                "and build again",
                _count_lines(raw, first),
            )
        reason = "binary file, not text"
        if _looks_like_utf16(raw):
            reason += f" (it looks like UTF-16 without a byte-order mark; {_FIX})"
        raise UnreadableDocument(name, reason)
    sample = raw[:_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise UnreadableDocument(name, "binary file, not text")


def _reject_binary_text(text: str, name: str) -> None:
    sample = text[:_SAMPLE]
    controls = len(_CONTROL_RE.findall(sample))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise UnreadableDocument(name, "binary file, not text")


def _decode(raw: bytes, name: str) -> Decoded:
    decoded = _decode_with_bom(raw, name)
    if decoded is None:
        _reject_binary_bytes(raw, name)
        for decoder in DECODERS:
            decoded = decoder(raw, name)
            if decoded is not None:
                break
        else:  # pragma: no cover - the last decoder never passes
            raise UnreadableDocument(name, f"unknown text encoding; {_FIX}")
    return decoded


def read_source(path: Path, *, name: str | None = None) -> SourceText:
    """Read and decode one corpus file.

    ``name`` is how provenance refers to the file (a posix relative path such as
    ``corpus/x.txt``); it defaults to ``path`` in posix form. Raises
    :class:`UnreadableDocument` for a missing, empty, binary or undecodable file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d, "x.txt")
    ...     _ = p.write_bytes(b"\\xef\\xbb\\xbfS\\xe1\\xbb\\x91: 1\\r\\n")
    ...     src = read_source(p, name="corpus/x.txt")
    >>> (src.name, src.encoding, src.text)
    ('corpus/x.txt', 'utf-8-sig', 'Số: 1\\r\\n')
    """
    path = Path(path)
    label = name if name is not None else PurePath(path).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(label, f"cannot open the file ({exc.strerror or exc})") from None
    if not raw:
        raise UnreadableDocument(label, "empty file")
    decoded = _decode(raw, label)
    if not decoded.text.replace("\ufeff", "").strip():
        raise UnreadableDocument(label, "empty file")
    _reject_binary_text(decoded.text, label)
    return SourceText(
        name=label,
        path=path,
        text=decoded.text,
        encoding=decoded.encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
