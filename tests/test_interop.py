"""Other people's parsers must read the same instants the scheduler computed (SPEC §2).

A Hypothesis property test throws random valid configs at icalendar, vobject, ics-py and
the strict `ical` package; the sample config also goes through Mozilla's ical.js and
node-ical (when Node.js and tests/js/node_modules are there) and libical (through
Debian's GObject bindings); `.ci/run` installs them, and elsewhere those tests skip
(under CI=true a missing one fails: tests/conftest.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runnerup.build import render
from runnerup.ical.previous import read_previous
from runnerup.schedule import schedule
from runnerup.validate import parse_config

from .conftest import SAMPLE
from .interop import EXTERNAL_READERS, PYTHON_READERS

NOW = datetime(2026, 11, 18, 11, 6, 40, tzinfo=timezone.utc)
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "UTC",
]
HOLIDAYS = [None, "US", "US-CA", "GB-ENG", "DE", "AU-NSW", "JP", "none"]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40
).filter(lambda s: s.strip() != "")


def expected_instants(config) -> dict[str, tuple[object, object]]:
    """What SPEC §2 says, from the scheduler: UID → (start, end)."""
    out: dict[str, tuple[object, object]] = {}
    for call in schedule(config):
        out[call.uid] = (call.start, call.end)
        if call.prep_day is not None:
            out[call.prep_uid] = (call.prep_day, call.prep_day + timedelta(days=1))
    return out


@st.composite
def offsets(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["days", "weeks", "months", "iso", "mixed"]))
    if kind == "days":
        return f"{draw(st.integers(0, 500))} days"
    if kind == "weeks":
        return f"{draw(st.integers(1, 60))} weeks"
    if kind == "months":
        return f"{draw(st.integers(1, 24))} months"
    if kind == "iso":
        return f"P{draw(st.integers(1, 400))}D"
    return f"{draw(st.integers(1, 6))} months {draw(st.integers(1, 3))} weeks"


@st.composite
def roles(draw: st.DrawFn, index: int) -> dict[str, object]:
    decided = draw(st.dates(date(2019, 1, 1), date(2031, 12, 31)))
    role: dict[str, object] = {
        "company": draw(TEXT),
        "title": draw(TEXT),
        "decided": decided.isoformat(),
        "id": f"role-{index}",
        "contact": {"name": draw(TEXT), "timezone": draw(st.sampled_from(ZONES))},
        "call_time": f"{draw(st.integers(0, 23)):02d}:{draw(st.sampled_from([0, 15, 30, 59])):02d}",
        "duration": f"{draw(st.integers(1, 180))} minutes",
        "workdays": draw(
            st.lists(
                st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
                min_size=1,
                max_size=7,
                unique=True,
            )
        ),
    }
    holidays = draw(st.sampled_from(HOLIDAYS))
    if holidays:
        role["holidays"] = holidays
    if draw(st.booleans()):
        role["prep"] = draw(st.sampled_from(["1 day", "2 days", "3 hours"]))
    role["reminder"] = draw(st.sampled_from(["none", "0 minutes", "30 minutes", "1 day"]))
    touch = draw(
        st.lists(offsets(), min_size=1, max_size=3, unique_by=lambda t: parse_offset_canonical(t))
    )
    follow: list[object] = []
    for item in touch:
        if draw(st.booleans()) and draw(st.booleans()):
            at = draw(st.datetimes(datetime(2019, 1, 1), datetime(2033, 12, 31)))
            follow.append({"after": item, "at": at.strftime("%Y-%m-%d %H:%M")})
        else:
            follow.append(item)
    role["follow_up"] = follow
    for key in ("hired", "why_close", "notes"):
        if draw(st.booleans()):
            role[key] = draw(TEXT)
    if draw(st.integers(0, 5)) == 0:
        role["status"] = "closed"
    return role


def parse_offset_canonical(text: str) -> str:
    from runnerup.durations import parse_offset

    return parse_offset(text).canonical


@st.composite
def configs(draw: st.DrawFn) -> bytes:
    count = draw(st.integers(1, 4))
    data = {
        "calendar": {"name": draw(TEXT), "timezone": draw(st.sampled_from(ZONES))},
        "roles": [draw(roles(i)) for i in range(count)],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def check_readers(data: bytes, expected: dict[str, tuple[object, object]]) -> None:
    for name, reader in PYTHON_READERS.items():
        seen = {e.uid: (e.start, e.end) for e in reader(data)}
        assert seen == expected, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_every_parser_reads_the_scheduled_instants(text: bytes) -> None:
    config = parse_config(text, "random.yaml", system_zone="UTC")
    data, _ = render(config, None, NOW)
    check_readers(data, expected_instants(config))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), configs())
def test_updates_parse_everywhere_and_cancel_what_is_gone(first: bytes, second: bytes) -> None:
    """Build one config, then another over its memory: every reader accepts the result."""
    one = parse_config(first, "one.yaml", system_zone="UTC")
    two = parse_config(second, "two.yaml", system_zone="UTC")
    data, _ = render(one, None, NOW)
    later = NOW + timedelta(hours=1)
    again, _ = render(two, read_previous(data, "one.ics"), later)
    for name, reader in PYTHON_READERS.items():
        seen = reader(again)
        assert len({e.uid for e in seen}) == len(seen), name
        produced = expected_instants(two)
        for event in seen:
            if event.uid in produced:
                assert (event.start, event.end) == produced[event.uid], name
                assert (event.status or "CONFIRMED") == "CONFIRMED", name
            else:
                assert event.status == "CANCELLED", name
    # Rebuilding over itself changes nothing.
    third, _ = render(two, read_previous(again, "two.ics"), later + timedelta(days=1))
    assert third == again


def test_sample_config_in_every_python_parser() -> None:
    config = parse_config(SAMPLE.read_bytes(), str(SAMPLE))
    data, _ = render(config, None, NOW)
    check_readers(data, expected_instants(config))


@pytest.mark.parametrize("name", EXTERNAL_READERS)
def test_sample_config_in_external_parsers(name: str) -> None:
    """Mozilla's ical.js, node-ical and libical; each skips when it is not installed."""
    config = parse_config(SAMPLE.read_bytes(), str(SAMPLE))
    data, _ = render(config, None, NOW)
    seen = EXTERNAL_READERS[name](data)
    assert {e.uid: (e.start, e.end) for e in seen} == expected_instants(config)


@pytest.mark.parametrize("name", EXTERNAL_READERS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=configs())
def test_external_parsers_read_the_scheduled_instants(name: str, text: bytes) -> None:
    config = parse_config(text, "random.yaml", system_zone="UTC")
    data, _ = render(config, None, NOW)
    seen = EXTERNAL_READERS[name](data)
    assert {e.uid: (e.start, e.end) for e in seen} == expected_instants(config)


@pytest.mark.parametrize("name", [*PYTHON_READERS, *EXTERNAL_READERS])
def test_busy_feed_reads_the_same_instants(name: str) -> None:
    config = parse_config(SAMPLE.read_bytes(), str(SAMPLE))
    data, _ = render(config, None, NOW, "busy")
    reader = {**PYTHON_READERS, **EXTERNAL_READERS}[name]
    seen = reader(data)
    assert {e.uid: (e.start, e.end) for e in seen} == expected_instants(config)
    assert {e.summary for e in seen} == {"Follow-up call", "Prep"}
