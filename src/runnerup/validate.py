"""The config file: what keys exist, what each value means, and every mistake at its line.

`KEYS` is the one description of the schema: the validator walks it, and the JSON Schema
and the docs are generated from it, so the three cannot disagree.
"""

from __future__ import annotations

import difflib
import os
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .durations import Offset, ValueProblem, parse_duration, parse_offset
from .errors import ConfigError, Problem
from .lookups import holiday_problem
from .outcomes import CHANNELS, ENDING_OUTCOMES, OUTCOMES, RETRY_OUTCOMES
from .source import Node, compose_tree, read_config_bytes

DEFAULT_NAME = "Runner-up follow-ups"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLACEHOLDERS = (
    "company",
    "title",
    "contact",
    "contact_first",
    "hired",
    "decided",
    "elapsed",
    "why_close",
    "last_contact",
    "last_outcome",
    "last_note",
    "attempt",
)


BUILTIN_POINTS = (
    "Thank {contact_first} again for the time the team gave you during the {title} search.",
    "Ask how {hired} has settled in and how the team is doing, {elapsed} on, and listen: "
    "this call is about them, not about how you would have done the job.",
    "Offer something useful without being asked: an article, an introduction, or a hand with "
    "a problem they mentioned in the interviews.",
    "Say plainly that you are still interested in {company}, and ask whether anything close "
    "to the {title} role is coming up.",
    "Ask whether there is anyone else, at {company} or elsewhere, they think you should talk to.",
    "Keep it to fifteen minutes, thank them, and send a two-line note the same day.",
)


EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
"""Every date the config or the command line gives (`decided`, `at`, `--today`) is in this
range. It holds any real job search with room to spare, and with offsets of at most 100
years, a prep block or alarm at most 4 weeks before, a call at most a day long and 30 days
of memory after it, every instant runnerup computes stays far inside the years Python's
datetime, the holidays package and every calendar client can represent (1 to 9999), and
every year has four digits."""
MAX_CALL = timedelta(days=1)
"""`duration`: how long a call may last."""
MAX_BEFORE = timedelta(weeks=4)
"""`reminder` and `prep`: how long before the call (Google Calendar's own limit for a
notification is 4 weeks)."""


def date_problem(day: date) -> str | None:
    """Why `day` is outside the dates runnerup reads, or None if it is inside."""
    if EARLIEST <= day <= LATEST:
        return None
    return f"{day.isoformat()} is outside the dates runnerup reads ({EARLIEST} to {LATEST})"


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Touch:
    """One follow-up of a role: when after `decided`, optionally pinned to a local time."""

    after: Offset
    at: datetime | None = None  # naive local date-time in the contact's zone
    line: int = 0
    column: int = 0


_RETRY = Offset(days=3)


@dataclass(frozen=True)
class Settings:
    """What `defaults:` sets and a role may override."""

    follow_up: tuple[Touch, ...] = (Touch(Offset(days=90)),)
    call_time: time = time(10, 0)
    duration: timedelta = timedelta(minutes=20)
    workdays: frozenset[int] = frozenset(range(5))
    holidays: str | None = None
    reminder: timedelta | None = timedelta(minutes=30)
    prep: timedelta | None = None
    talking_points: tuple[str, ...] = BUILTIN_POINTS
    channel: str = "call"
    retry: Offset = _RETRY
    attempts: int = 3
    follow_up_from: str = "started"


@dataclass(frozen=True)
class LogEntry:
    """One contact after the decision: when, what came of it, and what to do next."""

    on: date
    outcome: str
    note: str | None = None
    next: Offset | datetime | date | None = None  # `--next`: offset from `on`, or when
    index: int = 0  # position in the role's `log:` (file order; never reordered)
    line: int = 0
    column: int = 0

    @property
    def ends(self) -> bool:
        return self.outcome in ENDING_OUTCOMES

    @property
    def replied(self) -> bool:
        return self.outcome not in RETRY_OUTCOMES


@dataclass(frozen=True)
class Templates:
    """The drafted email's subject and body and the pasted message; None: built in."""

    subject: str | None = None
    email: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    timezone: str | None = None  # None: the calendar's zone

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True)
class Role:
    id: str
    company: str
    title: str
    decided: date
    contact: Contact
    settings: Settings
    hired: str | None = None
    why_close: str | None = None
    posting: str | None = None
    notes: str | None = None
    status: str = "open"
    started: date | None = None
    log: tuple[LogEntry, ...] = ()
    path: str = "roles[0]"  # where it is in the config, for messages
    line: int = 0
    column: int = 0
    keys: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)  # positions

    def where(self, key: str) -> tuple[int, int]:
        """Line and column of one of the role's keys' values (the role's own if absent)."""
        return self.keys.get(key, (self.line, self.column))

    @property
    def open(self) -> bool:
        return self.status == "open"

    @property
    def history(self) -> tuple[LogEntry, ...]:
        """The log by date; entries of one day in file order (the file is never reordered)."""
        return tuple(sorted(self.log, key=lambda e: (e.on, e.index)))

    @property
    def base(self) -> date:
        """The day offsets count from: `started` when known (and wanted), else `decided`."""
        if self.started is not None and self.settings.follow_up_from == "started":
            return self.started
        return self.decided


