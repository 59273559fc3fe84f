"""The last line of defence: an exception no other layer translated.

Every user mistake is a RunnerupError, printed as one line. What gets here is either
the machine refusing (an OSError: a full disk, a permission, an I/O error), which is
one line and exit 1 too, or a bug in runnerup. A bug gets one short paragraph instead
of a traceback: what failed and where in the code (never a message, which may quote the
config), where the full report was saved (a file only you can read), and how to report
it; and exit code 3, so scripts can tell a crash from a bad config.

`RUNNERUP_DEBUG=1` re-raises instead, to show the traceback; the test suite sets it, so
a crash fails the test that caused it rather than hiding behind an exit code.
"""

from __future__ import annotations

import errno
import os
import platform
import sys
import tempfile
import traceback
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from . import __version__
from .console import say_error, say_mistake
from .errors import RunnerupError

CRASH_EXIT = 3
"""The exit code of a crash: not 1 (your data) or 2 (your command line), but ours."""

DEBUG_VARIABLE = "RUNNERUP_DEBUG"

_HINTS = {
    errno.ENOSPC: "free some space and run again",
    errno.EDQUOT: "free some space (you are over quota) and run again",
    errno.EACCES: "check the permissions, or choose another place",
    errno.EPERM: "check the permissions, or choose another place",
    errno.EROFS: "the file system is read-only; choose another place",
}


def last_resort(exc: Exception, command: str | None) -> int:
    """Print what `exc` means for the user and return the exit code; re-raise it when
    RUNNERUP_DEBUG is set (to 1, or anything but 0 or empty)."""
    if os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
        raise exc
    if isinstance(exc, OSError):
        say_error(f"error: {_os_error(exc)}")
        return 1
    if isinstance(exc, RunnerupError):  # a user's mistake, raised outside any command
        say_mistake(exc)
        return 1
    try:
        saved: Path | str = save_report(exc, sys.argv)
    except OSError as failure:
        saved = failure.strerror or type(failure).__name__
    for line in paragraph(exc, command, saved):
        say_error(line, fg=None)
    return CRASH_EXIT


def _os_error(exc: OSError) -> str:
    """`path: what is wrong; what to do`, from an OSError no layer expected."""
    what = exc.strerror or str(exc) or type(exc).__name__
    hint = _HINTS.get(exc.errno or 0)
    text = f"{what}; {hint}" if hint else what
    return f"{exc.filename}: {text}" if exc.filename is not None else text


def paragraph(exc: BaseException, command: str | None, saved: Path | str) -> list[str]:
    """The lines printed for a crash. They name the exception's type and the line of
    runnerup's code, never its message: that may quote a name or a note from the config."""
    where = _where(exc.__traceback__)
    running = f"`runnerup {command}`" if command else "runnerup"
    lines = [
        f"runnerup {__version__} crashed: an unexpected {type(exc).__name__} in {running}"
        f"{f' at {where}' if where else ''}.",
        "This is a bug in runnerup, not a mistake in your config or command; files are "
        "written atomically, so none was left half-written.",
    ]
    if isinstance(saved, Path):
        lines += [
            f"A full report (with the traceback) was saved to {saved}, readable only by you.",
            "Please report the bug on runnerup's issue tracker and attach that file, after "
            "reading it: it may quote names or notes from your config.",
        ]
    else:
        lines += [
            f"A report could not be saved ({saved}): run the command again with "
            f"{DEBUG_VARIABLE}=1 to see the traceback, and report the bug on runnerup's "
            "issue tracker with it.",
        ]
    return lines


def _where(tb: TracebackType | None) -> str | None:
    """The innermost line of runnerup's own code in the traceback, as `runnerup/x.py:N`
    (or `runnerup/cli/x.py:N` in a subpackage)."""
    package = Path(__file__).resolve().parent
    found = None
    for frame, line in traceback.walk_tb(tb):
        path = Path(frame.f_code.co_filename).resolve()
        if path.is_relative_to(package):
            found = f"runnerup/{path.relative_to(package).as_posix()}:{line}"
    return found


def report_folder() -> Path:
    """Where crash reports go: the user's cache folder, as each system names it."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "runnerup" / "Crashes"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "runnerup" / "crashes"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # the XDG spec: an empty or relative value is ignored
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / "runnerup" / "crashes"


def save_report(exc: BaseException, argv: list[str]) -> Path:
    """Write the full report to a new file only the user can read (0600), in the cache
    folder, else the temporary folder; return its path."""
    text = _report_text(exc, argv)
    failure: OSError | None = None
    for folder in (report_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            handle, name = tempfile.mkstemp(
                prefix=f"runnerup-crash-{stamp}-", suffix=".txt", dir=folder
            )
            with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as out:
                out.write(text)
            return Path(name)
        except OSError as exc_:
            failure = exc_
    assert failure is not None
    raise failure


def _report_text(exc: BaseException, argv: list[str]) -> str:
    return "".join(
        [
            "runnerup crash report\n",
            f"runnerup: {__version__}\n",
            f"python: {sys.version.split()[0]} ({platform.python_implementation()})\n",
            f"platform: {platform.platform()}\n",
            f"command line: {scrubbed(argv)!r}\n\n",
            *traceback.format_exception(type(exc), exc, exc.__traceback__),
        ]
    )


SECRET_OPTIONS = ("--token",)  # a feed's token is its password: never in a report


def scrubbed(argv: list[str]) -> list[str]:
    """`argv` without the values of secret options (`--token X`, `--token=X`), since the
    report is meant to be attached to a public bug report."""
    out: list[str] = []
    hide = False
    for arg in argv:
        if hide:
            out.append("<hidden>")
            hide = False
        elif arg in SECRET_OPTIONS:
            out.append(arg)
            hide = True
        elif arg.startswith(tuple(f"{option}=" for option in SECRET_OPTIONS)):
            out.append(arg.split("=", 1)[0] + "=<hidden>")
        else:
            out.append(arg)
    return out
