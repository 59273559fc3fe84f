"""`runnerup pin`: pin a role's next call to a date and time. The edit itself is edit/ops.py's;
this module only calls it and prints what changed."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from ..console import say
from .complete import role_id_argument
from .options import When, config_path, edit_config_option, today_option


@click.command()
@role_id_argument
@click.argument("when", type=When())
@edit_config_option
@click.option(
    "--after",
    metavar="OFFSET",
    help="Pin the touchpoint with this offset (e.g. '90 days') instead of the next one.",
)
@today_option
def pin(
    role_id: str,
    when: datetime | date,
    config: Path | None,
    after: str | None,
    today: datetime | None,
) -> None:
    """Pin a role's next call to WHEN, in the contact's time zone.

    WHEN is YYYY-MM-DD HH:MM (quote it), YYYY-MM-DDTHH:MM, or a date alone for the usual
    call time. The next call is the first one not yet past; a role that inherits its
    follow-ups from defaults gets its own `follow_up:` with that touchpoint pinned.
    """
    from ..edit.ops import edit_file, pin_role

    day = today.date() if today else None
    result = edit_file(config_path(config), lambda t, n: pin_role(t, n, role_id, when, day, after))
    say(result.message)
