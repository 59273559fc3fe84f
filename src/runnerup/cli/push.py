"""`runnerup push`: push the events into a CalDAV calendar, or say what would be sent.
The sync itself is push/'s; this module checks the account options and prints.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from ..console import say, say_error
from ..errors import RunnerupError
from ..words import plural
from .options import config_argument, config_path, privacy_option


@click.command()
@config_argument
@click.option(
    "--url",
    envvar="RUNNERUP_CALDAV_URL",
    help="The CalDAV server, or the calendar's own URL (default: $RUNNERUP_CALDAV_URL, "
    "else caldav.url in the config).",
)
@click.option(
    "--username",
    envvar="RUNNERUP_CALDAV_USERNAME",
    help="Your user name there (default: $RUNNERUP_CALDAV_USERNAME, else caldav.username). "
    "The password comes from $RUNNERUP_CALDAV_PASSWORD, the keyring, or a prompt.",
)
@click.option(
    "--calendar",
    "calendar_name",
    metavar="NAME",
    help="The display name of the calendar to push into (default: caldav.calendar, else "
    "calendar.name).",
)
@click.option("--create", is_flag=True, help="Create the calendar (MKCALENDAR) if it is missing.")
@privacy_option
@click.option("--dry-run", is_flag=True, help="Print what would be sent; write and change nothing.")
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite (or delete) runnerup's events that were edited in the calendar since "
    "the last push.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help="Seconds to wait for each answer from the server.",
)
def push(
    config: Path | None,
    url: str | None,
    username: str | None,
    calendar_name: str | None,
    create: bool,
    privacy: str,
    dry_run: bool,
    force: bool,
    timeout: float,
) -> None:
    """Write the events into a calendar of your CalDAV account (iCloud, Fastmail, …).

    Builds as `build` does (and writes the .ics, its memory), then creates, updates and
    deletes one object per event so the calendar holds exactly runnerup's events.
    Objects runnerup did not create are never touched. See docs/push.md.
    """
    from ..build import build_now
    from ..files import default_output
    from ..push import push as push_events
    from ..push.account import Account, password
    from ..validate import load_config

    path = config_path(config)
    cfg = load_config(path)
    url = url or cfg.caldav.url
    username = username or cfg.caldav.username
    if not url:
        raise click.UsageError(
            "no CalDAV server: pass --url, set RUNNERUP_CALDAV_URL, or add caldav.url to the config"
        )
    if not username:
        raise click.UsageError(
            "no user name: pass --username, set RUNNERUP_CALDAV_USERNAME, "
            "or add caldav.username to the config"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--url")
    if parts.password is not None:
        raise click.BadParameter(
            "the URL holds a password; put it in RUNNERUP_CALDAV_PASSWORD instead",
            param_hint="--url",
        )
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        say_error(
            f"warning: {parts.hostname} over http:// sends your password unencrypted; use https",
            fg="yellow",
        )

    def ask() -> str:
        return str(click.prompt(f"CalDAV password for {username}", hide_input=True))

    account = Account(
        url,
        username,
        password(username, os.environ, ask if sys.stdin.isatty() else None),
        calendar_name or cfg.caldav.calendar or cfg.name,
        create,
        timeout,
    )

    def progress(ops: list[Any]) -> Any:
        if len(ops) > 5 and sys.stderr.isatty():
            return click.progressbar(ops, label="pushing", file=sys.stderr)
        return nullcontext(ops)

    result = push_events(
        cfg,
        default_output(path),
        account,
        build_now(),
        privacy=privacy,
        force=force,
        dry_run=dry_run,
        progress=progress,
        wrote=say,
    )
    where = f"{result.calendar!r} ({result.url})" if result.url else repr(result.calendar)
    if dry_run:
        if result.created_calendar:
            say(f"would create the calendar {result.calendar!r}")
        for op in result.ops:
            verb = {"create": "create", "update": "update", "delete": "delete", "adopt": "keep"}
            say(f"would {verb[op.kind]} {op.label}")
        say(f"dry run: nothing written or sent to {where}")
    else:
        made = "created the calendar and " if result.created_calendar else ""
        say(f"{made}pushed to {where}: {result.summary()}")
    for conflict in result.conflicts:
        say_error(f"warning: {conflict}", fg="yellow")
    if result.blocked:
        raise RunnerupError(
            f"{plural(result.blocked, 'change')} not pushed: see the warnings above"
        )
