"""SPEC §3: what the bytes of the calendar look like, checked on the bytes themselves."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerup.build import render
from runnerup.ical.text import content_bytes, date_stamp, escape, levels, unfold, utc_stamp
from runnerup.validate import parse_config

from .conftest import MINIMAL, SAMPLE

NOW = icalendar.vDatetime.from_ical("20261118T094640Z")


def build(text: str, privacy: str = "full") -> bytes:
    data, _ = render(parse_config(text.encode(), "t.yaml"), None, NOW, privacy)
    return data


@pytest.fixture(scope="module")
def sample() -> bytes:
    data, _ = render(parse_config(SAMPLE.read_bytes(), str(SAMPLE)), None, NOW)
    return data


def fold(line: str) -> str:
    """One content line as the writer folds it (`content_bytes`), without its CRLF."""
    data = content_bytes([line])
    assert data.endswith(b"\r\n")
    return data[:-2].decode("utf-8")


def test_bytes_are_utf8_crlf_without_bom_and_folded(sample: bytes) -> None:
    assert not sample.startswith(b"\xef\xbb\xbf")
    sample.decode("utf-8")
    assert sample.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in sample.replace(b"\r\n", b"")
    for line in sample.split(b"\r\n"):
        assert len(line) <= 75


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "é—😀" * 40
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")
    assert unfold(folded) == [line]


ESCAPES = ["\\n", "\\,", "\\;", "\\\\"]
FILLERS = ["a", "é", "—", "😀"]  # one to four octets


def _ends_inside_an_escape(part: str) -> bool:
    """Whether a physical line ends in an odd run of backslashes: an escape's first half."""
    return (len(part) - len(part.rstrip("\\"))) % 2 == 1


@pytest.mark.parametrize("escape_text", ESCAPES)
@pytest.mark.parametrize("filler", FILLERS)
def test_folding_never_splits_a_text_escape(escape_text: str, filler: str) -> None:
    """Every escape at every position around each fold point (75, 149, ... octets), after
    ASCII and multi-byte text, and runs of escaped backslashes: no physical line ends in
    the backslash of an escape, and unfolding gives the line back."""
    for width in range(1, 5):
        for count in range(0, 160 // len(filler.encode())):
            for run in (1, 2, 3):
                value = filler * count + escape_text * run + "x" * width + escape_text
                line = "DESCRIPTION:" + value
                folded = fold(line)
                parts = folded.split("\r\n")
                for part in parts:
                    assert len(part.encode("utf-8")) <= 75
                    assert not _ends_inside_an_escape(part), (count, run, parts)
                assert all(part.startswith(" ") for part in parts[1:])
                assert unfold(folded) == [line]


def test_a_folded_escape_reads_back_as_its_text() -> None:
    """The same through a real parser: whatever the shift, icalendar reads the note as
    written, and no line of the file ends inside an escape."""
    for shift in range(8):
        text = "é" * shift + "Then; a \\ and, a\nnew line. " * 12
        data = build(MINIMAL + f"    notes: {json.dumps(text)}\n")
        (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert text.strip() in str(event["DESCRIPTION"])
        for part in data.decode().split("\r\n"):
            assert not _ends_inside_an_escape(part)


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.integers(0, 80),
    text=st.text(st.sampled_from(["\\", ",", ";", "\n", "a", "é", "—", "😀", " "]), max_size=200),
)
def test_folding_any_escaped_text_keeps_escapes_whole(prefix: int, text: str) -> None:
    """Any mix of escapes and one- to four-octet characters, at any offset."""
    line = "DESCRIPTION:" + "x" * prefix + escape(text)
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        assert not _ends_inside_an_escape(part)
    assert unfold(folded) == [line]


@pytest.mark.parametrize(
    ("year", "stamp"),
    [(1, "0001"), (999, "0999"), (1000, "1000"), (9999, "9999")],
)
def test_years_are_four_digits(year: int, stamp: str) -> None:
    """DATE and DATE-TIME have four-digit years (RFC 5545 §3.3.4); strftime drops the zero."""
    moment = datetime(year, 6, 7, 8, 9, 10, tzinfo=timezone.utc)
    assert utc_stamp(moment) == f"{stamp}0607T080910Z"
    assert date_stamp(moment.date()) == f"{stamp}0607"
    assert icalendar.vDatetime.from_ical(utc_stamp(moment)) == moment


def test_calendar_properties(sample: bytes) -> None:
    head = sample.split(b"BEGIN:VEVENT")[0].decode()
    assert head.split("\r\n")[:10] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//runnerup//runnerup//EN",
        "CALSCALE:GREGORIAN",
        "NAME:Runner-up follow-ups",
        "X-WR-CALNAME:Runner-up follow-ups",
        "DESCRIPTION:Follow-up calls to hiring managers\\, written by runnerup.",
        "X-WR-CALDESC:Follow-up calls to hiring managers\\, written by runnerup.",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]