@dataclass(frozen=True)
class CalDAV:
    """Where `runnerup push` writes the events (never the password: see push.py)."""

    url: str | None = None
    username: str | None = None
    calendar: str | None = None  # display name; None: the calendar's `name`


@dataclass(frozen=True)
class Config:
    path: str
    name: str
    timezone: str
    timezone_from_system: bool
    roles: tuple[Role, ...]
    description: str = ""
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    caldav: CalDAV = CalDAV()
    templates: Templates = Templates()

    def zone_of(self, role: Role) -> str:
        return role.contact.timezone or self.timezone


# --------------------------------------------------------------------------- the schema


@dataclass(frozen=True)
class Key:
    """One key of one section: how to read it, and what the docs and JSON Schema say."""

    name: str
    kind: str
    description: str
    example: object
    required: bool = False


_SETTING_KEYS = (
    Key(
        "follow_up",
        "follow_up",
        "When to call, after `decided`: one offset, or a list of "
        "offsets and `{after, at}` touchpoints for a cadence.",
        "90 days",
    ),
    Key(
        "call_time",
        "time",
        "Wall-clock time of the call (HH:MM, 24-hour) in the contact's time zone.",
        "10:00",
    ),
    Key("duration", "duration", "How long the call lasts.", "20 minutes"),
    Key(
        "workdays",
        "workdays",
        "Days a call may fall on; a date off them moves forward.",
        ["mon", "tue", "wed", "thu", "fri"],
    ),
    Key(
        "holidays",
        "holidays",
        "Skip this country's public holidays (ISO code, `US-CA` for a "
        "subdivision); `none` for none.",
        "US",
    ),
    Key(
        "reminder",
        "reminder",
        "One alarm this long before the call; `none` for no alarm.",
        "30 minutes",
    ),
    Key(
        "prep", "prep", "An all-day prep block this long before the call; `none` for none.", "1 day"
    ),
    Key(
        "talking_points",
        "points",
        "Talking-point templates; in `defaults` they replace the "
        "built-in points, in a role they are added after them.",
        ["Thank {contact_first} again for the time spent on the {title} search."],
    ),
    Key(
        "channel",
        "channel",
        "How you reach out: `call`, `email` (the event carries a drafted email and a "
        "mailto link) or `message` (text to paste, and the profile link).",
        "call",
    ),
    Key(
        "retry",
        "retry",
        "After no reply (`no-answer`, `left-message`, `emailed`, `messaged`), try again "
        "this long after the contact.",
        "3 days",
    ),
    Key(
        "attempts",
        "attempts",
        "At most this many tries per touchpoint, counting the first (1 to 20).",
        3,
    ),
    Key(
        "follow_up_from",
        "follow_up_from",
        "Count offsets from `started` (when a role has it) or from `decided`.",
        "started",
    ),
)

