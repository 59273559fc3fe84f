"""The command line: parse arguments, call the core, print, and turn errors into exit codes.

Nothing here knows about YAML or iCalendar; every user mistake arrives as a RunnerupError
and is printed, without a traceback, in one place (`_Group.invoke`); anything else ends in
`_Group.main` (crash.py). Every line printed goes through console.py, which escapes the
control characters a config may hold.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from . import DEFAULT_CONFIG, __version__
from .console import emit, emit_bytes, emit_json, escape, say, say_error, say_mistake
from .errors import ConfigError, Problem, RunnerupError
from .gcpause import paused_gc
from .outcomes import OUTCOMES


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        """The last line of defence: what no layer translated (crash.py), in standalone
        mode only (a caller asking for exceptions gets them)."""
        try:
            return super().main(*args, **kwargs)
        except Exception as exc:
            if not kwargs.get("standalone_mode", True):
                raise
            from .crash import last_resort

            given = args[0] if args else kwargs.get("args")
            words = sys.argv[1:] if given is None else list(given)
            command = next((w for w in words if w in self.commands), None)
            sys.exit(last_resort(exc, command))

    def invoke(self, ctx: click.Context) -> Any:
        # A one-shot command builds large acyclic trees: pausing the cycle collector halves
        # its time (see gcpause.py). `serve`, a long-running process, turns it back on.
        try:
            with paused_gc():
                return super().invoke(ctx)
        except ConfigError as exc:
            for problem in exc.problems:
                _echo_problem(problem)
            count = len(exc.problems)
            tail = "; nothing was written" if ctx.invoked_subcommand == "build" else ""
            say_error(f"{count} error{'s' if count != 1 else ''}{tail}")
            ctx.exit(1)
        except RunnerupError as exc:
            say_mistake(exc)
            ctx.exit(1)
        except click.ClickException as exc:
            # click prints these itself (usage errors: exit 2); a value quoted from the
            # command line or a file name may hold control characters too
            exc.message = escape(exc.message)
            raise


def _echo_problem(problem: Problem) -> None:
    colour = "yellow" if problem.severity == "warning" else "red"
    say_error(str(problem), fg=colour)


class _FilePath(click.Path):
    """A file name: no folder (click.Path's check), and never empty, which Path() would
    silently turn into "." (the current folder)."""

    def __init__(self, dash: bool = False) -> None:
        super().__init__(dir_okay=False, path_type=Path)
        self.dash = dash

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail(
                "an empty file name names no file; give a file name"
                + (" (or - for stdout)" if self.dash else ""),
                param,
                ctx,
            )
        if value == "-" and not self.dash:  # `-` is stdin/stdout elsewhere: never a file
            self.fail(
                "runnerup reads and writes files here, not stdin or stdout; give a file name "
                "(./- for a file named -)",
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


def _config_path(value: Path | None) -> Path:
    """The config a command works on: as given, else $RUNNERUP_CONFIG, else runnerup.yaml
    (click fills in the variable for most commands; `check`'s many files and completion
    come here without it)."""
    if value is not None:
        return value
    return Path(os.environ.get("RUNNERUP_CONFIG") or DEFAULT_CONFIG)


def _env_config(ctx: click.Context) -> Path:
    """$RUNNERUP_CONFIG (else runnerup.yaml) for `check`, whose many-file argument click
    would split, checked as strictly as every other command's CONFIG: a folder is a
    usage error (exit 2) there too."""
    value = os.environ.get("RUNNERUP_CONFIG")
    if not value:
        return Path(DEFAULT_CONFIG)
    param = next(p for p in ctx.command.params if p.name == "configs")
    try:
        return Path(param.type.convert(value, param, ctx))
    except click.BadParameter as exc:
        exc.message = f"RUNNERUP_CONFIG: {exc.message}"
        raise


def _today(value: datetime | None, zone: str) -> date:
    """`--today`, else today's date in your calendar's zone (not the machine's)."""
    from zoneinfo import ZoneInfo

    return value.date() if value else datetime.now(ZoneInfo(zone)).date()


config_argument = click.argument(
    "config",
    required=False,
    envvar="RUNNERUP_CONFIG",
    type=_FilePath(),
)
privacy_option = click.option(
    "--privacy",
    type=click.Choice(["full", "busy"]),
    default="full",
    show_default=True,
    help="busy: times and a neutral title only, for feeds that leave the machine.",
)


class _Day(click.DateTime):
    """A YYYY-MM-DD date within the dates runnerup reads (config.EARLIEST to LATEST): a
    date near year 1 or 9999 would overflow when it becomes an instant in your zone."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """`YYYY-MM-DD` in --help, not click's `[%Y-%m-%d]`, which reads as strftime."""
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        from .config import read_day

        try:
            day = read_day(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return datetime(day.year, day.month, day.day)


today_option = click.option(
    "--today",
    type=_Day(),
    default=None,
    help="Pretend today is this date, for scripts and tests.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="runnerup")
def main() -> None:
    """Turn the jobs you came second for into well-timed follow-up calls.

    Reads a YAML list of roles (runnerup.yaml) and writes an iCalendar file with one
    event per follow-up call. Start with `runnerup init`.
    """
    if os.environ.get("NO_COLOR"):  # https://no-color.org: no colour even on a terminal
        click.get_current_context().color = False


@main.command()
@click.argument("path", required=False, type=_FilePath(), default=DEFAULT_CONFIG)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--schema/--no-schema",
    default=True,
    show_default=True,
    help="Also write runnerup.schema.json beside the config, and point editors at it.",
)
@click.option(
    "--gitattributes/--no-gitattributes",
    default=None,
    help="Add `*.ics -text` to .gitattributes beside the config, so git never rewrites "
    "the calendar's CRLF line endings (default: ask on a terminal, else no).",
)
def init(path: Path, force: bool, schema: bool, gitattributes: bool | None) -> None:
    """Write a commented starter config (your time zone filled in).

    With the JSON Schema beside it, VS Code's YAML extension completes and checks keys
    as you type (see docs/editing.md).
    """
    from .config import system_timezone
    from .files import resolve_output, write_atomic
    from .schema import SCHEMA_FILE, schema_text
    from .starter import gitattributes_update, starter_config

    # Every check before the first write: a refusal leaves nothing half done.
    if path.exists() and not force:
        raise click.UsageError(
            f"{path} already exists; pass --force to overwrite it, or name another file"
        )
    resolve_output(path)  # a folder, FIFO or device is refused, even with --force
    schema_path = path.parent / SCHEMA_FILE
    schema_data: bytes | None = None
    if schema:
        if os.path.realpath(schema_path) == os.path.realpath(path):
            raise click.UsageError(f"{SCHEMA_FILE} is the schema's name: name the config otherwise")
        schema_data = schema_text().encode("utf-8")
        resolve_output(schema_path)
        if _differs(schema_path, schema_data) and schema_path.exists() and not force:
            raise click.UsageError(
                f"{schema_path} already exists (another version's schema, or edited); "
                "pass --force to overwrite it, or --no-schema to leave it"
            )
    if gitattributes is None and sys.stdin.isatty():
        gitattributes = click.confirm(
            "Add `*.ics -text` to .gitattributes, so git never rewrites the .ics line endings?",
            default=True,
        )
    attributes = path.parent / ".gitattributes"
    attributes_data = gitattributes_update(path.parent) if gitattributes else None
    text = starter_config(system_timezone(), SCHEMA_FILE if schema else None)
    write_atomic(path, text.encode("utf-8"))
    say(f"wrote {path}; add your roles, then run `runnerup check {path}`")
    if schema_data is not None:
        if _differs(schema_path, schema_data):
            write_atomic(schema_path, schema_data)
            say(f"wrote {schema_path}: editors complete and check keys with it")
        else:
            say(f"kept {schema_path}: it is this version's schema already")
    if gitattributes:
        if attributes_data is not None:
            write_atomic(attributes, attributes_data)
        say(f"{'added' if attributes_data else 'kept'} `*.ics -text` in {attributes}")
    elif gitattributes is None:
        say(
            "tip: `runnerup init --gitattributes` (or `*.ics -text` in .gitattributes) "
            "keeps git from rewriting the .ics line endings"
        )


def _differs(path: Path, data: bytes) -> bool:
    """Whether `path` holds other bytes than `data` (or cannot be read: then it will be
    written, or the write says why not)."""
    try:
        return path.read_bytes() != data
    except OSError:
        return True


@main.command()
@click.argument("configs", nargs=-1, type=_FilePath())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts, github for Actions annotations.",
)
@today_option
def check(configs: tuple[Path, ...], fmt: str, today: datetime | None) -> None:
    """Validate configs: every problem at once, as FILE:LINE:COL: key: message.

    Takes several files (default: $RUNNERUP_CONFIG, else runnerup.yaml). Exits 1 if any
    has an error; warnings alone exit 0.
    """
    from .report import check_file

    paths = list(configs) or [_env_config(click.get_current_context())]
    reports = [check_file(p, today.date() if today else None) for p in paths]
    failed = any(r.errors for r in reports)
    if fmt == "json":
        emit_json(
            {
                "ok": not failed,
                "errors": sum(len(r.errors) for r in reports),
                "warnings": sum(len(r.warnings) for r in reports),
                "files": [r.as_dict() for r in reports],
            }
        )
    elif fmt == "github":
        for report in reports:
            for problem in report.problems:
                say(_github_annotation(problem))
    else:
        for report in reports:
            for problem in report.problems:
                _echo_problem(problem)
            say(report.summary())
    sys.exit(1 if failed else 0)


def _github_annotation(problem: Problem) -> str:
    def clean(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return clean(text).replace(":", "%3A").replace(",", "%2C")

    level = "warning" if problem.severity == "warning" else "error"
    title = f"runnerup: {problem.path}" if problem.path else "runnerup"
    return (
        f"::{level} file={prop(problem.file)},line={problem.line},col={problem.column},"
        f"title={prop(title)}::{clean(problem.message)}"
    )


@main.command()
@config_argument
@click.option(
    "-o",
    "--output",
    type=_FilePath(dash=True),
    help="Where to write the .ics (default: the config's name with .ics; - for stdout).",
)
@click.option(
    "--previous",
    type=_FilePath(),
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
    from .build import build_now, build_output
    from .config import load_config
    from .files import default_output, locked, refuse_config_as_output, write_atomic

    path = _config_path(config)
    cfg = load_config(path)
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


@main.command()
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
    from zoneinfo import ZoneInfo

    from .agenda import agenda as upcoming
    from .agenda import finished, last_text, log_hint, when_text
    from .config import load_config
    from .content import summary
    from .schedule import schedule

    cfg = load_config(_config_path(config))
    day = _today(today, cfg.timezone)
    items = upcoming(schedule(cfg), day, cfg.timezone, everything=everything)
    if as_json:
        emit_json([item.as_dict() for item in items])
        return
    done = finished(cfg, day, everything=everything)
    if not items:
        say("nothing coming up: no open roles with calls ahead")
    zone = ZoneInfo(cfg.timezone)
    width = max((len(when_text(i.days_left)) for i in items), default=0)
    for item in items:
        local = item.call.start.astimezone(zone)
        when = when_text(item.days_left).ljust(width)
        line = f"{when}  {local:%a %Y-%m-%d %H:%M}  {summary(item.call)}"
        contact = item.call.role.contact
        reach = contact.phone or contact.email
        if reach:
            line += f"  [{reach}]"
        if item.last is not None:
            line += f"  ({last_text(item.last)})"
        say(line, fg="red" if item.overdue else None)
        if item.overdue:
            say(" " * (width + 2) + log_hint(item.call.role, cfg.path))
    for finished_item in done:
        say(f"done: {finished_item.text()}")


@main.command()
@click.option(
    "-o",
    "--output",
    type=_FilePath(),
    help="Write the schema to this file instead of stdout (runnerup.schema.json by convention).",
)
def schema(output: Path | None) -> None:
    """Print the config's JSON Schema (draft 2020-12), for editors and CI.

    Generated from the same key list the validator uses. `runnerup init` writes it next
    to the config and points the yaml-language-server modeline at it.
    """
    from .schema import schema_text

    text = schema_text()
    if output is None:
        emit(text, nl=False)
        return
    import json

    from .errors import OutputError
    from .files import FileRefused, read_regular, resolve_output, write_atomic

    resolve_output(output)  # a device, a FIFO or a folder: refused, saying which
    # Replace only a schema (an older one, to refresh it): never a config or other data
    # that a mistyped -o names. A missing file is created.
    try:
        old = json.loads(read_regular(output, 16 * 1024 * 1024))
    except FileNotFoundError:
        old = {"$schema": None}
    except (FileRefused, ValueError):
        old = None
    if not (isinstance(old, dict) and "$schema" in old):
        raise OutputError(
            f"{output}: exists and is not a JSON Schema; `runnerup schema -o` replaces only "
            "a schema, never other data (such as a config): name another file"
        )
    write_atomic(output, text.encode("utf-8"))
    say(f"wrote {output}")


# --------------------------------------------------------------------------- serving


@main.command()
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
    type=_FilePath(),
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
    import logging
    import signal

    gc.enable()  # paused for one-shot commands (gcpause.py); a server needs it

    from .files import refuse_config_as_output
    from .web import (
        RedactToken,
        create_feed_server,
        make_app,
        saved_token,
        token_folder,
        token_problem,
    )

    path = _config_path(config)
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
    app = make_app(path, token, output, privacy, force=force)
    for name in ("waitress", "waitress.queue"):
        logging.getLogger(name).addFilter(RedactToken(token))
    # "Task queue depth is N" on every short burst says nothing a user can act on
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        server = create_feed_server(app, host, port)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise RunnerupError(f"cannot listen on {host}:{port}: {reason}") from None
    signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl+C
    shown = f"[{host}]" if ":" in host else host
    where = f"{shown}:{getattr(server, 'effective_port', port)}"
    events = app.feed.events
    try:
        for line in _subscribe_lines(where, token, app.name, app.calendar_name(), token_note):
            say(line)
        say(
            f"serving {path} ({events} event{'' if events == 1 else 's'}, privacy {privacy}); "
            "it rebuilds when the file changes. Ctrl+C stops."
        )
        server.run()  # returns on KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    say("stopped")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


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


# --------------------------------------------------------------------------- pushing


@main.command()
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
    from .build import build_now
    from .config import load_config
    from .files import default_output
    from .push import push as push_events
    from .push.account import Account, password

    path = _config_path(config)
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
            f"{result.blocked} change{'s' if result.blocked != 1 else ''} not pushed: "
            "see the warnings above"
        )


# --------------------------------------------------------------------------- editing


def _complete_role_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Role ids for shell completion, read from the config; nothing on any failure.

    The shell prints the descriptions (company — title): control characters in them are
    escaped, and an id with one (only a broken config has such) is not offered.
    """
    from click.shell_completion import CompletionItem

    try:
        from .edit import role_ids

        path = _config_path(ctx.params.get("config"))
        return [
            CompletionItem(i, help=escape(h))
            for i, h in role_ids(path)
            if i.startswith(incomplete) and escape(i) == i
        ]
    except Exception:
        return []


class _When(click.ParamType):
    """YYYY-MM-DD HH:MM (or with T), or a date alone for the role's usual call time."""

    name = "when"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (date, datetime)):
            return value
        text = str(value).strip()
        for form in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
            try:
                return datetime.strptime(text, form)
            except ValueError:
                pass
        try:
            return datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.fail(
                f"{value!r} is not a date and time: write YYYY-MM-DD HH:MM (in quotes), "
                "YYYY-MM-DDTHH:MM, or YYYY-MM-DD for the usual call time",
                param,
                ctx,
            )


edit_config_option = click.option(
    "-c",
    "--config",
    type=_FilePath(),
    envvar="RUNNERUP_CONFIG",
    help="The config file to edit (default: $RUNNERUP_CONFIG, else runnerup.yaml).",
)
read_config_option = click.option(
    "-c",
    "--config",
    type=_FilePath(),
    envvar="RUNNERUP_CONFIG",
    help="The config file to read (default: $RUNNERUP_CONFIG, else runnerup.yaml).",
)
role_id_argument = click.argument("role_id", metavar="ID", shell_complete=_complete_role_id)


def _ask(value: str | None, prompt: str, option: str, required: bool = True) -> str | None:
    """An option's value, else the answer to a prompt (piped answers work too)."""
    if value is not None:
        return value
    try:
        answer = click.prompt(prompt, default="" if not required else None, show_default=False)
    except click.Abort:
        if sys.stdin.isatty():
            raise
        raise click.UsageError(f"missing {option}: pass it, or answer the prompt") from None
    return answer.strip() or None


@main.command()
@edit_config_option
@click.option("--company", help="The company.  [prompted if missing]")
@click.option("--title", help="The role you were up for.  [prompted if missing]")
@click.option(
    "--decided",
    type=_Day(),
    metavar="YYYY-MM-DD",
    help="The day you learned you came second.  [prompted if missing]",
)
@click.option("--contact", help="The hiring manager's name.  [prompted if missing]")
@click.option("--id", "role_id", help="A stable id for the role (default: derived).")
@click.option("--contact-title", help="The hiring manager's job title.")
@click.option("--email", help="The hiring manager's email.")
@click.option("--phone", help="The hiring manager's phone number.")
@click.option("--linkedin", help="The hiring manager's LinkedIn profile.")
@click.option("--timezone", help="The hiring manager's IANA time zone.")
@click.option("--hired", help="Who got the job, if you know.")
@click.option("--why-close", help="Why it was close.")
@click.option("--posting", help="The job posting's link.")
@click.option("--notes", help="Free text, shown in the event.")
def add(config: Path | None, **fields: Any) -> None:
    """Append a role to the config, keeping every other byte of it as it was.

    Asks for the company, title, decided date and contact when they are not given as
    options (and then for an email and phone, which you may skip). The edited file is
    validated before it is written, atomically.
    """
    from .edit import NewRole, add_role, edit_file

    path = _config_path(config)
    interactive = any(fields[k] is None for k in ("company", "title", "decided", "contact"))
    fields["company"] = _ask(fields["company"], "Company", "--company")
    fields["title"] = _ask(fields["title"], "Role title", "--title")
    while fields["decided"] is None:
        answer = _ask(None, "Decided (YYYY-MM-DD)", "--decided")
        try:
            fields["decided"] = datetime.strptime(answer or "", "%Y-%m-%d")
        except ValueError:
            say(f"Error: {answer!r} is not a date as YYYY-MM-DD", err=True)
    fields["contact"] = _ask(fields["contact"], "Contact (the hiring manager's name)", "--contact")
    if interactive:
        fields["email"] = _ask(fields["email"], "Contact email (Enter to skip)", "--email", False)
        fields["phone"] = _ask(fields["phone"], "Contact phone (Enter to skip)", "--phone", False)
    role = NewRole(
        id=fields.pop("role_id"),
        decided=fields.pop("decided").date(),
        **fields,
    )
    result = edit_file(path, lambda text, name: add_role(text, name, role))
    say(result.message)


@main.command()
@role_id_argument
@edit_config_option
@click.option("--note", help="Why; added to the role's notes.")
def close(role_id: str, config: Path | None, note: str | None) -> None:
    """Close a role (status: closed): its calls stop, and the next build cancels them.

    Only that key (and notes, with --note) changes; comments, order, quoting and blank
    lines stay as they were.
    """
    from .edit import close_role, edit_file

    result = edit_file(_config_path(config), lambda t, n: close_role(t, n, role_id, note))
    say(result.message)


@main.command()
@role_id_argument
@click.argument("when", type=_When())
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
    from .edit import edit_file, pin_role

    day = today.date() if today else None
    result = edit_file(_config_path(config), lambda t, n: pin_role(t, n, role_id, when, day, after))
    say(result.message)


# --------------------------------------------------------------------------- the loop


class _Next(click.ParamType):
    """`--next`: an offset from the contact (`2 weeks`), or a date (and time)."""

    name = "next"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from .durations import ValueProblem, parse_offset

        text = str(value).strip()
        try:
            _When().convert(text, param, ctx)
            return text.replace("T", " ")
        except click.BadParameter:
            pass
        try:
            offset = parse_offset(text)
        except ValueProblem as exc:
            self.fail(
                f"{value!r} is neither an offset nor a date: {exc}; or write YYYY-MM-DD (HH:MM)",
                param,
                ctx,
            )
        if offset.canonical == "P0D":
            self.fail("the next touchpoint must be at least a day after the contact", param, ctx)
        return text


@main.command(name="log")
@role_id_argument
@click.argument("outcome", metavar="OUTCOME", type=click.Choice(list(OUTCOMES)))
@edit_config_option
@click.option(
    "--on",
    "on",
    type=_Day(),
    metavar="YYYY-MM-DD",
    help="The day of the contact (default: today in your calendar's zone).",
)
@click.option("--note", help="What was said, or anything worth remembering.")
@click.option(
    "--next",
    "next_",
    type=_Next(),
    metavar="OFFSET|WHEN",
    help="Add a touchpoint this long after the contact ('2 weeks'), or at this date "
    "(and time, in the contact's zone).",
)
@today_option
def log_command(
    role_id: str,
    outcome: str,
    config: Path | None,
    on: datetime | None,
    note: str | None,
    next_: str | None,
    today: datetime | None,
) -> None:
    """Log a contact with a role, and see what changes in the calendar.

    OUTCOME is one of no-answer, left-message, emailed, messaged (no reply yet: a retry
    follows, up to `attempts`), spoke, referred, interview, not-now (with --next for
    when to try again), offer or declined (the role ends). The entry is appended to the
    role's `log:` as one line; nothing else in the file changes.
    """
    from .edit import NewEntry, edit_file, log_role
    from .outcomes import ENDING_OUTCOMES

    if next_ is not None and outcome in ENDING_OUTCOMES:
        raise click.BadParameter(
            f"`{outcome}` ends the role, so there is no next touchpoint", param_hint="--next"
        )
    path = _config_path(config)
    day = today.date() if today else None

    def change(text: str, name: str) -> Any:
        from zoneinfo import ZoneInfo

        from .config import parse_config

        now = day or datetime.now(ZoneInfo(parse_config(text.encode(), name).timezone)).date()
        entry = NewEntry(on.date() if on else now, outcome, note.strip() if note else None, next_)
        return log_role(text, name, role_id, entry, now)

    result = edit_file(path, change)
    for line in result.message.splitlines():
        say(line)


@main.command()
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
    from .config import load_config
    from .content import draft as drafted
    from .edit import EditError, role_ids
    from .schedule import schedule

    path = _config_path(config)
    cfg = load_config(path)
    if role_id not in {r.id for r in cfg.roles}:
        known = ", ".join(i for i, _ in role_ids(path, open_only=False))
        raise EditError(f"no role with id `{role_id}` in {path} (ids: {known})")
    calls = [c for c in schedule(cfg) if c.role.id == role_id]
    if not calls:
        raise EditError(f"{role_id} has no touchpoint ahead (closed, ended, or all done)")
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
            raise EditError(f"{role_id}'s contact has no email or profile link to open")
        click.launch(link)


@main.command()
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
    from .config import load_config
    from .stats import collect, page, text

    paths = list(configs) or [_config_path(None)]
    if html is not None:
        from .errors import OutputError
        from .files import FileRefused, read_regular, refuse_config_as_output, resolve_output

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
    result = collect(loaded, _today(today, loaded[0].timezone))
    if html is not None:
        from .files import write_atomic

        write_atomic(html, page(result).encode("utf-8"))
    if as_json:
        emit_json(result.as_dict())
    else:
        for line in text(result):
            say(line)
    if html is not None:
        say(f"wrote {html}", err=as_json)


if __name__ == "__main__":  # pragma: no cover
    main()
