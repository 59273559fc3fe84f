"""Errors become exit codes here, and only here: a user's mistake is printed without a
traceback and exits 1; a usage mistake is click's (exit 2). A crash is crash.py's (exit 3).

Never raised from: this module translates, the core and the commands raise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from ..console import escape, say_error, say_mistake
from ..errors import ConfigError, Problem, RunnerupError
from ..words import plural


@contextmanager
def translated(ctx: click.Context) -> Iterator[None]:
    """Run a command: a ConfigError prints its problems and a RunnerupError its lines,
    each then exit 1; click's own errors keep their exit code, their text escaped."""
    try:
        yield
    except ConfigError as exc:
        config_failed(ctx, exc)
    except RunnerupError as exc:
        say_mistake(exc)
        ctx.exit(1)
    except click.ClickException as exc:
        # click prints these itself (usage errors: exit 2); a value quoted from the
        # command line or a file name may hold control characters too. `message` is
        # Final in click's annotations, but click prints it later: escape it in place.
        exc.message = escape(exc.message)  # type: ignore[misc]
        raise


def config_failed(ctx: click.Context, exc: ConfigError, consequence: str = "") -> NoReturn:
    """Print every problem of a config that cannot be used, then `N errors` (and what that
    means for the command, say `nothing was written`), and exit 1."""
    for problem in exc.problems:
        echo_problem(problem)
    count = len(exc.problems)
    say_error(plural(count, "error") + (f"; {consequence}" if consequence else ""))
    ctx.exit(1)


def echo_problem(problem: Problem) -> None:
    """One problem on stderr: warnings yellow, errors red."""
    colour = "yellow" if problem.severity == "warning" else "red"
    say_error(str(problem), fg=colour)
