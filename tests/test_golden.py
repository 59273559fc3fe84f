"""Golden files: the sample config's calendar, byte for byte.

Each file is named after the command line that makes it. After an intended change,
regenerate with `RUNNERUP_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` and read
the diff before committing it.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main

from .conftest import SAMPLE

GOLDEN = Path(__file__).parent / "golden"
RUNS = {
    "build sample_config.yaml": "build-sample_config.ics",
    "build sample_config.yaml --privacy busy": "build-sample_config-privacy-busy.ics",
}


@pytest.mark.parametrize("command, golden", RUNS.items(), ids=RUNS.keys())
def test_output_matches_golden(
    command: str, golden: str, tmp_path: Path, runner: CliRunner
) -> None:
    args = [str(SAMPLE) if a == "sample_config.yaml" else a for a in shlex.split(command)]
    out = tmp_path / "out.ics"
    result = runner.invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = GOLDEN / golden
    if os.environ.get("RUNNERUP_UPDATE_GOLDEN"):
        expected.write_bytes(out.read_bytes())
    assert out.read_bytes() == expected.read_bytes()