KEYS: dict[str, tuple[Key, ...]] = {
    "top": (
        Key("calendar", "section:calendar", "The calendar as a whole.", {"name": DEFAULT_NAME}),
        Key(
            "defaults",
            "section:defaults",
            "Settings for every role; any role may override them.",
            {"follow_up": "90 days"},
        ),
        Key("roles", "roles", "The roles you came second for.", []),
        Key(
            "templates",
            "section:templates",
            "Your own drafted email and message (placeholders as in talking points).",
            {"subject": "Following up on the {title} role"},
        ),
        Key(
            "caldav",
            "section:caldav",
            "Where `runnerup push` writes the events; never the password.",
            {"url": "https://caldav.icloud.com", "username": "you@icloud.com"},
        ),
    ),
    "caldav": (
        Key(
            "url",
            "url",
            "The CalDAV server (or the calendar collection's own URL).",
            "https://caldav.icloud.com",
        ),
        Key("username", "text", "Your user name on that server.", "you@icloud.com"),
        Key(
            "calendar",
            "text",
            "Display name of the calendar to push into; default: `calendar.name`.",
            "Runner-up follow-ups",
        ),
    ),
    "calendar": (
        Key("name", "text", "Calendar name shown by clients (NAME, X-WR-CALNAME).", DEFAULT_NAME),
        Key(
            "timezone",
            "timezone",
            "Your IANA time zone; default: the system's.",
            "America/New_York",
        ),
        Key(
            "description",
            "text",
            "Calendar description (DESCRIPTION, X-WR-CALDESC).",
            "Follow-up calls for the roles I came second for.",
        ),
    ),
    "defaults": _SETTING_KEYS,
    "role": (
        Key("company", "text", "The company.", "Acme Corp", required=True),
        Key("title", "text", "The role you were up for.", "Senior Product Manager", required=True),
        Key(
            "decided",
            "date",
            "The day you learned you came second (YYYY-MM-DD).",
            "2026-09-03",
            required=True,
        ),
        Key(
            "id",
            "id",
            "Stable identity; default derived from company, title and decided.",
            "acme-spm",
        ),
        Key(
            "contact",
            "section:contact",
            "The hiring manager.",
            {"name": "Dana Whitfield"},
            required=True,
        ),
        Key("hired", "text", "Who got the job, if you know.", "Alex Chen"),
        Key("why_close", "text", "Why it was close.", "Final two; the roadmap exercise landed."),
        Key("posting", "url", "The job posting.", "https://acme.example/jobs/123"),
        Key("notes", "text", "Free text, shown in the event.", "Met Dana at ProductCon."),
        Key("status", "status", "`open`, or `closed` to stop the follow-ups.", "open"),
        Key(
            "started",
            "date",
            "When the new hire started, if you know (YYYY-MM-DD); offsets count from it.",
            "2026-10-01",
        ),
        Key(
            "log",
            "log",
            "Contacts after the decision, oldest first: `{on, outcome, note, next}`; "
            "written by `runnerup log` or by hand.",
            [{"on": "2026-12-03", "outcome": "no-answer"}],
        ),
        *_SETTING_KEYS,
    ),
    "contact": (
        Key("name", "text", "The hiring manager's name.", "Dana Whitfield", required=True),
        Key("title", "text", "Their job title.", "VP Product"),
        Key("email", "email", "Email address.", "dana@acme.example"),
        Key("phone", "text", "Phone number; becomes the event's LOCATION.", "+1 555 0100"),
        Key(
            "linkedin",
            "url",
            "LinkedIn profile; becomes the event's URL.",
            "https://www.linkedin.com/in/dana-whitfield",
        ),
        Key(
            "timezone",
            "timezone",
            "Their IANA time zone; default: the calendar's.",
            "America/Chicago",
        ),
    ),
    "templates": (
        Key(
            "subject",
            "template",
            "The drafted email's subject.",
            "Following up on the {title} role",
        ),
        Key(
            "email",
            "template",
            "The drafted email's body.",
            "Hi {contact_first}, it has been {elapsed} since the {title} search.",
        ),
        Key(
            "message",
            "template",
            "The text to paste into a message (LinkedIn or similar).",
            "Hi {contact_first}, how is the team doing?",
        ),
    ),
    "log_entry": (
        Key("on", "date", "The day of the contact (YYYY-MM-DD).", "2026-12-03", required=True),
        Key(
            "outcome",
            "outcome",
            "What came of it: " + ", ".join(f"`{o}`" for o in OUTCOMES) + ".",
            "no-answer",
            required=True,
        ),
        Key("note", "text", "What was said, or anything worth remembering.", "Voicemail full."),
        Key(
            "next",
            "next",
            "The next touchpoint: an offset from `on`, or a local date (and time) in the "
            "contact's zone.",
            "2 weeks",
        ),
    ),
    "touchpoint": (
        Key("after", "offset", "Offset after `decided`.", "90 days", required=True),
        Key(
            "at",
            "datetime",
            "Pins this touchpoint to a local date and time in the contact's "
            "zone (YYYY-MM-DD HH:MM).",
            "2026-12-04 11:00",
        ),
    ),
}


# --------------------------------------------------------------------------- loading


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


# Each section's known and required key names, worked out once, not per mapping.
_KNOWN = {section: frozenset(k.name for k in keys) for section, keys in KEYS.items()}
_REQUIRED = {section: tuple(k.name for k in keys if k.required) for section, keys in KEYS.items()}


