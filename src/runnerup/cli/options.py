"""The options and argument types several commands share: file names, dates, the config
to read or edit. Parsing only: no I/O, no printing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import default_config

FC = TypeVar("FC", bound=Callable[..., Any])
"""A command function (or command) that an option decorates."""

if TYPE_CHECKING:  # generic in click's annotations (8.2+), not at run time in 8.1
    _WhenBase = click.ParamType[datetime | date]
else:
    _WhenBase = click.ParamType


class FilePath(click.Path):
    """A file name: no folder (click.Path's check), and never empty, which Path() would
    silently turn into "." (the current folder)."""

    def __init__(self, dash: bool = False) -> None:
        super().__init__(dir_okay=False, path_type=Path)
        self.dash = dash

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail(
                "an empty file name names no file; give a file name"
                + (" (or - for stdout)" if self.dash else ""),
                param,
                ctx,
            )
        if value == "-" and not self.dash:  # `-` is stdin/stdout elsewhere: never a file
            self.fail(
                "runnerup reads and writes files here, not stdin or stdout; give a file name "
                "(./- for a file named -)",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


def config_path(value: Path | None) -> Path:
    """The config a command works on: as given, else $RUNNERUP_CONFIG, else runnerup.yaml
    (click fills in the variable for most commands; `check`'s many files and completion
    come here without it)."""
    if value is not None:
        return value
    return Path(default_config())


def today_in(value: datetime | None, zone: str) -> date:
    """`--today`, else today's date in your calendar's zone (not the machine's)."""
    from ..lookups import zone_info

    return value.date() if value else datetime.now(zone_info(zone)).date()


config_argument = click.argument(
    "config",
    required=False,
    envvar="RUNNERUP_CONFIG",
    type=FilePath(),
)
privacy_option = click.option(
    "--privacy",
    type=click.Choice(["full", "busy"]),
    default="full",
    show_default=True,
    help="busy: times and a neutral title only, for feeds that leave the machine.",
)


class Day(click.DateTime):
    """A YYYY-MM-DD date within the dates runnerup reads (config.EARLIEST to LATEST): a
    date near year 1 or 9999 would overflow when it becomes an instant in your zone."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """`YYYY-MM-DD` in --help, not click's `[%Y-%m-%d]`, which reads as strftime."""
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        from ..validate import read_day

        try:
            day = read_day(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return datetime(day.year, day.month, day.day)


today_option = click.option(
    "--today",
    type=Day(),
    default=None,
    help="Pretend today is this date, for scripts and tests.",
)


class When(_WhenBase):
    """YYYY-MM-DD HH:MM (or with T), or a date alone for the role's usual call time."""

    name = "when"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (date, datetime)):
            return value
        text = str(value).strip()
        for form in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
            try:
                return datetime.strptime(text, form)
            except ValueError:
                pass
        try:
            return datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.fail(
                f"{value!r} is not a date and time: write YYYY-MM-DD HH:MM (in quotes), "
                "YYYY-MM-DDTHH:MM, or YYYY-MM-DD for the usual call time",
                param,
                ctx,
            )


def _config_option(verb: str) -> Callable[[FC], FC]:
    """`-c/--config`, the config file the command will `verb`."""
    return click.option(
        "-c",
        "--config",
        type=FilePath(),
        envvar="RUNNERUP_CONFIG",
        help=f"The config file to {verb} (default: $RUNNERUP_CONFIG, else runnerup.yaml).",
    )


edit_config_option = _config_option("edit")
read_config_option = _config_option("read")
