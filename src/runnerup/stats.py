"""`runnerup stats`: what the follow-ups led to, as numbers, a terminal chart and a page.

Pure: the config, the schedule and "today" in, plain data and text out; never prints or
writes the page (the CLI does). The page (`page`) is one
self-contained HTML file: inline SVG, no JavaScript, no fonts or images from anywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from html import escape
from statistics import median

from .lookups import zone_info
from .model import Config, LogEntry, Role
from .outcomes import OUTCOMES
from .schedule import plan_role
from .words import plural

BAR_WIDTH = 30
"""The longest bar of the terminal chart, in characters."""


@dataclass
class Stats:
    """The numbers `stats` reports; `as_dict` is its JSON."""

    today: date
    roles: int = 0
    open: int = 0
    closed: int = 0
    ended: Counter[str] = field(default_factory=Counter)  # offer / declined
    due: int = 0  # touchpoints due by today, answered or not
    overdue: int = 0  # due and not answered
    outcomes: Counter[str] = field(default_factory=Counter)
    contacted: int = 0  # roles with at least one contact
    replied: int = 0  # roles with at least one reply
    first_contact_days: list[int] = field(default_factory=list)
    months: dict[str, Counter[str]] = field(default_factory=dict)
    contacts: list[tuple[date, str, str]] = field(default_factory=list)  # (on, outcome, role)

    @property
    def reply_rate(self) -> float | None:
        return self.replied / self.contacted if self.contacted else None

    @property
    def median_days(self) -> float | None:
        return median(self.first_contact_days) if self.first_contact_days else None

    def funnel(self) -> list[tuple[str, int]]:
        """Roles at each step, each step a subset of the one before."""
        roles_with = {o: len({r for _, out, r in self.contacts if out == o}) for o in OUTCOMES}
        talked = {r for _, out, r in self.contacts if out in ("referred", "interview", "offer")}
        return [
            ("roles", self.roles),
            ("contacted", self.contacted),
            ("replied", self.replied),
            ("referral or interview", len(talked)),
            ("offer", roles_with["offer"]),
        ]

    def as_dict(self) -> dict[str, object]:
        rate = self.reply_rate
        days = self.median_days
        return {
            "today": self.today.isoformat(),
            "roles": self.roles,
            "open": self.open,
            "closed": self.closed,
            "ended": dict(sorted(self.ended.items())),
            "touchpoints_due": self.due,
            "overdue": self.overdue,
            "contacts": sum(self.outcomes.values()),
            "outcomes": {o: self.outcomes[o] for o in OUTCOMES},
            "roles_contacted": self.contacted,
            "roles_replied": self.replied,
            "reply_rate": None if rate is None else round(rate, 4),
            "referrals": self.outcomes["referred"],
            "interviews": self.outcomes["interview"],
            "offers": self.outcomes["offer"],
            "median_days_to_first_contact": days,
            "months": {
                month: {o: n for o, n in counts.items() if n}
                for month, counts in sorted(self.months.items())
            },
        }


def collect(configs: list[Config], today: date) -> Stats:
    """The numbers over every role of every config; contacts after `today` do not count."""
    stats = Stats(today)
    for config in configs:
        for role in config.roles:
            _add_role(stats, config, role, today)
    stats.contacts.sort()
    return stats


def _add_role(stats: Stats, config: Config, role: Role, today: date) -> None:
    stats.roles += 1
    entries: list[LogEntry] = [e for e in role.history if e.on <= today]
    if len(entries) < len(role.log):  # as of today: a contact yet to come answers nothing
        role = replace(role, log=tuple(e for e in role.log if e.on <= today))
    plan = plan_role(role, config.zone_of(role), config.timezone)
    yours = zone_info(config.timezone)
    # An answered touchpoint counts once its day has come (a retry can be answered early).
    stats.due += sum(1 for call, _ in plan.answered if call.start.astimezone(yours).date() <= today)
    if plan.ended is not None and plan.ended.on <= today:
        stats.ended[plan.ended.outcome] += 1
    elif not role.open:
        stats.closed += 1
    else:
        stats.open += 1
        late = [c for c in plan.pending if c.start.astimezone(yours).date() < today]
        due_today = [c for c in plan.pending if c.start.astimezone(yours).date() == today]
        stats.due += len(late) + len(due_today)
        stats.overdue += len(late)
    if not entries:
        return
    stats.contacted += 1
    if any(e.replied for e in entries):
        stats.replied += 1
    stats.first_contact_days.append((entries[0].on - role.decided).days)
    for entry in entries:
        stats.outcomes[entry.outcome] += 1
        stats.months.setdefault(f"{entry.on:%Y-%m}", Counter())[entry.outcome] += 1
        stats.contacts.append((entry.on, entry.outcome, f"{config.path}\x00{role.id}"))


# --------------------------------------------------------------------------- text


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(100 * value)}%"


def text(stats: Stats) -> list[str]:
    """The report for a terminal or a pipe: plain text, a bar chart of `#`, no colour."""
    ended = ", ".join(f"{n} {o}" for o, n in sorted(stats.ended.items()))
    days = stats.median_days
    lines = [
        f"roles: {stats.roles} ({stats.open} open, {stats.closed} closed"
        + (f", ended: {ended}" if ended else "")
        + ")",
        f"touchpoints due: {stats.due} ({stats.overdue} overdue)",
        f"contacts: {sum(stats.outcomes.values())} with {plural(stats.contacted, 'role')}; "
        f"reply rate {_percent(stats.reply_rate)} "
        f"({stats.replied} of {stats.contacted} replied)",
        f"referrals: {stats.outcomes['referred']}, interviews: {stats.outcomes['interview']}, "
        f"offers: {stats.outcomes['offer']}",
        "median days from decision to first contact: " + ("n/a" if days is None else f"{days:g}"),
    ]
    if not stats.outcomes:
        return [*lines, "", "no contacts logged yet: `runnerup log ROLE OUTCOME` after a call"]
    lines += ["", "outcomes"]
    top = max(stats.outcomes.values())
    width = max(len(o) for o in OUTCOMES)
    for outcome in OUTCOMES:
        n = stats.outcomes[outcome]
        if n:
            bar = "#" * max(1, round(BAR_WIDTH * n / top))
            lines.append(f"  {outcome.ljust(width)}  {bar} {n}")
    lines += ["", "by month"]
    for month, counts in sorted(stats.months.items()):
        parts = ", ".join(f"{o} {counts[o]}" for o in OUTCOMES if counts[o])
        lines.append(f"  {month}  {sum(counts.values())}: {parts}")
    return lines


# --------------------------------------------------------------------------- the page

COLOURS = {
    "no-answer": "#9aa5b1",
    "left-message": "#7b8794",
    "emailed": "#8e9aaf",
    "messaged": "#a3a1c9",
    "spoke": "#3e7cb1",
    "referred": "#2a9d8f",
    "interview": "#e9a23b",
    "offer": "#2b9348",
    "not-now": "#c8b273",
    "declined": "#c0392b",
}
"""No reply in greys, conversations in colour; readable on white and in greyscale."""


def page(stats: Stats, title: str = "What the follow-ups led to") -> str:
    """One self-contained HTML page: the numbers, the funnel and a timeline of contacts."""
    rate = _percent(stats.reply_rate)
    cards = [
        ("roles", str(stats.roles)),
        ("contacts", str(sum(stats.outcomes.values()))),
        ("reply rate", rate),
        ("referrals", str(stats.outcomes["referred"])),
        ("interviews", str(stats.outcomes["interview"])),
        ("offers", str(stats.outcomes["offer"])),
        ("overdue", str(stats.overdue)),
    ]
    card_html = "".join(
        f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in cards
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 52rem;
       color: #1f2933; padding: 0 1rem; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.1rem; margin-top: 2rem; }}
.cards {{ display: flex; flex-wrap: wrap; gap: .75rem; }}
.card {{ border: 1px solid #d9e2ec; border-radius: .5rem; padding: .5rem .9rem; }}
.card b {{ display: block; font-size: 1.4rem; }} .card span {{ color: #52606d; }}
svg text {{ font-family: system-ui, sans-serif; font-size: 12px; fill: #1f2933; }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p>As of {stats.today.isoformat()}. Written by runnerup stats.</p>
<div class="cards">{card_html}</div>
<h2>Funnel</h2>
{_funnel_svg(stats)}
<h2>Contacts over time</h2>
{_timeline_svg(stats)}
</body>
</html>
"""


