"""The command line: the `runnerup` group, its version option, and which module holds each
command (cli/NAME.py, imported only when that command runs or --help lists it).

A command module checks options, calls the core and prints through console.py; nothing
here knows about YAML or iCalendar, and errors become exit codes in cli/errors.py only.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Any

import click

from .. import __version__
from ..gcpause import paused_gc
from .errors import translated

COMMANDS = {
    "add": "add:add",
    "agenda": "agenda:agenda",
    "build": "build:build",
    "check": "check:check",
    "close": "close:close",
    "draft": "draft:draft",
    "init": "init:init",
    "log": "log:log_command",
    "pin": "pin:pin",
    "push": "push:push",
    "schema": "schema:schema",
    "serve": "serve:serve",
    "stats": "stats:stats",
}
"""Each command's name -> `module:function` in this package: the click command it runs."""


class _Group(click.Group):
    """The group: commands loaded lazily, errors translated once, crashes caught last."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, function = COMMANDS[cmd_name].split(":")
            self.commands[cmd_name] = getattr(import_module(f"{__name__}.{module}"), function)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """click suggests a near name for a mistyped command from the commands it holds,
        which here are only those loaded so far: suggest from all of them."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            no_such = getattr(click.exceptions, "NoSuchCommand", None)  # click 8.2+
            if no_such is None or not isinstance(exc, no_such):
                raise
            raise no_such(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """The last line of defence: what no layer translated (crash.py), in standalone
        mode only (a caller asking for exceptions gets them)."""
        try:
            return super().main(*args, **kwargs)
        except Exception as exc:
            if not kwargs.get("standalone_mode", True):
                raise
            from ..crash import last_resort

            given = args[0] if args else kwargs.get("args")
            words = sys.argv[1:] if given is None else list(given)
            names = {*COMMANDS, *self.commands}
            command = next((w for w in words if w in names), None)
            sys.exit(last_resort(exc, command))

    def invoke(self, ctx: click.Context) -> Any:
        # A one-shot command builds large acyclic trees: pausing the cycle collector halves
        # its time (see gcpause.py). `serve`, a long-running process, turns it back on.
        with translated(ctx), paused_gc():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="runnerup")
def main() -> None:
    """Turn the jobs you came second for into well-timed follow-up calls.

    Reads a YAML list of roles (runnerup.yaml) and writes an iCalendar file with one
    event per follow-up call. Start with `runnerup init`.
    """
    if os.environ.get("NO_COLOR"):  # https://no-color.org: no colour even on a terminal
        click.get_current_context().color = False


def command(name: str) -> click.Command:
    """The command `name`, loaded: for docs and tests that inspect a command's options."""
    ctx = click.Context(main, info_name="runnerup")
    found = main.get_command(ctx, name)
    if found is None:
        raise KeyError(name)
    return found
