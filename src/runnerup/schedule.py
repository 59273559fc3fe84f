"""SPEC §2: from roles to calls at exact instants. Pure: no clock, no files."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

try:  # CPython's own SHA-1; hashlib's loads OpenSSL, which costs more than the hashing
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import sha1 as _sha1

from .config import Config, Role, Touch
from .errors import Problem
from .lookups import holiday_names

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

    @property
    def uid(self) -> str:
        return touch_uid(self.role.id, self.touch.after.canonical)

    @property
    def prep_uid(self) -> str:
        return touch_uid(self.role.id, self.touch.after.canonical, "prep")

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


def schedule(config: Config) -> list[Call]:
    """Every call of every open role, soonest first (ties by identity: a stable order)."""
    calls = [
        call
        for role in config.roles
        if role.open
        for call in role_calls(role, config.zone_of(role), config.timezone)
    ]
    # Ties by (role id, offset): the UID's own identity, without hashing every call.
    calls.sort(key=lambda c: (c.start, c.role.id, c.touch.after.canonical))
    return calls


def role_calls(role: Role, zone: str, your_zone: str) -> list[Call]:
    s = role.settings
    touches = s.follow_up
    calls = []
    for number, touch in enumerate(touches, 1):
        planned = touch.after.after(role.decided)
        if touch.at is not None:
            local, moved_because = touch.at, None
        else:
            day, moved_because = next_free_day(planned, s.workdays, s.holidays, step=1)
            local = datetime.combine(day, s.call_time)
        start = to_utc(local, zone)
        prep_day = None
        if s.prep is not None:
            yours = start.astimezone(zone_info(your_zone))
            prep_day, _ = next_free_day((yours - s.prep).date(), s.workdays, s.holidays, step=-1)
            if s.prep < timedelta(days=1) and prep_day == yours.date():
                prep_day, _ = next_free_day(
                    prep_day - timedelta(days=1), s.workdays, s.holidays, step=-1
                )
        calls.append(
            Call(
                role,
                touch,
                number,
                len(touches),
                zone,
                start,
                start + s.duration,
                planned,
                moved_because,
                prep_day,
            )
        )
    return calls


def to_utc(local: datetime, zone: str) -> datetime:
    """Wall-clock time in `zone` to UTC. A time skipped by a DST jump lands after the jump
    (02:30 on a spring-forward night is 03:30); a repeated time takes its first occurrence."""
    return local.replace(tzinfo=zone_info(zone), fold=0).astimezone(UTC)


_ZONES: dict[str, ZoneInfo] = {}


def zone_info(name: str) -> ZoneInfo:
    """`ZoneInfo(name)`, kept: ZoneInfo's own cache holds only the last eight zones
    strongly, so a config with more zones re-read zone files thousands of times."""
    zone = _ZONES.get(name)
    if zone is None:
        zone = _ZONES[name] = ZoneInfo(name)
    return zone


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


def past_warnings(config: Config, calls: list[Call], today: date) -> list[Problem]:
    """A call already in the past is worth a word: close the role or pin a new time."""
    out = []
    # Today's midnight in your zone, as an instant: one comparison per call.
    start_of_today = to_utc(datetime.combine(today, time()), config.timezone)
    for call in calls:
        if call.start < start_of_today:
            out.append(
                Problem(
                    config.path,
                    call.touch.line or call.role.line,
                    call.touch.column or call.role.column,
                    f"{call.role.path}.follow_up",
                    f"the {call.touch.after.label} call with {call.role.contact.name} "
                    f"({call.local_start:%Y-%m-%d %H:%M} {call.zone}) is already past: close "
                    f"the role (`runnerup close {call.role.id}`) or pin a new time "
                    f"(`runnerup pin {call.role.id} WHEN --after '{call.touch.after.text}'`)",
                    "warning",
                )
            )
    return out
