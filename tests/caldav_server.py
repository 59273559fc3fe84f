"""A real CalDAV server (Radicale or Xandikos) in a process of its own, for tests/test_push.py.

    python tests/caldav_server.py radicale|xandikos STORAGE LOG PORT [DIE_AFTER[:STATUS]]

Serves the server's own WSGI application on 127.0.0.1:PORT (0: a free one) with the
standard library's HTTP server, prints the port on stdout, and appends one line per
request to LOG (`METHOD PATH STATUS`), so a test counts the PUTs and DELETEs a push sent.
With DIE_AFTER, the process exits without answering the first PUT or DELETE after that
many: a server that goes away in the middle of a push; with `:STATUS` (say `2:500`) it
answers those with that status instead, as a failing server does; with `noetag` it
answers every PUT without an ETag header, as some servers do; with `weaketag`, with
the ETag marked weak (`W/"…"`), as Apache's mod_dav does for a file written within
the same second, while listings carry the strong one. Radicale checks passwords against
STORAGE/users (htpasswd, plain); Xandikos has no authentication of its own.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

Start = Callable[..., Any]
App = Callable[[dict[str, Any], Start], Iterable[bytes]]


def radicale_app(storage: Path) -> App:
    config = storage / "radicale.conf"
    config.write_text(
        "[auth]\ntype = htpasswd\n"
        f"htpasswd_filename = {storage / 'users'}\nhtpasswd_encryption = plain\n"
        "[storage]\n"
        f"filesystem_folder = {storage / 'collections'}\n"
        "[logging]\nlevel = warning\nmask_passwords = True\n",
        encoding="utf-8",
    )
    os.environ["RADICALE_CONFIG"] = str(config)
    import radicale

    return radicale.application  # type: ignore[no-any-return]


def xandikos_app(storage: Path) -> App:
    os.environ.update(
        XANDIKOSPATH=str(storage / "xandikos"),
        AUTOCREATE="defaults",
        CURRENT_USER_PRINCIPAL="/user/",
    )
    from xandikos.wsgi import app

    return app  # type: ignore[no-any-return]


def counting(
    app: App, log: Path, die_after: int | None, failure: str | None, noetag: str = ""
) -> App:
    """Log every request; exit (or answer `failure`) from write number `die_after` + 1;
    with `noetag`, drop the ETag header from PUT answers."""
    writes = 0

    def wrapped(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        nonlocal writes
        method = environ["REQUEST_METHOD"]
        if method in ("PUT", "DELETE"):
            writes += 1
            if die_after is not None and writes > die_after:
                if failure is None:
                    os._exit(3)
                with log.open("a", encoding="utf-8") as out:
                    out.write(f"{method} {environ.get('PATH_INFO', '')} {failure}\n")
                start_response(f"{failure} Failing", [("Content-Length", "0")])
                return [b""]
        # The standard library's server hands over the socket itself: an application
        # that reads to the end (Xandikos does) would wait for the client to hang up.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))
        status: list[str] = []

        def start(code: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            status.append(code.split()[0])
            if noetag and method == "PUT":
                weak = [(k, "W/" + v) for k, v in headers if k.lower() == "etag"]
                headers = [(k, v) for k, v in headers if k.lower() != "etag"]
                headers += weak if noetag == "weaketag" else []
            return start_response(code, headers, *exc)

        body = list(app(environ, start))
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{method} {environ.get('PATH_INFO', '')} {status[0]}\n")
        return body

    return wrapped


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    kind, storage, log, port = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    noetag = sys.argv[5] if sys.argv[5:] in (["noetag"], ["weaketag"]) else ""
    failing = sys.argv[5].split(":") if len(sys.argv) > 5 and not noetag else []
    die_after = int(failing[0]) if failing else None
    status = failing[1] if len(failing) > 1 else None
    app = radicale_app(storage) if kind == "radicale" else xandikos_app(storage)
    WSGIServer.allow_reuse_address = True
    server = make_server(
        "127.0.0.1", int(port), counting(app, log, die_after, status, noetag), handler_class=Quiet
    )
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