class _Validator:
    """Walks the located tree once, collecting every problem instead of stopping at one."""

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

    def section(self, node: Node, path: str, section: str) -> dict[str, Node]:
        """The entries of a mapping, after reporting unknown and missing keys."""
        if node.kind != "map":
            self.fail(node, path, f"expected a mapping of keys, found {node.describe}")
            return {}
        self.suggested: set[str] = set()  # a typo already reported stands for the missing key
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
                self.suggested.update(hint)
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
            if name in self.suggested and name not in values:
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
            top = self.section(tree, "", "top")
            if "roles" in self.suggested and "roles" not in top:
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
            else "Follow-up calls to hiring managers, written by runnerup."
        )
        from_system = "timezone" not in cal
        if from_system:
            zone = self.system_zone or system_timezone()
            self.warn(
                top.get("calendar", tree),
                "calendar.timezone",
                f"no `timezone` set; using this machine's zone, {zone}",
            )
        else:
            zone = self.timezone(cal["timezone"], "calendar.timezone") or "UTC"

        caldav = self.caldav(top["caldav"]) if "caldav" in top else CalDAV()

        templates = (
            self.templates(top["templates"], "templates") if "templates" in top else Templates()
        )
        base = Settings()
        if "defaults" in top:
            base = self.settings(top["defaults"], "defaults", "defaults", base, replace_points=True)

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
                if role is None:
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
            name,
            zone,
            from_system,
            tuple(roles),
            description,
            tuple(self.warnings),
            caldav,
            templates,
        )
        if self.problems:
            raise ConfigError(self.problems, partial=config)
        return config

    def caldav(self, node: Node) -> CalDAV:
        values = self.section(node, "caldav", "caldav")
        kinds = {k.name: k.kind for k in KEYS["caldav"]}
        parsed = {
            name: self.value(kinds[name], value, f"caldav.{name}") for name, value in values.items()
        }
        return CalDAV(**{k: v for k, v in parsed.items() if v is not _INVALID})  # type: ignore[arg-type]

    def settings(
        self,
        node: Node,
        path: str,
        section: str,
        base: Settings,
        *,
        replace_points: bool,
        values: dict[str, Node] | None = None,
    ) -> Settings:
        if values is None:
            values = self.section(node, path, section)
        changes: dict[str, object] = {}
        for key in _SETTING_KEYS:
            if key.name not in values:
                continue
            value, where = values[key.name], _join(path, key.name)
            parsed = self.value(key.kind, value, where)
            if parsed is _INVALID:
                continue
            if key.name == "talking_points" and not replace_points:
                parsed = base.talking_points + parsed  # type: ignore[operator]
            changes[key.name] = parsed
        if not changes:
            return base  # frozen: nothing overridden can share the base
        # What `dataclasses.replace` does, minus its per-field checks (once per role).
        return Settings(**{**base.__dict__, **changes})  # type: ignore[arg-type]

    def role(self, node: Node, path: str, base: Settings) -> Role | None:
        values = self.section(node, path, "role")
        if node.kind != "map":
            return None
        before = len(self.problems)
        company = self.text(values["company"], f"{path}.company") if "company" in values else ""
        title = self.text(values["title"], f"{path}.title") if "title" in values else ""
        decided = self.date(values["decided"], f"{path}.decided") if "decided" in values else None
        contact = (
            self.contact(values["contact"], f"{path}.contact") if "contact" in values else None
        )
        settings = self.settings(node, path, "role", base, replace_points=False, values=values)
        optional = {
            name: self.value(kind, values[name], f"{path}.{name}")
            for name, kind in (
                ("hired", "text"),
                ("why_close", "text"),
                ("posting", "url"),
                ("notes", "text"),
                ("status", "status"),
                ("id", "id"),
                ("started", "date"),
                ("log", "log"),
            )
            if name in values
        }
        if decided is not None and isinstance(optional.get("log"), tuple):
            for entry in optional["log"]:  # type: ignore[union-attr]
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
        if len(self.problems) > before or decided is None or contact is None:
            return None
        role_id = optional.pop("id", None) or derive_id(company, title, decided)
        role = Role(
            id=str(role_id),
            company=company,
            title=title,
            decided=decided,
            contact=contact,
            settings=settings,
            path=path,
            line=node.line,
            column=node.column,
            keys={name: (value.line, value.column) for name, value in values.items()},
            **optional,
        )  # type: ignore[arg-type]
        return role

    def contact(self, node: Node, path: str) -> Contact | None:
        values = self.section(node, path, "contact")
        if "name" not in values:
            return None
        kinds = _CONTACT_KINDS
        parsed = {
            name: self.value(kinds[name], value, f"{path}.{name}") for name, value in values.items()
        }
        if any(v is _INVALID for v in parsed.values()):
            return None
        return Contact(**parsed)  # type: ignore[arg-type]

    # -- values

    def value(self, kind: str, node: Node, path: str) -> object:
        reader = _READERS.get(kind)
        if reader is None:  # a section kind in a place that expects a value
            raise AssertionError(kind)
        return reader(self, node, path)

    def scalar(
        self, node: Node, path: str, expected: str, *, text_checked: bool = True
    ) -> str | None:
        """The scalar's text, or None after reporting why not (not a scalar; with
        `text_checked`, a control character: `url` reports those its own way)."""
        if node.kind != "scalar":
            hint = ""
            if node.kind == "map" and len(node.entries) == 1:
                hint = " (a `: ` inside unquoted text starts a mapping: put the text in quotes)"
            self.fail(node, path, f"expected {expected}, found {node.describe}{hint}")
            return None
        problem = text_problem(node.text) if text_checked else None
        if problem:
            self.fail(node, path, problem)
            return None
        return node.text

    def text(self, node: Node, path: str) -> str:
        raw = self.scalar(node, path, "text")
        if raw is None:
            return ""
        if not raw.strip():
            self.fail(node, path, "expected text, found an empty string")
        return raw.strip()

    def date(self, node: Node, path: str) -> date | None:
        raw = self.scalar(node, path, "a date (YYYY-MM-DD)")
        if raw is None:
            return None
        match = _DATE_RE.fullmatch(raw.strip())
        if not match:
            self.fail(node, path, f"expected a date as YYYY-MM-DD, found {node.describe}")
            return None
        try:
            value = date(*(int(g) for g in match.groups()))
        except ValueError as exc:
            self.fail(node, path, f"{raw.strip()} is not a real date ({exc})")
            return None
        problem = date_problem(value)
        if problem:
            self.fail(node, path, problem)
            return None
        return value

    def datetime(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "a local date and time (YYYY-MM-DD HH:MM)")
        if raw is None:
            return _INVALID
        match = _DATETIME_RE.fullmatch(raw.strip())
        if not match:
            self.fail(
                node,
                path,
                "expected a local date and time as YYYY-MM-DD HH:MM (no "
                f"zone: the contact's is used), found {node.describe}",
            )
            return _INVALID
        try:
            value = datetime(*(int(g or 0) for g in match.groups()))
        except ValueError as exc:
            self.fail(node, path, f"{raw.strip()} is not a real date and time ({exc})")
            return _INVALID
        problem = date_problem(value.date())
        if problem:
            self.fail(node, path, problem)
            return _INVALID
        return value

    def time(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "a time as HH:MM")
        match = _TIME_RE.fullmatch((raw or "").strip())
        if raw is None or not match or int(match[1]) > 23 or int(match[2]) > 59:
            if raw is not None:
                self.fail(
                    node,
                    path,
                    f'expected a 24-hour time as HH:MM, such as "10:00", found {node.describe}',
                )
            return _INVALID
        return time(int(match[1]), int(match[2]))

    def duration(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "a duration such as `20 minutes`")
        if raw is None:
            return _INVALID
        try:
            value = parse_duration(raw, allow_bare=True, most=MAX_CALL)
        except ValueProblem as exc:
            self.fail(node, path, str(exc))
            return _INVALID
        if value <= timedelta(0):
            self.fail(node, path, f"expected a duration longer than zero, found {node.describe}")
            return _INVALID
        return value

    def optional_duration(self, node: Node, path: str, *, zero_ok: bool) -> object:
        raw = self.scalar(node, path, "a duration such as `1 day`, or `none`")
        if raw is None:
            return _INVALID
        if raw.strip().lower() in ("none", "no", "off", "false"):
            return None
        try:
            value = parse_duration(raw, allow_bare=True, most=MAX_BEFORE)
        except ValueProblem as exc:
            self.fail(node, path, str(exc).replace(", found", ", or `none`; found", 1))
            return _INVALID
        if value < timedelta(0) or (value == timedelta(0) and not zero_ok):
            self.fail(node, path, f"expected a positive duration or `none`, found {node.describe}")
            return _INVALID
        return value

    def offset(self, node: Node, path: str) -> Offset | None:
        raw = self.scalar(node, path, "an offset such as `90 days`")
        if raw is None:
            return None
        try:
            return parse_offset(raw)
        except ValueProblem as exc:
            self.fail(node, path, str(exc))
            return None

    def follow_up(self, node: Node, path: str) -> object:
        items = node.items if node.kind == "seq" else [node]
        if node.kind == "seq" and not items:
            self.fail(node, path, "expected at least one touchpoint, found an empty list")
            return _INVALID
        touches: list[Touch] = []
        seen: dict[str, int] = {}
        ok = True
        for index, item in enumerate(items):
            where = f"{path}[{index}]" if node.kind == "seq" else path
            touch = self.touch(item, where)
            if touch is None:
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
        return tuple(touches) if ok else _INVALID

    def touch(self, node: Node, path: str) -> Touch | None:
        if node.kind == "scalar":
            offset = self.offset(node, path)
            return Touch(offset, None, node.line, node.column) if offset else None
        if node.kind != "map":
            self.fail(
                node,
                path,
                f"expected an offset such as `90 days` or a mapping with "
                f"`after:` (and `at:`), found {node.describe}",
            )
            return None
        values = self.section(node, path, "touchpoint")
        if "after" not in values:
            return None
        offset = self.offset(values["after"], f"{path}.after")
        at = self.datetime(values["at"], f"{path}.at") if "at" in values else None
        if offset is None or at is _INVALID:
            return None
        return Touch(offset, at, node.line, node.column)  # type: ignore[arg-type]

    def workdays(self, node: Node, path: str) -> object:
        if node.kind != "seq" or not node.items:
            self.fail(
                node,
                path,
                f"expected a list of day names such as [mon, tue, wed], found {node.describe}",
            )
            return _INVALID
        days: set[int] = set()
        ok = True
        for index, item in enumerate(node.items):
            raw = self.scalar(item, f"{path}[{index}]", "a day name such as `mon`")
            name = (raw or "").strip().lower()[:3] if raw else ""
            full = (raw or "").strip().lower()
            if name not in WEEKDAYS or (len(full) > 3 and not _full_day(full)):
                if raw is not None:
                    self.fail(
                        item,
                        f"{path}[{index}]",
                        f"expected a day name ({', '.join(WEEKDAYS)}), found {item.describe}",
                    )
                ok = False
                continue
            days.add(WEEKDAYS.index(name))
        return frozenset(days) if ok else _INVALID

    def holidays(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "a country code such as `US` or `US-CA`")
        if raw is None:
            return _INVALID
        code = raw.strip()
        if code.lower() == "none":
            return None
        if code in ("no", "off", "false", "No", "Off", "False"):
            self.fail(
                node,
                path,
                f"for no holidays write `none`, found {node.describe} (for Norway write `NO`)",
            )
            return _INVALID
        problem = holiday_problem(code)
        if problem:
            self.fail(node, path, problem)
            return _INVALID
        return code

    def timezone(self, node: Node, path: str) -> str | None:
        raw = self.scalar(node, path, "an IANA time zone such as `America/New_York`")
        if raw is None:
            return None
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
            return None
        return name

    def points(self, node: Node, path: str) -> object:
        if node.kind != "seq":
            self.fail(node, path, f"expected a list of talking points, found {node.describe}")
            return _INVALID
        points: list[str] = []
        ok = True
        for index, item in enumerate(node.items):
            where = f"{path}[{index}]"
            raw = self.scalar(item, where, "a talking point (text)")
            if raw is None:
                ok = False
                continue
            problem = template_problem(raw)
            if problem:
                self.fail(item, where, problem)
                ok = False
                continue
            points.append(raw.strip())
        return tuple(points) if ok else _INVALID

    def url(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "a link starting with https://", text_checked=False)
        if raw is None:
            return _INVALID
        value = raw.strip()
        problem = url_problem(value)
        if problem is None and text_problem(value):  # a non-character, say
            self.fail(node, path, str(text_problem(value)))
            return _INVALID
        if problem:
            self.fail(node, path, f"{problem}, found {node.describe}")
            return _INVALID
        return value

    def email(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "an email address")
        if raw is None:
            return _INVALID
        value = raw.strip()
        if not _EMAIL_RE.fullmatch(value):
            self.fail(node, path, f"expected an email address, found {node.describe}")
            return _INVALID
        return value

    def status(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "`open` or `closed`")
        value = (raw or "").strip().lower()
        if value not in ("open", "closed"):
            if raw is not None:
                self.fail(node, path, f"expected `open` or `closed`, found {node.describe}")
            return _INVALID
        return value

    def role_id(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "an id such as `acme-spm`")
        if raw is None:
            return _INVALID
        value = raw.strip()
        if not _ID_RE.fullmatch(value):
            self.fail(
                node,
                path,
                "expected an id of letters, digits, `.`, `_` and `-` (at "
                f"most 64), found {node.describe}",
            )
            return _INVALID
        return value

    # -- the follow-up loop (issue 9): new readers, next to the others

    def templates(self, node: Node, path: str) -> Templates:
        values = self.section(node, path, "templates")
        parsed = {name: self.template(value, _join(path, name)) for name, value in values.items()}
        return Templates(**{k: v for k, v in parsed.items() if v is not None})

    def template(self, node: Node, path: str) -> str | None:
        raw = self.scalar(node, path, "a template (text with placeholders)")
        if raw is None:
            return None
        problem = template_problem(raw)
        if problem:
            self.fail(node, path, problem)
            return None
        if not raw.strip():
            self.fail(node, path, "expected text, found an empty string")
            return None
        return raw.strip()

    def choice(self, node: Node, path: str, options: tuple[str, ...]) -> object:
        shown = ", ".join(f"`{o}`" for o in options)
        raw = self.scalar(node, path, f"one of {shown}")
        if raw is None:
            return _INVALID
        value = raw.strip().lower()
        if value not in options:
            hint = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
            maybe = f"; did you mean `{hint[0]}`?" if hint else ""
            self.fail(node, path, f"expected one of {shown}, found {node.describe}{maybe}")
            return _INVALID
        return value

    def retry(self, node: Node, path: str) -> object:
        offset = self.offset(node, path)
        if offset is None:
            return _INVALID
        if offset.canonical == "P0D":
            self.fail(
                node, path, f"expected a retry delay of at least a day, found {node.describe}"
            )
            return _INVALID
        return offset

    def attempts(self, node: Node, path: str) -> object:
        raw = self.scalar(node, path, "a number of attempts (1 to 20)")
        if raw is None:
            return _INVALID
        text = raw.strip()
        if not text.isdigit() or not 1 <= int(text) <= 20:
            self.fail(
                node,
                path,
                f"expected a whole number of attempts from 1 to 20, found {node.describe}",
            )
            return _INVALID
        return int(text)

    def log(self, node: Node, path: str) -> object:
        if node.kind != "seq":
            self.fail(
                node,
                path,
                f"expected a list of contacts such as `- {{on: 2026-12-03, outcome: spoke}}`, "
                f"found {node.describe}",
            )
            return _INVALID
        entries: list[LogEntry] = []
        ok = True
        for index, item in enumerate(node.items):
            entry = self.log_entry(item, f"{path}[{index}]", index)
            if entry is None:
                ok = False
                continue
            entries.append(entry)
        return tuple(entries) if ok else _INVALID

    def log_entry(self, node: Node, path: str, index: int) -> LogEntry | None:
        if node.kind != "map":
            self.fail(
                node,
                path,
                f"expected a contact as a mapping with `on:` and `outcome:`, found {node.describe}",
            )
            return None
        values = self.section(node, path, "log_entry")
        before = len(self.problems)
        on = self.date(values["on"], f"{path}.on") if "on" in values else None
        outcome = (
            self.choice(values["outcome"], f"{path}.outcome", tuple(OUTCOMES))
            if "outcome" in values
            else _INVALID
        )
        note = self.text(values["note"], f"{path}.note") if "note" in values else None
        nxt = self.next(values["next"], f"{path}.next") if "next" in values else None
        if len(self.problems) > before or on is None or outcome is _INVALID:
            return None
        if nxt is not None and outcome in ENDING_OUTCOMES:
            self.fail(
                values["next"],
                f"{path}.next",
                f"`{outcome}` ends the role, so there is no next touchpoint: remove `next`",
            )
            return None
        if isinstance(nxt, (date, datetime)):
            day = nxt.date() if isinstance(nxt, datetime) else nxt
            if day <= on:
                self.fail(
                    values["next"],
                    f"{path}.next",
                    f"the next touchpoint ({_day_text(nxt)}) must come after the contact "
                    f"({on.isoformat()})",
                )
                return None
        return LogEntry(on, str(outcome), note or None, nxt, index, node.line, node.column)

    def next(self, node: Node, path: str) -> Offset | datetime | date | None:
        raw = self.scalar(node, path, "an offset such as `2 weeks`, or a date")
        if raw is None:
            return None
        text = raw.strip()
        if _DATE_RE.fullmatch(text):
            return self.date(node, path)
        if _DATETIME_RE.fullmatch(text):
            value = self.datetime(node, path)
            return None if value is _INVALID else value  # type: ignore[return-value]
        offset = self.offset(node, path)
        if offset is not None and offset.canonical == "P0D":
            self.fail(node, path, f"expected an offset of at least a day, found {node.describe}")
            return None
        return offset


