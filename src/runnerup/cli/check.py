"""`runnerup check`: print every problem of each config, as text, JSON or annotations.
The report and its formats come from check.py (never made here); errors exit 1, warnings 0.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click

from .. import DEFAULT_CONFIG
from ..console import emit_json, say
from .errors import echo_problem
from .options import FilePath, today_option


@click.command()
@click.argument("configs", nargs=-1, type=FilePath())
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
    from ..check import check_file, github_annotation, reports_dict

    paths = list(configs) or [_env_config(click.get_current_context())]
    reports = [check_file(p, today.date() if today else None) for p in paths]
    failed = any(r.errors for r in reports)
    if fmt == "json":
        emit_json(reports_dict(reports))
    elif fmt == "github":
        for report in reports:
            for problem in report.problems:
                say(github_annotation(problem))
    else:
        for report in reports:
            for problem in report.problems:
                echo_problem(problem)
            say(report.summary())
    sys.exit(1 if failed else 0)


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
        raise click.BadParameter(
            f"RUNNERUP_CONFIG: {exc.message}", exc.ctx, exc.param, exc.param_hint
        ) from None
