"""The edits `add`, `close`, `pin` and `log` make to a config, and `edit_file`, which
reads, changes and writes it under its lock. Knows roles; leaves text splicing to
`edit.text`, and prints nothing.

The text is validated with `parse_config` before (an edit of a broken file is refused)
and after each edit; then the whole document, aliases and merges expanded, is compared
with the original, so an edit that would change anything but its target (a value
shared through an anchor, say) is refused instead of written.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import yaml

from ..durations import ValueProblem, parse_offset
from ..errors import ConfigError
from ..files import locked, write_atomic
from ..lookups import zone_info
from ..model import Config, Role, Touch
from ..source import Node, parse_yaml, read_config_bytes
from ..validate import parse_config
from ..words import plural
from .text import (
    BLANK_LINE,
    BREAK,
    NULL_TAG,
    AliasNode,
    Change,
    Collection,
    EditError,
    Graph,
    YamlText,
    scalar,
)

if TYPE_CHECKING:
    from ..schedule import Call

_BOM = b"\xef\xbb\xbf"
_NL = "\n"


@dataclass(frozen=True)
class Edited:
    """The new text of the config and one line saying what changed."""

    text: str
    message: str
    changed: bool = True


Omitted: TypeAlias = str | None
"""An optional key's text for a new role; None leaves the key out of the file."""


@dataclass(frozen=True)
class NewRole:
    """What `runnerup add` knows about a role."""

    company: str
    title: str
    decided: date
    contact: str
    id: Omitted = None
    contact_title: Omitted = None
    email: Omitted = None
    phone: Omitted = None
    linkedin: Omitted = None
    timezone: Omitted = None
    hired: Omitted = None
    why_close: Omitted = None
    posting: Omitted = None
    notes: Omitted = None


# --------------------------------------------------------------------------- files


def edit_file(path: Path, change: Callable[[str, str], Edited]) -> Edited:
    """Read the config, apply `change(text, filename)`, validate, write atomically.

    The whole read-modify-write holds the config's lock (`files.locked`), so two edits
    at once both land: the second reads the file the first wrote. A symlinked config
    is edited at its target; its mode, owner and hard links stay (`files.write_atomic`).
    A byte-order mark and CRLF line endings survive; nothing is written when the edit
    changes nothing or fails.
    """
    with locked(path):
        data = read_config_bytes(path)
        bom = data.startswith(_BOM)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            parse_yaml(data, str(path))  # reports the bad byte at its line
            raise
        edited = change(text, str(path))
        if edited.changed:
            write_atomic(path, (_BOM if bom else b"") + edited.text.encode("utf-8"))
    return edited


# --------------------------------------------------------------------------- the document


