"""Read .ics bytes with several independent iCalendar parsers and normalise what they saw.

Each ``read_*`` function parses the whole file with one library, lets that library's
errors propagate (a rejected file raises), and returns one :class:`Seen` per VEVENT,
sorted by UID. Timed values become aware UTC datetimes (``datetime.timezone.utc``),
all-day values become ``datetime.date``. A missing SEQUENCE reads as 0 (RFC 5545's
default), a missing SUMMARY as ``""``, a missing STATUS as ``None``.

The JavaScript parsers (ical.js, node-ical) run under node via ``tests/js/read.mjs``;
libical runs through Debian's GObject bindings (``gir1.2-ical-3.0`` + ``python3-gi``)
in the system interpreter. When a tool is not installed they raise :class:`ToolMissing`,
which pytest reports as a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

JS_DIR = Path(__file__).resolve().parent / "js"
NODE_LIBS = ("ical.js", "node-ical")
TIMEOUT = 120  # seconds for one external parser run


@dataclass(frozen=True)
class Seen:
    """What one parser read for one VEVENT."""

    uid: str
    start: datetime | date  # aware UTC datetime for timed events, date for all-day
    end: datetime | date
    sequence: int
    status: str | None  # e.g. "CANCELLED", "CONFIRMED", or None
    summary: str


class ToolMissing(pytest.skip.Exception):  # type: ignore[misc, name-defined]
    """An external parser (node, an npm package, libical's bindings) is not installed."""


class ParseRejected(Exception):
    """An external parser, or icalendar's lenient parser, reported the file as broken."""


# --- normalising ---------------------------------------------------------------------


def _when(value: object) -> datetime | date:
    """Normalise a parser's date or date-time to a ``date`` or an aware UTC ``datetime``."""
    if hasattr(value, "datetime") and not isinstance(value, date):  # arrow.Arrow
        value = value.datetime
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"floating (zone-less) time {value.isoformat()}")
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date or date-time: {value!r}")


def _end(start: datetime | date, end: object, duration: object) -> datetime | date:
    """DTEND, else DTSTART + DURATION, else RFC 5545's default (same instant / next day)."""
    if end is not None:
        return _when(end)
    if isinstance(duration, timedelta):
        return start + duration
    return start if isinstance(start, datetime) else start + timedelta(days=1)


def _seen(
    uid: object,
    start: object,
    end: object,
    sequence: object,
    status: object,
    summary: object,
    duration: object = None,
) -> Seen:
    """Build a Seen from loosely typed library values."""
    if not uid:
        raise ValueError("VEVENT without UID")
    begin = _when(start)
    return Seen(
        uid=str(uid),
        start=begin,
        end=_end(begin, end, duration),
        sequence=0 if sequence in (None, "") else int(str(sequence)),
        status=None if status in (None, "") else str(status).upper(),
        summary="" if summary is None else str(summary),
    )


def _sorted(events: Iterable[Seen]) -> list[Seen]:
    return sorted(events, key=lambda e: (e.uid, str(e.start)))


def _text(data: bytes) -> str:
    """Decode strictly, for every reader alike.

    A file that is not UTF-8, or that folds in the middle of a multi-octet character, raises
    UnicodeDecodeError here: icalendar, ical.js and node-ical would otherwise read U+FFFD.
    """
    return data.decode("utf-8")


# --- Python parsers --------------------------------------------------------------------


def read_icalendar(data: bytes) -> list[Seen]:
    """icalendar (collective/icalendar). Raises on errors it would otherwise only record."""
    import icalendar

    _text(data)
    cal = icalendar.Calendar.from_ical(data)
    problems = [(c.name, err) for c in cal.walk() for err in c.errors]
    if problems:
        raise ParseRejected(f"icalendar recorded errors: {problems}")
    out = []
    for ev in cal.walk("VEVENT"):
        dtend, dur = ev.get("DTEND"), ev.get("DURATION")
        out.append(
            _seen(
                ev.get("UID"),
                ev["DTSTART"].dt,
                None if dtend is None else dtend.dt,
                ev.get("SEQUENCE"),
                ev.get("STATUS"),
                ev.get("SUMMARY"),
                None if dur is None else dur.dt,
            )
        )
    return _sorted(out)


def read_vobject(data: bytes) -> list[Seen]:
    """vobject, with its behaviour validation switched on."""
    import vobject

    cal = vobject.readOne(_text(data), validate=True)

    def value(ev: Any, name: str) -> Any:
        return ev.contents[name][0].value if name in ev.contents else None

    out = [
        _seen(
            value(ev, "uid"),
            value(ev, "dtstart"),
            value(ev, "dtend"),
            value(ev, "sequence"),
            value(ev, "status"),
            value(ev, "summary"),
            value(ev, "duration"),
        )
        for ev in cal.contents.get("vevent", [])
    ]
    return _sorted(out)


