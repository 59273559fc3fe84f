"""`runnerup build`: write the .ics (or stdout) under its lock, and say what changed.
The events and their memory come from build.py (never made here); a failing config writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..console import emit_bytes, say
from ..errors import ConfigError
from .errors import config_failed
from .options import FilePath, config_argument, config_path, privacy_option


@click.command()
@config_argument
@click.option(
    "-o",
    "--output",
    type=FilePath(dash=True),
    help="Where to write the .ics (default: the config's name with .ics; - for stdout).",
)
@click.option(
    "--previous",
    type=FilePath(),
    help="Take the memory of earlier builds (SEQUENCE, DTSTAMP, cancellations) "
    "from this file instead of the output.",
)
@privacy_option
@click.option(
    "--for",
    "form",
    type=click.Choice(["import", "feed"]),
    default="import",
    show_default=True,
    help="import: a file to import; a removed call stays as a CANCELLED event for 30 "
    "days. feed: a file published for subscription by URL; a removed call is left out "
    "(subscribed calendars drop what a feed no longer has) and only its SEQUENCE is "
    "remembered.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an output file that runnerup did not write, or start afresh from a "
    "previous output that cannot be used.",
)
def build(
    config: Path | None,
    output: Path | None,
    previous: Path | None,
    privacy: str,
    form: str,
    force: bool,
) -> None:
    """Write the calendar (.ics): one event per follow-up call.

    Rebuilding keeps unchanged events byte for byte, bumps SEQUENCE on changed ones and
    cancels the ones no longer produced (--for feed: leaves them out). Then prints one
    line of what changed.
    """
    from ..build import build_now, build_output
    from ..files import default_output, locked, refuse_config_as_output, write_atomic
    from ..validate import load_config

    path = config_path(config)
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        config_failed(click.get_current_context(), exc, "nothing was written")
    target = None if str(output) == "-" else (output or default_output(path))
    if target is not None:
        refuse_config_as_output(target, path)
    if target is None:
        data, changes, _ = build_output(cfg, None, previous, build_now(), privacy, force, form)
        emit_bytes(data)
        say(f"wrote stdout: {changes}", err=True)
        return
    with locked(target):  # the memory read and the write, with no other build between
        data, changes, old = build_output(cfg, target, previous, build_now(), privacy, force, form)
        if old != data:  # the bytes read above: an unchanged calendar is not rewritten
            write_atomic(target, data)
    say(f"wrote {target}: {changes}")