_INVALID = object()
"""Marks a value already reported as a problem."""


def _full_day(name: str) -> bool:
    return name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


_READERS: dict[str, Callable[[_Validator, Node, str], object]] = {
    "text": _Validator.text,
    "date": lambda v, n, p: v.date(n, p) or _INVALID,
    "datetime": _Validator.datetime,
    "time": _Validator.time,
    "duration": _Validator.duration,
    "reminder": lambda v, n, p: v.optional_duration(n, p, zero_ok=True),
    "prep": lambda v, n, p: v.optional_duration(n, p, zero_ok=False),
    "offset": lambda v, n, p: v.offset(n, p) or _INVALID,
    "follow_up": _Validator.follow_up,
    "workdays": _Validator.workdays,
    "holidays": _Validator.holidays,
    "timezone": lambda v, n, p: v.timezone(n, p) or _INVALID,
    "points": _Validator.points,
    "url": _Validator.url,
    "email": _Validator.email,
    "status": _Validator.status,
    "id": _Validator.role_id,
    "channel": lambda v, n, p: v.choice(n, p, CHANNELS),
    "follow_up_from": lambda v, n, p: v.choice(n, p, ("started", "decided")),
    "retry": _Validator.retry,
    "attempts": _Validator.attempts,
    "log": _Validator.log,
}


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
_CONTACT_KINDS = {k.name: k.kind for k in KEYS["contact"]}


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


