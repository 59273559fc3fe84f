"""docs/check.md shows real output: its example configs are checked and the outputs compared.

`python -m tests.test_check_docs` rewrites the output blocks after a deliberate change.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from runnerup.cli import main

from .conftest import ROOT

CHECK_MD = ROOT / "docs" / "check.md"
COMMAND = ["check", "runnerup.yaml", "work.yaml", "--today", "2026-07-01"]
_BLOCK = re.compile(r"^<!-- (example|output): ([^>]+?) -->\n```(\w+)\n(.*?)```$", re.M | re.S)


def rendered(text: str) -> str:
    """`text` with every output block replaced by what `runnerup check` prints for the
    example configs in it."""
    outputs: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind, name, _, body in _BLOCK.findall(text):
            if kind == "example":
                Path(folder, name).write_text(body, encoding="utf-8")
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            for fmt in ("text", "json", "github"):
                result = CliRunner().invoke(
                    main, [*COMMAND, "--format", fmt], env={"TZ": "UTC", "NO_COLOR": "1"}
                )
                assert result.exit_code == 1, result.output  # an error in the example
                assert not isinstance(result.exception, Exception), result.exception
                if fmt == "text":
                    outputs["text stderr"], outputs["text stdout"] = result.stderr, result.stdout
                else:
                    outputs[fmt] = result.stdout
        finally:
            os.chdir(cwd)

    def fill(match: re.Match[str]) -> str:
        kind, name, lang, body = match.groups()
        if kind == "output":
            body = outputs[name]
        return f"<!-- {kind}: {name} -->\n```{lang}\n{body}```"

    return _BLOCK.sub(fill, text)


def test_check_md_shows_real_output() -> None:
    text = CHECK_MD.read_text(encoding="utf-8")
    assert len(_BLOCK.findall(text)) == 6
    assert rendered(text) == text, (
        "docs/check.md is out of date: run `python -m tests.test_check_docs`"
    )


def test_the_example_shows_errors_and_warnings_together() -> None:
    text = CHECK_MD.read_text(encoding="utf-8")
    stderr = {n: b for k, n, _, b in _BLOCK.findall(text) if k == "output"}["text stderr"]
    assert ": warning: " in stderr
    assert any(": warning: " not in line for line in stderr.splitlines())


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    CHECK_MD.write_text(rendered(CHECK_MD.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
