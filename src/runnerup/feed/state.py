"""The rebuild state machine behind the feed: the config read once it settled, the -o
file re-read when another program wrote it, reloads in a worker thread, SEQUENCE never
going down, and the current `Feed`. Knows nothing of HTTP; prints only through `log`.

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
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..build import build_now, load_previous, produce, render
from ..errors import ConfigError, Problem, RunnerupError
from ..files import check_overwrite, default_output, locked, read_output, write_atomic
from ..ical.previous import Previous, read_previous
from ..ical.write import BUSY_NAME, PRIVACY_LEVELS, Event
from ..memory import newest
from ..model import DEFAULT_NAME, Config
from ..source import read_config_bytes
from ..validate import parse_config
from ..words import plural
from .view import feed_view

RERENDER_SECONDS = 3600  # cancelled events expire with time, not only with edits
SETTLE_SECONDS = 0.2  # a changed config must keep its size and dates this long to be read
CONFIRM_SECONDS = 1.0  # and this much longer before its removals go out as cancellations
SETTLE_TRIES = 10  # looks at a config still being written, before the next request's turn
REQUEST_WAIT = 5.0  # the longest a request waits for the reload it found necessary


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


class FeedState:
    """The feed one config gives, kept current. Thread-safe: readers get an immutable
    `Feed`.

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
        if privacy not in PRIVACY_LEVELS:
            raise ValueError(f"privacy must be one of {', '.join(PRIVACY_LEVELS)}")
        self.config_path = Path(config_path)
        self.output = Path(output) if output is not None else None
        self.privacy = privacy
        self.clock = clock
        self.log = log if log is not None else _stderr
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
                self._feed = self._feed_of(read_output(self.output, required=True) or b"", mtime)
        else:
            self._memory = self._build_memory()
        self._first_load()
        if self._feed is None:
            raise self._last_error or RunnerupError(f"{self.config_path}: nothing to serve")
        if self._config is None:
            self.log(f"serving the last feed written to {self.output} until the config is fixed")
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
            self.log(f"not taking {path} as memory: {exc}")
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
        return self._config.name if self._config is not None else DEFAULT_NAME

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
                self.log(f"{self.config_path} is valid again")
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
            body, changes = render(config, self._memory, self.clock(), self.privacy, events, "feed")
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
            stamp = int(self.clock().timestamp())
            if old is not None:
                stamp = max(stamp, old.last_modified + 1)  # a later date for every change
            self._feed = self._feed_of(body, stamp)
            self._memory = read_previous(self.feed.body, str(self.output or self.config_path))
            if self._started:
                self.log(f"reloaded {self.config_path}: {changes}")
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
            f"{plural(count, 'error')} in {self.config_path}; still serving the last good feed"
        )
        self._report(str(exc), lines)

    def _report(self, key: str, lines: list[str]) -> None:
        """Print a problem once per change of the file, not once per request."""
        if key == self._reported:
            return
        self._reported = key
        for line in lines:
            self.log(line)


class _Reload(threading.Thread):
    """A worker thread for one reload. A daemon: shutdown never waits for a read that
    blocks."""

    def __init__(self, state: FeedState, generation: int, signature: tuple[int, ...]) -> None:
        super().__init__(name="runnerup-reload", daemon=True)
        self.state, self.generation, self.signature = state, generation, signature
        self.started = time.monotonic()

    def run(self) -> None:
        self.state._reload_in_worker(self.generation)


def _signature(path: Path) -> tuple[int, ...]:
    """What a `stat` says about the config: any edit (or a rename over it) changes it."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return (-1, exc.errno or 0, 0, 0, 0, 0)
    kind = stat.S_IFMT(st.st_mode)
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev, kind)


def _stderr(line: str) -> None:
    """A log line for the console, through the output layer (control characters from
    the config escaped; a stderr that cannot be written does not stop serving)."""
    from ..console import say_error

    say_error(line, fg=None)
