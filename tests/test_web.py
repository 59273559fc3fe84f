"""`runnerup serve` and the WSGI app, through a real waitress server on a loopback port.

Each server is started and stopped inside its test (`serving`), and every wait has a
bound, so a hung server fails the test instead of the suite.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
from click.testing import CliRunner
from waitress import wasyncore
from waitress.server import create_server

from runnerup.build import build_now, render
from runnerup.cli import main
from runnerup.errors import ConfigError, OutputError, RunnerupError
from runnerup.feed import server as feed_server
from runnerup.feed import state as feed_state
from runnerup.feed import view as feed_views
from runnerup.feed import wsgi as feed_wsgi
from runnerup.feed.token import RedactToken, saved_token, token_folder
from runnerup.feed.wsgi import FeedApp, feed_name, make_app
from runnerup.ical.text import unfold
from runnerup.model import Config
from runnerup.validate import load_config, parse_config

from .conftest import EPOCH, MINIMAL, SAMPLE, WriteConfig

TOKEN = "k3Hq9-Zr_T0ken-for-tests-only"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes and bash")
ETAG = re.compile(r'^"[0-9a-f]{32}"$')


# --------------------------------------------------------------------------- harness


class Client:
    """Plain http.client requests to the server under test: exact paths, exact headers."""

    def __init__(self, port: int, feed_path: str) -> None:
        self.port = port
        self.feed = feed_path

    def request(
        self, path: str | None = None, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, self.feed if path is None else path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()


@contextmanager
def serving(app: FeedApp, *, tuned: bool = False) -> Iterator[Client]:
    """Run `app` on waitress on a free loopback port, in a thread, for one `with` block;
    `tuned`: with the options `runnerup serve` uses, else waitress's defaults."""
    if tuned:
        server = feed_server.create_feed_server(app, "127.0.0.1", 0)
    else:
        server = create_server(app, host="127.0.0.1", port=0, ident="")
    stop = threading.Event()

    def loop() -> None:
        poll = server.adj.asyncore_use_poll
        try:
            while not stop.is_set():
                wasyncore.loop(timeout=0.02, map=server._map, count=1, use_poll=poll)
        finally:
            server.task_dispatcher.shutdown(timeout=5)
            wasyncore.close_all(server._map)

    thread = threading.Thread(target=loop, name="waitress-under-test", daemon=True)
    thread.start()
    try:
        yield Client(server.effective_port, app.path)
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the server did not stop within 10 s"


class Log(list[str]):
    """Collects what the app prints, instead of stderr."""

    def __call__(self, line: str) -> None:
        self.append(line)


def app_for(path: Path, log: Log | None = None, **options: Any) -> FeedApp:
    return make_app(path, TOKEN, log=log if log is not None else Log(), **options)


def expected(path: Path, privacy: str = "full") -> bytes:
    """What `runnerup build` writes for this config, with no memory."""
    return render(load_config(path), None, build_now(), privacy)[0]


# --------------------------------------------------------------------------- HTTP rules


def test_get_serves_the_calendar_with_validators(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL)
    with serving(app_for(path)) as client:
        status, headers, body = client.request()
    assert status == 200
    assert body == expected(path)
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["content-length"] == str(len(body))
    assert ETAG.match(headers["etag"])
    assert headers["etag"] == '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    assert headers["last-modified"] == formatdate(EPOCH, usegmt=True)
    assert headers["cache-control"] == "private, no-cache"
    assert "server" not in headers


def test_feed_url_is_token_then_config_name(write_config: WriteConfig) -> None:
    app = app_for(write_config(MINIMAL, name="my follow-ups.yaml"))
    assert app.path == f"/{TOKEN}/my-follow-ups.ics"
    assert feed_name(Path("x/✓.yaml")) == "runnerup.ics"
    assert feed_name(Path("Jobs 2026 (ü).yml")) == "Jobs-2026.ics"


def test_head_has_the_headers_and_no_body(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL)
    with serving(app_for(path)) as client:
        _, get_headers, body = client.request()
        status, headers, head_body = client.request(method="HEAD")
    assert (status, head_body) == (200, b"")
    assert headers["content-length"] == str(len(body))
    for name in ("etag", "last-modified", "content-type", "cache-control"):
        assert headers[name] == get_headers[name]


def test_query_string_is_ignored(write_config: WriteConfig) -> None:
    app = app_for(write_config(MINIMAL))
    with serving(app) as client:
        assert client.request(app.path + "?nocache=1")[0] == 200


