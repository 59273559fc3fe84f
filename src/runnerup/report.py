"""`runnerup check`: everything wrong with a config, and everything worth a second look."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .check import config_warnings
from .errors import ConfigError, Problem
from .model import Config
from .schedule import past_warnings, schedule
from .validate import load_config


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
        today = datetime.now(ZoneInfo(config.timezone)).date()
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
