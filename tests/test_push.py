"""`runnerup push` against real CalDAV servers: Radicale (htpasswd) and Xandikos, each in a
process of its own on 127.0.0.1 (tests/caldav_server.py), which logs every request so the
tests count the PUTs and DELETEs a push sent. What the server holds is read back over
HTTP and parsed with the independent parsers of tests/interop.py."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import niquests
import pytest
from click.testing import CliRunner, Result

from runnerup.cli import main
from runnerup.push.account import KEYRING_SERVICE
from runnerup.push.plan import MARKER
from runnerup.push.state import state_path
from runnerup.validate import load_config

from .interop import PYTHON_READERS
from .test_interop import expected_instants

SCRIPT = Path(__file__).with_name("caldav_server.py")
USER, PASSWORD = "dana", "correct horse battery staple"
START_TIMEOUT = 60  # seconds for a server process to print its port

CONFIG = """\
calendar:
  name: Follow-ups
  timezone: America/New_York
defaults:
  reminder: 1 day
roles:
  - company: Acme Corp
    title: Senior Product Manager
    decided: 2026-10-20
    id: acme-spm
    contact:
      name: Dana Whitfield
      phone: "+1 555 0100"
      timezone: America/Chicago
    follow_up: [30 days, 90 days]
    prep: 1 day
  - company: Globex
    title: Head of Product
    decided: 2026-10-01
    id: globex-hop
    contact:
      name: Sam Park
"""


class CalDAVServer:
    """One server process; `start` again (same storage and port) after it stopped."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind, self.folder = kind, folder
        self.storage = folder / kind
        self.storage.mkdir(parents=True)
        (self.storage / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
        self.log = folder / f"{kind}.log"
        self.log.touch()
        self.port = 0
        self.process: subprocess.Popen[str] | None = None

    def start(self, failing: str | None = None) -> None:
        """`failing`: after N writes, exit (`N`) or answer them with a status (`N:500`)."""
        self.stop()  # one that exited by itself is reaped
        argv = [sys.executable, str(SCRIPT), self.kind, str(self.storage), str(self.log)]
        argv += [str(self.port), *([] if failing is None else [failing])]
        with (self.folder / f"{self.kind}.err").open("a", encoding="utf-8") as errors:
            self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], START_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line.strip():
            self.stop()
            pytest.fail(
                f"{self.kind} did not start: {(self.folder / f'{self.kind}.err').read_text()}"
            )
        self.port = int(line)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            assert self.process.stdout is not None
            self.process.stdout.close()
            self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def writes(self) -> list[str]:
        """The PUT and DELETE requests so far, as `METHOD PATH STATUS`."""
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [line for line in lines if line.split()[0] in ("PUT", "DELETE")]

    def http(self, method: str, url: str, body: bytes = b"", **headers: str) -> niquests.Response:
        auth = (USER, PASSWORD) if self.kind == "radicale" else None
        with niquests.Session() as session:
            return session.request(method, url, data=body, headers=headers, auth=auth, timeout=30)

    def objects(self, collection: str) -> dict[str, tuple[str, bytes]]:
        """Every object in the collection: path → (ETag, bytes), read with plain HTTP."""
        listing = self.http(
            "PROPFIND",
            collection,
            b'<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>',
            Depth="1",
            **{"Content-Type": "application/xml; charset=utf-8"},
        )
        assert listing.status_code == 207
        import xml.etree.ElementTree as ET

        out = {}
        for response in ET.fromstring(listing.content).iter("{DAV:}response"):
            href = response.findtext("{DAV:}href") or ""
            if href.endswith(".ics"):
                got = self.http("GET", collection + href.rsplit("/", 1)[-1])
                assert got.status_code == 200
                out[href] = (got.headers["ETag"], got.content)
        return out


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CalDAVServer]:
    running = CalDAVServer(request.param, tmp_path / "servers")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNNERUP_CALDAV_USERNAME", USER)
    monkeypatch.setenv("RUNNERUP_CALDAV_PASSWORD", PASSWORD)
    monkeypatch.delenv("RUNNERUP_CALDAV_URL", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)  # never the developer's own keyring