def read_ics(data: bytes) -> list[Seen]:
    """ics-py 0.7 (arrow-based; SEQUENCE is not modelled and lives in ``extra``)."""
    import ics

    cal = ics.Calendar(_text(data))
    out = []
    for ev in cal.events:
        seq = next((line.value for line in ev.extra if line.name == "SEQUENCE"), None)
        if ev.all_day:  # arrow at midnight: keep its wall-clock date
            start: object = ev.begin.date()
            end: object = ev.end.date() if ev.has_end() else None
        else:
            start, end = ev.begin, ev.end if ev.has_end() else None
        out.append(_seen(ev.uid, start, end, seq, ev.status, ev.name))
    return _sorted(out)


def read_ical(data: bytes) -> list[Seen]:
    """ical (allenporter/ical), the strict pydantic-based parser."""
    from ical.calendar_stream import IcsCalendarStream

    cal = IcsCalendarStream.calendar_from_ics(_text(data))
    out = [
        _seen(
            ev.uid,
            ev.dtstart,
            ev.dtend,
            ev.sequence,
            None if ev.status is None else getattr(ev.status, "value", ev.status),
            ev.summary,
            ev.duration,
        )
        for ev in cal.events
    ]
    return _sorted(out)


PYTHON_READERS: dict[str, Callable[[bytes], list[Seen]]] = {
    "icalendar": read_icalendar,
    "vobject": read_vobject,
    "ics": read_ics,
}
if sys.version_info >= (3, 11):  # ical 9 needs 3.11; the test extra installs it only there
    PYTHON_READERS["ical"] = read_ical


# --- external parsers ------------------------------------------------------------------


def _from_json(rows: list[dict[str, Any]]) -> list[Seen]:
    """Turn read.mjs / libical JSON rows into Seen objects."""

    def when(text: Any) -> datetime | date:
        if isinstance(text, (int, float)):
            return datetime.fromtimestamp(text, timezone.utc)
        if len(text) == 10:
            return date.fromisoformat(text)
        return _when(datetime.fromisoformat(text.replace("Z", "+00:00")))

    return _sorted(
        _seen(
            r.get("uid"),
            when(r["start"]),
            None if r.get("end") is None else when(r["end"]),
            r.get("sequence"),
            r.get("status"),
            r.get("summary"),
        )
        for r in rows
    )


def _run(argv: list[str], data: bytes, what: str) -> list[dict[str, Any]]:
    """Run a reader process with the .ics on stdin; exit 3 means a missing dependency."""
    proc = subprocess.run(argv, input=data, capture_output=True, timeout=TIMEOUT, check=False)
    err = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode == 3:
        raise ToolMissing(f"{what} is not installed: {err}")
    if proc.returncode != 0:
        raise ParseRejected(f"{what} rejected the file (exit {proc.returncode}): {err}")
    rows: list[dict[str, Any]] = json.loads(proc.stdout)
    return rows


def read_node(data: bytes, lib: str) -> list[Seen]:
    """Parse with a JavaScript library ("ical.js" or "node-ical") through node."""
    if lib not in NODE_LIBS:
        raise ValueError(f"lib must be one of {NODE_LIBS}, not {lib!r}")
    node = shutil.which("node")
    if node is None:
        raise ToolMissing("node is not on PATH")
    if not (JS_DIR / "node_modules" / lib).is_dir():
        raise ToolMissing(f"{lib} is not installed: run `npm ci` in {JS_DIR}")
    _text(data)
    return _from_json(_run([node, str(JS_DIR / "read.mjs"), lib], data, lib))


_LIBICAL_SCRIPT = r"""
import json, sys
try:
    import gi
    gi.require_version("ICalGLib", "3.0")
    from gi.repository import ICalGLib as I
except (ImportError, ValueError) as exc:
    print(f"gi / ICalGLib 3.0: {exc}", file=sys.stderr)
    sys.exit(3)

K = I.ComponentKind

def each(comp, kind):
    sub = comp.get_first_component(kind)
    while sub is not None:
        yield sub
        sub = comp.get_next_component(kind)

def errors(comp):
    found = []
    p = comp.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
    while p is not None:
        found.append(f"{comp.isa().value_nick}: {p.get_xlicerror()}")
        p = comp.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
    for sub in each(comp, K.ANY_COMPONENT):
        found += errors(sub)
    return found

def when(t):
    if t is None or t.is_null_time():
        return None
    if t.is_date():
        return f"{t.get_year():04d}-{t.get_month():02d}-{t.get_day():02d}"
    zone = t.get_timezone()
    if not t.is_utc() and zone is None:
        sys.exit(f"floating time {t.as_ical_string()}")
    return t.as_timet_with_zone(zone or I.Timezone.get_utc_timezone())

text = sys.stdin.buffer.read().decode("utf-8")
try:
    cal = I.Component.new_from_string(text) if text.strip() else None
except TypeError:  # the constructor returned NULL
    cal = None
if cal is None:
    sys.exit("libical could not parse the file")
if cal.isa() != K.VCALENDAR_COMPONENT:
    sys.exit(f"top component is {cal.isa().value_nick}")
problems = errors(cal)
if problems:
    sys.exit("X-LIC-ERROR: " + "; ".join(problems))
rows = []
for ev in each(cal, K.VEVENT_COMPONENT):
    status = ev.get_first_property(I.PropertyKind.STATUS_PROPERTY)
    seq = ev.get_first_property(I.PropertyKind.SEQUENCE_PROPERTY)
    rows.append({
        "uid": ev.get_uid(),
        "start": when(ev.get_dtstart()),
        "end": when(ev.get_dtend()),
        "sequence": seq.get_sequence() if seq is not None else None,
        "status": status.get_value_as_string() if status is not None else None,
        "summary": ev.get_summary(),
    })
print(json.dumps(rows))
"""


