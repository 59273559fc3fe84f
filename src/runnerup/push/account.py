"""Where to push and as whom: the account, its password (environment, keyring or a
prompt; never stored, never printed), and the one error push raises. No network."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import RunnerupError

KEYRING_SERVICE = "runnerup-caldav"
PASSWORD_ENV = "RUNNERUP_CALDAV_PASSWORD"


class PushError(RunnerupError):
    """The server could not be reached or refused; the message says what to check."""


@dataclass(frozen=True)
class Account:
    """Where to push, as the options, the environment and the config say."""

    url: str
    username: str
    password: str = field(repr=False)
    calendar: str
    create: bool = False
    timeout: float = 30.0


def password(
    username: str,
    environ: dict[str, str] | os._Environ[str],
    ask: Callable[[], str] | None,
) -> str:
    """From the environment, else the keyring (if the optional package is installed), else
    `ask` (a prompt on a terminal). Never stored, never printed."""
    value = environ.get(PASSWORD_ENV)
    if value:
        return value
    try:
        import keyring
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            stored = keyring.get_password(KEYRING_SERVICE, username)
        except Exception:  # no usable backend: fall through to the prompt
            stored = None
        if isinstance(stored, str) and stored:
            return stored
    if ask is not None:
        return ask()
    raise PushError(
        f"no password for {username}: set {PASSWORD_ENV}, store it with "
        f"`keyring set {KEYRING_SERVICE} {username}` (pip install keyring), or run "
        "`runnerup push` on a terminal to be asked"
    )