UNCARRIED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
"""Characters no config value may hold: C0 and C1 controls but tab and line breaks (RFC
5545 TEXT forbids them, and in a terminal they are escape sequences), lone surrogates and
non-characters (not text at all; UTF-8 cannot encode a surrogate)."""


def text_problem(value: str) -> str | None:
    """Why a config value cannot reach a calendar, or None. YAML double quotes can write
    any character (`"\\e"`, `"\\x00"`, `"\\x85"`), and a pasted one is invisible: refused
    at its location rather than dropped from the .ics without a word."""
    found = UNCARRIED.search(value)
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


@cache
def valid_zone(name: str) -> bool:
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone_suggestion(name: str) -> str | None:
    from zoneinfo import available_timezones

    zones = sorted(available_timezones())
    by_lower = {z.lower(): z for z in zones}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    hint = difflib.get_close_matches(name, zones, n=1, cutoff=0.6)
    if hint:
        return hint[0]
    cities = {z.rsplit("/", 1)[-1].lower(): z for z in zones}
    city = name.replace(" ", "_").lower()
    return cities.get(city)


_ETC = Path("/etc")
"""Where Linux keeps `timezone` and `localtime` (a test points it elsewhere)."""


def system_timezone() -> str:
    """The machine's IANA zone name, or UTC when it cannot be told.

    TZ, then /etc/timezone and the /etc/localtime link, as every Linux has them; then
    tzlocal, which also knows Windows (its registry zone mapped to IANA) and the other
    places a system keeps its zone. Imported only here: most configs name their zone.
    """
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and valid_zone(tz):
        return tz
    try:
        name = (_ETC / "timezone").read_text(encoding="utf-8").strip()
        if valid_zone(name):
            return name
    except (OSError, UnicodeDecodeError):
        pass
    try:
        target = os.path.realpath(_ETC / "localtime")
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if valid_zone(name):
                return name
    except OSError:
        pass
    name = _tzlocal_zone()
    return name if name and valid_zone(name) else "UTC"


