"""`runnerup agenda`: print the calls ahead as text or JSON.
The lines and the data come from agenda.py; this module only prints them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..console import emit_json, say
from .options import config_argument, config_path, today_in, today_option


@click.command()
@config_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--all", "everything", is_flag=True, help="Also list calls more than 30 days past.")
@today_option
def agenda(config: Path | None, as_json: bool, everything: bool, today: datetime | None) -> None:
    """The calls ahead, soonest first, with days left; missed ones are marked OVERDUE.

    A role with a log shows its last contact and which try is next; a missed call
    suggests the `runnerup log` line to run, and a touchpoint whose tries ran out (see
    `attempts`) is listed as done.
    """
    from ..agenda import agenda as upcoming
    from ..agenda import as_json as agenda_json
    from ..agenda import text_lines
    from ..schedule import schedule
    from ..validate import load_config

    cfg = load_config(config_path(config))
    day = today_in(today, cfg.timezone)
    items = upcoming(schedule(cfg), day, cfg.timezone, everything=everything)
    if as_json:
        emit_json(agenda_json(items))
        return
    for line in text_lines(cfg, items, day, everything=everything):
        say(line.text, fg="red" if line.overdue else None)
