"""`runnerup log`: log a contact with a role, and print what changes in the calendar.
The edit itself is edit/ops.py's; this module checks `--next` and prints.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..console import say
from ..outcomes import OUTCOMES
from .complete import role_id_argument
from .options import Day, When, config_path, edit_config_option, today_option

if TYPE_CHECKING:  # generic in click's annotations (8.2+), not at run time in 8.1
    _NextBase = click.ParamType[str]
else:
    _NextBase = click.ParamType


class _Next(_NextBase):
    """`--next`: an offset from the contact (`2 weeks`), or a date (and time)."""

    name = "next"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ..durations import ValueProblem, parse_offset

        text = str(value).strip()
        try:
            When().convert(text, param, ctx)
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


@click.command(name="log")
@role_id_argument
@click.argument("outcome", metavar="OUTCOME", type=click.Choice(list(OUTCOMES)))
@edit_config_option
@click.option(
    "--on",
    "on",
    type=Day(),
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
    from ..edit.ops import NewEntry, edit_file, log_role
    from ..outcomes import ENDING_OUTCOMES

    if next_ is not None and outcome in ENDING_OUTCOMES:
        raise click.BadParameter(
            f"`{outcome}` ends the role, so there is no next touchpoint", param_hint="--next"
        )
    path = config_path(config)
    day = today.date() if today else None

    def change(text: str, name: str) -> Any:
        from ..lookups import zone_info
        from ..validate import parse_config

        now = day or datetime.now(zone_info(parse_config(text.encode(), name).timezone)).date()
        entry = NewEntry(on.date() if on else now, outcome, note.strip() if note else None, next_)
        return log_role(text, name, role_id, entry, now)

    result = edit_file(path, change)
    for line in result.message.splitlines():
        say(line)
