"""The frozen dataclasses a validated config becomes, and the constants they are made of.

Plain data with a few derived properties: no parsing, no I/O (validate.py builds these).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .durations import Offset
from .errors import Problem
from .outcomes import ENDING_OUTCOMES, RETRY_OUTCOMES

DEFAULT_NAME = "Runner-up follow-ups"
DEFAULT_DESCRIPTION = "Follow-up calls to hiring managers, written by runnerup."
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""`WEEKDAYS` in full: `workdays` takes either."""
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
    """Where `runnerup push` writes the events (never the password: see push/account.py)."""

    url: str | None = None
    username: str | None = None
    calendar: str | None = None  # display name; None: the calendar's `name`


@dataclass(frozen=True)
class Config:
    path: str
    name: str
    timezone: str
    roles: tuple[Role, ...]
    description: str = ""
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    caldav: CalDAV = CalDAV()
    templates: Templates = Templates()

    def zone_of(self, role: Role) -> str:
        return role.contact.timezone or self.timezone
