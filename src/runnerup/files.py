"""Every config, calendar and page runnerup reads or writes goes through here, so the
promise "nothing is lost" is kept in one place (runnerup's own small files, the holiday
cache, the serve token and crash reports, are read and written by their owners). Bytes
and paths only: it never parses a config or a calendar (it imports nothing of runnerup
but errors.py) and never prints.

- Reads take regular files only, and at most a cap of bytes: a FIFO, a device or
  /dev/zero would hang a read or fill memory (their st_size says nothing), so the file is
  opened without blocking, checked with fstat, and read to at most cap + 1 bytes.
- Writes go to the file a symlink points to (a dotfiles repo or synced folder keeps its
  link and gets the change), refuse anything that exists and is not a regular file (a
  device is never replaced, a FIFO never opened), and are atomic: a temporary file in the
  target's folder, fsynced, then renamed over it, with the old file's mode and owner.
  A file with several hard links, or whose owner we cannot give to a new file, is
  rewritten in place instead, so its links and owner stay (see `write_atomic`).
- Outputs: where a config's .ics goes (`default_output`), reading a previous output
  (`read_output`, capped), and never replacing a calendar another tool wrote
  (`check_overwrite`, told by the caller whose the file is).
- `locked(path)` serialises writers of one file between processes: every
  read-modify-write of the config and every build of an output holds it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError, RunnerupError

LOCK_TIMEOUT = 30.0
"""Seconds to wait for another runnerup working on the same folder: an edit or a build
takes well under a second, so this long means a stuck process."""

_POLL = 0.02


class FileRefused(RunnerupError):
    """A file that exists but cannot be used as asked; `reason` says why, without the path,
    so each caller can word it its own way (a located config error, an output error)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class LockTimeout(OutputError):
    """Another process held a file's lock for longer than LOCK_TIMEOUT."""


