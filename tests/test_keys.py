"""`KEYS` and the validator's readers agree with the model's types.

The validator fills `Settings` from a table of readers (one per value kind of `KEYS`), so
mypy cannot see that each reader returns its field's type: this test does."""

from __future__ import annotations

import types
import typing
from dataclasses import fields

import pytest

from runnerup import validate
from runnerup.keys import KEYS, Key
from runnerup.model import Settings


def members(hint: object) -> set[object]:
    """The types of a union, or the one type."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return set(typing.get_args(hint))
    return {hint}


def returns(kind: str) -> set[object]:
    """What the reader of `kind` returns, besides REPORTED."""
    reader = validate._READERS[kind]
    hints = typing.get_type_hints(reader, vars(validate))
    return members(hints["return"]) - {validate._Reported}


FIELDS = typing.get_type_hints(Settings, vars(validate))


@pytest.mark.parametrize("key", KEYS["defaults"], ids=lambda k: k.name)
def test_each_settings_reader_returns_its_fields_type(key: Key) -> None:
    field_type = FIELDS[key.name]
    assert returns(key.kind) == members(field_type)


def test_every_setting_is_a_key() -> None:
    assert [f.name for f in fields(Settings)] == [k.name for k in KEYS["defaults"]]


@pytest.mark.parametrize("section", ["contact", "caldav"])
def test_text_sections_read_strings(section: str) -> None:
    for key in KEYS[section]:
        assert returns(key.kind) == {str}, key.name


def test_every_value_kind_has_a_reader() -> None:
    kinds = {k.kind for keys in KEYS.values() for k in keys}
    walked = {k for k in kinds if k.startswith("section:")} | {
        "roles",
        "outcome",
        "next",
        "template",
    }
    assert kinds - walked <= set(validate._READERS)
