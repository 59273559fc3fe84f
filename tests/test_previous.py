"""SPEC §4: the previous output as memory when it is damaged, hand-edited or re-saved by
another tool: used when it can be, an error about that file when it cannot, never a
silent fresh start (which would restart SEQUENCE and lose the cancellations)."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timezone
from pathlib import Path

import icalendar
import pytest
import vobject
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runnerup.cli import main

from .conftest import EPOCH, MINIMAL, SAMPLE
from .test_memory import SECOND, events

WAY_OUT = "pass --previous a good copy, or --force to start afresh"


@pytest.fixture
def setup(tmp_path: Path, runner: CliRunner):
    """A config with two roles built once; returns (config, output, first bytes)."""
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL + SECOND, encoding="utf-8")
    out = tmp_path / "runnerup.ics"
    result = runner.invoke(main, ["build", str(config)])
    assert result.exit_code == 0, result.output
    return config, out, out.read_bytes()


def _build(runner: CliRunner, config: Path, *args: str, epoch: int = EPOCH + 3600):
    return runner.invoke(main, ["build", str(config), *args], env={"SOURCE_DATE_EPOCH": str(epoch)})


# --------------------------------------------------------------------------- damaged


def _cuts(data: bytes) -> list[int]:
    """Places to cut a file in half: inside the header, inside the first and the last
    event, between the events, and just before END:VCALENDAR."""
    first = data.index(b"BEGIN:VEVENT")
    last = data.rindex(b"BEGIN:VEVENT")
    return [
        first // 2,
        first + 40,
        data.index(b"END:VEVENT") + len(b"END:VEVENT\r\n"),
        last + 200,
        len(data) - len(b"END:VCALENDAR\r\n"),
        len(data) - 3,
    ]


def test_a_previous_output_cut_short_is_an_error_and_nothing_is_written(
    setup, runner: CliRunner
) -> None:
    config, out, first = setup
    for cut in _cuts(first):
        out.write_bytes(first[:cut])
        result = _build(runner, config)
        assert result.exit_code == 1, cut
        assert result.stderr == (
            f"error: {out}: ends before END:VCALENDAR, so it was cut short or damaged; {WAY_OUT}\n"
        )
        assert out.read_bytes() == first[:cut]


def test_an_unterminated_last_event_is_an_error(setup, runner: CliRunner) -> None:
    config, out, first = setup
    cut = first.rindex(b"END:VEVENT")
    out.write_bytes(first[:cut] + b"END:VCALENDAR\r\n")
    result = _build(runner, config)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {out}: an event has no END:VEVENT, so it was cut short or damaged; {WAY_OUT}\n"
    )


def test_a_damaged_previous_names_that_file_and_force_starts_afresh(
    setup, runner: CliRunner, tmp_path: Path
) -> None:
    config, out, first = setup
    broken = tmp_path / "published.ics"
    broken.write_bytes(first[: len(first) // 2])
    fresh = tmp_path / "fresh.ics"
    result = _build(runner, config, "-o", str(fresh), "--previous", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {broken}: ends before END:VCALENDAR")
    assert not fresh.exists()

    out.write_bytes(first[: len(first) // 2])
    result = _build(runner, config, "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}: 2 events (2 new)\n"


def test_a_damaged_output_is_replaced_when_previous_names_a_good_copy(
    setup, runner: CliRunner, tmp_path: Path
) -> None:
    """The way out the error names: the memory comes from the good copy, and the damaged
    file (runnerup's) is replaced; a damaged file runnerup did not write is not."""
    config, out, first = setup
    good = tmp_path / "good.ics"
    good.write_bytes(first)
    config.write_text(MINIMAL, encoding="utf-8")
    out.write_bytes(first[: len(first) // 2])
    result = _build(runner, config, "--previous", str(good))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}: 2 events (1 cancelled)\n"
    foreign = b"BEGIN:VCALENDAR\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\n"
    out.write_bytes(foreign)
    result = _build(runner, config, "--previous", str(good))
    assert result.exit_code == 1
    assert "was not written by runnerup" in result.stderr
    assert out.read_bytes() == foreign


# --------------------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            b"SEQUENCE:0",
            b"SEQUENCE:" + b"7" * 5000,
            "SEQUENCE '" + "7" * 40 + "…' is not a whole number from 0 to 2147483647",
        ),
        (b"SEQUENCE:0", b"SEQUENCE:2147483648", "SEQUENCE '2147483648' is not a whole number"),
        (b"SEQUENCE:0", b"SEQUENCE:-1", "SEQUENCE '-1' is not a whole number"),
        (b"SEQUENCE:0", b"SEQUENCE:\xd9\xa3", "SEQUENCE '٣' is not a whole number"),
        (b"DTSTAMP:20261118T110640Z", b"DTSTAMP:yesterday", "DTSTAMP 'yesterday' is not a UTC"),
        (b"DTEND:2026", b"DTEND:2026-", "DTEND '2026-"),
    ],
)
def test_bad_values_in_the_previous_output_are_an_error_about_it(
    setup, runner: CliRunner, old: bytes, new: bytes, message: str
) -> None:
    """A hand-edited previous output: whichever way the build reads it (bytes unchanged,
    one role removed so the memory is parsed), a bad value is an error about the file."""
    config, out, first = setup
    edited = first.replace(old, new, 1)
    assert edited != first
    for text in (MINIMAL + SECOND, MINIMAL):  # all unchanged; then one role removed
        config.write_text(text, encoding="utf-8")
        out.write_bytes(edited)
        result = _build(runner, config)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"error: {out}: event "), line
        assert message in line
        assert line.endswith(WAY_OUT)
        assert out.read_bytes() == edited


