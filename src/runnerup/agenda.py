"""What is coming up: the calls ahead, soonest first, and those you may have missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from .content import summary
from .schedule import Call

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
        call, role = self.call, self.call.role
        yours = call.start.astimezone(ZoneInfo(self.your_zone))
        theirs = call.local_start
        return {
            "role": role.id,
            "company": role.company,
            "title": role.title,
            "contact": role.contact.name,
            "phone": role.contact.phone,
            "email": role.contact.email,
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
        }


def agenda(
    calls: list[Call], today: date, your_zone: str, *, everything: bool = False
) -> list[Item]:
    """Calls from `today` on, plus overdue ones of the last 30 days (all with `everything`)."""
    zone = ZoneInfo(your_zone)
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
    return f"OVERDUE {-days} day{'s' if days < -1 else ''}"
