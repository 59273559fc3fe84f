"""`runnerup push`'s job: build as `build` does, then make a CalDAV calendar hold exactly
runnerup's live events, one object each (plan.py decides, server.py talks, state.py
remembers). Prints nothing: progress and the result go back to the caller.

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
in server.py, and only when pushing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..build import build_output
from ..files import locked, write_atomic
from ..model import Config
from ..words import plural
from .account import Account, PushError
from .plan import MARKER, Op, Pushed, objects, plan, same_content, same_path
from .server import Server, refused
from .state import State, state_path


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
                    result.conflicts.append(refused(op, outcome))
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
            f"{exc}; {count} of {plural(total, 'change')} made and recorded: "
            "run push again to finish"
        ) from None
    if missing_etag:  # some servers answer a PUT without an ETag: ask for them once
        now_tags = server.etags()
        for entry in entries.values():
            if entry.etag is None:
                entry.etag = now_tags.get(same_path(entry.href))
        state.save()
    return result
