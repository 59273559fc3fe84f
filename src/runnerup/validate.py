"""Reading a config: the located YAML tree walked into the model, every problem at once.

Each problem carries its file, line, column and key path; nothing is printed and nothing
but the config file is read (`lookups` answers for zones and holidays). `KEYS` (keys.py)
says which keys each section has and which reader reads each value.
"""

from __future__ import annotations

import difflib
import functools
import re
import string
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Final, TypeAlias, TypeVar
from urllib.parse import urlsplit

from .durations import Offset, ValueProblem, parse_duration, parse_offset
from .errors import ConfigError, Problem
from .keys import KEYS
from .lookups import holiday_problem, system_timezone, valid_zone, zone_suggestion
from .model import (
    DAY_NAMES,
    DEFAULT_DESCRIPTION,
    DEFAULT_NAME,
    EARLIEST,
    LATEST,
    MAX_BEFORE,
    MAX_CALL,
    PLACEHOLDERS,
    WEEKDAYS,
    CalDAV,
    Config,
    Contact,
    LogEntry,
    Role,
    Settings,
    Templates,
    Touch,
)
from .outcomes import CHANNELS, ENDING_OUTCOMES, OUTCOMES
from .source import Node, compose_tree, read_config_bytes
from .words import first_uncarried


def date_problem(day: date) -> str | None:
    """Why `day` is outside the dates runnerup reads, or None if it is inside."""
    if EARLIEST <= day <= LATEST:
        return None
    return f"{day.isoformat()} is outside the dates runnerup reads ({EARLIEST} to {LATEST})"


def load_config(path: Path | str, *, system_zone: str | None = None) -> Config:
    """Read and validate a config file; raise ConfigError with every problem found."""
    path = Path(path)
    data = read_config_bytes(path)
    return parse_config(data, str(path), system_zone=system_zone)


def parse_config(data: bytes, filename: str, *, system_zone: str | None = None) -> Config:
    """Validate config text; `system_zone` stands in for the machine's zone in tests.

    The YAML's own problems (duplicate keys, tags) are reported together with the
    validator's, and a ConfigError carries the roles that were valid (`partial`), so
    `check` can show their warnings next to the errors: every problem in one run."""
    tree, problems = compose_tree(data, filename)
    validator = _Validator(filename, system_zone)
    validator.problems.extend(problems)
    return validator.config(tree)


_T = TypeVar("_T")
_ReadText: TypeAlias = "Callable[[_Validator, Node, str, str], _T]"


class _Reported(Enum):
    REPORTED = 0


REPORTED: Final = _Reported.REPORTED
"""What every reader returns for a value it has reported as a problem (None can be a
value: `reminder: none`)."""


def _reads(
    expected: str, *, text_checked: bool = True
) -> Callable[[_ReadText[_T]], Callable[[_Validator, Node, str], _T | _Reported]]:
    """Makes a reader of a scalar's text out of what reads the text: the reader reports a
    node that is not a scalar (saying it `expected` ...) or, with `text_checked`, holds a
    character a calendar cannot carry, as `scalar` does, and returns REPORTED."""

    def wrap(read: _ReadText[_T]) -> Callable[[_Validator, Node, str], _T | _Reported]:
        @functools.wraps(read)
        def reader(self: _Validator, node: Node, path: str) -> _T | _Reported:
            if node.kind == "scalar" and not (text_checked and first_uncarried(node.text)):
                return read(self, node, path, node.text)
            self.scalar(node, path, expected, text_checked=text_checked)  # reports it
            return REPORTED

        return reader

    return wrap


# Each section's known and required key names, worked out once, not per mapping.
_KNOWN = {section: frozenset(k.name for k in keys) for section, keys in KEYS.items()}
_REQUIRED = {section: tuple(k.name for k in keys if k.required) for section, keys in KEYS.items()}
_SETTINGS = KEYS["defaults"]
_OUTCOME_NAMES = tuple(OUTCOMES)
_FOLLOW_UP_FROM = ("started", "decided")
_NONE_WORDS = ("none", "no", "off", "false")
_EMPTY = "expected text, found an empty string"


