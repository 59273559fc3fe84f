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
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "args", [("--version",), ("--help",), ("-h",), ("build", "--help"), ("push", "--help")]
)
def test_start_up_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    assert loaded_after(*args) & set(HEAVY) == set()


def test_the_probe_sees_heavy_imports(tmp_path: Path) -> None:
    """The check above can fail: a command that reads a config does load YAML."""
    assert "yaml" in loaded_after("check", str(tmp_path / "missing.yaml"))
