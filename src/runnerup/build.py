"""The main job, end to end: config → calls → events → memory → bytes, and the previous
output's bytes → memory. Pure but for reading the previous output (through files.py) and
the time (`build_now`, or SOURCE_DATE_EPOCH); never writes a file, never prints."""

from __future__ import annotations

import os
import re
from datetime import datetime, time, timezone
from pathlib import Path

from .errors import OutputError
from .files import check_overwrite, read_output
from .ical.previous import MAX_SEQUENCE, Previous, UnusablePrevious, claims_runnerup, read_previous
from .ical.write import CALENDAR_END, Event, Retired, calendar_bytes, calendar_head, call_events
from .memory import KEEP_CANCELLED, Changes, merge
from .model import LATEST, Config
from .schedule import schedule


def render(
    config: Config,
    previous: Previous | None,
    now: datetime,
    privacy: str = "full",
    events: list[Event] | None = None,
    form: str = "import",
) -> tuple[bytes, Changes]:
    """The calendar for `config`, remembering `previous`; `now` stamps what changed.
    `events`, if given, are `produce(config, privacy)`'s, made already. `form` is
    "import" (removed events stay as CANCELLED tombstones) or "feed" (for subscription,
    as `serve` and a published file: removed events are left out, SEQUENCE remembered)."""
    if events is None:
        events = produce(config, privacy)
    merged, retired, changes = merge(events, previous, now, form)
    return calendar_bytes(config, merged, privacy, retired), changes


def produce(config: Config, privacy: str = "full") -> list[Event]:
    """The config's events, before the memory of earlier builds is applied."""
    return call_events(schedule(config), config, privacy)


# A UTC DTSTAMP and ten digits of SEQUENCE at most: anything else is not matched, and
# `read_previous` reports it.
_STAMPS = re.compile(
    rb"\r\nBEGIN:VEVENT\r\nUID:([^\r\n]*)\r\nDTSTAMP:([0-9]{8}T[0-9]{6}Z)\r\n"
    rb"SEQUENCE:([0-9]{1,10})\r\n"
)


# The UID as printable ASCII (runnerup's are UUIDs): anything else is left to
# `read_previous`, which checks the file is UTF-8 before decoding a byte of it.
_RETIRED = re.compile(
    rb"\r\nX-RUNNERUP-RETIRED;SEQUENCE=([0-9]{1,10})(?:;ENDS=([0-9]{8}))?:([!-~]+)(?=\r\n)"
)


def render_unchanged(
    config: Config,
    events: list[Event],
    old: bytes,
    privacy: str = "full",
    now: datetime | None = None,
) -> tuple[bytes, Changes] | None:
    """The calendar if it is exactly `old`: every event unchanged, none new or cancelled.

    The usual rebuild (the hook, the prompt, the hourly job) changes nothing, and then
    reading the previous output event by event (0.3 s at 10,000 roles) is not needed:
    each event takes the DTSTAMP and SEQUENCE `old` shows for its UID, and if the result
    is `old` byte for byte, it is what `render` with `old` as memory gives too (in either
    form: with no event removed, they agree). The memory of events a feed left out is
    carried as it is, unless one of them has expired by `now`. Otherwise None, and
    `render` decides; it reuses `events`, which this leaves as they are."""
    stamps = {uid: (dtstamp, sequence) for uid, dtstamp, sequence in _STAMPS.findall(old)}
    if len(stamps) != len(events):
        return None
    retired = _retired(old, now)
    if retired is None:
        return None
    uids = set()
    stamped: list[tuple[Event, int, str]] = []  # with the SEQUENCE and DTSTAMP `old` shows
    for event in events:
        found = stamps.get(event.uid.encode())
        if found is None:
            return None
        uids.add(event.uid)
        sequence = int(found[1])
        if sequence > MAX_SEQUENCE:
            return None
        stamped.append((event, sequence, found[0].decode()))
    if len(uids) != len(events):  # a UID twice: the memory would compare each
        return None
    if privacy != "full":  # the busy feed rewrites every event: compare the whole file
        copies = [Event(e.uid, e.body, e.sort_key, seq, stamp) for e, seq, stamp in stamped]
        data = calendar_bytes(config, copies, privacy, retired)
        return (data, Changes(len(events), 0, 0, 0)) if data == old else None
    # What calendar_bytes would write, compared with `old` event by event as it is made:
    # no second copy of the file (a tenth of a large rebuild's memory), and a changed
    # calendar stops at its first changed event (the memory's merge makes the rest,
    # reusing the bytes made here for each event it finds unchanged).
    head = calendar_head(config.name, config.description, retired)
    if not old.startswith(head):
        return None
    at = len(head)
    stamped.sort(key=lambda s: (s[0].sort_key, s[0].uid))
    for event, sequence, stamp in stamped:
        chunk = event.data_as(sequence, stamp)
        if not old.startswith(chunk, at):
            return None
        at += len(chunk)
    if len(old) - at != len(CALENDAR_END) or not old.endswith(CALENDAR_END):
        return None
    return old, Changes(len(events), 0, 0, 0)


