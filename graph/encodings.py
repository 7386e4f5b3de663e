"""Legacy 8-bit Vietnamese encodings: converters and a detector.

Government files from before Unicode arrive in one of three 8-bit encodings:

* **Windows-1258** (Microsoft's Vietnamese code page): a Latin-1-like code page with a few
  precomposed letters (``â``, ``ơ``, ``đ``...) and the five tone marks as *combining*
  characters, so ``ế`` is ``ê`` + a combining acute. Decoding composes the result to NFC.
* **TCVN3 (ABC)**, the 8-bit "VN3" subset of TCVN 5712:1993 used by the ``.VnTime`` fonts:
  one byte per letter. It has all 67 lowercase letters with diacritics but only seven
  uppercase ones (``Ă Â Ê Ô Ơ Ư Đ``); capitals with a tone were typed with the lowercase byte
  in a capital font (``.VnTimeH``), so they decode as lowercase.
* **VNI-Windows** (the ``VNI-Times`` fonts): one or two bytes per letter, an ASCII vowel
  followed by a byte carrying the diacritics (``aù`` is ``á``), plus single bytes for
  ``đ ơ ư`` and some ``i``/``y`` letters.

Bytes that are not letters of TCVN3 or VNI are read as Windows-1252, as the fonts were used
under Windows (curly quotes, dashes, no-break space); bytes no code page defines become the C1
control of the same value, so decoding never fails and never loses a byte.

:func:`detect_legacy` tells these apart by decoding a sample with each and counting how many
words come out as well-formed Vietnamese syllables (:func:`is_vietnamese_syllable`).

>>> decode_tcvn3(b"C\\xe9ng h\\xdfa x\\xb7 h\\xe9i ch\\xf1 ngh\\xdca Vi\\xd6t Nam")
'Cộng hòa xã hội chủ nghĩa Việt Nam'
>>> decode_vni(b"Co\\xe4ng ho\\xf8a xa\\xf5 ho\\xe4i chu\\xfb ngh\\xf3a Vie\\xe4t Nam")
'Cộng hòa xã hội chủ nghĩa Việt Nam'
>>> decode_windows1258(b"C\\xf4\\xf2ng ho\\xcca xa\\xde h\\xf4\\xf2i chu\\xd2 nghi\\xdea")
'Cộng hòa xã hội chủ nghĩa'
>>> detect_legacy("Số 24 về phát triển kinh tế tập thể".encode("utf-8")) is None
True
>>> detect_legacy(encode_tcvn3("Số 24 về phát triển kinh tế tập thể"))
'tcvn3'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

__all__ = [
    "ENCODINGS",
    "TCVN3_TABLE",
    "VNI_TABLE",
    "LegacyGuess",
    "decode_legacy",
    "decode_tcvn3",
    "decode_vni",
    "decode_windows1258",
    "detect_legacy",
    "encode_legacy",
    "encode_tcvn3",
    "encode_vni",
    "encode_windows1258",
    "guess_legacy",
    "is_vietnamese_syllable",
    "vietnamese_letters",
]

ENCODINGS: dict[str, str] = {
    "windows-1258": "Windows-1258",
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI-Windows",
}
"""The legacy encodings, by the name :class:`SourceText.encoding` uses, with a label for
messages."""

# --------------------------------------------------------------------------- tables

# TCVN 5712:1993, table VN3 (the "ABC" 8-bit set of the .VnTime fonts): byte -> letter.
# VN3 leaves out the uppercase letters with a tone mark that VN1 puts in the C0/C1 areas and
# in the gaps of this table (0xAF, 0xBA, 0xBF-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0, 0xFF) and its
# combining tone marks (0xB0-0xB4); those bytes are read as Windows-1252 here.
TCVN3_TABLE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# VNI-Windows (VNI Software's font encoding, VNI-Times etc.), lowercase letters: bytes ->
# letter. A vowel is an ASCII letter (or the single-byte ơ 0xF4 / ư 0xF6) followed by a byte
# for its diacritics: 0xF9 acute, 0xF8 grave, 0xFB hook, 0xF5 tilde, 0xEF dot below,
# 0xE2 circumflex (0xE1 0xE0 0xE5 0xE3 0xE4 with a tone), 0xEA breve (0xE9 0xE8 0xFA 0xFC
# 0xEB with a tone). Some letters are single bytes: í ì ỉ ĩ ị, ỵ, ơ, ư, đ.
_VNI_LOWER: dict[bytes, str] = {
    b"a\xf9": "á", b"a\xf8": "à", b"a\xfb": "ả", b"a\xf5": "ã", b"a\xef": "ạ",
    b"a\xea": "ă", b"a\xe9": "ắ", b"a\xe8": "ằ", b"a\xfa": "ẳ", b"a\xfc": "ẵ", b"a\xeb": "ặ",
    b"a\xe2": "â", b"a\xe1": "ấ", b"a\xe0": "ầ", b"a\xe5": "ẩ", b"a\xe3": "ẫ", b"a\xe4": "ậ",
    b"e\xf9": "é", b"e\xf8": "è", b"e\xfb": "ẻ", b"e\xf5": "ẽ", b"e\xef": "ẹ",
    b"e\xe2": "ê", b"e\xe1": "ế", b"e\xe0": "ề", b"e\xe5": "ể", b"e\xe3": "ễ", b"e\xe4": "ệ",
    b"\xed": "í", b"\xec": "ì", b"\xe6": "ỉ", b"\xf3": "ĩ", b"\xf2": "ị",
    b"o\xf9": "ó", b"o\xf8": "ò", b"o\xfb": "ỏ", b"o\xf5": "õ", b"o\xef": "ọ",
    b"o\xe2": "ô", b"o\xe1": "ố", b"o\xe0": "ồ", b"o\xe5": "ổ", b"o\xe3": "ỗ", b"o\xe4": "ộ",
    b"\xf4": "ơ", b"\xf4\xf9": "ớ", b"\xf4\xf8": "ờ", b"\xf4\xfb": "ở", b"\xf4\xf5": "ỡ",
    b"\xf4\xef": "ợ",
    b"u\xf9": "ú", b"u\xf8": "ù", b"u\xfb": "ủ", b"u\xf5": "ũ", b"u\xef": "ụ",
    b"\xf6": "ư", b"\xf6\xf9": "ứ", b"\xf6\xf8": "ừ", b"\xf6\xfb": "ử", b"\xf6\xf5": "ữ",
    b"\xf6\xef": "ự",
    b"y\xf9": "ý", b"y\xf8": "ỳ", b"y\xfb": "ỷ", b"y\xf5": "ỹ", b"\xee": "ỵ",
    b"\xf1": "đ",
}  # fmt: skip


def _vni_upper(code: bytes) -> bytes:
    """The uppercase form of a VNI code: ASCII letters upper-cased, bytes 0xE0-0xFF less 0x20."""
    return bytes(b - 0x20 if b >= 0xE0 else bytes([b]).upper()[0] for b in code)


# VNI-Windows, all 134 letters: the uppercase codes are the lowercase ones with the ASCII
# letter capitalised and every byte from 0xE0 up moved down by 0x20 (``AÙ`` is ``Á``, ``Ñ``
# is ``Đ``), as in the VNI font layout.
VNI_TABLE: dict[bytes, str] = {
    **_VNI_LOWER,
    **{_vni_upper(code): letter.upper() for code, letter in _VNI_LOWER.items()},
}

# --------------------------------------------------------------------------- letters

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang huyền sắc hỏi ngã nặng
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def vietnamese_letters() -> list[str]:
    """The 134 Vietnamese letters with diacritics, lowercase then uppercase, in NFC.

    >>> letters = vietnamese_letters()
    >>> len(letters), letters[:3], letters[-1]
    (134, ['à', 'á', 'ả'], 'Đ')
    """
    lower = [
        unicodedata.normalize("NFC", vowel + tone)
        for vowel in _VOWELS
        for tone in _TONES
        if vowel + tone not in "aeiouy"
    ]
    lower.append("đ")
    return lower + [letter.upper() for letter in lower]


_VIETNAMESE_LETTERS = frozenset(vietnamese_letters())

# --------------------------------------------------------------------------- code pages


def _cp_table(codec: str) -> str:
    """A 256-character decoding table for ``codec``; undefined bytes map to ``chr(byte)``."""
    chars = (bytes([b]).decode(codec, errors="replace") for b in range(256))
    return "".join(chr(b) if c == "\ufffd" else c for b, c in enumerate(chars))


_CP1252 = _cp_table("cp1252")
_CP1258 = _cp_table("cp1258")
_TCVN3_DECODE = "".join(TCVN3_TABLE.get(b, _CP1252[b]) for b in range(256))


def _encoder_from(decode_table: str, *, reserved: frozenset[int] = frozenset()) -> dict[str, int]:
    """Inverse of a decoding table, without the bytes in ``reserved``."""
    return {c: b for b, c in enumerate(decode_table) if b not in reserved}


_TCVN3_ENCODE = _encoder_from(_TCVN3_DECODE)
# Bytes VNI uses inside letters: a Windows-1252 character on one of them would not round-trip.
_VNI_BYTES = frozenset(b for code in VNI_TABLE for b in code if b >= 0x80)
_VNI_ENCODE_OTHER = _encoder_from(_CP1252, reserved=_VNI_BYTES)
_VNI_ENCODE = {letter: code for code, letter in VNI_TABLE.items()}
_CP1258_ENCODE = _encoder_from(_CP1258)
_TONE_MARKS = frozenset(_TONES[1:])

# --------------------------------------------------------------------------- decoding


def decode_windows1258(raw: bytes) -> str:
    """Decode Windows-1258 bytes to NFC text; never raises.

    >>> decode_windows1258(b"Kh\\xf4ng h\\xf4\\xf2i ngh\\xea\\xf2 \\xd0\\xd5\\xec")
    'Không hội nghệ ĐỚ'
    """
    return unicodedata.normalize("NFC", codecs.charmap_decode(raw, "strict", _CP1258)[0])


def decode_tcvn3(raw: bytes) -> str:
    """Decode TCVN3 (ABC) bytes to NFC text; never raises.

    >>> decode_tcvn3(b"\\xa7\\xe9c l\\xcbp - T\\xf9 do - H\\xb9nh ph\\xf3c")
    'Độc lập - Tự do - Hạnh phúc'
    """
    return codecs.charmap_decode(raw, "strict", _TCVN3_DECODE)[0]


def _vni_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex matching one VNI code in Latin-1 text, and the letter of each match.

    A vowel followed by a diacritic byte it takes is one code (``ôù`` is ``ớ``, not ``ơ`` and
    ``ù``); a diacritic byte whose case differs from its vowel's (``Aù``, left by a "change
    case" command) still counts, and the letter takes the case of the vowel.
    """
    letters: dict[str, str] = {}
    marks: dict[str, set[str]] = {}
    for code, letter in VNI_TABLE.items():
        text = code.decode("latin-1")
        letters[text] = letter
        if len(code) == 2:
            for mark in (text[1].lower(), text[1].upper()):
                letters.setdefault(text[0] + mark, letter)
                marks.setdefault(text[0], set()).add(mark)
    singles = sorted(c for c in letters if len(c) == 1)
    pairs = [f"{re.escape(v)}[{''.join(sorted(m))}]" for v, m in sorted(marks.items())]
    return re.compile(f"({'|'.join(pairs)}|[{''.join(singles)}])"), letters


