"""The feed's secret token: which tokens a URL can carry, the saved token and the folder
it lives in, and the log filter that keeps it out of every log line. Never prints."""

from __future__ import annotations

import logging
import os
import re
import secrets
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from ..errors import RunnerupError
from ..files import write_atomic

TOKEN_FILE = "token"
_TOKEN_BAD = re.compile(r"[/\\?#%\s\x00-\x1f\x7f]")


def token_problem(token: str) -> str | None:
    """Why a token cannot go in a URL path as it is, or None."""
    if not token:
        return "the token is empty"
    if _TOKEN_BAD.search(token):
        return "the token may not contain spaces, control characters or any of / \\ ? # %"
    if token in (".", ".."):  # RFC 3986 §5.2.4: clients remove dot segments from a path
        return f"the token may not be {token!r}: a URL drops it from the path"
    return None


def new_token() -> str:
    """192 random bits, URL-safe: as unguessable as a password manager's."""
    return secrets.token_urlsafe(24)


def token_folder(environ: Mapping[str, str] | None = None) -> Path:
    """Where the generated token is saved: the user's config folder, as click's
    `get_app_dir` finds it, except that an empty or relative XDG_CONFIG_HOME is ignored
    (the XDG spec says so): it would put the secret under the current folder, where a
    `git add .` commits it."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32":
        return Path(env.get("APPDATA") or Path.home()) / "runnerup"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "runnerup"
    xdg = env.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".config"
    return base / "runnerup"


def token_file_problem(path: Path) -> str | None:
    """Why a saved token file cannot be trusted as a secret, or None: readable by
    others, owned by someone else, or in a folder others could swap it in."""
    if sys.platform == "win32":  # POSIX modes do not describe Windows ACLs
        return None
    folder = path.parent
    try:
        here = folder.stat()
    except FileNotFoundError:
        return None
    if here.st_mode & 0o022:
        return (
            f"{folder} is writable by other users, who could replace the token; "
            f"run `chmod go-w {folder}`"
        )
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return f"{path} is not a regular file; remove it and start again for a new token"
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return f"{path} belongs to another user; remove it and start again for a new token"
    if st.st_mode & 0o077:
        return (
            f"{path} is readable by other users; run `chmod 600 {path}` (and, since others "
            "may have read it, remove the file for a new token and subscribe again)"
        )
    return None


def saved_token(folder: Path) -> tuple[str, bool]:
    """The token remembered in `folder` (created, mode 0600, when missing), so that a
    restart keeps the URL every subscribed calendar points at. Returns (token, created).
    A file others can read, or a folder others can write, is refused, not used."""
    path = folder / TOKEN_FILE
    problem = token_file_problem(path)
    if problem:
        raise RunnerupError(f"refusing the saved token: {problem}")
    try:
        token = path.read_text(encoding="utf-8").strip()
        if token_problem(token) is None:
            return token, False
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as exc:
        raise RunnerupError(f"{path}: cannot read the saved token: {exc}") from None
    token = new_token()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, (token + "\n").encode("ascii"), mode=0o600)
    except OSError as exc:
        raise RunnerupError(f"{path}: cannot save the token: {exc.strerror}") from None
    return token, True


class RedactToken(logging.Filter):
    """Replaces the token in log records (waitress names the request path when a client
    disconnects mid-response), so no log line ever holds the feed's URL."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True
