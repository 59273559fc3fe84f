"""SPEC §2: from roles to calls at exact instants (the cadence, the log replayed, days off
skipped) and their stable UIDs. Never reads the clock or prints; `edit_command` alone
looks at the environment and the file system, to word a suggestion."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

try:  # CPython's own SHA-1; hashlib's loads OpenSSL, which costs more than the hashing
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import sha1 as _sha1

from . import default_config
from .durations import Offset
from .lookups import holiday_names, zone_info
from .model import Config, LogEntry, Role, Touch
from .outcomes import RETRY_OUTCOMES

UTC = timezone.utc
_UID_NAMESPACE = uuid.UUID("6f1d7a52-3c1e-4a8e-9b0b-52756e6e6572")
_UID_PREFIX = _UID_NAMESPACE.bytes
_MAX_SHIFT = 400  # days a date may move before we give up (a workday list always matches)


@dataclass(frozen=True)
class Call:
    """One follow-up call, placed in time."""

    role: Role
    touch: Touch
    number: int  # 1-based position in the role's cadence
    of: int
    zone: str  # the contact's zone
    start: datetime  # aware, UTC
    end: datetime
    planned: date  # `decided` + offset, before moving off days off
    moved_because: str | None  # why the date moved ("Saturday", "Thanksgiving Day")
    prep_day: date | None  # the all-day prep block, in your zone
    kind: str = "planned"  # planned (from follow_up), retry, or next (a log entry's --next)
    attempt: int = 1  # 1 for a first try; a retry counts on from the try it repeats
    entry: LogEntry | None = None  # the log entry a retry or next touchpoint comes from
    ident: str = ""  # a retry's or next touchpoint's key, worked out once (`log_key`)

    @property
    def key(self) -> str:
        """The touchpoint's identity within its role: the offset of a planned one, the log
        entry (see `log_key`) of a retry or next one."""
        return self.ident or self.touch.after.canonical

    @property
    def uid(self) -> str:
        return touch_uid(self.role.id, self.key)

    @property
    def prep_uid(self) -> str:
        return touch_uid(self.role.id, self.key, "prep")

    @property
    def label(self) -> str:
        """`90-day follow-up`, `90-day follow-up, 2nd try`, `follow-up`."""
        base = "follow-up" if self.kind == "next" else f"{self.touch.after.label} follow-up"
        return f"{base}, {ordinal(self.attempt)} try" if self.attempt > 1 else base

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(zone_info(self.zone))


def touch_uid(role_id: str, after: str, kind: str = "call") -> str:
    """A UUID that is stable for (role id, offset) and says nothing about either.

    `uuid.uuid5`, spelled out (RFC 4122 §4.3): it imports hashlib, which loads OpenSSL
    for SHA-1 (a tenth of an everyday command's start-up), and costs 5 µs per event."""
    digest = bytearray(_sha1(_UID_PREFIX + f"{kind}\x00{role_id}\x00{after}".encode()).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def log_key(entry: LogEntry, ordinal: int) -> str:
    """The identity of the touchpoint a log entry makes: its date and its place among
    that day's entries (0 for the first), so editing the entry's note or outcome changes
    the event, never its UID."""
    return f"log:{entry.on.isoformat()}#{ordinal}"


def ordinal(n: int) -> str:
    """`1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`."""
    tail = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{tail}"


def schedule(config: Config) -> list[Call]:
    """Every call of every open role, soonest first (ties by identity: a stable order)."""
    calls = [
        call
        for role in config.roles
        if role.open
        for call in role_calls(role, config.zone_of(role), config.timezone)
    ]
    # Ties by (role id, touchpoint key): the UID's own identity, without hashing every call.
    calls.sort(key=lambda c: (c.start, c.role.id, c.key))
    return calls


def role_calls(role: Role, zone: str, your_zone: str) -> list[Call]:
    """The calls still ahead of a role once its log has been applied."""
    if not role.log:  # the usual case, and the whole of a large config: no log to replay
        return _planned(role, zone, your_zone)
    return plan_role(role, zone, your_zone).pending


@dataclass(frozen=True)
class Plan:
    """A role's touchpoints after its log: what is still ahead and what the log did."""

    pending: list[Call]  # still to do, in time order
    answered: list[tuple[Call, LogEntry]]  # each touchpoint a logged contact answered
    exhausted: list[Call]  # answered without reply at the last allowed attempt
    ended: LogEntry | None  # the `offer` or `declined` that ended the role


def plan_role(role: Role, zone: str, your_zone: str) -> Plan:
    """Replay the log over the planned touchpoints (docs/config.md, "The log").

    Each contact, in date order, answers every pending touchpoint due on or before its
    day (in your zone) and every pending retry; no reply schedules a retry of the latest
    touchpoint it answered, `retry` later, up to `attempts` tries; `next` adds one
    touchpoint; `offer` and `declined` end the role."""
    s = role.settings
    pending = _planned(role, zone, your_zone)
    answered: list[tuple[Call, LogEntry]] = []
    exhausted: list[Call] = []
    yours = zone_info(your_zone)
    # Each call's day in your zone, once. Keyed by id(): every call made here stays
    # referenced (in `pending` or `answered`) until the end, so no id is reused.
    day = {id(c): c.start.astimezone(yours).date() for c in pending}
    same_day: dict[date, int] = {}
    for entry in role.history:  # by date, then file order: the ordinal within a day
        number = same_day[entry.on] = same_day.get(entry.on, -1) + 1
        ident = log_key(entry, number)
        done = [c for c in pending if c.kind == "retry" or day[id(c)] <= entry.on]
        gone = {id(c) for c in done}
        pending = [c for c in pending if id(c) not in gone]
        answered += [(c, entry) for c in done]
        if entry.ends:
            return Plan([], answered, exhausted, entry)
        if entry.next is not None:
            pending.append(
                _placed(role, zone, your_zone, entry, "next", 1, _next_touch(role, entry), ident)
            )
        elif entry.outcome in RETRY_OUTCOMES:
            latest = max(done, key=lambda c: (c.start, c.key), default=None)
            attempt = latest.attempt + 1 if latest else 2
            touch = latest.touch if latest else Touch(_since(role, entry.on))
            if attempt <= s.attempts:
                retry_touch = Touch(touch.after, None, entry.line, entry.column)
                pending.append(
                    _placed(role, zone, your_zone, entry, "retry", attempt, retry_touch, ident)
                )
            elif latest is not None:
                exhausted.append(latest)
        if pending and id(pending[-1]) not in day:  # the retry or next touchpoint just made
            day[id(pending[-1])] = pending[-1].start.astimezone(yours).date()
        pending.sort(key=lambda c: (c.start, c.key))
    return Plan(pending, answered, exhausted, None)


def _since(role: Role, day: date) -> Offset:
    """How long after the role's base day `day` is, for `{elapsed}` (never negative: a
    contact may come before `started`)."""
    return Offset(days=max(0, (day - role.base).days))


def _next_touch(role: Role, entry: LogEntry) -> Touch:
    """A log entry's `next` as a touchpoint: pinned when it names a date and time."""
    nxt = entry.next
    if isinstance(nxt, datetime):
        return Touch(_since(role, nxt.date()), nxt, entry.line, entry.column)
    if isinstance(nxt, date):
        pinned = datetime.combine(nxt, role.settings.call_time)
        return Touch(_since(role, nxt), pinned, entry.line, entry.column)
    assert isinstance(nxt, Offset)
    return Touch(_since(role, nxt.after(entry.on)), None, entry.line, entry.column)


def _placed(
    role: Role,
    zone: str,
    your_zone: str,
    entry: LogEntry,
    kind: str,
    attempt: int,
    touch: Touch,
    ident: str,
) -> Call:
    """A retry or next touchpoint in time: pinned, or `retry`/`next` after the contact,
    moved off days off, at the usual call time."""
    s = role.settings
    if touch.at is not None:
        return _call(
            role,
            touch,
            1,
            1,
            zone,
            your_zone,
            touch.at,
            touch.at.date(),
            None,
            kind,
            attempt,
            entry,
            ident,
        )
    nxt = entry.next if kind == "next" else s.retry
    assert isinstance(nxt, Offset)
    planned = nxt.after(entry.on)
    day, moved_because = next_free_day(planned, s.workdays, s.holidays, step=1)
    local = datetime.combine(day, s.call_time)
    return _call(
        role,
        touch,
        1,
        1,
        zone,
        your_zone,
        local,
        planned,
        moved_because,
        kind,
        attempt,
        entry,
        ident,
    )


def _planned(role: Role, zone: str, your_zone: str) -> list[Call]:
    """The role's `follow_up` touchpoints, counted from `started` or `decided`."""
    s = role.settings
    touches = s.follow_up
    calls = []
    base = role.base
    for number, touch in enumerate(touches, 1):
        planned = touch.after.after(base)
        if touch.at is not None:
            local, moved_because = touch.at, None
        else:
            day, moved_because = next_free_day(planned, s.workdays, s.holidays, step=1)
            local = datetime.combine(day, s.call_time)
        calls.append(
            _call(role, touch, number, len(touches), zone, your_zone, local, planned, moved_because)
        )
    return calls


def _call(
    role: Role,
    touch: Touch,
    number: int,
    of: int,
    zone: str,
    your_zone: str,
    local: datetime,
    planned: date,
    moved_because: str | None,
    kind: str = "planned",
    attempt: int = 1,
    entry: LogEntry | None = None,
    ident: str = "",
) -> Call:
    s = role.settings
    start = to_utc(local, zone)
    prep_day = None
    if s.prep is not None:
        yours = start.astimezone(zone_info(your_zone))
        prep_day, _ = next_free_day((yours - s.prep).date(), s.workdays, s.holidays, step=-1)
        if s.prep < timedelta(days=1) and prep_day == yours.date():
            prep_day, _ = next_free_day(
                prep_day - timedelta(days=1), s.workdays, s.holidays, step=-1
            )
    return Call(
        role,
        touch,
        number,
        of,
        zone,
        start,
        start + s.duration,
        planned,
        moved_because,
        prep_day,
        kind,
        attempt,
        entry,
        ident,
    )


def to_utc(local: datetime, zone: str) -> datetime:
    """Wall-clock time in `zone` to UTC. A time skipped by a DST jump lands after the jump
    (02:30 on a spring-forward night is 03:30); a repeated time takes its first occurrence."""
    return local.replace(tzinfo=zone_info(zone), fold=0).astimezone(UTC)


def next_free_day(
    day: date, workdays: frozenset[int], country: str | None, *, step: int
) -> tuple[date, str | None]:
    """The first day from `day` (forward for calls, back for prep) that is a workday and
    not a public holiday; and why the days before it were skipped."""
    reasons: list[str] = []
    for _ in range(_MAX_SHIFT):
        holiday = holiday_name(day, country) if country else None
        if day.weekday() in workdays and holiday is None:
            return day, ", ".join(reasons) or None
        reason = holiday or day.strftime("%A")
        if reason not in reasons:
            reasons.append(reason)
        day += timedelta(days=step)
    raise AssertionError("no workday within a year")  # workdays is never empty


def holiday_name(day: date, country: str) -> str | None:
    return holiday_names(country, day.year).get(day)


NO_REPLY = {"call": "no-answer", "email": "emailed", "message": "messaged"}
"""The outcome to log for a touchpoint of each channel that got no reply."""


def edit_command(config_path: str, args: str) -> str:
    """`runnerup ARGS`, plus `-c PATH` when the edit commands would not find this config by
    themselves ($RUNNERUP_CONFIG, else runnerup.yaml here): a suggestion must work pasted."""
    default = default_config()
    try:
        same = os.path.samefile(config_path, default)
    except (OSError, ValueError):
        same = os.path.abspath(config_path) == os.path.abspath(default)
    return f"runnerup {args}" + ("" if same else f" -c {_shell_quote(config_path)}")


def _shell_quote(text: str) -> str:
    """shlex.quote, without importing shlex on every `check` and `agenda` run (it pulls in
    more than this needs: tests/test_startup.py)."""
    if text and all(c.isascii() and (c.isalnum() or c in "@%+=:,./-_") for c in text):
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"