@pytest.mark.parametrize(
    ("conditions", "status"),
    [
        ({"If-None-Match": "{etag}"}, 304),
        ({"If-None-Match": 'W/"0", {etag}'}, 304),
        ({"If-None-Match": "W/{etag}"}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-None-Match": '"0000"'}, 200),
        ({"If-Modified-Since": "{date}"}, 304),
        # a date later than the server's clock is invalid (RFC 7232 §3.3): ignored
        ({"If-Modified-Since": formatdate(EPOCH + 3600, usegmt=True)}, 200),
        ({"If-Modified-Since": "Mon, 01 Jan 99999999999 00:00:00 GMT"}, 200),
        ({"If-Modified-Since": "Mon, 01 Jan 0000 00:00:00 GMT"}, 200),
        ({"If-Modified-Since": formatdate(EPOCH - 1, usegmt=True)}, 200),
        ({"If-Modified-Since": "yesterday"}, 200),
        # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
        ({"If-None-Match": '"0000"', "If-Modified-Since": "{date}"}, 200),
    ],
)
def test_conditional_requests(
    write_config: WriteConfig, conditions: dict[str, str], status: int
) -> None:
    with serving(app_for(write_config(MINIMAL))) as client:
        _, first, _ = client.request()
        headers = {
            k: v.format(etag=first["etag"], date=first["last-modified"])
            for k, v in conditions.items()
        }
        for method in ("GET", "HEAD"):
            got, response, body = client.request(method=method, headers=headers)
            assert got == status
            assert response["etag"] == first["etag"]
            assert response["last-modified"] == first["last-modified"]
            if status == 304:
                assert body == b""
                assert "content-length" not in response
                assert response["cache-control"] == "private, no-cache"


NOT_FEEDS = [
    "/",
    "/favicon.ico",
    "/robots.txt",
    f"/{TOKEN}",
    f"/{TOKEN}/",
    f"/{TOKEN}/other.ics",
    f"/{TOKEN}/runnerup.ics/",
    f"/{TOKEN}//runnerup.ics",
    f"/{TOKEN}/runnerup.ics%00",
    f"/{TOKEN}/runnerup",
    f"/{TOKEN[:-1]}/runnerup.ics",
    f"/{TOKEN}x/runnerup.ics",
    f"/{TOKEN.upper()}/runnerup.ics",
    "/runnerup.ics",
    f"/x/../{TOKEN}/runnerup.ics",
    f"/{TOKEN}/../{TOKEN}/runnerup.ics",
    f"/{TOKEN}/%2e%2e/{TOKEN}/runnerup.ics",
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    f"/{TOKEN}/runnerup.yaml",
]


def test_every_other_path_is_the_same_generic_404(write_config: WriteConfig) -> None:
    with serving(app_for(write_config(MINIMAL))) as client:
        answers = {path: client.request(path) for path in NOT_FEEDS}
        heads = {path: client.request(path, "HEAD")[0] for path in NOT_FEEDS}
    for path, (status, headers, body) in answers.items():
        assert (status, body) == (404, b"Not Found\n"), path
        assert headers["content-type"] == "text/plain; charset=utf-8"
        assert "etag" not in headers and "last-modified" not in headers
        assert heads[path] == 404
    # nothing in a 404 depends on the path: no hint of what is near a feed
    shapes = {(s, tuple(sorted(k for k in h if k != "date")), b) for s, h, b in answers.values()}
    assert len(shapes) == 1


def test_head_answers_carry_no_body(write_config: WriteConfig) -> None:
    """On the wire: a body after a HEAD answer would be read as the next response."""
    app = app_for(write_config(MINIMAL))
    requests = b"".join(
        f"HEAD {path} HTTP/1.1\r\nHost: x\r\n{extra}\r\n".encode()
        for path, extra in [("/nope", ""), (app.path, "Connection: close\r\n")]
    )
    with (
        serving(app) as client,
        socket.create_connection(("127.0.0.1", client.port), timeout=10) as raw,
    ):
        raw.sendall(requests)
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
    answers = received.split(b"\r\n\r\n")
    assert [a.split(b"\r\n")[0] for a in answers[:2]] == [
        b"HTTP/1.1 404 Not Found",
        b"HTTP/1.1 200 OK",
    ]
    assert answers[2:] == [b""]  # nothing after the second head: no bodies anywhere


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("where", ["feed", "root"])
def test_other_methods_are_405(write_config: WriteConfig, method: str, where: str) -> None:
    app = app_for(write_config(MINIMAL))
    with serving(app) as client:
        status, headers, body = client.request(app.path if where == "feed" else "/", method)
    assert (status, body) == (405, b"Method Not Allowed\n")
    assert headers["allow"] == "GET, HEAD"


def test_wsgi_compliance_under_the_reference_validator(write_config: WriteConfig) -> None:
    """What gunicorn or any other WSGI server will call."""
    app = app_for(write_config(MINIMAL))
    checked = validator(app)
    for method, path, status in [
        ("GET", app.path, "200 OK"),
        ("HEAD", app.path, "200 OK"),
        ("GET", "/", "404 Not Found"),
        ("POST", app.path, "405 Method Not Allowed"),
    ]:
        environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path}
        environ.update(QUERY_STRING="", SCRIPT_NAME="")
        setup_testing_defaults(environ)
        seen: list[str] = []
        result = checked(
            environ, lambda s, h, e=None, seen=seen: seen.append(s) or (lambda b: None)
        )
        b"".join(result)
        result.close()
        assert seen == [status]


