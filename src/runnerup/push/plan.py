"""Push's pure part: the calendar's events as CalDAV objects, and the plan of requests
that makes the server match them. No I/O, no network: the server's answers come in as
values, and the plan goes out as a list of `Op`s."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from ..ical.text import levels, unfold
from ..ical.write import PRODID

MARKER = "X-RUNNERUP:1"


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