def _retired(old: bytes, now: datetime | None) -> list[Retired] | None:
    """The retired memory in `old`'s header, if none of it expires at `now`."""
    first = old.find(b"\r\nBEGIN:VEVENT\r\n")
    header = old if first < 0 else old[: first + 2]  # with its last line's CRLF
    if b"X-RUNNERUP-RETIRED" not in header:
        return []
    found = _RETIRED.findall(re.sub(rb"\r\n[ \t]", b"", header))
    if now is None:
        return None
    retired = []
    for sequence, ends, uid in found:
        try:
            day = datetime.strptime(ends.decode(), "%Y%m%d").date() if ends else None
        except ValueError:
            return None  # `read_previous` reports it
        if int(sequence) > MAX_SEQUENCE or (day is not None and day < now.date() - KEEP_CANCELLED):
            return None
        retired.append(Retired(uid.decode(), int(sequence), day))
    return retired


def build_output(
    config: Config,
    target: Path | None,
    previous: Path | None,
    now: datetime,
    privacy: str = "full",
    force: bool = False,
    form: str = "import",
) -> tuple[bytes, Changes, bytes | None]:
    """What `runnerup build` writes to `target` (None: stdout), what changed, and the
    target's current bytes (an unchanged calendar need not be rewritten). `form`: as
    for `render`.

    The memory is `previous` if named, else the target itself. The usual rebuild changes
    nothing and is recognised without parsing the old file (`render_unchanged`)."""
    old = read_output(target, required=False) if target is not None else None
    events = None
    if old is not None and previous is None:
        events = produce(config, privacy)
        quick = render_unchanged(config, events, old, privacy, now)
        if quick is not None:  # `old` is runnerup's own output: nothing to check or merge
            return *quick, old
    existing = None
    if old is not None:
        try:
            existing = _memory(old, str(target), force=force, foreign=False)
        except UnusablePrevious:
            if previous is None:
                raise
            # The memory comes from --previous (the good copy the error asks for): the
            # damaged target is only replaced, if runnerup wrote it.
            existing = Previous(ours=claims_runnerup(old))
    if target is not None:
        check_overwrite(target, existing is None or existing.ours, force)
    if previous is not None:
        memory = load_previous(previous, required=True, force=force)
    else:
        memory = existing
    data, changes = render(config, memory, now, privacy, events, form)
    return data, changes, old


def build_now(environ: os._Environ[str] | dict[str, str] | None = None) -> datetime:
    """ "Now" for DTSTAMPs: SOURCE_DATE_EPOCH when set, for reproducible builds."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip(" \t\r\n")
    if epoch:
        # ASCII digits only: int() also takes `1_700_000_000`, `+17`, and `١٧٠٠` (the
        # reproducible-builds spec says decimal ASCII digits); and no later than the last
        # date runnerup reads, so every DTSTAMP has a four-digit year.
        if not _EPOCH.fullmatch(epoch) or int(epoch) > _LAST_EPOCH:
            raise OutputError(
                "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 in ASCII "
                f"digits, at most {_LAST_EPOCH} (the end of {LATEST}), found {epoch!r}"
            )
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


_EPOCH = re.compile(r"[0-9]{1,11}")
_LAST_EPOCH = int(datetime.combine(LATEST, time(23, 59, 59), timezone.utc).timestamp())


def load_previous(path: Path, *, required: bool, force: bool = False) -> Previous | None:
    """The memory: a previous output, if there is one (and `--previous` insists).

    A file named by `--previous` (`required`) may be a copy another tool re-saved; one
    that cannot be used is an error, unless `force` says to start afresh."""
    data = read_output(path, required=required)
    return None if data is None else _memory(data, str(path), force=force, foreign=required)


def _memory(data: bytes, name: str, *, force: bool, foreign: bool) -> Previous | None:
    """`read_previous`, or with `force` no memory at all when the file cannot be used."""
    try:
        return read_previous(data, name, foreign=foreign)
    except UnusablePrevious:
        if force:
            return None
        raise
