"""Shared fixtures: a pinned clock and zone, a CLI runner, and configs written to tmp_path."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Generator
from pathlib import Path

import pytest
from click.testing import CliRunner

from .interop import ToolMissing

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_config.yaml"
EPOCH = 1_795_000_000  # 2026-11-18T11:06:40Z: "now" for every build in the tests


def in_ci() -> bool:
    """CI=true (GitHub Actions, GitLab, `.ci/run`'s callers): the tools must be there."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Under CI, a missing external reader (calcurse, khal, libical, node's parsers,
    chromium, ruff) fails its test instead of skipping it: `.ci/run` installs them all,
    so a skip there means a broken install that would otherwise pass unnoticed.
    Elsewhere it stays a skip, so the suite runs on a laptop without them."""
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(ToolMissing) and in_ci():
        report.outcome = "failed"
        report.longrepr = (
            f"{call.excinfo.value.msg}\n"
            "CI is set, so a missing tool fails the test instead of skipping it: "
            ".ci/run installs everything the tests need."
        )
    return report


@pytest.fixture(autouse=True)
def _pinned_clock(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test depends on the wall clock, the machine's zone or the user's cache folder."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setenv("TZ", "America/New_York")
    # The holiday lookups' cache (runnerup/lookups.py): each test starts without one.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("RUNNERUP_CONFIG", raising=False)
    monkeypatch.delenv("RUNNERUP_TOKEN", raising=False)
    # An unexpected exception re-raises instead of printing the crash paragraph (exit 3),
    # so a crash fails the test that caused it (tests/test_crash.py unsets it).
    monkeypatch.setenv("RUNNERUP_DEBUG", "1")


@pytest.fixture
def runner() -> CliRunner:
    """A crash propagates out of `invoke` with its traceback, even in a test that only
    looks at the exit code (a usage or data error still ends in SystemExit, as usual)."""
    return CliRunner(catch_exceptions=False)


WriteConfig = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """Write YAML (dedented) to tmp_path/NAME and return its path."""

    def write(text: str, name: str = "runnerup.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


MINIMAL = """\
calendar:
  name: Test calendar
  timezone: America/New_York
roles:
  - company: Acme Corp
    title: Senior Product Manager
    decided: 2026-09-03
    id: acme-spm
    contact:
      name: Dana Whitfield
      phone: "+1 555 0100"
      timezone: America/Chicago
"""
