"""Offsets (calendar arithmetic: "3 months") and durations (clock arithmetic: "20 minutes"):
parsing, arithmetic and the words for them. Pure: no clock, no zones, no config.

Both accept plain English (`1 month 2 weeks`), a bare integer where it makes sense, and
ISO 8601 (`P90D`, `PT30M`). An offset keeps the units the user wrote, for the event title,
and has a canonical form for identity, so `2 weeks` and `14 days` name the same touchpoint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

# ASCII digits only (re.ASCII): `\d` alone also matches `٣` or `३`, which int() accepts.
_WORD = re.compile(r"(\d+)\s*([a-z]+)", re.ASCII)
_ISO_DATE = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", re.ASCII)
_ISO_TIME = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", re.ASCII)
_OFFSET_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_DURATION_UNITS = {"minute": 60, "min": 60, "hour": 3600, "day": 86400, "week": 604800}
_Unit = TypeVar("_Unit", str, int)  # a unit's field name (offsets) or seconds (durations)
_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


class ValueProblem(ValueError):
    """A value that does not parse; the message says what was expected."""


class OutOfRange(ValueProblem):
    """A value that parses but is beyond its bound (the JSON Schema's patterns check the
    form only, so its tests tell the two apart)."""


MAX_OFFSET_YEARS = 100
"""An offset reaches at most this far after `decided` (1,200 months, 36,525 days): with
`decided` before 2200, every call, prep day and alarm stays far inside the years
datetime and every calendar client can represent."""
_MAX_MONTHS = 12 * MAX_OFFSET_YEARS
_MAX_DAYS = 36_525
_MAX_DIGITS = 9
"""A number longer than this is beyond every bound, whatever its unit; it is not given to
int() (5,000 digits raise ValueError there) but stands as `_TOO_LARGE`, which the bound
checks then refuse with their usual message."""
_TOO_LARGE = 10**_MAX_DIGITS


def _number(digits: str) -> int:
    return _TOO_LARGE if len(digits.lstrip("0")) > _MAX_DIGITS else int(digits)


def _shown(text: str) -> str:
    """The value as found, shortened like `source.Node.describe` for long input."""
    text = text.strip()
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _month_days(year: int, month: int) -> int:
    """Days in a month of the Gregorian calendar."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(frozen=True)
