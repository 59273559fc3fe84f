"""The feed over HTTP, as a WSGI application any server can run: routing by the secret
path, conditional GET (304), headers, the body through the server's file wrapper. Asks
its `FeedState` for the current feed; never reads the config itself.

One URL serves the calendar: `/TOKEN/NAME.ics`. Everything else is the same small 404,
so a wrong guess learns nothing, not even that a feed exists. The whole path is compared
through SHA-256 digests with `hmac.compare_digest`, so neither the token's characters nor
its length leak through timing. The app never raises into the server, whose error log
would name the request path (and so the token).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
from collections.abc import Callable, Iterable
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from .. import default_config
from ..errors import RunnerupError
from .state import (
    Feed,
    FeedState,
)
from .token import token_problem

StartResponse = Callable[..., Any]
_NOT_FOUND = b"Not Found\n"
_NOT_ALLOWED = b"Method Not Allowed\n"
_SERVER_ERROR = b"Internal Server Error\n"


def feed_name(config_path: Path) -> str:
    """`runnerup.yaml` → `runnerup.ics`: the config's name, reduced to URL-safe letters."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", config_path.stem).strip(".-")
    return f"{stem or 'runnerup'}.ics"


class FeedApp:
    """The WSGI application: HTTP in front of a `FeedState`, which keeps the feed current
    (`state`). Thread-safe: each request reads the state's immutable `Feed` once."""

    def __init__(self, state: FeedState, token: str) -> None:
        problem = token_problem(token)
        if problem:
            raise ValueError(problem)
        self.state = state
        self._clock = state.clock
        self._log = state.log
        self.name = feed_name(state.config_path)
        self.path = f"/{token}/{self.name}"
        self._path_digest = hashlib.sha256(self.path.encode("utf-8")).digest()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._respond(environ, start_response)
        except Exception as exc:  # the server's own log would print the path: the token
            self._log(f"internal error: {type(exc).__name__}: {exc}")
            head = environ.get("REQUEST_METHOD") == "HEAD"
            return _plain(start_response, "500 Internal Server Error", _SERVER_ERROR, head=head)

    def _respond(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        if method not in ("GET", "HEAD"):
            return _plain(
                start_response, "405 Method Not Allowed", _NOT_ALLOWED, [("Allow", "GET, HEAD")]
            )
        if not self.is_feed_path(str(environ.get("PATH_INFO", ""))):
            return _plain(start_response, "404 Not Found", _NOT_FOUND, head=method == "HEAD")
        state = self.state
        state.refresh()
        feed = state.feed
        headers = [
            ("ETag", feed.etag),
            ("Last-Modified", formatdate(feed.last_modified, usegmt=True)),
            ("Cache-Control", "private, no-cache"),
        ]
        if _not_modified(environ, feed, self._now()):
            start_response("304 Not Modified", headers)
            return []
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Length", str(len(feed.body))),
                ("X-Content-Type-Options", "nosniff"),
                *headers,
            ],
        )
        if method == "HEAD":
            return []
        # Through the server's file wrapper when it has one: waitress spools any body it
        # is handed as bytes over 1 MB to a temporary file, per request (a 1,000-role feed
        # is 7 MB); a wrapped BytesIO (one per request: each keeps its own position, and
        # shares the feed's bytes rather than copying them) is sent from memory.
        wrapper = environ.get("wsgi.file_wrapper")
        return [feed.body] if wrapper is None else wrapper(io.BytesIO(feed.body))

    def _now(self) -> int:
        """The server's time for conditional requests; the feed's date if the clock
        cannot be read (a bad SOURCE_DATE_EPOCH is reported by the rebuild)."""
        try:
            return int(self._clock().timestamp())
        except (RunnerupError, ValueError, OverflowError, OSError):
            return self.state.feed.last_modified

    def is_feed_path(self, path_info: str) -> bool:
        """Constant time in the path's content and length: digests of equal size."""
        raw = path_info.encode("latin-1", "replace")  # WSGI's str holds the raw bytes
        return hmac.compare_digest(hashlib.sha256(raw).digest(), self._path_digest)


def make_app(
    config_path: Path | str,
    token: str,
    output: Path | str | None = None,
    privacy: str = "full",
    **options: Any,
) -> FeedApp:
    """The feed application for one config; raises ConfigError if there is no good feed
    to start with. E.g. `gunicorn 'runnerup.feed.wsgi:make_app("runnerup.yaml", "TOKEN")'`.
    `options` go to `FeedState`. A bad token raises ValueError before the config is read."""
    problem = token_problem(token)
    if problem:
        raise ValueError(problem)
    return FeedApp(FeedState(config_path, output, privacy, **options), token)


def app_from_env() -> FeedApp:
    """The app configured by RUNNERUP_CONFIG, RUNNERUP_TOKEN (required), RUNNERUP_PRIVACY
    and RUNNERUP_OUTPUT, for WSGI servers: `gunicorn 'runnerup.feed.wsgi:app_from_env()'`."""
    token = os.environ.get("RUNNERUP_TOKEN", "")
    if not token:
        raise RunnerupError("set RUNNERUP_TOKEN to the feed's secret token")
    return make_app(
        default_config(),
        token,
        os.environ.get("RUNNERUP_OUTPUT") or None,
        os.environ.get("RUNNERUP_PRIVACY") or "full",
    )


def _not_modified(environ: dict[str, Any], feed: Feed, now: int) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) wins over If-Modified-Since.

    An If-Modified-Since later than `now` (the server's clock, SOURCE_DATE_EPOCH when
    set, or the feed's own date if later) is invalid and ignored (RFC 7232 §3.3): a
    client with its clock ahead, or one that saw a later date before serve restarted on
    a clock set back, would otherwise be told "not modified" about every change. A date
    no clock can hold (year 99999999999) is not a date either."""
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match is not None:
        tags = [tag.strip() for tag in str(match).split(",")]
        return any(tag == "*" or tag.removeprefix("W/") == feed.etag for tag in tags)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        try:
            when = parsedate_to_datetime(str(since))
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if when.tzinfo is None:
            return False
        try:
            since_ts = when.timestamp()
        except (OverflowError, ValueError, OSError):
            return False
        return feed.last_modified <= since_ts <= max(now, feed.last_modified)
    return False


def _plain(
    start_response: StartResponse,
    status: str,
    body: bytes,
    extra: list[tuple[str, str]] | None = None,
    *,
    head: bool = False,
) -> list[bytes]:
    """A small text answer; no body for HEAD (waitress sends whatever the app returns)."""
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            *(extra or []),
        ],
    )
    return [] if head else [body]