_VNI_RE, _VNI_DECODE = _vni_pattern()


def _vni_letters(raw: bytes, pattern: re.Pattern[str], other: str | None) -> str:
    # Split keeps each matched code at the odd indexes; a lookup per code, no Python callback.
    parts = pattern.split(codecs.charmap_decode(raw, "strict", _CP1252)[0])
    codes = parts[1::2]
    parts[1::2] = map(_VNI_DECODE.get, codes, codes if other is None else repeat(other))
    return "".join(parts)


def decode_vni(raw: bytes) -> str:
    """Decode VNI-Windows bytes to NFC text; never raises.

    >>> decode_vni(b"\\xd1o\\xe4c la\\xe4p - T\\xf6\\xef do - Ha\\xefnh phu\\xf9c")
    'Độc lập - Tự do - Hạnh phúc'
    >>> decode_vni("UÛY BAN".encode("cp1252"))
    'ỦY BAN'
    """
    return _vni_letters(raw, _VNI_RE, None)


_DECODERS = {
    "windows-1258": decode_windows1258,
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
}

# For scoring, a byte that an encoder of the encoding would never write for a letter but that
# Windows-1252 reads as one (TCVN3 0xC0 "À", a VNI diacritic byte with no vowel before it) is
# read as U+FFFD, so that it cannot make a mis-decoded word look Vietnamese.
_TCVN3_SCORE = "".join(
    "\ufffd" if b >= 0x80 and b not in TCVN3_TABLE and c.isalpha() else c
    for b, c in enumerate(_TCVN3_DECODE)
)
# Any byte from 0xC0 up that is not part of a VNI code.
_VNI_SCORE_RE = re.compile(_VNI_RE.pattern[:-1] + "|[\xc0-\xff])")


