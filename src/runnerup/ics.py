"""RFC 5545 bytes: writing the calendar, and reading back our own previous output.

runnerup writes content lines itself rather than through icalendar's serializer because
the bytes are the product: UTF-8, CRLF, folding at 75 octets on character boundaries, a
fixed property order, and `REFRESH-INTERVAL;VALUE=DURATION`, so that the same input gives
the same file and one edit changes only its own lines. Timed events are in UTC, so no
VTIMEZONE is needed and no client can misread one (SPEC §2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from .config import Config
from .content import (
    NEUTRAL_TITLE,
    alarm_text,
    description,
    prep_description,
    prep_summary,
    summary,
    url,
)
from .durations import format_duration
from .errors import OutputError
from .schedule import Call

PRODID = "-//runnerup//runnerup//EN"
PRIVACY_LEVELS = ("full", "busy")
_CTL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# --------------------------------------------------------------------------- writing


def escape(text: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): a newline in a note stays text, never a new line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line separators that some parsers split on (Python's str.splitlines among them).
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    text = _CTL.sub("", text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line at 75 octets, never inside a UTF-8 character nor inside a
    TEXT escape (`\\n`, `\\,`, `\\;`, `\\\\`): Google Calendar drops an event whose
    physical line ends in the backslash of an escape (collective/icalendar#1501)."""
    return _fold_bytes(line.encode("utf-8")).decode("utf-8")


_BACKSLASH = 0x5C


def _fold_bytes(data: bytes) -> bytes:
    """`fold` on the encoded line: cutting bytes at the last character boundary within
    the limit is what a walk over the characters does, without the per-character cost
    that made folding most of a large build's time."""
    if len(data) <= 75:
        return data
    parts = []
    start, limit, size = 0, 75, len(data)
    while size - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its char
            end -= 1
        if data[end - 1] == _BACKSLASH:
            # Escapes are pairs, and no earlier cut split one: an odd run of backslashes
            # before the cut ends in an escape's first half, which goes to the next line.
            run = end - 1
            while run > start and data[run - 1] == _BACKSLASH:
                run -= 1
            if (end - run) % 2:
                end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def utc_stamp(moment: datetime) -> str:
    """DATE-TIME in UTC. Not strftime: its `%Y` gives `999`, not `0999`, on glibc."""
    t = moment.astimezone(timezone.utc)
    return f"{t.year:04}{t.month:02}{t.day:02}T{t.hour:02}{t.minute:02}{t.second:02}Z"


def date_stamp(day: date) -> str:
    """DATE, zero-padded for years below 1000 as `utc_stamp`."""
    return f"{day.year:04}{day.month:02}{day.day:02}"


@dataclass
class Event:
    """One VEVENT as unfolded content lines, without UID, DTSTAMP and SEQUENCE, which the
    memory of the previous output decides."""

    uid: str
    body: list[str]
    sort_key: str
    sequence: int = 0
    dtstamp: str = ""
    # (sequence, dtstamp, body, bytes): this event as written, when the memory already
    # produced it to compare with the previous output; `calendar_bytes` reuses it.
    written: tuple[int, str, list[str], bytes] | None = field(
        default=None, repr=False, compare=False
    )

    def lines(self) -> list[str]:
        return [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"DTSTAMP:{self.dtstamp}",
            f"SEQUENCE:{self.sequence}",
            *self.body,
            "END:VEVENT",
        ]


