"""What a feed may publish of a calendar runnerup wrote: the feed form (no tombstones)
and busy privacy (no names). Every body the feed serves passes through `feed_view`;
pure bytes in, bytes out, no I/O."""

from __future__ import annotations

import re
from datetime import datetime

from ..errors import OutputError
from ..ical.previous import claims_runnerup, read_previous
from ..ical.text import unfold
from ..ical.write import BUSY_NAME, Event, Retired, calendar_bytes
from ..model import Config


def feed_view(data: bytes, name: str, privacy: str) -> bytes:
    """`data`, a calendar runnerup wrote, in the feed form at `privacy`: what serve may
    publish of a file it did not render itself (the -o file served while the config is
    broken or a render fails). A feed carries no tombstones, and an import-form file from
    `build` may: each cancelled event is served as the feed form remembers it, a retired
    UID and its SEQUENCE. A busy feed also passes every event through the busy
    allow-list. A feed-form file at this privacy comes out byte for byte."""
    if privacy != "busy" and b"\r\nSTATUS:CANCELLED\r\n" not in data and claims_runnerup(data):
        return data  # a render, or a file in the feed form already: nothing to parse
    previous = read_previous(data, name)
    if not previous.ours:
        raise OutputError(f"{name}: not a calendar runnerup wrote; a feed cannot serve it")
    cancelled = [e for e in previous.events.values() if e.status == "CANCELLED"]
    if privacy != "busy" and not cancelled:
        return data
    events = [
        Event(e.uid, e.body, e.sort_key, e.sequence, e.dtstamp)
        for e in previous.events.values()
        if e.status != "CANCELLED"
    ]
    retired = dict(previous.retired)
    for e in cancelled:
        ends = e.ends.date() if isinstance(e.ends, datetime) else e.ends
        retired[e.uid] = Retired(e.uid, e.sequence, ends)
    config = _BUSY_CONFIG if privacy == "busy" else _header_config(data)
    return calendar_bytes(config, events, privacy, list(retired.values()))


def _header_config(data: bytes) -> Config:
    """The calendar name and description a file's header holds, as a Config for
    `calendar_bytes` to write the same header again."""
    fields = {"NAME": "", "DESCRIPTION": ""}
    for line in unfold(data.decode("utf-8-sig")):
        if line == "BEGIN:VEVENT":
            break
        key, _, value = line.partition(":")
        if key in fields and not fields[key]:
            fields[key] = _unescape(value)
    return Config(
        path="",
        name=fields["NAME"],
        timezone="UTC",
        roles=(),
        description=fields["DESCRIPTION"],
    )


def _unescape(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT, as `escape` wrote it."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


_BUSY_CONFIG = Config(path="", name=BUSY_NAME, timezone="UTC", roles=())
