"""SPEC §4: rebuilds are byte-identical, edits touch only their own events, removals cancel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup import build
from runnerup.cli import main
from runnerup.ical import previous
from runnerup.ical.previous import Previous

from .conftest import EPOCH, MINIMAL, SAMPLE

SECOND = """\
  - company: Globex
    title: Staff Engineer
    decided: 2026-09-10
    id: globex-staff
    contact:
      name: Marcus Bell
      email: marcus@globex.example
"""


def events(data: bytes) -> dict[str, dict[str, str]]:
    """UID → the event's top-level properties (unfolded), for focused assertions."""
    text = re.sub(r"\r\n[ \t]", "", data.decode())
    out = {}
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, flags=re.S):
        block = re.sub(r"BEGIN:VALARM.*?END:VALARM\r\n", "", block, flags=re.S)
        props = dict(line.split(":", 1) for line in block.split("\r\n") if line)
        out[props["UID"]] = props
    return out


@pytest.fixture
def built(tmp_path: Path, runner: CliRunner):
    config = tmp_path / "runnerup.yaml"
    out = tmp_path / "runnerup.ics"

    def build(text: str, *args: str, epoch: int = EPOCH) -> tuple[str, bytes]:
        config.write_text(text, encoding="utf-8")
        result = runner.invoke(
            main, ["build", str(config), *args], env={"SOURCE_DATE_EPOCH": str(epoch)}
        )
        assert result.exit_code == 0, result.output
        return result.stdout, out.read_bytes()

    return build


def test_first_build_reports_everything_new(built) -> None:
    line, _ = built(MINIMAL + SECOND)
    assert line.endswith("runnerup.ics: 2 events (2 new)\n")


def test_rebuild_is_byte_identical_even_later(built, tmp_path: Path) -> None:
    _, first = built(MINIMAL + SECOND)
    line, second = built(MINIMAL + SECOND, epoch=EPOCH + 86_400)
    assert second == first
    assert line == f"wrote {tmp_path / 'runnerup.ics'}: 2 events (no changes)\n"


def test_same_input_same_bytes_in_two_places(tmp_path: Path, runner: CliRunner) -> None:
    outputs = []
    for name in ("a.ics", "b.ics"):
        result = runner.invoke(main, ["build", str(SAMPLE), "-o", str(tmp_path / name)])
        assert result.exit_code == 0
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_one_edit_changes_only_its_own_event(built) -> None:
    _, before = built(MINIMAL + SECOND)
    edited = MINIMAL + SECOND.replace(
        "email: marcus@globex.example", "email: marcus.bell@globex.example"
    )
    line, after = built(edited, epoch=EPOCH + 3600)
    assert line.endswith("2 events (1 changed)\n")
    old, new = events(before), events(after)
    acme = next(uid for uid, e in new.items() if "Acme" in e["SUMMARY"])
    globex = next(uid for uid, e in new.items() if "Globex" in e["SUMMARY"])
    assert new[acme] == old[acme]
    assert new[globex]["SEQUENCE"] == "1"
    assert new[globex]["DTSTAMP"] == "20261118T120640Z"
    assert old[globex]["DTSTAMP"] == "20261118T110640Z"
    # Only the changed event's lines differ in the file.
    changed = set(after.split(b"\r\n")) ^ set(before.split(b"\r\n"))
    assert all(b"acme" not in line.lower() for line in changed)


def test_a_call_long_past_is_dropped_not_cancelled(built) -> None:
    built(MINIMAL + "    follow_up: [30 days, 90 days]\n")  # the 30-day call: 2026-10-05
    line, _after = built(MINIMAL + "    follow_up: [90 days]\n", epoch=EPOCH + 60)
    assert line.endswith("1 event (1 changed)\n")


