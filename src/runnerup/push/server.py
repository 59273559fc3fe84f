"""The CalDAV conversation: finding or making the calendar, listing ETags, sending one
`Op` at a time, and turning whatever the network raises into a `PushError`. The
`caldav` package is imported here only, and only when pushing; nothing here decides."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urljoin, urlsplit

from .account import Account, PushError
from .plan import Op, same_path

if TYPE_CHECKING:
    from caldav.collection import Calendar

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


def refused(op: Op, status: int) -> str:
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
            import caldav  # noqa: F401  # the package first: its absence is the error below
            from caldav.davclient import DAVClient  # typed here; `caldav` re-exports it untyped
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
            return int(done.status)  # caldav's response types its status loosely
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
