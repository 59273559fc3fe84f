"""`runnerup serve`: serve the calendar as a feed by URL until stopped.
The app, the server and the token come from feed/; this module sets them up and prints.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..console import say
from ..words import plural
from .options import FilePath, config_argument, config_path, privacy_option


@click.command()
@config_argument
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every interface; put TLS in front).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--token",
    envvar="RUNNERUP_TOKEN",
    help="The secret part of the feed URL (default: $RUNNERUP_TOKEN, else a random one "
    "saved in your config folder, so a restart keeps the URL). Other users can see a "
    "command line (ps): prefer the variable or the saved file.",
)
@privacy_option
@click.option(
    "-o",
    "--output",
    type=FilePath(),
    help="Also write the feed to this file, atomically, so its memory survives restarts.",
)
@click.option("--force", is_flag=True, help="Replace an -o file that runnerup did not write.")
def serve(
    config: Path | None,
    host: str,
    port: int,
    token: str | None,
    privacy: str,
    output: Path | None,
    force: bool,
) -> None:
    """Serve the calendar by URL, to subscribe to from any calendar app.

    The feed is http://HOST:PORT/TOKEN/NAME.ics; every other path is 404. It rebuilds
    when the config changes (changed events SEQUENCE + 1, removed ones left out) and
    keeps serving the last good feed while the config has errors. See docs/subscribe.md.
    """
    import gc

    gc.enable()  # paused for one-shot commands (gcpause.py); a server needs it

    from ..feed.server import serve_feed
    from ..feed.token import saved_token, token_folder, token_problem
    from ..feed.wsgi import FeedApp
    from ..files import refuse_config_as_output

    path = config_path(config)
    if output is not None:
        refuse_config_as_output(output, path)
    if token is not None:
        problem = token_problem(token)
        if problem:
            raise click.BadParameter(problem, param_hint="--token")
        token_note = None
        if len(token) < 16:
            say(
                "warning: a token this short can be guessed; leave --token out for a random one",
                fg="yellow",
                err=True,
            )
    else:
        folder = token_folder()
        token, created = saved_token(folder)
        token_note = (
            f"{'generated a token and saved it in' if created else 'using the token saved in'} "
            f"{folder / 'token'}: restarts keep the URL; delete the file for a new one"
        )

    secret: str = token  # for `ready`, which sees `token` as str | None

    def ready(app: FeedApp, where: str) -> None:
        events = app.state.feed.events
        calendar = app.state.calendar_name()
        for line in _subscribe_lines(where, secret, app.name, calendar, token_note):
            say(line)
        say(
            f"serving {path} ({plural(events, 'event')}, privacy {privacy}); "
            "it rebuilds when the file changes. Ctrl+C stops."
        )

    serve_feed(path, token, output, privacy, host, port, force=force, ready=ready)
    say("stopped")


def _subscribe_lines(
    where: str, token: str, name: str, calendar: str, token_note: str | None
) -> list[str]:
    """What to paste where, for each calendar program."""
    from urllib.parse import quote, urlencode

    url = f"http://{where}/{quote(token, safe='')}/{name}"
    query = urlencode({"url": url, "name": calendar})
    lines = [token_note] if token_note else []
    return [
        *lines,
        f"feed URL: {url}",
        f"webcal:   webcal://{url.removeprefix('http://')}  (Apple Calendar, Outlook desktop)",
        f"Outlook on the web: https://outlook.live.com/calendar/0/addfromweb?{query}",
        "  (work or school account: outlook.office.com in place of outlook.live.com)",
        "Google Calendar: on a computer, Other calendars + > From URL, paste the feed URL, "
        "Add calendar",
        "Google and Outlook fetch the feed from their servers: they need a public https URL "
        "(a reverse proxy or tunnel with TLS; see docs/subscribe.md). Anyone with the URL "
        "can read the feed.",
    ]
