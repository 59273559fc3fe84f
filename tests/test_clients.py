"""Real calendar programs read the sample calendar: calcurse and khal (when installed).

`.ci/run` installs both (calcurse from Debian, khal from PyPI); elsewhere these tests skip
(under CI=true a missing one fails: tests/conftest.py).
Each program is asked to list the events in UTC, and must show every call at the instant
the scheduler computed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from runnerup.build import render
from runnerup.schedule import schedule
from runnerup.validate import parse_config

from .conftest import SAMPLE
from .interop import ToolMissing

NOW = datetime(2026, 11, 18, 11, 6, 40, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def sample_ics(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    config = parse_config(SAMPLE.read_bytes(), str(SAMPLE))
    data, _ = render(config, None, NOW)
    path = tmp_path_factory.mktemp("clients") / "sample.ics"
    path.write_bytes(data)
    expected = sorted(f"{c.start:%Y-%m-%dT%H:%M} {c.end:%H:%M}" for c in schedule(config))
    return path, expected


def _run(args: list[str], **kwargs: object) -> str:
    env = {**os.environ, "TZ": "UTC"}
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=60, env=env, check=True, **kwargs
    )  # type: ignore[call-overload]
    return done.stdout


def test_calcurse(sample_ics: tuple[Path, list[str]], tmp_path: Path) -> None:
    if not shutil.which("calcurse"):
        raise ToolMissing("calcurse is not installed (apt-get install calcurse)")
    path, expected = sample_ics
    (tmp_path / "cfg").mkdir()
    (tmp_path / "data").mkdir()
    base = ["calcurse", "-D", str(tmp_path / "data"), "-C", str(tmp_path / "cfg")]
    report = subprocess.run(
        [*base, "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},
    )
    assert "0 skipped" in report.stdout, report.stdout + report.stderr
    out = _run(
        [
            *base,
            "-Q",
            "--from",
            "01/01/2026",
            "--days",
            "800",
            "--format-apt",
            "%(start:%Y-%m-%dT%H:%M) %(end:%H:%M)\n",
            "--format-event",
            "",
        ]
    )
    seen = sorted(line for line in out.splitlines() if line[:2] == "20")
    assert seen == expected


def test_khal(sample_ics: tuple[Path, list[str]], tmp_path: Path) -> None:
    khal = shutil.which("khal", path=str(Path(sys.executable).parent)) or shutil.which("khal")
    if not khal:
        raise ToolMissing("khal is not installed (pip install khal)")
    path, expected = sample_ics
    store = tmp_path / "cal"
    store.mkdir()
    conf = tmp_path / "khal.conf"
    conf.write_text(
        f"[calendars]\n[[test]]\npath = {store}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%dT%H:%M\nlongdatetimeformat = %Y-%m-%dT%H:%M\n"
        "local_timezone = UTC\ndefault_timezone = UTC\n[default]\ndefault_calendar = test\n"
    )
    _run([khal, "-c", str(conf), "import", "--batch", "-a", "test", str(path)])
    out = _run([khal, "-c", str(conf), "list", "--format", "{start} {end}", "2026-01-01", "800d"])
    seen = sorted(
        f"{line.split()[0]} {line.split()[1][-5:]}"
        for line in out.splitlines()
        if line[:2] == "20" and "T" in line.split(" ")[0]
    )
    assert seen == expected
