"""The code stays ruff-clean and type-checked: lint, format and mypy run with the suite."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from .conftest import ROOT
from .interop import ToolMissing

PATHS = ["src", "tests", "benchmarks"]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(args: list[str]) -> None:
    if importlib.util.find_spec("ruff") is None:
        raise ToolMissing("ruff is not installed (pip install '.[test]')")
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy() -> None:
    """Types are checked with the pinned mypy and the settings in pyproject.toml."""
    if importlib.util.find_spec("mypy") is None:
        raise ToolMissing("mypy is not installed (pip install '.[test]')")
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
