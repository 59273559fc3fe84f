"""The subscription feed as a WSGI application: `runnerup serve` runs it on waitress, and
any WSGI server (gunicorn behind a TLS proxy, say) can run it too.

One URL serves the calendar: `/TOKEN/NAME.ics`. Everything else is the same small 404,
so a wrong guess learns nothing, not even that a feed exists. The whole path is compared
through SHA-256 digests with `hmac.compare_digest`, so neither the token's characters nor
its length leak through timing. The app never raises into the server, whose error log
would name the request path (and so the token).

The feed follows the config file: each request costs one `stat`; when the file changed
a worker thread waits for it to settle, reads it, validates it and renders it with the
previous feed as memory (SPEC §4), so an edit reaches subscribers as changed events and
removed ones as cancellations. Requests never read the config themselves: whatever a
read does (block on a FIFO, hang on a network share), they answer with the last good
feed. A config that no longer validates leaves the last good feed in place and prints
its problems once: a typo must never empty a subscribed calendar.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import re
import secrets
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from . import DEFAULT_CONFIG
from .build import build_now, load_previous, produce, render
from .config import Config, parse_config
from .errors import ConfigError, OutputError, Problem, RunnerupError
from .files import check_overwrite, default_output, locked, read_output, write_atomic
from .ical.previous import Previous, claims_runnerup, read_previous
from .ical.text import unfold
from .ical.write import BUSY_NAME, PRIVACY_LEVELS, Event, Retired, calendar_bytes
from .memory import newest
from .source import read_config_bytes

StartResponse = Callable[..., Any]
TOKEN_FILE = "token"
RERENDER_SECONDS = 3600  # cancelled events expire with time, not only with edits
SETTLE_SECONDS = 0.2  # a changed config must keep its size and dates this long to be read
CONFIRM_SECONDS = 1.0  # and this much longer before its removals go out as cancellations
SETTLE_TRIES = 10  # looks at a config still being written, before the next request's turn
REQUEST_WAIT = 5.0  # the longest a request waits for the reload it found necessary
_NOT_FOUND = b"Not Found\n"
_NOT_ALLOWED = b"Method Not Allowed\n"
_SERVER_ERROR = b"Internal Server Error\n"
_TOKEN_BAD = re.compile(r"[/\\?#%\s\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Feed:
    """One rendered calendar and the validators clients revalidate it with."""

    body: bytes
    etag: str
    last_modified: int  # whole seconds since the epoch: HTTP dates have no finer grain
    events: int

    @classmethod
    def of(cls, body: bytes, last_modified: int) -> Feed:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(body, etag, last_modified, body.count(b"\r\nBEGIN:VEVENT\r\n"))


def feed_name(config_path: Path) -> str:
    """`runnerup.yaml` → `runnerup.ics`: the config's name, reduced to URL-safe letters."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", config_path.stem).strip(".-")
    return f"{stem or 'runnerup'}.ics"


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