class _Doc(YamlText):
    """The config's text, its validated model and located tree, and its node graph."""

    def __init__(self, text: str, filename: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self.config = parse_config(data, filename)  # ConfigError if broken
        self.data = _plain(parse_yaml(data, filename))
        super().__init__(text, filename)

    def role(self, role_id: str) -> tuple[Role, int, Collection]:
        ids = [r.id for r in self.config.roles]
        if role_id not in ids:
            hint = difflib.get_close_matches(role_id, ids, n=1, cutoff=0.6)
            maybe = f"; did you mean `{hint[0]}`?" if hint else ""
            known = f" (ids: {', '.join(ids)})" if ids else " (it has no roles yet)"
            raise EditError(f"no role with id `{role_id}` in {self.filename}{maybe}{known}")
        role = self.config.roles[ids.index(role_id)]
        index = int(role.path.removeprefix("roles[").removesuffix("]"))
        node = self.roles_list().value[index]
        assert isinstance(node, (yaml.CollectionNode, AliasNode))  # validated: a mapping
        return role, index, node

    def roles_list(self) -> Collection:
        roles = self.root
        if isinstance(roles, yaml.MappingNode):
            found = self.own(roles, "roles")
            assert found is not None  # validated
            roles = found[1]
        assert isinstance(roles, (yaml.CollectionNode, AliasNode))  # validated: a list
        return roles


def _plain(node: Node) -> object:
    """A located tree as plain data (aliases and merges expanded): what the file means."""
    if node.kind == "map":
        return {name: _plain(value) for name, (_, value) in node.entries.items()}
    if node.kind == "seq":
        return [_plain(item) for item in node.items]
    return node.text if node.kind == "scalar" else None


def _roles_data(data: object) -> list[object]:
    roles = data.get("roles") if isinstance(data, dict) else data
    return roles if isinstance(roles, list) else []


def _masked(data: object, role: int | None, keys: tuple[str, ...], drop_last: bool) -> object:
    """`data` without the values an edit may change: some keys of one role, or the last
    role (an added one)."""
    roles = list(_roles_data(data))
    if drop_last:
        roles = roles[:-1]
    entry = roles[role] if role is not None and role < len(roles) else None
    if role is not None and isinstance(entry, dict):
        roles[role] = {k: v for k, v in entry.items() if k not in keys}
    return {**data, "roles": roles} if isinstance(data, dict) else roles


def _validated(
    doc: _Doc,
    text: str,
    *,
    role: int | None,
    keys: tuple[str, ...] = (),
    effect: Callable[[Config, list[object]], bool],
) -> Config:
    """Parse the edited text and refuse it if it is broken, if it misses its target
    (`effect`), or if anything else in the file now means something else.

    The last check compares the whole document, aliases and merges expanded, before and
    after the edit: with `role` set, everything except its `keys` must be unchanged;
    without it (an added role), everything except a new last role.
    """
    filename = doc.filename
    data = text.encode("utf-8", "surrogatepass")
    try:
        config = parse_config(data, filename)
        after = _plain(parse_yaml(data, filename))
    except ConfigError as exc:
        raise EditError(
            f"the edit would leave {filename} invalid, so nothing was written:",
            details=[f"  {p}" for p in exc.problems],
        ) from None
    if not effect(config, _roles_data(after)):
        raise EditError(
            f"the edit of {filename} did not have the intended effect, so nothing was "
            "written (please report this, with the file)"
        )
    if _masked(after, role, keys, role is None) != _masked(doc.data, role, keys, False):
        raise EditError(
            f"the edit of {filename} would also change other values, so nothing was "
            "written (please report this, with the file)"
        )
    return config


def _when_text(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M}" + (f":{when.second:02d}" if when.second else "")


def _first_valid(doc: _Doc, candidates: list[tuple[str, Callable[[str], Config]]]) -> str:
    """The first edited text (the tidiest way of writing the edit comes first) that
    passes its check; else the last one's reason."""
    error: EditError | None = None
    for text, check in candidates:
        try:
            check(text)
            return text
        except EditError as exc:
            error = exc
    assert error is not None
    raise error


# --------------------------------------------------------------------------- close


def close_role(text: str, filename: str, role_id: str, note: str | None = None) -> Edited:
    """Set the role's `status: closed`; a note goes into `notes:` (added after any there)."""
    doc = _Doc(text, filename)
    role, index, node = doc.role(role_id)
    owner = f"role `{role_id}`"
    note = note.strip() if note else None
    if not role.open and not note:
        return Edited(text, f"{role_id} was already closed; {filename} is unchanged", False)
    doc.guard(node, owner, "closing it" if role.open else "adding a note to it")
    flow = bool(node.flow_style)
    base: list[Change] = []
    pairs: list[tuple[str, str]] = []
    if role.open:
        status = doc.own(node, "status")
        if status is not None:
            doc.guard(status[1], f"`status` of {owner}", "closing it")
            base.append(doc.set_value(*status, "closed"))
        else:
            pairs.append(("status", "closed"))
    # Ways to write the note, each with the notes text it gives; tidiest first.
    ways: list[tuple[list[Change], list[tuple[str, str]], str | None]] = []
    if note:
        old = role.notes or ""
        joined = f"{old}{_NL if _NL in old else ' '}{note}" if old else note
        notes = doc.own(node, "notes")
        if notes is None:  # absent, or merged in with `<<`: the role gets its own
            ways.append(([], [("notes", scalar(joined, flow=flow))], joined))
        else:
            doc.guard(notes[1], f"`notes` of {owner}", "adding to it")
            value = notes[1]
            block = isinstance(value, yaml.ScalarNode) and value.style in ("|", ">")
            if block and old and _NL not in note and isinstance(value, yaml.ScalarNode):
                line = f"{old}{_NL if value.style == '|' else ' '}{note}"
                ways.append(([doc.add_block_line(notes[0], value, note)], [], line))
            ways.append(([doc.set_value(*notes, scalar(joined, flow=flow))], [], joined))
    else:
        ways.append(([], [], role.notes))

    candidates: list[tuple[str, Callable[[str], Config]]] = []
    for changes, more, wanted in ways:
        added = doc.add_keys(node, pairs + more) if pairs + more else []

        def effect(config: Config, roles: list[object], wanted: str | None = wanted) -> bool:
            after = config.roles[index] if index < len(config.roles) else None
            return (
                after is not None
                and after.id == role_id
                and not after.open
                and after.notes == wanted
            )

        def check(new_text: str, effect: Callable[[Config, list[object]], bool] = effect) -> Config:
            return _validated(doc, new_text, role=index, keys=("status", "notes"), effect=effect)

        candidates.append((doc.apply(base + changes + added), check))
    new_text = _first_valid(doc, candidates)
    what = "closed" if role.open else "added a note to"
    return Edited(new_text, f"{what} {role_id} in {filename}")


# --------------------------------------------------------------------------- pin


def pin_role(
    text: str,
    filename: str,
    role_id: str,
    when: datetime | date,
    today: date | None = None,
    after: str | None = None,
) -> Edited:
    """Pin the role's next touchpoint (or the one `after` names) to `when`, local time in
    the contact's zone; a date alone takes the role's `call_time`. `today` (default: today
    in the calendar's zone) decides which calls are past."""
    from ..schedule import schedule

    doc = _Doc(text, filename)
    role, index, node = doc.role(role_id)
    if today is None:
        today = datetime.now(zone_info(doc.config.timezone)).date()
    if not role.open:
        raise EditError(f"{role_id} is closed; set `status: open` before pinning a call")
    ended = next((e for e in role.history if e.ends), None)
    if ended is not None:  # a pin would change nothing: the log ended the role, as `log` says
        raise EditError(
            f"{role_id} ended with `{ended.outcome}` on {ended.on.isoformat()}, so it has no "
            "calls to pin; to reopen it, edit that log entry by hand"
        )
    if not isinstance(when, datetime):
        when = datetime.combine(when, role.settings.call_time)
    touch = _chosen_touch(doc.config, role, today, after, schedule)
    owner = f"role `{role_id}`"
    doc.guard(node, owner, "pinning a call of it")
    at = _when_text(when)
    touches = role.settings.follow_up
    chosen = next(i for i, t in enumerate(touches) if t is touch or t == touch)
    follow_up = doc.own(node, "follow_up")
    changes: list[Change]
    if follow_up is None or follow_up[1].tag == NULL_TAG:
        # Inherited from defaults (or merged in): the role's own list replaces it, so
        # copy every inherited touchpoint and pin the chosen one.
        items = []
        for i, t in enumerate(touches):
            pinned = when if i == chosen else t.at
            items.append(
                f"{{after: {t.after.text}, at: {_when_text(pinned)}}}" if pinned else t.after.text
            )
        value = items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"
        if follow_up is not None:
            changes = [doc.set_value(*follow_up, value)]
        else:
            changes = doc.add_keys(node, [("follow_up", value)])
    else:
        doc.guard(follow_up[1], f"`follow_up` of {owner}", "pinning it")
        changes = _pin_in(doc, follow_up[1], touch, at, owner)
    new_text = doc.apply(changes)
    wanted = [(t.after.canonical, when if i == chosen else t.at) for i, t in enumerate(touches)]

    def effect(config: Config, roles: list[object]) -> bool:
        edited = config.roles[index] if index < len(config.roles) else None
        return (
            edited is not None
            and edited.id == role_id
            and [(t.after.canonical, t.at) for t in edited.settings.follow_up] == wanted
        )

    _validated(doc, new_text, role=index, keys=("follow_up",), effect=effect)
    return Edited(
        new_text,
        f"pinned the {touch.after.label} call of {role_id} to {at} "
        f"({doc.config.zone_of(role)}) in {filename}",
    )


def _chosen_touch(
    config: Config,
    role: Role,
    today: date,
    after: str | None,
    schedule: Callable[[Config], list[Call]],
) -> Touch:
    touches = role.settings.follow_up
    if after is not None:
        try:
            wanted = parse_offset(after).canonical
        except ValueProblem as exc:
            raise EditError(f"--after: {exc}") from None
        for touch in touches:
            if touch.after.canonical == wanted:
                return touch
        known = ", ".join(f"`{t.after.text}`" for t in touches)
        raise EditError(f"{role.id} has no touchpoint {after!r} (it has {known})")
    zone = zone_info(config.timezone)
    # Retries and `next` touchpoints come from the log, not from `follow_up`: not pinnable.
    calls = [c for c in schedule(config) if c.role.id == role.id and c.kind == "planned"]
    for call in calls:
        if call.start.astimezone(zone).date() >= today:
            return call.touch
    example = f"--after '{touches[-1].after.text}'"  # one this role really has
    if not calls:  # the log answered every planned touchpoint; retries are not pinnable
        raise EditError(
            f"{role.id} has no planned call left (its log answered them); to reschedule "
            f"one, name it with --after, e.g. {example}"
        )
    last = calls[-1].start.astimezone(zone).date().isoformat()
    raise EditError(
        f"every call of {role.id} is past (the last was on {last}); to reschedule one, "
        f"name it with --after, e.g. {example}"
    )


def _offset_of(doc: _Doc, item: yaml.Node) -> str | None:
    """The canonical offset a follow_up item stands for, and None for a broken one."""
    source = item.target if isinstance(item, AliasNode) else item
    if isinstance(source, yaml.MappingNode):
        found = doc.own(source, "after")
        if found is None:
            return None
        source = found[1]
        source = source.target if isinstance(source, AliasNode) else source
    if not isinstance(source, yaml.ScalarNode):
        return None
    try:
        return parse_offset(source.value).canonical
    except ValueProblem:
        return None


def _pin_in(doc: _Doc, value: yaml.Node, touch: Touch, at: str, owner: str) -> list[Change]:
    """Changes that pin `touch` inside the role's own `follow_up` value."""
    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
    for item in items:
        if _offset_of(doc, item) != touch.after.canonical:
            continue
        what = f"the {touch.after.label} touchpoint of {owner}"
        doc.guard(item, what, "pinning it")
        if isinstance(item, yaml.ScalarNode):
            source = doc.text[item.start_mark.index : doc.content_end(item)]
            if BREAK.search(source) or (item.style is None and any(c in source for c in ",[]{}#")):
                source = scalar(item.value, flow=True)
            return [doc.set_value(item, item, f"{{after: {source}, at: {at}}}")]
        assert isinstance(item, yaml.MappingNode)
        found = doc.own(item, "at")
        if found is not None:
            doc.guard(found[1], f"`at` of {what}", "pinning it")
            return [doc.set_value(*found, at)]
        return doc.add_keys(item, [("at", at)])
    raise EditError(f"cannot find the {touch.after.label} touchpoint of {owner}; pin it by hand")


# --------------------------------------------------------------------------- add


def _flow_role(fields: list[tuple[str, str | None]], contact: list[tuple[str, str]]) -> str:
    parts = []
    for key, value in fields:
        if key == "contact":
            inner = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in contact)
            parts.append(f"contact: {{{inner}}}")
        elif value is not None:
            parts.append(f"{key}: {value if key == 'decided' else scalar(value, flow=True)}")
    return "{" + ", ".join(parts) + "}"


