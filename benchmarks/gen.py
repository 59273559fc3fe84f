"""Generate realistic runnerup configs of any size, deterministically.

A benchmark on 10,000 copies of one role measures caches, not the program: these configs
vary what costs time in real use — time zones (both hemispheres, half-hour offsets),
holiday countries and subdivisions, cadences of one to three calls, pinned touchpoints,
prep blocks, alarms, role talking points, closed roles and pinned ids.

    python benchmarks/gen.py 1000 > roles-1000.yaml
    python benchmarks/gen.py 1000 --yaml2ics > events-1000.yaml   # yaml2ics's format
    python benchmarks/gen.py 10000 --log 5 > logged-10000.yaml    # 5 log entries a role
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    None,  # the calendar's zone
)
HOLIDAYS = ("US", "US-CA", "GB-ENG", "DE", "AU-NSW", "JP", "IN", "none")
CADENCES = (
    None,  # the default: 90 days
    ["30 days", "90 days"],
    ["6 weeks", "3 months", "6 months"],
    ["2 weeks", "P90D"],
)
FIRST = ("Dana", "Priya", "Marcus", "Mei", "Jonas", "Aisha", "Tomás", "Ingrid", "Kenji", "Zoë")
LAST = ("Whitfield", "Raman", "Bell", "Tanaka", "Keller", "Okafor", "Núñez", "Berg", "Sato")
TITLES = (
    "Senior Product Manager",
    "Head of Data Platform",
    "Staff Engineer, Payments",
    "Engineering Manager",
    "Director of Design",
    "Principal Data Scientist",
)
WHY = (
    "Final two; the roadmap exercise landed well.",
    "Panel split 3-2; they went with more streaming experience.",
    "Strong system design round; lost on domain depth.",
    None,
)


def header(zone: str = "America/New_York") -> str:
    return f"""\
calendar:
  name: Benchmark follow-ups
  timezone: {zone}
defaults:
  follow_up: 90 days
  call_time: "10:00"
  duration: 20 minutes
  holidays: US
  reminder: 1 day
roles:
"""


def role(i: int, rng: random.Random) -> str:
    """One role as YAML text; `i` keeps derived ids unique."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    decided = date(2026, 7, 1) + timedelta(days=rng.randrange(0, 150))
    lines = [
        f"  - company: Company {i:05d} {rng.choice(('Inc', 'GmbH', 'Ltd', 'Pty'))}",
        f"    title: {rng.choice(TITLES)}",
        f"    decided: {decided.isoformat()}",
    ]
    if i % 7 == 0:
        lines.append(f"    id: role-{i}")
    lines += ["    contact:", f"      name: {first} {last}"]
    if rng.random() < 0.6:
        lines.append(f"      title: VP {rng.choice(('Product', 'Engineering', 'Data'))}")
    if rng.random() < 0.8:
        lines.append(f"      email: {first.lower()}.{i}@example.com")
    if rng.random() < 0.5:
        lines.append(f'      phone: "+1 555 {i % 10000:04d}"')
    if rng.random() < 0.4:
        lines.append(f"      linkedin: https://www.linkedin.com/in/person-{i}")
    zone = rng.choice(ZONES)
    if zone:
        lines.append(f"      timezone: {zone}")
    if rng.random() < 0.6:
        lines.append(f"    hired: {rng.choice(FIRST)} {rng.choice(LAST)}")
    why = rng.choice(WHY)
    if why:
        lines.append(f'    why_close: "{why}"')
    if rng.random() < 0.5:
        lines.append(f"    posting: https://jobs.example.com/{i}")
    if rng.random() < 0.3:
        lines.append("    notes: Prefers a call to a video meeting; keep it short.")
    if rng.random() < 0.5:
        lines.append(f"    holidays: {rng.choice(HOLIDAYS)}")
    if rng.random() < 0.3:
        lines.append(f'    call_time: "{rng.choice(("08:30", "11:00", "15:00", "16:45"))}"')
    if rng.random() < 0.2:
        lines.append(f"    prep: {rng.choice(('1 day', '2 days', '4 hours'))}")
    if rng.random() < 0.1:
        lines.append(f"    reminder: {rng.choice(('none', '2 hours', '30 minutes'))}")
    if rng.random() < 0.2:
        lines += [
            "    talking_points:",
            "      - Mention the churn analysis shipped at Globex in {decided}.",
        ]
    cadence = rng.choice(CADENCES)
    if rng.random() < 0.05:  # a pinned touchpoint
        pin = decided + timedelta(days=95)
        lines += [
            "    follow_up:",
            "      - 30 days",
            "      - after: 90 days",
            f"        at: {pin.isoformat()} 11:00",
        ]
    elif cadence:
        lines.append("    follow_up:")
        lines += [f"      - {offset}" for offset in cadence]
    if rng.random() < 0.1:
        lines.append("    status: closed")
    return "\n".join(lines) + "\n"