class FeedApp:
    """The WSGI application. Thread-safe: requests read an immutable `Feed`.

    Reloads run in a worker thread (`_Reload`), never in a request thread: a config that
    blocks when read (a FIFO swapped in, a hung network share) cannot hold a request or
    shutdown. A request that finds the config changed waits for its reload at most
    `wait` seconds, then answers with the last good feed. A lock serialises applying
    reloads; a reload that a newer one overtook is dropped, so a stuck read that ends
    late never brings back an old feed.
    """

    def __init__(
        self,
        config_path: Path | str,
        token: str,
        output: Path | str | None = None,
        privacy: str = "full",
        *,
        force: bool = False,
        clock: Callable[[], datetime] = build_now,
        log: Callable[[str], None] | None = None,
        settle: float = SETTLE_SECONDS,
        confirm: float = CONFIRM_SECONDS,
        wait: float = REQUEST_WAIT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        problem = token_problem(token)
        if problem:
            raise ValueError(problem)
        if privacy not in PRIVACY_LEVELS:
            raise ValueError(f"privacy must be one of {', '.join(PRIVACY_LEVELS)}")
        self.config_path = Path(config_path)
        self.output = Path(output) if output is not None else None
        self.privacy = privacy
        self.name = feed_name(self.config_path)
        self.path = f"/{token}/{self.name}"
        self._path_digest = hashlib.sha256(self.path.encode("utf-8")).digest()
        self._clock = clock
        self._log = log if log is not None else _stderr
        self._force = force
        self._settle, self._confirm, self._wait, self._sleep = settle, confirm, wait, sleep
        self._lock = threading.Lock()  # held while a reload changes the state below
        self._guard = threading.Lock()  # held while a request starts or finds a reload
        self._reload: _Reload | None = None  # the latest reload started
        self._generation = 0  # which reload may still apply what it read
        self._seen: tuple[int, ...] | None = None  # the config's stat when last looked at
        self._source: bytes | None = None  # digest of the config bytes last looked at
        self._config: Config | None = None  # the last good config
        self._rendered_at = 0.0
        self._reported: str | None = None  # the last problem printed, to print it once
        self._config_broken = False
        self._source_ok = False  # whether the text last read was valid
        self._memory: Previous | None = None
        self._output_seen: tuple[int, ...] | None = None  # the -o file's stat, last read/written
        self._feed: Feed | None = None
        self._last_error: RunnerupError | None = None
        self._started = False
        if self.output is not None:
            seen = _signature(self.output)
            self._memory = load_previous(self.output, required=False, force=force)
            check_overwrite(self.output, self._memory is None or self._memory.ours, force)
            self._output_seen = seen
            if self._memory is not None and self._memory.ours:
                mtime = int(self.output.stat().st_mtime)
                self._feed = self._feed_of(self.output.read_bytes(), mtime)
        else:
            self._memory = self._build_memory()
        self._first_load()
        if self._feed is None:
            raise self._last_error or RunnerupError(f"{self.config_path}: nothing to serve")
        if self._config is None:
            self._log(f"serving the last feed written to {self.output} until the config is fixed")
        self._started = True

    def _build_memory(self) -> Previous | None:
        """Without -o, the .ics `runnerup build` writes beside the config, read once as
        memory (never written): a restart then continues from build's SEQUENCE instead
        of publishing every event at SEQUENCE 0, lower than subscribers have seen. A
        file that cannot serve as memory is said once and left alone."""
        path = default_output(self.config_path)
        try:
            memory = load_previous(path, required=False)
        except RunnerupError as exc:
            self._log(f"not taking {path} as memory: {exc}")
            return None
        return memory if memory is not None and memory.ours else None

    # ------------------------------------------------------------------ the feed

    @property
    def feed(self) -> Feed:
        assert self._feed is not None
        return self._feed

    def calendar_name(self) -> str:
        """The name subscribers see: the config's, or the neutral one of a busy feed."""
        if self.privacy == "busy":
            return BUSY_NAME
        return self._config.name if self._config is not None else "Runner-up follow-ups"

    def _feed_of(self, body: bytes, last_modified: int) -> Feed:
        """The one way a feed is made: whatever their origin (a render, the -o file served
        while the config is broken or a render fails), the bytes pass `feed_view`, so no
        path serves a name in a busy feed or a tombstone in any feed. A file that cannot
        be made a feed raises, and the server does not start."""
        body = feed_view(body, str(self.output or self.config_path), self.privacy)
        return Feed.of(body, last_modified)

    # ------------------------------------------------------------------ reloading

    def refresh(self) -> None:
        """Reload if the config changed (or an hour passed), in a worker thread. The
        request that started the reload waits for it (at most `wait` seconds), so an edit
        reaches the next request; every other request is answered at once with the feed
        as it is, so a slow render or a hung read never holds them. Cheap when nothing
        changed: one `stat`, which never blocks, even on a FIFO."""
        signature = _signature(self.config_path)
        if signature == self._seen and not self._stale():
            return
        with self._guard:
            reload = self._reload
            if reload is not None and reload.is_alive() and reload.signature == signature:
                return  # another request started it and waits for it
            self._generation += 1
            reload = _Reload(self, self._generation, signature)
            self._reload = reload
            reload.start()
        reload.join(max(0.0, reload.started + self._wait - time.monotonic()))

    def _stale(self) -> bool:
        return time.monotonic() - self._rendered_at > RERENDER_SECONDS

    def _first_load(self) -> None:
        """The load at start, in the caller's thread: nothing to serve without it."""
        read = self._read(settle=False)
        tries = 0
        while read is None:  # written while it was read: wait for it to settle
            tries += 1
            if tries > SETTLE_TRIES:
                raise RunnerupError(f"{self.config_path}: keeps changing; start again once saved")
            read = self._read(settle=True)
        with self._lock:
            self._apply(*read, hold=False)

    def _reload_in_worker(self, generation: int) -> None:
        """One reload, in its worker thread: wait for the config to settle, read it, and
        apply it unless a newer reload started meanwhile. A reload that would cancel
        events is confirmed first: the file must stay as it was `confirm` seconds longer,
        so a file caught half-written never cancels the roles not written yet."""
        for _ in range(SETTLE_TRIES):
            read = self._read(settle=True)
            if read is not None:
                break
        else:
            return  # still being written: the next request looks again
        signature, data = read
        with self._lock:
            if generation != self._generation or not self._apply(signature, data, hold=True):
                return
        self._sleep(self._confirm)
        if _signature(self.config_path) != signature:
            return  # changed again: not what the user meant to save; the next request looks
        with self._lock:
            if generation == self._generation:
                self._apply(signature, data, hold=False)

    def _read(self, *, settle: bool) -> tuple[tuple[int, ...], bytes | ConfigError] | None:
        """The config's bytes (or why they cannot be read) and the `stat` they match, or
        None if the file changed while it was looked at: stat, wait `settle` seconds if
        asked, stat again, read, stat again. Anything but a regular file is refused
        before it is opened: a FIFO would block the read until someone writes to it."""
        before = _signature(self.config_path)
        if before[-1] not in (0, stat.S_IFREG, stat.S_IFDIR):
            message = "not a regular file; runnerup reads only regular files"
            return before, ConfigError([Problem(str(self.config_path), 1, 1, "", message)])
        if settle:
            self._sleep(self._settle)
            if _signature(self.config_path) != before:
                return None
        try:
            data: bytes | ConfigError = read_config_bytes(self.config_path)
        except ConfigError as exc:
            data = exc
        after = _signature(self.config_path)
        if after != before or (isinstance(data, bytes) and len(data) != before[2]):
            return None
        return after, data

    def _apply(self, signature: tuple[int, ...], data: bytes | ConfigError, *, hold: bool) -> bool:
        """Take in what a reload read; the caller holds the lock. With `hold`, a config
        that would cancel events is not applied: returns True, for the caller to confirm
        it. A bug must not take a good feed down: it is reported, and the file is not
        marked as seen, so the next request tries again."""
        try:
            if self._take(data, hold=hold):
                return True
        except Exception as exc:
            if self._feed is None:
                raise
            self._report(
                f"internal: {exc!r}",
                [f"internal error: {type(exc).__name__}: {exc}; still serving the last feed"],
            )
            return False
        self._seen = signature
        return False

    def _take(self, data: bytes | ConfigError, *, hold: bool) -> bool:
        if isinstance(data, ConfigError):
            self._broken(data)
            return False
        digest = hashlib.sha256(data).digest()
        config, ok = self._config, self._source_ok
        if digest != self._source:
            try:
                config, ok = parse_config(data, str(self.config_path)), True
            except ConfigError as exc:
                self._source, self._source_ok = digest, False
                self._broken(exc)
                return False
        # else: the same text as last time (touched, restored after a read error, or only
        # time moved on): its verdict stands
        events = None
        if ok and config is not None:
            events = produce(config, self.privacy)
            if hold and self._cancels(events):
                return True
            self._source, self._source_ok, self._config = digest, True, config
            if self._config_broken:
                self._log(f"{self.config_path} is valid again")
                self._config_broken, self._reported = False, None
        if self._config is not None:
            # the last good config, while the text is broken
            self._render_and_write(self._config, events if ok else None)
        else:
            self._rendered_at = time.monotonic()
        return False

    def _cancels(self, events: list[Event]) -> bool:
        """Whether these events leave out one the feed shows as live."""
        if self._memory is None:
            return False
        produced = {event.uid for event in events}
        return any(
            uid not in produced and before.status != "CANCELLED"
            for uid, before in self._memory.events.items()
        )

    def _render_and_write(self, config: Config, events: list[Event] | None = None) -> None:
        """`_render_and_write_locked` under the -o file's inter-process lock, so a
        `runnerup build` on the same file never interleaves with serve's read and write."""
        if self.output is None:
            self._render_and_write_locked(config, events)
            return
        try:
            with locked(self.output):
                self._render_and_write_locked(config, events)
        except RunnerupError as exc:  # the lock was not to be had in time
            self._last_error = exc
            self._report(str(exc), [f"error: {exc}; still serving the last good feed"])

    def _render_and_write_locked(self, config: Config, events: list[Event] | None) -> None:
        """Re-read the -o file if another program (`runnerup build`) wrote it since,
        render with the memory, publish, and write the file: the one step that reads and
        writes the -o file, for an inter-process lock on it to wrap. SEQUENCE never goes
        down: the memory keeps the higher of the two for every event."""
        writable, changed, disk = self._take_disk_memory()
        try:
            body, changes = render(
                config, self._memory, self._clock(), self.privacy, events, "feed"
            )
        except RunnerupError as exc:
            self._last_error = exc
            if self._feed is not None:
                self._report(str(exc), [f"error: {exc}; still serving the last good feed"])
            return
        self._rendered_at = time.monotonic()
        old = self._feed
        if old is not None and old.body == body and not changed:
            return
        if old is None or old.body != body:
            stamp = int(self._clock().timestamp())
            if old is not None:
                stamp = max(stamp, old.last_modified + 1)  # a later date for every change
            self._feed = self._feed_of(body, stamp)
            self._memory = read_previous(self.feed.body, str(self.output or self.config_path))
            if self._started:
                self._log(f"reloaded {self.config_path}: {changes}")
        if self.output is not None and writable and self.feed.body != disk:
            try:
                write_atomic(self.output, self.feed.body)
                self._output_seen = _signature(self.output)
            except RunnerupError as exc:
                self._report(str(exc), [f"error: {exc}; serving the new feed anyway"])

    def _take_disk_memory(self) -> tuple[bool, bool, bytes | None]:
        """If the -o file changed since serve last read or wrote it, read it back and keep
        the newer memory of each event. Returns whether the file may be written (not if
        it cannot be read, or runnerup did not write it), whether it changed, and its
        bytes if it changed (None when missing)."""
        if self.output is None:
            return False, False, None
        seen = _signature(self.output)
        if seen == self._output_seen:
            return True, False, None
        try:
            data = read_output(self.output, required=False)
            disk = read_previous(data, str(self.output)) if data is not None else None
            check_overwrite(self.output, disk is None or disk.ours, self._force)
        except RunnerupError as exc:
            self._report(str(exc), [f"error: {exc}; serving the feed without writing it"])
            return False, True, None
        self._output_seen = seen
        if disk is not None:
            self._memory = newest(self._memory, disk)
        return True, True, data

    def _broken(self, exc: ConfigError) -> None:
        self._last_error = exc
        self._rendered_at = time.monotonic()  # a broken file is not re-read every request
        if self._feed is None:
            return  # nothing to keep serving: the caller raises it
        self._config_broken = True
        count = len(exc.problems)
        lines = [str(problem) for problem in exc.problems]
        lines.append(
            f"{count} error{'s' if count != 1 else ''} in {self.config_path}; "
            "still serving the last good feed"
        )
        self._report(str(exc), lines)

    def _report(self, key: str, lines: list[str]) -> None:
        """Print a problem once per change of the file, not once per request."""
        if key == self._reported:
            return
        self._reported = key
        for line in lines:
            self._log(line)

    # ------------------------------------------------------------------ HTTP

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
        self.refresh()
        feed = self.feed
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
            return self.feed.last_modified

    def is_feed_path(self, path_info: str) -> bool:
        """Constant time in the path's content and length: digests of equal size."""
        raw = path_info.encode("latin-1", "replace")  # WSGI's str holds the raw bytes
        return hmac.compare_digest(hashlib.sha256(raw).digest(), self._path_digest)


class _Reload(threading.Thread):
    """A worker thread for one reload. A daemon: shutdown never waits for a read that
    blocks."""

    def __init__(self, app: FeedApp, generation: int, signature: tuple[int, ...]) -> None:
        super().__init__(name="runnerup-reload", daemon=True)
        self.app, self.generation, self.signature = app, generation, signature
        self.started = time.monotonic()

    def run(self) -> None:
        self.app._reload_in_worker(self.generation)


def make_app(
    config_path: Path | str,
    token: str,
    output: Path | str | None = None,
    privacy: str = "full",
    **options: Any,
) -> FeedApp:
    """The feed application for one config; raises ConfigError if there is no good feed
    to start with. E.g. `gunicorn 'runnerup.web:make_app("runnerup.yaml", "TOKEN")'`."""
    return FeedApp(config_path, token, output, privacy, **options)


def app_from_env() -> FeedApp:
    """The app configured by RUNNERUP_CONFIG, RUNNERUP_TOKEN (required), RUNNERUP_PRIVACY
    and RUNNERUP_OUTPUT, for WSGI servers: `gunicorn 'runnerup.web:app_from_env()'`."""
    token = os.environ.get("RUNNERUP_TOKEN", "")
    if not token:
        raise RunnerupError("set RUNNERUP_TOKEN to the feed's secret token")
    return make_app(
        os.environ.get("RUNNERUP_CONFIG") or DEFAULT_CONFIG,
        token,
        os.environ.get("RUNNERUP_OUTPUT") or None,
        os.environ.get("RUNNERUP_PRIVACY") or "full",
    )


def redact(data: bytes, name: str) -> bytes:
    """`data`, a calendar runnerup wrote, as a busy build writes it: every event through
    the busy allow-list, the neutral calendar name. A busy render comes out unchanged;
    anything else (a full build's file) loses every name, number and note."""
    return feed_view(data, name, "busy")


def feed_view(data: bytes, name: str, privacy: str) -> bytes:
    """`data`, a calendar runnerup wrote, in the feed form at `privacy`: what serve may
    publish of a file it did not render itself (the -o file served while the config is
    broken or a render fails). A feed carries no tombstones, and an import-form file from
    `build` may: each cancelled event is served as the feed form remembers it, a retired
    UID and its SEQUENCE. A busy feed also passes every event through the busy
    allow-list. A feed-form file at this privacy comes out byte for byte."""
    if privacy != "busy" and b"\r\nSTATUS:CANCELLED\r\n" not in data and claims_runnerup(data):
        return data  # a render, or a file in the feed form already: nothing to parse
    previous = read_previous(data, name)
    if not previous.ours:
        raise OutputError(f"{name}: not a calendar runnerup wrote; a feed cannot serve it")
    cancelled = [e for e in previous.events.values() if e.status == "CANCELLED"]
    if privacy != "busy" and not cancelled:
        return data
    events = [
        Event(e.uid, e.body, e.sort_key, e.sequence, e.dtstamp)
        for e in previous.events.values()
        if e.status != "CANCELLED"
    ]
    retired = dict(previous.retired)
    for e in cancelled:
        ends = e.ends.date() if isinstance(e.ends, datetime) else e.ends
        retired[e.uid] = Retired(e.uid, e.sequence, ends)
    config = _BUSY_CONFIG if privacy == "busy" else _header_config(data)
    return calendar_bytes(config, events, privacy, list(retired.values()))


def _header_config(data: bytes) -> Config:
    """The calendar name and description a file's header holds, as a Config for
    `calendar_bytes` to write the same header again."""
    fields = {"NAME": "", "DESCRIPTION": ""}
    for line in unfold(data.decode("utf-8-sig")):
        if line == "BEGIN:VEVENT":
            break
        key, _, value = line.partition(":")
        if key in fields and not fields[key]:
            fields[key] = _unescape(value)
    return Config(
        path="",
        name=fields["NAME"],
        timezone="UTC",
        timezone_from_system=False,
        roles=(),
        description=fields["DESCRIPTION"],
    )


def _unescape(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT, as `escape` wrote it."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


_BUSY_CONFIG = Config(path="", name=BUSY_NAME, timezone="UTC", timezone_from_system=False, roles=())


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


def _signature(path: Path) -> tuple[int, ...]:
    """What a `stat` says about the config: any edit (or a rename over it) changes it."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return (-1, exc.errno or 0, 0, 0, 0, 0)
    kind = stat.S_IFMT(st.st_mode)
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev, kind)


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


def _stderr(line: str) -> None:
    """A log line for the console, through the output layer (control characters from
    the config escaped; a stderr that cannot be written does not stop serving)."""
    from .console import say_error

    say_error(line, fg=None)
