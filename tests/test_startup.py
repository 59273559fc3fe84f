"""Start-up stays light: `--version` and `--help` import nothing heavy.

A job seeker runs runnerup from a shell prompt and a pre-commit hook, so its start-up is
paid many times a day. This is a structural check (which modules a fresh interpreter
loads), not a timing: timings belong to benchmarks/run.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLE

HEAVY = (
    "icalendar",
    "holidays",
    "waitress",
    "yaml",
    "dateutil",
    "tzlocal",
    "caldav",
    "niquests",
    "keyring",
)

PROBE = """
import json, sys
from runnerup.cli import main
try:
    main({args!r}, prog_name="runnerup")
except SystemExit:
    pass
print("\\n" + json.dumps(sorted(sys.modules)))
"""


def loaded_after(*args: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after `runnerup ARGS`."""
    return {name.split(".")[0] for name in modules_after(*args)}


def modules_after(*args: str) -> set[str]:
    """The modules a fresh interpreter holds after `runnerup ARGS`."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args", [("--version",), ("--help",), ("-h",), ("build", "--help"), ("push", "--help")]
)
def test_start_up_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    assert loaded_after(*args) & set(HEAVY) == set()


def test_the_probe_sees_heavy_imports(tmp_path: Path) -> None:
    """The check above can fail: a command that reads a config does load YAML."""
    assert "yaml" in loaded_after("check", str(tmp_path / "missing.yaml"))


# What the everyday commands may import beyond runnerup itself: PyYAML, Click and the
# standard library modules runnerup's code names (with whatever those import on this
# Python). Not holidays (its answers come from the cache: runnerup/lookups.py), not
# dateutil, not hashlib (OpenSSL) nor tempfile for an unchanged build, no server code.
EVERYDAY_BASE = (
    "import yaml, click, contextlib, dataclasses, datetime, difflib, errno, functools, gc,"
    " json, os, pathlib, re, string, sys, typing, uuid, zlib, zoneinfo, _sha1,"
    " _strptime,"  # --today, through click.DateTime
    " fcntl, signal"  # build locks its output, and a kill mid-write removes the temporary
)


CLI_SHARED = ("runnerup.cli.errors", "runnerup.cli.options")
"""What the everyday command modules of cli/ share: error translation and options (none of
them takes a role id, so none loads cli/complete.py)."""


def top_level_modules(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {name.split(".")[0] for name in json.loads(done.stdout.strip().splitlines()[-1])}


@pytest.mark.parametrize(
    "command",
    [
        ("build", "{config}", "-o", "{out}"),
        ("build", "{config}", "-o", "-"),
        ("check", "{config}", "--today", "2026-11-18"),
        ("agenda", "{config}", "--today", "2026-11-18"),
    ],
    ids=lambda command: " ".join(part for part in command if "{" not in part),
)
def test_everyday_commands_import_only_what_they_need(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    """A new import in `build`, `check` or `agenda` fails here: it is paid on every run
    (issue 12: everyday commands within 1.5× of `python -c "import yaml, click"`)."""
    config = tmp_path / "sample_config.yaml"
    config.write_bytes(SAMPLE.read_bytes())  # its three holiday countries
    args = [part.format(config=config, out=tmp_path / "out.ics") for part in command]
    first = loaded_after(*args)  # fills the holiday cache (XDG_CACHE_HOME: see conftest)
    assert "holidays" in first  # the probe can see it
    extra = loaded_after(*args) - top_level_modules(EVERYDAY_BASE) - {"runnerup"}
    assert extra == set()
    modules = modules_after(*args)
    assert "runnerup.feed" not in modules  # the feed server: `serve` only
    # cli/ loads the command that runs, not the others (cli/__init__.py's COMMANDS)
    commands = {m for m in modules if m.startswith("runnerup.cli.")}
    assert commands == {f"runnerup.cli.{command[0]}", *CLI_SHARED}
