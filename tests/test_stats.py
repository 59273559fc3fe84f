"""`runnerup stats`: the numbers, the terminal chart, --json, and the --html page as a real
browser (Debian's headless chromium) draws it."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from click.testing import CliRunner

from runnerup.cli import main

from .interop import ToolMissing

CONFIG = """\
calendar: {timezone: America/New_York}
roles:
  - company: Acme Corp
    title: Senior PM
    decided: 2026-09-03
    id: acme
    contact: {name: Dana Whitfield, email: dana@acme.example}
    log:
      - {on: 2026-12-02, outcome: no-answer}
      - {on: 2026-12-07, outcome: spoke, note: "intro to Sam", next: 2 weeks}
      - {on: 2026-12-21, outcome: referred}
  - company: Globex
    title: Staff Engineer
    decided: 2026-08-10
    id: globex
    contact: {name: Marcus Bell}
    log:
      - {on: 2026-11-09, outcome: emailed}
      - {on: 2026-11-12, outcome: messaged}
      - {on: 2026-11-20, outcome: interview}
      - {on: 2027-01-05, outcome: offer}
  - company: Initech
    title: Lead
    decided: 2026-10-01
    contact: {name: Bill Lumbergh}
    log:
      - {on: 2026-12-30, outcome: no-answer}
  - company: Hooli
    title: Architect
    decided: 2026-09-20
    contact: {name: Gavin}
