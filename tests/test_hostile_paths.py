"""Careless paths that must never cost the config: -o onto the config itself (by name,
through a symlink, as a hard link, or a config named like its own default output)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main

from .conftest import MINIMAL


def _message(out: str, config: Path) -> str:
    return (
        f"error: {out}: is the config file {config} itself; name another file with -o "
        "(the default is the config's name with .ics)\n"
    )


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
@pytest.mark.parametrize("command", ["build", "serve"])
def test_output_onto_the_config_is_refused_even_with_force(
    how: str, command: str, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = Path("c.yaml")
    config.write_text(MINIMAL, encoding="utf-8")
    out = {"same": config, "symlink": Path("out.ics"), "hardlink": Path("hard.ics")}[how]
    if how == "symlink":
        out.symlink_to(config)
    elif how == "hardlink":
        os.link(config, out)
    args = [command, str(config), "-o", str(out), "--force"]
    if command == "serve":
        args += ["--port", "0", "--token", "a-long-enough-test-token"]

        def no_server(*args: object, **kwargs: object) -> None:
            raise AssertionError("serve started although -o names the config")

        monkeypatch.setattr("runnerup.feed.server.create_feed_server", no_server)
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert result.stderr == _message(str(out), config)
    assert config.read_text(encoding="utf-8") == MINIMAL


def test_a_config_named_like_its_default_output_is_not_overwritten(
    tmp_path: Path, runner: CliRunner
) -> None:
    config = tmp_path / "calendar.ics"
    config.write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(main, ["build", str(config), "--force"])
    assert result.exit_code == 1
    assert result.stderr == _message(str(config), config)
    assert config.read_text(encoding="utf-8") == MINIMAL
