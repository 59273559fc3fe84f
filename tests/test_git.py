"""Living in git: what `init` writes beside the config, the pre-commit hook, and the
formats `check` speaks to CI."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from runnerup.cli import main
from runnerup.schema import schema_text

from .conftest import MINIMAL, ROOT


def test_init_writes_the_modeline_and_the_schema_beside_the_config(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "notes" / "work.yaml"
    target.parent.mkdir()
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0
    schema = target.parent / "runnerup.schema.json"
    assert result.stdout == (
        f"wrote {target}; add your roles, then run `runnerup check {target}`\n"
        f"wrote {schema}: editors complete and check keys with it\n"
        "tip: `runnerup init --gitattributes` (or `*.ics -text` in .gitattributes) keeps "
        "git from rewriting the .ics line endings\n"
    )
    assert target.read_text().splitlines()[0] == (
        "# yaml-language-server: $schema=runnerup.schema.json"
    )
    assert schema.read_text() == schema_text()
    assert not (target.parent / ".gitattributes").exists()


def test_init_no_schema(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "runnerup.yaml"
    result = runner.invoke(main, ["init", str(target), "--no-schema", "--no-gitattributes"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"wrote {target}; add your roles, then run `runnerup check {target}`\n",
    )
    assert "yaml-language-server" not in target.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runnerup.yaml"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "*.ics -text\n"),
        ("* text=auto\n", "* text=auto\n*.ics -text\n"),
        ("* text=auto", "* text=auto\n*.ics -text\n"),
        ("*.ics binary\n", "*.ics binary\n"),
        ("\n*.ics   -text   # mine\n", "\n*.ics   -text   # mine\n"),
    ],
)
def test_init_gitattributes(
    runner: CliRunner, tmp_path: Path, before: str | None, after: str
) -> None:
    attributes = tmp_path / ".gitattributes"
    if before is not None:
        attributes.write_text(before)
    target = tmp_path / "runnerup.yaml"
    result = runner.invoke(main, ["init", str(target), "--no-schema", "--gitattributes"])
    assert result.exit_code == 0
    verb = "kept" if before and "*.ics" in before else "added"
    assert result.stdout.splitlines()[-1] == f"{verb} `*.ics -text` in {attributes}"
    assert attributes.read_text() == after


def test_gitattributes_in_this_repository_keeps_the_golden_files() -> None:
    lines = (ROOT / ".gitattributes").read_text().splitlines()
    assert "*.ics -text" in lines


# ----------------------------------------------------------------------- pre-commit


def test_the_pre_commit_hook_runs_check_on_runnerup_configs(
    runner: CliRunner, write_config
) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["runnerup-check"]
    hook = hooks[0]
    assert hook["language"] == "python"
    pyproject = (ROOT / "pyproject.toml").read_text()
    command, *args = shlex.split(hook["entry"])
    assert f'{command} = "runnerup.cli:main"' in pyproject
    files = re.compile(hook["files"])
    assert [bool(files.search(p)) for p in ("runnerup.yaml", "notes/runnerup.yml")] == [1, 1]
    assert not files.search("sample_config.yaml") and not files.search("myrunnerup.yaml")

    # pre-commit appends the staged file names to the entry
    good = write_config(MINIMAL, name="good.yaml")
    bad = write_config(MINIMAL.replace("decided: 2026-09-03", "decided: soon"), name="b.yaml")
    result = runner.invoke(main, [*args, str(good), str(bad), "--today", "2026-11-01"])
    assert result.exit_code == 1
    assert result.stdout == f"{good}: ok: 1 role, 1 call\n{bad}: 1 error, 0 warnings\n"
    assert result.stderr == (
        f"{bad}:7:14: roles[0].decided: expected a date as YYYY-MM-DD, found 'soon'\n"
    )


# ----------------------------------------------------------------------- check formats


def test_github_format_escapes_and_marks_warnings(runner: CliRunner, write_config) -> None:
    text = MINIMAL.replace('      phone: "+1 555 0100"\n', "").replace(
        "roles:",
        "roles:\n  - {company: A, title: B, decided: 2026-9-1, contact: x, "
        "talking_points: ['{x%}']}",
    )
    path = write_config(text, name="a,b:c.yaml")
    result = runner.invoke(main, ["check", str(path), "--format", "github"])
    assert result.exit_code == 1
    escaped = str(path).replace(",", "%2C").replace(":", "%3A")
    assert result.stdout == (
        f"::error file={escaped},line=5,col=56,title=runnerup%3A roles[0].contact::"
        "expected a mapping of keys, found 'x'\n"
        f"::error file={escaped},line=5,col=76,title=runnerup%3A roles[0].talking_points[0]::"
        "unknown placeholder {x%25} (known: {company}, {title}, {contact}, {contact_first}, "
        "{hired}, {decided}, {elapsed}, {why_close}, {last_contact}, {last_outcome}, "
        "{last_note}, {attempt})\n"
        # the valid role's warning, shown with the other role's errors (issue 8)
        f"::warning file={escaped},line=11,col=7,title=runnerup%3A roles[1].contact::"
        "Dana Whitfield has no phone or email: add one so the call is one tap away\n"
    )


def test_github_format_warnings_do_not_fail(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL.replace('      phone: "+1 555 0100"\n', ""))
    result = runner.invoke(
        main, ["check", str(path), "--format", "github", "--today", "2026-11-01"]
    )
    assert result.exit_code == 0
    assert result.stdout == (
        f"::warning file={path},line=10,col=7,title=runnerup%3A roles[0].contact::"
        "Dana Whitfield has no phone or email: add one so the call is one tap away\n"
    )


def test_json_format_for_a_missing_file_and_warnings(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL.replace('      phone: "+1 555 0100"\n', ""))
    missing = path.parent / "missing.yaml"
    result = runner.invoke(
        main, ["check", str(path), str(missing), "--format", "json", "--today", "2026-11-01"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["ok"], report["errors"], report["warnings"]) == (False, 1, 1)
    assert [f["ok"] for f in report["files"]] == [True, False]
    assert report["files"][0]["problems"][0]["severity"] == "warning"
    assert report["files"][1]["problems"] == [
        {
            "file": str(missing),
            "line": 1,
            "column": 1,
            "path": "",
            "message": "file not found; run `runnerup init` to create a starter config",
            "severity": "error",
        }
    ]
    assert result.stderr == ""
