"""Lookups in installed data: public holidays (cached in a file) and time zones (one
ZoneInfo per name, for the process). Answers only: `holiday_problem` says what is wrong
with a code, the validator reports it; nothing here prints or raises a ConfigError.

Holidays and the codes that name them, without importing 250 countries.

Looking up one country in the `holidays` package imports `holidays.countries`, which
imports every country's module: about half of an everyday command, for three countries.
What runnerup needs from it (the country codes, one country's subdivisions, one
country's holidays in one year) depends only on the installed `holidays`, so it is kept
in a small JSON file in the user's cache folder, one per installed version of the
package, and `holidays` is imported only to fill in what the file lacks.

The cache can never change an answer: the file is found by a key made of the package's
location, its installed version (the `holidays-*.dist-info` name) and the size and time
of its files that an upgrade rewrites; a file with another key, another format or a bad
checksum (damaged, truncated, another install's) is ignored and rebuilt. It is
written atomically (a temporary file, then a rename), merged with what another process
may have written meanwhile, and a cache folder that cannot be written is no error.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import zlib
from _thread import get_ident
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FORMAT = 1  # the layout of the cached data; a change here makes every old file a miss
_MAGIC = b"runnerup holidays cache\n"  # then a CRC-32 of the JSON body, then the body
_MAX_BYTES = 16 * 1024 * 1024  # a cache file larger than this is not ours: ignored
_LANGUAGE = "en_US"  # holiday names in English, whatever the user's locale

# Files of `holidays` whose size and time are part of the key: an install rewrites them.
_STAMPED = ("__init__.py", "registry.py", "version.py", "holiday_base.py", "utils.py")

Table = dict[date, str]


def country_codes() -> frozenset[str]:
    """Every country code (and alias, such as `UK` or `USA`) `holidays` knows."""
    return _country_codes()


def subdivisions(country: str) -> tuple[str, ...]:
    """One country's subdivision codes, in the package's order (`country` must be known)."""
    return _subdivisions(country)


@cache
def holiday_problem(code: str) -> str | None:
    """Why `code` is not a holidays country (or country-subdivision), or None."""
    country, _, subdiv = code.partition("-")
    supported = country_codes()
    if country.upper() not in supported or country != country.upper():
        import difflib  # only for a mistake: not worth importing for every check

        hint = difflib.get_close_matches(country.upper(), sorted(supported), n=1, cutoff=0.5)
        maybe = f"; did you mean `{hint[0]}`?" if hint and hint[0] != country else ""
        if country.upper() in supported:
            maybe = f"; write it in capitals: `{code.upper()}`"
        return (
            f"unknown holiday country {code!r}{maybe} (expected an ISO 3166 code such as "
            "`US`, `GB`, `DE`, or `US-CA` for a subdivision)"
        )
    if subdiv:
        known = subdivisions(country)
        if subdiv not in known:
            upper = {s.upper(): s for s in known}
            near = upper.get(subdiv.upper())
            maybe = f"; did you mean `{country}-{near}`?" if near else ""
            return (
                f"unknown subdivision {subdiv!r} of {country}{maybe} (known: "
                f"{', '.join(known[:12])}{', …' if len(known) > 12 else ''})"
            )
    return None


@lru_cache(maxsize=512)
def holiday_names(country: str, year: int) -> Table:
    """One country's public holidays in one year: day → names (`; `-joined, sorted).

    `country` is `US` or, with a subdivision, `US-CA`."""
    key = f"{country}/{year}"
    cached = _Cache.get().tables.get(key)
    if cached is not None:
        return {date.fromordinal(day): name for day, name in cached}
    table = _compute_table(country, year)
    _Cache.get().store(tables={key: [(day.toordinal(), name) for day, name in table.items()]})
    return table


@cache
def _country_codes() -> frozenset[str]:
    cached = _Cache.get().countries
    if cached is not None:
        return frozenset(cached)
    codes = _compute_country_codes()
    _Cache.get().store(countries=sorted(codes))
    return codes


@cache
def _subdivisions(country: str) -> tuple[str, ...]:
    cached = _Cache.get().subdivisions.get(country)
    if cached is not None:
        return tuple(cached)
    found = _compute_subdivisions(country)
    _Cache.get().store(subdivisions={country: list(found)})
    return found


# ---------------------------------------------------------------- the package itself


def _compute_country_codes() -> frozenset[str]:
    """From the package's registry: `list_supported_countries()` imports every country
    to list its subdivisions too."""
    import holidays

    try:
        from holidays.registry import EntityLoader

        return frozenset(EntityLoader.get_country_codes())
    except (ImportError, AttributeError):  # pragma: no cover - an older holidays
        return frozenset(holidays.list_supported_countries())


def _compute_subdivisions(country: str) -> tuple[str, ...]:
    import holidays

    return tuple(getattr(holidays, country).subdivisions)


def _compute_table(country: str, year: int) -> Table:
    import holidays

    code, _, subdiv = country.partition("-")
    table = holidays.country_holidays(code, subdiv=subdiv or None, years=year, language=_LANGUAGE)
    # A day with two holidays reads "A; B" (the package's order varies with how it was
    # built): sorted, each name once, so the text is the same from every source.
    return {day: "; ".join(sorted(set(name.split("; ")))) for day, name in table.items()}


# ---------------------------------------------------------------- the file


def cache_folder() -> Path | None:
    """Where runnerup keeps what it can recompute: the platform's cache folder.

    `XDG_CACHE_HOME` (else `~/.cache`) on Linux and the BSDs, `~/Library/Caches` on macOS,
    `%LOCALAPPDATA%` on Windows; then `runnerup`. None when there is no home to put it in."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
        return Path(base, "runnerup", "cache") if base else None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg, "runnerup")
    home = os.path.expanduser("~")
    if home == "~" or not home:
        return None
    if sys.platform == "darwin":
        return Path(home, "Library", "Caches", "runnerup")
    return Path(home, ".cache", "runnerup")


