"""Reading a previous output back as the memory (SPEC §4): runnerup's own layout fast,
as bytes; any other layout line by line; a copy another tool re-saved through icalendar.
Pure: takes bytes, never opens a file; errors are `UnusablePrevious`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..durations import format_duration
from ..errors import OutputError
from .text import date_stamp, escape, levels, unfold, utc_stamp
from .write import PRODID, RETIRED, Event, Retired

if TYPE_CHECKING:  # icalendar is imported only to read a file another tool re-saved
    from icalendar.cal import Component

WAY_OUT = "pass --previous a good copy, or --force to start afresh"
MAX_SEQUENCE = 2**31 - 1  # the largest SEQUENCE clients store (a signed 32-bit integer)
_STAMP = re.compile(r"[0-9]{8}T[0-9]{6}Z\Z")


class UnusablePrevious(OutputError):
    """A previous output that cannot serve as the memory: cut short, not a calendar, or
    holding values runnerup cannot carry over. Using it anyway would restart SEQUENCE or
    drop cancellations silently, so it is an error; `--force` starts afresh instead."""


def _unusable(name: str, what: str) -> UnusablePrevious:
    return UnusablePrevious(f"{name}: {what}; {WAY_OUT}")


def _shown(value: str) -> str:
    """A value for an error line: a 5,000-digit SEQUENCE is not printed whole."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


class PreviousEvent:
    """One event of the previous output: UID, SEQUENCE and DTSTAMP at once; the rest
    (body, status, end, sort key) parsed only if the memory asks, which for an unchanged
    event it never does. `body` is as Event.body: without UID, DTSTAMP, SEQUENCE."""

    __slots__ = ("_name", "_parsed", "_raw", "_semantic", "dtstamp", "sequence", "uid")

    def __init__(
        self,
        uid: str,
        sequence: int,
        dtstamp: str,
        parsed: tuple[list[str], str, date | datetime | None, str] | None = None,
        name: str = "",
        *,
        raw: bytes = b"",
        semantic: list[str] | None = None,
    ) -> None:
        self.uid, self.sequence, self.dtstamp = uid, sequence, dtstamp
        self._raw = raw  # the event's bytes as written, folded, from UID to END:VEVENT
        self._parsed = parsed
        self._name = name  # the file, for errors found when the details are parsed
        self._semantic = semantic  # the body as `semantic_body` gives it, once asked

    def _details(self) -> tuple[list[str], str, date | datetime | None, str]:
        if self._parsed is None:
            full = _previous_event(unfold(self._raw.decode())[:-1], self._name)
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
        """Whether `event` has this body; `event`'s SEQUENCE and DTSTAMP are left as they are.

        Comparing the bytes as written with the ones the writer gives the event with this
        SEQUENCE and DTSTAMP (`Event.data_as`) is one comparison, not a parse of every
        event, and the event keeps those bytes for the new file if the memory gives it
        these values. When they differ, the content lines decide; and when this event is not
        as runnerup's writer lays it out (another tool re-saved the file, or an older
        runnerup folded it), what the lines mean decides (`semantic_body`), so a file
        re-serialized elsewhere does not bump every event."""
        raw = self._raw
        if (
            raw
            and not _has_line_break(event.body)
            and event.core_as(self.sequence, self.dtstamp) == raw
        ):
            return True
        if self.body == event.body:
            return True
        if self._as_written():
            return False  # runnerup's own bytes: the lines are exact, and they differ
        if self._semantic is None:
            self._semantic = semantic_body(self.body)
        return self._semantic is not None and self._semantic == semantic_body(event.body)

    def _as_written(self) -> bool:
        """Whether the bytes are what runnerup's writer makes of these lines."""
        if not self._raw:
            return False
        event = Event(self.uid, self.body, "")
        return event.core_as(self.sequence, self.dtstamp) == self._raw


@dataclass
class Previous:
    """What an earlier build wrote: the memory of SPEC §4. `ours`: runnerup's PRODID;
    a file another tool re-saved has its events too when read as `--previous`."""

    ours: bool
    events: dict[str, PreviousEvent] = field(default_factory=dict)
    retired: dict[str, Retired] = field(default_factory=dict)


