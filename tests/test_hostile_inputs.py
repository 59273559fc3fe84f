"""Command-line values read as strictly as the config reads the same values."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main

from .conftest import MINIMAL


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("２０２６-09-04", "expected a date as YYYY-MM-DD, found '２０２６-09-04'"),
        ("١٢٣٤-01-01", "expected a date as YYYY-MM-DD, found '١٢٣٤-01-01'"),
        (" 2026-09-04", "expected a date as YYYY-MM-DD, found ' 2026-09-04'"),
        ("2026-02-29", "2026-02-29 is not a real date (day is out of range for month)"),
        ("1899-12-31", "1899-12-31 is outside the dates runnerup reads (1900-01-01 to 2199-12-31)"),
    ],
)
@pytest.mark.parametrize("command", ["check", "agenda", "stats"])
def test_today_takes_a_date_as_the_config_does(
    given: str, message: str, command: str, tmp_path: Path, runner: CliRunner
) -> None:
    """Non-ASCII digits were taken (strptime reads any Unicode digit), and an impossible
    date was said not to "match the format"."""
    config = tmp_path / "c.yaml"
    config.write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(main, [command, str(config), "--today", given])
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for '--today': {message}\n")


@pytest.mark.parametrize("given", ["2026-09-04", "2026-9-4", "2199-12-31", "1900-01-01"])
def test_today_at_its_bounds_is_taken(given: str, tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(main, ["agenda", str(config), "--today", given, "--json"])
    assert result.exit_code == 0, result.output


def test_pin_when_the_log_answered_every_planned_call(tmp_path: Path, runner: CliRunner) -> None:
    """Only retries were left: the error said "the last was on none" and suggested a
    touchpoint (`90 days`) the role does not have."""
    config = tmp_path / "c.yaml"
    config.write_text(
        MINIMAL
        + "    follow_up: 30 days\n    log:\n      - {on: 2026-10-05, outcome: no-answer}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        main, ["pin", "-c", str(config), "acme-spm", "2026-10-20 10:00", "--today", "2026-10-06"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "error: acme-spm has no planned call left (its log answered them); to reschedule "
        "one, name it with --after, e.g. --after '30 days'\n"
    )


@pytest.mark.parametrize("command", [["check", "-"], ["build", "-"], ["agenda", "-"]])
def test_a_dash_config_says_stdin_is_not_read(command: list[str], runner: CliRunner) -> None:
    """It said "file not found; run `runnerup init`", which would not help."""
    result = runner.invoke(main, command, input="roles: []\n")
    assert result.exit_code == 2
    assert (
        "runnerup reads and writes files here, not stdin or stdout; give a file name "
        "(./- for a file named -)"
    ) in result.stderr