@cache
def package_key() -> tuple[object, ...] | None:
    """What identifies the installed `holidays`, found without importing it; or None
    (not installed where the import system would find it: nothing is cached).

    Its folder, the names of its `holidays-*.dist-info` (or `.egg-info`) entries (the
    version), and the size and modification time of the files an install rewrites."""
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.abspath(next(iter(spec.submodule_search_locations)))
    parent = os.path.dirname(folder)
    try:
        metadata = sorted(
            name
            for name in os.listdir(parent)
            if name.lower().startswith("holidays-") and name.endswith((".dist-info", ".egg-info"))
        )
        stamps = []
        for path in [
            *(os.path.join(folder, name) for name in _STAMPED),
            *(os.path.join(parent, name) for name in metadata),
        ]:
            if os.path.exists(path):
                st = os.stat(path)
                stamps.append((path, st.st_size, st.st_mtime_ns))
    except OSError:
        return None
    if not stamps:
        return None
    return (FORMAT, folder, *metadata, *stamps)


class _Cache:
    """The cached lookups for the installed `holidays`, as read from (and written to) one
    file. One per cache file: a test (or a user) that changes XDG_CACHE_HOME gets the
    file it names."""

    def __init__(self, path: Path | None, key: tuple[object, ...] | None) -> None:
        self.path = path
        self.key = key
        self.countries: list[str] | None = None
        self.subdivisions: dict[str, list[str]] = {}
        self.tables: dict[str, list[tuple[int, str]]] = {}
        if path is not None:
            self._take(_read(path, key))

    @classmethod
    def get(cls) -> _Cache:
        path = cache_file()
        found = _OPEN.get(path)
        if found is None:
            found = _OPEN[path] = cls(path, package_key())
        return found

    def _take(self, data: dict[str, object] | None) -> None:
        """Adopt what a valid file holds (anything of the wrong shape is left out)."""
        if not data:
            return
        countries = data.get("countries")
        if _strings(countries):
            self.countries = countries
        subdivisions = data.get("subdivisions")
        if isinstance(subdivisions, dict):
            for country, codes in subdivisions.items():
                if isinstance(country, str) and _strings(codes):
                    self.subdivisions[country] = codes
        tables = data.get("tables")
        if isinstance(tables, dict):
            for name, rows in tables.items():
                if isinstance(name, str) and _rows(rows):
                    self.tables[name] = [(day, text) for day, text in rows]

    def store(
        self,
        *,
        countries: list[str] | None = None,
        subdivisions: dict[str, list[str]] | None = None,
        tables: dict[str, list[tuple[int, str]]] | None = None,
    ) -> None:
        """Remember new lookups, here and in the file (merged with what another process
        wrote since it was read). A folder that cannot be written: remembered here only."""
        if self.path is not None:
            self._take(_read(self.path, self.key))  # another process may have added some
        if countries is not None:
            self.countries = countries
        self.subdivisions.update(subdivisions or {})
        self.tables.update(tables or {})
        if self.path is None:
            return
        body = json.dumps(
            {
                "key": repr(self.key),
                "countries": self.countries,
                "subdivisions": self.subdivisions,
                "tables": self.tables,
            },
            separators=(",", ":"),
        ).encode("utf-8")
        _write(self.path, _MAGIC + zlib.crc32(body).to_bytes(4, "big") + body)


