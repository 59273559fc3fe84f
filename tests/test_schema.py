"""The JSON Schema: same keys as the loader, valid examples, and the same verdicts on
real and broken configs, checked with the `jsonschema` package (not our own code)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerup.cli import main
from runnerup.durations import OutOfRange, ValueProblem, parse_duration, parse_offset
from runnerup.errors import ConfigError
from runnerup.keys import KEYS
from runnerup.schema import config_schema, schema_text
from runnerup.source import Node, parse_yaml
from runnerup.starter import starter_config
from runnerup.validate import parse_config

from .conftest import MINIMAL, SAMPLE

SCHEMA = config_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def as_editor_sees_it(text: str) -> Any:
    """The YAML as JSON data under YAML 1.2's core schema, as yaml-language-server reads it:
    `90` is a number, `true` a boolean, but `2026-09-03` and `10:00` stay strings."""

    def convert(node: Node) -> Any:
        if node.kind == "null":
            return None
        if node.kind == "seq":
            return [convert(item) for item in node.items]
        if node.kind == "map":
            return {name: convert(value) for name, (_, value) in node.entries.items()}
        raw = node.text
        if node.quoted:
            return raw
        if re.fullmatch(r"true|True|TRUE", raw):
            return True
        if re.fullmatch(r"false|False|FALSE", raw):
            return False
        if re.fullmatch(r"[-+]?[0-9]+", raw):
            return int(raw)
        if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", raw):
            return float(raw)
        return raw

    return convert(parse_yaml(text.encode(), "x.yaml"))


def schema_errors(text: str) -> list[str]:
    """Where the schema finds fault, including inside `anyOf` branches."""

    def paths(errors: Any) -> list[str]:
        return [p for e in errors for p in [e.json_path, *paths(e.context)]]

    return paths(VALIDATOR.iter_errors(as_editor_sees_it(text)))


def loader_problems(text: str) -> list[str]:
    try:
        parse_config(text.encode(), "x.yaml", system_zone="UTC")
    except ConfigError as exc:
        return [f"{p.path}: {p.message}" for p in exc.problems]
    return []


def test_the_schema_is_valid_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_command_prints_it(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["schema"])
    assert (result.exit_code, result.stdout) == (0, schema_text())
    assert json.loads(result.stdout) == SCHEMA

    out = tmp_path / "runnerup.schema.json"
    written = runner.invoke(main, ["schema", "-o", str(out)])
    assert (written.exit_code, written.stdout) == (0, f"wrote {out}\n")
    assert out.read_text(encoding="utf-8") == schema_text()


def test_schema_o_replaces_only_a_schema(runner: CliRunner, tmp_path: Path) -> None:
    """Review finding: `runnerup schema -o runnerup.yaml` replaced the config with the
    schema, silently. An older schema is still refreshed; anything else is refused."""
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL, encoding="utf-8")
    other = tmp_path / "notes.json"
    other.write_text('{"a": 1}\n', encoding="utf-8")
    for target in (config, other):
        result = runner.invoke(main, ["schema", "-o", str(target)])
        assert (result.exit_code, result.stdout, result.stderr) == (
            1,
            "",
            f"error: {target}: exists and is not a JSON Schema; `runnerup schema -o` replaces "
            "only a schema, never other data (such as a config): name another file\n",
        )
    assert config.read_text(encoding="utf-8") == MINIMAL
    assert other.read_text(encoding="utf-8") == '{"a": 1}\n'
    old = tmp_path / "runnerup.schema.json"
    old.write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema"}', "utf-8")
    result = runner.invoke(main, ["schema", "-o", str(old)])
    assert (result.exit_code, old.read_text(encoding="utf-8")) == (0, schema_text())


# ----------------------------------------------------------------------- same keys

# Where each section lives in a config, and how to put an unknown key `zzz` there.
LOCATIONS = {
    "top": ("top", MINIMAL + "zzz: 1\n"),
    "calendar": ("calendar", MINIMAL.replace("  name: Test calendar\n", "  zzz: 1\n")),
    "defaults": ("defaults", MINIMAL + "defaults:\n  zzz: 1\n"),
    "role": ("role", MINIMAL + "    zzz: 1\n"),
    "contact": ("contact", MINIMAL + "      zzz: 1\n"),
    "caldav": ("caldav", MINIMAL + "caldav:\n  zzz: 1\n"),
    "touchpoint": (
        "touchpoint",
        MINIMAL + "    follow_up:\n      - after: 90 days\n        zzz: 1\n",
    ),
    "templates": ("templates", MINIMAL + "templates:\n  zzz: 1\n"),
    "log_entry": (
        "log_entry",
        MINIMAL + "    log:\n      - on: 2026-12-03\n        outcome: spoke\n        zzz: 1\n",
    ),
}


@pytest.mark.parametrize("section", sorted(LOCATIONS))
def test_every_key_the_loader_accepts_is_in_the_schema_and_back(section: str) -> None:
    """The loader's own "known:" list at each place equals the schema's properties there."""
    definition, text = LOCATIONS[section]
    problems = [p for p in loader_problems(text) if "unknown key `zzz`" in p]
    assert len(problems) == 1, problems
    known = re.search(r"\(known: (.*)\)$", problems[0])
    assert known is not None
    loader_keys = set(known[1].split(", "))
    assert set(SCHEMA["$defs"][definition]["properties"]) == loader_keys
    assert SCHEMA["$defs"][definition]["additionalProperties"] is False
    assert schema_errors(text)  # and the schema rejects the unknown key too


def test_every_key_has_a_description_and_an_example() -> None:
    for name, definition in SCHEMA["$defs"].items():
        for key, prop in definition.get("properties", {}).items():
            assert prop["description"].strip(), f"{name}.{key}"
            assert len(prop["examples"]) == 1, f"{name}.{key}"


BASE = """\
calendar:
  name: Test calendar
  timezone: America/New_York
