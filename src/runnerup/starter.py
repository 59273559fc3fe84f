"""What `runnerup init` writes: the commented starter config, and the `*.ics -text` line
added to .gitattributes (read through files.py). Text only: cli/init.py writes the files."""

from __future__ import annotations

from pathlib import Path

from .errors import OutputError
from .files import FileRefused, read_regular

STARTER = """\
# runnerup config: the roles you came second for, and when to call back.
# Every key is described in docs/config.md in runnerup's source.
# Check it with `runnerup check`, write the calendar with `runnerup build`.

calendar:
  name: Runner-up follow-ups
  timezone: {timezone}# your IANA time zone

defaults:
  follow_up: 90 days              # or a cadence: [30 days, 90 days]
  call_time: "10:00"              # in the contact's time zone
  duration: 20 minutes
  workdays: [mon, tue, wed, thu, fri]
  # holidays: US                  # skip public holidays (ISO code, "US-CA" for a state)
  reminder: 30 minutes            # "none" for no alarm
  # prep: 1 day                   # an all-day prep block before each call

roles: []
# Replace the [] above with your roles, for example:
# roles:
#   - company: Acme Corp
#     title: Senior Product Manager
#     decided: 2026-09-03         # the day you heard you came second
#     contact:
#       name: Dana Whitfield
#       phone: "+1 555 0100"
#       email: dana@acme.example
#       timezone: America/Chicago
#     hired: Alex Chen
#     why_close: Final two; the roadmap exercise landed well.
"""


MODELINE = "# yaml-language-server: $schema={schema}\n"
"""Points VS Code's YAML extension (and any yaml-language-server) at the JSON Schema."""

GITATTRIBUTES_LINE = "*.ics -text"
"""The calendar's CRLF line endings are part of the format: git must never convert them."""


def starter_config(timezone: str, schema: str | None = None) -> str:
    """The starter text; with `schema`, a first line that points editors at that schema."""
    # The comment lines up with the others (column 35) whatever the zone's length.
    text = STARTER.format(timezone=(timezone + " ").ljust(22))
    return MODELINE.format(schema=schema) + text if schema else text


def gitattributes_update(folder: Path) -> bytes | None:
    """folder/.gitattributes with `*.ics -text` appended, or None if an `*.ics` rule is
    there already. Raises OutputError (before anything is written) if the file cannot be
    read or kept as it is: a folder, a device, not UTF-8."""
    path = folder / ".gitattributes"
    try:
        data = read_regular(path, MAX_GITATTRIBUTES)
    except FileNotFoundError:
        data = b""
    except FileRefused as exc:
        raise OutputError(f"{path}: {exc.reason}; {_GITATTRIBUTES_WAY_OUT}") from None
    try:
        old = data.decode("utf-8")
    except UnicodeDecodeError:
        raise OutputError(
            f"{path}: not UTF-8 text; save it as UTF-8, or {_GITATTRIBUTES_WAY_OUT}"
        ) from None
    for line in old.splitlines():
        parts = line.split()
        if parts[:1] == ["*.ics"] and {"-text", "binary"} & set(parts[1:]):
            return None
    separator = "" if not old or old.endswith("\n") else "\n"
    return (old + separator + GITATTRIBUTES_LINE + "\n").encode("utf-8")


MAX_GITATTRIBUTES = 1024 * 1024
_GITATTRIBUTES_WAY_OUT = "add `*.ics -text` to it by hand and run init with --no-gitattributes"