def write(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "runnerup.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def push(runner: CliRunner, config: Path, server: CalDAVServer, *args: str) -> Result:
    return runner.invoke(main, ["push", str(config), "--url", server.url, *args])


def collection(config: Path) -> str:
    (url,) = json.loads(state_path(config.with_suffix(".ics")).read_text())["calendars"]
    return str(url)


def summaries(objects: dict[str, tuple[str, bytes]]) -> list[str]:
    return sorted(
        line.decode()
        for _, data in objects.values()
        for line in data.splitlines()
        if line.startswith(b"SUMMARY:")
    )


# --------------------------------------------------------------------------- the cases


@pytest.mark.usefixtures("env")
def test_create_then_a_second_push_sends_nothing(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    first = push(runner, config, server, "--create")
    url = collection(config)
    assert (first.exit_code, first.stderr) == (0, "")
    assert first.stdout == (
        f"wrote {tmp_path / 'runnerup.ics'}: 5 events (5 new)\n"
        f"created the calendar and pushed to 'Follow-ups' ({url}): 5 created\n"
    )
    assert [w.split()[0] for w in server.writes()] == ["PUT"] * 5

    again = push(runner, config, server)
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout == (
        f"wrote {tmp_path / 'runnerup.ics'}: 5 events (no changes)\n"
        f"pushed to 'Follow-ups' ({url}): 5 unchanged\n"
    )
    assert len(server.writes()) == 5  # no PUT or DELETE the second time

    # The server's copy, read back by four independent parsers: the scheduled instants.
    stored = server.objects(url)
    expected = expected_instants(load_config(config))
    for name, read in PYTHON_READERS.items():
        seen = [s for _, data in stored.values() for s in read(data)]
        got = {s.uid: (s.start, s.end) for s in seen}
        assert got == expected, name
    for href, (_, data) in stored.items():
        uid = href.rsplit("/", 1)[-1].removesuffix(".ics")
        assert data.count(b"BEGIN:VEVENT") == 1, href  # one event per object, named by UID
        assert f"UID:{uid}".encode() in data
        assert MARKER.encode() in data and b"PRODID:-//runnerup//runnerup//EN" in data
        assert data.count(b"BEGIN:VALARM") == (0 if b"VALUE=DATE" in data else 1)
        assert b"STATUS:CANCELLED" not in data and b"METHOD" not in data


@pytest.mark.usefixtures("env")
def test_updates_and_deletes_follow_the_ics_and_keep_its_sequence(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    assert push(runner, config, server, "--create").exit_code == 0
    url = collection(config)
    # Sam's call moves (changed); Acme's 30-day call and its prep are dropped (deleted),
    # and its 90-day call no longer says "(2 of 2)" (changed).
    write(
        tmp_path,
        CONFIG.replace("follow_up: [30 days, 90 days]", "follow_up: [90 days]").replace(
            "      name: Sam Park\n", "      name: Sam Park\n    call_time: '15:00'\n"
        ),
    )
    result = push(runner, config, server)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"wrote {tmp_path / 'runnerup.ics'}: 5 events (2 changed, 2 cancelled)\n"
        f"pushed to 'Follow-ups' ({url}): 2 updated, 2 deleted, 1 unchanged\n"
    )
    assert [w.split()[0] for w in server.writes()[5:]] == ["DELETE", "DELETE", "PUT", "PUT"]
    stored = server.objects(url)
    assert len(stored) == 3  # the cancelled ones are gone, not tombstones
    ics = (tmp_path / "runnerup.ics").read_bytes()
    assert ics.count(b"STATUS:CANCELLED") == 2  # while the file for import keeps them
    sam = next(data for _, data in stored.values() if b"Sam Park" in data)
    assert b"SEQUENCE:1\r\n" in sam and b"DTSTART:20261230T200000Z" in sam

    # Closing every role deletes everything runnerup put there.
    write(
        tmp_path,
        CONFIG.replace(
            "      name: Sam Park\n", "      name: Sam Park\n    status: closed\n"
        ).replace("    prep: 1 day\n", "    prep: 1 day\n    status: closed\n"),
    )
    closed = push(runner, config, server)
    assert closed.exit_code == 0, closed.output
    assert closed.stdout.endswith(f"pushed to 'Follow-ups' ({url}): 3 deleted\n")
    assert server.objects(url) == {}


@pytest.mark.usefixtures("env")
def test_a_foreign_object_is_left_alone(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    assert push(runner, config, server, "--create").exit_code == 0
    url = collection(config)
    theirs = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//else//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:dentist-1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261203T150000Z\r\n"
        b"DTEND:20261203T160000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    writes = len(server.writes())
    made = server.http("PUT", url + "dentist.ics", theirs, **{"Content-Type": "text/calendar"})
    assert made.status_code == 201
    before = server.objects(url)
    write(tmp_path, CONFIG.replace("    prep: 1 day\n", "    prep: 1 day\n    status: closed\n"))
    result = push(runner, config, server, "--force")  # not even --force touches it
    assert result.exit_code == 0, result.output
    after = server.objects(url)
    (dentist,) = [href for href in after if href.endswith("/dentist.ics")]
    assert after[dentist] == before[dentist]
    assert summaries(after) == [
        "SUMMARY:Call Sam Park — Globex (90-day follow-up)",
        "SUMMARY:Dentist",
    ]
    assert not [w for w in server.writes()[writes + 1 :] if "dentist" in w]


@pytest.mark.usefixtures("env")
def test_an_edit_in_the_calendar_is_kept_unless_forced(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    assert push(runner, config, server, "--create").exit_code == 0
    url = collection(config)
    stored = server.objects(url)
    href, (etag, data) = next((h, o) for h, o in stored.items() if b"Sam Park" in o[1])
    edited = data.replace(b"SUMMARY:Call Sam Park", b"SUMMARY:Moved: call Sam Park")
    assert server.http("PUT", url + href.rsplit("/", 1)[-1], edited, **{"If-Match": etag}).ok

    # Nothing of runnerup's changed: the edit is reported, kept, and the push succeeds.
    quiet = push(runner, config, server)
    label = "2026-12-30 Call Sam Park — Globex (90-day follow-up)"
    warning = (
        f"warning: {label}: edited in the calendar since the last push; left as it is "
        "(pass --force to overwrite it with runnerup's version)\n"
    )
    assert (quiet.exit_code, quiet.stderr) == (0, warning)

    # runnerup's version changed too: not pushed, exit 1, the edit still there.
    write(
        tmp_path,
        CONFIG.replace(
            "      name: Sam Park\n", "      name: Sam Park\n      email: sam@globex.example\n"
        ),
    )
    blocked = push(runner, config, server)
    assert (blocked.exit_code, blocked.stderr) == (
        1,
        warning + "error: 1 change not pushed: see the warnings above\n",
    )
    assert b"Moved: call Sam Park" in server.objects(url)[href][1]

    forced = push(runner, config, server, "--force")
    assert (forced.exit_code, forced.stderr) == (0, "")
    assert forced.stdout.endswith(f"pushed to 'Follow-ups' ({url}): 1 updated, 4 unchanged\n")
    now = server.objects(url)[href][1]
    assert b"Moved" not in now and b"sam@globex.example" in now
    assert push(runner, config, server).stderr == ""  # and the memory knows the new ETag


@pytest.mark.usefixtures("env")
def test_server_stopped_mid_push_then_rerun_finishes(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    server.stop()
    server.start("2")
    cut = push(runner, config, server, "--create", "--timeout", "10")
    assert cut.exit_code == 1
    assert cut.stderr == (
        f"error: 127.0.0.1:{server.port}: cannot connect; check the URL and your network "
        "connection; 2 of 5 changes made and recorded: run push again to finish\n"
    )
    url = collection(config)
    assert len(json.loads(state_path(tmp_path / "runnerup.ics").read_text())["calendars"][url]) == 2

    server.start()
    rerun = push(runner, config, server)
    assert (rerun.exit_code, rerun.stderr) == (0, "")
    assert rerun.stdout.endswith(f"pushed to 'Follow-ups' ({url}): 3 created, 2 unchanged\n")
    assert len(server.objects(url)) == 5


@pytest.mark.usefixtures("env")
def test_a_server_error_mid_push_is_one_line_and_a_rerun_finishes(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    server.stop()
    server.start("3:500")
    failed = push(runner, config, server, "--create")
    assert (failed.exit_code, failed.stderr) == (
        1,
        f"error: 127.0.0.1:{server.port}: the server failed (500) on create of 2027-01-15 "
        "Prepare: call Dana Whitfield — Acme Corp; try again later; 3 of 5 changes made "
        "and recorded: run push again to finish\n",
    )
    server.start()
    rerun = push(runner, config, server)
    assert (rerun.exit_code, rerun.stderr) == (0, "")
    assert rerun.stdout.endswith(f"({collection(config)}): 2 created, 3 unchanged\n")


@pytest.mark.usefixtures("env")
def test_a_lost_memory_adopts_what_runnerup_already_sent(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    assert push(runner, config, server, "--create").exit_code == 0
    url = collection(config)
    state_path(tmp_path / "runnerup.ics").unlink()
    again = push(runner, config, server, "--calendar", "Follow-ups")
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout.endswith(f"pushed to 'Follow-ups' ({url}): 5 unchanged\n")
    assert len(server.writes()) == 5

    # Lost again, and Sam's call changed meanwhile: that one is not replaced blindly.
    state_path(tmp_path / "runnerup.ics").unlink()
    write(
        tmp_path, CONFIG.replace("      name: Sam Park\n", "      name: Sam Park\n    notes: x\n")
    )
    changed = push(runner, config, server)
    sam = next(href for href, (_, data) in server.objects(url).items() if b"Sam Park" in data)
    assert (changed.exit_code, changed.stderr) == (
        1,
        "warning: 2026-12-30 Call Sam Park — Globex (90-day follow-up): "
        f"{sam}: runnerup has no record of pushing it and it differs; pass --force to "
        "replace it\nerror: 1 change not pushed: see the warnings above\n",
    )
    forced = push(runner, config, server, "--force")
    assert forced.stdout.endswith(f"({url}): 1 updated, 4 unchanged\n")
    assert b"SEQUENCE:1\r\n" in server.objects(url)[sam][1]  # the .ics's new version


@pytest.mark.usefixtures("env")
def test_dry_run_sends_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    result = push(runner, config, server, "--create", "--dry-run")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "would create the calendar 'Follow-ups'\n"
        "would create 2026-11-18 Prepare: call Dana Whitfield — Acme Corp\n"
        "would create 2026-11-19 Call Dana Whitfield — Acme Corp (30-day follow-up)\n"
        "would create 2026-12-30 Call Sam Park — Globex (90-day follow-up)\n"
        "would create 2027-01-15 Prepare: call Dana Whitfield — Acme Corp\n"
        "would create 2027-01-18 Call Dana Whitfield — Acme Corp (90-day follow-up)\n"
        "dry run: nothing written or sent to 'Follow-ups'\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runnerup.yaml", "servers"]
    assert server.writes() == []


@pytest.mark.usefixtures("env")
def test_busy_privacy_sends_nothing_personal(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    assert push(runner, config, server, "--create", "--privacy", "busy").exit_code == 0
    stored = server.objects(collection(config))
    assert summaries(stored) == ["SUMMARY:Follow-up call"] * 3 + ["SUMMARY:Prep"] * 2
    for _, data in stored.values():
        for secret in (b"Dana", b"Acme", b"555", b"Globex", b"Sam"):
            assert secret not in data
    calls = [data for _, data in stored.values() if b"VALUE=DATE" not in data]
    assert all(data.count(b"BEGIN:VALARM") == 1 for data in calls)


# --------------------------------------------------------------------------- errors


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[CalDAVServer]:
    running = CalDAVServer("radicale", tmp_path / "servers")
    running.start()
    yield running
    running.stop()


@pytest.mark.usefixtures("env")
def test_wrong_password_is_one_line_and_never_shown(
    runner: CliRunner, tmp_path: Path, radicale: CalDAVServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNNERUP_CALDAV_PASSWORD", "hunter2-wrong")
    result = push(runner, write(tmp_path), radicale, "--create")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: 127.0.0.1:{radicale.port}: the server did not accept the username and "
        "password (401); check RUNNERUP_CALDAV_USERNAME and the password (iCloud and "
        "Fastmail need an app-specific password)\n"
    )
    assert "hunter2" not in result.output
    assert not state_path(tmp_path / "runnerup.ics").exists()


@pytest.mark.usefixtures("env")
def test_a_missing_calendar_names_the_ones_there(
    runner: CliRunner, tmp_path: Path, radicale: CalDAVServer
) -> None:
    config = write(tmp_path)
    assert push(runner, config, radicale, "--create", "--calendar", "Other").exit_code == 0
    result = push(runner, config, radicale)
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: 127.0.0.1:{radicale.port}: no calendar named 'Follow-ups' (this account "
        "has: 'Other'); pass --create to make it, or --calendar NAME for another\n",
    )


@pytest.mark.usefixtures("env")
def test_a_collection_url_is_used_directly(
    runner: CliRunner, tmp_path: Path, radicale: CalDAVServer
) -> None:
    config = write(tmp_path)
    assert push(runner, config, radicale, "--create").exit_code == 0
    url = collection(config)
    direct = runner.invoke(main, ["push", str(config), "--url", url, "--calendar", "ignored"])
    assert (direct.exit_code, direct.stderr) == (0, "")
    assert direct.stdout.endswith(f"pushed to 'Follow-ups' ({url}): 5 unchanged\n")


def test_no_server_answer_is_a_timeout(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNNERUP_CALDAV_PASSWORD", PASSWORD)
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        result = runner.invoke(
            main,
            [
                "push",
                str(write(tmp_path)),
                "--url",
                f"http://127.0.0.1:{port}/",
                "--username",
                USER,
                "--timeout",
                "1",
            ],
        )
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: 127.0.0.1:{port}: no answer within 1 s; check your network or try later\n",
    )


def test_nothing_listening_is_a_connection_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNNERUP_CALDAV_PASSWORD", PASSWORD)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: connections are refused
        result = runner.invoke(
            main,
            [
                "push",
                str(write(tmp_path)),
                "--url",
                f"http://127.0.0.1:{port}/",
                "--username",
                USER,
            ],
        )
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: 127.0.0.1:{port}: cannot connect; check the URL and your network connection\n",
    )


def test_without_a_password_or_a_terminal_it_says_where_to_put_one(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUNNERUP_CALDAV_PASSWORD", raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)
    config = write(
        tmp_path, CONFIG + "caldav:\n  url: https://caldav.example.com\n  username: dana\n"
    )
    result = runner.invoke(main, ["push", str(config)])
    assert (result.exit_code, result.stderr) == (
        1,
        "error: no password for dana: set RUNNERUP_CALDAV_PASSWORD, store it with "
        f"`keyring set {KEYRING_SERVICE} dana` (pip install keyring), or run `runnerup push` "
        "on a terminal to be asked\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "no CalDAV server: pass --url, set RUNNERUP_CALDAV_URL, "
            "or add caldav.url to the config",
        ),
        (
            ["--url", "https://x.example"],
            "no user name: pass --username, set RUNNERUP_CALDAV_USERNAME, "
            "or add caldav.username to the config",
        ),
        (
            ["--url", "ftp://x.example", "--username", "u"],
            "Invalid value for --url: 'ftp://x.example' is not an http(s) URL",
        ),
        (
            ["--url", "https://u:pw@x.example", "--username", "u"],
            "Invalid value for --url: the URL holds a password; "
            "put it in RUNNERUP_CALDAV_PASSWORD instead",
        ),
    ],
)
def test_usage_errors(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.delenv("RUNNERUP_CALDAV_URL", raising=False)
    monkeypatch.delenv("RUNNERUP_CALDAV_USERNAME", raising=False)
    result = runner.invoke(main, ["push", str(write(tmp_path)), *args])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert "pw" not in result.stderr.replace(message, "")


def test_a_password_in_the_config_is_refused_at_its_line(runner: CliRunner, tmp_path: Path) -> None:
    config = write(tmp_path, CONFIG + "caldav:\n  username: dana\n  password: hunter2\n")
    result = runner.invoke(main, ["check", str(config)])
    assert result.exit_code == 1
    assert (
        f"{config}:25:3: caldav.password: never put a password in the config: set "
        "RUNNERUP_CALDAV_PASSWORD, use the system keyring, or let `runnerup push` ask for it\n"
    ) in result.stderr
    assert "hunter2" not in result.output + result.stderr


def test_without_the_caldav_package_it_says_what_to_install(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNNERUP_CALDAV_PASSWORD", PASSWORD)
    monkeypatch.setitem(sys.modules, "caldav", None)
    args = ["push", str(write(tmp_path)), "--url", "https://x.example/", "--username", USER]
    result = runner.invoke(main, args)
    assert (result.exit_code, result.stderr) == (
        1,
        "error: runnerup push needs the caldav package: pip install 'runnerup[caldav]'\n",
    )


@pytest.mark.usefixtures("env")
def test_an_imported_copy_of_an_event_is_named_not_overwritten(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    made = push(runner, config, server, "--create", "--calendar", "Imported")
    assert made.exit_code == 0
    url = collection(config)
    # As if runnerup.ics had been imported by a client: same UIDs, other object names.
    stored = server.objects(url)
    state_path(tmp_path / "runnerup.ics").unlink()
    for href, (etag, data) in stored.items():
        name = href.rsplit("/", 1)[-1]
        assert server.http("DELETE", url + name, **{"If-Match": etag}).ok
        copy = data.replace(MARKER.encode() + b"\r\n", b"")
        assert server.http("PUT", url + "imported-" + name, copy).status_code == 201
    result = push(runner, config, server, "--calendar", "Imported")
    status = {"radicale": 409, "xandikos": 412}[server.kind]  # each says it its own way
    lines = result.stderr.splitlines()
    assert (result.exit_code, len(lines)) == (1, 6)
    assert lines[0] == (
        f"warning: 2026-11-18 Prepare: call Dana Whitfield — Acme Corp: not created ({status}): "
        "the calendar already holds this event under another name, probably imported from "
        "the .ics; delete that copy, or push into a calendar of its own"
    )
    assert lines[-1] == "error: 5 changes not pushed: see the warnings above"
    assert sorted(server.objects(url)) == sorted(
        href.replace(url.split("/", 3)[3], url.split("/", 3)[3] + "imported-") for href in stored
    )


def test_the_password_comes_from_the_keyring_when_installed(
    runner: CliRunner, tmp_path: Path, radicale: CalDAVServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []

    class Keyring:  # the `keyring` package's one function push uses
        @staticmethod
        def get_password(service: str, username: str) -> str:
            asked.append((service, username))
            return PASSWORD

    monkeypatch.setitem(sys.modules, "keyring", Keyring)
    monkeypatch.delenv("RUNNERUP_CALDAV_PASSWORD", raising=False)
    result = runner.invoke(
        main, ["push", str(write(tmp_path)), "--url", radicale.url, "--username", USER, "--create"]
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert asked == [(KEYRING_SERVICE, USER)]
    assert PASSWORD not in result.output
    assert PASSWORD not in state_path(tmp_path / "runnerup.ics").read_text()


# ------------------------------------------------------------------ hostile servers and files


@pytest.mark.usefixtures("env")
def test_412_on_every_put_is_told_per_event_and_a_rerun_finishes(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    server.stop()
    server.start("0:412")
    refused = push(runner, config, server, "--create")
    assert refused.exit_code == 1, refused.output
    assert PASSWORD not in refused.output
    assert refused.stderr.count("warning: ") == 5
    server.start()
    rerun = push(runner, config, server)
    assert (rerun.exit_code, rerun.stderr) == (0, "")
    assert rerun.stdout.endswith(f"({collection(config)}): 5 created\n")


@pytest.mark.usefixtures("env")
def test_401_mid_push_is_one_line_and_a_rerun_finishes(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer
) -> None:
    config = write(tmp_path)
    server.stop()
    server.start("2:401")
    cut = push(runner, config, server, "--create")
    assert cut.exit_code == 1
    assert PASSWORD not in cut.output
    assert cut.stderr.startswith(f"error: 127.0.0.1:{server.port}: the server did not accept")
    assert cut.stderr.endswith("2 of 5 changes made and recorded: run push again to finish\n")
    assert cut.stderr.count("\n") == 1
    server.start()
    rerun = push(runner, config, server)
    assert (rerun.exit_code, rerun.stderr) == (0, "")
    assert rerun.stdout.endswith(f"({collection(config)}): 3 created, 2 unchanged\n")


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("damage", ["corrupt", "types", "nested", "fifo", "directory", "huge"])
def test_a_damaged_sidecar_is_one_line_and_nothing_is_sent(
    runner: CliRunner, tmp_path: Path, radicale: CalDAVServer, damage: str
) -> None:
    config = write(tmp_path)
    sidecar = state_path(tmp_path / "runnerup.ics")
    if damage == "corrupt":
        sidecar.write_bytes(b'{"format": 1, "calendars": {"x": {"u": {"href": 1')
    elif damage == "types":  # a hand edit: an href that is a number
        entry = {"href": 1, "etag": None, "sequence": 0, "sha256": "0"}
        sidecar.write_text(json.dumps({"format": 1, "calendars": {radicale.url: {"u": entry}}}))
    elif damage == "nested":
        sidecar.write_text("[" * 100_000 + "]" * 100_000)
    elif damage == "fifo":
        os.mkfifo(sidecar)
    elif damage == "directory":
        sidecar.mkdir()
    else:
        sidecar.write_bytes(b" " * (64 * 1024 * 1024 + 1))
    result = push(runner, config, radicale, "--create", "--timeout", "5")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {sidecar}: ")
    assert result.stderr.count("\n") == 1
    assert radicale.writes() == []


@pytest.mark.usefixtures("env")
def test_an_email_user_name_in_the_calendar_path_is_one_calendar(
    runner: CliRunner, tmp_path: Path, radicale: CalDAVServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """iCloud, Fastmail and Nextcloud put the account's email in the calendar's path, and
    a server may list it percent-encoded (`%40`) where push wrote `@`: the same object."""
    email = "dana@example.com"
    (radicale.storage / "users").write_text(f"{email}:{PASSWORD}\n", encoding="utf-8")
    monkeypatch.setenv("RUNNERUP_CALDAV_USERNAME", email)
    config = write(tmp_path)
    (tmp_path / "make").mkdir()
    other = CONFIG.replace("acme-spm", "other-1").replace("globex-hop", "other-2")
    made = push(runner, write(tmp_path / "make", other), radicale, "--create")
    assert made.exit_code == 0, made.output
    listed = collection(tmp_path / "make" / "runnerup.yaml")
    assert "%40" in listed
    typed = listed.replace("%40", "@")  # as the user copies it from the docs or the web UI
    first = runner.invoke(main, ["push", str(config), "--url", typed])
    assert (first.exit_code, first.stderr) == (0, ""), first.output
    again = runner.invoke(main, ["push", str(config), "--url", typed])
    assert (again.exit_code, again.stderr) == (0, ""), again.output
    assert again.stdout.endswith(": 5 unchanged\n")
    assert len(radicale.writes()) == 10
    # a dropped touchpoint is deleted on the server, not forgotten there
    write(tmp_path, CONFIG.replace("follow_up: [30 days, 90 days]", "follow_up: [90 days]"))
    dropped = runner.invoke(main, ["push", str(config), "--url", typed])
    assert (dropped.exit_code, dropped.stderr) == (0, ""), dropped.output
    assert dropped.stdout.endswith(": 1 updated, 2 deleted, 2 unchanged\n")


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("answer", ["noetag", "weaketag"])
def test_a_server_that_answers_put_without_an_etag_or_a_weak_one(
    runner: CliRunner, tmp_path: Path, server: CalDAVServer, answer: str
) -> None:
    """Without an ETag, they come from one listing after the PUTs; a weak one names the
    same version as the strong one a listing gives later. Either way a second push sends
    nothing and warns of no edit."""
    config = write(tmp_path)
    server.stop()
    server.start(answer)
    first = push(runner, config, server, "--create")
    assert (first.exit_code, first.stderr) == (0, ""), first.output
    url = collection(config)
    recorded = json.loads(state_path(tmp_path / "runnerup.ics").read_text())["calendars"][url]
    assert all(entry["etag"] for entry in recorded.values())
    again = push(runner, config, server)
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout.endswith(": 5 unchanged\n")
    assert len(server.writes()) == 5
