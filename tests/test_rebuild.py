"""The unchanged rebuild is recognised by comparing the old file with the new events as
they are made (build.render_unchanged): never a false "no changes"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup import build
from runnerup.cli import main
from runnerup.validate import load_config

from .conftest import SAMPLE


@pytest.fixture
def rebuild(tmp_path: Path, runner: CliRunner):
    config = tmp_path / "runnerup.yaml"
    config.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "runnerup.ics"

    def run() -> tuple[str, bytes]:
        result = runner.invoke(main, ["build", str(config)])
        assert result.exit_code == 0, result.output
        return result.stdout, out.read_bytes()

    return config, out, run


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: data + b"\r\n",  # something after END:VCALENDAR
        lambda data: data[:-2],  # cut short
        lambda data: data.replace(b"NAME:", b"NAME:x", 1),  # the header differs
        lambda data: data.replace(b"END:VEVENT\r\n", b"END:VEVENT\r\nX:1\r\n", 1),
        lambda data: data.replace(b"\r\nEND:VCALENDAR", b"\r\nX:1\r\nEND:VCALENDAR"),
    ],
    ids=["trailing", "truncated", "header", "between-events", "before-end"],
)
def test_a_file_that_is_not_the_new_calendar_is_rewritten(rebuild, spoil) -> None:
    _, out, run = rebuild
    _, first = run()
    out.write_bytes(spoil(first))
    line, again = run()
    assert line.endswith("7 events (no changes)\n")  # the same events, remembered…
    assert again == first  # … and the file is the calendar again


def test_an_unchanged_calendar_is_the_old_bytes_not_a_copy(rebuild) -> None:
    """No second copy of a large file is made just to find it equal."""
    config, out, run = rebuild
    run()
    old = out.read_bytes()
    cfg = load_config(config)
    found = build.render_unchanged(cfg, build.produce(cfg), old)
    assert found is not None
    assert found[0] is old
    edited = old.replace(b"(Koala Robotics) in 2 hours", b"(Koala Robotics) in 3 hours")
    assert edited != old
    assert build.render_unchanged(cfg, build.produce(cfg), edited) is None


@pytest.mark.parametrize("privacy", ["full", "busy"])
def test_recognising_an_unchanged_calendar_leaves_the_events_as_given(rebuild, privacy) -> None:
    """The quick comparison reads each event's SEQUENCE and DTSTAMP from the old file
    without writing them into the caller's events (the memory's merge decides those)."""
    config, _, _ = rebuild
    cfg = load_config(config)
    events = build.produce(cfg, privacy)
    old, _ = build.render(cfg, None, build.build_now({"SOURCE_DATE_EPOCH": "1790000000"}), privacy)
    before = [(e.uid, e.sequence, e.dtstamp, list(e.body)) for e in events]
    assert build.render_unchanged(cfg, events, old, privacy) is not None
    assert [(e.uid, e.sequence, e.dtstamp, list(e.body)) for e in events] == before
    assert all((e.sequence, e.dtstamp) == (0, "") for e in events)
