"""The code stays ruff-clean: lint and format are checked with the rest of the suite."""

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
