"""The rules of runnerup's text, shared by every layer: which characters text may carry,
and how a count is worded. Pure: no I/O, nothing printed, imports nothing of runnerup's.
"""

from __future__ import annotations

import re

UNCARRIED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
"""Characters no config value may hold: C0 and C1 controls but tab and line breaks (RFC
5545 TEXT forbids them, and in a terminal they are escape sequences), lone surrogates and
non-characters (not text at all; UTF-8 cannot encode a surrogate)."""

# UNCARRIED is exact but slow: re tests the 32 non-characters above U+FFFF one by one for
# every character, a quarter of a large build's time when the writer checked all its text
# with it. Text without such high characters (nearly all) needs only the BMP part, which
# re checks with one table lookup.
_UNCARRIED_BMP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_ABOVE_BMP = re.compile("[\U00010000-\U0010ffff]")


def first_uncarried(text: str) -> re.Match[str] | None:
    """`UNCARRIED.search(text)`, fast for text without characters above U+FFFF."""
    if text.isascii() or not _ABOVE_BMP.search(text):
        return _UNCARRIED_BMP.search(text)
    return UNCARRIED.search(text)


def without_uncarried(text: str) -> str:
    """`UNCARRIED.sub("", text)`, fast for text without characters above U+FFFF."""
    if text.isascii() or not _ABOVE_BMP.search(text):
        return _UNCARRIED_BMP.sub("", text)
    return UNCARRIED.sub("", text)


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 error`, `2 errors`, `0 errors`: a count and its word (`many` when the plural is
    not the word plus s: `tries`), for text people read."""
    return f"{count} {word if count == 1 else many or word + 's'}"
