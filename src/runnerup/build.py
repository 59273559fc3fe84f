"""The main job, end to end: config → calls → events → memory → bytes → file, atomically."""

from __future__ import annotations

import contextlib
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from .config import Config
from .errors import OutputError
from .ics import Event, Previous, calendar_bytes, call_events, event_bytes, read_previous
from .memory import Changes, merge
from .schedule import schedule


def render(
    config: Config,
    previous: Previous | None,
    now: datetime,
    privacy: str = "full",
    events: list[Event] | None = None,
) -> tuple[bytes, Changes]:
    """The calendar for `config`, remembering `previous`; `now` stamps what changed.
    `events`, if given, are `produce(config, privacy)`'s, made already."""
    if events is None:
        events = produce(config, privacy)
    merged, changes = merge(events, previous, now)
    return calendar_bytes(config, merged, privacy), changes


def produce(config: Config, privacy: str = "full") -> list[Event]:
    """The config's events, before the memory of earlier builds is applied."""
    return call_events(schedule(config), config, privacy)


_STAMPS = re.compile(
    rb"\r\nBEGIN:VEVENT\r\nUID:([^\r\n]*)\r\nDTSTAMP:([^\r\n]*)\r\nSEQUENCE:([0-9]+)\r\n"
)


def render_unchanged(
    config: Config, events: list[Event], old: bytes, privacy: str = "full"
) -> tuple[bytes, Changes] | None:
    """The calendar if it is exactly `old`: every event unchanged, none new or cancelled.

    The usual rebuild (the hook, the prompt, the hourly job) changes nothing, and then
    reading the previous output event by event (0.3 s at 10,000 roles) is not needed:
    each event takes the DTSTAMP and SEQUENCE `old` shows for its UID, and if the result
    is `old` byte for byte, it is what `render` with `old` as memory gives too. Otherwise
    None, and `render` decides; it reuses `events`."""
    stamps = {uid: (dtstamp, sequence) for uid, dtstamp, sequence in _STAMPS.findall(old)}
    if len(stamps) != len(events):
        return None
    uids = set()
    for event in events:
        found = stamps.get(event.uid.encode())
        if found is None:
            return None
        uids.add(event.uid)
        event.dtstamp, event.sequence = found[0].decode(), int(found[1])
    if len(uids) != len(events):  # a UID twice: the memory would compare each
        return None
    if privacy != "full":  # the busy feed rewrites every event: compare the whole file
        data = calendar_bytes(config, events, privacy)
        return (data, Changes(len(events), 0, 0, 0)) if data == old else None
    # What calendar_bytes would write, compared with `old` event by event as it is made:
    # no second copy of the file (a tenth of a large rebuild's memory), and a changed
    # calendar stops at its first changed event (the memory's merge makes the rest).
    end = b"END:VCALENDAR\r\n"
    head = calendar_bytes(config, [], privacy)[: -len(end)]
    if not old.startswith(head):
        return None
    at = len(head)
    for event in sorted(events, key=lambda e: (e.sort_key, e.uid)):
        chunk = event_bytes(event)
        if not old.startswith(chunk, at):
            return None
        at += len(chunk)
    if len(old) - at != len(end) or not old.endswith(end):
        return None
    return old, Changes(len(events), 0, 0, 0)


def build_output(
    config: Config,
    target: Path | None,
    previous: Path | None,
    now: datetime,
    privacy: str = "full",
    force: bool = False,
) -> tuple[bytes, Changes, bytes | None]:
    """What `runnerup build` writes to `target` (None: stdout), what changed, and the
    target's current bytes (an unchanged calendar need not be rewritten).

    The memory is `previous` if named, else the target itself. The usual rebuild changes
    nothing and is recognised without parsing the old file (`render_unchanged`)."""
    old = read_output(target, required=False) if target is not None else None
    events = None
    if old is not None and previous is None:
        events = produce(config, privacy)
        quick = render_unchanged(config, events, old, privacy)
        if quick is not None:  # `old` is runnerup's own output: nothing to check or merge
            return *quick, old
    existing = read_previous(old, str(target)) if old is not None else None
    if target is not None:
        check_overwrite(target, existing, force)
    memory = load_previous(previous, required=True) if previous is not None else existing
    data, changes = render(config, memory, now, privacy, events)
    return data, changes, old


def build_now(environ: os._Environ[str] | dict[str, str] | None = None) -> datetime:
    """ "Now" for DTSTAMPs: SOURCE_DATE_EPOCH when set, for reproducible builds."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise OutputError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds, found {epoch!r}"
            ) from None
    return datetime.now(timezone.utc).replace(microsecond=0)


def default_output(config_path: Path) -> Path:
    """`runnerup.yaml` → `runnerup.ics`, beside the config."""
    return config_path.with_suffix(".ics")


def load_previous(path: Path, *, required: bool) -> Previous | None:
    """The memory: a previous output, if there is one (and `--previous` insists)."""
    data = read_output(path, required=required)
    return None if data is None else read_previous(data, str(path))


def read_output(path: Path, *, required: bool) -> bytes | None:
    """A previous output's bytes, or None if there is none (and `--previous` insists).

    `build` keeps them to see whether the new calendar is the same file, rather than
    reading 35 MB (at 10,000 roles) a second time."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if required:
            raise OutputError(f"{path}: previous output not found") from None
        return None
    except OSError as exc:
        raise OutputError(f"{path}: cannot read: {exc.strerror}") from None


def check_overwrite(path: Path, previous: Previous | None, force: bool) -> None:
    """Never clobber a calendar runnerup did not write: it may be someone's only copy."""
    if force or previous is None or previous.ours:
        return
    try:
        if path.stat().st_size == 0:
            return
    except OSError:
        return
    raise OutputError(
        f"{path} exists and was not written by runnerup; choose another "
        "file with -o, or pass --force to replace it"
    )


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write via a temporary file in the same folder and a rename: a crash, a full disk
    or a kill leaves the old file whole. `mode` (else the old file's, else the umask's)
    is set before the rename, so a secret is never readable by others, even briefly."""
    import tempfile  # here: an unchanged rebuild writes nothing, and tempfile imports a lot

    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o777
            except FileNotFoundError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{path}: cannot write: {exc.strerror}; the previous file is unchanged"
            ) from None
        raise
