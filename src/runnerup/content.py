"""SPEC §3: what an event says. Plain text only; escaping is the calendar writer's job."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .config import Role
from .durations import describe_duration
from .schedule import Call, zone_info

NEUTRAL_TITLE = "Follow-up call"


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


def summary(call: Call) -> str:
    label = f"{call.touch.after.label} follow-up"
    return f"Call {call.role.contact.name} — {call.role.company} ({label})"


def prep_summary(call: Call) -> str:
    return f"Prepare: call {call.role.contact.name} — {call.role.company}"


def alarm_text(call: Call, before: timedelta) -> str:
    when = f"in {describe_duration(before)}" if before else "now"
    return f"Call {call.role.contact.name} ({call.role.company}) {when}"


def _when(moment: datetime, zone: str) -> str:
    """`Thu 3 December 2026, 10:00 CST (America/Chicago)`."""
    local = moment.astimezone(zone_info(zone))
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month]} {local.year}, "
        f"{local.hour:02d}:{local.minute:02d} {local.tzname()} ({zone})"
    )


def description(call: Call, your_zone: str) -> str:
    """The event body: why, what to say, when, and how to reach them."""
    role, contact = call.role, call.role.contact
    lines = [
        f"Follow-up call about the {role.title} role at {role.company}"
        + (f" ({call.number} of {call.of})" if call.of > 1 else "")
        + "."
    ]
    lines += [
        "",
        "WHY YOU ARE CALLING",
        f"- You came second for {role.title} at {role.company}; you heard on "
        f"{long_date(role.decided)}.",
        f"- Hired: {role.hired or 'not known'}.",
    ]
    if role.why_close:
        lines.append(f"- Why it was close: {role.why_close}")
    lines += ["", "TALKING POINTS"]
    # Validated templates hold plain {name} fields only (no spec, conversion, index or
    # attribute), for which str.format_map is string.Formatter without its Python overhead.
    values = _fields(role, call.touch.after.words)
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
    if role.posting:
        lines += ["", f"Posting: {role.posting}"]
    if role.notes:
        lines += ["", "NOTES", role.notes]
    return "\n".join(lines)


def prep_description(call: Call, your_zone: str) -> str:
    return "\n".join(
        [
            f"Prepare for the call with {call.role.contact.name} about the {call.role.title} role "
            f"at {call.role.company}.",
            f"The call: {_when(call.start, your_zone)}.",
            "Reread the talking points in the call's event, and note one thing you can offer.",
        ]
    )


def url(role: Role) -> str | None:
    return role.contact.linkedin or role.posting
