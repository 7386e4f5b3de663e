"""Folding text for comparison: lower case, no diacritics, ``đ`` as ``d``, one character for
one. A leaf module: the view's stages (:mod:`policykg.graph.layout_tables` …) and the view
itself (:mod:`policykg.graph.textview`, which exports :func:`fold`) use it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["SPACE_SET", "fold", "fold_nfc"]

#: Unicode space separators other than U+0020 (NBSP, thin, narrow NBSP, ideographic, ...).
SPACE_SET = frozenset("\u00a0\u1680\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)

_FOLD_SPECIAL = {"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"}  # Ð (U+00D0) is a common stand-in for Đ
# Every character met so far -> its fold, unchanged ones included: ``str.translate`` is about
# twice as fast when it never misses (a miss raises and clears a KeyError inside).
_FOLD_TABLE: dict[int, str] = {}
_FOLD_SEEN: set[str] = set()


def _fold_char(c: str) -> str:
    if c in _FOLD_SPECIAL:
        return _FOLD_SPECIAL[c]
    if c in SPACE_SET:
        return " "
    base = "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch))
    if len(base) != 1:
        base = c
    low = base.lower()
    return low if len(low) == 1 else base


def fold_nfc(s: str) -> str:
    """:func:`fold` of a string already in NFC (as the view's text is).

    >>> fold_nfc("Cơ quan CHỦ TRÌ")
    'co quan chu tri'
    """
    if s.isascii():
        return s.lower()  # the fold of an ASCII character is its lower case
    if not _FOLD_SEEN.issuperset(s):
        new = set(s) - _FOLD_SEEN
        for c in new:
            _FOLD_TABLE[ord(c)] = _fold_char(c)
        _FOLD_SEEN.update(new)
    return s.translate(_FOLD_TABLE)


def fold(s: str) -> str:
    """Fold a string for accent- and case-insensitive comparison.

    Lowercase, diacritics removed, ``đ``/``Đ`` -> ``d``, no-break and thin spaces -> ``" "``;
    one character out for each character of ``NFC(s)``, so ``len(fold(s)) == len(s)`` for NFC
    input.

    >>> fold("Sở Kế hoạch và Đầu tư"), fold("Số"), fold("Uỷ"), fold("Ủy")
    ('so ke hoach va dau tu', 'so', 'uy', 'uy')
    """
    return fold_nfc(unicodedata.normalize("NFC", s))
