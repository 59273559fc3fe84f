"""Dates in event text are spelled from tables, not strftime: the same words, cheaper.

content.py looks up day and month names (four strftime calls per event were a tenth of a
large build); these pin that the text is what strftime gives in the C locale runnerup
runs in, for any instant and zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from runnerup.content import _when, long_date
from runnerup.lookups import zone_info

ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]


@given(st.dates())
def test_long_date_is_strftimes(day: date) -> None:
    assert long_date(day) == f"{day.day} {day:%B %Y}"


@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(ZONES),
)
def test_when_is_strftimes(moment: datetime, zone: str) -> None:
    instant = moment.replace(tzinfo=timezone.utc)
    local = instant.astimezone(zone_info(zone))
    expected = f"{local:%a} {local.day} {local:%B %Y}, {local:%H:%M} {local.tzname()} ({zone})"
    assert _when(instant, zone) == expected


def test_a_known_call() -> None:
    start = datetime(2026, 12, 3, 16, 0, tzinfo=timezone.utc)
    assert _when(start, "America/Chicago") == "Thu 3 December 2026, 10:00 CST (America/Chicago)"
    assert long_date(date(2026, 9, 3) + timedelta(days=0)) == "3 September 2026"