def read_previous(data: bytes, name: str, *, foreign: bool = False) -> Previous:
    """Parse a previous output: runnerup's own by its layout, and with `foreign` (a file
    named by `--previous`) also one another tool re-saved, through icalendar.

    A calendar cut short or holding bad values raises UnusablePrevious; so does, with
    `foreign`, a file that is no calendar runnerup's events can be taken from."""
    try:
        data.decode("utf-8-sig")  # checked here; the text itself is needed only below
    except UnicodeDecodeError:
        raise _unusable(name, "not a UTF-8 iCalendar file") from None
    quick = _read_canonical(data, name)
    if quick is not None:
        return quick
    text = data.decode("utf-8-sig")
    lines = unfold(text)
    if not lines or lines[0].upper() != "BEGIN:VCALENDAR":
        if foreign:
            raise _unusable(name, "not an iCalendar file")
        return Previous(ours=False)
    if lines[-1].upper() != "END:VCALENDAR":
        raise _unusable(name, "ends before END:VCALENDAR, so it was cut short or damaged")
    ours = any(line == f"PRODID:{PRODID}" for line in lines[:_HEADER_LINES])
    if not ours:
        return _read_foreign(text, name) if foreign else Previous(ours=False)
    previous = Previous(ours=True)
    current: list[str] | None = None
    depth = 0
    _read_retired(lines, previous, name)
    for line in lines[1:]:
        if current is None:
            if line == "BEGIN:VEVENT":
                current, depth = [], 0
            continue
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            if line.upper() == "END:VCALENDAR" or (depth == 0 and line != "END:VEVENT"):
                raise _unusable(name, "an event has no END:VEVENT, so it was cut short or damaged")
            if depth == 0:
                event = _previous_event(current, name)
                if event is not None:
                    previous.events[event.uid] = event
                current = None
                continue
            depth -= 1
        current.append(line)
    return previous


_HEADER_LINES = 20  # the PRODID must be among the first lines, as in `read_previous`


def claims_runnerup(data: bytes) -> bool:
    """Whether a file, even one cut short, names runnerup as its producer."""
    head = data[:4096].decode("utf-8", "replace")
    return f"PRODID:{PRODID}" in unfold(head)[:_HEADER_LINES]


_BOM = "\ufeff".encode()


def _read_canonical(data: bytes, name: str) -> Previous | None:
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
    _read_retired(header, previous, name)
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
            uid = first[0][4:].decode()
            event: PreviousEvent | None = PreviousEvent(
                uid,
                _sequence(first[2][9:].decode(), name, uid),
                _dtstamp(first[1][8:].decode(), name, uid),
                name=name,
                raw=chunk,
            )
        else:
            event = _previous_event(unfold(chunk.decode())[:-1], name)
        if event is not None:
            events[event.uid] = event
    return previous


# One pass for what `_read_canonical` leaves to the line-by-line way: an LF without its
# CR, a tab continuation, an empty line, and a line shorter than a fold point followed
# by a continuation (one of 5 octets or fewer could unfold into "BEGIN:" or "END:").
_NOT_PLAIN = re.compile(rb"\n(?:(?<!\r\n)|[\t\r]|[^\r\n]{0,5}\r\n )")


def _read_retired(lines: list[str], previous: Previous, name: str) -> None:
    """The `Retired` memory from the calendar's own lines (those outside any event)."""
    for level, line in levels(lines):
        if level == 1 and line.startswith(RETIRED):
            head, _, uid = line.partition(":")
            params = dict(p.partition("=")[::2] for p in head.split(";")[1:])
            previous.retired[uid] = _retired(uid, params, name)


def _retired(uid: str, params: dict[str, str], name: str) -> Retired:
    ends = params.get("ENDS")
    day: date | None = None
    if ends is not None:
        when = _parse_when(ends, name, uid, f"{RETIRED} ENDS")
        day = when.date() if isinstance(when, datetime) else when
    return Retired(uid, _sequence(params.get("SEQUENCE", ""), name, uid), day)


def _has_line_break(body: list[str]) -> bool:
    """A line holding CR or LF would be written as two lines and read back as two."""
    text = "".join(body)
    return "\n" in text or "\r" in text


def _sequence(value: str, name: str, uid: str) -> int:
    """SEQUENCE as carried over: a whole number clients can store, never a crash on a
    5,000-digit one (int() refuses those) nor a silent 0 that would restart the count."""
    if 0 < len(value) <= 10 and value.isascii() and value.isdigit():
        number = int(value)
        if number <= MAX_SEQUENCE:
            return number
    raise _unusable(
        name,
        f"event {uid}: SEQUENCE {_shown(value)} is not a whole number from 0 to {MAX_SEQUENCE}",
    )


