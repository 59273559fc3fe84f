"""Push's sidecar (`runnerup.caldav.json`): which object holds which UID on which
calendar, its ETag and what was sent, read and written through files.py. No network."""

from __future__ import annotations

import json
from pathlib import Path

from ..files import FileRefused, read_regular, write_atomic
from .account import PushError
from .plan import Pushed

STATE_FORMAT = 1
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
