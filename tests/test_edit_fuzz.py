"""Property tests for `add`, `close` and `pin`: any text, any config in any style.

Random values (control characters, quotes, line separators, YAML indicators) are added
to the test configs written with each line break YAML knows. Every edit must either be
refused with a reason, or give a file that parses to exactly the intended change: the
new value as given, every other value and every comment as it was. The expectation is
computed here from the parsed files, independently of edit/ops.py's own checks.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runnerup.edit.ops import NewRole, add_role, close_role, pin_role
from runnerup.edit.text import EditError
from runnerup.source import parse_yaml
from runnerup.validate import parse_config

from .conftest import SAMPLE
from .test_edit import BASE, EMPTY_AND_MERGED, HEAVY, SHARED

FIXTURES = {
    "heavy": HEAVY,
    "base": BASE,
    "sample": SAMPLE.read_text(encoding="utf-8"),
    "merged": EMPTY_AND_MERGED,
    "shared": SHARED,
    "flow": "roles: [{company: A, title: B, decided: 2026-09-03, contact: {name: C},},\n]\n",
    "bare": "# a bare list\n-   company: A\n    title: B\n    decided: 2026-09-03\n"
    "    contact: {name: C}   # flow contact\n    notes: >-\n      folded\n      text\n",
}
NEWLINES = ["\n", "\r\n", "\r"]
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text_values = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
friendly = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
values = st.one_of(
    text_values,
    friendly,
    st.sampled_from(["no", "null", "~", "- x", "a: b", "#c", "*x", "&y", "!z", "'q", '"q', "1"]),
)


def plain(text: str) -> object:
    """What a file means, aliases and merges expanded."""

    def walk(node):  # type: ignore[no-untyped-def]
        if node.kind == "map":
            return {k: walk(v) for k, (_, v) in node.entries.items()}
        if node.kind == "seq":
            return [walk(i) for i in node.items]
        return node.text if node.kind == "scalar" else None

    return walk(parse_yaml(text.encode(), "f"))


def roles_of(data: object) -> list:  # type: ignore[type-arg]
    return data["roles"] if isinstance(data, dict) else data  # type: ignore[return-value]


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def refused_for_a_reason(exc: EditError) -> None:
    """A refusal names a reason; edit/ops.py's own safety net must never be what caught it."""
    assert "please report" not in str(exc)


def check_rest(before: str, after: str, index: int | None, keys: set[str]) -> None:
    """Everything but role `index`'s `keys` (or, for an added role, the new last role)
    means what it meant, and every comment is still there."""
    old, new = plain(before), plain(after)
    old_roles, new_roles = list(roles_of(old)), list(roles_of(new))
    if index is None:
        new_roles = new_roles[:-1]
    else:
        for roles in (old_roles, new_roles):
            roles[index] = {k: v for k, v in roles[index].items() if k not in keys}
    assert new_roles == old_roles
    if isinstance(old, dict):
        assert {k: v for k, v in new.items() if k != "roles"} == {  # type: ignore[union-attr]
            k: v for k, v in old.items() if k != "roles"
        }
    remaining = iter(comments(after))  # every comment kept, in order (a note may add "#")
    assert all(any(line == kept for kept in remaining) for line in comments(before))


@FAST
@given(
    st.sampled_from(sorted(FIXTURES)),
    st.sampled_from(NEWLINES),
    st.lists(values, min_size=4, max_size=4),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
def test_add_gives_exactly_the_new_role(
    fixture: str, newline: str, texts: list[str], decided: date
) -> None:
    text = FIXTURES[fixture].replace("\n", newline)
    company, title, contact, notes = texts
    new = NewRole(company, title, decided, contact, notes=notes)
    try:
        result = add_role(text, "f", new)
    except EditError as exc:
        refused_for_a_reason(exc)
        return
    added = roles_of(plain(result.text))[-1]
    wanted = {"company": company, "title": title, "decided": decided.isoformat()}
    wanted |= {"contact": {"name": contact}} | ({"notes": notes} if notes else {})
    assert added == wanted
    check_rest(text, result.text, None, set())
    assert newline == "\n" or "\n" not in result.text.replace(newline, "")


@FAST
@given(
    st.sampled_from(sorted(FIXTURES)),
    st.sampled_from(NEWLINES),
    st.integers(0, 10),
    st.one_of(st.none(), values),
)
def test_close_gives_exactly_closed_and_the_note(
    fixture: str, newline: str, pick: int, note: str | None
) -> None:
    text = FIXTURES[fixture].replace("\n", newline)
    config = parse_config(text.encode(), "f", system_zone="UTC")
    role = config.roles[pick % len(config.roles)]
    try:
        result = close_role(text, "f", role.id, note)
    except EditError as exc:
        refused_for_a_reason(exc)
        return
    index = config.roles.index(role)
    after = parse_config(result.text.encode(), "f", system_zone="UTC").roles[index]
    assert after.id == role.id and after.status == "closed"
    if note and note.strip():
        assert after.notes is not None and after.notes.endswith(note.strip())
        assert after.notes.startswith(role.notes or "")
    else:
        assert after.notes == role.notes
    check_rest(text, result.text, index, {"status", "notes"})


@FAST
@given(
    st.sampled_from(sorted(FIXTURES)),
    st.sampled_from(NEWLINES),
    st.integers(0, 10),
    st.integers(0, 3),
    st.datetimes(datetime(2026, 1, 1), datetime(2029, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
)
def test_pin_gives_exactly_the_pinned_touchpoint(
    fixture: str, newline: str, pick: int, which: int, when: datetime
) -> None:
    text = FIXTURES[fixture].replace("\n", newline)
    config = parse_config(text.encode(), "f", system_zone="UTC")
    role = config.roles[pick % len(config.roles)]
    touches = role.settings.follow_up
    touch = touches[which % len(touches)]
    try:
        result = pin_role(text, "f", role.id, when, date(2026, 1, 1), touch.after.canonical)
    except EditError as exc:
        refused_for_a_reason(exc)
        return
    index = config.roles.index(role)
    after = parse_config(result.text.encode(), "f", system_zone="UTC").roles[index]
    assert [(t.after, t.at) for t in after.settings.follow_up] == [
        (t.after, when if t is touch else t.at) for t in touches
    ]
    check_rest(text, result.text, index, {"follow_up"})


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_the_fixtures_are_valid_configs(fixture: str) -> None:
    assert parse_config(FIXTURES[fixture].encode(), "f", system_zone="UTC").roles
