"""The machine's zone, for a config without `calendar.timezone` and for `init`.

Linux is read as before (TZ, /etc/timezone, the /etc/localtime link); where those say
nothing (Windows has none of them) tzlocal answers. /etc is pointed at a folder of the
test's own, and tzlocal's answer is fixed: a test cannot change the real machine's zone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import tzlocal
from click.testing import CliRunner

from runnerup import lookups
from runnerup.cli import main
from runnerup.lookups import system_timezone


@pytest.fixture
def etc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No TZ, an empty /etc, and tzlocal saying Asia/Tokyo (as on a Windows in Japan)."""
    folder = tmp_path / "etc"
    folder.mkdir()
    monkeypatch.delenv("TZ")
    monkeypatch.setattr(lookups, "_ETC", folder)
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Asia/Tokyo")
    return folder


def test_tzlocal_answers_where_tz_and_etc_say_nothing(etc: Path) -> None:
    assert system_timezone() == "Asia/Tokyo"


def test_linux_sources_come_first(etc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zoneinfo = etc / "usr/share/zoneinfo/Europe/Paris"
    zoneinfo.parent.mkdir(parents=True)
    zoneinfo.write_bytes(b"")
    (etc / "localtime").symlink_to(zoneinfo)
    assert system_timezone() == "Europe/Paris"
    (etc / "timezone").write_text("Europe/Berlin\n", encoding="utf-8")
    assert system_timezone() == "Europe/Berlin"
    monkeypatch.setenv("TZ", ":America/Denver")
    assert system_timezone() == "America/Denver"


@pytest.mark.parametrize("answer", ["Not/AZone", "", None, OSError("no registry key")])
def test_anything_tzlocal_cannot_tell_is_utc(
    etc: Path, monkeypatch: pytest.MonkeyPatch, answer: object
) -> None:
    def get() -> object:
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(tzlocal, "get_localzone_name", get)
    assert system_timezone() == "UTC"


def test_check_still_warns_that_the_zone_came_from_the_system(
    etc: Path, runner: CliRunner, write_config
) -> None:
    path = write_config("roles: []\n")
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-29"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"{path}:1:1: calendar.timezone: warning: no `timezone` set; using this "
        "machine's zone, Asia/Tokyo"
    )


def test_init_fills_in_the_system_zone(etc: Path, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "runnerup.yaml"
    result = runner.invoke(main, ["init", str(path), "--no-schema", "--no-gitattributes"])
    assert result.exit_code == 0
    assert "  timezone: Asia/Tokyo" in path.read_text(encoding="utf-8")
    assert os.environ.get("TZ") is None