def call_events(calls: list[Call], config: Config, privacy: str = "full") -> list[Event]:
    """The events the config asks for, before the memory of earlier builds is applied."""
    if privacy not in PRIVACY_LEVELS:
        raise ValueError(privacy)
    busy = privacy == "busy"
    events = []
    for call in calls:
        start, end = utc_stamp(call.start), utc_stamp(call.end)
        body = [f"DTSTART:{start}", f"DTEND:{end}"]
        if busy:
            body += [f"SUMMARY:{NEUTRAL_TITLE}", "CLASS:PRIVATE"]
        else:
            body += [
                f"SUMMARY:{escape(summary(call))}",
                f"DESCRIPTION:{escape(description(call, config.timezone))}",
            ]
            if call.role.contact.phone:
                body.append(f"LOCATION:{escape(call.role.contact.phone)}")
            link = url(call.role)
            if link:
                body.append(f"URL:{link}")
            body += ["CATEGORIES:Job search", "CLASS:PRIVATE"]
        body += ["TRANSP:OPAQUE", "STATUS:CONFIRMED"]
        reminder = call.role.settings.reminder
        if reminder is not None:
            text = NEUTRAL_TITLE if busy else alarm_text(call, reminder)
            body += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"TRIGGER:{format_duration(-reminder)}",
                f"DESCRIPTION:{escape(text)}",
                "END:VALARM",
            ]
        events.append(Event(call.uid, body, start))
        if call.prep_day is not None:
            day = call.prep_day
            prep = [
                f"DTSTART;VALUE=DATE:{date_stamp(day)}",
                f"DTEND;VALUE=DATE:{date_stamp(day + timedelta(days=1))}",
            ]
            if busy:
                prep += ["SUMMARY:Prep", "CLASS:PRIVATE"]
            else:
                prep += [
                    f"SUMMARY:{escape(prep_summary(call))}",
                    f"DESCRIPTION:{escape(prep_description(call, config.timezone))}",
                    "CATEGORIES:Job search",
                    "CLASS:PRIVATE",
                ]
            prep += ["TRANSP:TRANSPARENT", "STATUS:CONFIRMED"]
            events.append(Event(call.prep_uid, prep, date_stamp(day)))
    return events


BUSY_NAME = "Follow-up calls"
BUSY_DESCRIPTION = "Busy times only."
_BUSY_KEEP = {"DTSTART", "DTEND", "TRANSP", "STATUS", "ACTION", "TRIGGER", "BEGIN", "END"}


def busy_body(body: list[str]) -> list[str]:
    """An event body with nothing personal left: times, status and a neutral title.

    `call_events` already writes busy events this way; this allow-list is for the events
    the memory carries over (an event cancelled since a full build still has its names,
    talking points and phone number), so that no origin can leak into a busy feed.
    """
    all_day = any(line.startswith("DTSTART;VALUE=DATE:") for line in body)
    out: list[str] = []
    depth = 0
    for line in body:
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        if name == "BEGIN":
            depth += 1
            if line != "BEGIN:VALARM" or depth > 1:
                continue
        elif name == "END":
            depth -= 1
            if line != "END:VALARM" or depth > 0:
                continue
        elif depth > 1:
            continue
        elif name == "SUMMARY" and depth == 0:
            line = "SUMMARY:Prep" if all_day else f"SUMMARY:{NEUTRAL_TITLE}"
        elif name == "DESCRIPTION" and depth == 1:
            line = f"DESCRIPTION:{NEUTRAL_TITLE}"
        elif name == "CLASS" and depth == 0:
            line = "CLASS:PRIVATE"
        elif name not in _BUSY_KEEP:
            continue
        out.append(line)
    return out


def calendar_bytes(config: Config, events: list[Event], privacy: str = "full") -> bytes:
    """The whole file: header, events in a stable order, CRLF, folded."""
    if privacy == "busy":
        name, desc = BUSY_NAME, BUSY_DESCRIPTION
        events = [
            Event(e.uid, busy_body(e.body), e.sort_key, e.sequence, e.dtstamp) for e in events
        ]
    else:
        name, desc = config.name, config.description
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"NAME:{escape(name)}",
        f"X-WR-CALNAME:{escape(name)}",
        f"DESCRIPTION:{escape(desc)}",
        f"X-WR-CALDESC:{escape(desc)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    # One bytes object per event, not per line: 400,000 small objects at 10,000 roles
    # held 50 MB more at the peak of a build.
    chunks = [_content_bytes(lines)]
    for event in sorted(events, key=lambda e: (e.sort_key, e.uid)):
        chunks.append(event_bytes(event))
    chunks.append(b"END:VCALENDAR\r\n")
    return b"".join(chunks)


def event_bytes(event: Event) -> bytes:
    """The event's content lines, folded, each ending in CRLF; made once per build."""
    written = event.written
    if (
        written is not None
        and written[0] == event.sequence
        and written[1] == event.dtstamp
        and written[2] is event.body
    ):
        return written[3]
    data = _content_bytes(event.lines())
    event.written = (event.sequence, event.dtstamp, event.body, data)
    return data