class Offset:
    """How long after `decided` a touchpoint falls."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def after(self, day: date) -> date:
        """Calendar arithmetic: Nov 30 + 3 months is the end of February."""
        days = timedelta(days=self.days + 7 * self.weeks)
        if not (self.years or self.months):
            return day + days
        # As dateutil's relativedelta: whole months first, the day clamped to the end of
        # the month, then the days (no dateutil import for two lines of arithmetic).
        months = day.month - 1 + self.months + 12 * self.years
        year, month = day.year + months // 12, months % 12 + 1
        last = _month_days(year, month)
        return day.replace(year=year, month=month, day=min(day.day, last)) + days

    @property
    def canonical(self) -> str:
        """The identity of the offset, whatever units were used to write it."""
        months = 12 * self.years + self.months
        days = 7 * self.weeks + self.days
        return "P" + (f"{months}M" if months else "") + (f"{days}D" if days or not months else "")

    @property
    def label(self) -> str:
        """`90-day`, `3-month`, `1-month-2-week`: as the user wrote it, for titles."""
        parts = [f"{n}-{unit}" for n, unit in self._parts()]
        return "-".join(parts) if parts else "0-day"

    @property
    def text(self) -> str:
        """`1 month 2 weeks`: as the user wrote it, in a form `parse_offset` reads back."""
        parts = [_plural(n, unit) for n, unit in self._parts()]
        return " ".join(parts) or "0 days"

    @property
    def words(self) -> str:
        """Roughly how long, in words: 90 days is "three months", for talking points."""
        months = 12 * self.years + self.months
        days = 7 * self.weeks + self.days
        if self.weeks and not (months or self.days):
            return _plural(self.weeks, "week", words=True)
        if months and days < 15:
            n, unit = (months // 12, "year") if months % 12 == 0 else (months, "month")
            return _plural(n, unit, words=True)
        total = days + round(months * 30.44)
        if total < 14:
            return _plural(total, "day", words=True)
        if total < 28:
            return _plural(round(total / 7), "week", words=True)
        if total < 365 - 15:
            return _plural(round(total / 30.44), "month", words=True)
        return _plural(round(total / 365.25), "year", words=True)

    def _parts(self) -> list[tuple[int, str]]:
        named = (
            ("year", self.years),
            ("month", self.months),
            ("week", self.weeks),
            ("day", self.days),
        )
        return [(n, unit) for unit, n in named if n]


def _plural(n: int, unit: str, *, words: bool = False) -> str:
    """`3 months`, `1 day`; with `words`, `three months` (twelve and below)."""
    shown = _NUMBERS[n] if words and n < len(_NUMBERS) else str(n)
    return f"{shown} {unit}" + ("" if n == 1 else "s")


_DIGITS = re.compile(r"\d+", re.ASCII)


def _bounded(offset: Offset, text: str) -> Offset:
    """`offset`, if it reaches at most `MAX_OFFSET_YEARS` after any day."""
    months = 12 * offset.years + offset.months
    days = 7 * offset.weeks + offset.days
    # A month counted as 30.4375 days (487/16): 1,200 months is exactly 36,525 days.
    if months > _MAX_MONTHS or days > _MAX_DAYS or 487 * months + 16 * days > 16 * _MAX_DAYS:
        raise OutOfRange(
            f"expected an offset of at most {MAX_OFFSET_YEARS} years, found {_shown(text)}"
        )
    return offset


@lru_cache(maxsize=1024)
def parse_offset(text: str) -> Offset:
    """`90 days`, `1 month 2 weeks`, `90`, `P3M`. Cached: a config repeats a few offsets
    thousands of times, and an Offset is frozen (errors are raised, never cached)."""
    raw = text.strip()
    hint = _offset_hint(text)
    if _DIGITS.fullmatch(raw):
        return _bounded(Offset(days=_number(raw)), text)
    if raw.upper().startswith("P"):
        match = _ISO_DATE.fullmatch(raw.upper())
        if not match or raw.upper() == "P":
            raise ValueProblem(hint)
        years, months, weeks, days = (_number(g or "0") for g in match.groups())
        return _bounded(Offset(years, months, weeks, days), text)
    amounts = {"years": 0, "months": 0, "weeks": 0, "days": 0}
    for n, unit in _amounts(raw, _OFFSET_UNITS, hint):
        amounts[unit] += n
    return _bounded(Offset(**amounts), text)


def _amounts(raw: str, units: Mapping[str, _Unit], hint: str) -> list[tuple[int, _Unit]]:
    """`1 month, 2 weeks and 3 days`: each number with what `units` says of its unit (a
    unit may be plural), in order. Anything else between them, an unknown unit or no
    number at all is a ValueProblem saying `hint`."""
    found = []
    pos = 0
    for match in _WORD.finditer(raw.lower()):
        if raw[pos : match.start()].strip(" ,") not in ("", "and"):
            raise ValueProblem(hint)
        unit = units.get(match.group(2).removesuffix("s"))
        if unit is None:
            raise ValueProblem(hint)
        found.append((_number(match.group(1)), unit))
        pos = match.end()
    if not found or raw[pos:].strip():
        raise ValueProblem(hint)
    return found


def _offset_hint(text: str) -> str:
    return (
        f"expected an offset such as `90 days`, `3 months`, `1 month 2 weeks` or `P90D`, "
        f"found {_shown(text)}"
    )


@lru_cache(maxsize=1024)
def parse_duration(
    text: str, *, allow_bare: bool = False, most: timedelta = timedelta(days=366)
) -> timedelta:
    """`20 minutes`, `1 hour 30 minutes`, `1 day`, `PT30M`; bare integers are minutes.
    Longer than `most` is a ValueProblem, checked before a timedelta could overflow."""
    raw = text.strip()
    hint = _duration_hint(text)
    if allow_bare and _DIGITS.fullmatch(raw):
        return _at_most(60 * _number(raw), text, most)
    if raw.upper().startswith("P"):
        match = _ISO_TIME.fullmatch(raw.upper())
        if not match or raw.upper() in ("P", "PT") or raw.upper().endswith("T"):
            raise ValueProblem(hint)
        weeks, days, hours, minutes, seconds = (_number(g or "0") for g in match.groups())
        total = (((7 * weeks + days) * 24 + hours) * 60 + minutes) * 60 + seconds
        return _at_most(total, text, most)
    seconds = sum(n * unit for n, unit in _amounts(raw, _DURATION_UNITS, hint))
    return _at_most(seconds, text, most)


def _at_most(seconds: int, text: str, most: timedelta) -> timedelta:
    if seconds > most.total_seconds():
        raise OutOfRange(
            f"expected a duration of at most {describe_duration(most)}, found {_shown(text)}"
        )
    return timedelta(seconds=seconds)


def _duration_hint(text: str) -> str:
    return (
        "expected a duration such as `20 minutes`, `1 hour`, `1 day` or `PT30M`, "
        f"found {_shown(text)}"
    )


def format_duration(value: timedelta) -> str:
    """RFC 5545 DURATION text: `PT30M`, `P1D`, `-PT30M`."""
    sign = "-" if value < timedelta(0) else ""
    total = int(abs(value).total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    out = f"{sign}P"
    if days:
        out += f"{days}D"
    if hours or minutes or seconds or not days:
        out += "T"
        out += f"{hours}H" if hours else ""
        out += f"{minutes}M" if minutes else ""
        out += f"{seconds}S" if seconds or (not hours and not minutes) else ""
    return out


def describe_duration(value: timedelta) -> str:
    """`30 minutes`, `1 hour 30 minutes`, `1 day`: for alarm texts."""
    total = int(value.total_seconds()) // 60
    days, rest = divmod(total, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [
        _plural(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n
    ]
    return " ".join(parts) or "0 minutes"
