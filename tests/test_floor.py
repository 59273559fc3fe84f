"""benchmarks/floor.py writes `runnerup build`'s bytes for a fresh output.

The floor is what issue 12's targets are measured against, and benchmarks/run.py refuses
to time it when its file differs; this catches the drift in the suite, where a change to
what runnerup writes (folding, ids, the event text) is made, rather than at the next
benchmark run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main

from .conftest import ROOT, SAMPLE, WriteConfig

FLOOR = ROOT / "benchmarks" / "floor.py"

# What the sample does not reach: text in another script (a hashed derived id), a drafted
# email whose mailto link is cut to 2,000 characters, custom templates, runs of
# backslashes and commas wherever the folds fall, and a contact without an email.
_LONG = " ".join(["Lorem ipsum, dolor sit amet; ü ö 株式会社 \\\\ Яндекс."] * 60)
# In YAML's double quotes `\\` is one backslash: the notes hold runs of 1, 2 and 71.
_NOTES = "a\\\\b\\\\\\\\c,;" + "," * 70 + "\\\\" * 71 + " end" + ";" * 69 + "\\\\n"
TRICKY = f"""\
calendar:
  timezone: Europe/Berlin
templates:
  subject: "Re: {{title}} at {{company}}, {{attempt}}"
  email: "Hallo {{contact_first}} ({{last_contact}}), {_LONG}"
roles:
  - company: Яндекс
    title: 株式会社 Lead
    decided: 2026-09-03
    contact: {{name: Иван Петров, email: ivan@ya.example}}
    prep: 1 day
    notes: "{_NOTES}"
  - company: Café Zoë
    title: Chef, Pâtisserie
    decided: 2026-09-03
    contact: {{name: Zoë Núñez, phone: "+33 1 23 45"}}
"""


def _floor(config: Path, out: Path) -> bytes:
    subprocess.run([sys.executable, str(FLOOR), str(config), str(out)], check=True)
    return out.read_bytes()


def _build(runner: CliRunner, config: Path, out: Path) -> bytes:
    result = runner.invoke(main, ["build", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.parametrize("which", ["sample", "tricky"])
def test_floor_writes_runnerups_bytes(
    which: str, runner: CliRunner, write_config: WriteConfig, tmp_path: Path
) -> None:
    config = SAMPLE if which == "sample" else write_config(TRICKY)
    built = _build(runner, config, tmp_path / "runnerup.ics")
    floor = _floor(config, tmp_path / "floor.ics")
    assert floor == built
    if which == "tricky":  # the cases above are really there
        unfolded = built.replace(b"\r\n ", b"")
        assert b"%E2%80%A6" in unfolded  # the mailto link was cut
        assert b"\r\n \\" in built  # a fold before an escape's backslash