def _empty_roles_as_list(text: str) -> str:
    """`roles:` with nothing after it as `roles: []`, which `add` turns into a block
    list: a config waiting for its first role is one to add to, not a broken one."""
    try:
        root = Graph(text).root
    except (yaml.YAMLError, KeyError, ValueError):
        return text  # parse_config reports it
    if not isinstance(root, yaml.MappingNode):
        return text
    for key, value in root.value:
        if key.value == "roles" and isinstance(value, yaml.ScalarNode) and value.tag == NULL_TAG:
            if value.value:  # `roles: ~` or `null`: written on purpose, leave it
                return text
            at = int(key.end_mark.index)
            while text[at : at + 1] in (" ", "\t"):
                at += 1
            return text[:at] + ": []" + text[at + 1 :] if text[at : at + 1] == ":" else text
    return text


def add_role(text: str, filename: str, new: NewRole) -> Edited:
    """Append a role at the end of `roles:` in the style of the roles already there."""
    doc = _Doc(_empty_roles_as_list(text), filename)
    contact = [("name", new.contact)] + [
        (key, value)
        for key, value in (
            ("title", new.contact_title),
            ("email", new.email),
            ("phone", new.phone),
            ("linkedin", new.linkedin),
            ("timezone", new.timezone),
        )
        if value
    ]
    fields: list[tuple[str, str | None]] = [
        ("company", new.company),
        ("title", new.title),
        ("decided", new.decided.isoformat()),
        ("id", new.id or None),
        ("contact", None),
        ("hired", new.hired or None),
        ("why_close", new.why_close or None),
        ("posting", new.posting or None),
        ("notes", new.notes or None),
    ]
    wanted: dict[str, object] = {k: v for k, v in fields if v is not None}
    wanted["contact"] = dict(contact)
    lines: list[str] = []
    for key, value in fields:
        if key == "contact":
            lines.append("contact:")
            lines += [f"  {k}: {scalar(v)}" for k, v in contact]
        elif value is not None:
            lines.append(f"{key}: {value if key == 'decided' else scalar(value)}")

    roles = doc.roles_list()
    doc.guard(roles, "`roles`", "adding to it")
    nl = doc.newline
    changes: list[Change] = []
    root = doc.root
    flow_root = isinstance(root, yaml.CollectionNode) and root.flow_style
    if roles.flow_style and (roles.value or roles is root or flow_root):
        changes.append(doc.flow_append(roles, _flow_role(fields, contact)))
    else:
        if roles.flow_style:
            # `roles: []`: drop the brackets, then start a block list on the next line.
            assert isinstance(doc.root, yaml.MappingNode)
            roles_key = doc.own(doc.root, "roles")
            assert roles_key is not None
            colon = doc.text.index(":", doc.content_end(roles_key[0]))
            changes.append(Change(colon, roles.end_mark.index, ":"))
            dash = roles_key[0].start_mark.column + 2
            keys = dash + 2
            at = doc.line_after(roles.end_mark.index)
        else:
            dash = roles.start_mark.column
            first = roles.value[0]
            keys = dash + 2
            if first.start_mark.line == roles.start_mark.line:
                keys = max(first.start_mark.column, keys)
            at = doc.insertion_point(roles, dash + 1)
        lead = doc.lead(at)
        if not roles.flow_style and len(roles.value) >= 2:
            gap = doc.text[doc.content_end(roles.value[-2]) : roles.value[-1].start_mark.index]
            if BLANK_LINE.search(gap):
                lead += nl
        block = " " * dash + "-" + " " * (keys - dash - 1) + lines[0] + nl
        block += "".join(" " * keys + line + nl for line in lines[1:])
        changes.append(Change(at, at, lead + block))
    new_text = doc.apply(changes)

    def effect(config: Config, after: list[object]) -> bool:
        return len(config.roles) == len(doc.config.roles) + 1 and after[-1:] == [wanted]

    config = _validated(doc, new_text, role=None, effect=effect)
    return Edited(new_text, f"added {config.roles[-1].id} to {filename}")


