"""`runnerup init`: write the starter config, its JSON Schema and a .gitattributes line.
Checks every refusal before the first write; the texts come from starter.py, never from here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import DEFAULT_CONFIG
from ..console import say
from .options import FilePath


@click.command()
@click.argument("path", required=False, type=FilePath(), default=DEFAULT_CONFIG)
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
    from ..files import resolve_output, write_atomic
    from ..lookups import system_timezone
    from ..schema import SCHEMA_FILE, schema_text
    from ..starter import gitattributes_update, starter_config

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