def _dtstamp(value: str, name: str, uid: str) -> str:
    """DTSTAMP is written back as read, so it must be a UTC DATE-TIME."""
    if _STAMP.match(value):
        return value
    raise _unusable(name, f"event {uid}: DTSTAMP {_shown(value)} is not a UTC date-time")


def _previous_event(lines: list[str], name: str) -> PreviousEvent | None:
    props: dict[str, str] = {}
    body: list[str] = []
    for level, line in levels(lines):
        prop, _, value = line.partition(":")
        key = prop.split(";", 1)[0].upper()
        # (BEGIN and END lines have names of their own, so never match.)
        if level == 0 and key in ("UID", "DTSTAMP", "SEQUENCE", "STATUS", "DTSTART", "DTEND"):
            props.setdefault(key, value)
            if key in ("UID", "DTSTAMP", "SEQUENCE"):
                continue
        body.append(line)
    if "UID" not in props:
        return None
    uid = props["UID"]
    details = (
        body,
        props.get("STATUS", "").upper(),
        _parse_when(props.get("DTEND"), name, uid),
        props.get("DTSTART", ""),
    )
    if "DTSTAMP" not in props:
        raise _unusable(name, f"event {uid} has no DTSTAMP")
    return PreviousEvent(
        uid,
        _sequence(props.get("SEQUENCE", "0"), name, uid),
        _dtstamp(props["DTSTAMP"], name, uid),
        details,
        name,
    )


def _parse_when(
    value: str | None, name: str, uid: str, what: str = "DTEND"
) -> date | datetime | None:
    """DTEND as runnerup writes it (a UTC DATE-TIME or a DATE); anything else in a file
    that claims to be runnerup's is an error, not an event kept forever."""
    if value is None:
        return None
    try:
        if len(value) == 8 and value.isdigit():
            return datetime.strptime(value, "%Y%m%d").date()
        if len(value) == 16 and _STAMP.match(value):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    raise _unusable(name, f"event {uid}: {what} {_shown(value)} is not a date or a UTC date-time")


# ------------------------------------------------------------- another tool's copy

# The order `call_events` writes an event's properties in, and its alarm's.
_EVENT_ORDER = (
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "CATEGORIES",
    "CLASS",
    "TRANSP",
    "STATUS",
)
_ALARM_ORDER = ("ACTION", "TRIGGER", "DESCRIPTION")
_TEXT = {"SUMMARY", "DESCRIPTION", "LOCATION"}


def semantic_body(lines: list[str]) -> list[str] | None:
    """An event body as runnerup would write what it means: parsed by icalendar, then
    written back in runnerup's order and form (times in UTC, TEXT escaped as runnerup
    escapes it, one alarm). Two bodies that mean the same give the same list, whoever
    wrote them; None if icalendar cannot read it."""
    import icalendar  # only for files another tool wrote: never on the fast path

    text = "\r\n".join(["BEGIN:VEVENT", *lines, "END:VEVENT", ""])
    try:
        component = icalendar.Event.from_ical(text)
        return _canonical_body(component)
    except Exception:  # any failure of a parser on hand-edited text means "not the same":
        return None  # the event gets SEQUENCE + 1, and nothing is lost


def _canonical_body(comp: Component) -> list[str]:
    """`semantic_body` for a parsed icalendar VEVENT (ValueError if a value is not one
    runnerup could have written)."""
    broken = {str(prop).upper() for prop, _ in getattr(comp, "errors", [])}
    out: list[str] = []
    for prop in _EVENT_ORDER:
        if prop in comp:
            if prop in broken:
                raise ValueError(f"{prop} cannot be read")
            out.append(_canonical_line(comp, prop))
    alarms = [c for c in comp.subcomponents if c.name == "VALARM"]
    if alarms:
        alarm = alarms[0]
        out.append("BEGIN:VALARM")
        out += [_canonical_line(alarm, prop) for prop in _ALARM_ORDER if prop in alarm]
        out.append("END:VALARM")
    return out