# --------------------------------------------------------------------------- log


@dataclass(frozen=True)
class NewEntry:
    """What `runnerup log` appends: one contact, written as one line of the role's `log:`."""

    on: date
    outcome: str
    note: str | None = None
    next: str | None = None  # as typed: an offset (`2 weeks`) or a date (and time)

    def flow(self) -> str:
        """`{on: 2026-12-03, outcome: no-answer, note: ...}`: one entry, one line, so the
        log reads (and diffs) one contact per line."""
        parts = [f"on: {self.on.isoformat()}", f"outcome: {self.outcome}"]
        if self.note:
            parts.append(f"note: {scalar(self.note, flow=True)}")
        if self.next:
            parts.append(f"next: {scalar(self.next, flow=True)}")
        return "{" + ", ".join(parts) + "}"


def log_role(
    text: str, filename: str, role_id: str, entry: NewEntry, today: date | None = None
) -> Edited:
    """Append `entry` to the role's `log:` (creating the key), after every entry there;
    the entries already written are never touched. Refuses a contact in the future and
    one before `decided`, and one after the role has ended (`offer`, `declined`)."""
    doc = _Doc(text, filename)
    role, index, node = doc.role(role_id)
    if today is None:
        today = datetime.now(zone_info(doc.config.timezone)).date()
    if entry.on > today:
        raise EditError(
            f"{entry.on.isoformat()} is in the future (today is {today.isoformat()}): "
            "log a contact once it has happened"
        )
    if entry.on < role.decided:
        raise EditError(
            f"{entry.on.isoformat()} is before {role_id}'s `decided` "
            f"({role.decided.isoformat()}): the log holds follow-ups after the decision"
        )
    ended = next((e for e in role.history if e.ends), None)
    if ended is not None:
        raise EditError(
            f"{role_id} ended with `{ended.outcome}` on {ended.on.isoformat()}, so nothing "
            "more is logged; to reopen it, edit that entry by hand"
        )
    owner = f"role `{role_id}`"
    doc.guard(node, owner, "logging a contact")
    item = entry.flow()
    found = doc.own(node, "log")
    changes: list[Change]
    if found is None:  # absent, or merged in with `<<`: the role gets its own
        if node.flow_style:
            changes = doc.add_keys(node, [("log", f"[{item}]")])
        else:
            at = doc.insertion_point(node, node.start_mark.column)
            indent, nl = " " * node.start_mark.column, doc.newline
            block = f"{indent}log:{nl}{indent}  - {item}{nl}"
            changes = [Change(at, at, doc.lead(at) + block)]
    else:
        key, value = found
        doc.guard(value, f"`log` of {owner}", "adding to it")
        if isinstance(value, yaml.ScalarNode) and value.tag == NULL_TAG:
            changes = [doc.set_value(key, value, f"[{item}]")]
        elif isinstance(value, yaml.SequenceNode) and value.flow_style:
            changes = [doc.flow_append(value, item)]
        elif isinstance(value, yaml.SequenceNode):
            dash = value.start_mark.column
            at = doc.insertion_point(value, dash + 1)
            changes = [Change(at, at, f"{doc.lead(at)}{' ' * dash}- {item}{doc.newline}")]
        else:
            raise EditError(f"`log` of {owner} is not a list; fix it by hand")
    new_text = doc.apply(changes)
    before = len(role.log)

    def effect(config: Config, roles: list[object]) -> bool:
        after = config.roles[index] if index < len(config.roles) else None
        if after is None or after.id != role_id or len(after.log) != before + 1:
            return False
        last = after.log[-1]
        return (last.on, last.outcome, last.note) == (entry.on, entry.outcome, entry.note)

    config = _validated(doc, new_text, role=index, keys=("log",), effect=effect)
    after = config.roles[index]
    lines = [f"logged {entry.outcome} with {role_id} on {entry.on.isoformat()} in {filename}"]
    lines += log_effects(config, role, after)
    return Edited(new_text, "\n".join(lines))