def _tzlocal_zone() -> str | None:
    """tzlocal's name for the local zone, or None: it may warn, raise or know nothing,
    and a zone we cannot tell is UTC with a warning from `check`, not a crash."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import tzlocal

            return tzlocal.get_localzone_name()
    except Exception:
        return None


def config_warnings(config: Config, today: date) -> list[Problem]:
    """Things that are allowed but probably not what the user meant."""
    out = list(config.warnings)
    for role in config.roles:
        path = role.path
        if not role.open:
            continue
        channel = role.settings.channel
        # Only a call needs a phone or email; email and message have their own warnings.
        if channel == "call" and not (role.contact.phone or role.contact.email):
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact",
                    f"{role.contact.name} has no phone or email: add one so the "
                    "call is one tap away",
                    "warning",
                )
            )
        if channel == "email" and not role.contact.email:
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact.email",
                    f"`channel: email`, but {role.contact.name} has no email: add "
                    "`email:` so the drafted email has an address",
                    "warning",
                )
            )
        elif channel == "message" and not role.contact.linkedin:
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact.linkedin",
                    f"`channel: message`, but {role.contact.name} has no profile link: add "
                    "`linkedin:` so the event links to where you send it",
                    "warning",
                )
            )
        for entry in role.log:
            if entry.on > today:
                out.append(
                    Problem(
                        config.path,
                        entry.line,
                        entry.column,
                        f"{path}.log[{entry.index}].on",
                        f"this contact ({entry.on.isoformat()}) is in the future: log a "
                        "contact once it has happened",
                        "warning",
                    )
                )
        history = role.history
        end = next((i for i, e in enumerate(history) if e.ends), len(history))
        for entry in history[end + 1 :]:  # the log stops at an ending: say so
            ended = history[end]
            out.append(
                Problem(
                    config.path,
                    entry.line,
                    entry.column,
                    f"{path}.log[{entry.index}]",
                    f"this contact comes after the role ended with `{ended.outcome}` on "
                    f"{ended.on.isoformat()}, so it changes nothing in the calendar; to "
                    "reopen the role, remove or change that entry",
                    "warning",
                )
            )
        if role.started is not None and role.started < role.decided:
            out.append(
                Problem(
                    config.path,
                    *role.where("started"),
                    f"{path}.started",
                    f"`started` ({role.started.isoformat()}) is before `decided` "
                    f"({role.decided.isoformat()}): the new hire starts after the decision; "
                    "check both dates",
                    "warning",
                )
            )
        if role.decided > today:
            out.append(
                Problem(
                    config.path,
                    *role.where("decided"),
                    f"{path}.decided",
                    f"`decided` ({role.decided.isoformat()}) is in the future",
                    "warning",
                )
            )
    return out


def _category(char: str) -> str:
    """The Unicode category of a character beyond ASCII (unicodedata only then)."""
    import unicodedata

    return unicodedata.category(char)
