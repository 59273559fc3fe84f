"""Requests per second from `runnerup serve`, against waitress serving a trivial WSGI app
with a fixed body of the same size (issue 12, target 4: at least 0.8x). Not a test: it
prints numbers.

    python benchmarks/bench_serve.py                       # 100 and 1,000 roles; 1, 8, 32 clients
    python benchmarks/bench_serve.py --roles 100 --clients 8 --requests 800
    python benchmarks/bench_serve.py --reload              # requests during a 1,000-role reload

Both servers are real processes with the same waitress settings (`create_feed_server`,
4 threads); the clients are threads in this process, each on its own keep-alive
connection. The baseline sends the same (fixed) headers as runnerup and answers 304 to
the same If-None-Match; it hands waitress the body as a list of one bytes object.
Waitress closes the connection after a 304 (it sends no Content-Length), so the
revalidating clients reconnect for every request, as a calendar service polling the feed
would. Runs alternate runnerup, baseline, so a change of load on a shared machine touches
both. Request counts are bounded: a GET of a 7 MB feed gets fewer requests than a 304.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TOKEN = "bench-token-not-secret"
GET_BYTES = 400_000_000  # at most this many body bytes per GET run


def config_text(roles: int, notes: str = "long enough to fold a line or two in the feed") -> str:
    """A config with `roles` open roles, two touchpoints, prep and notes each."""
    lines = [
        "calendar:",
        "  name: Benchmark",
        "  timezone: America/New_York",
        "defaults:",
        "  follow_up: [30 days, 90 days]",
        "  prep: 1 day",
        "roles:",
    ]
    start = date(2026, 9, 1)
    for n in range(roles):
        lines += [
            f"  - company: Company {n}",
            f"    title: Role {n}",
            f"    decided: {start + timedelta(days=n % 60)}",
            "    contact:",
            f"      name: Contact Person{n}",
            f"      email: person{n}@example.com",
            '      phone: "+1 555 0100"',
            "      timezone: America/Chicago",
            f"    notes: Notes for role {n}, {notes}.",
        ]
    return "\n".join(lines) + "\n"


def runnerup_command() -> list[str]:
    script = Path(sys.executable).with_name("runnerup")
    return [str(script)] if script.exists() else [sys.executable, "-m", "runnerup.cli"]


def start_server(config: Path) -> tuple[subprocess.Popen[str], str, int]:
    proc = subprocess.Popen(
        [*runnerup_command(), "serve", str(config), "--port", "0", "--token", TOKEN],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.match(r"feed URL: http://([\d.]+):(\d+)(/\S+)", line)
        if match:
            return proc, match[3], int(match[2])
    raise SystemExit("runnerup serve did not print its URL")


def baseline_app(body: bytes, etag: str) -> Callable[..., Iterable[bytes]]:
    """The trivial WSGI app: a fixed body, 304 for its own ETag."""
    validators = [
        ("ETag", etag),
        ("Last-Modified", "Tue, 01 Sep 2026 00:00:00 GMT"),
        ("Cache-Control", "private, no-cache"),
    ]
    full = [
        ("Content-Type", "text/calendar; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"),
        *validators,
    ]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", validators)
            return []
        start_response("200 OK", full)
        return [body]

    return app


def serve_baseline(body_file: str, etag: str) -> None:
    """Child process: waitress with runnerup's settings, serving the trivial app."""
    import logging

    from runnerup.feed.server import create_feed_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as `runnerup serve` does
    server = create_feed_server(
        baseline_app(Path(body_file).read_bytes(), etag),  # type: ignore[arg-type]
        "127.0.0.1",
        0,
    )
    print(f"port {server.effective_port}", flush=True)
    server.run()


