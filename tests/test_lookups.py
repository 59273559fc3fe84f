"""The holiday lookups' cache (runnerup/lookups.py) never changes an answer.

It is kept per installed `holidays`, so each test here starts from an empty cache folder
(conftest points XDG_CACHE_HOME at one) and forgets what the process remembered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import holidays
import pytest

from runnerup import lookups

PLACES = ["US", "GB-ENG", "AU-NSW", "DE-BY", "JP", "US-CA"]
YEARS = [2025, 2026, 2027]


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    lookups.forget()
    yield
    lookups.forget()


def direct(place: str, year: int) -> dict[date, str]:
    """The table straight from the package, as runnerup reads it (no cache)."""
    code, _, subdiv = place.partition("-")
    table = holidays.country_holidays(code, subdiv=subdiv or None, years=year, language="en_US")
    return {day: "; ".join(sorted(set(name.split("; ")))) for day, name in table.items()}


def cache_files() -> list[Path]:
    folder = lookups.cache_folder()
    assert folder is not None
    return sorted(folder.glob("holidays-*.json")) if folder.exists() else []


def refuse_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, an answer can only come from the cache file."""

    def refuse(*args: object) -> None:
        raise AssertionError("asked the holidays package: the cache missed")

    for name in ("_compute_table", "_compute_country_codes", "_compute_subdivisions"):
        monkeypatch.setattr(lookups, name, refuse)


def test_the_cache_is_in_the_users_cache_folder(tmp_path: Path) -> None:
    assert lookups.cache_folder() == Path(os.environ["XDG_CACHE_HOME"], "runnerup")
    lookups.holiday_names("US", 2026)
    assert [p.parent for p in cache_files()] == [lookups.cache_folder()]


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG spec: a relative path is invalid (it would depend on the current folder)."""
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", "/home/someone")
    assert lookups.cache_folder() == Path("/home/someone/.cache/runnerup")


def test_cached_answers_are_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    first = {(p, y): lookups.holiday_names(p, y) for p in PLACES for y in YEARS}
    codes = lookups.country_codes()
    subdivisions = lookups.subdivisions("US")
    assert first == {(p, y): direct(p, y) for p in PLACES for y in YEARS}
    assert codes == frozenset(holidays.registry.EntityLoader.get_country_codes())
    assert subdivisions == tuple(holidays.US.subdivisions)

    lookups.forget()  # a new process: everything from the file
    refuse_package(monkeypatch)
    assert {(p, y): lookups.holiday_names(p, y) for p in PLACES for y in YEARS} == first
    assert lookups.country_codes() == codes
    assert lookups.subdivisions("US") == subdivisions
    assert lookups.holiday_problem("US-XX") == (
        "unknown subdivision 'XX' of US (known: AK, AL, AR, AS, AZ, CA, CO, CT, DC, DE, FL, GA, …)"
    )
    assert lookups.holiday_problem("GX") is not None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a cache at all",
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-40] + bytes(b ^ 0x55 for b in data[-40:]),  # bytes changed
        lambda data: data + b"trailing",
    ],
    ids=["empty", "garbage", "truncated", "flipped", "trailing"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(damage, monkeypatch: pytest.MonkeyPatch) -> None:
    want = direct("GB-ENG", 2026)
    assert lookups.holiday_names("GB-ENG", 2026) == want
    [path] = cache_files()
    path.write_bytes(damage(path.read_bytes()))

    lookups.forget()
    assert lookups.holiday_names("GB-ENG", 2026) == want
    lookups.forget()
    refuse_package(monkeypatch)  # and the file is whole again
    assert lookups.holiday_names("GB-ENG", 2026) == want


def test_a_cache_file_made_for_another_install_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even under the right name: the key inside must match, not only the file name."""
    lookups.holiday_names("US", 2026)
    [path] = cache_files()
    raw = path.read_bytes()
    start = len(lookups._MAGIC) + 4  # the CRC-32 of the body, then the body
    data = json.loads(raw[start:])
    data["key"] += " of another install"
    data["tables"]["US/2026"] = [[date(2026, 1, 1).toordinal(), "Stale"]]
    body = json.dumps(data).encode()
    path.write_bytes(raw[: start - 4] + zlib.crc32(body).to_bytes(4, "big") + body)

    lookups.forget()
    assert lookups.holiday_names("US", 2026) == direct("US", 2026)


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert lookups.holiday_names("US", 2026) == direct("US", 2026)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


FAKE = '''
"""A stand-in for the holidays package, version {version}."""
from datetime import date

class _Country:
    subdivisions = ("AA", "BB")

class registry:
    class EntityLoader:
        @staticmethod
        def get_country_codes():
            return ["XX"]

XX = _Country()

def country_holidays(code, subdiv=None, years=None, language=None):
    return {{date(years, 7, 4): "{name}"}}
'''


def install_fake(site: Path, version: str, name: str) -> None:
    """Install (or upgrade to) a fake `holidays` in `site`, the way pip does: new files,
    a new dist-info folder."""
    for old in site.glob("holidays-*.dist-info"):
        (old / "METADATA").unlink()
        old.rmdir()
    package = site / "holidays"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(
        textwrap.dedent(FAKE.format(version=version, name=name)),
        encoding="utf-8",
    )
    info = site / f"holidays-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Name: holidays\nVersion: {version}\n", encoding="utf-8")


def lookup_in_process(site: Path) -> tuple[str, bool]:
    """The fake's holiday name in a new process, and whether the package was imported."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from datetime import date\n"
            "from runnerup.lookups import holiday_names\n"
            "print(holiday_names('XX-AA', 2026)[date(2026, 7, 4)])\n"
            "print('holidays' in sys.modules)",
        ],
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    name, imported = done.stdout.splitlines()
    return name, imported == "True"


def test_upgrading_holidays_invalidates_the_cache(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install_fake(site, "1.0", "Old Day")
    assert lookup_in_process(site) == ("Old Day", True)
    assert lookup_in_process(site) == ("Old Day", False)  # from the cache
    install_fake(site, "2.0", "New Day")
    assert lookup_in_process(site) == ("New Day", True)
    assert lookup_in_process(site) == ("New Day", False)
