"""docs/loop.md's week in the life is real output: each transcript is run through the CLI
on the day the text gives, and must print exactly what the page shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main

from .conftest import ROOT

LOOP_MD = ROOT / "docs" / "loop.md"

# The day each command runs on, as the page's narrative says ("Tuesday 1 December", ...).
DAYS = {
    "agenda": "2026-12-01",
    "log northwind emailed": "2026-12-02",
    "log acme-spm no-answer": "2026-12-02",
    "log northwind referred": "2026-12-04",
    "log acme-spm not-now": "2026-12-07",
    "stats": "2026-12-08",
}


def transcripts() -> list[tuple[str, str]]:
    """(command line, expected output) for every `$ runnerup ...` in a text block."""
    text = LOOP_MD.read_text(encoding="utf-8")
    steps: list[tuple[str, str]] = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        for step in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = step.partition("\n")
            steps.append((command, output))
    return steps


def test_the_week_in_the_life_prints_what_the_page_shows(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = LOOP_MD.read_text(encoding="utf-8")
    config = re.search(r"```yaml\n(calendar:.*?)```", text, re.S)
    assert config
    (tmp_path / "runnerup.yaml").write_text(config[1], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    steps = transcripts()
    assert len(steps) >= 7
    for command, expected in steps:
        args = shlex.split(command)
        assert args[0] == "runnerup", command
        days = [day for prefix, day in DAYS.items() if " ".join(args[1:]).startswith(prefix)]
        if days:
            args += ["--today", days[0]]
        result = runner.invoke(main, args[1:])
        assert result.exit_code == 0, (command, result.output)
        if expected.rstrip().endswith("..."):  # the page cuts a long draft short
            head = expected.rstrip().removesuffix("...").rstrip()
            assert result.stdout.startswith(head), command
        elif expected:
            assert result.stdout == expected, command
    saved = (tmp_path / "runnerup.yaml").read_text(encoding="utf-8")
    log = re.search(r"```yaml\n(    log:\n.*?)```", text, re.S)
    assert log
    assert log[1] in saved
