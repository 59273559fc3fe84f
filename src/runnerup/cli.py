"""The command line: parse arguments, call the core, print, and turn errors into exit codes.

Nothing here knows about YAML or iCalendar; every user mistake arrives as a RunnerupError
and is printed, without a traceback, in one place (`_Group.invoke`).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from . import DEFAULT_CONFIG, __version__
from .errors import ConfigError, Problem, RunnerupError
from .gcpause import paused_gc


class _Group(click.Group):
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
            click.secho(f"{count} error{'s' if count != 1 else ''}{tail}", fg="red", err=True)
            ctx.exit(1)
        except RunnerupError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(1)


def _echo_problem(problem: Problem) -> None:
    colour = "yellow" if problem.severity == "warning" else "red"
    click.secho(str(problem), fg=colour, err=True)


def _config_path(value: Path | None) -> Path:
    """The config a command works on: as given, else $RUNNERUP_CONFIG, else runnerup.yaml
    (click fills in the variable for most commands; `check`'s many files and completion
    come here without it)."""
    if value is not None:
        return value
    return Path(os.environ.get("RUNNERUP_CONFIG") or DEFAULT_CONFIG)


def _today(value: datetime | None, zone: str) -> date:
    """`--today`, else today's date in your calendar's zone (not the machine's)."""
    from zoneinfo import ZoneInfo

    return value.date() if value else datetime.now(ZoneInfo(zone)).date()


config_argument = click.argument(
    "config",
    required=False,
    envvar="RUNNERUP_CONFIG",
    type=click.Path(dir_okay=False, path_type=Path),
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

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        day = super().convert(value, param, ctx)
        from .config import date_problem

        problem = date_problem(day.date())
        if problem:
            self.fail(problem, param, ctx)
        return day


today_option = click.option(
    "--today",
    type=_Day(),
    default=None,
    help="Pretend today is this date (YYYY-MM-DD), for scripts and tests.",
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
@click.argument(
    "path", required=False, type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_CONFIG
)
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
    from .build import write_atomic
    from .config import system_timezone
    from .schema import SCHEMA_FILE, schema_text
    from .starter import add_gitattributes, starter_config

    if path.exists() and not force:
        raise click.UsageError(
            f"{path} already exists; pass --force to overwrite it, or name another file"
        )
    text = starter_config(system_timezone(), SCHEMA_FILE if schema else None)
    write_atomic(path, text.encode("utf-8"))
    click.echo(f"wrote {path}; add your roles, then run `runnerup check {path}`")
    if schema:
        schema_path = path.parent / SCHEMA_FILE
        write_atomic(schema_path, schema_text().encode("utf-8"))
        click.echo(f"wrote {schema_path}: editors complete and check keys with it")
    if gitattributes is None and sys.stdin.isatty():
        gitattributes = click.confirm(
            "Add `*.ics -text` to .gitattributes, so git never rewrites the .ics line endings?",
            default=True,
        )
    attributes = path.parent / ".gitattributes"
    if gitattributes:
        changed = add_gitattributes(path.parent)
        click.echo(f"{'added' if changed else 'kept'} `*.ics -text` in {attributes}")
    elif gitattributes is None:
        click.echo(
            "tip: `runnerup init --gitattributes` (or `*.ics -text` in .gitattributes) "
            "keeps git from rewriting the .ics line endings"
        )


@main.command()
@click.argument("configs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
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

    paths = list(configs) or [_config_path(None)]
    reports = [check_file(p, today.date() if today else None) for p in paths]
    failed = any(r.errors for r in reports)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": not failed,
                    "errors": sum(len(r.errors) for r in reports),
                    "warnings": sum(len(r.warnings) for r in reports),
                    "files": [r.as_dict() for r in reports],
                },
                indent=2,
            )
        )
    elif fmt == "github":
        for report in reports:
            for problem in report.problems:
                click.echo(_github_annotation(problem))
    else:
        for report in reports:
            for problem in report.problems:
                _echo_problem(problem)
            click.echo(report.summary())
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
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the .ics (default: the config's name with .ics; - for stdout).",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Take the memory of earlier builds (SEQUENCE, DTSTAMP, cancellations) "
    "from this file instead of the output.",
)
@privacy_option
@click.option("--force", is_flag=True, help="Replace an output file that runnerup did not write.")
def build(
    config: Path | None, output: Path | None, previous: Path | None, privacy: str, force: bool
) -> None:
    """Write the calendar (.ics): one event per follow-up call.

    Rebuilding keeps unchanged events byte for byte, bumps SEQUENCE on changed ones and
    cancels the ones no longer produced. Then prints one line of what changed.
    """
    from .build import build_now, build_output, default_output, write_atomic
    from .config import load_config

    path = _config_path(config)
    cfg = load_config(path)
    target = None if str(output) == "-" else (output or default_output(path))
    data, changes, old = build_output(cfg, target, previous, build_now(), privacy, force)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        click.echo(f"wrote stdout: {changes}", err=True)
        return
    if old != data:  # the bytes read above: an unchanged calendar is not rewritten
        write_atomic(target, data)
    click.echo(f"wrote {target}: {changes}")


@main.command()
@config_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--all", "everything", is_flag=True, help="Also list calls more than 30 days past.")
@today_option
def agenda(config: Path | None, as_json: bool, everything: bool, today: datetime | None) -> None:
    """The calls ahead, soonest first, with days left; missed ones are marked OVERDUE."""
    from zoneinfo import ZoneInfo

    from .agenda import agenda as upcoming
    from .agenda import when_text
    from .config import load_config
    from .content import summary
    from .schedule import schedule

    cfg = load_config(_config_path(config))
    items = upcoming(
        schedule(cfg), _today(today, cfg.timezone), cfg.timezone, everything=everything
    )
    if as_json:
        click.echo(json.dumps([item.as_dict() for item in items], indent=2))
        return
    if not items:
        click.echo("nothing coming up: no open roles with calls ahead")
        return
    zone = ZoneInfo(cfg.timezone)
    width = max(len(when_text(i.days_left)) for i in items)
    for item in items:
        local = item.call.start.astimezone(zone)
        when = when_text(item.days_left).ljust(width)
        line = f"{when}  {local:%a %Y-%m-%d %H:%M}  {summary(item.call)}"
        contact = item.call.role.contact
        reach = contact.phone or contact.email
        if reach:
            line += f"  [{reach}]"
        click.secho(line, fg="red" if item.overdue else None)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
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
        click.echo(text, nl=False)
        return
    from .build import write_atomic

    write_atomic(output, text.encode("utf-8"))
    click.echo(f"wrote {output}")


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
    "saved in your config folder, so a restart keeps the URL).",
)
@privacy_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
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
    when the config changes (changed events SEQUENCE + 1, removed ones cancelled) and
    keeps serving the last good feed while the config has errors. See docs/subscribe.md.
    """
    import gc
    import logging
    import signal

    gc.enable()  # paused for one-shot commands (gcpause.py); a server needs it

    from waitress.server import create_server

    from .web import RedactToken, make_app, saved_token, token_problem

    path = _config_path(config)
    if token is not None:
        problem = token_problem(token)
        if problem:
            raise click.BadParameter(problem, param_hint="--token")
        token_note = None
        if len(token) < 16:
            click.secho(
                "warning: a token this short can be guessed; leave --token out for a random one",
                fg="yellow",
                err=True,
            )
    else:
        folder = Path(click.get_app_dir("runnerup"))
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
        server = create_server(app, host=host, port=port, ident="")  # no Server header
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise RunnerupError(f"cannot listen on {host}:{port}: {reason}") from None
    signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl+C
    shown = f"[{host}]" if ":" in host else host
    where = f"{shown}:{getattr(server, 'effective_port', port)}"
    events = app.feed.events
    try:
        for line in _subscribe_lines(where, token, app.name, app.calendar_name(), token_note):
            click.echo(line)
        click.echo(
            f"serving {path} ({events} event{'' if events == 1 else 's'}, privacy {privacy}); "
            "it rebuilds when the file changes. Ctrl+C stops."
        )
        server.run()  # returns on KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    click.echo("stopped")


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


# --------------------------------------------------------------------------- editing


def _complete_role_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Role ids for shell completion, read from the config; nothing on any failure."""
    from click.shell_completion import CompletionItem

    try:
        from .edit import role_ids

        path = _config_path(ctx.params.get("config"))
        return [CompletionItem(i, help=h) for i, h in role_ids(path) if i.startswith(incomplete)]
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
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="RUNNERUP_CONFIG",
    help="The config file to edit (default: $RUNNERUP_CONFIG, else runnerup.yaml).",
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
            click.echo(f"Error: {answer!r} is not a date as YYYY-MM-DD", err=True)
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
    click.echo(result.message)


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
    click.echo(result.message)


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
    click.echo(result.message)


if __name__ == "__main__":  # pragma: no cover
    main()