"""


def test_stats_text_with_a_bar_chart(runner: CliRunner, write_config) -> None:
    path = write_config(CONFIG)
    result = runner.invoke(main, ["stats", str(path), "--today", "2027-01-10"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "roles: 4 (3 open, 0 closed, ended: 1 offer)",
        "touchpoints due: 9 (2 overdue)",
        "contacts: 8 with 3 roles; reply rate 67% (2 of 3 replied)",
        "referrals: 1, interviews: 1, offers: 1",
        "median days from decision to first contact: 90",
        "",
        "outcomes",
        "  no-answer     ############################## 2",
        "  emailed       ############### 1",
        "  messaged      ############### 1",
        "  spoke         ############### 1",
        "  referred      ############### 1",
        "  interview     ############### 1",
        "  offer         ############### 1",
        "",
        "by month",
        "  2026-11  3: emailed 1, messaged 1, interview 1",
        "  2026-12  4: no-answer 2, spoke 1, referred 1",
        "  2027-01  1: offer 1",
    ]


def test_stats_json_and_contacts_after_today_do_not_count(runner: CliRunner, write_config) -> None:
    path = write_config(CONFIG)
    result = runner.invoke(main, ["stats", str(path), "--today", "2026-12-15", "--json"])
    data = json.loads(result.stdout)
    assert data["contacts"] == 5
    assert data["outcomes"]["offer"] == 0 and data["ended"] == {}
    assert (data["roles_contacted"], data["roles_replied"], data["reply_rate"]) == (2, 2, 1.0)
    assert data["median_days_to_first_contact"] == 90.5
    assert data["months"] == {
        "2026-11": {"emailed": 1, "messaged": 1, "interview": 1},
        "2026-12": {"no-answer": 1, "spoke": 1},
    }


def test_stats_with_no_log_says_how_to_start(runner: CliRunner, write_config) -> None:
    path = write_config(CONFIG.split("    log:\n")[0] + "\n")
    result = runner.invoke(main, ["stats", str(path), "--today", "2026-12-15"])
    assert result.stdout.splitlines()[-1] == (
        "no contacts logged yet: `runnerup log ROLE OUTCOME` after a call"
    )


def test_the_html_page_is_self_contained(runner: CliRunner, write_config, tmp_path: Path) -> None:
    path = write_config(CONFIG)
    out = tmp_path / "stats.html"
    result = runner.invoke(main, ["stats", str(path), "--today", "2027-01-10", "--html", str(out)])
    assert result.exit_code == 0
    assert result.stdout.endswith(f"wrote {out}\n")
    html = out.read_text(encoding="utf-8")
    lowered = html.lower()
    for forbidden in ("<script", "src=", "href=", "url(", "@import", "http://", "https://"):
        assert forbidden not in lowered.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert html.count("<svg") == 2
    again = runner.invoke(main, ["stats", str(path), "--today", "2027-01-10", "--html", str(out)])
    assert again.exit_code == 0 and out.read_text(encoding="utf-8") == html  # same bytes


def test_html_onto_a_config_is_refused(runner: CliRunner, write_config, tmp_path: Path) -> None:
    """Review finding: `stats --html runnerup.yaml` replaced the config with the page, as
    `build -o` onto the config never may. Any config read, by any name or link."""
    path = write_config(CONFIG)
    other = write_config(CONFIG, name="other.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(other)
    for target, configs in ((path, [path]), (link, [path, other])):
        result = runner.invoke(main, ["stats", *map(str, configs), "--html", str(target)])
        config = configs[-1]
        assert (result.exit_code, result.stdout, result.stderr) == (
            1,
            "",
            f"error: {target}: is the config file {config} itself; name another file with --html\n",
        )
    assert path.read_text(encoding="utf-8") == other.read_text(encoding="utf-8")
    assert "roles:" in path.read_text(encoding="utf-8")
    ics = tmp_path / "runnerup.ics"  # build's memory: a typo must not cost it either
    ics.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    result = runner.invoke(main, ["stats", str(path), "--html", str(ics)])
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {ics}: exists and is not an HTML page; --html replaces only a page, never "
        "other data (such as the .ics): name another file\n",
    )
    assert ics.read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGBA bytes of an 8-bit, non-interlaced PNG (what
    chromium writes), with the scanline filters undone: enough to look at colours."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0) and colour in (2, 6)
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(chunks)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3))
        prev = line
    return width, height, rows


def _count(rows: list[bytes], rgb: tuple[int, int, int]) -> int:
    needle = bytes(rgb)
    return sum(1 for row in rows for i in range(0, len(row), 3) if row[i : i + 3] == needle)


def test_the_page_in_a_real_headless_browser(
    runner: CliRunner, write_config, tmp_path: Path
) -> None:
    """Chromium draws the funnel's first bar and the timeline's offer dot in their
    colours: the SVG is valid and renders, with no network and no JavaScript."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise ToolMissing("chromium is not installed (.ci/run installs Debian's package)")
    path = write_config(CONFIG)
    out = tmp_path / "stats.html"
    runner.invoke(main, ["stats", str(path), "--today", "2027-01-10", "--html", str(out)])
    shot = tmp_path / "stats.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-javascript",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=900,900",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            out.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    width, height, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (900, 900)
    assert _count(rows, (0x3E, 0x7C, 0xB1)) > 5000  # the funnel's first bar, full opacity
    assert _count(rows, (0x2B, 0x93, 0x48)) > 20  # the offer dot and its legend
    assert _count(rows, (0xC0, 0x39, 0x2B)) == 0  # nobody declined: no red anywhere


def test_due_and_overdue_count_as_of_today(runner: CliRunner, write_config) -> None:
    """A retry answered before its day is not yet due, and a contact after today (a typo,
    or a planned date) answers nothing yet: the 90-day call stays overdue."""
    early = CONFIG.split("  - company: Globex")[0].replace(
        '      - {on: 2026-12-07, outcome: spoke, note: "intro to Sam", next: 2 weeks}\n'
        "      - {on: 2026-12-21, outcome: referred}\n",
        "      - {on: 2026-12-03, outcome: spoke}\n",
    )
    result = runner.invoke(main, ["stats", str(write_config(early)), "--today", "2026-12-03"])
    assert result.stdout.splitlines()[1] == "touchpoints due: 1 (0 overdue)"
    ahead = CONFIG.split("  - company: Globex")[0].split("    log:\n")[0] + (
        "    log:\n      - {on: 2026-12-10, outcome: offer}\n"
    )
    result = runner.invoke(main, ["stats", str(write_config(ahead)), "--today", "2026-12-03"])
    assert result.stdout.splitlines()[:2] == [
        "roles: 1 (1 open, 0 closed)",
        "touchpoints due: 1 (1 overdue)",
    ]


def test_a_busy_day_stays_inside_the_timeline(
    runner: CliRunner, write_config, tmp_path: Path
) -> None:
    """Forty contacts on one day: every dot is drawn inside the picture (a stack of 12 px
    steps would climb out of it after six)."""
    import re

    role = (
        "  - company: C{n}\n    title: T\n    decided: 2026-09-03\n    id: r{n}\n"
        "    contact: {{name: N, phone: '1'}}\n"
        "    log:\n      - {{on: 2026-12-02, outcome: no-answer}}\n"
    )
    text = "calendar: {timezone: America/New_York}\nroles:\n"
    path = write_config(text + "".join(role.format(n=n) for n in range(40)))
    out = tmp_path / "stats.html"
    runner.invoke(main, ["stats", str(path), "--today", "2026-12-08", "--html", str(out)])
    timeline = out.read_text(encoding="utf-8").split('aria-label="Contacts over time"')[1]
    ys = [float(y) for y in re.findall(r'<circle cx="[0-9.]+" cy="([0-9.-]+)" r="5"', timeline)]
    assert len(ys) == 40 + 1  # the dots and the legend's one
    assert all(5 <= y <= 150 - 5 for y in ys)
    assert len(set(ys)) == 41  # each dot its own height, and the legend below
