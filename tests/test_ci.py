"""Under CI=true a missing external tool fails its test; elsewhere it is a skip.

`.ci/run` installs calcurse, khal, libical, node's parsers, chromium and ruff so that
every interoperability test runs; a broken install must turn CI red, not quietly skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

INNER = """\
from tests.interop import ToolMissing


def test_needs_a_tool():
    raise ToolMissing("frobnicator is not installed")


def test_plain_skip_stays_a_skip():
    import pytest

    pytest.skip("not on this platform")
"""


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run a tiny suite in a real pytest process, with this project's conftest hooks."""
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_runtest_makereport  # noqa: F401\n"
    )
    (tmp_path / "test_inner.py").write_text(INNER)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_tool_fails_under_ci(tmp_path: Path, ci: str) -> None:
    done = _run(tmp_path, ci)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 skipped" in done.stdout, done.stdout
    assert "frobnicator is not installed" in done.stdout
    assert "CI is set, so a missing tool fails the test" in done.stdout


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_a_missing_tool_skips_elsewhere(tmp_path: Path, ci: str | None) -> None:
    done = _run(tmp_path, ci)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 skipped" in done.stdout, done.stdout
