"""Calendar arithmetic for offsets is dateutil's, without importing dateutil.

`Offset.after` adds whole months and years, clamps the day to the end of the month, then
adds the days and weeks: what `relativedelta` does. Every `decided` date and offset a
config can hold gives the same day (or the same error) both ways.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from runnerup.durations import Offset, parse_offset


def reference(offset: Offset, day: date) -> date | type[Exception]:
    try:
        return day + relativedelta(
            years=offset.years, months=offset.months, days=offset.days + 7 * offset.weeks
        )
    except (ValueError, OverflowError) as exc:
        return type(exc)


def ours(offset: Offset, day: date) -> date | type[Exception]:
    try:
        return offset.after(day)
    except (ValueError, OverflowError) as exc:
        return type(exc)


@given(
    st.dates(),
    st.builds(
        Offset,
        years=st.integers(0, 12000),
        months=st.integers(0, 150000),
        weeks=st.integers(0, 600000),
        days=st.integers(0, 4000000),
    ),
)
def test_offsets_add_as_relativedelta_does(day: date, offset: Offset) -> None:
    assert ours(offset, day) == reference(offset, day)


def test_month_ends_and_leap_years() -> None:
    three_months = parse_offset("3 months")
    assert three_months.after(date(2026, 11, 30)) == date(2027, 2, 28)
    assert three_months.after(date(2027, 11, 30)) == date(2028, 2, 29)
    assert parse_offset("1 year").after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert parse_offset("P1M2D").after(date(2026, 1, 31)) == date(2026, 3, 2)
    for day in (date(1900, 1, 31), date(2000, 1, 31), date(2100, 1, 31)):
        for months in range(0, 50):
            offset = Offset(months=months)
            assert ours(offset, day) == reference(offset, day)
