"""docs/cli.md is generated from the commands' own --help: it must match, and cover all."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from runnerup.cli import command as load_command
from runnerup.cli import main
from runnerup.docs import KEY_TABLES, WIDTH, config_md, key_table, render
from runnerup.keys import KEYS

from .conftest import ROOT

CLI_MD = ROOT / "docs" / "cli.md"
COMMANDS = main.list_commands(click.Context(main))


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
    command = load_command(name)
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


@pytest.mark.parametrize("name", COMMANDS)
def test_help_reads_well(runner: CliRunner, name: str) -> None:
    """Review findings: click's DateTime metavar `[%Y-%m-%d]` reads as strftime, `draft`
    said it edits the config, and `serve` said removed events are cancelled (a feed
    leaves them out)."""
    result = runner.invoke(main, [name, "--help"], terminal_width=WIDTH, prog_name="runnerup")
    assert result.exit_code == 0
    assert "%Y" not in result.stdout
    for param in load_command(name).params:
        if isinstance(param, click.Option) and param.name in {"today", "on", "decided"}:
            assert re.search(rf"^  {param.opts[0]} YYYY-MM-DD ", result.stdout, re.M), param
    words = " ".join(result.stdout.split())
    if name == "draft":
        assert "config file to read" in words
    if name == "serve":
        assert "removed ones left out" in words
        assert "cancelled" not in words


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


# ------------------------------------------------------------- README and config.md


def readme_commands_table() -> dict[str, str]:
    """The README's "## Commands" table: each command named in a row -> that row."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in block.splitlines():
        if not line.startswith("| `runnerup "):
            continue
        first = line.split(" | ")[0]
        for name in re.findall(r"`(?:runnerup )?([a-z][a-z-]*)", first):
            rows[name] = line
    return rows


def test_every_command_is_in_the_readme_table() -> None:
    """A new command is listed where users look first, with what it does."""
    listed = readme_commands_table()
    visible = [name for name in COMMANDS if not load_command(name).hidden]
    assert [name for name in visible if name not in listed] == []
    assert [name for name in listed if name not in COMMANDS] == []


def test_every_option_in_the_readme_table_exists() -> None:
    """The table's options are real: none renamed or removed since it was written."""
    for name, row in readme_commands_table().items():
        if not row.startswith(f"| `runnerup {name} "):
            continue  # a row naming several commands gives no options
        opts = {o for p in load_command(name).params for o in [*p.opts, *p.secondary_opts]}
        for opt in re.findall(r"`(-[-a-z]+)", row.split(" | ", 1)[1]):
            assert opt in opts, f"README: runnerup {name} has no {opt}"


def config_md_keys(heading: str, nth: int = 0) -> list[str]:
    """The keys (first column) of the nth `| key |` table under a heading of config.md."""
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    part = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    tables = re.findall(r"^\| key \|.*\n\|[-|]+\|\n((?:\|.*\n)+)", part, re.M)
    return re.findall(r"^\| `([a-z_]+)` \|", tables[nth], re.M)


def test_config_md_key_tables_are_generated() -> None:
    """docs/config.md's key tables are what `python -m runnerup.docs docs/config.md`
    writes from `KEYS`, and every section with a table has its markers."""
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    for section in KEY_TABLES:
        assert text.count(f"<!-- BEGIN KEYS {section} -->\n") == 1, section
        assert text.count(f"<!-- END KEYS {section} -->\n") == 1, section
    assert text == config_md(text), "run: python -m runnerup.docs docs/config.md"


@pytest.mark.parametrize(
    ("section", "heading"),
    [
        ("calendar", "## calendar"),
        ("caldav", "## caldav"),
        ("defaults", "## defaults and per-role settings"),
        ("role", "## roles"),
        ("contact", "## contact"),
        ("touchpoint", "## Touchpoints (`follow_up`)"),
        ("log_entry", "## The log (`log:`)"),
        ("templates", "## Channels and drafted messages"),
    ],
)
def test_config_md_lists_exactly_the_schemas_keys(section: str, heading: str) -> None:
    """docs/config.md's key tables and `KEYS` (the validator and the JSON Schema) agree:
    no key is undocumented, and no documented key is refused as unknown; each generated
    table sits under its own heading."""
    keys = [k.name for k in KEYS[section]]
    if section == "role":  # the settings are one row there: "any key of defaults"
        keys = [k for k in keys if k not in {s.name for s in KEYS["defaults"]}]
    assert sorted(config_md_keys(heading)) == sorted(keys)
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    part = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    assert f"<!-- BEGIN KEYS {section} -->\n{key_table(section)}" in part


def test_config_md_layout_lists_the_top_level_keys() -> None:
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    layout = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", layout, re.S)
    assert block
    listed = re.findall(r"^([a-z_]+):", block[1], re.M)
    assert sorted(listed) == sorted(k.name for k in KEYS["top"])


def test_every_environment_variable_is_documented() -> None:
    """Each variable the code reads (RUNNERUP_*, SOURCE_DATE_EPOCH, NO_COLOR, XDG_*) is
    explained somewhere a user reads: the README or docs/."""
    source = "".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "src" / "runnerup").rglob("*.py"))
    )
    names = set(re.findall(r"\"((?:RUNNERUP|XDG)_[A-Z_]+|SOURCE_DATE_EPOCH|NO_COLOR)\"", source))
    assert {"RUNNERUP_CONFIG", "NO_COLOR", "RUNNERUP_DEBUG"} <= names
    docs = "".join(
        p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    )
    assert sorted(name for name in names if name not in docs) == []


def test_config_md_shows_checks_real_output(
    runner: CliRunner, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/config.md's "config with nine mistakes" prints exactly what the page shows."""
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    part = text.split("A config with nine mistakes:", 1)[1]
    config = re.search(r"```yaml\n(.*?)```", part, re.S)
    session = re.search(r"```console\n\$ runnerup check\n(.*?)```", part, re.S)
    assert config and session
    (tmp_path / "runnerup.yaml").write_text(config[1], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.output == session[1]
