"""Shell completion through Click's own mechanism, with role ids read from the config."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main

from .conftest import SAMPLE

OPEN_IDS = [
    "acme-spm",
    "northwind-analytics-head-of-data-platform-2026-09-06",
    "globex-health-staff-engineer-payments-2026-09-26",
    "koala-robotics-engineering-manager-2026-10-12",
]


def complete(runner: CliRunner, shell: str, line: str, env: dict[str, str] | None = None) -> str:
    """What the shell's completion script receives for `line` (the cursor at its end)."""
    words = line.split(" ")
    variables = {"_RUNNERUP_COMPLETE": f"{shell}_complete", "COMP_WORDS": line}
    variables["COMP_CWORD"] = words[-1] if shell == "fish" else str(len(words) - 1)
    result = runner.invoke(main, [], env={**variables, **(env or {})}, prog_name="runnerup")
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_source_scripts(runner: CliRunner, shell: str) -> None:
    result = runner.invoke(
        main, [], env={"_RUNNERUP_COMPLETE": f"{shell}_source"}, prog_name="runnerup"
    )
    assert result.exit_code == 0
    assert "_RUNNERUP_COMPLETE" in result.stdout
    assert "_runnerup_completion" in result.stdout


def test_commands_and_options(runner: CliRunner) -> None:
    assert complete(runner, "bash", "runnerup c") == "plain,check\nplain,close\n"
    assert complete(runner, "bash", "runnerup pin --") == (
        "plain,--config\nplain,--after\nplain,--today\nplain,--help\n"
    )
    assert complete(runner, "bash", "runnerup check --format ") == (
        "plain,text\nplain,json\nplain,github\n"
    )


@pytest.mark.parametrize("command", ["close", "pin", "log", "draft"])
def test_role_ids_from_runnerup_config(runner: CliRunner, command: str) -> None:
    out = complete(runner, "bash", f"runnerup {command} ", {"RUNNERUP_CONFIG": str(SAMPLE)})
    assert out == "".join(f"plain,{role_id}\n" for role_id in OPEN_IDS)
    # the closed Initech role is not offered


def test_log_completes_outcomes(runner: CliRunner) -> None:
    out = complete(runner, "bash", "runnerup log acme-spm n", {"RUNNERUP_CONFIG": str(SAMPLE)})
    assert out == "plain,no-answer\nplain,not-now\n"


def test_role_ids_with_descriptions_for_zsh_and_fish(runner: CliRunner) -> None:
    line = f"runnerup close -c {SAMPLE} ko"
    assert complete(runner, "zsh", line) == (
        "plain\nkoala-robotics-engineering-manager-2026-10-12\n"
        "Koala Robotics — Engineering Manager\n"
    )
    assert complete(runner, "fish", line) == (
        "plain,koala-robotics-engineering-manager-2026-10-12\t"
        "Koala Robotics — Engineering Manager\n"
    )


def test_the_default_config_in_the_current_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert complete(runner, "bash", "runnerup close ") == "\n"  # no runnerup.yaml: nothing
    (tmp_path / "runnerup.yaml").write_bytes(SAMPLE.read_bytes())
    assert complete(runner, "bash", "runnerup close a") == "plain,acme-spm\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("roles: [\n", "\n"),  # YAML syntax error; bash gets an empty line: no candidates
        ("\xff\xfe", "\n"),  # not UTF-8
        ("!!python/object:os.system {}", "\n"),  # refused tag
        (  # one bad role: the ids that can be told are still offered
            "- {company: A, title: B, decided: 2026-02-30, contact: {name: C}, id: a-b}\n"
            "- {company: C D, title: E, decided: 2026-09-03, contact: {name: F}}\n"
            "- {title: no company, decided: someday}\n",
            "plain,a-b\nplain,c-d-e-2026-09-03\n",
        ),
        ("calendar: {timezone: Mars/Olympus}\nroles: [{company: A, id: x}]\n", "plain,x\n"),
    ],
)
def test_a_broken_config_never_breaks_completion(
    runner: CliRunner, tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode())
    assert complete(runner, "bash", f"runnerup close -c {path} ") == expected
    assert complete(runner, "bash", "runnerup pin ", {"RUNNERUP_CONFIG": str(path)}) == expected


def test_control_characters_never_reach_the_shell(runner: CliRunner, tmp_path: Path) -> None:
    """zsh and fish print the descriptions; one line per item is the protocol."""
    path = tmp_path / "c.yaml"
    path.write_text(
        '- {company: "A\\e]0;t\\a", title: "B\\nC", decided: 2026-09-03, contact: {name: D},'
        " id: a-b}\n"
        '- {company: X, title: Y, decided: 2026-02-30, contact: {name: D}, id: "x\\ny"}\n',
        encoding="utf-8",
    )
    assert complete(runner, "zsh", f"runnerup close -c {path} ") == (
        "plain\na-b\nA\\x1b]0;t\\x07 — B\\nC\n"
    )


def test_a_folder_as_config_gives_nothing(runner: CliRunner, tmp_path: Path) -> None:
    assert complete(runner, "bash", f"runnerup close -c {tmp_path} ") == "\n"