def test_app_from_env_for_wsgi_servers(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(MINIMAL)
    monkeypatch.setenv("RUNNERUP_CONFIG", str(path))
    monkeypatch.setenv("RUNNERUP_PRIVACY", "busy")
    with pytest.raises(RunnerupError, match="set RUNNERUP_TOKEN"):
        feed_wsgi.app_from_env()
    monkeypatch.setenv("RUNNERUP_TOKEN", TOKEN)
    app = feed_wsgi.app_from_env()
    assert (app.path, app.state.privacy) == (f"/{TOKEN}/runnerup.ics", "busy")


def test_the_wsgi_entry_points_keep_the_name_0_1_documented() -> None:
    """`gunicorn 'runnerup.web:app_from_env()'` from a 0.1 deployment still starts: a
    WSGI server imports the module by name, as here."""
    import importlib

    web = importlib.import_module("runnerup.web")
    assert (web.app_from_env, web.make_app) == (feed_wsgi.app_from_env, feed_wsgi.make_app)


@pytest.mark.parametrize("token", ["", "a b", "a/b", "50%", "x?y", "tab\there"])
def test_tokens_that_cannot_sit_in_a_url_path_are_refused(
    write_config: WriteConfig, token: str
) -> None:
    with pytest.raises(ValueError, match="token"):
        make_app(write_config(MINIMAL), token)


# --------------------------------------------------------------------------- token and logs


def test_token_is_compared_through_digests_in_constant_time(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(write_config(MINIMAL))
    calls: list[tuple[int, int]] = []
    real = feed_wsgi.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(feed_wsgi.hmac, "compare_digest", spy)
    assert app.is_feed_path(app.path)
    assert not app.is_feed_path("/x")
    assert not app.is_feed_path(app.path + "x" * 1000)
    assert calls == [(32, 32)] * 3  # equal-size digests, whatever the path's length


def test_token_never_reaches_a_log_or_stderr(
    write_config: WriteConfig,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_config(MINIMAL)
    app = make_app(path, TOKEN)  # logs to the real stderr
    redact = RedactToken(TOKEN)
    waitress_log = logging.getLogger("waitress")
    waitress_log.addFilter(redact)
    try:
        with caplog.at_level(logging.DEBUG), serving(app) as client:
            client.request()
            client.request(method="HEAD")
            client.request(f"/{TOKEN}/nope.ics")
            client.request(method="POST")
            # a client that hangs up mid-request, and an app that fails
            with socket.create_connection(("127.0.0.1", client.port), timeout=5) as raw:
                raw.sendall(f"GET {app.path} HTTP/1.1\r\nHost: x\r\n".encode())
            path.write_text(MINIMAL + "    notes: edited\n", encoding="utf-8")
            monkeypatch.setattr(feed_state, "render", _boom)
            assert client.request()[0] == 200  # a failing rebuild keeps the last feed
            monkeypatch.setattr(feed_wsgi, "_not_modified", _boom)
            assert client.request()[0] == 500
            waitress_log.info("Client disconnected while serving %s", app.path)
    finally:
        waitress_log.removeFilter(redact)
    out, err = capfd.readouterr()
    assert TOKEN not in caplog.text + out + err
    assert "Client disconnected while serving /<token>/runnerup.ics" in caplog.text
    assert err.count("internal error: RuntimeError: disk on fire; still serving the last") == 1
    assert err.endswith("internal error: RuntimeError: disk on fire\n")


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("disk on fire")


@POSIX
def test_saved_token_is_private_and_survives_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "runnerup"
    token, created = saved_token(folder)
    assert created and re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    assert (folder / "token").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o077 == 0
    assert saved_token(folder) == (token, False)
    (folder / "token").write_text("bad token\n")
    fresh, created = saved_token(folder)
    assert created and fresh != token


# --------------------------------------------------------------------------- live reload


def test_an_edit_reaches_the_next_request_with_memory(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL + "    notes: before\n")
    log = Log()
    with serving(app_for(path, log)) as client:
        _, first, body = client.request()
        assert b"SEQUENCE:0" in body and b"before" in body
        path.write_text(MINIMAL + "    notes: after the edit\n", encoding="utf-8")
        status, second, body = client.request(headers={"If-None-Match": first["etag"]})
        assert status == 200
        assert b"after the edit" in body and b"SEQUENCE:1" in body
        assert second["etag"] != first["etag"]
        # "now" is pinned, yet every change gets a later Last-Modified
        assert second["last-modified"] == formatdate(EPOCH + 1, usegmt=True)
        assert client.request(headers={"If-Modified-Since": first["last-modified"]})[0] == 200
        # the role goes: a feed leaves its event out and remembers its SEQUENCE
        closed = MINIMAL.replace("    id: acme-spm\n", "    id: acme-spm\n    status: closed\n")
        path.write_text(closed, encoding="utf-8")
        _, _, body = client.request()
    text = "\n".join(unfold(body.decode()))
    assert "STATUS:CANCELLED" not in text and "BEGIN:VEVENT" not in text
    assert "X-RUNNERUP-RETIRED;SEQUENCE=2;" in text
    assert log == [
        f"reloaded {path}: 1 event (1 changed)",
        f"reloaded {path}: 0 events (1 removed)",
    ]


def test_a_restart_on_a_clock_set_back_is_not_answered_not_modified(
    write_config: WriteConfig,
) -> None:
    """Serve gave the edited feed a later Last-Modified than its pinned clock; after a
    restart (no -o: no memory) the feed's date is the clock again, earlier than what the
    client holds. A client revalidating with that later date must get the new feed."""
    path = write_config(MINIMAL + "    notes: before\n")
    with serving(app_for(path)) as client:
        client.request()
        path.write_text(MINIMAL + "    notes: after the edit\n", encoding="utf-8")
        _, seen, _ = client.request()
    assert seen["last-modified"] == formatdate(EPOCH + 1, usegmt=True)
    path.write_text(MINIMAL + "    notes: edited while serve was down\n", encoding="utf-8")
    with serving(app_for(path)) as client:
        status, headers, body = client.request(headers={"If-Modified-Since": seen["last-modified"]})
    assert status == 200
    assert b"edited while serve was down" in body
    assert headers["last-modified"] == formatdate(EPOCH, usegmt=True)


def test_without_output_serve_starts_from_builds_sequence(
    write_config: WriteConfig, runner: CliRunner
) -> None:
    """The .ics beside the config is read once as memory (never written), so a serve
    restarted without -o does not take every SEQUENCE back to 0."""
    path = write_config(MINIMAL + "    notes: one\n")
    for notes in ("two", "three"):
        assert runner.invoke(main, ["build", str(path)]).exit_code == 0
        path.write_text(MINIMAL + f"    notes: {notes}\n", encoding="utf-8")
    assert runner.invoke(main, ["build", str(path)]).exit_code == 0
    built = path.with_suffix(".ics").read_bytes()
    assert b"\r\nSEQUENCE:2\r\n" in built
    log = Log()
    with serving(app_for(path, log)) as client:
        body = client.request()[2]
    assert body == built  # nothing removed: the import form and the feed form agree
    assert path.with_suffix(".ics").read_bytes() == built
    assert log == []
    # one that cannot serve as memory is said once and left alone
    path.with_suffix(".ics").write_bytes(built[: len(built) // 2])
    with serving(app_for(path, log)) as client:
        assert b"\r\nSEQUENCE:0\r\n" in client.request()[2]
    assert len(log) == 1 and log[0].startswith(f"not taking {path.with_suffix('.ics')} as")


def test_an_edit_of_the_same_size_is_seen(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL + "    notes: aaaa\n")
    with serving(app_for(path)) as client:
        client.request()
        path.write_text(MINIMAL + "    notes: bbbb\n", encoding="utf-8")
        os.utime(path, ns=(1, 1))  # even with an mtime from the past
        assert b"bbbb" in client.request()[2]


def test_touching_the_config_changes_nothing(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL)
    log = Log()
    with serving(app_for(path, log)) as client:
        _, first, body = client.request()
        os.utime(path, ns=(10**18, 10**18))
        _, again, same = client.request()
    assert (again["etag"], again["last-modified"], same) == (
        first["etag"],
        first["last-modified"],
        body,
    )
    assert log == []


def test_broken_config_keeps_the_last_good_feed_and_says_where_once(
    write_config: WriteConfig,
) -> None:
    path = write_config(MINIMAL)
    log = Log()
    with serving(app_for(path, log)) as client:
        _, first, good = client.request()
        path.write_text(MINIMAL.replace("decided: 2026-09-03", "decided: 2026-02-30"), "utf-8")
        for _ in range(3):
            status, headers, body = client.request()
            assert (status, body, headers["etag"]) == (200, good, first["etag"])
        assert len(log) == 2  # printed once, not once per request
        assert re.fullmatch(rf"{re.escape(str(path))}:7:14: roles\[0\]\.decided: .+", log[0])
        assert log[1] == f"1 error in {path}; still serving the last good feed"
        path.write_text("roles: [", encoding="utf-8")  # a new mistake is printed again
        assert client.request()[2] == good
        assert log[2].startswith(f"{path}:2:1: YAML syntax error")
        path.unlink()  # a deleted config too
        assert client.request()[2] == good
        assert log[-2].startswith(f"{path}:1:1: file not found")
        path.write_text(MINIMAL + "    notes: fixed\n", encoding="utf-8")
        _, _, body = client.request()
    assert b"fixed" in body
    assert log[-2:] == [f"{path} is valid again", f"reloaded {path}: 1 event (1 changed)"]


def test_an_hour_later_a_broken_config_is_still_broken(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hourly re-render (cancelled events expire with time) keeps the last good feed
    and does not call the broken file valid."""
    path = write_config(MINIMAL)
    log = Log()
    app = app_for(path, log)
    good = app.state.feed
    path.write_text("roles: [", encoding="utf-8")
    app.state.refresh()
    now = time.monotonic()
    monkeypatch.setattr(feed_state.time, "monotonic", lambda: now + feed_state.RERENDER_SECONDS + 1)
    app.state.refresh()
    assert app.state.feed == good
    assert len(log) == 2 and log[1] == f"1 error in {path}; still serving the last good feed"


def test_broken_config_at_start_is_an_error_without_a_previous_feed(
    write_config: WriteConfig,
) -> None:
    path = write_config("roles: [")
    with pytest.raises(ConfigError) as caught:
        app_for(path)
    assert re.match(rf"{re.escape(str(path))}:2:1: YAML syntax error", str(caught.value))


# --------------------------------------------------------------------------- -o FILE


def test_output_is_written_and_its_memory_survives_a_restart(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL + "    notes: one\n")
    out = tmp_path / "feed.ics"
    with serving(app_for(path, output=out)) as client:
        body = client.request()[2]
    assert out.read_bytes() == body
    path.write_text(MINIMAL + "    notes: two\n", encoding="utf-8")
    with serving(app_for(path, output=out)) as client:
        _, second, body = client.request()
    assert b"SEQUENCE:1" in body and out.read_bytes() == body
    assert not list(tmp_path.glob(".feed.ics.*"))  # no temporary files left behind
    # a restart with nothing changed keeps the file's date as Last-Modified
    os.utime(out, (EPOCH - 86400, EPOCH - 86400))
    with serving(app_for(path, output=out)) as client:
        _, third, _ = client.request()
    assert third["etag"] == second["etag"]
    assert third["last-modified"] == formatdate(EPOCH - 86400, usegmt=True)


def test_broken_config_at_start_serves_the_previous_output(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL)
    out = tmp_path / "feed.ics"
    with serving(app_for(path, output=out)) as client:
        good = client.request()[2]
    path.write_text("roles: [", encoding="utf-8")
    log = Log()
    with serving(app_for(path, log, output=out)) as client:
        assert client.request()[2] == good
    assert log[-1] == f"serving the last feed written to {out} until the config is fixed"
    assert log[-2] == f"1 error in {path}; still serving the last good feed"


def test_output_runnerup_did_not_write_is_refused(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    out = tmp_path / "mine.ics"
    out.write_text("BEGIN:VCALENDAR\r\nPRODID:-//Someone//EN\r\nEND:VCALENDAR\r\n")
    with pytest.raises(OutputError, match="not written by runnerup"):
        app_for(write_config(MINIMAL), output=out)
    app_for(write_config(MINIMAL), output=out, force=True)
    assert out.read_bytes() == expected(tmp_path / "runnerup.yaml")


# --------------------------------------------------------------------------- privacy


def personal_strings(config: Config) -> set[str]:
    """Every string of the config a stranger could learn something from."""
    found = {config.name, "Job search", "America/", "Europe/", "Australia/"}
    if config.description:
        found.add(config.description)
    for role in config.roles:
        contact = role.contact
        fields = [role.id, role.company, role.title, role.hired, role.why_close, role.posting]
        fields += [role.notes, contact.name, contact.title, contact.email, contact.phone]
        fields += [contact.linkedin, *role.settings.talking_points]
        for value in filter(None, fields):
            found.add(value)
            found.add(value[:20])
        for value in filter(None, [role.company, contact.name, role.hired, role.title]):
            found.update(word for word in re.split(r"[\s,]+", value) if len(word) >= 4)
    return found


def assert_nothing_personal(body: bytes, config: Config) -> None:
    text = "".join(unfold(body.decode("utf-8")))
    plain = text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
    leaks = sorted(s for s in personal_strings(config) if s in text or s in plain)
    assert leaks == []


def test_busy_feed_has_no_personal_string(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, path)
    with serving(app_for(path, privacy="busy")) as client:
        status, _, body = client.request()
    assert status == 200
    assert_nothing_personal(body, load_config(path))
    text = body.decode()
    assert "NAME:Follow-up calls\r\n" in text
    assert "SUMMARY:Follow-up call\r\n" in text and "SUMMARY:Prep\r\n" in text
    assert "BEGIN:VALARM\r\n" in text and "DESCRIPTION:Follow-up call\r\n" in text
    assert not re.search(r"^(LOCATION|URL|CATEGORIES|ATTENDEE|ORGANIZER)[:;]", text, re.M)


def test_full_feed_does_carry_them(tmp_path: Path) -> None:
    """The privacy test above can fail: the same check finds the strings in a full feed."""
    path = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, path)
    with pytest.raises(AssertionError):
        assert_nothing_personal(expected(path), load_config(path))


def test_busy_feed_stays_clean_with_memory_of_a_full_one(tmp_path: Path) -> None:
    """Cancelled events come from the memory: a full build's must not leak into busy."""
    path = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, path)
    out = tmp_path / "feed.ics"
    with serving(app_for(path, output=out)) as client:
        full = client.request()[2]
    assert b"Dana Whitfield" in full
    config_before = load_config(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    prep: 1 day", "    prep: 1 day\n    status: closed"), "utf-8")
    with serving(app_for(path, output=out, privacy="busy")) as client:
        _, _, body = client.request()
        path.write_text(text, encoding="utf-8")  # and back: revived, still busy
        _, _, revived = client.request()
    assert b"STATUS:CANCELLED" not in body  # a feed leaves the Acme call and its prep out
    assert body.count(b"\r\nX-RUNNERUP-RETIRED;") == 2
    assert_nothing_personal(body, config_before)
    assert_nothing_personal(revived, config_before)
    assert_nothing_personal(out.read_bytes(), config_before)


# --------------------------------------------------------------------------- concurrency


def test_concurrent_clients_all_get_200_or_304(write_config: WriteConfig) -> None:
    """32 clients × 50 requests on keep-alive connections, with an edit half-way: every
    answer is a 200 with one of the two feeds, or a 304."""
    path = write_config(MINIMAL + "    notes: first\n")
    clients, rounds = 32, 50
    app = app_for(path)
    results: list[tuple[int, bytes]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1, timeout=30)
    with serving(app) as client:
        etag = client.request()[1]["etag"]

        def one(n: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=20)
            mine = []
            try:
                start.wait()
                for i in range(rounds):
                    headers = {"If-None-Match": etag} if (n + i) % 2 else {}
                    conn.request("GET", app.path, headers=headers)
                    response = conn.getresponse()
                    mine.append((response.status, response.read()))
            except BaseException as exc:
                errors.append(exc)
            finally:
                conn.close()
                with lock:
                    results.extend(mine)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        began = time.monotonic()
        start.wait()
        path.write_text(MINIMAL + "    notes: second\n", encoding="utf-8")
        for thread in threads:
            thread.join(timeout=60 - (time.monotonic() - began))
        assert not any(t.is_alive() for t in threads), "clients still running after 60 s"
        final = client.request()[2]
    assert errors == []
    assert len(results) == clients * rounds
    statuses = {status for status, _ in results}
    assert statuses <= {200, 304}
    bodies = {body for status, body in results if status == 200}
    first = render(
        parse_config(MINIMAL.encode() + b"    notes: first\n", str(path)), None, build_now()
    )[0]
    assert bodies <= {first, final} and b"second" in final


# --------------------------------------------------------------------------- the command


def test_serve_rejects_a_bad_token(runner: CliRunner, write_config: WriteConfig) -> None:
    result = runner.invoke(main, ["serve", str(write_config(MINIMAL)), "--token", "a/b"])
    assert result.exit_code == 2
    assert "Invalid value for --token: the token may not contain" in result.stderr


def test_serve_output_dash_is_a_usage_error_not_a_file_named_dash(
    runner: CliRunner, write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`build -o -` is stdout; `serve -o -` silently wrote a file named `-`."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["serve", str(write_config(MINIMAL)), "-o", "-"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '-o' / '--output': runnerup reads and writes files here, "
        "not stdin or stdout; give a file name (./- for a file named -)\n"
    )
    assert not (tmp_path / "-").exists()


def test_serve_warns_about_a_short_token(runner: CliRunner, write_config: WriteConfig) -> None:
    path = write_config("roles: [")  # fails after the token check, before serving
    result = runner.invoke(main, ["serve", str(path), "--token", "short"])
    assert result.stderr.startswith(
        "warning: a token this short can be guessed; leave --token out for a random one\n"
    )
    result = runner.invoke(main, ["serve", str(path), "--token", TOKEN])
    assert "warning" not in result.stderr


def test_serve_with_a_broken_config_exits_1(runner: CliRunner, write_config: WriteConfig) -> None:
    path = write_config("roles: [")
    result = runner.invoke(main, ["serve", str(path), "--token", TOKEN, "--port", "0"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:2:1: YAML syntax error")
    assert result.stderr.endswith("1 error\n")


def test_serve_on_a_busy_port_exits_1(runner: CliRunner, write_config: WriteConfig) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            main, ["serve", str(write_config(MINIMAL)), "--token", TOKEN, "--port", str(port)]
        )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")


def _runnerup() -> list[str]:
    script = Path(sys.executable).with_name("runnerup")
    return [str(script)] if script.exists() else [sys.executable, "-m", "runnerup.cli"]


@contextmanager
def serve_process(args: list[str], env: dict[str, str]) -> Iterator[tuple[list[str], str]]:
    """`runnerup serve ARGS` as a real process; yields (stdout lines so far, feed URL)."""
    proc = subprocess.Popen(
        [*_runnerup(), "serve", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 20
        while not seen or not seen[-1].startswith("serving "):
            try:
                seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())).rstrip("\n"))
            except queue.Empty:
                raise AssertionError(f"no URL within 20 s: {seen} {proc.stderr.read()}") from None
        url = next(line.split(": ", 1)[1] for line in seen if line.startswith("feed URL: "))
        yield seen, url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise
        reader.join(timeout=5)
        while not lines.empty():
            seen.append(lines.get().rstrip("\n"))
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == 0, err
        assert seen[-1] == "stopped"


def _get(url: str, method: str = "GET") -> tuple[int, bytes]:
    match = re.fullmatch(r"http://([\d.]+):(\d+)(/.*)", url)
    assert match, url
    conn = http.client.HTTPConnection(match[1], int(match[2]), timeout=10)
    try:
        conn.request(method, match[3])
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_serve_command_prints_the_links_and_serves_the_feed(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL)
    env = {"RUNNERUP_TOKEN": TOKEN, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    with serve_process([str(path), "--host", "127.0.0.1"], env) as (lines, url):
        assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/{TOKEN}/runnerup\.ics", url)
        assert _get(url) == (200, expected(path))
        assert _get(url.rsplit("/", 2)[0] + "/wrong/runnerup.ics")[0] == 404
        assert _get(url, "DELETE")[0] == 405
    assert lines[1] == f"webcal:   webcal://{url[7:]}  (Apple Calendar, Outlook desktop)"
    assert lines[2].startswith(
        "Outlook on the web: https://outlook.live.com/calendar/0/addfromweb?"
    )
    assert "name=Test+calendar" in lines[2]
    assert lines[4].startswith("Google Calendar: ")
    assert lines[6] == (
        f"serving {path} (1 event, privacy full); it rebuilds when the file changes. Ctrl+C stops."
    )
    assert not (tmp_path / "xdg").exists()  # a given token is not saved


@POSIX
def test_serve_command_generates_and_remembers_a_token(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    saved = tmp_path / "xdg" / "runnerup" / "token"
    with serve_process([str(path)], env) as (lines, url):
        assert lines[0] == (
            f"generated a token and saved it in {saved}: restarts keep the URL; "
            "delete the file for a new one"
        )
        token = saved.read_text().strip()
        assert f"/{token}/runnerup.ics" in url and len(token) == 32
        assert _get(url)[0] == 200
    assert saved.stat().st_mode & 0o777 == 0o600
    with serve_process([str(path)], env) as (lines, again):
        assert lines[0].startswith(f"using the token saved in {saved}")
        assert again.split("/")[3:] == url.split("/")[3:]


# --------------------------------------------------------------------------- GitHub Pages

WORKFLOW = Path(__file__).resolve().parent.parent / "examples" / "github-pages.yml"


def _workflow_steps() -> dict[str, dict[str, Any]]:
    import yaml

    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["env"]["PRIVACY"] == "busy"  # the safe default for a public site
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = workflow["jobs"]["publish"]["steps"]
    return {step.get("name", step.get("uses", "")): step for step in steps}


@POSIX
def test_pages_workflow_builds_busy_with_the_published_feed_as_memory(tmp_path: Path) -> None:
    """Run the workflow's build step with bash: first publication, then a rebuild with
    the published feed restored as previous.ics."""
    steps = _workflow_steps()
    assert (
        "${{ secrets.RUNNERUP_FEED_NAME }}" in steps["Restore the published feed"]["env"].values()
    )
    script = steps["Build the feed"]["run"]
    shutil.copy(SAMPLE, tmp_path / "runnerup.yaml")
    env = {
        **os.environ,
        "CONFIG": "runnerup.yaml",
        "PRIVACY": "busy",
        "FEED_NAME": "s3cret-name",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }

    def build() -> bytes:
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        return (tmp_path / "site" / "s3cret-name.ics").read_bytes()

    first = build()
    assert_nothing_personal(first, load_config(tmp_path / "runnerup.yaml"))
    assert (tmp_path / "site" / ".nojekyll").exists()
    (tmp_path / "previous.ics").write_bytes(first)
    shutil.rmtree(tmp_path / "site")  # a fresh runner: only the restored feed remembers
    text = SAMPLE.read_text(encoding="utf-8")
    closed = text.replace(
        "  - company: Globex Health\n", "  - company: Globex Health\n    status: closed\n"
    )
    (tmp_path / "runnerup.yaml").write_text(closed, encoding="utf-8")
    second = build()
    # A feed: the closed role's event is left out, its SEQUENCE remembered.
    assert b"STATUS:CANCELLED" not in second
    assert second.count(b"BEGIN:VEVENT") == first.count(b"BEGIN:VEVENT") - 1
    assert second.count(b"\r\nX-RUNNERUP-RETIRED;SEQUENCE=1;") == 1
    assert_nothing_personal(second, load_config(tmp_path / "runnerup.yaml"))


# --------------------------------------------------------------------------- token rules


@pytest.mark.parametrize("token", [".", ".."])
def test_dot_segment_tokens_are_refused(
    runner: CliRunner, write_config: WriteConfig, token: str
) -> None:
    """`/../runnerup.ics` is normalised away by every client: the feed could never be found."""
    path = write_config(MINIMAL)
    with pytest.raises(ValueError, match="a URL drops it from the path"):
        make_app(path, token)
    result = runner.invoke(main, ["serve", str(path), "--token", token])
    assert result.exit_code == 2
    assert f"Invalid value for --token: the token may not be '{token}': a URL drops it" in (
        result.stderr
    )
    assert make_app(path, "...").path == "/.../runnerup.ics"  # not a dot segment


@POSIX
@pytest.mark.skipif(sys.platform == "darwin", reason="macOS has no XDG folder")
@pytest.mark.parametrize("xdg", ["", "relative/config"])
def test_empty_or_relative_xdg_config_home_is_ignored(
    runner: CliRunner,
    write_config: WriteConfig,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    xdg: str,
) -> None:
    """Per the XDG spec; else the token lands under the current folder, for `git add .`."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    path = write_config("roles: [")  # the token is saved, then the config stops the command
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = runner.invoke(main, ["serve", str(path), "--port", "0"])
    assert result.exit_code == 1
    assert (home / ".config" / "runnerup" / "token").is_file()
    assert list(work.iterdir()) == []
    assert token_folder() == home / ".config" / "runnerup"


@POSIX
def test_a_token_file_others_can_read_is_refused(
    runner: CliRunner, write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "xdg" / "runnerup"
    token, _ = saved_token(folder)
    saved = folder / "token"
    saved.chmod(0o644)
    with pytest.raises(RunnerupError) as caught:
        saved_token(folder)
    assert str(caught.value) == (
        f"refusing the saved token: {saved} is readable by other users; run `chmod 600 "
        f"{saved}` (and, since others may have read it, remove the file for a new token "
        "and subscribe again)"
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    result = runner.invoke(main, ["serve", str(write_config(MINIMAL)), "--port", "0"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {caught.value}\n"
    assert token not in result.stderr
    saved.chmod(0o600)
    assert saved_token(folder) == (token, False)


@POSIX
def test_a_token_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    with pytest.raises(RunnerupError, match=r"writable by other users.*chmod go-w"):
        saved_token(folder)
    assert not (folder / "token").exists()  # no secret is created there either
    folder.chmod(0o700)
    assert saved_token(folder)[1]


# --------------------------------------------------------------------------- busy on every path


def _full_output(tmp_path: Path) -> tuple[Path, Path, Config]:
    """The sample config and a full build of it in feed.ics, as `serve -o` left it."""
    path = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, path)
    out = tmp_path / "feed.ics"
    out.write_bytes(expected(path))
    assert b"Dana Whitfield" in out.read_bytes()
    return path, out, load_config(path)


def _assert_busy_copy(body: bytes, out: Path, config: Config) -> None:
    """`body` is the file's events, all of them, with nothing personal left."""
    assert_nothing_personal(body, config)
    assert body.count(b"BEGIN:VEVENT") == out.read_bytes().count(b"BEGIN:VEVENT") > 0
    assert b"\r\nNAME:Follow-up calls\r\n" in body


def test_busy_feed_redacts_the_output_served_while_the_config_is_broken(
    tmp_path: Path,
) -> None:
    path, out, config = _full_output(tmp_path)
    path.write_text("roles: [", encoding="utf-8")
    log = Log()
    with serving(app_for(path, log, output=out, privacy="busy")) as client:
        status, _, body = client.request()
    assert status == 200
    _assert_busy_copy(body, out, config)
    assert log[-1] == f"serving the last feed written to {out} until the config is fixed"


def test_busy_feed_redacts_the_output_served_when_rendering_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, out, config = _full_output(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with serving(app_for(path, output=out, privacy="busy")) as client:
        status, _, body = client.request()
    assert status == 200
    _assert_busy_copy(body, out, config)


def test_busy_feed_redacts_the_output_served_after_an_internal_error(
    write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, out, config = _full_output(tmp_path)
    monkeypatch.setattr(feed_state, "render", _boom)
    with serving(app_for(path, output=out, privacy="busy")) as client:
        body = client.request()[2]
    _assert_busy_copy(body, out, config)
    # the case: a call pinned to the last day there is (an internal error, or a
    # config error once bounds are checked: either way the file is what is served)
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    pinned = MINIMAL + '    follow_up:\n      - after: 90 days\n        at: "9999-12-31 23:00"\n'
    path = write_config(pinned, name="pinned.yaml")
    out = tmp_path / "pinned.ics"
    out.write_bytes(expected(write_config(MINIMAL)))
    with serving(app_for(path, output=out, privacy="busy")) as client:
        body = client.request()[2]
    _assert_busy_copy(body, out, load_config(write_config(MINIMAL)))


def test_redacting_a_busy_render_changes_no_byte(tmp_path: Path) -> None:
    """So a restart on a busy -o file serves it with the same ETag."""
    path = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, path)
    busy = expected(path, "busy")
    assert feed_views.feed_view(busy, "x.ics", "busy") == busy


def test_redact_refuses_a_calendar_runnerup_did_not_write() -> None:
    with pytest.raises(OutputError, match="not a calendar runnerup wrote"):
        feed_views.feed_view(
            b"BEGIN:VCALENDAR\r\nPRODID:-//Someone//EN\r\nEND:VCALENDAR\r\n", "x.ics", "busy"
        )


# --------------------------------------------------------------------------- hostile clients


def test_the_feed_answers_while_200_idle_and_slow_connections_are_held(
    write_config: WriteConfig,
) -> None:
    """waitress's default connection_limit (100) let idle sockets take the feed offline
    until they timed out, two minutes later."""
    app = app_for(write_config(MINIMAL))
    held: list[socket.socket] = []
    with serving(app, tuned=True) as client:
        try:
            for n in range(200):
                conn = socket.create_connection(("127.0.0.1", client.port), timeout=10)
                held.append(conn)
                if n % 2:  # a slow client: a request that never ends
                    conn.sendall(f"GET {app.path} HTTP/1.1\r\nHost: x\r\n".encode())
            for _ in range(3):
                status, _, body = client.request()
                assert (status, body) == (200, app.state.feed.body)
        finally:
            for conn in held:
                conn.close()


# --------------------------------------------------------------------------- settling

SECOND_ROLE = """\
  - company: Globex
    title: Head of Product
    decided: 2026-09-10
    id: globex-hop
    contact:
      name: Sam Ortiz
      phone: "+1 555 0199"
"""


class Writer:
    """An injected `sleep`: instead of waiting, it plays what another program does to the
    config meanwhile (one step per call), and records the waits asked for."""

    def __init__(self, path: Path, *steps: str | None) -> None:
        self.path, self.steps, self.waits = path, list(steps), list[float]()

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        step = self.steps.pop(0) if self.steps else None
        if step is not None:  # None: nothing happens to the file meanwhile
            self.path.write_text(step, encoding="utf-8")


@pytest.mark.parametrize("caught", ["", MINIMAL], ids=["truncated", "half-written"])
def test_a_config_caught_mid_write_is_read_once_it_settles(
    write_config: WriteConfig, caught: str
) -> None:
    """An editor's truncate-then-write, or a slow writer, seen between two writes: the
    half file (even one that parses) is never published."""
    both = MINIMAL + SECOND_ROLE
    path = write_config(both)
    log = Log()
    edited = both + "    notes: edited\n"
    writer = Writer(path, edited)  # the rest arrives while the server waits
    app = app_for(path, log, sleep=writer)
    path.write_text(caught, encoding="utf-8")
    app.state.refresh()
    assert b"STATUS:CANCELLED" not in app.state.feed.body
    assert "edited" in "".join(unfold(app.state.feed.body.decode()))
    assert log == [f"reloaded {path}: 2 events (1 changed)"]
    assert writer.waits == [feed_state.SETTLE_SECONDS, feed_state.SETTLE_SECONDS]


def test_a_removal_is_published_only_once_the_file_stays_removed(
    write_config: WriteConfig,
) -> None:
    both = MINIMAL + SECOND_ROLE
    path = write_config(both)
    log = Log()
    writer = Writer(path)
    app = app_for(path, log, sleep=writer)
    first = app.state.feed
    # the file loses a role and gets it back within the confirmation window
    path.write_text(MINIMAL, encoding="utf-8")
    writer.steps = [None, both]  # settle: nothing happens; confirm: the role is back
    app.state.refresh()
    assert writer.waits == [feed_state.SETTLE_SECONDS, feed_state.CONFIRM_SECONDS]
    assert app.state.feed == first and log == []
    app.state.refresh()  # the restored file: nothing to do
    assert app.state.feed == first and log == []
    # a removal that stays is published after the confirmation
    path.write_text(MINIMAL, encoding="utf-8")
    writer.waits.clear()
    app.state.refresh()
    assert writer.waits == [feed_state.SETTLE_SECONDS, feed_state.CONFIRM_SECONDS]
    assert b"STATUS:CANCELLED" not in app.state.feed.body
    assert app.state.feed.body.count(b"\r\nX-RUNNERUP-RETIRED;") == 1
    assert log == [f"reloaded {path}: 1 event (1 removed)"]


# --------------------------------------------------------------------------- reloads never block

FIFO = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@FIFO
def test_a_fifo_in_place_of_the_config_is_refused_and_the_last_feed_served(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL)
    log = Log()
    with serving(app_for(path, log)) as client:
        good = client.request()[2]
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        os.replace(fifo, path)
        for _ in range(3):
            assert client.request()[:1] + client.request()[2:] == (200, good)
        assert log == [
            f"{path}:1:1: not a regular file; runnerup reads only regular files",
            f"1 error in {path}; still serving the last good feed",
        ]
        path.unlink()
        path.write_text(MINIMAL + "    notes: back\n", encoding="utf-8")
        assert b"back" in client.request()[2]
    assert log[-2:] == [f"{path} is valid again", f"reloaded {path}: 1 event (1 changed)"]


def test_a_read_that_blocks_holds_no_request_and_a_newer_edit_overtakes_it(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever blocks a read (a FIFO swapped in between stat and open, a hung network
    share): requests answer with the last good feed, and the next edit is served."""
    path = write_config(MINIMAL)
    release = threading.Event()
    real = feed_state.read_config_bytes
    blocked: list[bytes] = []
    stuck: list[threading.Thread] = []

    def read(where: Path) -> bytes:
        data = real(where)
        if b"stuck" in data:
            blocked.append(data)
            stuck.append(threading.current_thread())
            release.wait(timeout=60)
        return data

    monkeypatch.setattr(feed_state, "read_config_bytes", read)
    app = app_for(path, wait=2, settle=0)
    with serving(app) as client:
        good = client.request()[2]
        path.write_text(MINIMAL + "    notes: stuck\n", encoding="utf-8")
        for _ in range(3):  # each answers, at the latest when its wait runs out
            assert client.request()[2] == good
        assert len(blocked) == 1  # one read hangs; requests do not start more of them
        path.write_text(MINIMAL + "    notes: newer\n", encoding="utf-8")
        newer = client.request()[2]
        assert b"newer" in newer
        release.set()  # the stuck read ends late: its old text is not published
        stuck[0].join(timeout=30)
        assert not stuck[0].is_alive()
        assert client.request()[2] == newer


@FIFO
@POSIX
def test_sigterm_stops_serve_while_the_config_is_a_fifo(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL)
    env = {"RUNNERUP_TOKEN": TOKEN}
    with serve_process([str(path)], env) as (_, url):
        good = _get(url)
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        os.replace(fifo, path)
        assert _get(url) == good
        assert _get(url) == good
    # serve_process sent SIGTERM and checked the exit: 0, "stopped", within its bound


# --------------------------------------------------------------------------- sharing -o with build


def _sequence(data: bytes) -> int:
    found = re.findall(rb"\r\nSEQUENCE:(\d+)\r\n", data)
    assert len(found) == 1, data
    return int(found[0])


def test_serve_and_build_on_one_file_never_lower_a_sequence(
    runner: CliRunner, write_config: WriteConfig, tmp_path: Path
) -> None:
    """The docs allow `serve -o runnerup.ics` beside `runnerup build`: serve takes in what
    build wrote before it writes, so clients never see a SEQUENCE go down (they would
    ignore the later edits)."""
    path = write_config(MINIMAL + "    notes: one\n")
    out = tmp_path / "runnerup.ics"
    log = Log()
    app = app_for(path, log, output=out, settle=0, confirm=0)
    first = out.read_bytes()
    assert _sequence(first) == 0
    for n, note in enumerate(["two", "three"], start=1):  # edits that build gets first
        path.write_text(MINIMAL + f"    notes: {note}\n", encoding="utf-8")
        result = runner.invoke(main, ["build", str(path), "-o", str(out)])
        assert (result.exit_code, result.stdout) == (0, f"wrote {out}: 1 event (1 changed)\n")
        assert _sequence(out.read_bytes()) == n
    built = out.read_bytes()
    app.state.refresh()  # serve sees the same edit: build's memory, nothing changed
    assert app.state.feed.body == built == out.read_bytes()
    path.write_text(MINIMAL + "    notes: four\n", encoding="utf-8")
    app.state.refresh()
    assert _sequence(app.state.feed.body) == 3 and out.read_bytes() == app.state.feed.body
    # an older copy put back (a git checkout) does not take the count down either
    out.write_bytes(first)
    path.write_text(MINIMAL + "    notes: five\n", encoding="utf-8")
    app.state.refresh()
    assert _sequence(app.state.feed.body) == 4 and out.read_bytes() == app.state.feed.body
    assert log == [
        f"reloaded {path}: 1 event (no changes)",  # build made the change
        f"reloaded {path}: 1 event (1 changed)",
        f"reloaded {path}: 1 event (1 changed)",
    ]


def test_serve_does_not_overwrite_an_output_another_tool_put_there(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL)
    out = tmp_path / "runnerup.ics"
    log = Log()
    app = app_for(path, log, output=out, settle=0, confirm=0)
    foreign = b"BEGIN:VCALENDAR\r\nPRODID:-//Someone//EN\r\nEND:VCALENDAR\r\n"
    out.write_bytes(foreign)
    path.write_text(MINIMAL + "    notes: edited\n", encoding="utf-8")
    app.state.refresh()
    assert b"edited" in app.state.feed.body and out.read_bytes() == foreign
    assert log[0] == (
        f"error: {out} exists and was not written by runnerup; choose another file with -o, "
        "or pass --force to replace it; serving the feed without writing it"
    )


@FIFO
def test_serve_refuses_a_fifo_config_at_start(runner: CliRunner, tmp_path: Path) -> None:
    """Opening it would wait for a writer forever: it is refused unopened."""
    fifo = tmp_path / "runnerup.yaml"
    os.mkfifo(fifo)
    result = runner.invoke(main, ["serve", str(fifo), "--token", TOKEN, "--port", "0"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{fifo}:1:1: not a regular file; runnerup reads only regular files\n1 error\n"
    )


def test_a_config_written_while_serve_starts_is_read_again(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(MINIMAL)
    real = feed_state.read_config_bytes
    done = MINIMAL + SECOND_ROLE

    def read(where: Path) -> bytes:
        data = real(where)
        if b"Globex" not in data:  # the rest is written while this read goes on
            where.write_text(done, encoding="utf-8")
        return data

    monkeypatch.setattr(feed_state, "read_config_bytes", read)
    writer = Writer(path)
    app = app_for(path, sleep=writer)
    assert app.state.feed.events == 2 and writer.waits == [feed_state.SETTLE_SECONDS]


# ------------------------------------------------------------------ no tombstone on any path


@pytest.mark.parametrize("privacy", ["full", "busy"])
@pytest.mark.parametrize("how", ["broken config", "render fails"])
def test_a_fallback_import_file_is_served_without_its_tombstones(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, privacy: str, how: str
) -> None:
    """`runnerup build` (the import form) left a CANCELLED event in the -o file; serve
    falls back to that file, and must still publish the feed form: the live events, the
    tombstone only as the memory of its SEQUENCE."""
    from .test_memory import SECOND

    path = tmp_path / "runnerup.yaml"
    out = tmp_path / "runnerup.ics"
    env = {"SOURCE_DATE_EPOCH": str(EPOCH)}
    path.write_text(MINIMAL + SECOND, encoding="utf-8")
    assert runner.invoke(main, ["build", str(path)], env=env).exit_code == 0
    path.write_text(MINIMAL, encoding="utf-8")
    assert runner.invoke(main, ["build", str(path)], env=env).exit_code == 0
    on_disk = out.read_bytes()
    assert on_disk.count(b"\r\nSTATUS:CANCELLED\r\n") == 1
    if how == "broken config":
        path.write_text("roles: [", encoding="utf-8")
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with serving(app_for(path, output=out, privacy=privacy)) as client:
        status, _, body = client.request()
    assert status == 200
    assert b"CANCELLED" not in body
    assert body.count(b"BEGIN:VEVENT") == on_disk.count(b"BEGIN:VEVENT") - 1
    assert len(re.findall(rb"\r\nX-RUNNERUP-RETIRED;SEQUENCE=1;", body)) == 1
    if privacy == "full":  # the header is the file's, byte for byte
        assert body.split(b"\r\nX-RUNNERUP-RETIRED")[0] == on_disk.split(b"\r\nBEGIN:VEVENT")[0]


def test_the_feed_view_of_a_feed_form_file_changes_no_byte(tmp_path: Path) -> None:
    """So a restart on serve's own -o file serves it with the same ETag."""
    path = tmp_path / "sample.yaml"
    shutil.copy(SAMPLE, path)
    full = expected(path)
    assert feed_views.feed_view(full, "x.ics", "full") is full
    tricky = full.replace(b"NAME:Runner-up follow-ups", b"NAME:A\\, B\\; C\\\\n\\nD", 1)
    assert tricky != full
    removed = tricky.replace(b"\r\nSTATUS:CONFIRMED\r\n", b"\r\nSTATUS:CANCELLED\r\n", 1)
    view = feed_views.feed_view(removed, "x.ics", "full")
    assert b"\r\nNAME:A\\, B\\; C\\\\n\\nD\r\n" in view
    assert view.count(b"BEGIN:VEVENT") == full.count(b"BEGIN:VEVENT") - 1


# --------------------------------------------------------------------------- large feeds


def large_config(roles: int) -> str:
    """A config whose feed is larger than waitress's 1 MB spooling threshold."""
    lines = ["calendar:", "  name: Large", "  timezone: America/New_York", "roles:"]
    for n in range(roles):
        lines += [
            f"  - company: Company {n}",
            f"    title: Role {n}",
            "    decided: 2026-09-03",
            "    contact:",
            f"      name: Contact Person{n}",
            f"      email: person{n}@example.com",
            f"    notes: Notes for role {n}, long enough to fold a line or two in the feed.",
        ]
    return "\n".join(lines) + "\n"


class Wrapper:
    """A stand-in for a server's `wsgi.file_wrapper`: records the file it was handed."""

    def __init__(self, file: Any) -> None:
        self.file = file

    def __iter__(self) -> Iterator[bytes]:
        return iter([self.file.read()])


def test_the_body_goes_through_the_servers_file_wrapper(write_config: WriteConfig) -> None:
    app = app_for(write_config(MINIMAL))
    environ: dict[str, Any] = {"PATH_INFO": app.path, "wsgi.file_wrapper": Wrapper}
    setup_testing_defaults(environ)
    answer = app(environ, lambda status, headers: None)
    assert isinstance(answer, Wrapper)
    assert b"".join(answer) == app.state.feed.body
    head = app({**environ, "REQUEST_METHOD": "HEAD"}, lambda status, headers: None)
    assert list(head) == []
    del environ["wsgi.file_wrapper"]  # a server without one gets the bytes themselves
    assert app(environ, lambda status, headers: None) == [app.state.feed.body]


def test_waitress_serves_a_feed_over_a_megabyte_byte_for_byte(
    write_config: WriteConfig,
) -> None:
    """Over waitress's 1 MB threshold, twice on one keep-alive connection (each response
    must start from the feed's first byte), and HEAD still sends no body."""
    app = app_for(write_config(large_config(500)))
    assert len(app.state.feed.body) > 1_048_576
    with serving(app, tuned=True) as client:
        conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
        try:
            for _ in range(2):
                conn.request("GET", app.path)
                response = conn.getresponse()
                assert response.status == 200
                assert response.getheader("Content-Length") == str(len(app.state.feed.body))
                assert response.read() == app.state.feed.body
        finally:
            conn.close()
        status, headers, body = client.request(method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["content-length"] == str(len(app.state.feed.body))


def test_only_the_request_that_starts_a_reload_waits_for_it(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow render (a 1,000-role config) or a hung read must hold one request at most:
    every other request is answered with the feed as it is. The client's 10 s timeout is
    the hang guard: before, each request waited out the reload (here: 60 s)."""
    path = write_config(MINIMAL)
    release = threading.Event()
    real = feed_state.read_config_bytes

    def read(where: Path) -> bytes:
        data = real(where)
        if b"slow" in data:
            release.wait(timeout=60)
        return data

    monkeypatch.setattr(feed_state, "read_config_bytes", read)
    app = app_for(path, wait=60, settle=0)
    with serving(app) as client:
        good = client.request()[2]
        path.write_text(MINIMAL + "    notes: slow\n", encoding="utf-8")
        first: list[bytes] = []
        starter = threading.Thread(target=lambda: first.append(client.request()[2]))
        starter.start()
        while app.state._reload is None or not app.state._reload.is_alive():  # the starter's reload
            time.sleep(0.01)
        for _ in range(3):
            assert client.request()[2] == good  # answered while the reload is held
        release.set()
        starter.join(timeout=30)
        assert b"slow" in first[0]  # the starter waited and got the edit