def _funnel_svg(stats: Stats) -> str:
    steps = stats.funnel()
    top = max(1, steps[0][1])
    width, label, row = 640, 170, 34
    bars = []
    for i, (name, n) in enumerate(steps):
        y = 10 + i * row
        w = round((width - label - 60) * n / top)
        bars.append(
            f'<text x="{label - 8}" y="{y + 17}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label}" y="{y}" width="{max(w, 1)}" height="24" rx="3" '
            f'fill="#3e7cb1" opacity="{1 - i * 0.15:.2f}"><title>{escape(name)}: {n}</title>'
            f"</rect>"
            f'<text x="{label + max(w, 1) + 6}" y="{y + 17}">{n}</text>'
        )
    height = 20 + len(steps) * row
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Funnel">{"".join(bars)}</svg>'
    )


def _timeline_svg(stats: Stats) -> str:
    width, height, left, right, top = 640, 150, 20, 20, 20
    if not stats.contacts:
        return "<p>No contacts logged yet.</p>"
    first = min(on for on, _, _ in stats.contacts).replace(day=1)
    last = max(stats.today, max(on for on, _, _ in stats.contacts))
    span = max(1, (last - first).days)

    def x(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span

    parts = [
        f'<line x1="{left}" y1="{top + 60}" x2="{width - right}" y2="{top + 60}" stroke="#9aa5b1"/>'
    ]
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    every = max(1, -(-len(months) * 70 // (width - left - right)))  # labels 70 px apart
    for i, month in enumerate(months):
        tick = f'<line x1="{x(month):.1f}" y1="{top + 55}" x2="{x(month):.1f}" '
        tick += f'y2="{top + 65}" stroke="#9aa5b1"/>'
        if i % every == 0:
            tick += f'<text x="{x(month):.1f}" y="{top + 82}">{month:%b %Y}</text>'
        parts.append(tick)
    # Dots of one day stack up, 12 px apart; a day with more than fits in the 60 px above
    # the axis squeezes every stack alike, so all stay in the picture and in proportion.
    tallest = max(Counter(on for on, _, _ in stats.contacts).values())
    step = min(12.0, 60 / max(1, tallest - 1))
    stacks: Counter[date] = Counter()
    for on, outcome, _ in stats.contacts:
        level = stacks[on]
        stacks[on] += 1
        parts.append(
            f'<circle cx="{x(on):.1f}" cy="{top + 60 - step * level:.1f}" r="5" '
            f'fill="{COLOURS[outcome]}"><title>{on.isoformat()}: {escape(outcome)}</title>'
            "</circle>"
        )
    used = [o for o in OUTCOMES if stats.outcomes[o]]
    for i, outcome in enumerate(used):
        lx = left + (i % 5) * 120
        ly = top + 100 + (i // 5) * 18
        parts.append(
            f'<circle cx="{lx + 5}" cy="{ly - 4}" r="5" fill="{COLOURS[outcome]}"/>'
            f'<text x="{lx + 14}" y="{ly}">{escape(outcome)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Contacts over time">'
        f"{''.join(parts)}</svg>"
    )