def test_never_an_invitation(sample: bytes) -> None:
    for name in (b"ORGANIZER", b"ATTENDEE", b"METHOD", b"VTIMEZONE", b"TZID"):
        assert name not in sample


def test_one_display_alarm_per_timed_event(sample: bytes) -> None:
    cal = icalendar.Calendar.from_ical(sample)
    for event in cal.walk("VEVENT"):
        alarms = event.walk("VALARM")
        if event.get("TRANSP") == "TRANSPARENT":
            assert alarms == []
            continue
        assert len(alarms) == 1
        assert alarms[0]["ACTION"] == "DISPLAY"
        assert alarms[0]["DESCRIPTION"]


def test_event_content() -> None:
    cal = icalendar.Calendar.from_ical(build(MINIMAL))
    (event,) = cal.walk("VEVENT")
    assert event["SUMMARY"] == "Call Dana Whitfield — Acme Corp (90-day follow-up)"
    assert event["LOCATION"] == "+1 555 0100"
    assert event["CLASS"] == "PRIVATE"
    assert event["TRANSP"] == "OPAQUE"
    assert event.categories == ["Job search"]
    assert event.start.isoformat() == "2026-12-02T16:00:00+00:00"
    assert event.end.isoformat() == "2026-12-02T16:20:00+00:00"
    alarm = event.walk("VALARM")[0]
    assert alarm["TRIGGER"].dt.total_seconds() == -30 * 60
    text = str(event["DESCRIPTION"])
    assert "- Your time: Wed 2 December 2026, 11:00 EST (America/New_York)" in text
    assert "- Dana's time: Wed 2 December 2026, 10:00 CST (America/Chicago)" in text
    assert (
        "1. Thank Dana again for the time the team gave you during the Senior Product "
        "Manager search." in text
    )
    assert "Ask how the new hire has settled in and how the team is doing, three months on" in text
    assert "Phone: +1 555 0100" in text


def test_url_prefers_linkedin_then_posting() -> None:
    with_posting = MINIMAL + "    posting: https://acme.example/jobs/1?a=1,b=2\n"
    (event,) = icalendar.Calendar.from_ical(build(with_posting)).walk("VEVENT")
    assert event["URL"] == "https://acme.example/jobs/1?a=1,b=2"
    both = with_posting.replace(
        "      timezone: America/Chicago\n",
        "      timezone: America/Chicago\n      linkedin: https://www.linkedin.com/in/dana\n",
    )
    (event,) = icalendar.Calendar.from_ical(build(both)).walk("VEVENT")
    assert event["URL"] == "https://www.linkedin.com/in/dana"


def test_config_text_cannot_inject_lines() -> None:
    evil = MINIMAL + (
        '    notes: "x\\r\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:evil\\nSUMMARY:pwned; a,b \\\\ c"\n'
    )
    data = build(evil)
    lines = data.decode().split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1
    assert not any(line.startswith(("UID:evil", "SUMMARY:pwned")) for line in lines)
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert "x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil\nSUMMARY:pwned; a,b \\ c" in str(
        event["DESCRIPTION"]
    )


