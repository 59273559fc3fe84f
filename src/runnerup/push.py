"""`runnerup push`: the calendar's events, one CalDAV object each, in a calendar of your account.

One memory with `build`. The events and their SEQUENCE come from rendering the config
with the output .ics beside it as memory, exactly as `runnerup build` does, and that .ics
is written as build would write it; so build, serve and push never disagree about
SEQUENCE. What is CalDAV-only — which object holds which UID on which calendar, the ETag
seen last and what was sent — lives in a small sidecar beside the .ics
(`runnerup.ics` → `runnerup.caldav.json`), not in the .ics: ETags and hrefs belong to
one server, would change the .ics bytes on every push and dirty its `git diff`, and a
build must stay byte-identical whether or not you push.

Push touches only objects it created (those in the sidecar, named `UID.ics`, marked
`X-RUNNERUP:1`); what it did is recorded after each request, so a push cut off by the
network leaves a memory a rerun finishes from. The `caldav` package is imported only
here, and only when pushing.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, unquote, urljoin, urlsplit

from .build import build_output
from .config import Config
from .errors import RunnerupError
from .files import FileRefused, locked, read_regular, write_atomic
from .ical.text import levels, unfold
from .ical.write import PRODID

if TYPE_CHECKING:
    from caldav.collection import Calendar

KEYRING_SERVICE = "runnerup-caldav"
MARKER = "X-RUNNERUP:1"
STATE_FORMAT = 1
PASSWORD_ENV = "RUNNERUP_CALDAV_PASSWORD"

_DAV = "{DAV:}"
_CAL = "{urn:ietf:params:xml:ns:caldav}"
_PROPFIND_ETAGS = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>'
)
_PROPFIND_KIND = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<propfind xmlns="DAV:"><prop><resourcetype/><displayname/></prop></propfind>'
)


class PushError(RunnerupError):
    """The server could not be reached or refused; the message says what to check."""


@dataclass(frozen=True)
class Account:
    """Where to push, as the options, the environment and the config say."""

    url: str
    username: str
    password: str = field(repr=False)
    calendar: str
    create: bool = False
    timeout: float = 30.0


# --------------------------------------------------------------------------- the objects


@dataclass(frozen=True)
class Item:
    """One event as the single-VEVENT calendar object push sends."""

    uid: str
    data: bytes
    sequence: int
    label: str  # for messages: the start and summary

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def objects(calendar: bytes) -> tuple[dict[str, Item], dict[str, str]]:
    """The calendar's live events as CalDAV objects, and the ones it holds as cancelled
    (UID → label).

    Each object is the event's own bytes as in the .ics, in a VCALENDAR of its own with
    runnerup's PRODID, plus the marker property that says runnerup made it. Cancelled
    events are not sent: on a server a removed event is a DELETE, not a tombstone."""
    head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + PRODID.encode() + b"\r\n"
    head += b"CALSCALE:GREGORIAN\r\n"
    live: dict[str, Item] = {}
    cancelled: dict[str, str] = {}
    chunks = calendar.split(b"\r\nBEGIN:VEVENT\r\n")[1:]
    for chunk in chunks:
        chunk = chunk[: chunk.rindex(b"\r\nEND:VEVENT")]  # the UID line to the last property
        lines = unfold(chunk.decode("utf-8"))
        props: dict[str, str] = {}
        for level, line in levels(lines):
            if level == 0:  # the event's own properties (its BEGIN and END lines are at 1)
                name = line.split(":", 1)[0].split(";", 1)[0].upper()
                props.setdefault(name, line.partition(":")[2])
        uid = props.get("UID", "")
        label = f"{_when(props.get('DTSTART', ''))} {props.get('SUMMARY', '')}".strip()
        if props.get("STATUS", "").upper() == "CANCELLED":
            cancelled[uid] = f"{label} (cancelled)"
            continue
        data = (
            head
            + b"BEGIN:VEVENT\r\n"
            + chunk
            + b"\r\n"
            + MARKER.encode()
            + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        live[uid] = Item(uid, data, int(props.get("SEQUENCE", "0") or 0), label)
    return live, cancelled


def same_content(a: bytes, b: bytes) -> bool:
    """Whether two objects hold the same properties in the same components, in any order
    and folding: servers such as Radicale store what they were sent re-serialised."""

    def lines(data: bytes) -> list[tuple[str, ...]]:
        out, stack = [], []
        for line in unfold(data.decode("utf-8", "replace")):
            if line.startswith("BEGIN:"):
                stack.append(line)
            elif line.startswith("END:") and stack:
                stack.pop()
            else:
                out.append((*stack, line))
        return sorted(out)

    return lines(a) == lines(b)


def same_version(a: str | None, b: str | None) -> bool:
    """Whether two ETags name one version of an object, compared weakly (RFC 9110
    §8.8.3.2): Apache's mod_dav answers a PUT with `W/"…"` for a file written within
    the same second and lists the strong `"…"` later; the object was not edited."""

    def opaque(tag: str | None) -> str | None:
        return tag.strip().removeprefix("W/") if tag is not None else None

    return opaque(a) == opaque(b)


def same_path(href: str) -> str:
    """A path as compared, not as sent: percent-decoded. A server may list
    `/dana%40example.com/…` where the URL the user gave, and so push's record, says
    `/dana@example.com/…` (iCloud, Fastmail and Nextcloud put the account's email in
    the path): the same object, which must not look deleted and left alone."""
    return unquote(href)


def _when(value: str) -> str:
    if len(value) >= 8 and value[:8].isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:8]}"
    return value


# --------------------------------------------------------------------------- the memory


@dataclass
class Pushed:
    """What the last push left on the server for one UID."""

    href: str  # the object's path on the server
    etag: str | None
    sequence: int
    digest: str

    def as_dict(self) -> dict[str, object]:
        return {
            "href": self.href,
            "etag": self.etag,
            "sequence": self.sequence,
            "sha256": self.digest,
        }


STATE_LIMIT = 64 * 1024 * 1024  # far above 10,000 roles' worth of entries
_AFRESH = (
    "move it away to start afresh (runnerup then adopts the objects it finds as its own "
    "only where they are unchanged)"
)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _pushed(entry: object) -> Pushed:
    """One sidecar entry, each value of the type push wrote."""
    if not isinstance(entry, dict):
        raise TypeError(entry)
    etag, sequence = entry["etag"], entry["sequence"]
    if etag is not None:
        etag = _text(etag)
    if not isinstance(sequence, int) or isinstance(sequence, bool):
        raise TypeError(sequence)
    return Pushed(_text(entry["href"]), etag, sequence, _text(entry["sha256"]))


def state_path(ics: Path) -> Path:
    """`runnerup.ics` → `runnerup.caldav.json`, beside it."""
    return ics.with_name(ics.stem + ".caldav.json")


class State:
    """The sidecar: for each calendar collection pushed to, UID → Pushed."""

    def __init__(self, path: Path, calendars: dict[str, dict[str, Pushed]]) -> None:
        self.path = path
        self.calendars = calendars

    @classmethod
    def load(cls, path: Path) -> State:
        """The sidecar, or an empty memory when there is none. Read as every input is
        (a regular file, bounded: a FIFO or /dev/zero there cannot hang or fill memory),
        and checked value by value: a hand-edited or damaged sidecar is an error that
        says how to start afresh, never a traceback halfway through a push."""
        try:
            text = read_regular(path, STATE_LIMIT)
        except FileNotFoundError:
            return cls(path, {})
        except FileRefused as exc:
            raise PushError(f"{path}: cannot read push's memory: {exc.reason}; {_AFRESH}") from None
        try:
            raw = json.loads(text)
        except (ValueError, RecursionError) as exc:
            detail = (
                exc.args[0] if isinstance(exc, ValueError) and exc.args else "nested too deeply"
            )
            raise PushError(f"{path}: cannot read push's memory ({detail}); {_AFRESH}") from None
        try:
            if raw.get("format") != STATE_FORMAT:
                raise ValueError("format")
            calendars = {
                _text(url): {_text(uid): _pushed(o) for uid, o in entries.items()}
                for url, entries in raw["calendars"].items()
            }
        except (AttributeError, KeyError, TypeError, ValueError):
            raise PushError(
                f"{path}: not a runnerup push memory (format {STATE_FORMAT}); move it away "
                "to start afresh"
            ) from None
        return cls(path, calendars)

    def save(self) -> None:
        data = {
            "format": STATE_FORMAT,
            "calendars": {
                url: {uid: p.as_dict() for uid, p in sorted(entries.items())}
                for url, entries in sorted(self.calendars.items())
                if entries
            },
        }
        write_atomic(self.path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Op:
    """One request to make: create, update or delete one object."""

    kind: str  # "create" | "update" | "delete" | "adopt"
    uid: str
    href: str
    etag: str | None  # If-Match (update, delete); None for create (If-None-Match: *)
    item: Item | None
    label: str


_MISSING = "(not on the server)"


@dataclass
class Plan:
    ops: list[Op] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # told, not done
    blocked: int = 0  # conflicts that kept one of runnerup's own changes from the server
    unchanged: int = 0
    forget: list[str] = field(default_factory=list)  # UIDs gone from both sides


def plan(
    live: dict[str, Item],
    cancelled: dict[str, str],
    memory: dict[str, Pushed],
    server: dict[str, str | None],
    collection_path: str,
    force: bool,
    judge: Callable[[str], str],
) -> Plan:
    """What to send, from what the .ics holds, what was pushed, and what the server has.

    `server` maps each object's path (as `same_path` gives it) to its ETag now.
    `judge(path)` looks at an object in the place of a new event that runnerup has no
    record of: "foreign" (someone else's),
    "same" (runnerup's, as it would send it: a push cut off before recording it) or
    "differs" (runnerup's, but not this version)."""
    out = Plan()
    for uid in sorted(set(memory) | set(live)):
        item = live.get(uid)
        before = memory.get(uid)
        label = item.label if item else cancelled.get(uid, f"{uid} (no longer produced)")
        if before is None:
            assert item is not None
            href = collection_path + quote(uid, safe="") + ".ics"
            if same_path(href) not in server:
                out.ops.append(Op("create", uid, href, None, item, label))
                continue
            verdict = judge(href)
            if verdict == "same":  # record it, send nothing
                out.ops.append(Op("adopt", uid, href, server[same_path(href)], item, label))
            elif verdict == "differs" and force:
                out.ops.append(Op("update", uid, href, server[same_path(href)], item, label))
            else:
                why = (
                    "an object runnerup did not create is in its place; it is left alone"
                    if verdict == "foreign"
                    else "runnerup has no record of pushing it and it differs; pass "
                    "--force to replace it"
                )
                out.conflicts.append(f"{label}: {href}: {why}")
                out.blocked += 1
            continue
        now = server.get(same_path(before.href), _MISSING)
        if item is None:  # no longer produced: delete it
            if now is _MISSING:
                out.forget.append(uid)
            elif same_version(now, before.etag) or force:
                out.ops.append(Op("delete", uid, before.href, now, None, label))
            else:
                out.conflicts.append(
                    f"{label}: edited in the calendar since the last push; not deleted "
                    "(pass --force to delete it anyway)"
                )
                out.blocked += 1
            continue
        if now is _MISSING:
            if force:
                out.ops.append(Op("create", uid, before.href, None, item, label))
            else:
                out.conflicts.append(
                    f"{label}: deleted in the calendar since the last push; left deleted "
                    "(pass --force to put it back)"
                )
                out.blocked += item.digest != before.digest
            continue
        edited = not same_version(now, before.etag)
        if edited and not force:
            out.conflicts.append(
                f"{label}: edited in the calendar since the last push; left as it is "
                "(pass --force to overwrite it with runnerup's version)"
            )
            out.blocked += item.digest != before.digest
        elif edited or item.digest != before.digest:
            out.ops.append(Op("update", uid, before.href, now, item, label))
        else:
            out.unchanged += 1
    out.ops.sort(key=lambda op: (op.label, op.uid))
    return out


# --------------------------------------------------------------------------- the server


def _errors(url: str, timeout: float) -> Callable[[], AbstractContextManager[None]]:
    """A context that turns whatever the network or the server raised into one line."""
    host = urlsplit(url).netloc or url

    @contextmanager
    def translate() -> Iterator[None]:
        import niquests
        from caldav.lib import error

        try:
            yield
        except error.AuthorizationError as exc:
            if "Forbidden" in str(exc.reason):
                raise PushError(
                    f"{host}: permission denied (403); check that this user may write "
                    "to that calendar, and the URL"
                ) from None
            raise PushError(
                f"{host}: the server did not accept the username and password (401); check "
                "RUNNERUP_CALDAV_USERNAME and the password (iCloud and Fastmail need an "
                "app-specific password)"
            ) from None
        except error.RateLimitError:
            raise PushError(
                f"{host}: the server is busy (429/503) and asks to wait; try again later"
            ) from None
        except error.NotFoundError:
            raise PushError(f"{url}: not found (404); check the URL") from None
        except error.DAVError as exc:
            raise PushError(f"{host}: the server refused: {exc.reason}") from None
        except niquests.exceptions.Timeout:
            raise PushError(
                f"{host}: no answer within {timeout:g} s; check your network or try later"
            ) from None
        except niquests.exceptions.SSLError:
            raise PushError(f"{host}: the TLS connection failed; check the URL") from None
        except (niquests.exceptions.ConnectionError, OSError):
            raise PushError(
                f"{host}: cannot connect; check the URL and your network connection"
            ) from None
        except niquests.exceptions.RequestException as exc:
            raise PushError(f"{host}: request failed: {type(exc).__name__}") from None

    return translate


def _status_error(status: int, what: str, host: str) -> PushError:
    if status == 401:
        return PushError(f"{host}: the server did not accept the username and password (401)")
    if status == 403:
        return PushError(f"{host}: permission denied (403) for {what}")
    if status == 404:
        return PushError(f"{host}: {what} not found (404); check the calendar URL")
    if 400 <= status < 500:
        return PushError(f"{host}: the server refused {what} ({status})")
    return PushError(f"{host}: the server failed ({status}) on {what}; try again later")


def _refused(op: Op, status: int) -> str:
    if op.kind == "create":
        return (
            f"{op.label}: not created ({status}): the calendar already holds this event under "
            "another name, probably imported from the .ics; delete that copy, or push into "
            "a calendar of its own"
        )
    return f"{op.label}: changed in the calendar during this push; left as it is ({status})"


class Server:
    """One calendar collection, through the `caldav` package's client."""

    def __init__(self, account: Account) -> None:
        try:
            from caldav.davclient import (
                DAVClient,  # the class itself: `caldav` re-exports it untyped
            )
        except ImportError:
            raise PushError(
                "runnerup push needs the caldav package: pip install 'runnerup[caldav]'"
            ) from None

        self.account = account
        self.host = urlsplit(account.url).netloc
        self.talk = _errors(account.url, account.timeout)
        with self.talk():
            self.client = DAVClient(
                url=account.url,
                username=account.username,
                password=account.password,
                timeout=int(max(1, account.timeout)),
                enable_rfc6764=False,
            )
        self.url = ""
        self.name = account.calendar  # the calendar's display name, once found
        self.created = False

    def request(
        self, url: str, method: str, body: str | bytes = "", headers: dict[str, str] | None = None
    ) -> Any:
        with self.talk():
            # caldav hints `body: str`, but sends bytes as they are: the objects' exact bytes
            return self.client.request(url, method, body, headers or {})  # type: ignore[arg-type]

    def open(self, *, dry_run: bool) -> str:
        """Find the calendar (the URL itself, else by display name), or make it."""
        account = self.account
        found = self.request(
            account.url,
            "PROPFIND",
            _PROPFIND_KIND,
            {"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
        )
        if found.status == 207:
            tree = _xml(found.raw)
            if tree.find(f".//{_DAV}resourcetype/{_CAL}calendar") is not None:
                self.name = tree.findtext(f".//{_DAV}displayname") or self.name
                self.url = account.url if account.url.endswith("/") else account.url + "/"
                return self.url
        with self.talk():
            principal = self.client.get_principal()
            # caldav's methods are typed for its async client too; this one is sync
            calendars = cast("list[Calendar]", principal.calendars())
            names = [(c, c.get_display_name()) for c in calendars]
        for cal, name in names:
            if name == account.calendar:
                self.url = str(cal.url)
                return self.url
        if not account.create:
            have = ", ".join(sorted(repr(n) for _, n in names if n)) or "none"
            raise PushError(
                f"{self.host}: no calendar named {account.calendar!r} (this account has: "
                f"{have}); pass --create to make it, or --calendar NAME for another"
            )
        self.created = True
        if dry_run:
            self.url = ""
            return self.url
        with self.talk():
            cal = cast("Calendar", principal.make_calendar(name=account.calendar))
        self.url = str(cal.url)
        return self.url

    def etags(self) -> dict[str, str | None]:
        """Every object in the calendar, by path (`same_path`), with its ETag now (one
        PROPFIND)."""
        if not self.url:
            return {}
        found = self.request(
            self.url,
            "PROPFIND",
            _PROPFIND_ETAGS,
            {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )
        if found.status != 207:
            raise _status_error(found.status, "listing the calendar", self.host)
        own = urlsplit(self.url).path
        out: dict[str, str | None] = {}
        for href, etag in _etags(found.raw):
            path = same_path(urlsplit(urljoin(self.url, href)).path)
            if path.rstrip("/") != same_path(own).rstrip("/"):
                out[path] = etag
        return out

    def get(self, path: str) -> bytes:
        got = self.request(urljoin(self.url, path), "GET")
        if got.status != 200:
            raise _status_error(got.status, f"reading {path}", self.host)
        raw = got.raw
        return raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)

    def send(self, op: Op) -> tuple[str, str | None] | int:
        """Make one change; its path and new ETag, or the status of a refusal that concerns
        this object alone (412: its ETag no longer matches, or an object is where none was
        expected; 409: the calendar holds its UID under another name)."""
        url = urljoin(self.url, op.href)
        if op.kind == "delete":
            headers = {"If-Match": op.etag} if op.etag else {}
            done = self.request(url, "DELETE", "", headers)
            if done.status in (200, 202, 204, 404):
                return op.href, None
        else:
            assert op.item is not None
            headers = {"Content-Type": "text/calendar; charset=utf-8"}
            if op.kind == "create":
                headers["If-None-Match"] = "*"
            elif op.etag:
                headers["If-Match"] = op.etag
            done = self.request(url, "PUT", op.item.data.decode("utf-8"), headers)
            if done.status in (200, 201, 204):
                return op.href, done.headers.get("ETag")
        if done.status in (409, 412):
            return done.status  # type: ignore[no-any-return]
        raise _status_error(done.status, f"{op.kind} of {op.label}", self.host)


def _xml(raw: str | bytes) -> ET.Element:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        raise PushError("the server's answer is not the XML a CalDAV server sends") from None


def _etags(raw: str | bytes) -> Iterable[tuple[str, str | None]]:
    for response in _xml(raw).iter(f"{_DAV}response"):
        href = response.findtext(f"{_DAV}href")
        if href is None:
            continue
        etag = None
        for propstat in response.iter(f"{_DAV}propstat"):
            if " 200 " in (propstat.findtext(f"{_DAV}status") or " 200 "):
                etag = propstat.findtext(f".//{_DAV}getetag") or etag
        yield href.strip(), etag


# --------------------------------------------------------------------------- the password


def password(
    username: str,
    environ: dict[str, str] | os._Environ[str],
    ask: Callable[[], str] | None,
) -> str:
    """From the environment, else the keyring (if the optional package is installed), else
    `ask` (a prompt on a terminal). Never stored, never printed."""
    value = environ.get(PASSWORD_ENV)
    if value:
        return value
    try:
        import keyring
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            stored = keyring.get_password(KEYRING_SERVICE, username)
        except Exception:  # no usable backend: fall through to the prompt
            stored = None
        if isinstance(stored, str) and stored:
            return stored
    if ask is not None:
        return ask()
    raise PushError(
        f"no password for {username}: set {PASSWORD_ENV}, store it with "
        f"`keyring set {KEYRING_SERVICE} {username}` (pip install keyring), or run "
        "`runnerup push` on a terminal to be asked"
    )


# --------------------------------------------------------------------------- the whole job


@dataclass
class Result:
    """What a push did, for the summary line and the warnings."""

    calendar: str
    url: str
    created_calendar: bool
    done: dict[str, int]
    unchanged: int
    conflicts: list[str]
    blocked: int
    ops: list[Op]

    def summary(self) -> str:
        parts = [f"{n} {word}" for word, n in self.done.items() if n]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        return ", ".join(parts) or "nothing to push"


Progress = Callable[[list[Op]], AbstractContextManager[Iterable[Op]]]


def push(
    config: Config,
    ics: Path,
    account: Account,
    now: datetime,
    *,
    privacy: str = "full",
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    wrote: Callable[[str], None] | None = None,
) -> Result:
    """Render with build's memory, write the .ics as build would, then make the calendar
    on the server hold exactly runnerup's live events.

    Each request that succeeds is recorded in the sidecar at once, so a push cut off
    (network, server, Ctrl+C) leaves a memory that a rerun completes from. The .ics's
    lock is held throughout: a build, serve or second push on the same file waits, so the
    .ics and the sidecar always describe the same pushes."""
    with locked(ics):
        return _push_locked(config, ics, account, now, privacy, force, dry_run, progress, wrote)


def _push_locked(
    config: Config,
    ics: Path,
    account: Account,
    now: datetime,
    privacy: str,
    force: bool,
    dry_run: bool,
    progress: Progress | None,
    wrote: Callable[[str], None] | None,
) -> Result:
    data, changes, old = build_output(config, ics, None, now, privacy, force=False)
    if not dry_run:
        if old != data:
            write_atomic(ics, data)
        if wrote is not None:
            wrote(f"wrote {ics}: {changes}")
    live, cancelled = objects(data)
    state = State.load(state_path(ics))
    server = Server(account)
    url = server.open(dry_run=dry_run)
    memory = state.calendars.get(url, {}) if url else {}
    listing = server.etags()

    def judge(path: str) -> str:
        body = server.get(path)
        uid = unquote(path.rsplit("/", 1)[-1].removesuffix(".ics"))
        item = live.get(uid)
        if MARKER.encode() not in body or f"UID:{uid}".encode() not in body:
            return "foreign"
        return "same" if item is not None and same_content(body, item.data) else "differs"

    todo = plan(live, cancelled, memory, listing, urlsplit(url).path, force, judge)
    done = {"created": 0, "updated": 0, "deleted": 0}
    result = Result(
        server.name,
        url,
        server.created,
        done,
        todo.unchanged,
        todo.conflicts,
        todo.blocked,
        todo.ops,
    )
    if dry_run:
        return result
    entries = state.calendars.setdefault(url, memory)
    for uid in todo.forget:
        entries.pop(uid, None)
    if todo.forget:
        state.save()
    missing_etag = False
    count = 0
    bar = progress(todo.ops) if progress is not None else nullcontext(todo.ops)
    try:
        with bar as ops:
            for op in ops:
                outcome = server.send(op) if op.kind != "adopt" else (op.href, op.etag)
                if isinstance(outcome, int):
                    result.conflicts.append(_refused(op, outcome))
                    result.blocked += 1
                    continue
                href, etag = outcome
                if op.kind == "delete":
                    entries.pop(op.uid, None)
                    done["deleted"] += 1
                else:
                    assert op.item is not None
                    entries[op.uid] = Pushed(href, etag, op.item.sequence, op.item.digest)
                    missing_etag = missing_etag or etag is None
                    key = "created" if op.kind == "create" else "updated"
                    done[key] += op.kind != "adopt"
                    result.unchanged += op.kind == "adopt"
                state.save()
                count += 1
    except PushError as exc:
        total = len(todo.ops)
        raise PushError(
            f"{exc}; {count} of {total} change{'' if total == 1 else 's'} made and recorded: "
            "run push again to finish"
        ) from None
    if missing_etag:  # some servers answer a PUT without an ETag: ask for them once
        now_tags = server.etags()
        for entry in entries.values():
            if entry.etag is None:
                entry.etag = now_tags.get(same_path(entry.href))
        state.save()
    return result
