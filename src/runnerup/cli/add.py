"""`runnerup add`: append a role to the config, asking for what the options left out.
The edit itself is edit/ops.py's; this module only gathers the fields and prints the result.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..console import say
from .options import Day, config_path, edit_config_option


@click.command()
@edit_config_option
@click.option("--company", help="The company.  [prompted if missing]")
@click.option("--title", help="The role you were up for.  [prompted if missing]")
@click.option(
    "--decided",
    type=Day(),
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
    from ..edit.ops import NewRole, add_role, edit_file

    path = config_path(config)
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
