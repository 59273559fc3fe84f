"""The command line through CliRunner: exact output, exact exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup import __version__
from runnerup.cli import main
from runnerup.validate import parse_config

from .conftest import MINIMAL, SAMPLE


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"runnerup, version {__version__}\n")


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_lists_the_commands(runner: CliRunner, flag: str) -> None:
    result = runner.invoke(main, [flag])
    assert result.exit_code == 0
    for command in ("init", "check", "build", "agenda"):
        assert f"\n  {command} " in result.stdout


def test_unknown_command_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["frob"])
    assert result.exit_code == 2
    assert "Error: No such command 'frob'." in result.stderr


def test_a_mistyped_command_gets_the_near_names_of_commands_not_yet_loaded(
    runner: CliRunner,
) -> None:
    """cli/ loads a command's module only when it runs; click's "did you mean" must
    still see every command (click 8.2 and later suggest; 8.1 never did)."""
    import click.exceptions

    result = runner.invoke(main, ["chek"])
    assert result.exit_code == 2
    if hasattr(click.exceptions, "NoSuchCommand"):
        assert "(Did you mean one of: 'check', 'schema'?)" in result.stderr


def test_bad_today_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["agenda", str(SAMPLE), "--today", "2026-13-01"])
    assert result.exit_code == 2
    assert "Invalid value for '--today'" in result.stderr


@pytest.mark.parametrize("zone", ["Etc/UTC", "Europe/Berlin", "America/Argentina/ComodRivadavia"])
def test_the_starters_comments_line_up_whatever_the_zone(zone: str) -> None:
    """Review finding: the zone's comment sat at a column that depended on its length."""
    from runnerup.starter import starter_config

    lines = starter_config(zone).splitlines()
    (line,) = [x for x in lines if x.startswith("  timezone:")]
    follow_up = next(x for x in lines if x.startswith("  follow_up:"))
    assert line.startswith(f"  timezone: {zone} ")
    assert line.index(" # ") + 1 == follow_up.index("#") or len(zone) >= 21
    assert line.endswith(" # your IANA time zone")
    assert parse_config(starter_config(zone).encode(), "runnerup.yaml").timezone == zone


def test_init_then_check_then_build(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TZ", "Europe/Berlin")
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0
    assert result.stdout.startswith("wrote runnerup.yaml;")
    text = (tmp_path / "runnerup.yaml").read_text()
    assert "  timezone: Europe/Berlin" in text
    parse_config(text.encode(), "runnerup.yaml")  # the starter is valid as written

    again = runner.invoke(main, ["init"])
    assert again.exit_code == 2
    assert "runnerup.yaml already exists; pass --force to overwrite it" in again.stderr
    assert runner.invoke(main, ["init", "--force"]).exit_code == 0

    check = runner.invoke(main, ["check"])
    assert check.exit_code == 0
    assert check.stdout == "runnerup.yaml: ok: 0 roles, 0 calls, 1 warning\n"

    build = runner.invoke(main, ["build"])
    assert build.exit_code == 0
    assert (tmp_path / "runnerup.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_missing_config_says_how_to_start(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stderr == (
        "runnerup.yaml:1:1: file not found; run `runnerup init` to "
        "create a starter config\n1 error; nothing was written\n"
    )


def test_runnerup_config_names_the_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_config
) -> None:
    path = write_config(MINIMAL, name="jobs.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUNNERUP_CONFIG", str(path))
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0
    assert result.stdout == f"wrote {tmp_path / 'jobs.ics'}: 1 event (1 new)\n"
    assert runner.invoke(main, ["check"]).stdout == f"{path}: ok: 1 role, 1 call\n"


