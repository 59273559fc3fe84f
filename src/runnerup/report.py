"""`runnerup check`: everything wrong with a config, and everything worth a second look."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .config import config_warnings, load_config
from .errors import ConfigError, Problem
from .schedule import past_warnings, schedule


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
                f"{self.file}: {_count(len(self.errors), 'error')}, "
                f"{_count(len(self.warnings), 'warning')}"
            )
        return f"{self.file}: ok: {_count(self.roles, 'role')}, {_count(self.calls, 'call')}" + (
            f", {_count(len(self.warnings), 'warning')}" if self.warnings else ""
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "ok": not self.errors,
            "roles": self.roles,
            "calls": self.calls,
            "problems": [p.as_dict() for p in self.problems],
        }


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def check_file(path: Path, today: date | None) -> Report:
    """Check one config; `today` None means today in the config's own zone."""
    report = Report(str(path))
    try:
        config = load_config(path)
    except ConfigError as exc:
        report.errors = list(exc.problems)
        return report
    if today is None:
        today = datetime.now(ZoneInfo(config.timezone)).date()
    calls = schedule(config)
    report.roles, report.calls = len(config.roles), len(calls)
    report.warnings = config_warnings(config, today) + past_warnings(config, calls, today)
    if not config.roles:
        report.warnings.append(
            Problem(
                str(path),
                1,
                1,
                "roles",
                "no roles yet: add the roles you came second for",
                "warning",
            )
        )
    return report
