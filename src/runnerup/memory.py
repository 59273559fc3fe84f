"""SPEC §4: the previous output is the memory that makes rebuilds quiet and updates real.
Pure: events and a `Previous` in, events and what changed out; no I/O, no bytes. `merge`
stamps SEQUENCE and DTSTAMP on the events it is given, which the build made for it.

Unchanged events keep their DTSTAMP and SEQUENCE, so a rebuild changes no byte; a changed
event gets SEQUENCE + 1 and a new DTSTAMP, so clients replace it in place. An event no
longer produced is, in a file for import, written once more as CANCELLED, so clients
remove it, and dropped 30 days after it would have ended; in a feed it is left out (a
subscription is a snapshot, and several clients show tombstones struck through) and only
its SEQUENCE is remembered (`Retired`), for as long. Either way SEQUENCE never goes down,
even when a removed event comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .ical.previous import Previous, PreviousEvent
from .ical.text import levels, utc_stamp
from .ical.write import Event, Retired
from .words import plural

FORMS = ("import", "feed")
KEEP_CANCELLED = timedelta(days=30)


@dataclass(frozen=True)
class Changes:
    """What a build did, for the one-line summary."""

    total: int
    new: int
    changed: int
    cancelled: int
    removed: int = 0  # left out of a feed (cancelled, in a file for import)

    def __str__(self) -> str:
        parts = [
            f"{n} {word}"
            for n, word in (
                (self.new, "new"),
                (self.changed, "changed"),
                (self.cancelled, "cancelled"),
                (self.removed, "removed"),
            )
            if n
        ]
        detail = ", ".join(parts) if parts else "no changes"
        return f"{plural(self.total, 'event')} ({detail})"


def merge(
    events: list[Event], previous: Previous | None, now: datetime, form: str = "import"
) -> tuple[list[Event], list[Retired], Changes]:
    """Apply the memory to freshly produced events; `now` stamps whatever changed.

    `form` is "import" (removed events become CANCELLED tombstones) or "feed" (they are
    left out, and remembered as `Retired`). Returns the events to write, the retired
    memory to write with them, and what changed."""
    if form not in FORMS:
        raise ValueError(form)
    stamp = utc_stamp(now)
    remembered = previous.events if previous is not None else {}
    retired = dict(previous.retired) if previous is not None else {}
    out: list[Event] = []
    new = changed = cancelled = removed = 0
    produced = set()
    for event in events:
        produced.add(event.uid)
        before = remembered.get(event.uid)
        gone = retired.pop(event.uid, None)
        if before is None and gone is not None:  # back after a feed left it out
            event.sequence, event.dtstamp = gone.sequence + 1, stamp
            changed += 1
        elif before is None:
            event.sequence, event.dtstamp = 0, stamp
            new += 1
        elif before.same_body(event):
            event.sequence, event.dtstamp = before.sequence, before.dtstamp
        else:
            event.sequence, event.dtstamp = before.sequence + 1, stamp
            changed += 1
        out.append(event)
    for uid, before in remembered.items():
        if uid in produced or _long_past(before.ends, now):
            continue
        # Cancelling is a revision: SEQUENCE + 1 in both forms, so that they agree.
        already = before.status == "CANCELLED"
        sequence = before.sequence if already else before.sequence + 1
        if form == "feed":
            retired[uid] = Retired(uid, sequence, _day(before.ends))
            removed += 1
        elif already:
            out.append(Event(uid, before.body, before.sort_key, before.sequence, before.dtstamp))
        else:
            out.append(Event(uid, _cancelled_body(before), before.sort_key, sequence, stamp))
            cancelled += 1
    kept = [r for uid, r in retired.items() if uid not in produced and not _long_past(r.ends, now)]
    return out, kept, Changes(len(out), new, changed, cancelled, removed)


def newest(mine: Previous | None, other: Previous) -> Previous:
    """Two memories of one calendar as one: for each event the one with the higher
    SEQUENCE (on a tie, `mine`), retired ones included, so that a feed merging another
    writer's file never publishes a SEQUENCE lower than either has shown. Only
    runnerup's own count."""
    if mine is None or not mine.ours:
        return other
    if not other.ours:
        return mine
    events = dict(mine.events)
    for uid, event in other.events.items():
        have = events.get(uid)
        if have is None or event.sequence > have.sequence:
            events[uid] = event
    retired = dict(mine.retired)
    for uid, gone in other.retired.items():
        kept = retired.get(uid)
        if kept is None or gone.sequence > kept.sequence:
            retired[uid] = gone
    for uid in [u for u in retired if u in events]:  # shown by one, retired by the other
        if events[uid].sequence >= retired[uid].sequence:
            del retired[uid]
        else:
            del events[uid]
    return Previous(ours=True, events=events, retired=retired)


def _day(ends: date | datetime | None) -> date | None:
    """The UTC day an event ends: all a retired event's memory needs to expire."""
    return ends.date() if isinstance(ends, datetime) else ends


def _long_past(ends: date | datetime | None, now: datetime) -> bool:
    if ends is None:
        return False
    # `now - 30 days`, not `ends + 30 days`: an end in December 9999 must not overflow.
    if isinstance(ends, datetime):
        return ends < now - KEEP_CANCELLED
    assert isinstance(ends, date)
    return ends < now.date() - KEEP_CANCELLED


def _cancelled_body(event: PreviousEvent) -> list[str]:
    """The old event, marked CANCELLED, without its alarm (nobody wants a reminder for a
    call that is off)."""
    body: list[str] = []
    has_status = False
    for level, line in levels(event.body):
        if level == 0:
            if line.upper().startswith("STATUS:"):
                line, has_status = "STATUS:CANCELLED", True
            body.append(line)
    if not has_status:
        body.append("STATUS:CANCELLED")
    return body
