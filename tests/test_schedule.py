"""SPEC §2 as a table: the instant every call must land on, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from runnerup.durations import parse_offset
from runnerup.schedule import schedule
from runnerup.validate import parse_config


def calls_for(
    role_extra: str, *, decided: str, zone: str = "America/New_York", defaults: str = ""
) -> list:
    text = f"""\
calendar:
  timezone: America/New_York
defaults:
  reminder: none
{defaults}
roles:
  - company: Acme
    title: PM
    decided: {decided}
    contact:
      name: Dana Whitfield
      timezone: {zone}
{role_extra}"""
    return schedule(parse_config(text.encode(), "t.yaml"))


def starts(calls: list) -> list[str]:
    return [c.start.strftime("%Y-%m-%dT%H:%MZ") for c in calls]


# (why, decided, contact zone, extra role keys, expected UTC starts)
TABLE = [
    ("plain weekday, Chicago CST", "2026-09-03", "America/Chicago", "", ["2026-12-02T16:00Z"]),
    ("Saturday moves to Monday", "2026-09-06", "America/New_York", "", ["2026-12-07T15:00Z"]),
    ("Sunday moves to Monday", "2026-09-07", "America/New_York", "", ["2026-12-07T15:00Z"]),
    (
        "US Independence Day observed on Friday 3 July, then the weekend",
        "2026-04-04",
        "America/New_York",
        "    holidays: US\n",
        ["2026-07-06T14:00Z"],
    ),
    (
        "without holidays the observed day is a plain Friday",
        "2026-04-04",
        "America/New_York",
        "",
        ["2026-07-03T14:00Z"],
    ),
    (
        "Christmas, weekend, and Boxing Day's substitute Monday in England",
        "2026-09-26",
        "Europe/London",
        "    holidays: GB-ENG\n",
        ["2026-12-29T10:00Z"],
    ),
    (
        "Christmas in the US: Monday 28th is a working day",
        "2026-09-26",
        "America/Los_Angeles",
        "    holidays: US\n",
        ["2026-12-28T18:00Z"],
    ),
    (
        "Nov 30 + 3 months is Feb 28 (a Sunday), so Monday Mar 1",
        "2026-11-30",
        "America/New_York",
        "    follow_up: 3 months\n",
        ["2027-03-01T15:00Z"],
    ),
    (
        "Nov 30 + 3 months in a leap year is Feb 29",
        "2027-11-30",
        "America/New_York",
        "    follow_up: 3 months\n",
        ["2028-02-29T15:00Z"],
    ),
    (
        "Jan 31 + 1 month is Feb 28",
        "2025-01-31",
        "Europe/Berlin",
        "    follow_up: P1M\n",
        ["2025-02-28T09:00Z"],
    ),
    (
        "Feb 29 + 1 year is Feb 28",
        "2028-02-29",
        "UTC",
        "    follow_up: 1 year\n",
        ["2029-02-28T10:00Z"],
    ),
    (
        "New York DST gap: 02:30 does not exist, moves forward by the jump to 03:30 EDT",
        "2027-03-04",
        "America/New_York",
        '    follow_up: 10 days\n    call_time: "02:30"\n'
        "    workdays: [mon, tue, wed, thu, fri, sat, sun]\n",
        ["2027-03-14T07:30Z"],
    ),
    (
        "New York fall back: 01:30 happens twice, the first (EDT) is taken",
        "2026-10-22",
        "America/New_York",
        '    follow_up: 10 days\n    call_time: "01:30"\n'
        "    workdays: [mon, tue, wed, thu, fri, sat, sun]\n",
        ["2026-11-01T05:30Z"],
    ),
    (
        "Sydney DST gap (southern spring): 02:30 becomes 03:30 AEDT",
        "2026-09-24",
        "Australia/Sydney",
        '    follow_up: 10 days\n    call_time: "02:30"\n'
        "    workdays: [mon, tue, wed, thu, fri, sat, sun]\n",
        ["2026-10-03T16:30Z"],
    ),
    (
        "Sydney in January is on daylight time (UTC+11)",
        "2026-10-14",
        "Australia/Sydney",
        '    call_time: "09:00"\n',
        ["2027-01-11T22:00Z"],
    ),
    (
        "Sydney in July is on standard time (UTC+10)",
        "2026-04-16",
        "Australia/Sydney",
        '    call_time: "09:00"\n',
        ["2026-07-14T23:00Z"],
    ),
    (
        "Sydney public holiday (Australia Day) is skipped with AU-NSW",
        "2025-10-28",
        "Australia/Sydney",
        "    holidays: AU-NSW\n",
        ["2026-01-26T23:00Z"],
    ),
    (
        "a cadence gives one call per touchpoint, in order",
        "2026-09-03",
        "America/New_York",
        "    follow_up: [30 days, 90 days]\n",
        ["2026-10-05T14:00Z", "2026-12-02T15:00Z"],
    ),
    (
        "at: pins the local time, even on a Saturday",
        "2026-09-03",
        "America/Chicago",
        "    follow_up:\n      - after: 90 days\n        at: 2026-12-05 11:15\n",
        ["2026-12-05T17:15Z"],
    ),
    (
        "at: in a DST gap moves forward too",
        "2027-01-01",
        "America/New_York",
        "    follow_up:\n      - after: 90 days\n        at: 2027-03-14 02:15\n",
        ["2027-03-14T07:15Z"],
    ),
    (
        "custom workdays: weekends only",
        "2026-09-03",
        "America/New_York",
        "    workdays: [sat, sun]\n",
        ["2026-12-05T15:00Z"],
    ),
    ("a closed role has no calls", "2026-09-03", "America/New_York", "    status: closed\n", []),
    (
        "ISO offset and a bare integer",
        "2026-09-03",
        "America/New_York",
        "    follow_up: [P2W, 45]\n",
        ["2026-09-17T14:00Z", "2026-10-19T14:00Z"],
    ),
]


@pytest.mark.parametrize(
    "decided, zone, extra, expected", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE]
)
def test_call_lands_on_the_right_instant(
    decided: str, zone: str, extra: str, expected: list[str]
) -> None:
    assert starts(calls_for(extra, decided=decided, zone=zone)) == expected


def test_duration_sets_the_end() -> None:
    (call,) = calls_for("    duration: 1 hour 15 minutes\n", decided="2026-09-03")
    assert (call.end - call.start).total_seconds() == 75 * 60


def test_defaults_apply_and_roles_override() -> None:
    defaults = '  call_time: "14:00"\n  follow_up: 30 days'
    (call,) = calls_for("", decided="2026-09-03", defaults=defaults)
    assert starts([call]) == ["2026-10-05T18:00Z"]
    (call,) = calls_for('    call_time: "09:00"\n', decided="2026-09-03", defaults=defaults)
    assert starts([call]) == ["2026-10-05T13:00Z"]


@pytest.mark.parametrize(
    "call_day, prep, expected",
    [
        ("2026-12-07", "1 day", date(2026, 12, 4)),  # Monday call: prep moves back to Friday
        ("2026-12-03", "1 day", date(2026, 12, 2)),
        ("2026-12-03", "2 days", date(2026, 12, 1)),
        ("2026-12-03", "2 hours", date(2026, 12, 2)),  # never on the call's own day
    ],
)
def test_prep_is_before_the_call_on_a_workday(call_day: str, prep: str, expected: date) -> None:
    extra = (
        f"    prep: {prep}\n    follow_up:\n      - after: 90 days\n        at: {call_day} 10:00\n"
    )
    (call,) = calls_for(extra, decided="2026-09-03")
    assert call.prep_day == expected


def test_prep_skips_holidays_backwards() -> None:
    # Call on Tuesday 29 Dec 2026 in England: Mon 28 is Boxing Day (observed), Fri 25 is
    # Christmas, so the prep day is Thursday 24.
    extra = (
        "    holidays: GB-ENG\n    prep: 1 day\n    follow_up:\n      - after: 90 days\n"
        "        at: 2026-12-29 10:00\n"
    )
    (call,) = calls_for(extra, decided="2026-09-03", zone="Europe/London")
    assert call.prep_day == date(2026, 12, 24)


def test_moved_calls_say_why() -> None:
    (call,) = calls_for("    holidays: US\n", decided="2026-04-04")
    assert call.planned == date(2026, 7, 3)
    assert call.moved_because == "Independence Day (observed), Independence Day, Sunday"


def test_norway_is_a_country_and_none_means_none() -> None:
    # 25 Dec 2026 is a Friday; Norway also keeps 26 Dec, a Saturday.
    (call,) = calls_for('    holidays: "NO"\n', decided="2026-09-26", zone="Europe/Oslo")
    assert call.start.date() == date(2026, 12, 28)
    (call,) = calls_for("    holidays: none\n", decided="2026-09-26", zone="Europe/Oslo")
    assert call.start.date() == date(2026, 12, 25)


@pytest.mark.parametrize(
    "text, canonical, label, words",
    [
        ("90 days", "P90D", "90-day", "three months"),
        ("3 months", "P3M", "3-month", "three months"),
        ("1 month 2 weeks", "P1M14D", "1-month-2-week", "one month"),
        ("2 weeks", "P14D", "2-week", "two weeks"),
        ("14 days", "P14D", "14-day", "two weeks"),
        ("1 year", "P12M", "1-year", "one year"),
        ("P1Y", "P12M", "1-year", "one year"),
        ("30", "P30D", "30-day", "one month"),
        ("6 weeks", "P42D", "6-week", "six weeks"),
    ],
)
def test_offsets(text: str, canonical: str, label: str, words: str) -> None:
    offset = parse_offset(text)
    assert (offset.canonical, offset.label, offset.words) == (canonical, label, words)