def test_escape() -> None:
    assert escape("a;b,c\\d\ne\r\nf\rg\x00h") == "a\\;b\\,c\\\\d\\ne\\nf\\ng" + "h"


def test_prep_event_is_all_day_and_transparent() -> None:
    data = build(MINIMAL + "    prep: 1 day\n")
    text = data.decode()
    assert "DTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\n" in text
    assert "TRANSP:TRANSPARENT" in text


def test_uids_reveal_nothing(sample: bytes) -> None:
    uids = re.findall(r"^UID:(.*)\r$", sample.decode(), flags=re.M)
    assert len(uids) == len(set(uids)) == sample.count(b"BEGIN:VEVENT")
    for uid in uids:
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
            r"[0-9a-f]{12}",
            uid,
        )


def test_renaming_keeps_uid_when_id_is_pinned_and_pinning_at_keeps_it_too() -> None:
    def uid(text: str) -> str:
        return re.findall(r"UID:(\S+)", build(text).decode())[0]

    base = uid(MINIMAL)
    assert uid(MINIMAL.replace("company: Acme Corp", "company: Acme Inc")) == base
    pinned = MINIMAL + "    follow_up:\n      - after: 90 days\n        at: 2026-12-04 11:00\n"
    assert uid(pinned) == base
    assert uid(MINIMAL + "    notes: call on the mobile\n") == base
    assert uid(MINIMAL + "    follow_up: 3 months\n") != base


def test_busy_privacy_drops_every_personal_string() -> None:
    data = build(SAMPLE.read_text(), privacy="busy").decode()
    for secret in (
        "Dana",
        "Whitfield",
        "Acme",
        "555",
        "acme.example",
        "linkedin",
        "Product",
        "Northwind",
        "Priya",
        "Globex",
        "Koala",
        "Job search",
        "Runner-up",
        "Alex Chen",
    ):
        assert secret not in data
    assert "SUMMARY:Follow-up call" in data


def test_description_gives_both_local_times_even_in_one_zone() -> None:
    same = MINIMAL.replace("timezone: America/Chicago", "timezone: America/New_York")
    (event,) = icalendar.Calendar.from_ical(build(same)).walk("VEVENT")
    text = str(event["DESCRIPTION"])
    assert "- Your time: Wed 2 December 2026, 10:00 EST (America/New_York)" in text
    assert "- Dana's time: Wed 2 December 2026, 10:00 EST (America/New_York)" in text


def test_alarm_text_says_when() -> None:
    def alarm(reminder: str) -> str:
        (event,) = icalendar.Calendar.from_ical(
            build(MINIMAL + f"    reminder: {reminder}\n")
        ).walk("VEVENT")
        return str(event.walk("VALARM")[0]["DESCRIPTION"])

    assert alarm("1 hour 30 minutes") == "Call Dana Whitfield (Acme Corp) in 1 hour 30 minutes"
    assert alarm("0 minutes") == "Call Dana Whitfield (Acme Corp) now"
    assert b"BEGIN:VALARM" not in build(MINIMAL + "    reminder: none\n")


def test_levels_count_the_components_a_line_is_inside() -> None:
    """The one nesting walk: a BEGIN or END line is inside the component it opens or
    closes, so an event's own properties are the lines at 0."""
    lines = ["DTSTART:1", "BEGIN:VALARM", "ACTION:DISPLAY", "END:VALARM", "STATUS:CONFIRMED"]
    assert list(levels(lines)) == [
        (0, "DTSTART:1"),
        (1, "BEGIN:VALARM"),
        (1, "ACTION:DISPLAY"),
        (1, "END:VALARM"),
        (0, "STATUS:CONFIRMED"),
    ]
