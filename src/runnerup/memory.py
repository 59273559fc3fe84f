"""SPEC §4: the previous output is the memory that makes rebuilds quiet and updates real.

Unchanged events keep their DTSTAMP and SEQUENCE, so a rebuild changes no byte; a changed
event gets SEQUENCE + 1 and a new DTSTAMP, so clients replace it in place; an event no
longer produced is written once more as CANCELLED, so clients remove it, and is dropped
30 days after it would have ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .ics import Event, Previous, PreviousEvent, utc_stamp

KEEP_CANCELLED = timedelta(days=30)


@dataclass(frozen=True)
class Changes:
    """What a build did, for the one-line summary."""

    total: int
    new: int
    changed: int
    cancelled: int

    def __str__(self) -> str:
        parts = [
            f"{n} {word}"
            for n, word in (
                (self.new, "new"),
                (self.changed, "changed"),
                (self.cancelled, "cancelled"),
            )
            if n
        ]
        detail = ", ".join(parts) if parts else "no changes"
        return f"{self.total} event{'' if self.total == 1 else 's'} ({detail})"


def merge(
    events: list[Event], previous: Previous | None, now: datetime
) -> tuple[list[Event], Changes]:
    """Apply the memory to freshly produced events; `now` stamps whatever changed."""
    stamp = utc_stamp(now)
    remembered = previous.events if previous is not None else {}
    out: list[Event] = []
    new = changed = cancelled = 0
    produced = set()
    for event in events:
        produced.add(event.uid)
        before = remembered.get(event.uid)
        if before is None:
            event.sequence, event.dtstamp = 0, stamp
            new += 1
        elif before.same_body(event):
            event.sequence, event.dtstamp = before.sequence, before.dtstamp
        else:
            event.sequence, event.dtstamp = before.sequence + 1, stamp
            changed += 1
        out.append(event)
    for uid, before in remembered.items():
        if uid in produced or _long_past(before, now):
            continue
        if before.status == "CANCELLED":
            out.append(Event(uid, before.body, before.sort_key, before.sequence, before.dtstamp))
            continue
        out.append(Event(uid, _cancelled_body(before), before.sort_key, before.sequence + 1, stamp))
        cancelled += 1
    return out, Changes(len(out), new, changed, cancelled)


def _long_past(event: PreviousEvent, now: datetime) -> bool:
    if event.ends is None:
        return False
    # `now - 30 days`, not `ends + 30 days`: an end in December 9999 must not overflow.
    if isinstance(event.ends, datetime):
        return event.ends < now - KEEP_CANCELLED
    assert isinstance(event.ends, date)
    return event.ends < now.date() - KEEP_CANCELLED


def _cancelled_body(event: PreviousEvent) -> list[str]:
    """The old event, marked CANCELLED, without its alarm (nobody wants a reminder for a
    call that is off)."""
    body: list[str] = []
    depth = 0
    has_status = False
    for line in event.body:
        if line.startswith("BEGIN:"):
            depth += 1
        if depth == 0:
            if line.upper().startswith("STATUS:"):
                line, has_status = "STATUS:CANCELLED", True
            body.append(line)
        if line.startswith("END:"):
            depth -= 1
    if not has_status:
        body.append("STATUS:CANCELLED")
    return body