def test_removed_role_is_cancelled_then_kept_until_30_days_past(built) -> None:
    _, _before = built(MINIMAL + SECOND)
    line, after = built(MINIMAL, epoch=EPOCH + 60)
    assert line.endswith("2 events (1 cancelled)\n")
    gone = next(e for e in events(after).values() if "Globex" in e["SUMMARY"])
    assert gone["STATUS"] == "CANCELLED"
    assert gone["SEQUENCE"] == "1"
    assert b"Marcus" in after and after.count(b"BEGIN:VALARM") == 1  # no alarm when cancelled

    # Rebuilding keeps the cancellation as it is.
    _, again = built(MINIMAL, epoch=EPOCH + 120)
    assert again == after

    # The Globex call was 2026-12-09; 30 days after it ends, the cancellation goes.
    late = 1_799_000_000  # 2027-01-03: still within 30 days
    _, still = built(MINIMAL, epoch=late)
    assert b"Marcus" in still
    _, dropped = built(MINIMAL, epoch=1_802_000_000)  # 2027-02-07
    assert b"Marcus" not in dropped
    assert len(events(dropped)) == 1


def test_closing_a_role_cancels_and_reopening_restores(built) -> None:
    _, _first = built(MINIMAL + SECOND)
    _, closed = built(MINIMAL + SECOND + "    status: closed\n", epoch=EPOCH + 60)
    globex = next(e for e in events(closed).values() if "Globex" in e["SUMMARY"])
    assert (globex["STATUS"], globex["SEQUENCE"]) == ("CANCELLED", "1")
    line, reopened = built(MINIMAL + SECOND, epoch=EPOCH + 120)
    assert line.endswith("(1 changed)\n")
    globex = next(e for e in events(reopened).values() if "Globex" in e["SUMMARY"])
    assert (globex["STATUS"], globex["SEQUENCE"]) == ("CONFIRMED", "2")


def test_dropped_touchpoint_is_cancelled(built) -> None:
    built(MINIMAL + "    follow_up: [60 days, 90 days]\n")
    line, after = built(MINIMAL + "    follow_up: [90 days]\n", epoch=EPOCH + 60)
    # The 90-day call changes too: its description no longer says "(2 of 2)".
    assert line.endswith("2 events (1 changed, 1 cancelled)\n")
    statuses = sorted(e["STATUS"] for e in events(after).values())
    assert statuses == ["CANCELLED", "CONFIRMED"]


def test_previous_names_another_memory(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL + SECOND)
    published = tmp_path / "published.ics"
    assert runner.invoke(main, ["build", str(config), "-o", str(published)]).exit_code == 0
    config.write_text(MINIMAL)
    fresh = tmp_path / "fresh.ics"
    result = runner.invoke(
        main, ["build", str(config), "-o", str(fresh), "--previous", str(published)]
    )
    assert result.exit_code == 0
    assert result.stdout == f"wrote {fresh}: 2 events (1 cancelled)\n"


def test_missing_previous_is_an_error(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    result = runner.invoke(main, ["build", str(config), "--previous", str(tmp_path / "no")])
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'no'}: previous output not found\n"


