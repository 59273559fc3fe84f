"""Files at the edges: symlinks, hard links, modes and owners, special files as input and
output, locks between real processes, temporary files a killed run left.

Special files are tried in a subprocess with a timeout: before the fix each of them
hung, and a hang must fail this test run rather than stop it. The timeout is a guard,
never an assertion.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerup import files
from runnerup.cli import main
from runnerup.schema import schema_text

from .conftest import MINIMAL

fcntl = pytest.importorskip("fcntl", reason="POSIX files: FIFOs, devices, flock")

HANG_GUARD = 120  # seconds: far beyond any run, only there so a hang fails the test

ENTRY = Path(sys.executable).with_name("runnerup")
RUNNERUP = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "runnerup.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `runnerup` in a process of its own."""
    return subprocess.run(
        [*RUNNERUP, *args],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def many_roles(count: int) -> str:
    """A config large enough that reading, editing and validating it takes a while:
    without a lock, concurrent edits then overlap and all but one are lost."""
    lines = ["calendar:\n  timezone: America/New_York\nroles:\n"]
    for i in range(count):
        lines.append(
            f"  - company: Company {i}\n    title: Role {i}\n    decided: 2026-09-03\n"
            f"    id: r{i}\n    contact:\n      name: Person {i}\n"
            f'      phone: "+1 555 {i:04d}"\n      timezone: America/Chicago\n'
        )
    return "".join(lines)


def role_ids(path: Path) -> list[str]:
    return [role["id"] for role in yaml.safe_load(path.read_text())["roles"]]


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*RUNNERUP, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=HANG_GUARD)
    return proc.returncode, out, err


# --------------------------------------------------------------------------- races


def test_twelve_concurrent_adds_keep_every_role(tmp_path: Path) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(many_roles(100))
    procs = [
        start(
            "add",
            "-c",
            str(config),
            "--company",
            f"New {n}",
            "--title",
            "Analyst",
            "--decided",
            "2026-10-01",
            "--contact",
            "Sam Lee",
            "--id",
            f"new-{n}",
        )
        for n in range(12)
    ]
    results = [finish(p) for p in procs]
    assert [code for code, _, _ in results] == [0] * 12, results
    ids = role_ids(config)
    assert ids[:100] == [f"r{i}" for i in range(100)]
    assert sorted(ids[100:]) == sorted(f"new-{n}" for n in range(12))


def test_close_and_pin_at_once_both_land(tmp_path: Path) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(many_roles(100))
    for _ in range(3):  # each round overlapped and lost one edit before the lock
        config.write_text(many_roles(100))
        close = start("close", "r5", "-c", str(config), "--note", "took another job")
        pin = start("pin", "r7", "2026-12-04 11:00", "-c", str(config), "--today", "2026-11-01")
        assert finish(close)[0] == 0
        assert finish(pin)[0] == 0
        roles = {r["id"]: r for r in yaml.safe_load(config.read_text())["roles"]}
        assert roles["r5"]["status"] == "closed"
        assert roles["r7"]["follow_up"] == {"after": "90 days", "at": "2026-12-04 11:00"}


def hold_folder_lock(folder: Path) -> int:
    """Lock `folder` as another runnerup process would (a second open file description
    conflicts even within this process)."""
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_build_waits_for_the_output_lock(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    monkeypatch.setattr(files, "LOCK_TIMEOUT", 0.2)
    fd = hold_folder_lock(tmp_path)
    try:
        result = runner.invoke(main, ["build", str(config)])
    finally:
        os.close(fd)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path / 'runnerup.ics'}: another runnerup process has been writing in "
        f"{tmp_path} for 0.2 s; try again when it is done (or stop it)\n"
    )
    assert not (tmp_path / "runnerup.ics").exists()
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0