def _canonical_line(comp: Component, prop: str) -> str:
    # Any: a property's value class depends on the property (vDDDTypes, vCategory, …),
    # and each branch below reads the attribute its property has.
    value: Any = comp[prop]
    if isinstance(value, list):  # the property given twice: the first counts
        value = value[0]
    if prop in ("DTSTART", "DTEND") or (prop == "TRIGGER" and hasattr(value, "dt")):
        moment = value.dt
        if isinstance(moment, timedelta):
            return f"{prop}:{format_duration(moment)}"
        if isinstance(moment, datetime):
            if moment.tzinfo is None:  # floating time: not runnerup's, but meaningful
                return f"{prop}:{moment:%Y%m%dT%H%M%S}"
            return (
                f"{prop}:{utc_stamp(moment)}"
                if prop != "TRIGGER"
                else (f"{prop};VALUE=DATE-TIME:{utc_stamp(moment)}")
            )
        if isinstance(moment, date):
            return f"{prop};VALUE=DATE:{date_stamp(moment)}"
        raise ValueError(f"{prop} is not a date or time")
    if prop in _TEXT:
        return f"{prop}:{escape(str(value))}"
    if prop == "CATEGORIES":
        return f"{prop}:{','.join(escape(str(c)) for c in value.cats)}"
    if prop == "URL":
        return f"{prop}:{value}"
    return f"{prop}:{str(value).upper()}"


def _ours_uid(uid: str) -> bool:
    """runnerup's UIDs are name-based UUIDs (version 5): another calendar's events are
    not taken for ours."""
    import uuid

    try:
        return uuid.UUID(uid).version == 5 and uid == uid.lower() and len(uid) == 36
    except ValueError:
        return False


def _read_foreign(text: str, name: str) -> Previous:
    """A runnerup calendar another tool re-saved (another PRODID): UID, SEQUENCE, DTSTAMP
    and STATUS taken through icalendar, and each body as `semantic_body` gives it, so
    that an unchanged event keeps its SEQUENCE and a changed one gets +1."""
    import icalendar

    try:
        parsed = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # whatever icalendar raises on a file it cannot read
        raise _unusable(name, f"not a readable iCalendar file ({exc})") from None
    previous = Previous(ours=False)
    seen = 0
    for calendar in parsed:
        found = calendar.get(RETIRED, [])
        for prop in found if isinstance(found, list) else [found]:
            uid = str(prop)
            params = {key.upper(): str(value) for key, value in prop.params.items()}
            previous.retired[uid] = _retired(uid, params, name)
        for comp in calendar.subcomponents:
            if comp.name != "VEVENT":
                continue
            seen += 1
            uid = str(comp.get("UID", ""))
            if not _ours_uid(uid):
                continue
            previous.events[uid] = _foreign_event(comp, uid, name)
    if seen and not previous.events and not previous.retired:
        raise _unusable(name, "none of its events was written by runnerup")
    return previous


def _foreign_event(comp: Component, uid: str, name: str) -> PreviousEvent:
    broken = {str(prop).upper() for prop, _ in getattr(comp, "errors", [])}
    for prop in ("SEQUENCE", "DTSTAMP", "DTEND"):
        if prop in broken:
            value = str(comp.get(prop, ""))
            raise _unusable(name, f"event {uid}: {prop} {_shown(value)} cannot be read")
    sequence = _sequence(str(comp.get("SEQUENCE", 0)), name, uid)
    stamp = comp.get("DTSTAMP")
    if stamp is None or not isinstance(stamp.dt, datetime) or stamp.dt.tzinfo is None:
        raise _unusable(name, f"event {uid}: DTSTAMP is missing or not a UTC date-time")
    try:
        body = _canonical_body(comp)
        ends = comp.get("DTEND")
        end = None if ends is None else ends.dt
        if isinstance(end, datetime) and end.tzinfo is None:
            end = end.replace(tzinfo=timezone.utc)
        elif isinstance(end, datetime):
            end = end.astimezone(timezone.utc)
        elif end is not None and not isinstance(end, date):
            raise ValueError("DTEND is not a date or time")
    except Exception as exc:  # a value icalendar read but runnerup cannot carry over
        raise _unusable(name, f"event {uid}: {exc}") from None
    start = next((line for line in body if line.startswith("DTSTART")), "")
    status = str(comp.get("STATUS", "")).upper()
    return PreviousEvent(
        uid,
        sequence,
        utc_stamp(stamp.dt),
        (body, status, end, start.partition(":")[2]),
        name,
        semantic=body,
    )