def test_a_calendar_runnerup_did_not_write_is_not_overwritten(
    tmp_path: Path, runner: CliRunner
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    other = tmp_path / "runnerup.ics"
    foreign = b"BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar//EN\r\nEND:VCALENDAR\r\n"
    other.write_bytes(foreign)
    result = runner.invoke(main, ["build", str(config)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {other} exists and was not written by runnerup; choose "
        "another file with -o, or pass --force to replace it\n"
    )
    assert other.read_bytes() == foreign
    assert runner.invoke(main, ["build", str(config), "--force"]).exit_code == 0
    assert b"PRODID:-//runnerup//runnerup//EN" in other.read_bytes()


def test_failed_write_leaves_previous_file(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    out = tmp_path / "runnerup.ics"
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0
    before = out.read_bytes()
    config.write_text(MINIMAL + SECOND)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("runnerup.build.os.fsync", full_disk)
    result = runner.invoke(main, ["build", str(config)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {out}: cannot write: No space left on device; the previous file is unchanged\n"
    )
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runnerup.ics", "runnerup.yaml"]


def test_kill_mid_write_leaves_previous_file(tmp_path: Path) -> None:
    """A real process killed while writing: the target is either old or new, never torn."""
    import os
    import signal
    import subprocess
    import sys

    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    out = tmp_path / "runnerup.ics"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    subprocess.run(
        [sys.executable, "-m", "runnerup.cli", "build", str(config)],
        check=True,
        env=env,
        capture_output=True,
    )
    before = out.read_bytes()
    config.write_text(MINIMAL + SECOND)
    # Stop the process inside write_atomic, after the temporary file is written.
    script = (
        "import os, signal, runnerup.build as b\n"
        "real = b.os.replace\n"
        "def stop(*a):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "b.os.replace = stop\n"
        "from runnerup.cli import main\n"
        f"main(['build', {str(config)!r}])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == before


def _refolded(data: bytes, width: int) -> bytes:
    """The same calendar as another tool might save it: unfolded, then folded at `width`
    characters with a tab, LF line ends."""
    lines = re.sub(r"\r\n[ \t]", "", data.decode()).split("\r\n")
    out = []
    for line in lines:
        while len(line) > width:
            out.append(line[:width])
            line = "\t" + line[width:]
        out.append(line)
    return "\n".join(out).encode()


@pytest.mark.parametrize("width", [40, 5])
def test_a_reformatted_previous_output_is_still_the_same_memory(built, width: int) -> None:
    """A file runnerup wrote is read by bytes passes; one another tool re-saved goes the
    line-by-line way, and both must remember the same events."""
    _, first = built(SAMPLE.read_text(encoding="utf-8"))
    fast = previous.read_previous(first, "a.ics")
    slow = previous.read_previous(_refolded(first, width), "b.ics")
    assert previous._read_canonical(first, "a.ics") is not None
    assert previous._read_canonical(_refolded(first, width), "b.ics") is None
    assert fast.events.keys() == slow.events.keys() and len(fast.events) > 3
    for uid, one in fast.events.items():
        two = slow.events[uid]
        assert (one.sequence, one.dtstamp, one.body, one.status, one.ends, one.sort_key) == (
            two.sequence,
            two.dtstamp,
            two.body,
            two.status,
            two.ends,
            two.sort_key,
        )


def test_a_rebuild_over_a_refolded_file_changes_nothing(built, tmp_path: Path) -> None:
    _, first = built(MINIMAL + SECOND)
    out = tmp_path / "runnerup.ics"
    out.write_bytes(_refolded(first, 30))
    line, again = built(MINIMAL + SECOND, epoch=EPOCH + 86_400)
    assert line.endswith("2 events (no changes)\n")
    assert again == first


def test_one_event_refolded_in_place_is_compared_by_its_content(built, tmp_path: Path) -> None:
    """The file keeps runnerup's layout but one event's bytes differ from what the writer
    gives: the parsed body decides, so it is unchanged, not a new SEQUENCE."""
    _, first = built(MINIMAL + SECOND)
    out = tmp_path / "runnerup.ics"
    start = first.index(b"DESCRIPTION:")
    long_line_end = first.index(b"\r\n", start)
    assert long_line_end - start > 40
    cut = start + 30
    out.write_bytes(first[:cut] + b"\r\n " + first[cut:])
    line, again = built(MINIMAL + SECOND, epoch=EPOCH + 86_400)
    assert line.endswith("2 events (no changes)\n")
    assert again == first


def test_an_unchanged_rebuild_does_not_parse_the_previous_output(
    built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The common rebuild is proved unchanged by comparing bytes; the memory is read
    event by event only when something differs."""
    _, first = built(MINIMAL + SECOND)

    def refuse(data: bytes, name: str, **_: object) -> Previous:
        raise AssertionError("read_previous called")

    monkeypatch.setattr(build, "read_previous", refuse)
    line, again = built(MINIMAL + SECOND, epoch=EPOCH + 86_400)
    assert line.endswith("2 events (no changes)\n")
    assert again == first
    with pytest.raises(AssertionError):
        built(MINIMAL, epoch=EPOCH + 86_400)  # one role gone: the memory must cancel it
