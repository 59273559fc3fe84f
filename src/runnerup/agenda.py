"""What is coming up: the calls ahead, soonest first, and those you may have missed, as
the lines and the JSON data `runnerup agenda` prints. Returns text; never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .content import summary
from .lookups import zone_info
from .model import Config, LogEntry, Role
from .outcomes import OUTCOMES
from .schedule import NO_REPLY, Call, edit_command, plan_role
from .words import plural

OVERDUE_DAYS = 30
"""A missed call stays on the agenda this long, like a cancelled one in the calendar."""


@dataclass(frozen=True)
class Item:
    call: Call
    your_zone: str
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def as_dict(self) -> dict[str, object]:
        call, role, last = self.call, self.call.role, self.last
        yours = call.start.astimezone(zone_info(self.your_zone))
        theirs = call.local_start
        return {
            "role": role.id,
            "company": role.company,
            "title": role.title,
            "contact": role.contact.name,
            "phone": role.contact.phone,
            "email": role.contact.email,
            "channel": role.settings.channel,
            "summary": summary(call),
            "touchpoint": call.touch.after.label,
            "uid": call.uid,
            "start": call.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "your_time": yours.isoformat(),
            "your_zone": self.your_zone,
            "contact_time": theirs.isoformat(),
            "contact_zone": call.zone,
            "days_left": self.days_left,
            "overdue": self.overdue,
            "attempt": call.attempt,
            "kind": call.kind,
            "last_contact": last.on.isoformat() if last else None,
            "last_outcome": last.outcome if last else None,
        }

    @property
    def last(self) -> LogEntry | None:
        return self.call.role.history[-1] if self.call.role.log else None


def last_text(entry: LogEntry) -> str:
    """`last: no answer on 2026-12-02`: what the agenda shows after a logged contact."""
    return f"last: {OUTCOMES[entry.outcome]} on {entry.on.isoformat()}"


def log_hint(role: Role, config_path: str) -> str:
    """What to run after a missed touchpoint: the no-reply outcome of its channel."""
    command = edit_command(config_path, f"log {role.id} {NO_REPLY[role.settings.channel]}")
    return f"log it: {command} (or spoke)"


@dataclass(frozen=True)
class Done:
    """A touchpoint that reached its last try without a reply."""

    call: Call
    entry: LogEntry  # the contact that used the last try

    def text(self) -> str:
        role = self.call.role
        return (
            f"{role.contact.name} — {role.company}: the {self.call.touch.after.label} "
            f"follow-up is done after {plural(self.call.attempt, 'try', 'tries')} without a reply "
            f"({last_text(self.entry)})"
        )


def finished(config: Config, today: date, *, everything: bool = False) -> list[Done]:
    """Touchpoints whose tries ran out in the last 30 days (all with `everything`)."""
    out = []
    for role in config.roles:
        if not role.open or not role.log:
            continue
        plan = plan_role(role, config.zone_of(role), config.timezone)
        by_uid = {c.uid: e for c, e in plan.answered}
        for call in plan.exhausted:
            entry = by_uid[call.uid]
            if everything or (today - entry.on).days <= OVERDUE_DAYS:
                out.append(Done(call, entry))
    out.sort(key=lambda d: (d.entry.on, d.call.role.id))
    return out


def agenda(
    calls: list[Call], today: date, your_zone: str, *, everything: bool = False
) -> list[Item]:
    """Calls from `today` on, plus overdue ones of the last 30 days (all with `everything`)."""
    zone = zone_info(your_zone)
    items = []
    for call in calls:
        days = (call.start.astimezone(zone).date() - today).days
        if everything or days >= -OVERDUE_DAYS:
            items.append(Item(call, your_zone, days))
    return items


def when_text(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 0:
        return f"in {days} days"
    return f"OVERDUE {plural(-days, 'day')}"


def as_json(items: list[Item]) -> list[dict[str, object]]:
    """`agenda --json`: each item's data."""
    return [item.as_dict() for item in items]


class Line(NamedTuple):
    """One line of `runnerup agenda`; an overdue call's line is shown in red."""

    text: str
    overdue: bool = False


def text_lines(
    config: Config, items: list[Item], today: date, *, everything: bool = False
) -> list[Line]:
    """`runnerup agenda`: each call ahead (then what to log after a missed one), then the
    touchpoints whose tries ran out."""
    done = finished(config, today, everything=everything)
    lines = []
    if not items:
        lines.append(Line("nothing coming up: no open roles with calls ahead"))
    zone = zone_info(config.timezone)
    width = max((len(when_text(i.days_left)) for i in items), default=0)
    for item in items:
        local = item.call.start.astimezone(zone)
        when = when_text(item.days_left).ljust(width)
        line = f"{when}  {local:%a %Y-%m-%d %H:%M}  {summary(item.call)}"
        contact = item.call.role.contact
        reach = contact.phone or contact.email
        if reach:
            line += f"  [{reach}]"
        if item.last is not None:
            line += f"  ({last_text(item.last)})"
        lines.append(Line(line, item.overdue))
        if item.overdue:
            lines.append(Line(" " * (width + 2) + log_hint(item.call.role, config.path)))
    lines += [Line(f"done: {finished_item.text()}") for finished_item in done]
    return lines