def test_an_end_in_december_9999_does_not_overflow(setup, runner: CliRunner) -> None:
    """The memory keeps a cancellation 30 days past its end; that arithmetic must not
    overflow for an end near the last representable day."""
    config, out, first = setup
    globex = next(uid for uid, e in events(first).items() if "Globex" in e["SUMMARY"])
    end = events(first)[globex]["DTEND"].encode()
    out.write_bytes(first.replace(b"DTEND:" + end, b"DTEND:99991220T235900Z"))
    config.write_text(MINIMAL, encoding="utf-8")
    result = _build(runner, config)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("2 events (1 cancelled)\n")
    assert events(out.read_bytes())[globex]["DTEND"] == "99991220T235900Z"


# --------------------------------------------------------------------------- re-saved


def _resaved_by_icalendar(data: bytes, prodid: str | None) -> bytes:
    calendar = icalendar.Calendar.from_ical(data)
    if prodid is not None:
        calendar["PRODID"] = prodid
    return calendar.to_ical()


def _resaved_by_vobject(data: bytes) -> bytes:
    calendar = vobject.readOne(data.decode())
    calendar.prodid.value = "-//vobject//EN"
    return calendar.serialize().encode()


RESAVES = {
    "icalendar, another PRODID": lambda d: _resaved_by_icalendar(d, "-//Other//Tool//EN"),
    "icalendar, same PRODID": lambda d: _resaved_by_icalendar(d, None),
    "vobject": _resaved_by_vobject,
}