roles:
  -
    company: Acme Corp
    title: Senior Product Manager
    decided: 2026-09-03
    contact:
      name: Dana Whitfield
      timezone: America/Chicago
"""


def _with_value(section: str, key: str, value: Any) -> str:
    """MINIMAL with `key: value` set in `section` (value written as JSON, which is YAML)."""
    line = f"{key}: {json.dumps(value)}"
    base = BASE
    if section == "top":
        roles = "roles:\n  - {company: A, title: B, decided: 2026-09-03, contact: {name: C}}\n"
        return line + "\n" + ("" if key == "roles" else roles)
    if section == "calendar":
        return (
            base.replace("calendar:\n", f"calendar:\n  {line}\n")
            .replace("  name: Test calendar\n", "" if key == "name" else "  name: Test calendar\n")
            .replace(
                "  timezone: America/New_York\n", "" if key == "timezone" else "  timezone: UTC\n"
            )
        )
    if section == "defaults":
        return base + f"defaults:\n  {line}\n"
    if section == "role":
        existing = re.compile(rf"^    {key}: .*\n", re.M)
        if key == "contact":
            base = re.sub(r"    contact:\n(      .*\n)*", "", base)
        return existing.sub("", base) + f"    {line}\n"
    if section == "contact":
        existing = re.compile(rf"^      {key}: .*\n", re.M)
        return existing.sub("", base).replace("    contact:\n", f"    contact:\n      {line}\n")
    if section == "caldav":
        return base + f"caldav:\n  {line}\n"
    if section == "templates":
        return base + f"templates:\n  {line}\n"
    if section == "log_entry":
        rest = {"on": "2026-12-03", "outcome": "spoke"}
        rest.pop(key, None)
        more = "".join(f"        {k}: {v}\n" for k, v in rest.items())
        return base + f"    log:\n      - {line}\n{more}"
    assert section == "touchpoint"
    after = "" if key == "after" else "        after: 90 days\n"
    return base + f"    follow_up:\n      - {line}\n{after}"


@pytest.mark.parametrize(
    ("section", "key"), [(section, k.name) for section, keys in KEYS.items() for k in keys]
)
def test_each_example_is_accepted_by_the_loader_and_the_schema(section: str, key: str) -> None:
    definition = SCHEMA["$defs"][section]
    (example,) = definition["properties"][key]["examples"]
    text = _with_value(section, key, example)
    assert loader_problems(text) == [], text
    assert schema_errors(text) == [], text


@pytest.mark.parametrize(
    ("section", "key"), [(section, k.name) for section, keys in KEYS.items() for k in keys]
)
def test_required_means_the_same_to_both(section: str, key: str) -> None:
    """An empty value counts as absent: required keys fail both, optional ones neither."""
    text = _with_value(section, key, None)
    required = key in SCHEMA["$defs"][section]["required"]
    assert bool(loader_problems(text)) is required, text
    assert bool(schema_errors(text)) is required, text


# ----------------------------------------------------------------------- whole configs


def test_the_sample_and_the_starter_validate() -> None:
    assert schema_errors(SAMPLE.read_text(encoding="utf-8")) == []
    assert schema_errors(starter_config("Europe/Berlin")) == []


GOOD = {
    "a bare list of roles": """\
        - company: Acme Corp
          title: PM
          decided: 2026-09-03
          contact: {name: Dana Whitfield}
        """,
    "follow_up as a scalar, a number, a mapping and a mixed list": """\
        defaults:
          follow_up: 1 month 2 weeks
        roles:
          - {company: A, title: B, decided: 2026-9-3, contact: {name: C}, follow_up: 90}
          - {company: A, title: C, decided: 2026-09-03, contact: {name: C},
             follow_up: {after: P3M, at: 2026-12-04 11:00}}
          - company: A
            title: D
            decided: 2026-09-03
            contact: {name: C}
            follow_up:
              - 30 days
              - after: 90 days, and 2 weeks
                at: 2027-01-12T09:00:30
              - 6 MONTHS
        """,
    "none for reminder and prep, unquoted times and empty values": """\
        calendar:
          name:
          timezone: Etc/GMT+5
        defaults:
          reminder: none
          prep: NONE
          call_time: 9:05
          holidays: none
          workdays: [Mon, tuesday, WED]
        roles:
          - company: A
            title: B
            decided: 2026-09-03
            contact: {name: C, email: c@example.com, linkedin: https://x.example/c}
            reminder: false
            prep: PT90M
            duration: 45
            notes:
            status: Closed
            id: 007
            talking_points: ["{{literal}} and {company}", 42]
        """,
    "the follow-up loop: a log, channels, retries, templates, started": """\
        defaults:
          channel: Email
          retry: 1 week
          attempts: 2
          follow_up_from: decided
        templates:
          subject: "{company}: checking in"
          email: "Hi {contact_first}, {attempt} try since {last_contact} ({last_outcome})."
        roles:
          - company: A
            title: B
            decided: 2026-09-03
            started: 2026-10-01
            contact: {name: C}
            channel: message
            log:
              - {on: 2026-12-02, outcome: no-answer}
              - {on: 2026-12-07, outcome: NOT-NOW, note: spring, next: 3 months}
              - on: 2026-12-08
                outcome: spoke
                next: 2027-01-12 09:30
              - {on: 2026-12-09, outcome: referred, next: 14}
              - {on: 2026-12-10, outcome: declined}
        """,
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_configs_pass_both(name: str) -> None:
    text = textwrap.dedent(GOOD[name])
    assert loader_problems(text) == []
    assert schema_errors(text) == []


BAD = {
    "unknown key": ("    compnay: Acme\n", "$.roles[0]"),
    "bad status": ("    status: done\n", "$.roles[0].status"),
    "bad offset": ("    follow_up: 90 dayz\n", "$.roles[0].follow_up"),
    "offset list item": ("    follow_up: [30 days, soon]\n", "$.roles[0].follow_up"),
    "empty cadence": ("    follow_up: []\n", "$.roles[0].follow_up"),
    "touchpoint without after": (
        "    follow_up: [{at: 2026-12-04 11:00}]\n",
        "$.roles[0].follow_up",
    ),
    "bad at": ("    follow_up: [{after: 90 days, at: next tuesday}]\n", "$.roles[0].follow_up"),
    "hour 25": ('    call_time: "25:00"\n', "$.roles[0].call_time"),
    "zero duration": ("    duration: 0 minutes\n", "$.roles[0].duration"),
    "zero prep": ("    prep: PT0M\n", "$.roles[0].prep"),
    "reminder words": ("    reminder: soon\n", "$.roles[0].reminder"),
    "bad workday": ("    workdays: [mon, funday]\n", "$.roles[0].workdays[1]"),
    "workdays not a list": ("    workdays: mon\n", "$.roles[0].workdays"),
    "unknown placeholder": ('    talking_points: ["Hi {nmae}"]\n', "$.roles[0].talking_points[0]"),
    "format spec": ('    talking_points: ["{company:>10}"]\n', "$.roles[0].talking_points[0]"),
    "lone brace": ('    talking_points: ["a } b"]\n', "$.roles[0].talking_points[0]"),
    "bad url": ("    posting: www.acme.example\n", "$.roles[0].posting"),
    "bad email": ("      email: dana\n", "$.roles[0].contact.email"),
    "bad id": ("    id: -acme\n", "$.roles[0].id"),
    "empty company": ('    company: ""\n', "$.roles[0].company"),
    "holidays lower case": ("    holidays: us\n", "$.roles[0].holidays"),
    "date with a time": ("    decided: 2026-09-03 10:00\n", "$.roles[0].decided"),
    "unknown outcome": ("    log: [{on: 2026-12-02, outcome: ghosted}]\n", "$.roles[0].log"),
    "log entry without on": ("    log: [{outcome: spoke}]\n", "$.roles[0].log[0]"),
    "log not a list": ("    log: spoke\n", "$.roles[0].log"),
    "bad next": ("    log: [{on: 2026-12-02, outcome: spoke, next: soon}]\n", "$.roles[0].log"),
    "unknown channel": ("    channel: fax\n", "$.roles[0].channel"),
    "zero retry": ("    retry: 0 days\n", "$.roles[0].retry"),
    "attempts 21": ("    attempts: 21\n", "$.roles[0].attempts"),
    "bad started": ("    started: soon\n", "$.roles[0].started"),
    "escape in notes": ('    notes: "a\\eb"\n', "$.roles[0].notes"),
    "bell in a talking point": ('    talking_points: ["a\\ab"]\n', "$.roles[0].talking_points[0]"),
    "non-character in hired": ('    hired: "a\\uFFFEb"\n', "$.roles[0].hired"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_configs_fail_both(name: str) -> None:
    line, where = BAD[name]
    lines = BASE.splitlines(keepends=True)
    key = line.strip().split(":")[0]
    if key in ("company", "decided"):  # replace the existing value
        lines = [x for x in lines if not x.startswith(f"    {key}:")]
    text = "".join(lines) + line
    assert loader_problems(text), text
    errors = schema_errors(text)
    assert errors, text
    assert any(e.startswith(where) for e in errors), errors


def test_no_roles_fails_both() -> None:
    text = "calendar:\n  timezone: UTC\n"
    assert loader_problems(text) == [
        "roles: `roles` is required: the list of roles you came second for"
    ]
    assert schema_errors(text)


# ----------------------------------------------------------------------- value grammars

OFFSET = SCHEMA["$defs"]["offset"]
DURATION = SCHEMA["$defs"]["defaults"]["properties"]["duration"]
WORDS = st.sampled_from(
    [
        "1",
        "90",
        "0",
        " ",
        ",",
        "and",
        "day",
        "days",
        "Weeks",
        "month",
        "years",
        "min",
        "mins",
        "minutes",
        "hour",
        "P",
        "T",
        "3M",
        "2W",
        "1D",
        "4H",
        "5S",
        "x",
        "PT",
        "dayss",
        "\t",
    ]
)


def _accepts(schema: dict[str, Any], value: str) -> bool:
    wrapper = {"$defs": SCHEMA["$defs"], **schema}
    return jsonschema.Draft202012Validator(wrapper).is_valid(value)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=5).map("".join))
def test_the_offset_pattern_agrees_with_the_parser(text: str) -> None:
    try:
        parse_offset(text)
        parsed = True
    except OutOfRange:  # the pattern checks the form; bounds are the validator's
        parsed = True
    except ValueProblem:
        parsed = False
    assert _accepts(OFFSET, text) is parsed, repr(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=5).map("".join))
def test_the_duration_pattern_agrees_with_the_parser(text: str) -> None:
    try:
        parsed = parse_duration(text, allow_bare=True).total_seconds() > 0
    except OutOfRange:  # the pattern checks the form; bounds are the validator's
        parsed = True
    except ValueProblem:
        parsed = False
    assert _accepts(DURATION, text) is parsed, repr(text)