LOG_OUTCOMES = (
    "no-answer",
    "left-message",
    "emailed",
    "spoke",
    "messaged",
    "referred",
    "not-now",
    "interview",
)


def log_lines(i: int, decided: date, entries: int) -> list[str]:
    """`entries` contacts after the 90-day mark, one flow line each as `runnerup log`
    writes them: retries, conversations, a `next` now and then, and 2% of roles ending."""
    rng = random.Random(i)
    lines = ["    log:"]
    day = decided + timedelta(days=88 + rng.randrange(0, 5))
    for k in range(entries):
        outcome = rng.choice(LOG_OUTCOMES)
        if k == entries - 1 and rng.random() < 0.02:
            outcome = rng.choice(("offer", "declined"))
        extra = ""
        if outcome == "not-now":
            extra = f", next: {rng.choice(('2 months', '3 months', '6 weeks'))}"
        if rng.random() < 0.3:
            extra = ", note: Said to try again after the quarter closes" + extra
        lines.append(f"      - {{on: {day.isoformat()}, outcome: {outcome}{extra}}}")
        day += timedelta(days=rng.randrange(2, 12))
    return lines


def config_text(n: int, seed: int = 5, log: int = 0) -> str:
    """A config with `n` roles (and `log` contacts each); the same arguments give the
    same bytes, and `log` changes nothing else."""
    rng = random.Random(seed)
    roles = []
    for i in range(n):
        text = role(i, rng)
        if log:
            decided = date.fromisoformat(text.split("decided: ", 1)[1][:10])
            text += "\n".join(log_lines(i, decided, log)) + "\n"
        roles.append(text)
    return header() + "".join(roles)


def yaml2ics_text(config: str) -> str:
    """The same events in yaml2ics's input format (its `events:` list), from the naive
    script's plan, so both outside tools write the same calls."""
    import yaml
    from naive import plan

    events = []
    for e in plan(yaml.load(config, Loader=yaml.CSafeLoader)):
        if "day" in e:  # no `end`: yaml2ics makes it an all-day event
            events.append(
                {
                    "summary": e["summary"],
                    "begin": e["day"],
                    "uid": e["uid"],
                    "description": e["description"],
                    "transparent": True,
                }
            )
            continue
        event = {
            "summary": e["summary"],
            "begin": e["start"],
            "end": e["end"],
            "uid": e["uid"],
            "description": e["description"],
            "classification": "PRIVATE",
            "categories": ["Job search"],
        }
        if e["location"]:
            event["location"] = e["location"]
        if e["url"]:
            event["url"] = e["url"]
        if e["alarm"] is not None:  # yaml2ics has no alarm key; its `ics:` adds raw lines
            minutes = int(e["alarm"].total_seconds() // 60)
            event["ics"] = (
                f"BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT{minutes}M\n"
                f"DESCRIPTION:{e['summary']}\nEND:VALARM\n"
            )
        events.append(event)
    doc = {"name": "Benchmark follow-ups", "events": events}
    return yaml.dump(doc, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    log = int(sys.argv[sys.argv.index("--log") + 1]) if "--log" in sys.argv else 0
    text = config_text(n, log=log)
    sys.stdout.write(yaml2ics_text(text) if "--yaml2ics" in sys.argv else text)
