"""The main job, end to end: config → calls → events → memory → bytes → file, atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from .config import Config
from .errors import OutputError
from .ics import Previous, calendar_bytes, call_events, read_previous
from .memory import Changes, merge
from .schedule import schedule


def render(
    config: Config, previous: Previous | None, now: datetime, privacy: str = "full"
) -> tuple[bytes, Changes]:
    """The calendar for `config`, remembering `previous`; `now` stamps what changed."""
    events = call_events(schedule(config), config, privacy)
    merged, changes = merge(events, previous, now)
    return calendar_bytes(config, merged, privacy), changes


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and a rename: a crash, a full disk
    or a kill leaves the old file whole."""
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
