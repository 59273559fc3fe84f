"""Content-line text, both ways: TEXT escaping, folding lines into bytes and unfolding
them, DATE and DATE-TIME stamps, and walking components by nesting. Pure: no I/O, and
nothing here knows what an event holds."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone

from ..words import without_uncarried


def escape(text: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): a newline in a note stays text, never a new line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line separators that some parsers split on (Python's str.splitlines among them).
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    # Controls and non-characters: the validator refuses them at their location
    # (`validate.text_problem`); text that comes another way loses them here.
    text = without_uncarried(text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_bytes(data: bytes) -> bytes:
    """One encoded content line folded at 75 octets, never inside a UTF-8 character nor
    inside a TEXT escape (`\\n`, `\\,`, `\\;`, `\\\\`): Google Calendar drops an event
    whose physical line ends in the backslash of an escape (collective/icalendar#1501).

    Cutting bytes at the last character boundary within the limit is what a walk over
    the characters does, without the per-character cost that made folding most of a
    large build's time."""
    if len(data) <= 75:
        return data
    parts = []
    start, limit, size = 0, 75, len(data)
    while size - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its char
            end -= 1
        if data[end - 1] == 0x5C:  # a backslash
            # Escapes are pairs, and no earlier cut split one: an odd run of backslashes
            # before the cut ends in an escape's first half, which goes to the next line.
            run = end - 1
            while run > start and data[run - 1] == 0x5C:
                run -= 1
            if (end - run) % 2:
                end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def content_bytes(lines: list[str]) -> bytes:
    """Content lines, folded, each ending in CRLF, and never a raw control character:
    `escape` removes them from config text, and this last check catches what comes
    another way (a value carried over from a hand-edited previous file, say), so no
    parser meets a byte RFC 5545 forbids or a line break inside a value."""
    data = b"".join([fold_bytes(line.encode("utf-8", "surrogatepass")) + b"\r\n" for line in lines])
    if _RAW_CONTROL.search(data):
        return content_bytes([without_uncarried(re.sub("[\r\n]", "", line)) for line in lines])
    return data


_RAW_CONTROL = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n"  # C0 but tab; CR or LF alone
    rb"|\xc2[\x80-\x9f]|\xed[\xa0-\xbf]"  # C1 controls; surrogates (written as surrogatepass)
    rb"|\xef\xb7[\x90-\xaf]|\xef\xbf[\xbe\xbf]|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]"
)
"""`words.UNCARRIED`, and line breaks that are not line ends, as UTF-8 bytes."""


def unfold(text: str) -> list[str]:
    """The content lines of folded text, whatever its line ends; empty lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line for line in re.sub(r"\n[ \t]", "", text).split("\n") if line]


def levels(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Each line with how many components it is inside: a property of the outermost
    lines given is at 0, and a BEGIN or END line counts as inside the component it
    opens or closes (`BEGIN:VALARM` in an event's lines is at 1). The one walk over
    nesting that reading an event, a calendar's header and push's objects share."""
    depth = 0
    for line in lines:
        if line.startswith("BEGIN:"):
            depth += 1
            yield depth, line
        elif line.startswith("END:"):
            yield depth, line
            depth -= 1
        else:
            yield depth, line


def utc_stamp(moment: datetime) -> str:
    """DATE-TIME in UTC. Not strftime: its `%Y` gives `999`, not `0999`, on glibc."""
    t = moment.astimezone(timezone.utc)
    return f"{t.year:04}{t.month:02}{t.day:02}T{t.hour:02}{t.minute:02}{t.second:02}Z"


def date_stamp(day: date) -> str:
    """DATE, zero-padded for years below 1000 as `utc_stamp`."""
    return f"{day.year:04}{day.month:02}{day.day:02}"
