"""Role ids on the command line: the ID argument, and its shell completion (best effort,
read from the config on every Tab).

Never raises and never prints: a config with errors still offers the ids it can tell,
and anything else offers nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ..console import escape
from .options import config_path


def complete_role_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Role ids for shell completion, read from the config; nothing on any failure.

    The shell prints the descriptions (company — title): control characters in them are
    escaped, and an id with one (only a broken config has such) is not offered.
    """
    from click.shell_completion import CompletionItem

    try:
        path = config_path(ctx.params.get("config"))
        return [
            CompletionItem(i, help=escape(h))
            for i, h in role_ids(path)
            if i.startswith(incomplete) and escape(i) == i
        ]
    except Exception:
        return []


def role_ids(path: Path) -> list[tuple[str, str]]:
    """(id, "Company — Title") of the open roles in a config, for shell completion.

    Best effort, never raising: a config with errors still offers the ids it can tell.
    """
    from ..source import read_config_bytes
    from ..validate import parse_config

    try:
        data = read_config_bytes(path)
    except Exception:
        return []
    try:
        config = parse_config(data, str(path), system_zone="UTC")
    except Exception:
        return _ids_from_tree(data, str(path))
    return [(r.id, f"{r.company} — {r.title}") for r in config.roles if r.open]


def _ids_from_tree(data: bytes, filename: str) -> list[tuple[str, str]]:
    from ..source import parse_yaml
    from ..validate import derive_id

    try:
        tree = parse_yaml(data, filename)
    except Exception:
        return []
    items = tree.items if tree.kind == "seq" else []
    if tree.kind == "map" and "roles" in tree.entries:
        items = tree.entries["roles"][1].items
    out: list[tuple[str, str]] = []
    for item in items:
        entries = {k: v.text for k, (_, v) in item.entries.items() if v.kind == "scalar"}
        company, title = entries.get("company", "").strip(), entries.get("title", "").strip()
        role_id = entries.get("id", "").strip()
        if not role_id:
            try:
                decided = date.fromisoformat(entries.get("decided", "").strip())
            except ValueError:
                continue
            role_id = derive_id(company, title, decided)
        out.append((role_id, f"{company} — {title}".strip(" —")))
    return out


role_id_argument = click.argument("role_id", metavar="ID", shell_complete=complete_role_id)
"""The ID argument of close, pin, log and draft, completed from the config."""