def _score_tcvn3(raw: bytes) -> str:
    return codecs.charmap_decode(raw, "strict", _TCVN3_SCORE)[0]


def _score_vni(raw: bytes) -> str:
    return _vni_letters(raw, _VNI_SCORE_RE, "\ufffd")


_SCORERS = {
    "windows-1258": decode_windows1258,
    "tcvn3": _score_tcvn3,
    "vni": _score_vni,
}


def decode_legacy(raw: bytes, encoding: str) -> str:
    """Decode ``raw`` with one of :data:`ENCODINGS` (by name); never raises on the bytes.

    >>> decode_legacy(b"\\xa7\\xe9c l\\xcbp", "tcvn3")
    'Độc lập'
    """
    try:
        decoder = _DECODERS[encoding]
    except KeyError:
        raise ValueError(f"unknown legacy encoding {encoding!r}") from None
    return decoder(raw)


# --------------------------------------------------------------------------- encoding

_ERRORS = ("strict", "replace", "lower")


def _fail(encoding: str, text: str, at: int, why: str) -> UnicodeEncodeError:
    return UnicodeEncodeError(encoding, text, at, at + 1, why)


def _encode(
    text: str, encoding: str, errors: str, one: dict[str, int], letters: dict[str, bytes]
) -> bytes:
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {', '.join(_ERRORS)}, not {errors!r}")
    text = unicodedata.normalize("NFC", text)
    out = bytearray()
    for at, ch in enumerate(text):
        code = letters.get(ch)
        if code is not None:
            out += code
            continue
        byte = one.get(ch)
        if byte is not None:
            out.append(byte)
            continue
        if errors == "lower" and ch.lower() in letters:
            out += letters[ch.lower()]
        elif errors == "strict":
            why = "character not in the code page"
            if ch.lower() in letters:
                why = "no capital in TCVN3; errors='lower' writes the lowercase letter's byte"
            raise _fail(encoding, text, at, why)
        else:
            out += b"?"
    return bytes(out)


