"""The floor: the least any Python program can spend writing runnerup's calendar.

The simplest honest single pass over the same job, written without importing runnerup:
PyYAML's C loader (no positions, no validation beyond what the work needs), the
`holidays` package for the days off, zoneinfo, and the same events as `runnerup build`
writes for a fresh output (the same text, escaping, folding, UIDs and order; SEQUENCE 0,
DTSTAMP from SOURCE_DATE_EPOCH; a call to a contact with an email carries the drafted
email and its mailto link), joined with `str.join` and written once. benchmarks/run.py
checks that its bytes are runnerup's before it times anything, and tests/test_floor.py
that they still are after any change to what runnerup writes.

What it leaves out, because the product needs it and the floor does not: located
errors and warnings, the memory of a previous output, atomic writes, privacy levels,
and what the configs of benchmarks/gen.py (without `--log`) do not use: `log:`,
`channel:`, `started:`.

    python benchmarks/floor.py CONFIG.yaml OUT.ics
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import sys
import unicodedata
import uuid
from datetime import date, datetime, time, timedelta, timezone
from functools import cache, lru_cache
from urllib.parse import quote
from zoneinfo import ZoneInfo

import holidays
import yaml

UTC = timezone.utc
NAMESPACE = uuid.UUID("6f1d7a52-3c1e-4a8e-9b0b-52756e6e6572")
POINTS = (  # runnerup's built-in talking points
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
SUBJECT = "Following up on the {title} role"  # runnerup's built-in drafted email
EMAIL = (
    "Hi {contact_first},\n\nIt has been {elapsed} since the {title} search, and I hope "
    "{hired} has settled in well. I enjoyed meeting the team, and I am still keen on "
    "{company}.\n\nIf anything close to that role comes up, or there is someone you think "
    "I should talk to, I would be glad to hear. And if I can help with anything on your "
    "side, just say.\n\nWould you have fifteen minutes for a short call in the next couple "
    "of weeks?\n\nThanks again for your time,"
)
MAILTO_LIMIT = 2000
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six")
NUMBERS += ("seven", "eight", "nine", "ten", "eleven", "twelve")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNITS = {"year": 0, "month": 1, "week": 2, "day": 3}
SECONDS = {"minute": 60, "min": 60, "hour": 3600, "day": 86400, "week": 604800}
CTL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# ------------------------------------------------------------------ values


@lru_cache
def offset(text: object) -> tuple[int, int, int, int]:
    """(years, months, weeks, days) from `90 days`, `1 month 2 weeks`, `P3M`, `90`."""
    raw = str(text).strip()
    if raw.isdigit():
        return (0, 0, 0, int(raw))
    if raw.upper().startswith("P"):
        m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", raw.upper())
        return tuple(int(g or 0) for g in m.groups())  # type: ignore[return-value,union-attr]
    parts = [0, 0, 0, 0]
    for n, unit in re.findall(r"(\d+)\s*([a-z]+)", raw.lower()):
        parts[UNITS[unit.removesuffix("s")]] += int(n)
    return tuple(parts)  # type: ignore[return-value]


@lru_cache
def duration(text: object) -> timedelta | None:
    raw = str(text).strip()
    if raw.lower() in ("none", "no", "off", "false"):
        return None
    if raw.isdigit():
        return timedelta(minutes=int(raw))
    if raw.upper().startswith("P"):
        m = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", raw)
        w, d, h, mi, s = (int(g or 0) for g in m.groups())  # type: ignore[union-attr]
        return timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)
    seconds = sum(
        int(n) * SECONDS[unit.removesuffix("s")]
        for n, unit in re.findall(r"(\d+)\s*([a-z]+)", raw.lower())
    )
    return timedelta(seconds=seconds)


def add(day: date, off: tuple[int, int, int, int]) -> date:
    years, months, weeks, days = off
    if years or months:
        total = day.month - 1 + months + 12 * years
        year, month = day.year + total // 12, total % 12 + 1
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        day = day.replace(year=year, month=month, day=min(day.day, last))
    return day + timedelta(days=days + 7 * weeks)


def plural(n: int, unit: str) -> str:
    return f"{NUMBERS[n] if n < len(NUMBERS) else n} {unit}" + ("" if n == 1 else "s")


@lru_cache
def names(off: tuple[int, int, int, int]) -> tuple[str, str, str]:
    """The offset's identity (`P90D`), label (`90-day`) and words (`three months`)."""
    years, months_, weeks, days_ = off
    months, days = 12 * years + months_, 7 * weeks + days_
    canonical = "P" + (f"{months}M" if months else "") + (f"{days}D" if days or not months else "")
    used = [(n, u) for u, n in zip(UNITS, off, strict=True) if n]
    label = "-".join(f"{n}-{u}" for n, u in used) or "0-day"
    if weeks and not (months or days_):
        words = plural(weeks, "week")
    elif months and days < 15:
        words = plural(months // 12, "year") if months % 12 == 0 else plural(months, "month")
    else:
        total = days + round(months * 30.44)
        if total < 14:
            words = plural(total, "day")
        elif total < 28:
            words = plural(round(total / 7), "week")
        elif total < 365 - 15:
            words = plural(round(total / 30.44), "month")
        else:
            words = plural(round(total / 365.25), "year")
    return canonical, label, words


def described(value: timedelta) -> str:
    days, rest = divmod(int(value.total_seconds()) // 60, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [
        f"{n} {u}" + ("" if n == 1 else "s")
        for n, u in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ]
    return " ".join(parts) or "0 minutes"


def trigger(value: timedelta) -> str:
    """RFC 5545 DURATION for `value` before the start."""
    days, rest = divmod(int(value.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    out = "-P" + (f"{days}D" if days else "")
    if hours or minutes or seconds or not days:
        out += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        out += f"{seconds}S" if seconds or (not hours and not minutes) else ""
    return out


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def days_off(country: str, year: int) -> dict[date, str]:
    code, _, subdiv = country.partition("-")
    table = holidays.country_holidays(code, subdiv=subdiv or None, years=year, language="en_US")
    return {day: "; ".join(sorted(set(n.split("; ")))) for day, n in table.items()}


def free_day(day: date, workdays: set[int], country: str | None, step: int) -> tuple[date, str]:
    """The first workday that is no holiday from `day` on (or back), and why it moved."""
    reasons: list[str] = []
    while True:
        holiday = days_off(country, day.year).get(day) if country else None
        if day.weekday() in workdays and holiday is None:
            return day, ", ".join(reasons)
        reason = holiday or day.strftime("%A")
        if reason not in reasons:
            reasons.append(reason)
        day += timedelta(days=step)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def when(moment: datetime, name: str) -> str:
    local = moment.astimezone(zone(name))
    return f"{local:%a} {long_date(local)}, {local:%H:%M} {local.tzname()} ({name})"


def escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    text = CTL.sub("", text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """75 octets a line, never inside a UTF-8 character nor a TEXT escape (`\\n`)."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:
            end -= 1
        run = end  # an odd run of backslashes before the cut ends in half an escape
        while run > start and data[run - 1] == 0x5C:
            run -= 1
        end -= (end - run) % 2
        parts.append(data[start:end])
        start, limit = end, 74
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def role_slug(company: str, title: str) -> str:
    """runnerup's derived id: ASCII letters and digits, and a hash when non-Latin ones go."""
    text = f"{company} {title}"
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-")
    if any(
        not c.isascii() and c.isalnum() and "LATIN " not in unicodedata.name(c, "") for c in text
    ):
        digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode()).hexdigest()[:8]
        slug = (slug[:39].strip("-") + "-" if slug else "role-") + digest
    return slug or "role"


def encode(text: str) -> str:
    """A mailto field: percent-encoded, line breaks as CRLF (RFC 6068)."""
    return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")


def mailto(address: str, subject: str, body: str) -> str:
    """At most MAILTO_LIMIT characters: the body is cut at a word, with `…`."""
    head = "mailto:" + quote(address, safe="@") + "?subject=" + encode(subject)
    full = head + "&body=" + encode(body)
    if len(full) <= MAILTO_LIMIT:
        return full
    room, words = MAILTO_LIMIT - len(head) - len("&body="), body.split(" ")
    low, high = 0, len(words)  # the most words that fit
    while low < high:
        middle = (low + high + 1) // 2
        if len(encode(" ".join(words[:middle]).rstrip() + " …")) <= room:
            low = middle
        else:
            high = middle - 1
    return head + "&body=" + encode(" ".join(words[:low]).rstrip() + " …") if low else head


def uid(kind: str, role_id: str, canonical: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}\x00{role_id}\x00{canonical}"))


# ------------------------------------------------------------------ the pass


def main(source: str, target: str) -> None:
    # No cycles are made here, and the collector would walk the whole growing heap over
    # and over while the YAML is read (runnerup pauses it too: the floor is the least).
    gc.disable()
    with open(source, "rb") as handle:
        doc = yaml.load(handle, Loader=yaml.CSafeLoader)
    if isinstance(doc, list):
        doc = {"roles": doc}
    cal = doc.get("calendar") or {}
    yours = str(cal.get("timezone", "UTC"))
    defaults = doc.get("defaults") or {}
    templates = doc.get("templates") or {}
    subject_template = str(templates.get("subject") or SUBJECT)
    email_template = str(templates.get("email") or EMAIL)
    now = stamp(datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "0")), UTC))
    events: list[tuple[str, str, bytes]] = []
    for role in doc.get("roles") or []:
        if role.get("status", "open") == "closed":
            continue
        s = {**defaults, **role}
        company, title, decided = str(role["company"]), str(role["title"]), role["decided"]
        contact = role["contact"]
        person = str(contact["name"])
        first = person.split()[0]
        role_id = str(role.get("id") or "")
        if not role_id:
            role_id = f"{role_slug(company, title)}-{decided.isoformat()}"
        their_zone = str(contact.get("timezone") or yours)
        hired, why = role.get("hired"), role.get("why_close")
        workdays = {DAYS.index(str(d).lower()[:3]) for d in s.get("workdays", DAYS[:5])}
        country = str(s.get("holidays") or "none")
        country = None if country.lower() == "none" else country
        call_time = time.fromisoformat(str(s.get("call_time", "10:00")).zfill(5))
        length = duration(s.get("duration", "20 minutes"))
        alarm = duration(s.get("reminder", "30 minutes"))
        prep = duration(s["prep"]) if "prep" in s else None
        points = list(defaults.get("talking_points", POINTS)) + list(role.get("talking_points", []))
        touches = s.get("follow_up", "90 days")
        touches = touches if isinstance(touches, list) else [touches]
        values = {
            "company": company,
            "title": title,
            "contact": person,
            "contact_first": first,
            "hired": hired or "the new hire",
            "decided": long_date(decided),
            "why_close": why or "how close it was",
            "last_contact": "no contact yet",
            "last_outcome": "none yet",
            "last_note": "",
            "attempt": "1st",
        }
        contact_lines = [person + (f", {contact['title']}" if contact.get("title") else "")]
        for label, key in (("Phone", "phone"), ("Email", "email"), ("LinkedIn", "linkedin")):
            if contact.get(key):
                contact_lines.append(f"{label}: {contact[key]}")
        for number, touch in enumerate(touches, 1):
            pinned = isinstance(touch, dict) and "at" in touch
            off = offset(touch["after"] if isinstance(touch, dict) else touch)
            canonical, label, words = names(off)
            planned = add(decided, off)
            if pinned:
                local, moved = datetime.fromisoformat(str(touch["at"])), ""
            else:
                day, moved = free_day(planned, workdays, country, 1)
                local = datetime.combine(day, call_time)
            start = local.replace(tzinfo=zone(their_zone), fold=0).astimezone(UTC)
            lines = [
                f"Follow-up call about the {title} role at {company}"
                + (f" ({number} of {len(touches)})" if len(touches) > 1 else "")
                + ".",
                "",
                "WHY YOU ARE CALLING",
                f"- You came second for {title} at {company}; you heard on {long_date(decided)}.",
                f"- Hired: {hired or 'not known'}.",
            ]
            if why:
                lines.append(f"- Why it was close: {why}")
            lines += ["", "TALKING POINTS"]
            values["elapsed"] = words
            lines += [f"{n}. {p.format_map(values)}" for n, p in enumerate(points, 1)]
            lines += ["", "WHEN", f"- Your time: {when(start, yours)}"]
            lines.append(f"- {first}'s time: {when(start, their_zone)}")
            if moved:
                lines.append(f"- Moved from {planned:%a} {long_date(planned)} ({moved}).")
            if pinned:
                lines.append("- Pinned in the config with `at:`.")
            lines += ["", "CONTACT", *contact_lines]
            email = contact.get("email")
            if email:  # the fallback if they do not answer
                subject = subject_template.format_map(values)
                body = email_template.format_map(values)
                lines += ["", "IF THEY DO NOT ANSWER: DRAFT EMAIL", f"To: {email}"]
                lines += [f"Subject: {subject}", "", body]
                lines += ["", f"Open it in your mail program: {mailto(str(email), subject, body)}"]
            if role.get("posting"):
                lines += ["", f"Posting: {role['posting']}"]
            if role.get("notes"):
                lines += ["", "NOTES", str(role["notes"])]
            begins = stamp(start)
            event = [
                "BEGIN:VEVENT",
                f"UID:{uid('call', role_id, canonical)}",
                f"DTSTAMP:{now}",
                "SEQUENCE:0",
                f"DTSTART:{begins}",
                f"DTEND:{stamp(start + length)}",
                f"SUMMARY:{escape(f'Call {person} — {company} ({label} follow-up)')}",
                f"DESCRIPTION:{escape(chr(10).join(lines))}",
            ]
            if contact.get("phone"):
                event.append(f"LOCATION:{escape(str(contact['phone']))}")
            link = contact.get("linkedin") or role.get("posting")
            if link:
                event.append(f"URL:{link}")
            event += ["CATEGORIES:Job search", "CLASS:PRIVATE", "TRANSP:OPAQUE"]
            event.append("STATUS:CONFIRMED")
            if alarm is not None:
                soon = f"in {described(alarm)}" if alarm else "now"
                event += [
                    "BEGIN:VALARM",
                    "ACTION:DISPLAY",
                    f"TRIGGER:{trigger(alarm)}",
                    f"DESCRIPTION:{escape(f'Call {person} ({company}) {soon}')}",
                    "END:VALARM",
                ]
            event.append("END:VEVENT")
            the_uid = uid("call", role_id, canonical)
            events.append((begins, the_uid, b"".join(map(fold, event))))
            if prep is not None:
                mine = start.astimezone(zone(yours))
                day, _ = free_day((mine - prep).date(), workdays, country, -1)
                if prep < timedelta(days=1) and day == mine.date():
                    day, _ = free_day(day - timedelta(days=1), workdays, country, -1)
                text = (
                    f"Prepare for the call with {person} about the {title} role at {company}.\n"
                    f"The call: {when(start, yours)}.\n"
                    "Reread the talking points in the call's event, and note one thing you "
                    "can offer."
                )
                prep_uid = uid("prep", role_id, canonical)
                event = [
                    "BEGIN:VEVENT",
                    f"UID:{prep_uid}",
                    f"DTSTAMP:{now}",
                    "SEQUENCE:0",
                    f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                    f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
                    f"SUMMARY:{escape(f'Prepare: call {person} — {company}')}",
                    f"DESCRIPTION:{escape(text)}",
                    "CATEGORIES:Job search",
                    "CLASS:PRIVATE",
                    "TRANSP:TRANSPARENT",
                    "STATUS:CONFIRMED",
                    "END:VEVENT",
                ]
                events.append((f"{day:%Y%m%d}", prep_uid, b"".join(map(fold, event))))
    name = escape(str(cal.get("name", "Runner-up follow-ups")))
    about = escape(
        str(cal.get("description", "Follow-up calls to hiring managers, written by runnerup."))
    )
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//runnerup//runnerup//EN",
        "CALSCALE:GREGORIAN",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
        f"DESCRIPTION:{about}",
        f"X-WR-CALDESC:{about}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    events.sort(key=lambda e: (e[0], e[1]))
    with open(target, "wb") as out:
        out.writelines(map(fold, head))
        out.writelines(event for _, _, event in events)
        out.write(b"END:VCALENDAR\r\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