def start_baseline(body_file: Path, etag: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--baseline-server", str(body_file), etag],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.match(r"port (\d+)", line)
    if not match:
        raise SystemExit("the baseline server did not print its port")
    return proc, int(match[1])


def run(port: int, path: str, requests: int, clients: int, etag: str | None) -> float:
    """Requests per second over `requests` requests shared by `clients` threads."""
    per_client = max(1, requests // clients)
    headers = {"If-None-Match": etag} if etag else {}
    want = 304 if etag else 200
    failures: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for _ in range(per_client):
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != want:
                failures.append(str(response.status))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(f"unexpected statuses: {sorted(set(failures))}")
    return per_client * clients / elapsed


def fetch(port: int, path: str) -> tuple[bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return body, response.getheader("ETag") or ""


def compare(roles: int, clients_list: list[int], requests: int, repeat: int) -> None:
    """One table: runnerup vs the baseline for GET and 304 at each client count."""
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "bench.yaml"
        config.write_text(config_text(roles), encoding="utf-8")
        proc, path, port = start_server(config)
        base = None
        try:
            body, etag = fetch(port, path)
            body_file = Path(folder) / "body.ics"
            body_file.write_bytes(body)
            base, base_port = start_baseline(body_file, etag)
            print(
                f"\nfeed: {roles} roles, {body.count(b'BEGIN:VEVENT')} events, "
                f"{len(body):,} bytes; {os.cpu_count()} CPUs; best of {repeat}"
            )
            print(f"{'':14}{'clients':>8}{'runnerup/s':>12}{'baseline/s':>12}{'ratio':>8}")
            for clients in clients_list:
                gets = max(clients * 2, min(requests, GET_BYTES // len(body)))
                for label, tag, count in (("GET (200)", None, gets), ("304", etag, requests)):
                    for p, q in ((port, path), (base_port, path)):
                        run(p, q, clients * 2, clients, tag)  # warm up
                    ours = theirs = 0.0
                    for _ in range(repeat):
                        ours = max(ours, run(port, path, count, clients, tag))
                        theirs = max(theirs, run(base_port, path, count, clients, tag))
                    print(
                        f"{label:14}{clients:8}{ours:12.0f}{theirs:12.0f}{ours / theirs:7.2f}x",
                        flush=True,
                    )
        finally:
            for child in (proc, base):
                if child is not None:
                    child.terminate()
                    child.wait(timeout=10)


def reload_stall(roles: int, clients: int) -> None:
    """Edit a `roles`-role config while `clients` threads poll the feed: how long the
    reload took (edit to new ETag), how many requests were answered meanwhile and the
    longest any one request waited."""
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "bench.yaml"
        config.write_text(config_text(roles), encoding="utf-8")
        proc, path, port = start_server(config)
        try:
            _, old = fetch(port, path)
            stop = threading.Event()
            seen: list[tuple[float, float, str]] = []  # (sent, answered, etag)
            lock = threading.Lock()

            def client() -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                while not stop.is_set():
                    sent = time.perf_counter()
                    conn.request("GET", path, headers={"If-None-Match": old})
                    response = conn.getresponse()
                    response.read()
                    with lock:
                        seen.append((sent, time.perf_counter(), response.getheader("ETag")))
                    if response.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.close()

            threads = [threading.Thread(target=client) for _ in range(clients)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            edited = time.perf_counter()
            config.write_text(config_text(roles, "edited"), encoding="utf-8")
            while True:
                time.sleep(0.05)
                with lock:
                    done = [a for s, a, e in seen if s > edited and e != old]
                if done or time.perf_counter() - edited > 30:
                    break
            time.sleep(1.0)
            stop.set()
            for thread in threads:
                thread.join()
            new_at = min(a for s, a, e in seen if e != old)
            during = [(s, a) for s, a, _ in seen if edited <= a <= new_at]
            before = [a - s for s, a, _ in seen if a < edited]
            longest = max((a - s for s, a in during), default=0.0)
            print(
                f"\nreload of {roles} roles with {clients} clients polling: new ETag "
                f"{new_at - edited:.2f} s after the edit (0.2 s of it the settle wait); "
                f"{len(during)} requests answered meanwhile; longest request "
                f"{longest:.2f} s (before the edit: {max(before):.3f} s)"
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--baseline-server":
        serve_baseline(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", default="100,1000", help="comma-separated sizes")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated counts")
    parser.add_argument("--requests", type=int, default=800, help="per run (GETs: fewer)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per figure, best kept")
    parser.add_argument("--reload", action="store_true", help="measure a reload's stall")
    args = parser.parse_args()
    if args.reload:
        reload_stall(1000, 8)
        return
    clients = [int(n) for n in args.clients.split(",")]
    for roles in (int(n) for n in args.roles.split(",")):
        compare(roles, clients, args.requests, args.repeat)


if __name__ == "__main__":
    main()
