"""`KEYS`, the one description of the config's schema: every key of every section.

The validator walks it, and the JSON Schema (schema.py) and docs/config.md's key tables
(docs.py) are generated from it, so the three cannot disagree. Data only: no reading.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import DEFAULT_DESCRIPTION, DEFAULT_NAME
from .outcomes import OUTCOMES


@dataclass(frozen=True)
class Key:
    """One key of one section: how to read it, and what the docs and JSON Schema say.

    `description` and `example` go to the JSON Schema (an editor's tooltip); `doc`,
    `default` and `shown` are docs/config.md's cells (meaning, default, example) where
    the page says more than the tooltip (`doc` empty: the description; `shown` empty: the
    example in backticks). In the caldav table `default` is the option and variable that
    override the key."""

    name: str
    kind: str
    description: str
    example: object
    required: bool = False
    doc: str = ""
    default: str = ""
    shown: str = ""

    @property
    def meaning(self) -> str:
        """The docs' meaning cell: `**Required.**` follows the first sentence."""
        text = self.doc or self.description
        if not self.required:
            return text
        first, dot, rest = text.partition(". ")
        return f"{first}. **Required.** {rest}" if dot else f"{text} **Required.**"

    @property
    def example_cell(self) -> str:
        return self.shown or f"`{self.example}`"


_SETTING_KEYS = (
    Key(
        "follow_up",
        "follow_up",
        "When to call, after `decided`: one offset, or a list of "
        "offsets and `{after, at}` touchpoints for a cadence.",
        "90 days",
        doc="When to call, after `decided`: one offset, or a list of offsets and touchpoints "
        "(a cadence). See [touchpoints](#touchpoints-follow_up).",
        default="`90 days`",
        shown="`[6 weeks, 90 days]`",
    ),
    Key(
        "call_time",
        "time",
        "Wall-clock time of the call (HH:MM, 24-hour) in the contact's time zone.",
        "10:00",
        doc="Wall-clock time of the call, in the **contact's** time zone (HH:MM, 24-hour).",
        default='`"10:00"`',
        shown='`"15:00"`',
    ),
    Key(
        "duration",
        "duration",
        "How long the call lasts.",
        "20 minutes",
        default="`20 minutes`",
        shown="`30 minutes`",
    ),
    Key(
        "workdays",
        "workdays",
        "Days a call may fall on; a date off them moves forward.",
        ["mon", "tue", "wed", "thu", "fri"],
        default="`[mon, tue, wed, thu, fri]`",
        shown="`[tue, wed, thu]`",
    ),
    Key(
        "holidays",
        "holidays",
        "Skip this country's public holidays (ISO code, `US-CA` for a "
        "subdivision); `none` for none.",
        "US",
        doc="Skip this country's public holidays: an ISO 3166 code, `US-CA` for a "
        "subdivision, `none` for none.",
        default="none",
        shown="`US`, `GB-ENG`, `AU-NSW`",
    ),
    Key(
        "reminder",
        "reminder",
        "One alarm this long before the call; `none` for no alarm.",
        "30 minutes",
        default="`30 minutes`",
        shown="`1 day`",
    ),
    Key(
        "prep",
        "prep",
        "An all-day prep block this long before the call; `none` for none.",
        "1 day",
        doc='An all-day "prepare" event this long before the call; `none` for none.',
        default="none",
    ),
    Key(
        "talking_points",
        "points",
        "Talking-point templates; in `defaults` they replace the "
        "built-in points, in a role they are added after them.",
        ["Thank {contact_first} again for the time spent on the {title} search."],
        doc="Talking-point templates ([below](#talking-points)). Under `defaults:` they "
        "**replace** the built-in points; in a role they are **added after** the default "
        "points.",
        default="the built-in points",
        shown='`["Mention the churn analysis shipped in October."]`',
    ),
    Key(
        "channel",
        "channel",
        "How you reach out: `call`, `email` (the event carries a drafted email and a "
        "mailto link) or `message` (text to paste, and the profile link).",
        "call",
        doc="How you reach out: `call`, `email` (the event carries a drafted email and a "
        "`mailto:` link) or `message` (the text to paste, and the contact's profile link). "
        "See [channels](#channels-and-drafted-messages).",
        default="`call`",
        shown="`email`",
    ),
    Key(
        "retry",
        "retry",
        "After no reply (`no-answer`, `left-message`, `emailed`, `messaged`), try again "
        "this long after the contact.",
        "3 days",
        doc="After a contact without a reply (`no-answer`, `left-message`, `emailed`, "
        "`messaged`), try again this long after it (an offset, at least a day; workdays and "
        "holidays apply). See [the log](#the-log-log).",
        default="`3 days`",
        shown="`1 week`",
    ),
    Key(
        "attempts",
        "attempts",
        "At most this many tries per touchpoint, counting the first (1 to 20).",
        3,
        default="`3`",
        shown="`2`",
    ),
    Key(
        "follow_up_from",
        "follow_up_from",
        "Count offsets from `started` (when a role has it) or from `decided`.",
        "started",
        doc="Count offsets from the role's `started` (when it has one) or always from `decided`.",
        default="`started`",
        shown="`decided`",
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
            doc="The CalDAV server, or the calendar collection's own URL.",
            default="`--url`, `RUNNERUP_CALDAV_URL`",
        ),
        Key(
            "username",
            "text",
            "Your user name on that server.",
            "you@icloud.com",
            default="`--username`, `RUNNERUP_CALDAV_USERNAME`",
        ),
        Key(
            "calendar",
            "text",
            "Display name of the calendar to push into; default: `calendar.name`.",
            "Runner-up follow-ups",
            doc="The display name of the calendar to push into (default: `calendar.name`).",
            default="`--calendar`",
        ),
    ),
    "calendar": (
        Key(
            "name",
            "text",
            "Calendar name shown by clients (NAME, X-WR-CALNAME).",
            DEFAULT_NAME,
            doc="The calendar's name, shown by clients (`NAME`, `X-WR-CALNAME`).",
            default=f"`{DEFAULT_NAME}`",
        ),
        Key(
            "timezone",
            "timezone",
            "Your IANA time zone; default: the system's.",
            "America/New_York",
            doc="Your IANA time zone: each event's description shows the call in it, and "
            "`agenda` lists calls in it.",
            default="this machine's zone (and `check` warns)",
        ),
        Key(
            "description",
            "text",
            "Calendar description (DESCRIPTION, X-WR-CALDESC).",
            "Follow-up calls for the roles I came second for.",
            doc="The calendar's description (`DESCRIPTION`, `X-WR-CALDESC`).",
            default=f"`{DEFAULT_DESCRIPTION}`",
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
            doc="Stable identity of the role ([identity](#identity-uids-and-role-ids)): "
            "letters, digits, `.`, `_`, `-`, at most 64, starting with a letter or digit.",
            default="derived from company, title and `decided`",
        ),
        Key(
            "contact",
            "section:contact",
            "The hiring manager.",
            {"name": "Dana Whitfield"},
            required=True,
            doc="The hiring manager ([below](#contact)).",
            shown="`{name: Dana Whitfield}`",
        ),
        Key(
            "hired",
            "text",
            "Who got the job, if you know.",
            "Alex Chen",
            default="`the new hire` in talking points, `not known` in the description",
        ),
        Key(
            "why_close",
            "text",
            "Why it was close.",
            "Final two; the roadmap exercise landed.",
            shown="`Final two; the roadmap exercise landed well.`",
        ),
        Key(
            "posting",
            "url",
            "The job posting.",
            "https://acme.example/jobs/123",
            doc="The job posting: a link starting with `https://` or `http://`.",
        ),
        Key(
            "notes",
            "text",
            "Free text, shown in the event.",
            "Met Dana at ProductCon.",
            doc="Free text, shown at the end of the event.",
            shown="`Prefers a call to a video meeting.`",
        ),
        Key(
            "status",
            "status",
            "`open`, or `closed` to stop the follow-ups.",
            "open",
            doc="`open`, or `closed` to stop the follow-ups (you took another job; they said no).",
            default="`open`",
            shown="`closed`",
        ),
        Key(
            "started",
            "date",
            "When the new hire started, if you know (YYYY-MM-DD); offsets count from it.",
            "2026-10-01",
            doc="When the new hire started, if you know (YYYY-MM-DD). Offsets then count from "
            "it instead of `decided` (unless `follow_up_from: decided`): ninety days into the "
            "new hire's tenure is the moment to call. The touchpoint keeps its UID.",
        ),
        Key(
            "log",
            "log",
            "Contacts after the decision, oldest first: `{on, outcome, note, next}`; "
            "written by `runnerup log` or by hand.",
            [{"on": "2026-12-03", "outcome": "no-answer"}],
            doc="The contacts since the decision ([the log](#the-log-log)): a list of "
            "`{on, outcome, note, next}`. Written by `runnerup log`, or by hand.",
            shown="`[{on: 2026-12-02, outcome: no-answer}]`",
        ),
        *_SETTING_KEYS,
    ),
    "contact": (
        Key(
            "name",
            "text",
            "The hiring manager's name.",
            "Dana Whitfield",
            required=True,
            doc="The hiring manager's name. The first word is `{contact_first}`.",
        ),
        Key("title", "text", "Their job title.", "VP Product"),
        Key("email", "email", "Email address.", "dana@acme.example"),
        Key(
            "phone",
            "text",
            "Phone number; becomes the event's LOCATION.",
            "+1 555 0100",
            doc='Phone number; becomes the event\'s `LOCATION`. Quote it (`"+1 555 0100"`).',
            shown='`"+1 555 0100"`',
        ),
        Key(
            "linkedin",
            "url",
            "LinkedIn profile; becomes the event's URL.",
            "https://www.linkedin.com/in/dana-whitfield",
            doc="LinkedIn profile (a link); becomes the event's `URL`.",
        ),
        Key(
            "timezone",
            "timezone",
            "Their IANA time zone; default: the calendar's.",
            "America/Chicago",
            doc="Their IANA time zone: `call_time` and `at:` are read in it.",
            default="`calendar.timezone`",
        ),
    ),
    "templates": (
        Key(
            "subject",
            "template",
            "The drafted email's subject.",
            "Following up on the {title} role",
            default="`Following up on the {title} role`",
        ),
        Key(
            "email",
            "template",
            "The drafted email's body.",
            "Hi {contact_first}, it has been {elapsed} since the {title} search.",
            default="built in",
        ),
        Key(
            "message",
            "template",
            "The text to paste into a message (LinkedIn or similar).",
            "Hi {contact_first}, how is the team doing?",
            doc="The text to paste into a message.",
            default="built in",
        ),
    ),
    "log_entry": (
        Key(
            "on",
            "date",
            "The day of the contact (YYYY-MM-DD).",
            "2026-12-03",
            required=True,
            doc="The day of the contact (YYYY-MM-DD). `check` warns about a day in the "
            "future; `runnerup log` refuses one. A day before the role's `decided` is an "
            "error (the log holds follow-ups after the decision).",
            shown="`2026-12-02`",
        ),
        Key(
            "outcome",
            "outcome",
            "What came of it: " + ", ".join(f"`{o}`" for o in OUTCOMES) + ".",
            "no-answer",
            required=True,
            doc="What came of it, one of the outcomes below.",
        ),
        Key(
            "note",
            "text",
            "What was said, or anything worth remembering.",
            "Voicemail full.",
            doc="What was said, or anything worth remembering; shown in the next event.",
        ),
        Key(
            "next",
            "next",
            "The next touchpoint: an offset from `on`, or a local date (and time) in the "
            "contact's zone.",
            "2 weeks",
            doc="One more touchpoint: an offset from `on` (`3 months`), or a local date "
            "(`2027-03-01`, at `call_time`) or date and time (`2027-03-01 09:30`) in the "
            "contact's zone (a time skipped when clocks jump forward moves forward by the "
            "jump, as for `at:`; no weekend or holiday moves a date and time you name). Must "
            "come after `on`; not allowed with `offer` or `declined`.",
            shown="`3 months`",
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
            doc="Pins this touchpoint to a local date and time in the contact's zone "
            "(`YYYY-MM-DD HH:MM`, no zone).",
        ),
    ),
}
