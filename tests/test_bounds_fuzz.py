"""Property tests at the bounds: every date, offset and duration key, and `--today`, with
values from year 1 to 9999 and numbers up to far past any bound, in the zones furthest
from UTC. Each is a located error or a calendar, never a traceback (issue 8, §4).

Bounded examples keep these in the normal test run.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from runnerup.agenda import agenda
from runnerup.build import render
from runnerup.check import config_warnings, past_warnings
from runnerup.cli import main
from runnerup.errors import ConfigError
from runnerup.schedule import schedule
from runnerup.validate import parse_config

NOW = datetime(2026, 11, 18, tzinfo=timezone.utc)
FAST = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ZONES = st.sampled_from(
    ["Pacific/Kiritimati", "Etc/GMT+12", "Australia/Sydney", "America/New_York", "UTC"]
)
EDGE_DAYS = st.sampled_from(
    [
        date(1, 1, 1),
        date(1, 1, 2),
        date(1899, 12, 31),
        date(1900, 1, 1),
        date(2199, 12, 31),
        date(2200, 1, 1),
        date(9999, 12, 1),
        date(9999, 12, 31),
    ]
)
# Each strategy is mostly values inside the bounds, so that many examples are calendars
# (made, scheduled and rendered), and the rest at the edges or anywhere.
INSIDE = st.dates(date(1900, 1, 1), date(2199, 12, 31))
DAYS = st.one_of(INSIDE, INSIDE, EDGE_DAYS, st.dates(date(1, 1, 1), date(9999, 12, 31)))
SMALL = st.integers(1, 30)
NUMBERS = st.one_of(
    SMALL,
    SMALL,
    SMALL,
    st.sampled_from([0, 1, 28, 29, 1200, 1201, 36525, 36526, 10**9 - 1, 10**9, 10**12]),
    st.integers(0, 10**15),
)
OFFSET_UNITS = st.sampled_from(["days", "weeks", "months", "years", "D", "W", "M", "Y", ""])
DURATION_UNITS = st.sampled_from(["minutes", "hours", "days", "weeks", "M", "H", "D", "W", ""])


@st.composite
def _offsets(draw: st.DrawFn) -> str:
    n, unit = draw(NUMBERS), draw(OFFSET_UNITS)
    if unit in ("D", "W", "M", "Y"):
        return f"P{n}{unit}"
    return f"{n} {unit}".strip()


@st.composite
def _durations(draw: st.DrawFn) -> str:
    n, unit = draw(NUMBERS), draw(DURATION_UNITS)
    if unit in ("D", "W"):
        return f"P{n}{unit}"
    if unit in ("M", "H"):
        return f"PT{n}{unit}"
    return f"{n} {unit}".strip()


def offsets() -> st.SearchStrategy[str]:
    usual = st.sampled_from(["90 days", "3 months", "P1Y", "6 weeks"])
    return st.one_of(usual, usual, _offsets())


def durations() -> st.SearchStrategy[str]:
    usual = st.sampled_from(["20 minutes", "1 hour", "PT45M", "90"])
    return st.one_of(usual, usual, usual, _durations())


def config_text(
    decided: date,
    zone: str,
    after: str,
    at: datetime | None,
    duration: str,
    reminder: str,
    prep: str,
    holidays: bool,
) -> str:
    touch = f'{{after: "{after}", at: "{at:%Y-%m-%d %H:%M}"}}' if at else f'"{after}"'
    return (
        "calendar:\n  timezone: Etc/GMT-14\n"
        f'defaults:\n  duration: "{duration}"\n  reminder: "{reminder}"\n  prep: "{prep}"\n'
        + ("  holidays: US\n" if holidays else "")
        + "roles:\n"
        f"  - company: Acme Corp\n    title: PM\n    decided: {decided:%Y-%m-%d}\n"
        f'    contact: {{name: Dana, phone: "1", timezone: {zone}}}\n'
        f"    follow_up: [{touch}]\n"
    )


def located_error_or_calendar(text: str, today: date) -> None:
    try:
        config = parse_config(text.encode(), "b.yaml", system_zone="UTC")
    except ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "b.yaml" and problem.line >= 1 and problem.column >= 1
            assert problem.path and "\n" not in problem.message
        return
    calls = schedule(config)
    config_warnings(config, today)
    past_warnings(config, calls, today)
    agenda(calls, today, config.timezone, everything=True)
    data, _ = render(config, None, NOW)
    # Every instant has a four-digit year: DTSTART, DTEND, DTSTAMP, prep dates.
    for value in re.findall(rb"^(?:DTSTART|DTEND|DTSTAMP)[^:]*:(\d+)", data, re.M):
        assert len(value) == 8, value


@FAST
@given(
    decided=DAYS,
    zone=ZONES,
    after=offsets(),
    at=st.one_of(st.none(), st.builds(datetime.combine, DAYS, st.times())),
    duration=durations(),
    reminder=durations(),
    prep=durations(),
    holidays=st.booleans(),
    today=st.dates(date(1900, 1, 1), date(2199, 12, 31)),
)
@example(  # the cases, together
    decided=date(1, 1, 1),
    zone="Australia/Sydney",
    after="P99999999999D",
    at=datetime(1, 1, 1, 5, 0),
    duration="99999999999 weeks",
    reminder="9000 years",
    prep="3000000 days",
    holidays=True,
    today=date(1900, 1, 1),
)
@example(  # everything at its largest allowed value
    decided=date(2199, 12, 31),
    zone="Pacific/Kiritimati",
    after="100 years",
    at=None,
    duration="1 day",
    reminder="4 weeks",
    prep="28 days",
    holidays=True,
    today=date(2199, 12, 31),
)
@example(  # and at its smallest
    decided=date(1900, 1, 1),
    zone="Etc/GMT+12",
    after="0",
    at=datetime(1900, 1, 1, 0, 0),
    duration="1",
    reminder="0",
    prep="PT1M",
    holidays=True,
    today=date(1900, 1, 1),
)
def test_dates_offsets_and_durations_at_their_bounds(
    decided: date,
    zone: str,
    after: str,
    at: datetime | None,
    duration: str,
    reminder: str,
    prep: str,
    holidays: bool,
    today: date,
) -> None:
    text = config_text(decided, zone, after, at, duration, reminder, prep, holidays)
    located_error_or_calendar(text, today)


@settings(max_examples=40, deadline=None)
@given(today=DAYS, command=st.sampled_from(["check", "agenda"]), zone=ZONES)
def test_today_is_a_usage_error_or_an_answer(
    today: date, command: str, zone: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    config = tmp_path_factory.mktemp("t") / "c.yaml"
    config.write_text(
        config_text(date(2026, 9, 3), zone, "90 days", None, "20", "30", "1 day", True),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, [command, str(config), "--today", f"{today:%Y-%m-%d}"])
    assert not isinstance(result.exception, Exception), result.exception
    inside = date(1900, 1, 1) <= today <= date(2199, 12, 31)
    assert result.exit_code == (0 if inside else 2), result.output