_OPEN: dict[Path | None, _Cache] = {}


def forget() -> None:
    """Drop what this process remembers (the file stays): for tests, which change the
    cache folder or the file between lookups."""
    _OPEN.clear()
    holiday_names.cache_clear()
    _country_codes.cache_clear()
    _subdivisions.cache_clear()
    holiday_problem.cache_clear()
    package_key.cache_clear()


def cache_file() -> Path | None:
    """The cache file for the installed `holidays` (None: nothing is cached)."""
    folder = cache_folder()
    key = package_key()
    if folder is None or key is None:
        return None
    digest = zlib.crc32(repr(key).encode("utf-8", "backslashreplace"))
    return folder / f"holidays-{digest:08x}.json"


def _read(path: Path, key: tuple[object, ...] | None) -> dict[str, object] | None:
    """A cache file's data if it is whole and made for `key`; else None (rebuilt).

    The checksum is checked before the JSON is parsed: a damaged digit in a date would
    still be valid JSON."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_BYTES + 1)
    except OSError:
        return None
    start = len(_MAGIC) + 4
    if len(raw) > _MAX_BYTES or not raw.startswith(_MAGIC):
        return None
    body = raw[start:]
    if zlib.crc32(body) != int.from_bytes(raw[len(_MAGIC) : start], "big"):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("key") != repr(key):
        return None
    return data


def _write(path: Path, data: bytes) -> None:
    """Atomically: a temporary file in the same folder, then a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _rows(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(row, list)
        and len(row) == 2
        and isinstance(row[0], int)
        and 0 < row[0] <= date.max.toordinal()
        and isinstance(row[1], str)
        for row in value
    )


# ---------------------------------------------------------------- time zones

_ZONES: dict[str, ZoneInfo] = {}


def zone_info(name: str) -> ZoneInfo:
    """`ZoneInfo(name)`, kept: ZoneInfo's own cache holds only the last eight zones
    strongly, so a config with more zones re-read zone files thousands of times. Every
    module that needs a zone by name asks here."""
    zone = _ZONES.get(name)
    if zone is None:
        zone = _ZONES[name] = ZoneInfo(name)
    return zone


# --------------------------------------------------------------------------- time zones


@cache
def valid_zone(name: str) -> bool:
    """Whether `name` is an IANA zone this machine has (never a path)."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone_suggestion(name: str) -> str | None:
    """The zone a mistyped name probably meant (case, a typo, a bare city), or None."""
    import difflib  # only for a mistake
    from zoneinfo import available_timezones

    zones = sorted(available_timezones())
    by_lower = {z.lower(): z for z in zones}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    hint = difflib.get_close_matches(name, zones, n=1, cutoff=0.6)
    if hint:
        return hint[0]
    cities = {z.rsplit("/", 1)[-1].lower(): z for z in zones}
    city = name.replace(" ", "_").lower()
    return cities.get(city)


_ETC = Path("/etc")
"""Where Linux keeps `timezone` and `localtime` (a test points it elsewhere)."""


def system_timezone() -> str:
    """The machine's IANA zone name, or UTC when it cannot be told.

    TZ, then /etc/timezone and the /etc/localtime link, as every Linux has them; then
    tzlocal, which also knows Windows (its registry zone mapped to IANA) and the other
    places a system keeps its zone. Imported only here: most configs name their zone.
    """
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and valid_zone(tz):
        return tz
    try:
        name = (_ETC / "timezone").read_text(encoding="utf-8").strip()
        if valid_zone(name):
            return name
    except (OSError, UnicodeDecodeError):
        pass
    try:
        target = os.path.realpath(_ETC / "localtime")
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if valid_zone(name):
                return name
    except OSError:
        pass
    local = _tzlocal_zone()
    return local if local and valid_zone(local) else "UTC"


def _tzlocal_zone() -> str | None:
    """tzlocal's name for the local zone, or None: it may warn, raise or know nothing,
    and a zone we cannot tell is UTC with a warning from `check`, not a crash."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import tzlocal

            return tzlocal.get_localzone_name()
    except Exception:
        return None