_TCVN3_LETTERS = {letter: bytes([b]) for b, letter in TCVN3_TABLE.items()}
# Other characters as Windows-1252, but never a Vietnamese letter: TCVN3 has no byte for À.
_TCVN3_OTHER = {
    c: b for c, b in _TCVN3_ENCODE.items() if b not in TCVN3_TABLE and c not in _VIETNAMESE_LETTERS
}


def encode_tcvn3(text: str, *, errors: str = "strict") -> bytes:
    """Encode text as TCVN3 (ABC).

    Uppercase letters with a tone mark (``Ế``) have no TCVN3 byte: ``errors="strict"`` raises
    :class:`UnicodeEncodeError`, ``"lower"`` writes the lowercase letter's byte (what a
    ``.VnTimeH`` capital font shows as a capital, and what converters do), ``"replace"``
    writes ``?``. Other characters are written as Windows-1252 when that byte is not a
    TCVN3 letter.

    >>> encode_tcvn3("Độc lập")
    b'\\xa7\\xe9c l\\xcbp'
    >>> encode_tcvn3("KẾ HOẠCH", errors="lower")
    b'K\\xd5 HO\\xb9CH'
    >>> encode_tcvn3("KẾ")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    UnicodeEncodeError: 'tcvn3' codec can't encode character '\\u1ebe' in position 1: ...
    """
    return _encode(text, "tcvn3", errors, _TCVN3_OTHER, _TCVN3_LETTERS)


