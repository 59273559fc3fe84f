"""The output layer (console.py): control characters from a config never reach a terminal
or a CI log raw, and a stdout that cannot be written is a one-line error, not a traceback.

The full-disk and broken-pipe cases run real processes: only a real file descriptor on
/dev/full or on a pipe with no reader fails the way a user's shell does.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main
from runnerup.console import escape
from runnerup.edit.text import EditError
from runnerup.words import plural

from .conftest import MINIMAL, ROOT

# A contact name that would start a GitHub workflow command on a line of its own, and
# reverse the rest of the line (a bidi override). Control characters such as ESC (a
# terminal's title, OSC 0) or BEL are refused by the validator at their key instead:
# `test_a_terminal_escape_in_a_name_is_refused_without_reaching_the_terminal`.
HOSTILE = "Dana\\n::error file=x::injected\\u202eevil"
SHOWN = "Dana\\n::error file=x::injected\\u202eevil"


def hostile_config(write_config, phone: bool = True) -> Path:
    text = MINIMAL.replace("name: Dana Whitfield", f'name: "{HOSTILE}"')
    if not phone:
        text = text.replace('      phone: "+1 555 0100"\n', "")
    return write_config(text)


def no_line_is_a_command(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith("::"), line
    assert "\x1b]" not in text
    assert "\x07" not in text


@pytest.mark.parametrize(
    "text, shown",
    [
        ("plain ünïcödé — text", "plain ünïcödé — text"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("\x00\x1b[31m\x7f\x85\x9b", "\\x00\\x1b[31m\\x7f\\x85\\x9b"),
        ("\u202eabc\u2066\u2028\u2029\u200f", "\\u202eabc\\u2066\\u2028\\u2029\\u200f"),
        ("C:\\Users\\dana", "C:\\Users\\dana"),  # a backslash alone stays as it is
        ("/tmp/\udcff.yaml", "/tmp/\\udcff.yaml"),  # the byte 0xff of a file name
    ],
)
def test_escape_spells_out_control_characters(text: str, shown: str) -> None:
    assert escape(text) == shown


def test_check_text_escapes_a_contact_name(runner: CliRunner, write_config) -> None:
    path = hostile_config(write_config, phone=False)
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-29"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"{path}:10:7: roles[0].contact: warning: {SHOWN} has no phone or email: "
        "add one so the call is one tap away\n"
    )
    assert result.stdout == f"{path}: ok: 1 role, 1 call, 1 warning\n"
    no_line_is_a_command(result.output)


def test_check_github_format_escapes_other_control_characters(
    runner: CliRunner, write_config
) -> None:
    path = hostile_config(write_config, phone=False)
    result = runner.invoke(
        main, ["check", str(path), "--today", "2026-11-29", "--format", "github"]
    )
    assert result.stdout.count("\n") == 1
    assert "Dana%0A::error file=x::injected\\u202eevil has no" in result.stdout
    no_line_is_a_command(result.stdout.removeprefix("::warning "))


def test_agenda_escapes_the_summary(runner: CliRunner, write_config) -> None:
    path = hostile_config(write_config)
    result = runner.invoke(main, ["agenda", str(path), "--today", "2026-11-29"])
    assert result.exit_code == 0
    assert result.stdout == (
        f"in 3 days  Wed 2026-12-02 11:00  Call {SHOWN} — Acme Corp (90-day follow-up)"
        "  [+1 555 0100]\n"
    )


def test_json_stays_json_with_every_control_character_escaped(
    runner: CliRunner, write_config
) -> None:
    path = write_config(MINIMAL.replace("name: Dana Whitfield", 'name: "Da\\nna\\u2028x\\tz"'))
    result = runner.invoke(main, ["agenda", str(path), "--today", "2026-11-29", "--json"])
    assert json.loads(result.stdout)[0]["contact"] == "Da\nna\u2028x\tz"
    assert not any(c in result.stdout for c in "\u2028\t")


def test_a_terminal_escape_in_a_name_is_refused_without_reaching_the_terminal(
    runner: CliRunner, write_config
) -> None:
    path = write_config(
        MINIMAL.replace("name: Dana Whitfield", 'name: "Dana\\n::error::x\\e]0;pwned\\a"')
    )
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-29"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:10:13: roles[0].contact.name: contains U+001B ")
    no_line_is_a_command(result.output)


def test_build_summary_escapes_the_output_name(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL)
    out = path.parent / "x\x1b]0;t\x07.ics"
    result = runner.invoke(main, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == f"wrote {path.parent}/x\\x1b]0;t\\x07.ics: 1 event (1 new)\n"


def test_error_lines_are_escaped(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL)
    result = runner.invoke(main, ["close", "x\n::error::y", "-c", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no role with id `x\\n::error::y` in ")
    assert result.stderr.count("\n") == 1


def test_an_errors_details_are_lines_of_their_own(
    runner: CliRunner, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise EditError("the edit would leave c.yaml invalid:", details=["  c.yaml:1:1: a\nb"])

    monkeypatch.setattr("runnerup.edit.ops.edit_file", refuse)
    result = runner.invoke(main, ["close", "acme-spm", "-c", str(write_config(MINIMAL))])
    assert (result.exit_code, result.stderr) == (
        1,
        "error: the edit would leave c.yaml invalid:\n  c.yaml:1:1: a\\nb\n",
    )


def test_click_usage_errors_are_escaped(runner: CliRunner, tmp_path: Path) -> None:
    """click prints usage errors itself; ours quote a path as given."""
    path = tmp_path / "x\x1b]0;t\x07.yaml"
    path.write_text("roles: []\n", encoding="utf-8")
    result = runner.invoke(main, ["init", str(path)])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: {tmp_path}/x\\x1b]0;t\\x07.yaml already exists; pass --force to overwrite "
        "it, or name another file\n"
    )


def test_plural_is_one_word_for_one_and_the_plural_for_any_other_count() -> None:
    """The one way counts are written in runnerup's own text (console.plural)."""
    assert [plural(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert [plural(n, "try", "tries") for n in (1, 3)] == ["1 try", "3 tries"]


def test_every_print_goes_through_the_output_layer() -> None:
    """No module but console.py calls click.echo/secho or print (docs.py is a build tool)."""
    offenders = []
    for path in sorted((ROOT / "src" / "runnerup").rglob("*.py")):
        if path.name in ("console.py", "docs.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("echo", "secho", "print"):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


# --------------------------------------------------------------------------- real streams

FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


def run(args: list[str], stdout: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`runnerup ARGS` in a fresh interpreter, stdout on the given file or descriptor."""
    env = {k: v for k, v in os.environ.items() if k != "RUNNERUP_DEBUG"}
    return subprocess.run(
        [sys.executable, "-c", "from runnerup.cli import main; main()", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


COMMANDS = {
    "build -o -": ["build", "runnerup.yaml", "-o", "-"],
    "agenda": ["agenda", "runnerup.yaml", "--today", "2026-11-29"],
    "agenda --json": ["agenda", "runnerup.yaml", "--today", "2026-11-29", "--json"],
    "check": ["check", "runnerup.yaml", "--today", "2026-11-29"],
    "check --format json": ["check", "runnerup.yaml", "--today", "2026-11-29", "--format", "json"],
    "schema": ["schema"],
}


@needs_dev_full
@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_full_disk_is_one_line_and_exit_1(args: list[str], write_config) -> None:
    path = write_config(MINIMAL)
    with FULL.open("w") as full:
        done = run(args, full, path.parent)
    assert (done.returncode, done.stderr) == (
        1,
        "error: stdout: cannot write: No space left on device\n",
    )
    assert sorted(p.name for p in path.parent.iterdir()) == ["runnerup.yaml"]


@needs_dev_full
def test_help_onto_a_full_disk_is_one_line_too(tmp_path: Path) -> None:
    """click prints --help itself: the last line of defence turns its OSError into a line."""
    with FULL.open("w") as full:
        done = run(["--help"], full, tmp_path)
    assert (done.returncode, done.stderr) == (
        1,
        "error: No space left on device; free some space and run again\n",
    )


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_closed_pipe_ends_quietly_with_exit_1(args: list[str], write_config) -> None:
    """As `runnerup agenda | head -1` once head has gone: nothing on stderr (a Unix tool
    dies of SIGPIPE silently), exit 1 (what click does on EPIPE), nothing written."""
    path = write_config(MINIMAL)
    read, write = os.pipe()
    os.close(read)
    try:
        done = run(args, write, path.parent)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")
    assert sorted(p.name for p in path.parent.iterdir()) == ["runnerup.yaml"]


@needs_dev_full
def test_errors_onto_a_full_stderr_still_exit_1(write_config, tmp_path: Path) -> None:
    """The errors are lost (there is nowhere to say so), the exit code is not, and a
    stderr that cannot be written is no crash."""
    path = write_config("roles: [\n")
    env = {k: v for k, v in os.environ.items() if k != "RUNNERUP_DEBUG"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    for args in (["build", str(path)], ["check", str(path)]):
        with FULL.open("w") as full:
            done = subprocess.run(
                [sys.executable, "-c", "from runnerup.cli import main; main()", *args],
                stdout=subprocess.PIPE,
                stderr=full,
                text=True,
                env=env,
                timeout=60,
                check=False,
            )
        assert done.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runnerup.yaml"]