def test_build_to_stdout_keeps_stdout_clean(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL)
    result = runner.invoke(main, ["build", str(path), "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert result.stdout_bytes.endswith(b"END:VCALENDAR\r\n")
    assert result.stderr == "wrote stdout: 1 event (1 new)\n"
    assert not (path.parent / "runnerup.ics").exists()


def test_check_reports_errors_and_exits_1(runner: CliRunner, write_config) -> None:
    path = write_config(
        MINIMAL.replace("decided: 2026-09-03", "decided: 2026-02-30").replace(
            "timezone: America/Chicago", "timezone: America/Chicgo"
        )
    )
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:7:14: roles[0].decided: 2026-02-30 is not a real date (day is out of range "
        "for month)\n"
        f"{path}:12:17: roles[0].contact.timezone: unknown time zone 'America/Chicgo'; did "
        "you mean `America/Chicago`? (expected an IANA name such as `Europe/Berlin`)\n"
    )
    assert result.stdout == f"{path}: 2 errors, 0 warnings\n"


def test_agenda_on_a_bad_config_says_how_many_errors(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL.replace("decided: 2026-09-03", "decided: 2026-02-30"))
    result = runner.invoke(main, ["agenda", str(path)])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        ":7:14: roles[0].decided: 2026-02-30 is not a real date (day "
        "is out of range for month)\n1 error\n"
    )


def test_check_warnings(runner: CliRunner, write_config) -> None:
    text = MINIMAL.replace('      phone: "+1 555 0100"\n', "").replace(
        "calendar:\n  name: Test calendar\n  timezone: America/New_York\n", ""
    )
    path = write_config(text)
    result = runner.invoke(main, ["check", str(path), "--today", "2026-12-10"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{path}:1:1: calendar.timezone: warning: no `timezone` set; using this machine's "
        "zone, America/New_York",
        f"{path}:2:5: roles[0].follow_up: warning: the 90-day call with Dana Whitfield "
        "(2026-12-02 10:00 America/Chicago) is already past: close the role (`runnerup "
        f"close acme-spm -c {path}`) or pin a new time (`runnerup pin acme-spm WHEN --after "
        f"'90 days' -c {path}`)",
        f"{path}:7:7: roles[0].contact: warning: Dana Whitfield has no phone or email: add "
        "one so the call is one tap away",
    ]
    future = runner.invoke(main, ["check", str(path), "--today", "2026-09-01"])
    assert (
        f"{path}:4:14: roles[0].decided: warning: `decided` (2026-09-03) is in the future"
        in future.stderr
    )


def test_check_json_is_stable(runner: CliRunner, write_config) -> None:
    good = write_config(MINIMAL, name="good.yaml")
    bad = write_config(MINIMAL.replace("company: Acme Corp", "compnay: Acme Corp"), name="bad.yaml")
    result = runner.invoke(
        main, ["check", str(good), str(bad), "--format", "json", "--today", "2026-11-01"]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "errors": 1,
        "warnings": 0,
        "files": [
            {"file": str(good), "ok": True, "roles": 1, "calls": 1, "problems": []},
            {
                "file": str(bad),
                "ok": False,
                "roles": 0,
                "calls": 0,
                "problems": [
                    {
                        "file": str(bad),
                        "line": 5,
                        "column": 5,
                        "path": "roles[0].compnay",
                        "message": "unknown key `compnay`; did you mean `company`? (known: "
                        "attempts, call_time, channel, company, contact, decided, duration, "
                        "follow_up, follow_up_from, hired, holidays, id, log, notes, posting, "
                        "prep, reminder, retry, started, status, talking_points, title, "
                        "why_close, workdays)",
                        "severity": "error",
                    }
                ],
            },
        ],
    }


def test_check_github_annotations(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL.replace('phone: "+1 555 0100"', "phone: [1, 2]"))
    result = runner.invoke(main, ["check", str(path), "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file={path},line=11,col=14,title=runnerup%3A roles[0].contact.phone::"
        "expected text, found a list\n"
    )


def test_agenda_text(runner: CliRunner) -> None:
    result = runner.invoke(main, ["agenda", str(SAMPLE), "--today", "2026-11-29"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "OVERDUE 19 days  Tue 2026-11-10 16:30  Call Mei Tanaka — Koala Robotics (30-day "
        "follow-up)  [mei@koala.example]",
        "                 log it: runnerup log koala-robotics-engineering-manager-2026-10-12 "
        f"no-answer -c {SAMPLE} (or spoke)",
        "in 3 days        Wed 2026-12-02 11:00  Call Dana Whitfield — Acme Corp (90-day "
        "follow-up)  [+1 555 0100]",
        "in 8 days        Mon 2026-12-07 10:00  Call Priya Raman — Northwind Analytics "
        "(90-day follow-up)  [priya.raman@northwind.example]",
        "in 29 days       Mon 2026-12-28 13:00  Call Marcus Bell — Globex Health (90-day "
        "follow-up)  [+1 555 0199]",
        "in 43 days       Mon 2027-01-11 17:00  Call Mei Tanaka — Koala Robotics (90-day "
        "follow-up)  [mei@koala.example]",
    ]


def test_agenda_json_and_all(runner: CliRunner) -> None:
    result = runner.invoke(main, ["agenda", str(SAMPLE), "--today", "2026-11-29", "--json"])
    items = json.loads(result.stdout)
    assert [(i["role"], i["days_left"], i["overdue"]) for i in items] == [
        ("koala-robotics-engineering-manager-2026-10-12", -19, True),
        ("acme-spm", 3, False),
        ("northwind-analytics-head-of-data-platform-2026-09-06", 8, False),
        ("globex-health-staff-engineer-payments-2026-09-26", 29, False),
        ("koala-robotics-engineering-manager-2026-10-12", 43, False),
    ]
    assert items[1]["start"] == "2026-12-02T16:00:00Z"
    assert items[1]["contact_time"] == "2026-12-02T10:00:00-06:00"
    everything = runner.invoke(
        main, ["agenda", str(SAMPLE), "--today", "2026-11-29", "--json", "--all"]
    )
    assert len(json.loads(everything.stdout)) == 6


def test_no_traceback_for_an_unreadable_config(tmp_path: Path) -> None:
    # CliRunner keeps an exception in `result.exception` (it never prints a traceback),
    # so that is what tells a usage error (SystemExit 2) from a crash
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 2  # a folder is not a config: click says so
    assert type(result.exception) is SystemExit
    assert "is a directory" in result.stderr


def test_colour_only_on_a_terminal_and_never_with_no_color(
    runner: CliRunner, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(MINIMAL.replace("decided: 2026-09-03", "decided: 2026-02-30"))
    plain = runner.invoke(main, ["check", str(path)])
    assert "\x1b[" not in plain.stderr
    coloured = runner.invoke(main, ["check", str(path)], color=True)
    assert "\x1b[31m" in coloured.stderr
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in runner.invoke(main, ["check", str(path)], color=True).stderr