def encode_vni(text: str, *, errors: str = "strict") -> bytes:
    """Encode text as VNI-Windows; all 134 letters have a code.

    Other characters are written as Windows-1252 unless that byte is one VNI uses inside
    letters (``ù`` is a letter, ``ä`` would read as a diacritic): ``errors="strict"`` raises
    :class:`UnicodeEncodeError` for those, ``"replace"`` writes ``?``.

    >>> encode_vni("Độc lập")
    b'\\xd1o\\xe4c la\\xe4p'
    >>> decode_vni(encode_vni("Ủy ban nhân dân THÀNH PHỐ")) == "Ủy ban nhân dân THÀNH PHỐ"
    True
    """
    return _encode(text, "vni", errors, _VNI_ENCODE_OTHER, _VNI_ENCODE)


def encode_windows1258(text: str, *, errors: str = "strict") -> bytes:
    """Encode text as Windows-1258, the way Windows writes it.

    A letter the code page has precomposed (``â``, ``ơ``, ``á``) is one byte; any other
    letter with a tone is its toneless letter followed by the combining tone mark.

    >>> encode_windows1258("Việt Nam")
    b'Vi\\xea\\xf2t Nam'
    >>> decode_windows1258(encode_windows1258("Quyết định"))
    'Quyết định'
    """
    letters: dict[str, bytes] = {}
    for ch in set(unicodedata.normalize("NFC", text)):
        if ch in _CP1258_ENCODE:
            continue
        parts = unicodedata.normalize("NFD", ch)
        tones = [c for c in parts if c in _TONE_MARKS]
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        if len(tones) == 1 and len(base) == 1 and base in _CP1258_ENCODE:
            letters[ch] = bytes([_CP1258_ENCODE[base], _CP1258_ENCODE[tones[0]]])
    return _encode(text, "windows-1258", errors, _CP1258_ENCODE, letters)


_ENCODERS = {
    "windows-1258": encode_windows1258,
    "tcvn3": encode_tcvn3,
    "vni": encode_vni,
}


def encode_legacy(text: str, encoding: str, *, errors: str = "strict") -> bytes:
    """Encode ``text`` with one of :data:`ENCODINGS` (by name).

    >>> encode_legacy("Độc lập", "vni")
    b'\\xd1o\\xe4c la\\xe4p'
    """
    try:
        encoder = _ENCODERS[encoding]
    except KeyError:
        raise ValueError(f"unknown legacy encoding {encoding!r}") from None
    return encoder(text, errors=errors)


# --------------------------------------------------------------------------- syllables

