"""`runnerup close`: close a role in the config. The edit itself is edit/ops.py's; this
module only calls it and prints what changed."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import say
from .complete import role_id_argument
from .options import config_path, edit_config_option


@click.command()
@role_id_argument
@edit_config_option
@click.option("--note", help="Why; added to the role's notes.")
def close(role_id: str, config: Path | None, note: str | None) -> None:
    """Close a role (status: closed): its calls stop, and the next build cancels them.

    Only that key (and notes, with --note) changes; comments, order, quoting and blank
    lines stay as they were.
    """
    from ..edit.ops import close_role, edit_file

    result = edit_file(config_path(config), lambda t, n: close_role(t, n, role_id, note))
    say(result.message)
