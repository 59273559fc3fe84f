"""The same job done by hand: the baseline runnerup's build is measured against.

A fair, honest script of the kind anyone would write in an afternoon: PyYAML's C loader
(no positions, no validation), dateutil for months, zoneinfo for the contact's zone,
icalendar's objects and serializer. Per role and touchpoint it writes the call (UTC
times, summary, the same description sections with filled talking points, phone,
link, categories, class, one alarm) and the optional all-day prep block, moving dates
off weekends. It skips what runnerup adds on top: validation with line numbers,
public holidays, and the memory of the previous output (SEQUENCE, DTSTAMP, CANCELLED).

    python benchmarks/naive.py CONFIG.yaml OUT.ics
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from dateutil.relativedelta import relativedelta

UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
POINTS = (  # as many, and as long, as runnerup's built-in points
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


def offset(text: Any) -> relativedelta:
    text = str(text)
    iso = re.fullmatch(r"P(?:(\d+)M)?(?:(\d+)D)?", text)
    if iso:
        return relativedelta(months=int(iso[1] or 0), days=int(iso[2] or 0))
    parts = {UNITS[u.rstrip("s")]: int(n) for n, u in re.findall(r"(\d+)\s*([a-z]+)", text)}
    return relativedelta(**parts)


def duration(text: Any) -> timedelta | None:
    if text in (None, "none"):
        return None
    n, unit = str(text).split()
    return timedelta(seconds=int(n) * SECONDS[unit.rstrip("s")])


def plan(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every event as plain values (also what the yaml2ics input is written from)."""
    cal = doc.get("calendar", {})
    your_zone = ZoneInfo(cal.get("timezone", "UTC"))
    defaults = doc.get("defaults", {})
    out = []
    for role in doc["roles"]:
        s = {**defaults, **role}
        if s.get("status") == "closed":
            continue
        contact = role["contact"]
        zone = ZoneInfo(contact.get("timezone") or cal.get("timezone", "UTC"))
        decided = role["decided"]
        first = contact["name"].split()[0]
        values = {
            "company": role["company"],
            "title": role["title"],
            "contact": contact["name"],
            "contact_first": first,
            "hired": role.get("hired") or "the new hire",
            "decided": f"{decided.day} {decided:%B %Y}",
            "why_close": role.get("why_close") or "how close it was",
        }
        points = list(defaults.get("talking_points", POINTS)) + role.get("talking_points", [])
        touches = s.get("follow_up", "90 days")
        touches = touches if isinstance(touches, list) else [touches]
        hh, mm = str(s.get("call_time", "10:00")).split(":")
        length = duration(s.get("duration", "20 minutes"))
        alarm = duration(s.get("reminder", "30 minutes"))
        prep = duration(s.get("prep"))
        for n, touch in enumerate(touches, 1):
            after = touch["after"] if isinstance(touch, dict) else touch
            if isinstance(touch, dict) and "at" in touch:
                local = datetime.fromisoformat(str(touch["at"]))
            else:
                day = decided + offset(after)
                while day.weekday() >= 5:
                    day += timedelta(days=1)
                local = datetime.combine(day, time(int(hh), int(mm)))
            start = local.replace(tzinfo=zone).astimezone(timezone.utc)
            mine = start.astimezone(your_zone)
            filled = [p.format(elapsed=str(after), **values) for p in points]
            text = "\n".join(
                [
                    f"Follow-up call about the {role['title']} role at {role['company']}.",
                    "",
                    "WHY YOU ARE CALLING",
                    f"- You came second for {role['title']} at {role['company']}.",
                    f"- Hired: {role.get('hired') or 'not known'}.",
                    "",
                    "TALKING POINTS",
                    *(f"{i}. {p}" for i, p in enumerate(filled, 1)),
                    "",
                    "WHEN",
                    f"- Your time: {mine:%a %d %B %Y, %H:%M %Z}",
                    f"- {first}'s time: {local:%a %d %B %Y, %H:%M} ({zone.key})",
                    "",
                    "CONTACT",
                    contact["name"],
                    *(f"{k}: {contact[k]}" for k in ("phone", "email", "linkedin") if k in contact),
                    *([f"Posting: {role['posting']}"] if "posting" in role else []),
                    *([f"NOTES\n{role['notes']}"] if "notes" in role else []),
                ]
            )
            event = {
                "uid": f"{role.get('id', role['company'])}-{n}@naive",
                "summary": f"Call {contact['name']} — {role['company']} ({after} follow-up)",
                "start": start,
                "end": start + length,
                "description": text,
                "location": contact.get("phone"),
                "url": contact.get("linkedin") or role.get("posting"),
                "alarm": alarm,
            }
            out.append(event)
            if prep is not None:
                day = (mine - prep).date()
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                out.append(
                    {
                        "uid": f"{role.get('id', role['company'])}-{n}-prep@naive",
                        "summary": f"Prepare: call {contact['name']} — {role['company']}",
                        "day": day,
                        "description": f"Prepare for the call with {contact['name']}.",
                    }
                )
    return out


def main(src: str, dst: str) -> None:
    import icalendar

    with open(src, "rb") as f:
        doc = yaml.load(f, Loader=yaml.CSafeLoader)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//naive//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", doc.get("calendar", {}).get("name", "Follow-ups"))
    stamp = datetime.now(timezone.utc)
    for e in plan(doc):
        event = icalendar.Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", stamp)
        event.add("summary", e["summary"])
        event.add("description", e["description"])
        if "day" in e:
            day: date = e["day"]
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            event.add("dtstart", e["start"])
            event.add("dtend", e["end"])
            if e["location"]:
                event.add("location", e["location"])
            if e["url"]:
                event.add("url", e["url"])
            event.add("categories", ["Job search"])
            event.add("class", "PRIVATE")
            event.add("transp", "OPAQUE")
            if e["alarm"] is not None:
                alarm = icalendar.Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("trigger", -e["alarm"])
                alarm.add("description", e["summary"])
                event.add_component(alarm)
        cal.add_component(event)
    with open(dst, "wb") as f:
        f.write(cal.to_ical())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
