"""`runnerup schema`: print the config's JSON Schema, or write it where only a schema was.
The schema itself comes from schema.py; this module never builds or edits it.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..console import emit, say
from .options import FilePath


@click.command()
@click.option(
    "-o",
    "--output",
    type=FilePath(),
    help="Write the schema to this file instead of stdout (runnerup.schema.json by convention).",
)
def schema(output: Path | None) -> None:
    """Print the config's JSON Schema (draft 2020-12), for editors and CI.

    Generated from the same key list the validator uses. `runnerup init` writes it next
    to the config and points the yaml-language-server modeline at it.
    """
    from ..schema import schema_text

    text = schema_text()
    if output is None:
        emit(text, nl=False)
        return
    import json

    from ..errors import OutputError
    from ..files import FileRefused, read_regular, resolve_output, write_atomic

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
