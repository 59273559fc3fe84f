"""Running the feed app on waitress, as `runnerup serve` does: limits that idle clients
cannot exhaust, the open-file room, the token kept out of waitress's log, SIGTERM, start
and stop. Never prints: the caller says what it wants through `ready`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import RunnerupError
from .token import RedactToken
from .wsgi import FeedApp, make_app

# waitress's defaults let 100 idle connections take the feed offline for two minutes
# (connection_limit 100, channel_timeout 120 s). Idle and slow clients cost a socket and
# a little memory, never a worker thread (waitress reads whole requests before a thread
# runs them), so many are allowed, and the idle ones are dropped soon.
SERVER_OPTIONS: dict[str, Any] = {
    "connection_limit": 1000,  # open connections before new ones wait in the backlog
    "channel_timeout": 15,  # seconds without a byte in either direction: closed
    "cleanup_interval": 5,  # how often that is checked
    "asyncore_use_poll": True,  # select() watches at most 1024 sockets
    "ident": "",  # no Server header
}
_SPARE_FILES = 64  # descriptors kept for the config, the -o file, logs and the listener


def serve_feed(
    config_path: Path,
    token: str,
    output: Path | None,
    privacy: str,
    host: str,
    port: int,
    *,
    force: bool,
    ready: Callable[[FeedApp, str], None],
) -> None:
    """Serve the feed of `config_path` on host:port until Ctrl+C or SIGTERM. Builds the
    app (ConfigError when there is no good feed to start with), keeps the token out of
    waitress's log, listens (RunnerupError when it cannot), calls `ready(app, where)`
    for the caller to say where to subscribe, serves, and always closes the server."""
    import signal

    app = make_app(config_path, token, output, privacy, force=force)
    for name in ("waitress", "waitress.queue"):
        logging.getLogger(name).addFilter(RedactToken(token))
    # "Task queue depth is N" on every short burst says nothing a user can act on
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        server = create_feed_server(app, host, port)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise RunnerupError(f"cannot listen on {host}:{port}: {reason}") from None
    signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl+C
    shown = f"[{host}]" if ":" in host else host
    where = f"{shown}:{getattr(server, 'effective_port', port)}"
    try:
        ready(app, where)
        server.run()  # returns on KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def create_feed_server(app: FeedApp, host: str, port: int) -> Any:
    """A waitress server for `app`, tuned so that idle or slow clients cannot starve the
    real ones (SERVER_OPTIONS). The connection limit is kept below the open-file limit,
    which is raised to its hard maximum where it is lower. Raises OSError or ValueError
    when it cannot listen."""
    from waitress.server import create_server

    options = dict(SERVER_OPTIONS)
    options["connection_limit"] = min(options["connection_limit"], _open_file_room())
    return create_server(app, host=host, port=port, **options)


def _open_file_room() -> int:
    """How many connections the process can hold open, after raising its soft limit on
    open files as far as allowed (often 1024 by default)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return int(SERVER_OPTIONS["connection_limit"])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = int(SERVER_OPTIONS["connection_limit"]) + _SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (OSError, ValueError):
            pass
    if soft == resource.RLIM_INFINITY:
        return int(SERVER_OPTIONS["connection_limit"])
    return max(int(soft) - _SPARE_FILES, 10)