@pytest.mark.parametrize("tool", list(RESAVES))
def test_a_previous_output_resaved_by_another_tool_is_the_same_memory(
    tmp_path: Path, runner: CliRunner, tool: str
) -> None:
    """Re-saved elsewhere (other PRODID, property order, folding, escaping): unchanged
    events keep SEQUENCE and DTSTAMP, so the new file is the one runnerup wrote; a
    changed event gets +1, a removed one is cancelled with +1."""
    config = tmp_path / "runnerup.yaml"
    text = SAMPLE.read_text(encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    ours = tmp_path / "ours.ics"
    assert _build(runner, config, "-o", str(ours), epoch=EPOCH).exit_code == 0
    first = ours.read_bytes()
    # The sample's events at SEQUENCE 2, so that restarting at 0 would show.
    first = re.sub(rb"SEQUENCE:0\r\n", b"SEQUENCE:2\r\n", first)
    ours.write_bytes(first)
    published = tmp_path / "published.ics"
    published.write_bytes(RESAVES[tool](first))
    assert published.read_bytes() != first

    again = tmp_path / "again.ics"
    result = _build(runner, config, "-o", str(again), "--previous", str(published))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {again}: 7 events (no changes)\n"
    assert again.read_bytes() == first

    # One role's notes edited, another role removed.
    edited = text.replace("Dana prefers a call", "Dana prefers a phone call")
    assert edited != text
    start = edited.index("  - company: Globex Health")
    edited = edited[:start] + edited[edited.index("  - company:", start + 5) :]
    config.write_text(edited, encoding="utf-8")
    result = _build(runner, config, "-o", str(again), "--previous", str(published))
    assert result.exit_code == 0, result.output
    before, after = events(first), events(again.read_bytes())
    changed = {uid for uid in after if after[uid] != before[uid]}
    assert {after[uid]["SEQUENCE"] for uid in changed} == {"3"}
    assert {after[uid]["SEQUENCE"] for uid in after.keys() - changed} == {"2"}
    cancelled = {uid for uid in after if after[uid]["STATUS"] == "CANCELLED"}
    assert cancelled and cancelled < changed
    assert result.stdout == (
        f"wrote {again}: 7 events ({len(changed - cancelled)} changed, "
        f"{len(cancelled)} cancelled)\n"
    )


def test_the_output_resaved_with_runnerups_prodid_is_rebuilt_quietly(
    setup, runner: CliRunner
) -> None:
    """The target itself re-saved by icalendar (PRODID kept): no event is bumped."""
    config, out, first = setup
    out.write_bytes(_resaved_by_icalendar(first, None))
    result = _build(runner, config)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}: 2 events (no changes)\n"
    assert out.read_bytes() == first


def test_a_file_written_with_the_old_folding_keeps_its_sequence(
    tmp_path: Path, runner: CliRunner
) -> None:
    """runnerup 0.1 could fold inside a TEXT escape; rebuilding over such a file keeps
    every SEQUENCE and rewrites it with the new folding."""
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL + '    notes: "' + "a, b; c\\\\ d " * 30 + '"\n', encoding="utf-8")
    out = tmp_path / "runnerup.ics"
    assert _build(runner, config, epoch=EPOCH).exit_code == 0
    first = out.read_bytes()

    def old_fold(line: bytes) -> bytes:
        parts = []
        while len(line) > 75:
            end = 75 if not parts else 74
            while line[end] & 0xC0 == 0x80:
                end -= 1
            parts.append(line[:end])
            line = b" " + line[end:]
        return b"\r\n".join([*parts, line])

    lines = re.sub(rb"\r\n ", b"", first).split(b"\r\n")
    old = b"\r\n".join(old_fold(line) for line in lines)
    assert re.search(rb"(?<!\\)(\\\\)*\\\r\n ", old)  # an escape split at a fold
    out.write_bytes(old)
    result = _build(runner, config)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}: 1 event (no changes)\n"
    assert out.read_bytes() == first


# --------------------------------------------------------------------------- unusable


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
            b"BEGIN:VEVENT\r\nUID:abc123@google.com\r\nDTSTAMP:20260101T000000Z\r\n"
            b"DTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "none of its events was written by runnerup",
        ),
        (b"name,date\r\nAcme,2026-09-03\r\n", "not an iCalendar file"),
        (b"", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\n\xff\xfe\r\nEND:VCALENDAR\r\n", "not a UTF-8 iCalendar file"),
    ],
)
def test_a_previous_file_that_cannot_be_used_is_an_error(
    tmp_path: Path, runner: CliRunner, content: bytes, message: str
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL, encoding="utf-8")
    previous = tmp_path / "previous.ics"
    previous.write_bytes(content)
    result = _build(runner, config, "--previous", str(previous))
    assert result.exit_code == 1
    assert result.stderr == f"error: {previous}: {message}; {WAY_OUT}\n"
    assert not (tmp_path / "runnerup.ics").exists()
    result = _build(runner, config, "--previous", str(previous), "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {tmp_path / 'runnerup.ics'}: 1 event (1 new)\n"


def test_a_line_no_parser_can_read_in_a_resaved_event_is_not_a_crash(
    setup, runner: CliRunner
) -> None:
    """Found by the fuzz test below: icalendar reports such a line with no property name."""
    config, out, first = setup
    resaved = _resaved_by_icalendar(first, None)
    out.write_bytes(resaved.replace(b"\r\nSUMMARY:", b"\r\nA LINE WITHOUT COLON\r\nSUMMARY:", 1))
    result = _build(runner, config)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}: 2 events (no changes)\n"
    assert out.read_bytes() == first


