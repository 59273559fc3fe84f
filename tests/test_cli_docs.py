"""docs/cli.md is generated from the commands' own --help: it must match, and cover all."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from runnerup.cli import main
from runnerup.docs import WIDTH, render

from .conftest import ROOT

CLI_MD = ROOT / "docs" / "cli.md"
COMMANDS = sorted(main.commands)


def section(name: str) -> str:
    """The help block of `runnerup NAME` in docs/cli.md."""
    text = CLI_MD.read_text(encoding="utf-8")
    heading = "## runnerup" + (f" {name}" if name else "")
    match = re.search(rf"^{re.escape(heading)}\n\n```text\n(.*?)\n```$", text, re.S | re.M)
    assert match, f"docs/cli.md has no section for `{heading[3:]}`"
    return match[1]


def test_cli_md_is_up_to_date() -> None:
    assert CLI_MD.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run `python -m runnerup.docs docs/cli.md`"
    )


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_each_section_is_exactly_the_commands_help(runner: CliRunner, name: str) -> None:
    args = [name, "--help"] if name else ["--help"]
    result = runner.invoke(main, args, terminal_width=WIDTH, prog_name="runnerup")
    assert result.exit_code == 0
    assert section(name) + "\n" == result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_option_and_argument_is_documented(name: str) -> None:
    command = main.commands[name]
    text = section(name)
    assert re.search(rf"^  {name} ", section(""), re.M), f"{name} missing from the overview"
    for param in command.params:
        if isinstance(param, click.Option):
            if param.hidden:
                continue
            for opt in [*param.opts, *param.secondary_opts]:
                assert re.search(rf"(^|[\s,/]){re.escape(opt)}\b", text), f"{name} {opt}"
            assert param.help, f"{name} {param.opts[0]} has no help text"
        else:
            assert param.human_readable_name in text.splitlines()[0], f"{name} {param.name}"


def test_the_generator_includes_commands_added_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command registered after this module was written (say, `serve`) is picked up."""

    @click.command("zz-later")
    @click.option("--port", help="Where to listen.")
    def later(port: str) -> None:
        """A command from the future."""

    monkeypatch.setitem(main.commands, "zz-later", later)
    text = render()
    assert "[zz-later](#runnerup-zz-later)" in text
    assert "## runnerup zz-later\n\n```text\nUsage: runnerup zz-later [OPTIONS]\n" in text
    assert "  --port TEXT  Where to listen.\n" in text
