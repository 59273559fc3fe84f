"""The config's JSON Schema (draft 2020-12), generated from `keys.KEYS`; builds data, no I/O.

Editors (VS Code's YAML extension, anything speaking yaml-language-server) use it to
complete keys, show each key's description and underline mistakes as you type. It is built
from the same `KEYS` the validator walks, so the two cannot disagree about which keys exist;
each value kind maps to a fragment that accepts what the validator's reader accepts, as
closely as a regular expression can say it (dates that do not exist, unknown time zones
and holiday countries are left to `runnerup check`).

Editors read YAML 1.2, where `90`, `true` and `null` are a number, a boolean and a null,
and `2026-09-03` or `10:00` are strings; the fragments are written for that view.
"""

from __future__ import annotations

import json
from typing import Any

from .keys import KEYS, Key
from .model import DAY_NAMES, PLACEHOLDERS, WEEKDAYS
from .outcomes import CHANNELS, OUTCOMES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = "runnerup.schema.json"
"""What `runnerup init` writes next to the config, and its modeline points at."""


def _ci(word: str) -> str:
    """A case-insensitive regex for a word (JSON Schema patterns have no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _words(*words: str) -> str:
    return "(?:" + "|".join(_ci(w) for w in words) + ")"


# Offsets and durations: "1 month 2 weeks", "90 days, and 2 hours", "P90D", "PT30M".
# Between amounts the validator allows spaces, commas and one `and` (see durations.py).
_SEP = r"[ ,]*(?:and[ ,]*)?"


def _amounts(units: str) -> str:
    one = rf"\d+\s*{units}(?![a-zA-Z])"
    return rf"{_SEP}{one}(?:{_SEP}{one})*"


_OFFSET_UNITS = _words("days", "day", "weeks", "week", "months", "month", "years", "year")
_DURATION_UNITS = _words(
    "minutes", "minute", "mins", "min", "hours", "hour", "days", "day", "weeks", "week"
)
_ISO_OFFSET = r"[pP](?=\d)(?:\d+[yY])?(?:\d+[mM])?(?:\d+[wW])?(?:\d+[dD])?"
_ISO_DURATION = r"[pP](?:\d+[wW])?(?:\d+[dD])?(?:[tT](?=\d)(?:\d+[hH])?(?:\d+[mM])?(?:\d+[sS])?)?"
_OFFSET = rf"^\s*(?:\d+|{_ISO_OFFSET}|{_amounts(_OFFSET_UNITS)})\s*$"
_DURATION = rf"^\s*(?:\d+|{_ISO_DURATION}(?<![pP])|{_amounts(_DURATION_UNITS)})\s*$"
_NONE = rf"^\s*{_words('none', 'no', 'off', 'false')}\s*$"
_POSITIVE = r"[1-9]"  # some amount is not zero, so the sum is not zero

_UNCARRIED = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff"
"""`words.UNCARRIED` as far as a pattern over UTF-16 code units can say it: controls but
tab and line breaks, and non-characters (those above the first plane are left to check)."""

_TEMPLATE = (
    rf"^(?:[^{{}}{_UNCARRIED}]|\{{\{{|\}}\}}|\{{(?:" + "|".join(PLACEHOLDERS) + r")\})*$"
)  # `{{`/`}}` are literal braces; any other `{...}` must be a known placeholder

_SCALAR_TEXT = {
    "type": ["string", "number", "boolean"],
    "allOf": [{"pattern": r"\S"}, {"pattern": rf"^[^{_UNCARRIED}]*$"}],
}
"""Text: the validator reads any scalar as text (`hired: 2020` is fine) but not a blank,
nor one with a control character."""

_OFFSET_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "description": "A bare number is days."},
        {"type": "string", "pattern": _OFFSET},
    ]
}


def _duration(*, zero_ok: bool, none_ok: bool) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "pattern": _DURATION}
    if not zero_ok:
        text = {"type": "string", "allOf": [{"pattern": _DURATION}, {"pattern": _POSITIVE}]}
    options: list[dict[str, Any]] = [
        {"type": "integer", "minimum": 0 if zero_ok else 1, "description": "Minutes."},
        text,
    ]
    if none_ok:
        options += [{"type": "string", "pattern": _NONE}, {"const": False}]
    return {"anyOf": options}


def _kind(kind: str) -> dict[str, Any]:
    """The JSON Schema fragment for one value kind of `validate._READERS`."""
    if kind.startswith("section:"):
        return {"$ref": f"#/$defs/{kind.split(':', 1)[1]}"}
    fragments: dict[str, dict[str, Any]] = {
        "text": dict(_SCALAR_TEXT),
        "date": {"type": "string", "pattern": r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$"},
        "datetime": {
            "type": "string",
            "pattern": r"^\s*\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?\s*$",
        },
        "time": {"type": "string", "pattern": r"^\s*(?:[01]?\d|2[0-3]):[0-5]\d\s*$"},
        "duration": _duration(zero_ok=False, none_ok=False),
        "reminder": _duration(zero_ok=True, none_ok=True),
        "prep": _duration(zero_ok=False, none_ok=True),
        "offset": {"$ref": "#/$defs/offset"},
        "roles": {"$ref": "#/$defs/roles"},
        "follow_up": {
            "anyOf": [
                {"$ref": "#/$defs/offset"},
                {"$ref": "#/$defs/touchpoint"},
                {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "anyOf": [{"$ref": "#/$defs/offset"}, {"$ref": "#/$defs/touchpoint"}]
                    },
                },
            ]
        },
        "workdays": {
            "type": "array",
            "minItems": 1,
            "items": {
                "anyOf": [
                    {"enum": list(WEEKDAYS)},
                    {
                        "type": "string",
                        "pattern": rf"^\s*{_words(*DAY_NAMES, *WEEKDAYS)}\s*$",
                    },
                ]
            },
        },
        "holidays": {
            "type": "string",
            "pattern": rf"^\s*(?:[A-Z]{{2,3}}(?:-[A-Za-z0-9]+)?|{_words('none')})\s*$",
        },
        "timezone": {
            "type": "string",
            "pattern": r"^\s*[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*\s*$",
        },
        "points": {
            "type": "array",
            "items": {"type": ["string", "number", "boolean"], "pattern": _TEMPLATE},
        },
        "url": {"type": "string", "pattern": r"^\s*https?://[^\s/]+\S*\s*$"},
        "email": {"type": "string", "pattern": r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"},
        "status": {
            "anyOf": [
                {"enum": ["open", "closed"]},
                {"type": "string", "pattern": rf"^\s*{_words('open', 'closed')}\s*$"},
            ]
        },
        "id": {
            "type": ["string", "integer"],
            "minimum": 0,
            "pattern": r"^\s*[A-Za-z0-9][A-Za-z0-9._-]{0,63}\s*$",
        },
    }
    fragments.update(_loop_kinds())
    return fragments[kind]


def _choice(*options: str) -> dict[str, Any]:
    """One of a few words, in any case (the validator lowercases)."""
    return {
        "anyOf": [
            {"enum": list(options)},
            {"type": "string", "pattern": rf"^\s*{_words(*options)}\s*$"},
        ]
    }


def _loop_kinds() -> dict[str, dict[str, Any]]:
    """The follow-up loop's value kinds (issue 9): log entries, channels, retries."""
    date = r"\d{4}-\d{1,2}-\d{1,2}"
    return {
        "channel": _choice(*CHANNELS),
        "follow_up_from": _choice("started", "decided"),
        "retry": {
            "anyOf": [
                {"type": "integer", "minimum": 1, "description": "A bare number is days."},
                {"type": "string", "allOf": [{"pattern": _OFFSET}, {"pattern": _POSITIVE}]},
            ]
        },
        "attempts": {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 20},
                {"type": "string", "pattern": r"^\s*(?:[1-9]|1\d|20)\s*$"},
            ]
        },
        "log": {"type": "array", "items": {"$ref": "#/$defs/log_entry"}},
        "outcome": _choice(*OUTCOMES),
        "next": {
            "anyOf": [
                {"type": "integer", "minimum": 1, "description": "A bare number is days."},
                {"type": "string", "allOf": [{"pattern": _OFFSET}, {"pattern": _POSITIVE}]},
                {
                    "type": "string",
                    "pattern": rf"^\s*{date}(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*$",
                },
            ]
        },
        "template": {"type": ["string", "number", "boolean"], "pattern": _TEMPLATE},
    }