def test_a_feed_memory_line_that_is_not_utf8_is_an_error(setup, runner: CliRunner) -> None:
    """Found by the fuzz test below: the quick rebuild must not decode it."""
    config, out, _ = setup
    config.write_text(MINIMAL, encoding="utf-8")
    assert _build(runner, config, "--for", "feed").exit_code == 0
    feed = out.read_bytes()
    out.write_bytes(feed.replace(b"ENDS=20261209:", b"ENDS=20261209:\xff", 1))
    result = _build(runner, config, "--for", "feed")
    assert result.exit_code == 1
    assert result.stderr == f"error: {out}: not a UTF-8 iCalendar file; {WAY_OUT}\n"


# --------------------------------------------------------------------------- fuzzed

_PIECES = [
    b"\r\n",
    b":",
    b";",
    b"=",
    b" ",
    b"\r\n ",
    b"\xff",
    b"\xc3",
    b"END:VCALENDAR",
    b"END:VEVENT",
    b"BEGIN:VALARM",
    b"SEQUENCE:",
    b"99999999999",
    b"DTEND:",
    b"X-RUNNERUP-RETIRED;SEQUENCE=1;ENDS=20261301:\xff",
]


def _fuzz_bases() -> list[bytes]:
    from runnerup.build import render
    from runnerup.ical.previous import read_previous
    from runnerup.validate import parse_config

    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    text = SAMPLE.read_bytes()
    fewer = text.replace(
        b"  - company: Globex Health", b"  - company: Globex Health\n    status: closed"
    )
    ours, _ = render(parse_config(text, "s.yaml"), None, now)
    feed, _ = render(parse_config(fewer, "s.yaml"), read_previous(ours, "o"), now, form="feed")
    calendar = icalendar.Calendar.from_ical(ours)
    calendar["PRODID"] = "-//Other//Tool//EN"
    return [ours, feed, calendar.to_ical()]


FUZZ_BASES = _fuzz_bases()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(range(len(FUZZ_BASES))),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 12), st.sampled_from(_PIECES)),
        min_size=1,
        max_size=4,
    ),
    form=st.sampled_from(["import", "feed"]),
    as_previous=st.booleans(),
)
def test_a_mangled_previous_output_is_used_or_refused_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory,
    base: int,
    edits: list[tuple[float, int, bytes]],
    form: str,
    as_previous: bool,
) -> None:
    """Bytes cut, inserted and replaced anywhere in runnerup's own file, a feed with its
    memory, and a copy another tool re-saved: the build either works or stops with an
    error about the file (a RunnerupError, which the CLI prints as one line)."""
    from runnerup.build import build_output
    from runnerup.errors import RunnerupError
    from runnerup.validate import parse_config

    data = bytearray(FUZZ_BASES[base])
    for where, cut, piece in edits:
        at = int(where * (len(data) - 1))
        data[at : at + cut] = piece
    folder = tmp_path_factory.mktemp("fuzz")
    target = folder / "runnerup.ics"
    target.write_bytes(bytes(data))
    config = parse_config(SAMPLE.read_bytes(), "s.yaml")
    now = datetime(2026, 11, 18, 13, tzinfo=timezone.utc)
    previous = target if as_previous else None
    with contextlib.suppress(RunnerupError):
        build_output(
            config, folder / "new.ics" if as_previous else target, previous, now, form=form
        )
