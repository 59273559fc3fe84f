"""SPEC §4: files for import keep CANCELLED tombstones; feeds for subscription leave
removed events out and remember only their SEQUENCE. SEQUENCE never goes down in either,
whatever the order of removals, returns and switches between the two forms."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup import build
from runnerup.build import render
from runnerup.cli import main
from runnerup.ical.previous import Previous, read_previous
from runnerup.validate import load_config, parse_config

from . import interop
from .conftest import EPOCH, MINIMAL, SAMPLE
from .test_memory import SECOND, events
from .test_web import assert_nothing_personal

THIRD = """\
  - company: Initrode
    title: Data Lead
    decided: 2026-09-12
    contact:
      name: Bill Lumbergh
    prep: 1 day
"""


@pytest.fixture
def built(tmp_path: Path, runner: CliRunner):
    """Build `text` into runnerup.ics with extra options; returns (stdout line, bytes)."""
    config = tmp_path / "runnerup.yaml"
    out = tmp_path / "runnerup.ics"

    def run(text: str, *args: str, epoch: int = EPOCH) -> tuple[str, bytes]:
        config.write_text(text, encoding="utf-8")
        result = runner.invoke(
            main, ["build", str(config), *args], env={"SOURCE_DATE_EPOCH": str(epoch)}
        )
        assert result.exit_code == 0, result.output
        assert result.exception is None
        return result.stdout, out.read_bytes()

    return run


def retired(data: bytes) -> dict[str, tuple[int, str]]:
    """UID → (SEQUENCE, ENDS) of the feed's memory of removed events."""
    data = re.sub(rb"\r\n[ \t]", b"", data)
    found = re.findall(rb"\r\nX-RUNNERUP-RETIRED;SEQUENCE=(\d+);ENDS=(\d{8}):([^\r\n]+)", data)
    return {uid.decode(): (int(seq), ends.decode()) for seq, ends, uid in found}


def test_a_feed_leaves_a_removed_event_out_and_remembers_its_sequence(built) -> None:
    _, first = built(MINIMAL + SECOND, "--for", "feed")
    globex = next(uid for uid, e in events(first).items() if "Globex" in e["SUMMARY"])
    line, after = built(MINIMAL, "--for", "feed", epoch=EPOCH + 60)
    assert line.endswith("runnerup.ics: 1 event (1 removed)\n")
    assert b"STATUS:CANCELLED" not in after and b"Marcus" not in after
    assert globex not in events(after)
    assert retired(after) == {globex: (1, "20261209")}
    # Rebuilding changes nothing; the retired line is the only trace.
    line, again = built(MINIMAL, "--for", "feed", epoch=EPOCH + 120)
    assert line.endswith("1 event (no changes)\n") and again == after


def test_an_import_file_keeps_its_tombstone(built) -> None:
    built(MINIMAL + SECOND)
    line, after = built(MINIMAL, "--for", "import", epoch=EPOCH + 60)
    assert line.endswith("2 events (1 cancelled)\n")
    assert after.count(b"STATUS:CANCELLED") == 1 and not retired(after)


def test_the_memory_of_a_removed_event_expires_30_days_after_it(built) -> None:
    built(MINIMAL + SECOND, "--for", "feed")
    _, removed = built(MINIMAL, "--for", "feed", epoch=EPOCH + 60)
    assert len(retired(removed)) == 1
    _, still = built(MINIMAL, "--for", "feed", epoch=1_799_000_000)  # 2027-01-03
    assert still == removed
    line, gone = built(MINIMAL, "--for", "feed", epoch=1_802_000_000)  # 2027-02-07
    assert not retired(gone)
    assert line.endswith("1 event (no changes)\n")  # the file changed; no event did