def test_an_edit_waits_for_the_config_lock(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    monkeypatch.setattr(files, "LOCK_TIMEOUT", 0.2)
    fd = hold_folder_lock(tmp_path)
    try:
        result = runner.invoke(main, ["close", "acme-spm", "-c", str(config)])
    finally:
        os.close(fd)
    assert result.exit_code == 1
    assert "another runnerup process has been writing in" in result.stderr
    assert config.read_text() == MINIMAL


def test_the_lock_is_reentrant_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "a.ics"
    with files.locked(target), files.locked(tmp_path / "b.ics"):
        files.write_atomic(target, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ics"]
    os.close(hold_folder_lock(tmp_path))  # released: another process may take it


def test_a_folder_that_cannot_be_locked_falls_back_to_a_private_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network filesystems refuse flock on a folder (EBADF), and a folder may be
    writable but not readable (EACCES): then a lock file outside it does the job."""
    work = tmp_path / "work"
    work.mkdir()
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(temp))

    def cannot(folder: str) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "_open_lock", cannot)
    files.write_atomic(work / "a.ics", b"x")
    assert sorted(p.name for p in work.iterdir()) == ["a.ics"]
    [locks] = temp.iterdir()
    assert stat.S_IMODE(locks.stat().st_mode) == 0o700
    [lock] = locks.iterdir()
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held by "another process"
    try:
        with (
            pytest.raises(files.LockTimeout, match="another runnerup process"),
            files.locked(work / "a.ics", timeout=0.1),
        ):
            pass
    finally:
        os.close(fd)
    assert (work / "a.ics").read_bytes() == b"x"


# --------------------------------------------------------------------------- symlinks, links


def test_build_writes_through_a_symlink(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    synced = tmp_path / "synced"
    synced.mkdir()
    real = synced / "calendar.ics"
    link = tmp_path / "runnerup.ics"
    link.symlink_to(real)  # dangling: the first build creates the target
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0
    assert link.is_symlink() and real.is_file()
    first = real.read_bytes()
    config.write_text(MINIMAL.replace("2026-09-03", "2026-09-04"))
    result = runner.invoke(main, ["build", str(config)])
    assert result.stdout == f"wrote {link}: 1 event (1 changed)\n"
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != first
    assert sorted(p.name for p in synced.iterdir()) == ["calendar.ics"]


def test_editing_a_symlinked_config_edits_its_target(tmp_path: Path, runner: CliRunner) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "runnerup.yaml"
    real.write_text(MINIMAL)
    link = tmp_path / "runnerup.yaml"
    link.symlink_to(real)
    result = runner.invoke(main, ["close", "acme-spm", "-c", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert "status: closed" in real.read_text()


def test_editing_a_hard_linked_config_keeps_the_link(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    other = tmp_path / "backup.yaml"
    os.link(config, other)
    inode = config.stat().st_ino
    result = runner.invoke(main, ["close", "acme-spm", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert config.stat().st_ino == inode and config.stat().st_nlink == 2
    assert other.read_text() == config.read_text() == MINIMAL + "    status: closed\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.yaml", "runnerup.yaml"]


def test_a_full_disk_leaves_a_hard_linked_file_unchanged(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    os.link(config, tmp_path / "backup.yaml")

    def full(fd: int, offset: int, length: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "posix_fallocate", full, raising=False)
    result = runner.invoke(main, ["close", "acme-spm", "-c", str(config)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {config}: cannot write: No space left on device; the previous file is unchanged\n"
    )
    assert config.read_text() == MINIMAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.yaml", "runnerup.yaml"]


def test_a_failed_in_place_write_keeps_the_new_content(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    os.link(config, tmp_path / "backup.yaml")

    def broken(fd: int, length: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files.os, "ftruncate", broken)
    result = runner.invoke(main, ["close", "acme-spm", "-c", str(config)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {config}: cannot write: Input/output error; it may be incomplete, and its "
        f"new content is in {config}.new\n"
    )
    assert (tmp_path / "runnerup.yaml.new").read_text() == MINIMAL + "    status: closed\n"


def test_edits_and_builds_keep_the_mode(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    config.chmod(0o640)
    out = tmp_path / "runnerup.ics"
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0
    out.chmod(0o600)
    assert runner.invoke(main, ["close", "acme-spm", "-c", str(config)]).exit_code == 0
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root"
)


@needs_root
def test_an_edit_by_root_keeps_the_owner(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    os.chown(config, 65534, 65534)
    assert runner.invoke(main, ["close", "acme-spm", "-c", str(config)]).exit_code == 0
    info = config.stat()
    assert (info.st_uid, info.st_gid) == (65534, 65534)
    assert "status: closed" in config.read_text()


@needs_root
def test_an_owner_that_cannot_be_given_is_kept_by_writing_in_place(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's file, in a folder we may write: chown is refused to a non-root
    user (simulated here), so the file is rewritten in place rather than taken over."""
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    os.chown(config, 65534, 65534)
    inode = config.stat().st_ino

    def refuse(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(files.os, "chown", refuse)
    assert runner.invoke(main, ["close", "acme-spm", "-c", str(config)]).exit_code == 0
    info = config.stat()
    assert (info.st_ino, info.st_uid, info.st_gid) == (inode, 65534, 65534)
    assert config.read_text() == MINIMAL + "    status: closed\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runnerup.yaml"]


# --------------------------------------------------------------------------- special files


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_check_refuses_a_fifo(fifo: Path) -> None:
    proc = run("check", str(fifo))
    assert (proc.returncode, proc.stderr) == (
        1,
        f"{fifo}:1:1: is a FIFO (named pipe), not a regular file; name the config file itself\n",
    )


def test_previous_refuses_a_fifo(fifo: Path, tmp_path: Path) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    proc = run("build", str(config), "--previous", str(fifo))
    assert (proc.returncode, proc.stderr) == (
        1,
        f"error: {fifo}: is a FIFO (named pipe), not a regular file; --previous takes a "
        ".ics file runnerup wrote\n",
    )
    assert not (tmp_path / "runnerup.ics").exists()


def test_output_refuses_a_fifo(fifo: Path, tmp_path: Path) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    proc = run("build", str(config), "-o", str(fifo))
    assert (proc.returncode, proc.stderr) == (
        1,
        f"error: {fifo}: is a FIFO (named pipe), not a regular file; name another file "
        "with -o (or -o - for stdout)\n",
    )
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_check_refuses_a_socket(tmp_path: Path, runner: CliRunner) -> None:
    import socket

    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = runner.invoke(main, ["check", str(path)])
    finally:
        server.close()
    assert (result.exit_code, result.stderr) == (
        1,
        f"{path}:1:1: is a socket, not a regular file; name the config file itself\n",
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_refused_as_config_and_as_previous(tmp_path: Path) -> None:
    proc = run("check", "/dev/zero")
    assert (proc.returncode, proc.stderr) == (
        1,
        "/dev/zero:1:1: is a character device, not a regular file; name the config file itself\n",
    )
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    proc = run("build", str(config), "--previous", "/dev/zero")
    assert (proc.returncode, proc.stderr) == (
        1,
        "error: /dev/zero: is a character device, not a regular file; --previous takes a "
        ".ics file runnerup wrote\n",
    )


@pytest.fixture
def device(tmp_path: Path) -> Path:
    """A character device to write to. As root, a null device made in tmp_path: a
    regression there must never replace the machine's /dev/null (root may rename over
    it). Others use /dev/null itself, which they cannot replace."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        path = tmp_path / "null"
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        return path
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null here")
    return Path("/dev/null")


def test_a_device_is_refused_as_output_and_never_replaced(tmp_path: Path, device: Path) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    proc = run("build", str(config), "-o", str(device))
    assert (proc.returncode, proc.stderr) == (
        1,
        f"error: {device}: is a character device, not a regular file; name another file "
        "with -o (or -o - for stdout)\n",
    )
    assert stat.S_ISCHR(os.stat(device).st_mode)
    proc = run("check", str(device))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{device}:1:1: is a character device, not a regular file")


def test_writes_never_replace_a_device(device: Path) -> None:
    """write_atomic itself refuses (as root, os.replace would swap the node)."""
    with pytest.raises(files.OutputError, match="is a character device, not a regular file"):
        files.write_atomic(device, b"x")
    assert stat.S_ISCHR(os.stat(device).st_mode)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc here")
def test_output_to_proc_self_fd_1_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    proc = run("build", str(config), "-o", "/proc/self/fd/1")  # stdout: a pipe here
    assert proc.returncode == 1
    assert proc.stderr == (
        "error: /proc/self/fd/1: is a FIFO (named pipe), not a regular file; name another "
        "file with -o (or -o - for stdout)\n"
    )


def test_a_huge_previous_is_refused_before_reading(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    huge = tmp_path / "huge.ics"
    with huge.open("wb") as handle:  # sparse: no disk used
        handle.truncate(200 * 1024 * 1024)
    result = runner.invoke(main, ["build", str(config), "--previous", str(huge)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {huge}: file is 209,715,200 bytes; the most runnerup reads is "
        "134,217,728; --previous takes a .ics file runnerup wrote\n"
    )


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="no /proc here")
def test_reads_stop_at_the_cap_whatever_st_size_says() -> None:
    path = Path("/proc/self/maps")  # a regular file whose st_size is 0
    assert path.stat().st_size == 0
    with pytest.raises(files.FileRefused, match=r"is larger than 10 bytes"):
        files.read_regular(path, 10)


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 3000), limit=st.integers(0, 3000))
def test_reads_return_the_whole_file_within_the_cap_and_refuse_beyond(
    size: int, limit: int
) -> None:
    import tempfile

    data = bytes(i % 251 for i in range(size))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f"
        path.write_bytes(data)
        if size <= limit:
            assert files.read_regular(path, limit) == data
        else:
            with pytest.raises(files.FileRefused, match=f"is {size:,} bytes"):
                files.read_regular(path, limit)


# --------------------------------------------------------------------------- temporary files


def test_stale_temporary_files_are_removed_by_the_next_write(
    tmp_path: Path, runner: CliRunner
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    for name in (".runnerup.ics.k1_x9abc.tmp", ".runnerup.ics.zz99zz99.tmp"):
        (tmp_path / name).write_text("half a calendar")
    kept = [".other.ics.k1_x9abc.tmp", ".runnerup.ics.mine", "runnerup.ics.k1_x9abc.tmp"]
    for name in kept:
        (tmp_path / name).write_text("not ours to remove")
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*kept, "runnerup.ics", "runnerup.yaml"]
    )


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_during_a_write_removes_the_temporary_file(tmp_path: Path, name: str) -> None:
    number = getattr(signal, name)
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    out = tmp_path / "runnerup.ics"
    assert run("build", str(config)).returncode == 0
    before = out.read_bytes()
    config.write_text(MINIMAL.replace("2026-09-03", "2026-09-04"))
    script = (
        "import os, signal\n"
        "real = os.fsync\n"
        "def term(fd):\n"
        f"    os.kill(os.getpid(), {int(number)})\n"
        "    real(fd)\n"
        "os.fsync = term\n"
        "from runnerup.cli import main\n"
        f"main(['build', {str(config)!r}])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=HANG_GUARD
    )
    assert proc.returncode == 128 + number, proc.stderr
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runnerup.ics", "runnerup.yaml"]


# --------------------------------------------------------------------------- init, usage


def test_init_checks_gitattributes_before_writing_anything(
    tmp_path: Path, runner: CliRunner
) -> None:
    (tmp_path / ".gitattributes").mkdir()
    target = tmp_path / "runnerup.yaml"
    result = runner.invoke(main, ["init", str(target), "--gitattributes"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path / '.gitattributes'}: is a folder, not a regular file; add "
        "`*.ics -text` to it by hand and run init with --no-gitattributes\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitattributes"]


def test_init_refuses_a_gitattributes_that_is_not_utf8(tmp_path: Path, runner: CliRunner) -> None:
    attributes = tmp_path / ".gitattributes"
    attributes.write_bytes(b"*.txt text # caf\xe9\n")
    target = tmp_path / "runnerup.yaml"
    result = runner.invoke(main, ["init", str(target), "--gitattributes"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {attributes}: not UTF-8 text; save it as UTF-8, or add `*.ics -text` to "
        "it by hand and run init with --no-gitattributes\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitattributes"]
    assert attributes.read_bytes() == b"*.txt text # caf\xe9\n"


def test_init_never_overwrites_another_schema_without_force(
    tmp_path: Path, runner: CliRunner
) -> None:
    schema = tmp_path / "runnerup.schema.json"
    schema.write_text('{"mine": true}\n')
    target = tmp_path / "new.yaml"
    result = runner.invoke(main, ["init", str(target), "--no-gitattributes"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: {schema} already exists (another version's schema, or edited); pass "
        "--force to overwrite it, or --no-schema to leave it\n"
    )
    assert not target.exists()
    assert schema.read_text() == '{"mine": true}\n'
    result = runner.invoke(main, ["init", str(target), "--no-gitattributes", "--force"])
    assert result.exit_code == 0
    assert schema.read_text() == schema_text()


def test_init_beside_the_same_schema_keeps_it(tmp_path: Path, runner: CliRunner) -> None:
    schema = tmp_path / "runnerup.schema.json"
    schema.write_text(schema_text())
    target = tmp_path / "second.yaml"
    result = runner.invoke(main, ["init", str(target), "--no-gitattributes"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"wrote {target}; add your roles, then run `runnerup check {target}`\n"
        f"kept {schema}: it is this version's schema already\n",
    )


def test_force_replaces_an_ics_that_is_not_utf8(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    out = tmp_path / "runnerup.ics"
    out.write_bytes(b"BEGIN:VCALENDAR\r\nX-NAME:caf\xe9\r\nEND:VCALENDAR\r\n")
    refused = runner.invoke(main, ["build", str(config)])
    assert refused.exit_code == 1
    result = runner.invoke(main, ["build", str(config), "--force"])
    assert (result.exit_code, result.stdout) == (0, f"wrote {out}: 1 event (1 new)\n")
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize("command", [["check"], ["build"], ["agenda"], ["close", "acme-spm"]])
def test_runnerup_config_naming_a_folder_is_a_usage_error_everywhere(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("RUNNERUP_CONFIG", str(tmp_path))
    result = runner.invoke(main, command)
    assert result.exit_code == 2
    assert f"'{tmp_path}' is a directory." in result.stderr


@pytest.mark.parametrize("option", ["-o", "--previous"])
def test_an_empty_file_name_is_a_usage_error(
    tmp_path: Path, runner: CliRunner, option: str
) -> None:
    config = tmp_path / "runnerup.yaml"
    config.write_text(MINIMAL)
    result = runner.invoke(main, ["build", str(config), option, ""])
    assert result.exit_code == 2
    hint = " (or - for stdout)" if option == "-o" else ""
    name = "'-o' / '--output'" if option == "-o" else "'--previous'"
    assert result.stderr.endswith(
        f"Error: Invalid value for {name}: an empty file name names no file; give a file "
        f"name{hint}\n"
    )