def log_effects(config: Config, before: Role, after: Role) -> list[str]:
    """What a new log entry changes in the calendar, one line each."""
    from ..schedule import plan_role

    zone, yours = config.zone_of(after), config.timezone
    old, new = plan_role(before, zone, yours), plan_role(after, zone, yours)

    def when(call: Call) -> str:
        return f"{call.local_start:%a %Y-%m-%d %H:%M} {call.zone}"

    old_uids = {c.uid for c in old.pending}
    new_uids = {c.uid for c in new.pending}
    lines = [
        f"  answered: {c.label} ({when(c)}): it leaves the calendar"
        for c in old.pending
        if c.uid not in new_uids
    ]
    lines += [f"  new: {c.label}, {when(c)}" for c in new.pending if c.uid not in old_uids]
    for call in new.exhausted[len(old.exhausted) :]:
        lines.append(
            f"  done: the {call.touch.after.label} follow-up after "
            f"{plural(call.attempt, 'try', 'tries')}; no more retries"
        )
    if not after.open:
        return [f"  {after.id} is closed: no events (set `status: open` to resume)"]
    if new.ended is not None:
        lines.append(f"  the role ends ({new.ended.outcome}): no further events")
    elif not new.pending:
        lines.append("  nothing further is planned for this role")
    elif not any(c.uid not in old_uids for c in new.pending):
        nxt = new.pending[0]
        lines.append(f"  next: {nxt.label}, {when(nxt)}")
    lines.append("run `runnerup build` to update the calendar")
    return lines
