"""Requests per second from `runnerup serve` for a 100-role feed, with and without
If-None-Match. Not a test: it prints numbers.

    python benchmarks/bench_serve.py [--roles 100] [--requests 3000] [--clients 8]

The server runs as a real `runnerup serve` process (waitress, its default 4 threads); the
clients are threads in this process, each on its own keep-alive connection. Waitress
closes the connection after a 304 (it sends no Content-Length), so the revalidating
clients reconnect for every request, as a calendar service polling the feed would.
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
from datetime import date, timedelta
from pathlib import Path

TOKEN = "bench-token-not-secret"


def config_text(roles: int) -> str:
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
            f"    notes: Notes for role {n}, long enough to fold a line or two in the feed.",
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


def run(port: int, path: str, requests: int, clients: int, etag: str | None) -> float:
    """Requests per second over `requests` requests shared by `clients` threads."""
    per_client = requests // clients
    headers = {"If-None-Match": etag} if etag else {}
    want = 304 if etag else 200
    failures: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", type=int, default=100)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "bench.yaml"
        config.write_text(config_text(args.roles), encoding="utf-8")
        proc, path, port = start_server(config)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            etag = response.getheader("ETag")
            conn.close()
            events = body.count(b"BEGIN:VEVENT")
            print(
                f"feed: {args.roles} roles, {events} events, {len(body):,} bytes; "
                f"{args.clients} clients, {args.requests} requests each run; "
                f"{os.cpu_count()} CPUs"
            )
            run(port, path, args.clients * 20, args.clients, None)  # warm up
            for label, tag in (("GET (200, full body)", None), ("If-None-Match (304)", etag)):
                rate = run(port, path, args.requests, args.clients, tag)
                print(f"{label:24} {rate:8.0f} requests/s")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
