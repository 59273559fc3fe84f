"""Bad input gets a clear, located error, and the previous .ics survives it (SPEC §6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from runnerup.cli import main
from runnerup.errors import ConfigError
from runnerup.source import MAX_BYTES
from runnerup.validate import parse_config

ROLE = """\
  - company: Acme Corp
    title: Senior Product Manager
    decided: 2026-09-03
    contact:
      name: Dana Whitfield
      phone: "+1 555 0100"
"""
HEAD = "calendar:\n  timezone: America/New_York\nroles:\n"


def cfg(roles: str = ROLE) -> str:
    return HEAD + roles


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdef", "bcdefg", strict=True)
)

# (config text, the first problem exactly as printed)
CASES: dict[str, tuple[str, str]] = {
    "yaml syntax": (
        cfg(ROLE + "  - company: [Globex\n"),
        "c.yaml:11:1: YAML syntax error: while parsing a flow sequence, did not find "
        "expected ',' or ']'",
    ),
    "tab indentation": (
        cfg("  - company: Acme\n\ttitle: X\n"),
        "c.yaml:5:1: YAML syntax error: while scanning a plain scalar, found a tab character "
        "that violates indentation",
    ),
    "duplicate key": (
        cfg(
            ROLE.replace(
                "title: Senior Product Manager\n",
                "title: Senior Product Manager\n    title: Product Lead\n",
            )
        ),
        "c.yaml:6:5: duplicate key 'title' (first at line 5); YAML would silently keep only "
        "the last one",
    ),
    "python tag": (
        cfg(ROLE + "    notes: !!python/object/apply:os.system ['echo pwned']\n"),
        "c.yaml:10:12: tag !!python/object/apply:os.system is not allowed: runnerup reads "
        "plain YAML (text, numbers, lists, mappings) only",
    ),
    "binary tag": (
        cfg(ROLE + "    notes: !!binary aGVsbG8=\n"),
        "c.yaml:10:12: tag !!binary is not allowed: runnerup reads plain YAML (text, "
        "numbers, lists, mappings) only",
    ),
    "unknown top key": (
        "calendar:\n  timezone: UTC\nrole:\n" + ROLE,
        "c.yaml:3:1: role: unknown key `role`; did you mean `roles`? (known: caldav, "
        "calendar, defaults, roles, templates)",
    ),
    "unknown role key": (
        cfg(ROLE.replace("company:", "compnay:")),
        "c.yaml:4:5: roles[0].compnay: unknown key `compnay`; did you mean `company`? "
        "(known: attempts, call_time, channel, company, contact, decided, duration, "
        "follow_up, follow_up_from, hired, holidays, id, log, notes, posting, prep, reminder, "
        "retry, started, status, talking_points, title, why_close, workdays)",
    ),
    "unknown defaults key": (
        "defaults:\n  folow_up: 30 days\nroles:\n" + ROLE,
        "c.yaml:2:3: defaults.folow_up: unknown key `folow_up`; did you mean `follow_up`? "
        "(known: attempts, call_time, channel, duration, follow_up, follow_up_from, holidays, "
        "prep, reminder, retry, talking_points, workdays)",
    ),
    "missing title": (
        cfg(ROLE.replace("    title: Senior Product Manager\n", "")),
        "c.yaml:4:5: roles[0].title: `title` is required",
    ),
    "missing contact name": (
        cfg(ROLE.replace("      name: Dana Whitfield\n", "")),
        "c.yaml:8:7: roles[0].contact.name: `name` is required",
    ),
    "missing roles": (
        "calendar:\n  timezone: UTC\n",
        "c.yaml:1:1: roles: `roles` is required: the list of roles you came second for",
    ),
    "impossible date": (
        cfg(ROLE.replace("2026-09-03", "2026-02-30")),
        "c.yaml:6:14: roles[0].decided: 2026-02-30 is not a real date (day is out of range "
        "for month)",
    ),
    "date format": (
        cfg(ROLE.replace("2026-09-03", "3 Sept 2026")),
        "c.yaml:6:14: roles[0].decided: expected a date as YYYY-MM-DD, found '3 Sept 2026'",
    ),
    "time zone typo": (
        "calendar:\n  timezone: America/New_Yrok\nroles:\n" + ROLE,
        "c.yaml:2:13: calendar.timezone: unknown time zone 'America/New_Yrok'; did you mean "
        "`America/New_York`? (expected an IANA name such as `Europe/Berlin`)",
    ),
    "contact time zone": (
        cfg(ROLE + "      timezone: Mars/Olympus\n"),
        "c.yaml:10:17: roles[0].contact.timezone: unknown time zone 'Mars/Olympus' (expected "
        "an IANA name such as `Europe/Berlin`)",
    ),
    "holiday country": (
        cfg(ROLE + "    holidays: XX\n"),
        "c.yaml:10:15: roles[0].holidays: unknown holiday country 'XX'; did you mean `XK`? "
        "(expected an ISO 3166 code such as `US`, `GB`, `DE`, or `US-CA` for a subdivision)",
    ),
    "holiday subdivision": (
        cfg(ROLE + "    holidays: US-ZZ\n"),
        "c.yaml:10:15: roles[0].holidays: unknown subdivision 'ZZ' of US (known: AK, AL, AR, "
        "AS, AZ, CA, CO, CT, DC, DE, FL, GA, …)",
    ),
    "no holidays written as no": (
        cfg(ROLE + "    holidays: no\n"),
        "c.yaml:10:15: roles[0].holidays: for no holidays write `none`, found 'no' (for Norway "
        "write `NO`)",
    ),
    "offset": (
        cfg(ROLE + "    follow_up: ninety days\n"),
        "c.yaml:10:16: roles[0].follow_up: expected an offset such as `90 days`, `3 months`, "
        "`1 month 2 weeks` or `P90D`, found 'ninety days'",
    ),
    "duration": (
        cfg(ROLE + "    duration: 20 mins please\n"),
        "c.yaml:10:15: roles[0].duration: expected a duration such as `20 minutes`, `1 hour`, "
        "`1 day` or `PT30M`, found '20 mins please'",
    ),
    "zero duration": (
        cfg(ROLE + "    duration: 0 minutes\n"),
        "c.yaml:10:15: roles[0].duration: expected a duration longer than zero, found '0 minutes'",
    ),
    "negative reminder": (
        cfg(ROLE + "    reminder: -5 minutes\n"),
        "c.yaml:10:15: roles[0].reminder: expected a duration such as `20 minutes`, `1 hour`, "
        "`1 day` or `PT30M`, or `none`; found '-5 minutes'",
    ),
    "call time": (
        cfg(ROLE + '    call_time: "25:00"\n'),
        "c.yaml:10:16: roles[0].call_time: expected a 24-hour time as HH:MM, such as "
        "\"10:00\", found '25:00'",
    ),
    "workdays": (
        cfg(ROLE + "    workdays: [mon, funday]\n"),
        "c.yaml:10:21: roles[0].workdays[1]: expected a day name (mon, tue, wed, thu, fri, "
        "sat, sun), found 'funday'",
    ),
    "duplicate ids": (
        cfg(ROLE + ROLE),
        "c.yaml:10:5: roles[1].id: duplicate role id "
        "`acme-corp-senior-product-manager-2026-09-03` (first at line 4); give one of them "
        "its own `id:`",
    ),
    "bad id": (
        cfg(ROLE + "    id: acme spm\n"),
        "c.yaml:10:9: roles[0].id: expected an id of letters, digits, `.`, `_` and `-` (at "
        "most 64), found 'acme spm'",
    ),
    "unknown placeholder": (
        cfg(ROLE + "    talking_points:\n      - Congratulate {compnay}\n"),
        "c.yaml:11:9: roles[0].talking_points[0]: unknown placeholder {compnay}; did you mean "
        "{company}? (known: {company}, {title}, {contact}, {contact_first}, {hired}, "
        "{decided}, {elapsed}, {why_close}, {last_contact}, {last_outcome}, {last_note}, "
        "{attempt})",
    ),
    "colon in a talking point": (
        cfg(ROLE + "    talking_points:\n      - Offer help: an intro\n"),
        "c.yaml:11:9: roles[0].talking_points[0]: expected a talking point (text), found a "
        "mapping (a `: ` inside unquoted text starts a mapping: put the text in quotes)",
    ),
    "roles not a list": (
        "roles:\n  company: Acme\n",
        "c.yaml:2:3: roles: expected a list of roles, found a mapping",
    ),
    "contact not a mapping": (
        cfg("  - company: Acme\n    title: PM\n    decided: 2026-09-03\n    contact: Dana\n"),
        "c.yaml:7:14: roles[0].contact: expected a mapping of keys, found 'Dana'",
    ),
    "status": (
        cfg(ROLE + "    status: maybe\n"),
        "c.yaml:10:13: roles[0].status: expected `open` or `closed`, found 'maybe'",
    ),
    "impossible at": (
        cfg(ROLE + "    follow_up:\n      - after: 90 days\n        at: 2026-13-01 10:00\n"),
        "c.yaml:12:13: roles[0].follow_up[0].at: 2026-13-01 10:00 is not a real date and "
        "time (month must be in 1..12)",
    ),
    "unknown touchpoint key": (
        cfg(ROLE + "    follow_up:\n      - after: 90 days\n        when: 2026-12-04 10:00\n"),
        "c.yaml:12:9: roles[0].follow_up[0].when: unknown key `when` (known: after, at)",
    ),
    "empty follow_up": (
        cfg(ROLE + "    follow_up: []\n"),
        "c.yaml:10:16: roles[0].follow_up: expected at least one touchpoint, found an empty list",
    ),
    "same offset twice": (
        cfg(ROLE + "    follow_up: [2 weeks, 14 days]\n"),
        "c.yaml:10:26: roles[0].follow_up[1]: two touchpoints at the same offset (14-day, "
        "first at line 10); each needs its own",
    ),
    "email": (
        cfg(ROLE + "      email: dana-at-acme\n"),
        "c.yaml:10:14: roles[0].contact.email: expected an email address, found 'dana-at-acme'",
    ),
    "script link": (
        cfg(ROLE + "    posting: javascript:alert(1)\n"),
        "c.yaml:10:14: roles[0].posting: expected a link starting with https:// or http://, "
        "found 'javascript:alert(1)'",
    ),
    "top-level scalar": (
        "just some text\n",
        "c.yaml:1:1: expected a mapping with `roles:` (or a list of roles), found 'just some text'",
    ),
    "alias bomb": (
        "a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB + "roles: [*g]\n",
        "c.yaml:5:4: aliases expand to too many values (is this an alias bomb?)",
    ),
    "recursive alias": (
        "roles: &r\n  - *r\n",
        "c.yaml:1:8: an alias refers to a value that contains it",
    ),
}


@pytest.mark.parametrize("text, first", CASES.values(), ids=CASES.keys())
def test_problem_is_located_and_explained(text: str, first: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode("utf-8"), "c.yaml")
    assert str(caught.value.problems[0]) == first


def test_not_utf8_names_the_byte_and_its_place() -> None:
    with pytest.raises(
        ConfigError,
        match=r"^c\.yaml:2:17: not UTF-8 text \(byte 0xe9\); "
        r"save the file as UTF-8$",
    ):
        parse_config(b"roles:\n  - company: Caf\xe9\n", "c.yaml")


def test_every_problem_is_reported_in_one_pass() -> None:
    text = cfg(
        ROLE.replace("2026-09-03", "2026-02-30")
        + "    status: maybe\n"
        + ROLE.replace("company:", "compnay:")
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode(), "c.yaml")
    assert [(p.line, p.path) for p in caught.value.problems] == [
        (6, "roles[0].decided"),
        (10, "roles[0].status"),
        (11, "roles[1].compnay"),
    ]


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = cfg(ROLE + f"    notes: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ConfigError):
        parse_config(text.encode(), "c.yaml")
    assert not marker.exists()


def test_oversized_file_is_refused_before_reading(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as out:
        out.truncate(MAX_BYTES + 1)  # sparse: the size is what is checked
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:1:1: file is {MAX_BYTES + 1:,} bytes; the most runnerup reads is "
        f"{MAX_BYTES:,}" in result.stderr
    )


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ConfigError, match=r"nested too deeply|YAML"):
        parse_config(b"roles: " + b"[" * 100_000, "c.yaml")


@pytest.mark.parametrize("text, first", CASES.values(), ids=CASES.keys())
def test_bad_config_leaves_previous_output_untouched(
    text: str, first: str, tmp_path: Path, runner: CliRunner
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(cfg(), encoding="utf-8")
    out = tmp_path / "c.ics"
    assert runner.invoke(main, ["build", str(config), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()

    config.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["build", str(config), "-o", str(out)])

    assert result.exit_code == 1
    assert first.replace("c.yaml", str(config), 1) in result.stderr
    assert type(result.exception) is SystemExit  # an error, not a crash
    assert result.stdout == ""
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.ics", "c.yaml"]