def _content_bytes(lines: list[str]) -> bytes:
    """Content lines, folded, each ending in CRLF."""
    return b"".join([_fold_bytes(line.encode("utf-8")) + b"\r\n" for line in lines])


# --------------------------------------------------------------------------- reading


class PreviousEvent:
    """One event of the previous output: UID, SEQUENCE and DTSTAMP at once; the rest
    (body, status, end, sort key) parsed only if the memory asks, which for an unchanged
    event it never does. `body` is as Event.body: without UID, DTSTAMP, SEQUENCE."""

    __slots__ = ("_parsed", "_raw", "dtstamp", "sequence", "uid")

    def __init__(
        self,
        uid: str,
        sequence: int,
        dtstamp: str,
        parsed: tuple[list[str], str, date | datetime | None, str] | None = None,
    ) -> None:
        self.uid, self.sequence, self.dtstamp = uid, sequence, dtstamp
        self._raw = b""  # the event's bytes as written, folded, from UID to END:VEVENT
        self._parsed = parsed

    def _details(self) -> tuple[list[str], str, date | datetime | None, str]:
        if self._parsed is None:
            full = _previous_event(unfold(self._raw.decode())[:-1])
            assert full is not None
            self._parsed = full._details()
        return self._parsed

    @property
    def body(self) -> list[str]:
        return self._details()[0]

    @property
    def status(self) -> str:
        return self._details()[1]

    @property
    def ends(self) -> date | datetime | None:
        return self._details()[2]

    @property
    def sort_key(self) -> str:
        return self._details()[3]

    def same_body(self, event: Event) -> bool:
        """Whether `event` has this body, keeping this SEQUENCE and DTSTAMP if so.

        Comparing the bytes as written with the ones the writer gives the event is one
        comparison, not a parse of every event, and the bytes are then the event's in the
        new file. When they differ (a changed event, or a file reformatted by another
        tool) the parsed bodies decide, as before."""
        raw = self._raw
        if raw and not _has_line_break(event.body):
            sequence, dtstamp = event.sequence, event.dtstamp
            event.sequence, event.dtstamp = self.sequence, self.dtstamp
            written = event_bytes(event)
            event.sequence, event.dtstamp = sequence, dtstamp
            if written[len(b"BEGIN:VEVENT\r\n") : -2] == raw:
                return True
        return self.body == event.body


@dataclass
class Previous:
    """What an earlier build wrote: the memory of SPEC §4."""

    ours: bool
    events: dict[str, PreviousEvent] = field(default_factory=dict)


def unfold(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line for line in re.sub(r"\n[ \t]", "", text).split("\n") if line]


def read_previous(data: bytes, name: str) -> Previous:
    """Parse a previous output. Only what runnerup wrote is trusted as memory."""
    try:
        data.decode("utf-8-sig")  # checked here; the text itself is needed only below
    except UnicodeDecodeError:
        raise OutputError(
            f"{name}: not a UTF-8 iCalendar file; refusing to use it as the previous output"
        ) from None
    quick = _read_canonical(data)
    if quick is not None:
        return quick
    lines = unfold(data.decode("utf-8-sig"))
    if not lines or lines[0].upper() != "BEGIN:VCALENDAR":
        return Previous(ours=False)
    ours = any(line == f"PRODID:{PRODID}" for line in lines[:20])
    previous = Previous(ours=ours)
    if not ours:
        return previous
    current: list[str] | None = None
    depth = 0
    for line in lines[1:]:
        if current is None:
            if line == "BEGIN:VEVENT":
                current, depth = [], 0
            continue
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            if depth == 0:
                event = _previous_event(current)
                if event is not None:
                    previous.events[event.uid] = event
                current = None
                continue
            depth -= 1
        current.append(line)
    return previous


_HEADER_LINES = 20  # the PRODID must be among the first lines, as in `read_previous`
_BOM = "\ufeff".encode()


