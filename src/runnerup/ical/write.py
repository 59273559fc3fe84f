"""Our bytes: the events a schedule's calls become, and the calendar file they make.

runnerup writes content lines itself rather than through icalendar's serializer because
the bytes are the product: UTF-8, CRLF, folding at 75 octets on character boundaries, a
fixed property order, and `REFRESH-INTERVAL;VALUE=DURATION`, so that the same input gives
the same file and one edit changes only its own lines. Timed events are in UTC, so no
VTIMEZONE is needed and no client can misread one (SPEC §2). Pure: no I/O, no memory of
earlier builds (memory.py decides UID's SEQUENCE and DTSTAMP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..content import (
    NEUTRAL_TITLE,
    alarm_text,
    description,
    prep_description,
    prep_summary,
    summary,
    url,
)
from ..durations import format_duration
from ..model import Config
from ..schedule import Call
from .text import content_bytes, date_stamp, escape, utc_stamp

PRODID = "-//runnerup//runnerup//EN"
PRIVACY_LEVELS = ("full", "busy")
_BEGIN = len(b"BEGIN:VEVENT\r\n")


@dataclass
class Event:
    """One VEVENT as unfolded content lines, without UID, DTSTAMP and SEQUENCE, which the
    memory of the previous output decides."""

    uid: str
    body: list[str]
    sort_key: str
    sequence: int = 0
    dtstamp: str = ""
    # (sequence, dtstamp, body, bytes): the bytes made last, by `data_as`; comparing
    # with the previous output makes them, and writing the file reuses them.
    _written: tuple[int, str, list[str], bytes] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _lines(self, sequence: int, dtstamp: str) -> list[str]:
        return [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"DTSTAMP:{dtstamp}",
            f"SEQUENCE:{sequence}",
            *self.body,
            "END:VEVENT",
        ]

    def data(self) -> bytes:
        """The event's content lines, folded, each ending in CRLF; made once per build."""
        return self.data_as(self.sequence, self.dtstamp)

    def data_as(self, sequence: int, dtstamp: str) -> bytes:
        """`data` as it would be with this SEQUENCE and DTSTAMP, without setting them:
        what the memory compares with the previous output. The bytes are kept, so the
        file written with those values reuses them rather than folding twice."""
        written = self._written
        if (
            written is not None
            and written[0] == sequence
            and written[1] == dtstamp
            and written[2] is self.body
        ):
            return written[3]
        data = content_bytes(self._lines(sequence, dtstamp))
        self._written = (sequence, dtstamp, self.body, data)
        return data

    def core_as(self, sequence: int, dtstamp: str) -> bytes:
        """`data_as` from the UID line to END:VEVENT, without the last CRLF: the part
        of an event a previous output's reader keeps (`PreviousEvent`)."""
        return self.data_as(sequence, dtstamp)[_BEGIN:-2]


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
                f"DESCRIPTION:{escape(description(call, config.timezone, config))}",
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


RETIRED = "X-RUNNERUP-RETIRED"


@dataclass(frozen=True)
class Retired:
    """The memory of an event a feed no longer shows (SPEC §4): a subscription is a
    snapshot, so a removed event is left out rather than sent as a CANCELLED tombstone,
    but its SEQUENCE is kept, so that if it comes back it is still an update.

    Written as one calendar property per UID, `X-RUNNERUP-RETIRED;SEQUENCE=2;ENDS=
    20261209:<uid>`: clients ignore X- properties (RFC 5545 §3.8.8.2), the value is the
    opaque UID, and the parameters hold the last SEQUENCE and the UTC day the event
    ended, after which (plus 30 days, as a tombstone) the memory is dropped."""

    uid: str
    sequence: int
    ends: date | None

    def line(self) -> str:
        ends = "" if self.ends is None else f";ENDS={date_stamp(self.ends)}"
        return f"{RETIRED};SEQUENCE={self.sequence}{ends}:{self.uid}"


def calendar_bytes(
    config: Config,
    events: list[Event],
    privacy: str = "full",
    retired: list[Retired] | tuple[Retired, ...] = (),
) -> bytes:
    """The whole file: header (with the memory of `retired` events), events in a stable
    order, CRLF, folded."""
    if privacy == "busy":
        name, desc = BUSY_NAME, BUSY_DESCRIPTION
        events = [
            Event(e.uid, busy_body(e.body), e.sort_key, e.sequence, e.dtstamp) for e in events
        ]
    else:
        name, desc = config.name, config.description
    # One bytes object per event, not per line: 400,000 small objects at 10,000 roles
    # held 50 MB more at the peak of a build.
    chunks = [calendar_head(name, desc, retired)]
    for event in sorted(events, key=lambda e: (e.sort_key, e.uid)):
        chunks.append(event.data())
    chunks.append(CALENDAR_END)
    return b"".join(chunks)


CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar_head(name: str, desc: str, retired: list[Retired] | tuple[Retired, ...] = ()) -> bytes:
    """The file up to its first event: the calendar's properties and the `retired`
    memory, sorted by UID."""
    return content_bytes(
        [
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
            *(r.line() for r in sorted(retired, key=lambda r: r.uid)),
        ]
    )
