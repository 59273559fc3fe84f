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
    """Fold one content line at 75 octets, never inside a UTF-8 character."""
    return _fold_bytes(line.encode("utf-8")).decode("utf-8")


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
        parts.append(data[start:end])
        start, limit = end, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class Event:
    """One VEVENT as unfolded content lines, without UID, DTSTAMP and SEQUENCE, which the
    memory of the previous output decides."""

    uid: str
    body: list[str]
    sort_key: str
    sequence: int = 0
    dtstamp: str = ""

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
            text = NEUTRAL_TITLE if busy else alarm_text(call)
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
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
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
            events.append(Event(call.prep_uid, prep, f"{day:%Y%m%d}"))
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
        chunks.append(_content_bytes(event.lines()))
    chunks.append(b"END:VCALENDAR\r\n")
    return b"".join(chunks)


def _content_bytes(lines: list[str]) -> bytes:
    """Content lines, folded, each ending in CRLF."""
    return b"".join([_fold_bytes(line.encode("utf-8")) + b"\r\n" for line in lines])


# --------------------------------------------------------------------------- reading


@dataclass
class PreviousEvent:
    uid: str
    body: list[str]  # as Event.body: without UID, DTSTAMP, SEQUENCE
    sequence: int
    dtstamp: str
    status: str
    ends: date | datetime | None
    sort_key: str


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
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OutputError(
            f"{name}: not a UTF-8 iCalendar file; refusing to use it as the previous output"
        ) from None
    lines = unfold(text)
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
    try:
        sequence = int(props.get("SEQUENCE", "0"))
    except ValueError:
        sequence = 0
    return PreviousEvent(
        props["UID"],
        body,
        sequence,
        props.get("DTSTAMP", ""),
        props.get("STATUS", "").upper(),
        _parse_when(props.get("DTEND")),
        props.get("DTSTART", ""),
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
