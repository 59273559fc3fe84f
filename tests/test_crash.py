"""The last line of defence (crash.py): a bug is a short paragraph, a private report file
and exit 3; an OSError nobody expected is one line and exit 1; and the test suite still
sees every crash (conftest sets RUNNERUP_DEBUG=1 and its runner does not catch).

A crash is made by replacing a function the CLI calls with one that raises: the message
carries a contact's name and phone, which must reach the report but not the screen.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup import __version__
from runnerup.cli import main

from .conftest import MINIMAL

SECRET = "Dana Whitfield +1 555 0100"


def boom(*args: object) -> None:
    raise ValueError(SECRET)


@pytest.fixture
def crashing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """`runnerup check` crashes; reports go to tmp_path/cache; returns that folder."""
    monkeypatch.delenv("RUNNERUP_DEBUG")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr("runnerup.check.check_file", boom)
    return tmp_path / "cache" / "runnerup" / "crashes"


def test_a_crash_is_a_paragraph_a_private_report_and_exit_3(crashing: Path, write_config) -> None:
    path = write_config(MINIMAL)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 3
    assert type(result.exception) is SystemExit
    (report,) = crashing.iterdir()
    assert re.fullmatch(r"runnerup-crash-\d{8}T\d{6}Z-\w+\.txt", report.name)
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(crashing.stat().st_mode) == 0o700
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        rf"runnerup {re.escape(__version__)} crashed: an unexpected ValueError in "
        r"`runnerup check` at runnerup/cli/check\.py:\d+\.",
        lines[0],
    )
    assert lines[1:] == [
        "This is a bug in runnerup, not a mistake in your config or command; files are "
        "written atomically, so none was left half-written.",
        f"A full report (with the traceback) was saved to {report}, readable only by you.",
        "Please report the bug on runnerup's issue tracker and attach that file, after "
        "reading it: it may quote names or notes from your config.",
    ]
    assert "Dana" not in result.output
    text = report.read_text(encoding="utf-8")
    assert f"runnerup: {__version__}\n" in text
    assert "Traceback (most recent call last)" in text
    assert text.endswith(f"ValueError: {SECRET}\n")


def test_no_report_folder_still_gives_the_paragraph(
    crashing: Path, tmp_path: Path, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))
    result = CliRunner().invoke(main, ["check", str(write_config(MINIMAL))])
    assert result.exit_code == 3
    assert result.stderr.splitlines()[2] == (
        "A report could not be saved (File exists): run the command again with "
        "RUNNERUP_DEBUG=1 to see the traceback, and report the bug on runnerup's issue "
        "tracker with it."
    )


def test_the_test_suite_sees_a_crash(
    runner: CliRunner, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under RUNNERUP_DEBUG (set for every test) the exception itself comes out: the
    suite's runner raises it, and a plain CliRunner keeps it in result.exception."""
    monkeypatch.setattr("runnerup.check.check_file", boom)
    path = str(write_config(MINIMAL))
    with pytest.raises(ValueError, match="Dana Whitfield"):
        runner.invoke(main, ["check", path])
    result = CliRunner().invoke(main, ["check", path])
    assert isinstance(result.exception, ValueError)
    assert result.exit_code == 1


def test_an_unexpected_os_error_is_one_line_and_exit_1(
    crashing: Path, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/calendar.ics")

    monkeypatch.setattr("runnerup.check.check_file", refused)
    result = CliRunner().invoke(main, ["check", str(write_config(MINIMAL))])
    assert (result.exit_code, result.stderr) == (
        1,
        "error: /srv/calendar.ics: Permission denied; check the permissions, or choose "
        "another place\n",
    )
    assert not crashing.exists()


def test_a_caller_that_asks_for_exceptions_gets_them(crashing: Path, write_config) -> None:
    with pytest.raises(ValueError):
        main(["check", str(write_config(MINIMAL))], standalone_mode=False)


PROBE = """
import runnerup.check
def boom(*args):
    raise ValueError({secret!r})
runnerup.check.check_file = boom
from runnerup.cli import main
main()
"""


def test_a_real_process_prints_no_traceback(tmp_path: Path, write_config) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RUNNERUP_DEBUG"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(secret=SECRET), "check", str(write_config(MINIMAL))],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 4
    assert "Traceback" not in done.stderr
    assert "Dana" not in done.stderr
    (report,) = (tmp_path / "cache" / "runnerup" / "crashes").iterdir()
    assert "check" in report.read_text(encoding="utf-8")


def test_a_report_never_holds_the_feed_token(
    crashing: Path, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report is meant to be attached to a public bug report: the command line in it
    keeps every argument but the token's value, in either spelling."""
    path = write_config(MINIMAL)
    argv = ["runnerup", "serve", "--token", "tok-one-secret", "--token=tok-two-secret", "-p", "1"]
    monkeypatch.setattr(sys, "argv", argv)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 3
    (report,) = crashing.iterdir()
    text = report.read_text(encoding="utf-8")
    assert "tok-one-secret" not in text and "tok-two-secret" not in text
    assert (
        "command line: ['runnerup', 'serve', '--token', '<hidden>', '--token=<hidden>', "
        "'-p', '1']\n"
    ) in text