class _Validator:
    """Walks the located tree once, collecting every problem instead of stopping at one.

    Its only state is what it has found (`problems`, `warnings`); each reader returns its
    value, or REPORTED after adding the problem."""

    def __init__(self, filename: str, system_zone: str | None) -> None:
        self.filename = filename
        self.system_zone = system_zone
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    # -- reporting

    def fail(self, node: Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.filename, node.line, node.column, path, message))

    def warn(self, node: Node, path: str, message: str) -> None:
        self.warnings.append(
            Problem(self.filename, node.line, node.column, path, message, "warning")
        )

    # -- structure

    def section(
        self, node: Node, path: str, section: str, suggested: set[str] | None = None
    ) -> dict[str, Node]:
        """The entries of a mapping, after reporting unknown and missing keys. The keys a
        typo was reported as are added to `suggested` (a typo stands for the missing key)."""
        if node.kind != "map":
            self.fail(node, path, f"expected a mapping of keys, found {node.describe}")
            return {}
        hints: set[str] = set() if suggested is None else suggested
        known, required = _KNOWN[section], _REQUIRED[section]
        values: dict[str, Node] = {}
        nulls = False
        for name, (key_node, value) in node.entries.items():
            if name not in known:
                if section == "caldav" and name == "password":
                    self.fail(
                        key_node,
                        _join(path, name),
                        "never put a password in the config: set RUNNERUP_CALDAV_PASSWORD, "
                        "use the system keyring, or let `runnerup push` ask for it",
                    )
                    continue
                hint = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
                hints.update(hint)
                maybe = f"; did you mean `{hint[0]}`?" if hint else ""
                self.fail(
                    key_node,
                    _join(path, name),
                    f"unknown key `{name}`{maybe} (known: {', '.join(sorted(known))})",
                )
                continue
            values[name] = value
            if value.kind == "null":
                nulls = True
        for name in required:
            if name in hints and name not in values:
                continue
            if name not in values or values[name].kind == "null":
                where = values.get(name, node)
                self.fail(where, _join(path, name), f"`{name}` is required")
        if not nulls:
            return values
        return {n: v for n, v in values.items() if v.kind != "null"}

    def config(self, tree: Node) -> Config:
        if tree.kind == "seq":
            top = {"roles": tree}
        elif tree.kind == "map":
            suggested: set[str] = set()
            top = self.section(tree, "", "top", suggested)
            if "roles" in suggested and "roles" not in top:
                top["roles"] = Node("seq", tree.line, tree.column)
        else:
            self.fail(
                tree,
                "",
                f"expected a mapping with `roles:` (or a list of roles), found {tree.describe}",
            )
            raise ConfigError(self.problems)

        cal = self.section(top["calendar"], "calendar", "calendar") if "calendar" in top else {}
        name = self.text(cal["name"], "calendar.name") if "name" in cal else DEFAULT_NAME
        description = (
            self.text(cal["description"], "calendar.description")
            if "description" in cal
            else DEFAULT_DESCRIPTION
        )
        if "timezone" not in cal:
            zone = self.system_zone or system_timezone()
            self.warn(
                top.get("calendar", tree),
                "calendar.timezone",
                f"no `timezone` set; using this machine's zone, {zone}",
            )
        else:
            found = self.timezone(cal["timezone"], "calendar.timezone")
            zone = "UTC" if found is REPORTED else found

        caldav = self.caldav(top["caldav"]) if "caldav" in top else CalDAV()

        templates = (
            self.templates(top["templates"], "templates") if "templates" in top else Templates()
        )
        base = Settings()
        if "defaults" in top:
            values = self.section(top["defaults"], "defaults", "defaults")
            base = self.settings(values, "defaults", base, replace_points=True)

        roles: list[Role] = []
        if "roles" not in top:
            self.fail(tree, "roles", "`roles` is required: the list of roles you came second for")
        elif top["roles"].kind != "seq":
            self.fail(
                top["roles"], "roles", f"expected a list of roles, found {top['roles'].describe}"
            )
        else:
            seen: dict[str, Node] = {}
            for index, item in enumerate(top["roles"].items):
                role = self.role(item, f"roles[{index}]", base)
                if role is REPORTED:
                    continue
                if role.id in seen:
                    first = seen[role.id]
                    self.fail(
                        item,
                        f"roles[{index}].id",
                        f"duplicate role id `{role.id}` (first at line {first.line}); "
                        "give one of them its own `id:`",
                    )
                    continue
                seen[role.id] = item
                roles.append(role)
        config = Config(
            self.filename,
            "" if name is REPORTED else name,
            zone,
            tuple(roles),
            "" if description is REPORTED else description,
            tuple(self.warnings),
            caldav,
            templates,
        )
        if self.problems:
            raise ConfigError(self.problems, partial=config)
        return config

    def caldav(self, node: Node) -> CalDAV:
        values = self.section(node, "caldav", "caldav")
        read = _CALDAV_READERS
        parsed = {name: read[name](self, value, f"caldav.{name}") for name, value in values.items()}
        return CalDAV(**{k: v for k, v in parsed.items() if v is not REPORTED})

    def settings(
        self, values: dict[str, Node], path: str, base: Settings, *, replace_points: bool
    ) -> Settings:
        """`base` with what `values` (a section's entries) override; `base` itself if none."""
        changes: dict[str, Any] = {}  # each reader's type is its field's: tests/test_keys.py
        for key in _SETTINGS:
            if key.name not in values:
                continue
            parsed: Any = _READERS[key.kind](self, values[key.name], _join(path, key.name))
            if parsed is REPORTED:
                continue
            if key.name == "talking_points" and not replace_points:
                parsed = base.talking_points + parsed
            changes[key.name] = parsed
        if not changes:
            return base  # frozen: nothing overridden can share the base
        # What `dataclasses.replace` does, minus its per-field checks (once per role).
        return Settings(**{**base.__dict__, **changes})

    def role(self, node: Node, path: str, base: Settings) -> Role | _Reported:
        values = self.section(node, path, "role")
        if node.kind != "map":
            return REPORTED
        before = len(self.problems)
        # A missing required key is reported by `section`: text as "", the others REPORTED.
        company = self.text(values["company"], f"{path}.company") if "company" in values else ""
        title = self.text(values["title"], f"{path}.title") if "title" in values else ""
        decided = (
            self.day(values["decided"], f"{path}.decided") if "decided" in values else REPORTED
        )
        contact = (
            self.contact(values["contact"], f"{path}.contact") if "contact" in values else REPORTED
        )
        settings = self.settings(values, path, base, replace_points=False)
        texts: dict[str, str] = {}
        for name, read in _ROLE_TEXTS:
            if name in values:
                value = read(self, values[name], f"{path}.{name}")
                if value is not REPORTED:
                    texts[name] = value
        started = self.day(values["started"], f"{path}.started") if "started" in values else None
        log = self.log(values["log"], f"{path}.log") if "log" in values else ()
        if decided is not REPORTED and log is not REPORTED:
            for entry in log:
                if entry.on < decided:
                    self.problems.append(
                        Problem(
                            self.filename,
                            entry.line,
                            entry.column,
                            f"{path}.log[{entry.index}].on",
                            f"this contact ({entry.on.isoformat()}) is before `decided` "
                            f"({decided.isoformat()}): the log holds follow-ups after the "
                            "decision; fix the date",
                        )
                    )
        if (
            len(self.problems) > before
            or company is REPORTED
            or title is REPORTED
            or decided is REPORTED
            or contact is REPORTED
            or started is REPORTED
            or log is REPORTED
        ):
            return REPORTED
        return Role(
            id=texts.get("id") or derive_id(company, title, decided),
            company=company,
            title=title,
            decided=decided,
            contact=contact,
            settings=settings,
            hired=texts.get("hired"),
            why_close=texts.get("why_close"),
            posting=texts.get("posting"),
            notes=texts.get("notes"),
            status=texts.get("status", "open"),
            started=started,
            log=log,
            path=path,
            line=node.line,
            column=node.column,
            keys={name: (value.line, value.column) for name, value in values.items()},
        )

    def contact(self, node: Node, path: str) -> Contact | _Reported:
        values = self.section(node, path, "contact")
        if "name" not in values:
            return REPORTED
        read = _CONTACT_READERS
        parsed = {name: read[name](self, value, f"{path}.{name}") for name, value in values.items()}
        fields = {k: v for k, v in parsed.items() if v is not REPORTED}
        if len(fields) < len(parsed):
            return REPORTED
        return Contact(**fields)

    # -- values

    def scalar(
        self, node: Node, path: str, expected: str, *, text_checked: bool = True
    ) -> str | _Reported:
        """The scalar's text, or REPORTED after reporting why not (not a scalar; with
        `text_checked`, a control character: `url` reports those its own way)."""
        if node.kind != "scalar":
            hint = ""
            if node.kind == "map" and len(node.entries) == 1:
                hint = " (a `: ` inside unquoted text starts a mapping: put the text in quotes)"
            self.fail(node, path, f"expected {expected}, found {node.describe}{hint}")
            return REPORTED
        problem = text_problem(node.text) if text_checked else None
        if problem:
            self.fail(node, path, problem)
            return REPORTED
        return node.text

    @_reads("text")
    def text(self, node: Node, path: str, raw: str) -> str | _Reported:
        value = raw.strip()
        return self.checked(node, path, value, None if value else _EMPTY)

    def checked(self, node: Node, path: str, value: _T, problem: str | None) -> _T | _Reported:
        """`value`, or REPORTED after reporting `problem`."""
        if problem:
            self.fail(node, path, problem)
            return REPORTED
        return value

    @_reads("a date (YYYY-MM-DD)")
    def day(self, node: Node, path: str, raw: str) -> date | _Reported:
        text = raw.strip()
        match = _DATE_RE.fullmatch(text)
        if not match:
            self.fail(node, path, f"expected a date as YYYY-MM-DD, found {node.describe}")
            return REPORTED
        try:
            return _real_date(match, text)
        except ValueError as exc:
            self.fail(node, path, str(exc))
            return REPORTED

    @_reads("a local date and time (YYYY-MM-DD HH:MM)")
    def local_datetime(self, node: Node, path: str, raw: str) -> datetime | _Reported:
        match = _DATETIME_RE.fullmatch(raw.strip())
        if not match:
            self.fail(
                node,
                path,
                "expected a local date and time as YYYY-MM-DD HH:MM (no "
                f"zone: the contact's is used), found {node.describe}",
            )
            return REPORTED
        year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
        try:
            value = datetime(year, month, day, hour, minute, second)
        except ValueError as exc:
            self.fail(node, path, f"{raw.strip()} is not a real date and time ({exc})")
            return REPORTED
        return self.checked(node, path, value, date_problem(value.date()))

    @_reads("a time as HH:MM")
    def clock(self, node: Node, path: str, raw: str) -> time | _Reported:
        match = _TIME_RE.fullmatch(raw.strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.fail(
                node,
                path,
                f'expected a 24-hour time as HH:MM, such as "10:00", found {node.describe}',
            )
            return REPORTED
        return time(int(match[1]), int(match[2]))

    @_reads("a duration such as `20 minutes`")
    def duration(self, node: Node, path: str, raw: str) -> timedelta | _Reported:
        try:
            value = parse_duration(raw, allow_bare=True, most=MAX_CALL)
        except ValueProblem as exc:
            self.fail(node, path, str(exc))
            return REPORTED
        if value <= timedelta(0):
            self.fail(node, path, f"expected a duration longer than zero, found {node.describe}")
            return REPORTED
        return value

    @_reads("a duration such as `1 day`, or `none`")
    def reminder(self, node: Node, path: str, raw: str) -> timedelta | _Reported | None:
        return self.optional_duration(node, path, raw, zero_ok=True)

    @_reads("a duration such as `1 day`, or `none`")
    def prep(self, node: Node, path: str, raw: str) -> timedelta | _Reported | None:
        return self.optional_duration(node, path, raw, zero_ok=False)

    def optional_duration(
        self, node: Node, path: str, raw: str, *, zero_ok: bool
    ) -> timedelta | _Reported | None:
        if raw.strip().lower() in _NONE_WORDS:
            return None
        try:
            value = parse_duration(raw, allow_bare=True, most=MAX_BEFORE)
        except ValueProblem as exc:
            self.fail(node, path, str(exc).replace(", found", ", or `none`; found", 1))
            return REPORTED
        if value < timedelta(0) or (value == timedelta(0) and not zero_ok):
            self.fail(node, path, f"expected a positive duration or `none`, found {node.describe}")
            return REPORTED
        return value

    @_reads("an offset such as `90 days`")
    def offset(self, node: Node, path: str, raw: str) -> Offset | _Reported:
        try:
            return parse_offset(raw)
        except ValueProblem as exc:
            self.fail(node, path, str(exc))
            return REPORTED

    def follow_up(self, node: Node, path: str) -> tuple[Touch, ...] | _Reported:
        items = node.items if node.kind == "seq" else [node]
        if node.kind == "seq" and not items:
            self.fail(node, path, "expected at least one touchpoint, found an empty list")
            return REPORTED
        touches: list[Touch] = []
        seen: dict[str, int] = {}
        ok = True
        for index, item in enumerate(items):
            where = f"{path}[{index}]" if node.kind == "seq" else path
            touch = self.touch(item, where)
            if touch is REPORTED:
                ok = False
                continue
            if touch.after.canonical in seen:
                self.fail(
                    item,
                    where,
                    f"two touchpoints at the same offset "
                    f"({touch.after.label}, first at line "
                    f"{seen[touch.after.canonical]}); each needs its own",
                )
                ok = False
                continue
            seen[touch.after.canonical] = item.line
            touches.append(touch)
        return tuple(touches) if ok else REPORTED

    def touch(self, node: Node, path: str) -> Touch | _Reported:
        if node.kind == "scalar":
            offset = self.offset(node, path)
            return REPORTED if offset is REPORTED else Touch(offset, None, node.line, node.column)
        if node.kind != "map":
            self.fail(
                node,
                path,
                f"expected an offset such as `90 days` or a mapping with "
                f"`after:` (and `at:`), found {node.describe}",
            )
            return REPORTED
        values = self.section(node, path, "touchpoint")
        if "after" not in values:
            return REPORTED
        offset = self.offset(values["after"], f"{path}.after")
        at = self.local_datetime(values["at"], f"{path}.at") if "at" in values else None
        if offset is REPORTED or at is REPORTED:
            return REPORTED
        return Touch(offset, at, node.line, node.column)

    def workdays(self, node: Node, path: str) -> frozenset[int] | _Reported:
        if node.kind != "seq" or not node.items:
            self.fail(
                node,
                path,
                f"expected a list of day names such as [mon, tue, wed], found {node.describe}",
            )
            return REPORTED
        days: set[int] = set()
        ok = True
        for index, item in enumerate(node.items):
            raw = self.scalar(item, f"{path}[{index}]", "a day name such as `mon`")
            if raw is REPORTED:
                ok = False
                continue
            full = raw.strip().lower()
            name = full[:3]
            if name not in WEEKDAYS or (len(full) > 3 and full not in DAY_NAMES):
                self.fail(
                    item,
                    f"{path}[{index}]",
                    f"expected a day name ({', '.join(WEEKDAYS)}), found {item.describe}",
                )
                ok = False
                continue
            days.add(WEEKDAYS.index(name))
        return frozenset(days) if ok else REPORTED

    @_reads("a country code such as `US` or `US-CA`")
    def holidays(self, node: Node, path: str, raw: str) -> str | _Reported | None:
        code = raw.strip()
        if code.lower() == "none":
            return None
        if code in ("no", "off", "false", "No", "Off", "False"):
            self.fail(
                node,
                path,
                f"for no holidays write `none`, found {node.describe} (for Norway write `NO`)",
            )
            return REPORTED
        return self.checked(node, path, code, holiday_problem(code))

    @_reads("an IANA time zone such as `America/New_York`")
    def timezone(self, node: Node, path: str, raw: str) -> str | _Reported:
        name = raw.strip()
        if not valid_zone(name):
            hint = zone_suggestion(name)
            maybe = f"; did you mean `{hint}`?" if hint else ""
            self.fail(
                node,
                path,
                f"unknown time zone {node.describe}{maybe} (expected an "
                "IANA name such as `Europe/Berlin`)",
            )
            return REPORTED
        return name

    def points(self, node: Node, path: str) -> tuple[str, ...] | _Reported:
        if node.kind != "seq":
            self.fail(node, path, f"expected a list of talking points, found {node.describe}")
            return REPORTED
        points: list[str] = []
        ok = True
        for index, item in enumerate(node.items):
            where = f"{path}[{index}]"
            raw = self.scalar(item, where, "a talking point (text)")
            if raw is REPORTED:
                ok = False
                continue
            problem = template_problem(raw)
            if problem:
                self.fail(item, where, problem)
                ok = False
                continue
            points.append(raw.strip())
        return tuple(points) if ok else REPORTED

    @_reads("a link starting with https://", text_checked=False)
    def url(self, node: Node, path: str, raw: str) -> str | _Reported:
        value = raw.strip()
        problem = url_problem(value)
        if problem:
            return self.checked(node, path, value, f"{problem}, found {node.describe}")
        return self.checked(node, path, value, text_problem(value))  # a non-character, say

    @_reads("an email address")
    def email(self, node: Node, path: str, raw: str) -> str | _Reported:
        value = raw.strip()
        if _EMAIL_RE.fullmatch(value):
            return value
        self.fail(node, path, f"expected an email address, found {node.describe}")
        return REPORTED

    @_reads("`open` or `closed`")
    def status(self, node: Node, path: str, raw: str) -> str | _Reported:
        value = raw.strip().lower()
        if value not in ("open", "closed"):
            self.fail(node, path, f"expected `open` or `closed`, found {node.describe}")
            return REPORTED
        return value

    @_reads("an id such as `acme-spm`")
    def role_id(self, node: Node, path: str, raw: str) -> str | _Reported:
        value = raw.strip()
        if not _ID_RE.fullmatch(value):
            self.fail(
                node,
                path,
                "expected an id of letters, digits, `.`, `_` and `-` (at "
                f"most 64), found {node.describe}",
            )
            return REPORTED
        return value

    # -- the follow-up loop (issue 9): new readers, next to the others

    def templates(self, node: Node, path: str) -> Templates:
        values = self.section(node, path, "templates")
        parsed = {name: self.template(value, _join(path, name)) for name, value in values.items()}
        return Templates(**{k: v for k, v in parsed.items() if v is not REPORTED})

    @_reads("a template (text with placeholders)")
    def template(self, node: Node, path: str, raw: str) -> str | _Reported:
        text = raw.strip()
        problem = template_problem(raw) or (None if text else _EMPTY)
        return self.checked(node, path, text, problem)

    def choice(self, node: Node, path: str, options: tuple[str, ...]) -> str | _Reported:
        shown = ", ".join(f"`{o}`" for o in options)
        raw = self.scalar(node, path, f"one of {shown}")
        if raw is REPORTED:
            return REPORTED
        value = raw.strip().lower()
        if value not in options:
            hint = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
            maybe = f"; did you mean `{hint[0]}`?" if hint else ""
            self.fail(node, path, f"expected one of {shown}, found {node.describe}{maybe}")
            return REPORTED
        return value

    def channel(self, node: Node, path: str) -> str | _Reported:
        return self.choice(node, path, CHANNELS)

    def follow_up_from(self, node: Node, path: str) -> str | _Reported:
        return self.choice(node, path, _FOLLOW_UP_FROM)

    def retry(self, node: Node, path: str) -> Offset | _Reported:
        offset = self.offset(node, path)
        if offset is REPORTED:
            return REPORTED
        if offset.canonical == "P0D":
            self.fail(
                node, path, f"expected a retry delay of at least a day, found {node.describe}"
            )
            return REPORTED
        return offset

    @_reads("a number of attempts (1 to 20)")
    def attempts(self, node: Node, path: str, raw: str) -> int | _Reported:
        text = raw.strip()
        if not text.isdigit() or not 1 <= int(text) <= 20:
            self.fail(
                node,
                path,
                f"expected a whole number of attempts from 1 to 20, found {node.describe}",
            )
            return REPORTED
        return int(text)

    def log(self, node: Node, path: str) -> tuple[LogEntry, ...] | _Reported:
        if node.kind != "seq":
            self.fail(
                node,
                path,
                f"expected a list of contacts such as `- {{on: 2026-12-03, outcome: spoke}}`, "
                f"found {node.describe}",
            )
            return REPORTED
        entries: list[LogEntry] = []
        ok = True
        for index, item in enumerate(node.items):
            entry = self.log_entry(item, f"{path}[{index}]", index)
            if entry is REPORTED:
                ok = False
                continue
            entries.append(entry)
        return tuple(entries) if ok else REPORTED

    def log_entry(self, node: Node, path: str, index: int) -> LogEntry | _Reported:
        if node.kind != "map":
            self.fail(
                node,
                path,
                f"expected a contact as a mapping with `on:` and `outcome:`, found {node.describe}",
            )
            return REPORTED
        values = self.section(node, path, "log_entry")
        before = len(self.problems)
        on = self.day(values["on"], f"{path}.on") if "on" in values else REPORTED
        outcome = (
            self.choice(values["outcome"], f"{path}.outcome", _OUTCOME_NAMES)
            if "outcome" in values
            else REPORTED
        )
        note = self.text(values["note"], f"{path}.note") if "note" in values else None
        nxt = self.next(values["next"], f"{path}.next") if "next" in values else None
        if (
            on is REPORTED
            or outcome is REPORTED
            or note is REPORTED
            or nxt is REPORTED
            or len(self.problems) > before
        ):
            return REPORTED
        if nxt is not None and outcome in ENDING_OUTCOMES:
            self.fail(
                values["next"],
                f"{path}.next",
                f"`{outcome}` ends the role, so there is no next touchpoint: remove `next`",
            )
            return REPORTED
        if isinstance(nxt, (date, datetime)):
            day = nxt.date() if isinstance(nxt, datetime) else nxt
            if day <= on:
                self.fail(
                    values["next"],
                    f"{path}.next",
                    f"the next touchpoint ({_day_text(nxt)}) must come after the contact "
                    f"({on.isoformat()})",
                )
                return REPORTED
        return LogEntry(on, outcome, note, nxt, index, node.line, node.column)

    @_reads("an offset such as `2 weeks`, or a date")
    def next(self, node: Node, path: str, raw: str) -> Offset | datetime | date | _Reported:
        text = raw.strip()
        if _DATE_RE.fullmatch(text):
            return self.day(node, path)
        if _DATETIME_RE.fullmatch(text):
            return self.local_datetime(node, path)
        offset = self.offset(node, path)
        if offset is not REPORTED and offset.canonical == "P0D":
            self.fail(node, path, f"expected an offset of at least a day, found {node.describe}")
            return REPORTED
        return offset


_Reader = Callable[[_Validator, Node, str], object]
_TextReader = Callable[[_Validator, Node, str], str | _Reported]

_READERS: dict[str, _Reader] = {
    "text": _Validator.text,
    "date": _Validator.day,
    "datetime": _Validator.local_datetime,
    "time": _Validator.clock,
    "duration": _Validator.duration,
    "reminder": _Validator.reminder,
    "prep": _Validator.prep,
    "offset": _Validator.offset,
    "follow_up": _Validator.follow_up,
    "workdays": _Validator.workdays,
    "holidays": _Validator.holidays,
    "timezone": _Validator.timezone,
    "points": _Validator.points,
    "url": _Validator.url,
    "email": _Validator.email,
    "status": _Validator.status,
    "id": _Validator.role_id,
    "channel": _Validator.channel,
    "follow_up_from": _Validator.follow_up_from,
    "retry": _Validator.retry,
    "attempts": _Validator.attempts,
    "log": _Validator.log,
}
"""The reader of each value kind of `KEYS` (a section kind has none: it is walked)."""

_TEXT_READERS: dict[str, _TextReader] = {
    "text": _Validator.text,
    "url": _Validator.url,
    "email": _Validator.email,
    "timezone": _Validator.timezone,
    "status": _Validator.status,
    "id": _Validator.role_id,
}
"""The readers whose value is a string: every key of `contact` and `caldav`."""
_CONTACT_READERS = {k.name: _TEXT_READERS[k.kind] for k in KEYS["contact"]}
_CALDAV_READERS = {k.name: _TEXT_READERS[k.kind] for k in KEYS["caldav"]}
_ROLE_KINDS = {k.name: k.kind for k in KEYS["role"]}
_ROLE_TEXTS = tuple(
    (name, _TEXT_READERS[_ROLE_KINDS[name]])
    for name in ("hired", "why_close", "posting", "notes", "status", "id")
)
"""A role's optional string keys, read in this order after its settings."""


# Compiled once: `re.fullmatch(pattern, ...)` looks its pattern up in re's cache per call.
# ASCII digits only: `\d` alone also matches `٢` or `२`, which int() reads as digits.
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def read_day(text: str) -> date:
    """A date given on the command line (`--today`, `log --on`), read as the config reads
    `decided`: ASCII digits only (strptime took `２０２６-01-01`), a real date (said so,
    not "does not match the format"), within the bounds. ValueError says what is wrong."""
    match = _DATE_RE.fullmatch(text)
    if not match:
        raise ValueError(f"expected a date as YYYY-MM-DD, found {text!r}")
    return _real_date(match, text)


def _real_date(match: re.Match[str], text: str) -> date:
    """The date `_DATE_RE` matched in `text`, within the bounds; ValueError says why not."""
    try:
        value = date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise ValueError(f"{text} is not a real date ({exc})") from None
    problem = date_problem(value)
    if problem:
        raise ValueError(problem)
    return value


_DATETIME_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII
)
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
_URL_RE = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def _day_text(value: date | datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value.isoformat()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# --------------------------------------------------------------------------- helpers


def derive_id(company: str, title: str, decided: date) -> str:
    """A readable default id: `acme-corp-senior-product-manager-2026-09-03`.

    The slug keeps ASCII letters and digits only, so text in another script (`Яндекс`,
    `株式会社`) would vanish from it and two such roles decided on one day would share
    `role-2026-09-03`. When a letter or digit that is not Latin is dropped, a short hash
    of the text keeps the id distinct: `role-5d41402a-2026-09-03`. Latin text, accented
    or not, gets exactly the id it always had: UIDs derive from it, and a changed id
    would re-create every event in every calendar."""
    text = f"{company} {title}"
    slug = _SLUG_RE.sub("-", text.lower()).strip("-")[:48].strip("-")
    if not text.isascii() and any(_not_latin(char) for char in text):
        import hashlib  # only for non-Latin text: hashlib loads OpenSSL
        import unicodedata

        digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode()).hexdigest()[:8]
        slug = (slug[:39].strip("-") + "-" if slug else "role-") + digest
    return f"{slug or 'role'}-{decided.isoformat()}"