def test_an_unchanged_feed_with_memory_is_rebuilt_without_parsing_it(
    built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick path of `build_output` carries the retired lines as they are."""
    built(MINIMAL + SECOND, "--for", "feed")
    _, removed = built(MINIMAL, "--for", "feed", epoch=EPOCH + 60)

    def refuse(data: bytes, name: str, **kwargs: object) -> Previous:
        raise AssertionError("read_previous called")

    monkeypatch.setattr(build, "read_previous", refuse)
    _, again = built(MINIMAL, "--for", "feed", epoch=EPOCH + 86_400)
    assert again == removed
    with pytest.raises(AssertionError):  # once expired, the memory must be read
        built(MINIMAL, "--for", "feed", epoch=1_802_000_000)


CYCLE = [
    ("feed", MINIMAL + SECOND + THIRD),
    ("feed", MINIMAL + THIRD),  # Globex removed
    ("feed", MINIMAL + SECOND),  # back; Initrode (call and prep) removed
    ("import", MINIMAL),  # both gone, as tombstones
    ("feed", MINIMAL),  # tombstones become memory
    ("feed", MINIMAL + SECOND + THIRD),  # both back
    ("import", MINIMAL + SECOND.replace("Marcus", "Mark")),  # one changed, one removed
    ("import", MINIMAL + SECOND + THIRD),  # back
    ("feed", MINIMAL + "    status: closed\n" + SECOND + THIRD),  # Acme closed
    ("import", MINIMAL + SECOND + THIRD),  # Acme reopened
]


@pytest.mark.parametrize("start", [0, 3])
def test_sequence_never_goes_down_across_removals_returns_and_forms(built, start: int) -> None:
    """Every UID ever seen: the SEQUENCE the file holds for it (as an event or as a
    memory) never decreases, and goes up whenever what a client sees of it changes."""
    highest: dict[str, int] = {}
    shown: dict[str, dict[str, str]] = {}
    for step, (form, text) in enumerate(CYCLE[start:] + CYCLE[:start]):
        _, data = built(text, "--for", form, epoch=EPOCH + 3600 * step)
        now = {uid: int(e["SEQUENCE"]) for uid, e in events(data).items()}
        now.update({uid: seq for uid, (seq, _) in retired(data).items()})
        assert set(highest) <= set(now), step  # nothing forgotten within 30 days
        for uid, seq in now.items():
            assert seq >= highest.get(uid, 0), (step, uid)
            event = events(data).get(uid)
            before = shown.get(uid)
            if before is not None and event is not None and event != before:
                assert seq > highest[uid], (step, uid)
            highest[uid] = seq
        if form == "feed":
            assert b"STATUS:CANCELLED" not in data
        shown = events(data)
    assert max(highest.values()) >= 3


def test_a_busy_feed_with_memory_of_a_full_file_names_nobody(tmp_path: Path, built) -> None:
    """A full import file with a tombstone, then a busy feed from it, then a removal: the
    memory lines hold opaque UIDs, numbers and days, nothing from the config."""
    text = SAMPLE.read_text(encoding="utf-8")
    built(text)
    without = text.replace(
        "  - company: Globex Health\n", "  - company: Globex Health\n    status: closed\n"
    )
    _, full = built(without, epoch=EPOCH + 60)
    assert b"STATUS:CANCELLED" in full
    _, busy = built(text, "--for", "feed", "--privacy", "busy", epoch=EPOCH + 120)
    _, busy = built(without, "--for", "feed", "--privacy", "busy", epoch=EPOCH + 180)
    assert retired(busy) and b"STATUS:CANCELLED" not in busy
    assert_nothing_personal(busy, load_config(tmp_path / "runnerup.yaml"))
    for line in re.sub(rb"\r\n ", b"", busy).split(b"\r\n"):
        if line.startswith(b"X-RUNNERUP-RETIRED"):
            assert re.fullmatch(rb"X-RUNNERUP-RETIRED;SEQUENCE=\d+;ENDS=\d{8}:[0-9a-f-]{36}", line)


def test_the_serve_loop_keeps_the_memory_in_its_own_body() -> None:
    """serve renders with the feed it last served as memory (read back from its bytes):
    removed, then back, the event's SEQUENCE goes on from where it was."""
    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    both = parse_config((MINIMAL + SECOND).encode(), "t.yaml")
    one = parse_config(MINIMAL.encode(), "t.yaml")
    body, _ = render(both, None, now, form="feed")
    globex = next(uid for uid, e in events(body).items() if "Globex" in e["SUMMARY"])
    body, changes = render(one, read_previous(body, "feed"), now, form="feed")
    assert str(changes) == "1 event (1 removed)" and retired(body)[globex][0] == 1
    body, changes = render(both, read_previous(body, "feed"), now + timedelta(hours=1), form="feed")
    assert str(changes) == "2 events (1 changed)"
    assert events(body)[globex]["SEQUENCE"] == "2" and not retired(body)


def test_a_feed_resaved_by_another_tool_keeps_its_memory(tmp_path: Path, built, runner) -> None:
    import icalendar

    built(MINIMAL + SECOND, "--for", "feed")
    _, removed = built(MINIMAL, "--for", "feed", epoch=EPOCH + 60)
    calendar = icalendar.Calendar.from_ical(removed)
    calendar["PRODID"] = "-//Other//Tool//EN"
    published = tmp_path / "published.ics"
    published.write_bytes(calendar.to_ical())
    fresh = tmp_path / "fresh.ics"
    config = str(tmp_path / "runnerup.yaml")
    args = ["build", config, "--for", "feed", "-o", str(fresh), "--previous", str(published)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert fresh.read_bytes() == removed


@pytest.mark.parametrize("name", list(interop.ALL_READERS))
def test_every_parser_accepts_a_feed_with_memory(name: str) -> None:
    """icalendar, vobject, ics, ical, ical.js, node-ical and libical read a feed with
    X-RUNNERUP-RETIRED lines as the same events (those not installed skip)."""
    now = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
    full = parse_config(SAMPLE.read_bytes(), str(SAMPLE))
    text = SAMPLE.read_text(encoding="utf-8")
    fewer = parse_config(text[: text.index("  - company: Globex Health")].encode(), "s.yaml")
    first, _ = render(full, None, now, form="feed")
    data, _ = render(fewer, read_previous(first, "f"), now, form="feed")
    assert len(retired(data)) >= 2
    plain, _ = render(fewer, None, now, form="feed")
    seen = interop.ALL_READERS[name](data)
    assert [(e.uid, e.start, e.end) for e in seen] == [
        (e.uid, e.start, e.end) for e in interop.ALL_READERS[name](plain)
    ]
    assert all(e.status != "CANCELLED" for e in seen)
