"""The report of `runnerup check` and all its warnings: everything wrong with a config,
everything worth a second look, and their formats (summary, JSON, GitHub annotations).

Returns text and data; never prints and never exits (cli/check.py does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from .errors import ConfigError, Problem
from .lookups import zone_info
from .model import Config
from .schedule import NO_REPLY, Call, edit_command, schedule, to_utc
from .validate import load_config
from .words import plural


@dataclass
class Report:
    file: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    roles: int = 0
    calls: int = 0

    @property
    def problems(self) -> list[Problem]:
        return sorted(
            self.errors + self.warnings,
            key=lambda p: (p.line, p.column, p.severity != "error", p.path),
        )

    def summary(self) -> str:
        if self.errors:
            return (
                f"{self.file}: {plural(len(self.errors), 'error')}, "
                f"{plural(len(self.warnings), 'warning')}"
            )
        return f"{self.file}: ok: {plural(self.roles, 'role')}, {plural(self.calls, 'call')}" + (
            f", {plural(len(self.warnings), 'warning')}" if self.warnings else ""
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "ok": not self.errors,
            "roles": self.roles,
            "calls": self.calls,
            "problems": [p.as_dict() for p in self.problems],
        }


def reports_dict(reports: list[Report]) -> dict[str, object]:
    """`check --format json`: the totals, then each file's report."""
    return {
        "ok": not any(r.errors for r in reports),
        "errors": sum(len(r.errors) for r in reports),
        "warnings": sum(len(r.warnings) for r in reports),
        "files": [r.as_dict() for r in reports],
    }


def github_annotation(problem: Problem) -> str:
    """`check --format github`: one problem as a GitHub Actions workflow command, its
    text escaped so that no value can end the command or start another."""

    def clean(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return clean(text).replace(":", "%3A").replace(",", "%2C")

    level = "warning" if problem.severity == "warning" else "error"
    title = f"runnerup: {problem.path}" if problem.path else "runnerup"
    return (
        f"::{level} file={prop(problem.file)},line={problem.line},col={problem.column},"
        f"title={prop(title)}::{clean(problem.message)}"
    )


def check_file(path: Path, today: date | None) -> Report:
    """Check one config; `today` None means today in the config's own zone."""
    report = Report(str(path))
    try:
        config = load_config(path)
    except ConfigError as exc:
        # The errors, and the warnings of every role that was valid: fixing the errors
        # should not reveal a second list of problems.
        report.errors = list(exc.problems)
        if isinstance(exc.partial, Config):
            report.warnings = _warnings(exc.partial, today, complete=False)
        return report
    report.warnings = _warnings(config, today)
    report.roles, report.calls = len(config.roles), len(schedule(config))
    return report


def _warnings(config: Config, today: date | None, *, complete: bool = True) -> list[Problem]:
    """What is allowed but probably not meant, in a valid config or (not `complete`) in
    the valid roles of a config with errors."""
    if today is None:
        today = datetime.now(zone_info(config.timezone)).date()
    calls = schedule(config)
    warnings = config_warnings(config, today) + past_warnings(config, calls, today)
    if complete and not config.roles:
        warnings.append(
            Problem(
                config.path,
                1,
                1,
                "roles",
                "no roles yet: add the roles you came second for",
                "warning",
            )
        )
    return warnings


def past_warnings(config: Config, calls: list[Call], today: date) -> list[Problem]:
    """A call already in the past is worth a word: log what happened, close the role or
    pin a new time."""
    out = []
    # Today's midnight in your zone, as an instant: one comparison per call.
    start_of_today = to_utc(datetime.combine(today, time()), config.timezone)
    for call in calls:
        if call.start >= start_of_today:
            continue
        log_args = f"log {call.role.id} {NO_REPLY[call.role.settings.channel]}"
        pin_args = f"pin {call.role.id} WHEN --after '{call.touch.after.text}'"
        when = f"({call.local_start:%Y-%m-%d %H:%M} {call.zone}) is already past"
        if call.kind != "planned":  # a retry or a --next touchpoint: log what happened
            key = f"{call.role.path}.log"
            message = (
                f"the {call.label} with {call.role.contact.name} {when}: log what happened "
                f"(`{edit_command(config.path, log_args)}`, or `spoke`)"
            )
        else:
            key = f"{call.role.path}.follow_up"
            message = (
                f"the {call.touch.after.label} call with {call.role.contact.name} {when}: "
                f"close the role (`{edit_command(config.path, f'close {call.role.id}')}`) or "
                f"pin a new time (`{edit_command(config.path, pin_args)}`)"
            )
        line, column = call.touch.line or call.role.line, call.touch.column or call.role.column
        out.append(Problem(config.path, line, column, key, message, "warning"))
    return out


# --------------------------------------------------------------------------- config warnings


def config_warnings(config: Config, today: date) -> list[Problem]:
    """Things that are allowed but probably not what the user meant."""
    out = list(config.warnings)
    for role in config.roles:
        path = role.path
        if not role.open:
            continue
        channel = role.settings.channel
        # Only a call needs a phone or email; email and message have their own warnings.
        if channel == "call" and not (role.contact.phone or role.contact.email):
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact",
                    f"{role.contact.name} has no phone or email: add one so the "
                    "call is one tap away",
                    "warning",
                )
            )
        if channel == "email" and not role.contact.email:
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact.email",
                    f"`channel: email`, but {role.contact.name} has no email: add "
                    "`email:` so the drafted email has an address",
                    "warning",
                )
            )
        elif channel == "message" and not role.contact.linkedin:
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact.linkedin",
                    f"`channel: message`, but {role.contact.name} has no profile link: add "
                    "`linkedin:` so the event links to where you send it",
                    "warning",
                )
            )
        for entry in role.log:
            if entry.on > today:
                out.append(
                    Problem(
                        config.path,
                        entry.line,
                        entry.column,
                        f"{path}.log[{entry.index}].on",
                        f"this contact ({entry.on.isoformat()}) is in the future: log a "
                        "contact once it has happened",
                        "warning",
                    )
                )
        history = role.history
        end = next((i for i, e in enumerate(history) if e.ends), len(history))
        for entry in history[end + 1 :]:  # the log stops at an ending: say so
            ended = history[end]
            out.append(
                Problem(
                    config.path,
                    entry.line,
                    entry.column,
                    f"{path}.log[{entry.index}]",
                    f"this contact comes after the role ended with `{ended.outcome}` on "
                    f"{ended.on.isoformat()}, so it changes nothing in the calendar; to "
                    "reopen the role, remove or change that entry",
                    "warning",
                )
            )
        if role.started is not None and role.started < role.decided:
            out.append(
                Problem(
                    config.path,
                    *role.where("started"),
                    f"{path}.started",
                    f"`started` ({role.started.isoformat()}) is before `decided` "
                    f"({role.decided.isoformat()}): the new hire starts after the decision; "
                    "check both dates",
                    "warning",
                )
            )
        if role.decided > today:
            out.append(
                Problem(
                    config.path,
                    *role.where("decided"),
                    f"{path}.decided",
                    f"`decided` ({role.decided.isoformat()}) is in the future",
                    "warning",
                )
            )
    return out
