"""The output layer: everything runnerup prints to a terminal or a pipe goes through here.

Two promises are kept in this one place rather than by each message:

- Text for people (`say`) never carries a control character from a config. A contact
  name with a newline and `::error::` would otherwise inject a GitHub workflow command
  into a CI log, and an escape sequence would reach the terminal (set its title, write a
  hyperlink, hide text). They are printed as Python-style escapes (`\\n`, `\\x1b`), so one
  `say` is always exactly one line.
- A stdout or stderr that cannot be written (a full disk, a closed pipe) is an error of
  its own, not a traceback: `OutputError` (exit 1), or, for a broken pipe, click's quiet
  exit 1, as `cat | head -1` does.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

import click

from .errors import OutputError, RunnerupError

_CONTROL = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0, DEL and C1: newlines, ESC (CSI, OSC), bell, …
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi controls: text shown reordered
    "\u2028\u2029"  # line and paragraph separators: newlines to some viewers
    "\ud800-\udfff"  # lone surrogates: a file name's undecodable bytes, unprintable
    "]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """`text` with every control character spelled out, so it prints as one inert line."""
    return _CONTROL.sub(_spelled, text)


def _spelled(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def say(line: str = "", *, err: bool = False, fg: str | None = None) -> None:
    """Print one line for people (control characters escaped); `fg` colours it on a
    terminal. A message of several lines is several calls: a newline in `line` is data."""
    _guarded(lambda: click.secho(escape(line), err=err, fg=fg), err)


def emit(text: str, *, nl: bool = True) -> None:
    """Print text a program made and reads back (the JSON Schema) to stdout, as it is."""
    _guarded(lambda: click.echo(text, nl=nl), False)


def emit_json(value: Any) -> None:
    """Print `value` as indented JSON: ASCII only, so every control character (DEL and
    C1 included) is a JSON escape, as safe as `say`'s."""
    emit(json.dumps(value, indent=2, ensure_ascii=True))


def emit_bytes(data: bytes) -> None:
    """Write bytes (the .ics for `build -o -`) to stdout as they are."""

    def write() -> None:
        out = sys.stdout.buffer  # under CliRunner too: it swaps sys.stdout
        out.write(data)
        out.flush()

    _guarded(write, False)


def _guarded(write: Callable[[], None], err: bool) -> None:
    """Run `write`; turn a stream that cannot be written into an OutputError. A broken
    pipe stays an OSError: click ends quietly with exit 1 on EPIPE."""
    try:
        write()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        name = "stderr" if err else "stdout"
        _discard(sys.stderr if err else sys.stdout)
        reason = exc.strerror or str(exc)
        raise OutputError(f"{name}: cannot write: {reason}") from None


def _discard(stream: TextIO | None) -> None:
    """Point a failed stream's file descriptor at the null device, so the data still
    buffered in it does not fail again (with Python's "Exception ignored") at exit."""
    if stream is None:  # no stream at all (pythonw): nothing buffered
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)


def say_error(line: str, *, fg: str | None = "red") -> None:
    """Print an error line on stderr; a stderr that cannot be written loses it quietly
    (there is nowhere left to say so), and the exit code still tells."""
    with contextlib.suppress(OutputError, OSError):
        say(line, err=True, fg=fg)


def say_mistake(exc: RunnerupError) -> None:
    """Print a user's mistake on stderr: `error: MESSAGE`, then its details, a line each."""
    first, *details = exc.lines
    say_error(f"error: {first}")
    for line in details:
        say_error(line)