def _libical_python() -> str:
    """The interpreter that has Debian's gi bindings (override with LIBICAL_PYTHON)."""
    return os.environ.get("LIBICAL_PYTHON") or shutil.which("python3", path="/usr/bin") or ""


def read_libical(data: bytes) -> list[Seen]:
    """libical 3 (the C library behind Evolution) through GObject introspection."""
    python = _libical_python()
    if not python:
        raise ToolMissing("no system python3 for libical's GObject bindings")
    _text(data)
    return _from_json(_run([python, "-c", _LIBICAL_SCRIPT], data, "libical"))


EXTERNAL_READERS: dict[str, Callable[[bytes], list[Seen]]] = {
    "ical.js": lambda data: read_node(data, "ical.js"),
    "node-ical": lambda data: read_node(data, "node-ical"),
    "libical": read_libical,
}
ALL_READERS = {**PYTHON_READERS, **EXTERNAL_READERS}


# --- self-test -------------------------------------------------------------------------


def _fold(line: str) -> list[str]:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += width
    return [*out, current]


def _sample() -> bytes:
    """A hand-written calendar: two timed UTC events (one cancelled) and one all-day."""
    long = "Ask about the roadmap — and the café's team " * 4
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//runnerup//interop self-test//EN",
        "CALSCALE:GREGORIAN",
        "NAME:Runner-up follow-ups",
        "X-WR-CALNAME:Runner-up follow-ups",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
        "BEGIN:VEVENT",
        "UID:b-call@runnerup.example",
        "DTSTAMP:20261118T094640Z",
        "SEQUENCE:2",
        "DTSTART:20261204T160000Z",
        "DTEND:20261204T162000Z",
        "SUMMARY:Call Zoë Ng — Acme Corp",
        "DESCRIPTION:" + long.replace(",", "\\,"),
        "CLASS:PRIVATE",
        "STATUS:CONFIRMED",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT30M",
        "DESCRIPTION:Call Zoë Ng",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:a-cancelled@runnerup.example",
        "DTSTAMP:20261118T094640Z",
        "SEQUENCE:3",
        "DTSTART:20261207T150000Z",
        "DTEND:20261207T152000Z",
        "SUMMARY:Call Sam Lee\\, Globex",
        "STATUS:CANCELLED",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT30M",
        "DESCRIPTION:Call Sam Lee",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:c-prep@runnerup.example",
        "DTSTAMP:20261118T094640Z",
        "SEQUENCE:0",
        "DTSTART;VALUE=DATE:20261203",
        "DTEND;VALUE=DATE:20261204",
        "SUMMARY:Prepare: call Zoë Ng",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    folded = [part for line in lines for part in _fold(line)]
    return ("\r\n".join(folded) + "\r\n").encode("utf-8")


def _self_test() -> int:
    data = _sample()
    assert max(len(x) for x in data.split(b"\r\n")) <= 75
    utc = timezone.utc
    expected = [
        Seen(
            "a-cancelled@runnerup.example",
            datetime(2026, 12, 7, 15, 0, tzinfo=utc),
            datetime(2026, 12, 7, 15, 20, tzinfo=utc),
            3,
            "CANCELLED",
            "Call Sam Lee, Globex",
        ),
        Seen(
            "b-call@runnerup.example",
            datetime(2026, 12, 4, 16, 0, tzinfo=utc),
            datetime(2026, 12, 4, 16, 20, tzinfo=utc),
            2,
            "CONFIRMED",
            "Call Zoë Ng — Acme Corp",
        ),
        Seen(
            "c-prep@runnerup.example",
            date(2026, 12, 3),
            date(2026, 12, 4),
            0,
            None,
            "Prepare: call Zoë Ng",
        ),
    ]
    failed = skipped = 0
    for name, reader in ALL_READERS.items():
        try:
            got = reader(data)
        except ToolMissing as exc:
            print(f"{name:10} SKIPPED: {exc}")
            skipped += 1
            continue
        ok = got == expected and all(
            type(v) is type(w) and getattr(v, "tzinfo", None) is getattr(w, "tzinfo", None)
            for s, e in zip(got, expected, strict=True)
            for v, w in ((s.start, e.start), (s.end, e.end))
        )
        failed += not ok
        print(f"{name:10} {'ok' if ok else 'MISMATCH'}")
        for seen in got:
            print(f"    {seen}")
    agreed = len(ALL_READERS) - failed - skipped
    print(f"{agreed} readers agree, {failed} differ, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_self_test())
