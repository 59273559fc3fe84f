"""`runnerup stats`: print what the follow-ups led to, as text or JSON, and write the page.
The figures and the page come from stats.py; this module checks --html and prints.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..console import emit_json, say
from .options import config_path, today_in, today_option


@click.command()
@click.argument("configs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained page (inline SVG, no JavaScript) with the funnel "
    "and a timeline of contacts.",
)
@today_option
def stats(
    configs: tuple[Path, ...], as_json: bool, html: Path | None, today: datetime | None
) -> None:
    """What your follow-ups led to: contacts by outcome, reply rate, referrals,
    interviews and offers, days to first contact, overdue touchpoints, per month.

    Takes several configs (default: $RUNNERUP_CONFIG, else runnerup.yaml) and counts
    them together. Contacts come from each role's `log:`.
    """
    from ..stats import collect, page, text
    from ..validate import load_config

    paths = list(configs) or [config_path(None)]
    if html is not None:
        from ..errors import OutputError
        from ..files import FileRefused, read_regular, refuse_config_as_output, resolve_output

        for path in paths:  # before any output: a typo must not cost a config
            refuse_config_as_output(html, path, "name another file with --html")
        resolve_output(html)  # a device, a FIFO or a folder: refused, saying which
        try:  # nor a calendar (the .ics is build's memory) or other data: only a page
            head = read_regular(html, 64 * 1024 * 1024)[:64].lstrip().lower()
        except FileNotFoundError:
            head = b""
        except FileRefused:
            head = b"?"
        if head and not head.startswith(b"<!doctype html"):
            raise OutputError(
                f"{html}: exists and is not an HTML page; --html replaces only a page, never "
                "other data (such as the .ics): name another file"
            )
    loaded = [load_config(p) for p in paths]
    result = collect(loaded, today_in(today, loaded[0].timezone))
    if html is not None:
        from ..files import write_atomic

        write_atomic(html, page(result).encode("utf-8"))
    if as_json:
        emit_json(result.as_dict())
    else:
        for line in text(result):
            say(line)
    if html is not None:
        say(f"wrote {html}", err=as_json)