def _required(section: str, key: Key) -> bool:
    # `roles` is optional for the key walker but required by the loader itself, which
    # reports it with its own message (validate.py `_Validator.config`).
    return key.required or (section == "top" and key.name == "roles")


def _property(section: str, key: Key) -> dict[str, Any]:
    value = _kind(key.kind)
    if not _required(section, key):
        # An empty value (`notes:`) counts as absent.
        value = {"anyOf": [value, {"type": "null"}]}
    return {"description": key.description, "examples": [key.example], **value}


def _object(section: str, description: str) -> dict[str, Any]:
    keys = KEYS[section]
    return {
        "type": "object",
        "description": description,
        "properties": {k.name: _property(section, k) for k in keys},
        "required": [k.name for k in keys if _required(section, k)],
        "additionalProperties": False,
    }


def config_schema() -> dict[str, Any]:
    """The JSON Schema of a runnerup config, as a JSON-ready dict."""
    role = _object("role", "A role you came second for.")
    role["properties"]["id"]["description"] += " Letters, digits, `.`, `_` and `-`, at most 64."
    return {
        "$schema": DRAFT,
        "title": "runnerup config",
        "description": "The roles you came second for, and when to call back. "
        "A mapping with `roles:`, or simply a list of roles.",
        "anyOf": [
            {"$ref": "#/$defs/top"},
            {"type": "array", "items": {"$ref": "#/$defs/role"}},
        ],
        "$defs": {
            "top": _object("top", "The whole config file."),
            "calendar": _object("calendar", "The calendar as a whole."),
            "defaults": _object("defaults", "Settings for every role; any role may override them."),
            "roles": {
                "type": "array",
                "description": "The roles you came second for.",
                "items": {"$ref": "#/$defs/role"},
            },
            "role": role,
            "contact": _object("contact", "The hiring manager."),
            "caldav": _object("caldav", "Where `runnerup push` writes the events."),
            "touchpoint": _object("touchpoint", "One follow-up call, optionally pinned."),
            "templates": _object("templates", "Your own drafted email and message."),
            "log_entry": _object("log_entry", "One contact after the decision."),
            "offset": {
                "description": "An offset after `decided`: `90 days`, `3 months`, "
                "`1 month 2 weeks`, a bare number of days, or ISO 8601 (`P90D`).",
                **_OFFSET_SCHEMA,
            },
        },
    }


def schema_text() -> str:
    """The schema as the file `runnerup schema` prints: stable, indented JSON."""
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
