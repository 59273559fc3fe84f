"""The README's quick start is the contract with a new user: keep it true."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from runnerup.cli import main

from .conftest import ROOT, SAMPLE


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, flags=re.S)
    assert block, "README has no sh code block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines()]


def test_quick_start_is_two_commands() -> None:
    assert quick_start() == [
        "pip install . && runnerup build sample_config.yaml",
        "pip install '.[test]' && python -m pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    last = [line for line in script.splitlines() if line and not line.startswith("#")][-1]
    assert last == quick_start()[1]


def test_sample_config_builds_without_errors(runner: CliRunner, tmp_path) -> None:
    result = runner.invoke(main, ["check", str(SAMPLE), "--today", "2026-09-01"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "sample.ics"
    assert runner.invoke(main, ["build", str(SAMPLE), "-o", str(out)]).exit_code == 0
    assert out.read_bytes().count(b"BEGIN:VEVENT") == 7


def test_the_package_metadata_builds_with_future_setuptools() -> None:
    """`pip install .` on a fresh machine: setuptools deprecated `license = {text = ...}`
    and stops building it after 2027-02-18; an SPDX string needs setuptools 77."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    assert project["build-system"]["requires"] == ["setuptools>=77"]


def test_the_example_prints_what_the_readme_shows(
    runner: CliRunner, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's example config and console session, run as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("\n## An example\n", 1)[1].split("\n## ", 1)[0]
    config = re.search(r"```yaml\n(.*?)```", example, re.S)
    session = re.search(r"```console\n(.*?)```", example, re.S)
    assert config and session
    (tmp_path / "runnerup.yaml").write_text(config[1], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    steps = [step.partition("\n") for step in re.split(r"^\$ ", session[1], flags=re.M)[1:]]
    assert len(steps) == 2
    for command, _, expected in steps:
        args = command.split()
        assert args[0] == "runnerup"
        result = runner.invoke(main, args[1:])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected, command