# A written Vietnamese syllable is onset + rhyme, with at most one tone mark. The rhymes
# (medial glide + nucleus + coda) are listed without tone; "qu" is an onset whose u is the
# medial, so after it a rhyme may also drop its leading u ("quynh" = qu + ynh).
_ONSETS = (
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_RHYMES = frozenset((
    "a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
    "ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
    "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
    "e", "ec", "em", "en", "eng", "eo", "ep", "et",
    "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu",
    "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
    "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
    "o", "oc", "oi", "om", "on", "ong", "op", "ot", "ooc", "oong",
    "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
    "oăc", "oăm", "oăn", "oăng", "oăt", "oe", "oem", "oen", "oeo", "oet",
    "ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
    "ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
    "u", "uc", "ui", "um", "un", "ung", "up", "ut",
    "ua", "uôc", "uôi", "uôm", "uôn", "uông", "uôt",
    "uân", "uâng", "uât", "uây", "uê", "uêch", "uênh", "uơ",
    "uy", "uya", "uych", "uyên", "uyêt", "uyn", "uynh", "uyp", "uyt", "uyu",
    "ư", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
    "ưa", "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
    "y", "yêm", "yên", "yêng", "yêt", "yêu",
))  # fmt: skip
_QU_RHYMES = _RHYMES | {r[1:] for r in _RHYMES if r.startswith("u") and len(r) > 1}
_STOPS = ("c", "ch", "p", "t")  # a rhyme ending in a stop takes only the sắc or nặng tone
_STOP_TONES = frozenset({2, 5})  # sắc, nặng


def _letter_tones() -> dict[str, tuple[str, int]]:
    table = {c: (c, 0) for c in "abcdeghiklmnopqrstuvxyđ"}
    for vowel in _VOWELS:
        for tone, mark in enumerate(_TONES):
            table[unicodedata.normalize("NFC", vowel + mark)] = (vowel, tone)
    return table


_LETTER_TONES = _letter_tones()


_PLAIN_VOWELS = frozenset("aeiouy")
_MODIFIED_VOWELS = frozenset("ăâêôơư")
_GLIDE_RHYMES = frozenset({"oa", "oe", "uy"})  # old style hòa, new style hoà: both accepted


def _tone_in_place(rhyme: str, at: int) -> bool:
    """Whether a tone mark on ``rhyme[at]`` is where Vietnamese spelling puts it.

    On the (last) vowel with a circumflex, breve or horn if there is one (``tiếng``,
    ``được``); else on the last vowel before a final consonant (``hoàng``); else, in an open
    rhyme, on the second-last vowel (``hái``, ``ngoài``), or either vowel of ``oa oe uy``.
    """
    vowels = [i for i, c in enumerate(rhyme) if c in _PLAIN_VOWELS or c in _MODIFIED_VOWELS]
    if at not in vowels:
        return False
    modified = [i for i in vowels if rhyme[i] in _MODIFIED_VOWELS]
    if modified:
        return at == modified[-1]
    if vowels[-1] != len(rhyme) - 1:
        return at == vowels[-1]
    return at == vowels[max(len(vowels) - 2, 0)] or (rhyme in _GLIDE_RHYMES and at == vowels[-1])


@lru_cache(maxsize=1 << 16)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (lowercase NFC) is a well-formed written Vietnamese syllable.

    The check is orthographic: an onset from the 27 written onsets, a rhyme from the ~150
    written rhymes, at most one tone mark, placed on the vowel spelling rules put it on
    (old-style ``hòa`` and new-style ``hoà`` both pass), and a rhyme ending in ``c ch p t``
    taking only the sắc or nặng tone. Real words pass; most mis-decoded ones fail.

    >>> [is_vietnamese_syllable(w) for w in ("nghiêng", "quyết", "giữ", "được", "thuỷ", "đ")]
    [True, True, True, True, True, True]
    >>> [is_vietnamese_syllable(w) for w in ("cña", "coäng", "hoạt", "hoàt", "phơì", "vièệt")]
    [False, False, True, False, False, False]
    """
    if word == "đ":  # the đồng sign, written as a letter
        return True
    base: list[str] = []
    tone = 0
    toned = -1
    for ch in word:
        found = _LETTER_TONES.get(ch)
        if found is None:
            return False
        letter, mark = found
        if mark:
            if tone:
                return False
            tone, toned = mark, len(base)
        base.append(letter)
    toneless = "".join(base)
    for onset in _ONSETS:
        if not toneless.startswith(onset):
            continue
        rhyme = toneless[len(onset) :]
        if not (rhyme in _RHYMES or (onset == "qu" and rhyme in _QU_RHYMES)):
            continue
        if rhyme.endswith(_STOPS) and tone not in _STOP_TONES:
            continue
        if tone and not _tone_in_place(rhyme, toned - len(onset)):
            continue
        return True
    return False


# --------------------------------------------------------------------------- detection

_SAMPLE_BYTES = 200_000  # at most this much of a file is scored
_WINDOWS = 8  # ... in this many windows spread over the file
_MIN_SHARE = 0.8  # the best encoding must read at least this share of words as syllables
_MARGIN = 0.25  # ... and lead every other encoding's share by this much
_SUSPECT_SHARE = 0.25  # below this share no encoding is named as likely

# Words are split at white space, ASCII punctuation and digits, and typographic punctuation;
# only words with a non-ASCII character are scored (ASCII words read the same in every
# encoding). Characters no Vietnamese text has (C1 controls, stray combining marks) each count
# as one more invalid word.
_WORD_RE = re.compile(r"[^\s!-@\[-`{-~\u2010-\u2027\u2030-\u205e]+")
_IMPOSSIBLE_RE = re.compile(r"[\x80-\x9f\u0300-\u036f\ufffd]")
_UTF8_BAD_RE = re.compile(r"[\udc80-\udcff]+")
_UTF8_GOOD_RE = re.compile(r"[^\x00-\x7f\udc80-\udcff]")
_SPACE = re.compile(rb"\s")
_ABBREVIATION_RE = re.compile(r"[bcdđghklmnpqrstvxzfjw]+")  # HĐND, QĐ: no vowel, not scored


@dataclass(frozen=True)
class LegacyGuess:
    """What :func:`guess_legacy` found in some bytes.

    ``encoding`` is the best-scoring legacy encoding (``None`` when the bytes are UTF-8, or
    mostly UTF-8 with a few bad bytes, or nothing reads as Vietnamese); ``clear`` says whether
    it is clearly right. ``scores`` maps each encoding to (valid words, scored words).
    ``bad_offset`` is the offset of the first byte that is not UTF-8 (``None`` for UTF-8).
    """

    encoding: str | None
    clear: bool
    scores: dict[str, tuple[int, int]]
    bad_offset: int | None
    utf8: bool

    def _rank(self, encoding: str) -> tuple[float, int, int]:
        valid, words = self.scores[encoding]
        return self.share(encoding), valid, -words

    def share(self, encoding: str) -> float:
        """The share of scored words that ``encoding`` reads as Vietnamese syllables."""
        valid, words = self.scores.get(encoding, (0, 0))
        return valid / words if words else 0.0

    def explain(self) -> str:
        """Why the bytes were not decoded, naming the encoding suspected.

        >>> guess_legacy(b"C\\xe9ng h\\xdfa").explain()
        'TCVN3 (ABC) text (2 of 2 words read as Vietnamese)'
        """
        if self.utf8:
            return "UTF-8 text" if self.bad_offset is None else "UTF-8 text with invalid bytes"
        ranked = sorted(self.scores, key=self._rank, reverse=True)
        best = ranked[0] if ranked else "windows-1258"
        valid, words = self.scores.get(best, (0, 0))
        counts = f"{valid} of {words} words read as Vietnamese"
        label = ENCODINGS[best]
        if self.clear:
            return f"{label} text ({counts})"
        if self.share(best) < _SUSPECT_SHARE or not valid:
            return f"not a Vietnamese legacy encoding either (closest: {label}, {counts})"
        rivals = [e for e in ranked[1:] if self.share(e) > self.share(best) - _MARGIN]
        if self.share(best) >= _MIN_SHARE and rivals:
            others = " or ".join(ENCODINGS[e] for e in rivals)
            return f"it could be {label} or {others}, cannot tell which ({label}: {counts})"
        return f"it looks like {label} but too many words are not Vietnamese syllables ({counts})"


def _sample(raw: bytes, around: int | None) -> list[bytes]:
    """At most ``_SAMPLE_BYTES`` of ``raw`` in windows cut at white space."""
    if len(raw) <= _SAMPLE_BYTES:
        return [raw]
    size = _SAMPLE_BYTES // (_WINDOWS + 1)
    starts = [i * (len(raw) - size) // (_WINDOWS - 1) for i in range(_WINDOWS)]
    if around is not None:
        starts.append(max(0, around - size // 2))
    windows = []
    for start in sorted(starts):
        window = raw[start : start + size]
        if start > 0 and (m := _SPACE.search(window)):
            window = window[m.end() :]
        if start + size < len(raw):
            cut = max(window.rfind(b" "), window.rfind(b"\n"))
            if cut > 0:
                window = window[:cut]
        windows.append(window)
    return windows


def _score(text: str) -> tuple[int, int]:
    valid = words = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        word = word.lower()
        if _ABBREVIATION_RE.fullmatch(word):
            continue
        words += 1
        valid += is_vietnamese_syllable(word)
    words += len(_IMPOSSIBLE_RE.findall(text))
    return valid, words


def guess_legacy(raw: bytes) -> LegacyGuess:
    """Score ``raw`` as each legacy encoding; see :func:`detect_legacy`.

    >>> g = guess_legacy(encode_vni("Ủy ban nhân dân thành phố"))
    >>> g.encoding, g.clear, g.scores["vni"]
    ('vni', True, (5, 5))
    """
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_offset = exc.start
    else:
        return LegacyGuess(None, False, {}, None, utf8=True)
    windows = _sample(raw, bad_offset)
    # Mostly UTF-8 (as many good multi-byte characters as runs of bad bytes): a damaged UTF-8
    # file, not a legacy one; legacy Vietnamese text almost never forms valid UTF-8 sequences.
    good = bad = 0
    for window in windows:
        text = window.decode("utf-8", errors="surrogateescape")
        good += len(_UTF8_GOOD_RE.findall(text))
        bad += len(_UTF8_BAD_RE.findall(text))
    if good >= bad:
        return LegacyGuess(None, False, {}, bad_offset, utf8=True)
    scores: dict[str, tuple[int, int]] = {}
    for encoding, decode in _SCORERS.items():
        valid = words = 0
        for window in windows:
            v, w = _score(decode(window))
            valid += v
            words += w
        scores[encoding] = (valid, words)
    guess = LegacyGuess(None, False, scores, bad_offset, utf8=False)
    best = max(scores, key=guess._rank)
    share = guess.share(best)
    clear = (
        share >= _MIN_SHARE
        and scores[best][0] > 0
        and all(guess.share(e) <= share - _MARGIN for e in scores if e != best)
    )
    named = best if share >= _SUSPECT_SHARE and scores[best][0] else None
    return LegacyGuess(named, clear, scores, bad_offset, utf8=False)


def detect_legacy(raw: bytes) -> str | None:
    """The legacy encoding ``raw`` is clearly in: ``"windows-1258"``, ``"tcvn3"``, ``"vni"``.

    Returns ``None`` for UTF-8 (even UTF-8 with a few bad bytes), for text no encoding reads
    as Vietnamese, and when no encoding is clearly ahead. Each encoding decodes a sample of
    at most 200 KB (windows spread over the file); the words with a non-ASCII letter are
    checked with :func:`is_vietnamese_syllable`, and characters no Vietnamese text has count
    against. The best encoding wins when at least 80% of its words are syllables and every
    other encoding scores at least 25 points lower.

    >>> detect_legacy(encode_windows1258("Thực hiện Chương trình hành động"))
    'windows-1258'
    >>> detect_legacy("Le développement économique".encode("latin-1")) is None
    True
    """
    guess = guess_legacy(raw)
    return guess.encoding if guess.clear else None