# --------------------------------------------------------------------------- reading


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Raises FileNotFoundError when there is none, FileRefused for anything else wrong
    (not a regular file, too large, unreadable). Opening with O_NONBLOCK means a FIFO
    without a writer cannot block; fstat then tells what was opened, and the read stops
    at limit + 1 bytes, whatever st_size says (0 for /proc files and devices)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:  # a socket cannot be opened at all: say what it is
        with contextlib.suppress(OSError):
            mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                raise FileRefused(path, f"is {kind_of(mode)}, not a regular file") from None
        raise FileRefused(path, f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, f"is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise FileRefused(path, _too_large(info.st_size, limit))
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise FileRefused(path, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(path, _too_large(None, limit))
    return data


def _too_large(size: int | None, limit: int) -> str:
    found = f"is {size:,} bytes" if size is not None else f"is larger than {limit:,} bytes"
    return f"file {found}; the most runnerup reads is {limit:,}"


# --------------------------------------------------------------------------- outputs


def default_output(config_path: Path) -> Path:
    """`runnerup.yaml` → `runnerup.ics`, beside the config."""
    return config_path.with_suffix(".ics")


MAX_PREVIOUS_BYTES = 128 * 1024 * 1024
"""The largest previous output read as memory: 35 MB holds 10,000 roles, so this is
room for some 36,000; reading more would take seconds and gigabytes."""


def read_output(path: Path, *, required: bool) -> bytes | None:
    """A previous output's bytes, or None if there is none (and `--previous` insists).

    Only a regular file of at most MAX_PREVIOUS_BYTES is read: a FIFO or a device named
    by `-o` or `--previous` would hang the read or fill memory. `build` keeps the bytes
    to see whether the new calendar is the same file, rather than reading 35 MB (at
    10,000 roles) a second time."""
    try:
        return read_regular(path, MAX_PREVIOUS_BYTES)
    except FileNotFoundError:
        if required:
            raise OutputError(f"{path}: previous output not found") from None
        return None
    except FileRefused as exc:
        todo = (
            "--previous takes a .ics file runnerup wrote"
            if required
            else "name another file with -o (or -o - for stdout)"
        )
        raise OutputError(f"{path}: {exc.reason}; {todo}") from None


def check_overwrite(path: Path, ours: bool, force: bool) -> None:
    """Never clobber a calendar runnerup did not write: it may be someone's only copy.
    `ours`: the file is runnerup's (or there is no previous output to keep)."""
    if force or ours:
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


# --------------------------------------------------------------------------- writing


def resolve_output(path: Path) -> Path:
    """The file a write to `path` really changes: symlinks followed to their target.

    Raises OutputError if `path` exists and is not a regular file: replacing a device
    node or a folder, or writing into a FIFO (which waits for a reader), is never what
    was meant. A dangling symlink resolves to the file it names, which is created."""
    info = _stat_for_writing(path, path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(
            f"{path}: is {kind_of(info.st_mode)}, not a regular file; runnerup writes "
            "only regular files, and never replaces anything else"
        )
    return Path(os.path.realpath(path))


def _stat_for_writing(target: Path, path: Path) -> os.stat_result | None:
    """`os.stat(target)`, None if there is no such file; any other failure is an
    OutputError naming `path`, the file as the user named it."""
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None


def refuse_config_as_output(
    output: Path,
    config: Path,
    way_out: str = "name another file with -o (the default is the config's name with .ics)",
) -> None:
    """Raise OutputError if writing `output` would replace the config itself (the same
    name, a symlink to it, or a hard link): `--force` is for a calendar another tool
    wrote, and no flag should turn a typo into the loss of the config. Every output
    named on a command line that also reads configs goes through here (build -o,
    serve -o, stats --html)."""
    try:
        same = os.path.samefile(output, config)
    except (OSError, ValueError):  # either missing (or unreadable): not the same file
        return
    if same:
        raise OutputError(f"{output}: is the config file {config} itself; {way_out}")


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `path` so that a crash, a full disk or a kill leaves the old file
    whole: a temporary file beside the target, fsynced, then renamed over it.

    Symlinks are followed (the link stays, its target changes); a target that is not a
    regular file is refused. The new file gets `mode` (else the old file's, else the
    umask's) and the old file's owner and group, set before the rename, so a secret is
    never readable by others, even briefly. When the old file has several hard links, or
    its owner cannot be given to a new file (another user's file in a folder we may
    write), the content is written into the old file in place instead, after the new
    bytes are safely on disk beside it: replacing it would split the links or take the
    file over. Holds `locked(path)`, and removes temporary files a killed run left."""
    target = resolve_output(path)
    folder = target.parent
    with locked(target), _term_as_exit():
        _remove_stale_temporaries(target)
        old = _stat_for_writing(target, path)
        if old is not None and not stat.S_ISREG(old.st_mode):  # changed since resolving
            raise OutputError(f"{path}: is {kind_of(old.st_mode)}, not a regular file")
        try:
            import tempfile  # only when writing: `check` and `agenda` never need it

            handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write in {folder}: {exc.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            if mode is None:
                mode = stat.S_IMODE(old.st_mode) if old is not None else _umask_mode()
            # owner first: a chown clears set-id bits that a chmod before it had set
            in_place = old is not None and (old.st_nlink > 1 or not _same_owner(tmp, old))
            os.chmod(tmp, mode)
            if not in_place:
                os.replace(tmp, target)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise OutputError(
                    f"{path}: cannot write: {exc.strerror}; the previous file is unchanged"
                ) from None
            raise
        if in_place:
            assert old is not None
            try:
                _write_in_place(target, data, mode if mode != stat.S_IMODE(old.st_mode) else None)
            except _NothingWritten as exc:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise OutputError(
                    f"{path}: cannot write: {exc.strerror}; the previous file is unchanged"
                ) from None
            except OSError as exc:  # the new content is whole in `tmp`: keep it, visibly
                kept = tmp
                with contextlib.suppress(OSError):
                    os.replace(tmp, f"{target}.new")
                    kept = f"{target}.new"
                raise OutputError(
                    f"{path}: cannot write: {exc.strerror}; it may be incomplete, and its "
                    f"new content is in {kept}"
                ) from None
            os.unlink(tmp)


class _NothingWritten(OSError):
    """An in-place write that failed before changing a byte (no space for the content)."""


def _umask_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _same_owner(tmp: str, old: os.stat_result) -> bool:
    """Give the temporary file the old file's owner and group; False if we may not."""
    if not hasattr(os, "chown"):  # Windows: no owners to keep
        return True
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) == (old.st_uid, old.st_gid):
        return True
    try:
        os.chown(tmp, old.st_uid, old.st_gid)
    except PermissionError:
        return False
    return True


def _write_in_place(target: Path, data: bytes, mode: int | None) -> None:
    """Overwrite the file itself (same inode: links, owner and mode stay).

    Space for the new content is reserved first, so a full disk fails before the first
    byte changes; SIGINT and SIGTERM wait until the write is done, so neither tears the
    file (only SIGKILL or a power cut between the two can)."""
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        if data and hasattr(os, "posix_fallocate"):
            try:
                os.posix_fallocate(fd, 0, len(data))
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                    raise _NothingWritten(exc.errno, exc.strerror) from None
                # EOPNOTSUPP, EINVAL: this filesystem cannot reserve; write anyway
        with _signals_deferred():
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        if mode is not None:
            os.chmod(target, mode)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (POSIX) until the block is done."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_STALE = r"\.{name}\.[A-Za-z0-9_]{{8}}\.tmp"


def _remove_stale_temporaries(target: Path) -> None:
    """Remove `.NAME.XXXXXXXX.tmp` files a killed run left beside the target.

    Called with the target's lock held: every writer of the target holds it while its
    temporary file exists, so any such file found now belongs to a run that died. Only
    regular files we own are removed."""
    pattern = re.compile(_STALE.format(name=re.escape(target.name)))
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and (uid is None or info.st_uid == uid):
                os.unlink(entry.path)


_FATAL = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def _term_as_exit() -> Iterator[None]:
    """While writing, SIGTERM (a plain `kill`) and SIGHUP (a closed terminal) unwind,
    removing the temporary file, instead of killing the process on the spot; the exit
    status is the one the signal would give. Only in the main thread (where Python may
    install handlers), and only for signals nothing else handles already."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    replaced = {}
    for number in _FATAL:
        if signal.getsignal(number) is signal.SIG_DFL:
            replaced[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, previous in replaced.items():
            signal.signal(number, previous)


# --------------------------------------------------------------------------- locking


class _Held:
    """One process's hold on one folder's lock: the open folder, and how deep."""

    def __init__(self) -> None:
        self.guard = threading.RLock()  # threads of this process, one at a time
        self.fd: int | None = None
        self.depth = 0


_held: dict[str, _Held] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the inter-process lock for writing `path` (exclusive; re-entrant in a process).

    The lock is an advisory `flock` on the folder that holds the file (symlinks
    followed), not on a lock file: nothing is left in your folder (a git repository,
    often), a lock cannot go stale when a process is killed (the kernel drops it), and
    it works whoever owns the file. One lock per folder: the config and its .ics, which
    usually share one, are written under the same lock, which costs nothing (edits and
    builds take milliseconds) and cannot deadlock (no command waits for a second lock).
    Where folders cannot be locked (Windows, some network filesystems, a folder we may
    not read) the lock is a file in a private folder under the temporary folder, named
    after the folder's path; it excludes runnerup processes of the same user. Raises
    LockTimeout after `timeout` seconds (default LOCK_TIMEOUT)."""
    if timeout is None:
        timeout = LOCK_TIMEOUT
    folder = os.path.dirname(os.path.realpath(path)) or "."
    key = os.path.normcase(folder)
    with _held_guard:
        held = _held.setdefault(key, _Held())
    if not held.guard.acquire(timeout=max(timeout, 0)):
        raise _timeout(path, folder, timeout)
    try:
        if held.depth == 0:
            held.fd = _acquire(path, folder, timeout)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                _release(held.fd)
                held.fd = None
    finally:
        held.guard.release()


def _timeout(path: Path, folder: str, timeout: float) -> LockTimeout:
    return LockTimeout(
        f"{path}: another runnerup process has been writing in {folder} for {timeout:g} s; "
        "try again when it is done (or stop it)"
    )


def _acquire(path: Path, folder: str, timeout: float) -> int | None:
    """Lock the folder (or, where folders cannot be locked, the fallback lock file);
    return the descriptor that holds the lock, or None when the folder does not exist
    (nothing can be read there or written, and the caller says so better)."""
    deadline = time.monotonic() + timeout
    for fallback in (False, True):
        try:
            fd = _open_fallback(folder) if fallback else _open_lock(folder)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            if fallback or exc.errno not in _CANNOT_LOCK_HERE:
                raise OutputError(f"{path}: cannot lock {folder}: {exc.strerror}") from None
            continue
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise _timeout(path, folder, timeout)
                time.sleep(_POLL)
            return fd
        except BaseException as exc:
            os.close(fd)
            if fallback or not isinstance(exc, OSError) or exc.errno not in _CANNOT_LOCK_HERE:
                if isinstance(exc, OSError):
                    raise OutputError(f"{path}: cannot lock {folder}: {exc.strerror}") from None
                raise
    raise AssertionError("unreachable")  # pragma: no cover


_CANNOT_LOCK_HERE = {
    errno.EACCES,  # a folder we may write in but not list
    errno.EPERM,
    errno.ENOLCK,
    errno.EBADF,  # NFS emulates flock with fcntl locks, which need a file open for writing
    errno.EINVAL,
    getattr(errno, "EOPNOTSUPP", errno.EINVAL),
    getattr(errno, "ENOTSUP", errno.EINVAL),
}


def _open_fallback(folder: str) -> int:
    """A lock file for `folder` in a private folder under the system's temporary folder:
    outside your folder (nothing to commit by mistake), one per folder path."""
    import hashlib

    digest = hashlib.sha256(os.path.normcase(folder).encode("utf-8")).hexdigest()[:32]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    import tempfile

    locks = Path(tempfile.gettempdir()) / f"runnerup-locks-{user}"
    locks.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(locks)
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        raise PermissionError(errno.EACCES, f"{locks} is not a folder of yours")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(locks / f"{digest}.lock", flags, 0o600)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    _open_lock = _open_fallback  # folders cannot be opened, let alone locked

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
        return True

    def _release(fd: int) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)

else:
    import fcntl

    def _open_lock(folder: str) -> int:
        return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
