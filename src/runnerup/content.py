"""SPEC §3: what an event says. Plain text only; escaping is the calendar writer's job."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .config import Config, Role
from .draft import Draft, draft_for
from .durations import describe_duration
from .outcomes import OUTCOMES
from .schedule import Call, ordinal, zone_info

NEUTRAL_TITLE = "Follow-up call"


def fields(call: Call) -> dict[str, str]:
    """The placeholders' values for one call (talking points, drafted messages)."""
    values = _fields(call.role, call.touch.after.words)
    last = call.role.history[-1] if call.role.log else None
    values["last_contact"] = long_date(last.on) if last else "no contact yet"
    values["last_outcome"] = OUTCOMES[last.outcome] if last else "none yet"
    values["last_note"] = (last.note or "") if last else ""
    values["attempt"] = ordinal(call.attempt)
    return values


def _fields(role: Role, elapsed: str) -> dict[str, str]:
    """Talking-point values; templates name only these (checked when the config was read)."""
    return {
        "company": role.company,
        "title": role.title,
        "contact": role.contact.name,
        "contact_first": role.contact.first_name,
        "hired": role.hired or "the new hire",
        "decided": long_date(role.decided),
        "elapsed": elapsed,
        "why_close": role.why_close or "how close it was",
    }


# English names, as strftime gives them in the C locale runnerup runs in (it never calls
# setlocale), looked up rather than formatted: four strftime calls per event were a tenth
# of a large build.
_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def long_date(day: date) -> str:
    """`3 September 2026`: unambiguous in every locale."""
    return f"{day.day} {_MONTHS[day.month]} {day.year}"


_VERBS = {"call": "Call", "email": "Email", "message": "Message"}


def summary(call: Call) -> str:
    verb = _VERBS[call.role.settings.channel]
    return f"{verb} {call.role.contact.name} — {call.role.company} ({call.label})"


def draft(call: Call, config: Config) -> Draft:
    """The message to send at this touchpoint: the email (also a call's fallback), or
    for `channel: message` the text to paste."""
    contact = call.role.contact
    return draft_for(
        config, fields(call), call.role.settings.channel, contact.email, contact.linkedin
    )


def prep_summary(call: Call) -> str:
    """Names the channel as the event's own summary does: an email is not a call."""
    verb = _VERBS[call.role.settings.channel].lower()
    return f"Prepare: {verb} {call.role.contact.name} — {call.role.company}"


def alarm_text(call: Call, before: timedelta) -> str:
    when = f"in {describe_duration(before)}" if before else "now"
    verb = _VERBS[call.role.settings.channel]
    return f"{verb} {call.role.contact.name} ({call.role.company}) {when}"


def _when(moment: datetime, zone: str) -> str:
    """`Thu 3 December 2026, 10:00 CST (America/Chicago)`."""
    local = moment.astimezone(zone_info(zone))
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month]} {local.year}, "
        f"{local.hour:02d}:{local.minute:02d} {local.tzname()} ({zone})"
    )


def description(call: Call, your_zone: str, config: Config | None = None) -> str:
    """The event body: why, what to say, when, and how to reach them."""
    role, contact = call.role, call.role.contact
    channel = role.settings.channel
    what = {"call": "Follow-up call", "email": "Follow-up email", "message": "Follow-up message"}
    if call.kind != "planned":  # a retry or next touchpoint: "(90-day follow-up, 2nd try)"
        count = f" ({call.label})"
    else:
        count = f" ({call.number} of {call.of})" if call.of > 1 else ""
    lines = [f"{what[channel]} about the {role.title} role at {role.company}{count}."]
    lines += [
        "",
        "WHY YOU ARE CALLING",
        f"- You came second for {role.title} at {role.company}; you heard on "
        f"{long_date(role.decided)}.",
        f"- Hired: {role.hired or 'not known'}.",
    ]
    if role.started is not None:
        lines.append(f"- {role.hired or 'The new hire'} started on {long_date(role.started)}.")
    if role.why_close:
        lines.append(f"- Why it was close: {role.why_close}")
    if role.log:
        last = role.history[-1]
        lines += [
            "",
            "LAST CONTACT",
            f"- {long_date(last.on)}: {OUTCOMES[last.outcome]}"
            + (f" — {last.note}" if last.note else ""),
        ]
        if call.attempt > 1:
            lines.append(
                f"- This is the {ordinal(call.attempt)} try (at most {role.settings.attempts})."
            )
        lines.append(f"- Contacts so far: {len(role.log)}.")
    lines += ["", "TALKING POINTS"]
    # Validated templates hold plain {name} fields only (no spec, conversion, index or
    # attribute), for which str.format_map is string.Formatter without its Python overhead.
    values = fields(call)
    lines += [f"{n}. {p.format_map(values)}" for n, p in enumerate(role.settings.talking_points, 1)]
    lines += ["", "WHEN", f"- Your time: {_when(call.start, your_zone)}"]
    lines.append(f"- {contact.first_name}'s time: {_when(call.start, call.zone)}")
    if call.moved_because:
        lines.append(
            f"- Moved from {_DAYS[call.planned.weekday()]} {long_date(call.planned)} "
            f"({call.moved_because})."
        )
    if call.touch.at is not None:
        lines.append("- Pinned in the config with `at:`.")
    lines += ["", "CONTACT", contact.name + (f", {contact.title}" if contact.title else "")]
    lines += [
        f"{label}: {value}"
        for label, value in (
            ("Phone", contact.phone),
            ("Email", contact.email),
            ("LinkedIn", contact.linkedin),
        )
        if value
    ]
    if config is not None and (channel != "call" or contact.email):
        lines += _draft_lines(draft(call, config), channel)
    if role.posting:
        lines += ["", f"Posting: {role.posting}"]
    if role.notes:
        lines += ["", "NOTES", role.notes]
    return "\n".join(lines)


def _draft_lines(drafted: Draft, channel: str) -> list[str]:
    """The drafted message in the event: to send, or (for a call) if they do not answer."""
    if drafted.channel == "message":
        lines = ["", "MESSAGE TO PASTE", drafted.body]
        if drafted.to:
            lines.append(f"Send it at: {drafted.to}")
        return lines
    title = "DRAFT EMAIL" if channel == "email" else "IF THEY DO NOT ANSWER: DRAFT EMAIL"
    lines = ["", title]
    if drafted.to:
        lines.append(f"To: {drafted.to}")
    lines += [f"Subject: {drafted.subject}", "", drafted.body]
    link = drafted.mailto
    if drafted.to and link:
        lines += ["", f"Open it in your mail program: {link}"]
    return lines


def prep_description(call: Call, your_zone: str) -> str:
    noun = call.role.settings.channel  # call, email or message
    to = "with" if noun == "call" else "to"
    return "\n".join(
        [
            f"Prepare for the {noun} {to} {call.role.contact.name} about the {call.role.title} "
            f"role at {call.role.company}.",
            f"The {noun}: {_when(call.start, your_zone)}.",
            f"Reread the talking points in the {noun}'s event, and note one thing you can offer.",
        ]
    )


def url(role: Role) -> str | None:
    return role.contact.linkedin or role.posting
