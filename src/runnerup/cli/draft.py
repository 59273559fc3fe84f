"""`runnerup draft`: print the message for a role's next touchpoint, or open it.
The text comes from content.py; this module only prints it.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..console import say
from .complete import role_id_argument
from .options import config_path, read_config_option


@click.command()
@role_id_argument
@read_config_option
@click.option(
    "--open",
    "open_",
    is_flag=True,
    help="Hand the mailto link (or the profile link, for a message) to the system.",
)
def draft(role_id: str, config: Path | None, open_: bool) -> None:
    """Print the message for a role's next touchpoint: subject and body.

    An email for `channel: email` (and for a call, to send if they do not answer), the
    text to paste for `channel: message`. runnerup drafts; you send.
    """
    from ..content import draft as drafted
    from ..errors import RunnerupError
    from ..schedule import schedule
    from ..validate import load_config

    path = config_path(config)
    cfg = load_config(path)
    if role_id not in {r.id for r in cfg.roles}:
        known = ", ".join(r.id for r in cfg.roles)
        raise RunnerupError(f"no role with id `{role_id}` in {path} (ids: {known})")
    calls = [c for c in schedule(cfg) if c.role.id == role_id]
    if not calls:
        raise RunnerupError(f"{role_id} has no touchpoint ahead (closed, ended, or all done)")
    message = drafted(calls[0], cfg)
    if message.to:
        say(f"To: {message.to}")
    if message.subject:
        say(f"Subject: {message.subject}")
    say("")
    for line in message.body.splitlines():
        say(line)
    if open_:
        link = message.mailto if message.channel == "email" else message.to
        if not link:
            raise RunnerupError(f"{role_id}'s contact has no email or profile link to open")
        click.launch(link)
