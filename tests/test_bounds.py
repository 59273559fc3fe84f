"""Hostile input at the edges is a located error, never a traceback or a hang (issue 8, §4).

Numbers and dates out of a calendar's range, deep nesting, large alias-free files, URLs
with control characters, ids of non-Latin text and SOURCE_DATE_EPOCH's spellings.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.build import build_now
from runnerup.cli import main
from runnerup.errors import ConfigError, OutputError
from runnerup.validate import derive_id, parse_config

ROLE = """\
calendar:
  timezone: America/New_York
roles:
  - company: Acme Corp
    title: Senior Product Manager
    decided: {decided}
    contact:
      name: Dana Whitfield
      phone: "+1 555 0100"
      timezone: Australia/Sydney
"""


def cfg(extra: str = "", decided: str = "2026-09-03") -> str:
    return ROLE.format(decided=decided) + extra


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode("utf-8"), "c.yaml", system_zone="UTC")
    return [str(p) for p in caught.value.problems]


OFFSET_100Y = "expected an offset of at most 100 years, found"
OUT_OF_RANGE: dict[str, tuple[str, str]] = {
    "3000000 days": (
        cfg("    follow_up: 3000000 days\n"),
        f"c.yaml:11:16: roles[0].follow_up: {OFFSET_100Y} '3000000 days'",
    ),
    "P99999999999D": (
        cfg("    follow_up: P99999999999D\n"),
        f"c.yaml:11:16: roles[0].follow_up: {OFFSET_100Y} 'P99999999999D'",
    ),
    "9000 years": (
        cfg("    follow_up: [30 days, {after: 9000 years}]\n"),
        f"c.yaml:11:34: roles[0].follow_up[1].after: {OFFSET_100Y} '9000 years'",
    ),
    "100 years 1 day": (
        cfg("    follow_up: 100 years 1 day\n"),
        f"c.yaml:11:16: roles[0].follow_up: {OFFSET_100Y} '100 years 1 day'",
    ),
    "5000 digits": (
        cfg("    follow_up: " + "9" * 5000 + "\n"),
        f"c.yaml:11:16: roles[0].follow_up: {OFFSET_100Y} '{'9' * 37}...'",
    ),
    "duration weeks": (
        cfg("    duration: 99999999999 weeks\n"),
        "c.yaml:11:15: roles[0].duration: expected a duration of at most 1 day, "
        "found '99999999999 weeks'",
    ),
    "duration iso": (
        cfg("    duration: PT25H\n"),
        "c.yaml:11:15: roles[0].duration: expected a duration of at most 1 day, found 'PT25H'",
    ),
    "reminder": (
        cfg("    reminder: 99999999999 weeks\n"),
        "c.yaml:11:15: roles[0].reminder: expected a duration of at most 28 days, or `none`; "
        "found '99999999999 weeks'",
    ),
    "prep in defaults": (
        "defaults:\n  prep: P99999999999W\n" + cfg(),
        "c.yaml:2:9: defaults.prep: expected a duration of at most 28 days, or `none`; "
        "found 'P99999999999W'",
    ),
    "decided 9999": (
        cfg(decided="9999-12-01"),
        "c.yaml:6:14: roles[0].decided: 9999-12-01 is outside the dates runnerup reads "
        "(1900-01-01 to 2199-12-31)",
    ),
    "decided 0001 with prep": (
        cfg("    prep: 1 day\n", decided="0001-01-01"),
        "c.yaml:6:14: roles[0].decided: 0001-01-01 is outside the dates runnerup reads "
        "(1900-01-01 to 2199-12-31)",
    ),
    "at 0001 in Sydney": (
        cfg('    follow_up: [{after: 1 day, at: "0001-01-01 05:00"}]\n'),
        "c.yaml:11:36: roles[0].follow_up[0].at: 0001-01-01 is outside the dates runnerup "
        "reads (1900-01-01 to 2199-12-31)",
    ),
    "at 9999": (
        cfg('    follow_up: [{after: 1 day, at: "9999-12-31 23:00"}]\n'),
        "c.yaml:11:36: roles[0].follow_up[0].at: 9999-12-31 is outside the dates runnerup "
        "reads (1900-01-01 to 2199-12-31)",
    ),
    "non-ASCII digits": (
        cfg("    follow_up: ٩٠ days\n"),
        "c.yaml:11:16: roles[0].follow_up: expected an offset such as `90 days`, `3 months`, "
        "`1 month 2 weeks` or `P90D`, found '٩٠ days'",
    ),
}


@pytest.mark.parametrize("text, expected", OUT_OF_RANGE.values(), ids=OUT_OF_RANGE.keys())
def test_out_of_range_is_a_located_error(text: str, expected: str) -> None:
    assert problems(text) == [expected]


@pytest.mark.parametrize(
    "extra, decided",
    [
        ("    follow_up: 100 years\n    prep: 28 days\n    reminder: 4 weeks\n", "2199-12-31"),
        ("    follow_up: 1200 months\n    duration: 1 day\n", "2199-12-31"),
        ("    follow_up: 36525\n", "2199-12-31"),
        ('    prep: P4W\n    follow_up: [{after: 0 days, at: "1900-01-01 00:00"}]\n', "1900-01-01"),
    ],
)
def test_the_bounds_themselves_build(
    extra: str, decided: str, tmp_path: Path, runner: CliRunner
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(cfg(extra, decided), encoding="utf-8")
    result = runner.invoke(main, ["build", str(config), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert result.stdout.count("BEGIN:VEVENT") >= 1


@pytest.mark.parametrize("command", ["check", "agenda"])
@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_today_out_of_range_is_a_usage_error(
    command: str, day: str, tmp_path: Path, runner: CliRunner
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(cfg(), encoding="utf-8")
    result = runner.invoke(main, [command, str(config), "--today", day])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: Invalid value for '--today': {day} is outside the dates runnerup reads "
        "(1900-01-01 to 2199-12-31)\n"
    )


def test_pin_refuses_what_build_would_reject(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(cfg(), encoding="utf-8")
    before = config.read_bytes()
    result = runner.invoke(
        main,
        [
            "pin",
            "-c",
            str(config),
            "acme-corp-senior-product-manager-2026-09-03",
            "9999-12-31 23:00",
            "--today",
            "2026-09-04",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the edit would leave {config} invalid, so nothing was written:\n"
        f"  {config}:11:37: roles[0].follow_up.at: 9999-12-31 is outside the dates "
        "runnerup reads (1900-01-01 to 2199-12-31)\n"
    )
    assert config.read_bytes() == before
    assert runner.invoke(main, ["build", str(config), "-o", "-"]).exit_code == 0


def test_add_refuses_a_decided_date_out_of_range(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(cfg(), encoding="utf-8")
    result = runner.invoke(
        main,
        [
            "add",
            "-c",
            str(config),
            "--company",
            "X",
            "--title",
            "Y",
            "--contact",
            "Z",
            "--decided",
            "9999-12-01",
        ],
    )
    assert result.exit_code == 2
    assert "'--decided': 9999-12-01 is outside the dates runnerup reads" in result.stderr


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("depth", [65, 500, 990])
def test_deep_nesting_is_located(depth: int) -> None:
    flow = "roles: " + "[" * depth + "]" * depth + "\n"
    assert problems(flow) == [
        "c.yaml:1:9: roles[0]: expected a mapping of keys, found a list",
        "c.yaml:1:71: nested too deeply: more than 64 levels of lists and mappings",
    ]
    block = "roles:\n" + "".join("  " * i + "- \n" for i in range(depth))
    assert problems(block) == [
        "c.yaml:3:3: roles[0]: expected a mapping of keys, found a list",
        "c.yaml:65:127: nested too deeply: more than 64 levels of lists and mappings",
    ]


def test_a_value_used_again_must_fit_where_it_is_used() -> None:
    text = "a: &a " + "[" * 40 + "]" * 40 + "\nroles: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    assert problems(text) == [
        "c.yaml:1:1: a: unknown key `a` (known: caldav, calendar, defaults, roles, templates)",
        "c.yaml:1:4: nested too deeply where an alias uses this value: more than 64 levels "
        "of lists and mappings",
        "c.yaml:2:9: roles[0]: expected a mapping of keys, found a list",
    ]


def test_a_bomb_in_a_large_file_is_refused() -> None:
    roles = "".join(
        f"  - {{company: C{i}, title: T, decided: 2026-09-03, contact: {{name: D, phone: '1'}}}}\n"
        for i in range(20_000)
    )
    bomb = "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefghi", "bcdefghij", strict=True)
    )
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n" + bomb + "roles:\n" + roles + "  - *j\n"
    assert problems(text) == [
        "c.yaml:5:4: aliases expand to too many values (is this an alias bomb?)"
    ]


def test_a_large_one_line_json_config_is_no_alias_bomb() -> None:
    roles = [
        {
            "company": f"Company {i}",
            "title": "Product Manager",
            "decided": "2026-09-03",
            "contact": {"name": "Dana Whitfield", "phone": "+1 555 0100"},
            "notes": "x" * 40,
        }
        for i in range(10_000)
    ]
    data = json.dumps({"calendar": {"timezone": "UTC"}, "roles": roles}).encode()
    assert len(data) > 1_000_000 and data.count(b"\n") == 0
    assert len(parse_config(data, "big.json").roles) == 10_000


def test_merges_in_every_role_are_no_alias_bomb() -> None:
    defaults = "x: &d {call_time: '09:00', duration: 30 minutes, reminder: 1 hour}\n"
    role = (
        "  - {<<: *d, company: C%d, title: T, decided: 2026-09-03, "
        "contact: {name: D, phone: '1'}}\n"
    )
    text = defaults + "roles:\n" + "".join(role % i for i in range(5_000))
    with pytest.raises(ConfigError, match="unknown key `x`"):  # merges fine; `x` is not a key
        parse_config(text.encode(), "c.yaml")


def test_an_alias_bomb_is_still_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    assert problems(bomb + "roles: [*i]\n") == [
        "c.yaml:5:4: aliases expand to too many values (is this an alias bomb?)"
    ]


# --------------------------------------------------------------------------- every problem


def test_a_duplicate_key_hides_no_other_error() -> None:
    text = cfg("    status: maybe\n    title: Again\n", decided="2026-02-30")
    assert problems(text) == [
        "c.yaml:6:14: roles[0].decided: 2026-02-30 is not a real date (day is out of range "
        "for month)",
        "c.yaml:11:13: roles[0].status: expected `open` or `closed`, found 'maybe'",
        "c.yaml:12:5: duplicate key 'title' (first at line 5); YAML would silently keep only "
        "the last one",
    ]


def test_check_shows_errors_and_warnings_together(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "c.yaml"
    text = cfg(
        "  - company: Globex\n    title: Head of Product\n    decided: 2026-10-01\n"
        "    contact: {name: Priya Raman}\n    compnay: Globex\n",
    )
    config.write_text(text.replace("phone:", "email: x", 1), encoding="utf-8")
    result = runner.invoke(main, ["check", str(config), "--today", "2026-10-02"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{config}:9:14: roles[0].contact.email: expected an email address, "
        "found 'x \"+1 555 0100\"'",
        f"{config}:14:14: roles[1].contact: warning: Priya Raman has no phone or email: add "
        "one so the call is one tap away",
        f"{config}:15:5: roles[1].compnay: unknown key `compnay`; did you mean `company`? "
        "(known: attempts, call_time, channel, company, contact, decided, duration, "
        "follow_up, follow_up_from, hired, holidays, id, log, notes, posting, prep, reminder, "
        "retry, started, status, talking_points, title, why_close, workdays)",
    ]
    assert result.stdout == f"{config}: 2 errors, 1 warning\n"


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "key, value, message",
    [
        (
            "posting",
            '"https://acme.example/jobs/1\\r\\nBEGIN:VEVENT"',
            "a link cannot contain spaces or control characters (U+000D at character 28); "
            "percent-encode it (a space is %20) or remove it, found "
            "'https://acme.example/jobs/1\\r\\nBEGIN:VE...'",
        ),
        (
            "posting",
            '"https://acme.example/\\x07"',
            "a link cannot contain spaces or control characters (U+0007 at character 22); "
            "percent-encode it (a space is %20) or remove it, found 'https://acme.example/\\x07'",
        ),
        (
            "posting",
            '"https://acme.example/\\u202Etxt.exe"',
            "a link cannot contain spaces or control characters (U+202E at character 22); "
            "percent-encode it (a space is %20) or remove it, found "
            "'https://acme.example/\\u202etxt.exe'",
        ),
        (
            "posting",
            "https://[::1/jobs",
            "cannot read the link (Invalid IPv6 URL), found 'https://[::1/jobs'",
        ),
        (
            "posting",
            "https://:443/jobs",
            "expected a link with a host name, such as https://example.com/, "
            "found 'https://:443/jobs'",
        ),
        (
            "posting",
            "mailto:jobs@acme.example",
            "expected a link starting with https:// or http://, found 'mailto:jobs@acme.example'",
        ),
    ],
)
def test_urls_with_control_characters_are_refused(key: str, value: str, message: str) -> None:
    assert problems(cfg(f"    {key}: {value}\n")) == [f"c.yaml:11:14: roles[0].{key}: {message}"]


def test_linkedin_with_a_tab_is_refused() -> None:
    text = cfg().replace(
        '      phone: "+1 555 0100"\n', '      linkedin: "https://x.example/\\tin"\n'
    )
    assert problems(text) == [
        "c.yaml:9:17: roles[0].contact.linkedin: a link cannot contain spaces or control "
        "characters (U+0009 at character 19); percent-encode it (a space is %20) or remove "
        "it, found 'https://x.example/\\tin'"
    ]


def test_good_urls_are_kept_as_written() -> None:
    text = cfg("    posting: HTTPS://Acme.example/jobs/123?ref=a,b;c#top\n")
    (role,) = parse_config(text.encode(), "c.yaml").roles
    assert role.posting == "HTTPS://Acme.example/jobs/123?ref=a,b;c#top"


# --------------------------------------------------------------------------- derived ids

DAY = date(2026, 9, 3)


@pytest.mark.parametrize(
    "company, title, expected",
    [
        ("Acme Corp", "Senior Product Manager", "acme-corp-senior-product-manager-2026-09-03"),
        ("Société Générale", "Ørsted Analyst", "soci-t-g-n-rale-rsted-analyst-2026-09-03"),
        ("Straße AG", "Leiter", "stra-e-ag-leiter-2026-09-03"),
        ("!!!", "???", "role-2026-09-03"),
        ("A" * 60, "B", "a" * 48 + "-2026-09-03"),
    ],
)
def test_latin_ids_do_not_change(company: str, title: str, expected: str) -> None:
    assert derive_id(company, title, DAY) == expected


def test_non_latin_ids_are_distinct_stable_and_short() -> None:
    ids = {
        derive_id(company, title, DAY)
        for company, title in [
            ("Яндекс", "Менеджер продукта"),
            ("Сбер", "Менеджер продукта"),
            ("株式会社ABC", "PM"),
            ("株式会社XYZ", "PM"),
            ("Ελληνική", "Product Manager"),
            ("Ελβετική", "Product Manager"),
            ("Ｘ" * 40 + "Яндекс", "PM"),
        ]
    }
    assert len(ids) == 7
    assert derive_id("Яндекс", "Менеджер продукта", DAY) == "role-b777272b-2026-09-03"
    assert derive_id("Ελληνική", "Product Manager", DAY) == "product-manager-27205046-2026-09-03"
    assert all(len(i) <= 64 for i in ids)


def test_two_non_latin_roles_on_one_day_build(tmp_path: Path, runner: CliRunner) -> None:
    role = (
        "  - {company: %s, title: Менеджер, decided: 2026-09-03, contact: {name: Д, phone: '1'}}\n"
    )
    config = tmp_path / "c.yaml"
    text = "calendar: {timezone: Europe/Moscow}\nroles:\n" + role % "Яндекс" + role % "Сбер"
    config.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["build", str(config), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("BEGIN:VEVENT") == 2


# --------------------------------------------------------------------------- SOURCE_DATE_EPOCH


@pytest.mark.parametrize(
    "value", ["1_700_000_000", "١٧٠٠٠٠٠٠٠٠", "+1700000000", "-5", "1.5", "7258118400", "9" * 40]
)
def test_source_date_epoch_takes_ascii_digits_in_range_only(value: str) -> None:
    with pytest.raises(OutputError) as caught:
        build_now({"SOURCE_DATE_EPOCH": value})
    assert str(caught.value) == (
        "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 in ASCII digits, "
        f"at most 7258118399 (the end of 2199-12-31), found {value!r}"
    )


@pytest.mark.parametrize("value, year", [("0", 1970), ("1700000000\n", 2023), ("7258118399", 2199)])
def test_source_date_epoch_in_range(value: str, year: int) -> None:
    assert build_now({"SOURCE_DATE_EPOCH": value}).year == year


def test_a_bad_source_date_epoch_is_one_line_exit_1(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(cfg(), encoding="utf-8")
    result = runner.invoke(main, ["build", str(config)], env={"SOURCE_DATE_EPOCH": "1_700_000_000"})
    assert result.exit_code == 1
    assert result.stderr.startswith("error: SOURCE_DATE_EPOCH must be")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "c.ics").exists()