def _read_canonical(data: bytes) -> Previous | None:
    """`read_previous` for a file laid out as runnerup writes it, in a few passes of
    bytes methods instead of a Python loop over its 400,000 lines at 10,000 roles. The
    events stay folded, as written: `PreviousEvent.same_body` compares them as bytes.

    Anything else returns None and goes the line-by-line way: other line endings, tab
    continuations, empty lines, a folded line too short for folding to have cut it (it
    might unfold into a BEGIN or END), a header not ours, or an event whose nesting is
    not the plain one (at most one BEGIN/END pair inside it) — so the result is the same.
    `data` is known to be UTF-8, so cutting it at ASCII line breaks cuts no character.
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    end = b"\r\nEND:VCALENDAR\r\n"
    if not data.startswith(b"BEGIN:VCALENDAR\r\n") or not data.endswith(end):
        return None
    # As many CRs as LFs, and every LF after a CR: CRLF line ends only.
    if data.count(b"\r") != data.count(b"\n") or data.startswith(b" ", 17):
        return None
    if _NOT_PLAIN.search(data):
        return None
    chunks = data.split(b"\r\nBEGIN:VEVENT\r\n")
    chunks[-1] = chunks[-1][: -len(end)]
    header = unfold(chunks[0].decode())
    if f"PRODID:{PRODID}" not in header[:_HEADER_LINES] or any(
        line.startswith(("BEGIN:", "END:")) for line in header[1:]
    ):
        return None
    previous = Previous(ours=True)
    events = previous.events
    for chunk in chunks[1:]:
        # The event's lines, END:VEVENT included (slicing it off would copy every event).
        if not chunk.endswith(b"\r\nEND:VEVENT") or chunk.startswith((b"BEGIN:", b"END:", b" ")):
            return None
        opened = chunk.count(b"\r\nBEGIN:")
        if opened + 1 != chunk.count(b"\r\nEND:") or opened > 1:
            return None
        if opened and chunk.index(b"\r\nEND:") < chunk.index(b"\r\nBEGIN:"):
            return None
        first = chunk.split(b"\r\n", 3)
        if (
            len(first) == 4
            and first[0].startswith(b"UID:")
            and first[1].startswith(b"DTSTAMP:")
            and first[2].startswith(b"SEQUENCE:")
            and not first[1].startswith(b" ")
            and not first[2].startswith(b" ")
            and not first[3].startswith(b" ")
        ):
            event = PreviousEvent(
                first[0][4:].decode(), _sequence(first[2][9:].decode()), first[1][8:].decode()
            )
            event._raw = chunk
        else:
            event = _previous_event(unfold(chunk.decode())[:-1])
        if event is not None:
            events[event.uid] = event
    return previous


# One pass for what `_read_canonical` leaves to the line-by-line way: an LF without its
# CR, a tab continuation, an empty line, and a line shorter than a fold point followed
# by a continuation (one of 5 octets or fewer could unfold into "BEGIN:" or "END:").
_NOT_PLAIN = re.compile(rb"\n(?:(?<!\r\n)|[\t\r]|[^\r\n]{0,5}\r\n )")


def _has_line_break(body: list[str]) -> bool:
    """A line holding CR or LF would be written as two lines and read back as two."""
    text = "".join(body)
    return "\n" in text or "\r" in text


def _sequence(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _previous_event(lines: list[str]) -> PreviousEvent | None:
    props: dict[str, str] = {}
    body: list[str] = []
    depth = 0
    for line in lines:
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].upper()
        if (
            depth == 0
            and not line.startswith("END:")
            and key in ("UID", "DTSTAMP", "SEQUENCE", "STATUS", "DTSTART", "DTEND")
        ):
            props.setdefault(key, value)
            if key in ("UID", "DTSTAMP", "SEQUENCE"):
                continue
        body.append(line)
    if "UID" not in props:
        return None
    details = (
        body,
        props.get("STATUS", "").upper(),
        _parse_when(props.get("DTEND")),
        props.get("DTSTART", ""),
    )
    return PreviousEvent(
        props["UID"], _sequence(props.get("SEQUENCE", "0")), props.get("DTSTAMP", ""), details
    )


def _parse_when(value: str | None) -> date | datetime | None:
    if not value:
        return None
    try:
        if len(value) == 8:
            return datetime.strptime(value, "%Y%m%d").date()
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