def _not_latin(char: str) -> bool:
    """A letter or digit the slug cannot keep and that is not a Latin letter (é, ß, ø)."""
    if char.isascii() or not char.isalnum():
        return False
    import unicodedata  # only for letters beyond ASCII

    return "LATIN " not in unicodedata.name(char, "")  # FULLWIDTH LATIN ... is Latin too


def text_problem(value: str) -> str | None:
    """Why a config value cannot reach a calendar, or None. YAML double quotes can write
    any character (`"\\e"`, `"\\x00"`, `"\\x85"`), and a pasted one is invisible: refused
    at its location rather than dropped from the .ics without a word."""
    found = first_uncarried(value)
    if found is None:
        return None
    return (
        f"contains U+{ord(found.group()):04X} at character {found.start() + 1}, a control "
        "character or non-character that a calendar cannot carry; remove it (in double "
        'quotes, write a line break as "\\n" and a tab as "\\t")'
    )


def url_problem(value: str) -> str | None:
    """Why `value` is not a link a calendar can carry, or None. An iCalendar URL is not
    escaped like text, so a control character would reach the file raw: spaces, control
    and format characters (bidi overrides, zero-width) are refused, not encoded."""
    if not _URL_RE.match(value):
        return "expected a link starting with https:// or http://"
    for index, char in enumerate(value):
        if char.isspace() or (
            char < "!" or char == "\x7f" or (char > "~" and _category(char) in _HIDDEN)
        ):
            return (
                f"a link cannot contain spaces or control characters (U+{ord(char):04X} at "
                f"character {index + 1}); percent-encode it (a space is %20) or remove it"
            )
    try:
        host = urlsplit(value).hostname
    except ValueError as exc:  # e.g. an unclosed `[` of an IPv6 address
        return f"cannot read the link ({exc})"
    if not host:
        return "expected a link with a host name, such as https://example.com/"
    return None


_HIDDEN = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp"))
"""Unicode categories of characters a link may not contain: controls, format characters
(bidi overrides, zero-width), and every kind of space and line separator."""


def template_problem(text: str) -> str | None:
    """Why a talking-point template cannot be filled, or None if it can."""
    try:
        fields = [f for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
        specs = [
            (spec, conv)
            for _, f, spec, conv in string.Formatter().parse(text)
            if f is not None and (spec or conv)
        ]
    except ValueError as exc:
        return f"cannot read the template ({exc}); write `{{{{` and `}}}}` for literal braces"
    for name in fields:
        if name not in PLACEHOLDERS:
            hint = difflib.get_close_matches(name, PLACEHOLDERS, n=1, cutoff=0.6)
            maybe = f"; did you mean {{{hint[0]}}}?" if hint else ""
            shown = "{" + name + "}" if name else "{}"
            return (
                f"unknown placeholder {shown}{maybe} (known: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                + ")"
            )
    if specs:
        return "placeholders take no format spec or conversion (`:` or `!`)"
    return None


def _category(char: str) -> str:
    """The Unicode category of a character beyond ASCII (unicodedata only then)."""
    import unicodedata

    return unicodedata.category(char)
