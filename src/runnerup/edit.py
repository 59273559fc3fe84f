"""Edits from the command line (`add`, `close`, `pin`) that leave the rest of the file alone.

A round-trip YAML library re-emits the whole document and, however careful, loses
something: a comment's column, quoting, a flow list, blank lines. Here each edit is a
few targeted text changes at positions the YAML parser reports: replace the span of
`status:`'s value, or insert `status: closed` at the role's key indentation after its
last line. Every other byte stays as it was.

PyYAML's composer (composition only: nothing is constructed) gives each node its start
and end offset and style, and keeps `<<` merges apart from a mapping's own keys, which
tells us whether a key is really written inside the role. The text is validated with
`parse_config` before (an edit of a broken file is refused) and after each edit, and the
result is checked for the intended effect before it is written atomically.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from .config import Config, Role, Touch, derive_id, parse_config
from .durations import Offset, ValueProblem, parse_offset
from .errors import ConfigError, RunnerupError
from .source import parse_yaml, read_config_bytes

_MERGE = "tag:yaml.org,2002:merge"
_BOM = b"\xef\xbb\xbf"


class EditError(RunnerupError):
    """An edit that cannot be made as asked; the file is left untouched."""


@dataclass(frozen=True)
class Edited:
    """The new text of the config and one line saying what changed."""

    text: str
    message: str
    changed: bool = True


@dataclass(frozen=True)
class NewRole:
    """What `runnerup add` knows about a role; None means "leave the key out"."""

    company: str
    title: str
    decided: date
    contact: str
    id: str | None = None
    contact_title: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    timezone: str | None = None
    hired: str | None = None
    why_close: str | None = None
    posting: str | None = None
    notes: str | None = None


# --------------------------------------------------------------------------- files


def edit_file(path: Path, change: Callable[[str, str], Edited]) -> Edited:
    """Read the config, apply `change(text, filename)`, validate, write atomically.

    A byte-order mark and CRLF line endings survive; nothing is written when the edit
    changes nothing or fails.
    """
    from .build import write_atomic

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


class _Doc:
    """The config's text, its validated model, and its composed node graph with offsets."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self.config = parse_config(text.encode("utf-8"), filename)  # ConfigError if broken
        self.root = yaml.compose(text, Loader=yaml.SafeLoader)
        self.newline = "\r\n" if "\r\n" in text else "\n"

    # -- finding things

    def role(self, role_id: str) -> tuple[Role, yaml.MappingNode]:
        ids = [r.id for r in self.config.roles]
        if role_id not in ids:
            hint = difflib.get_close_matches(role_id, ids, n=1, cutoff=0.6)
            maybe = f"; did you mean `{hint[0]}`?" if hint else ""
            known = f" (ids: {', '.join(ids)})" if ids else " (it has no roles yet)"
            raise EditError(f"no role with id `{role_id}` in {self.filename}{maybe}{known}")
        role = self.config.roles[ids.index(role_id)]
        index = int(role.path.removeprefix("roles[").removesuffix("]"))
        items = self.roles_list().value
        node = items[index]
        before = items[index - 1].end_mark.index if index else -1
        if node.start_mark.index <= before or not isinstance(node, yaml.MappingNode):
            raise EditError(f"role `{role_id}` is a YAML alias (*name); edit it by hand")
        return role, node

    def roles_list(self) -> yaml.SequenceNode:
        if isinstance(self.root, yaml.SequenceNode):
            return self.root
        found = self.own(self.root, "roles", "the config")
        assert found is not None and isinstance(found[1], yaml.SequenceNode)  # validated
        return found[1]

    def own(
        self, mapping: yaml.Node, key: str, owner: str
    ) -> tuple[yaml.ScalarNode, yaml.Node] | None:
        """`key`'s (key, value) nodes when written in this mapping itself (not merged)."""
        assert isinstance(mapping, yaml.MappingNode)
        for key_node, value in mapping.value:
            if key_node.tag == _MERGE or key_node.value != key:
                continue
            if value.start_mark.index < key_node.end_mark.index:
                raise EditError(f"`{key}` of {owner} is a YAML alias (*name); edit it by hand")
            return key_node, value
        return None

    # -- positions

    def line_after(self, index: int) -> int:
        """Where the line holding `index` ends (after its line break)."""
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found + 1

    def content_end(self, node: yaml.Node) -> int:
        """Where the node's own text ends (a block scalar's trailing blank lines excluded)."""
        if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
            key, value = node.value[-1]
            if value.start_mark.index < key.end_mark.index:  # an alias: its token is there
                return self.line_after(key.end_mark.index) - 1
            return self.content_end(value)
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            last = node.value[-1]
            if last.start_mark.index < node.start_mark.index:
                return self.line_after(node.value[-1].end_mark.index) - 1
            return self.content_end(last)
        end = node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
                end -= 1
        return end

    def insertion_point(self, node: yaml.Node, comments_from: int) -> int:
        """Where a new line after the node's last line goes: after the comment lines that
        follow it indented at least `comments_from` (they belong to it); a `|+` value
        keeps its trailing blank lines."""
        end = self.content_end(node)
        at = self.line_after(end)
        leaf = node
        while isinstance(leaf, (yaml.MappingNode, yaml.SequenceNode)) and not leaf.flow_style:
            child = leaf.value[-1][1] if isinstance(leaf, yaml.MappingNode) else leaf.value[-1]
            if child.start_mark.index < leaf.start_mark.index:  # an alias
                break
            leaf = child
        if isinstance(leaf, yaml.ScalarNode) and leaf.style in ("|", ">"):
            header = self.text[leaf.start_mark.index :].split(None, 1)[0]
            if "+" in header:
                at = self.text.rfind("\n", 0, leaf.end_mark.index) + 1
        while at < len(self.text):
            line = self.text[at : self.line_after(at)]
            body = line.lstrip(" ")
            if not body.startswith("#") or len(line) - len(body) < comments_from:
                break
            at = self.line_after(at)
        return at

    def add_keys(self, mapping: yaml.MappingNode, lines: list[str]) -> list[_Change]:
        """Changes that add `key: value` lines at the end of a mapping, in its own style."""
        if mapping.flow_style:
            end = mapping.end_mark.index - 1  # the closing brace
            while self.text[end - 1] in " \t\r\n":
                end -= 1
            comma = ", " if mapping.value else ""
            return [_Change(end, end, comma + ", ".join(lines))]
        at = self.insertion_point(mapping, mapping.start_mark.column)
        indent = " " * mapping.start_mark.column
        lead = self.newline if at == len(self.text) and not self.text.endswith("\n") else ""
        block = "".join(f"{indent}{line}{self.newline}" for line in lines)
        return [_Change(at, at, lead + block)]

    def add_block_line(self, value: yaml.ScalarNode, line: str) -> _Change:
        """A change that adds a line at the end of a `|` or `>` block scalar."""
        first = self.line_after(value.start_mark.index)
        while first < len(self.text) and not self.text[first : self.line_after(first)].strip():
            first = self.line_after(first)
        content = self.text[first : self.line_after(first)]
        indent = content[: len(content) - len(content.lstrip(" "))]
        at = self.line_after(self.content_end(value))
        lead = self.newline if at == len(self.text) and not self.text.endswith("\n") else ""
        return _Change(at, at, f"{lead}{indent}{line}{self.newline}")

    def replace_value(self, value: yaml.Node, new: str) -> _Change:
        return _Change(value.start_mark.index, self.content_end(value), new)

    def apply(self, changes: list[_Change]) -> str:
        """Apply changes from the end backwards; insertions at one place keep list order."""
        text = self.text
        order = sorted(enumerate(changes), key=lambda ic: (ic[1].start, ic[1].end, ic[0]))
        for _, change in reversed(order):
            text = text[: change.start] + change.new + text[change.end :]
        return text


@dataclass(frozen=True)
class _Change:
    start: int
    end: int
    new: str


def _validated(text: str, filename: str, check: Callable[[Config], bool]) -> Config:
    """Parse the edited text; refuse it if broken or if the edit missed its target."""
    try:
        config = parse_config(text.encode("utf-8"), filename)
    except ConfigError as exc:
        problems = "\n".join(f"  {p}" for p in exc.problems)
        raise EditError(
            f"the edit would leave {filename} invalid, so nothing was written:\n{problems}"
        ) from None
    if not check(config):
        raise EditError(
            f"the edit of {filename} did not have the intended effect, so nothing was "
            "written (please report this, with the file)"
        )
    return config


# --------------------------------------------------------------------------- YAML text


def scalar(value: str, *, flow: bool = False) -> str:
    """`value` as a YAML scalar: plain when it reads back as the same text, else quoted."""
    if value and value == value.strip() and "\n" not in value and _plain_ok(value, flow):
        return value
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable() and ch not in "\u2028\u2029\x85\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _plain_ok(value: str, flow: bool) -> bool:
    if flow and any(c in value for c in ",[]{}"):
        return False
    if not all(c.isprintable() for c in value):
        return False
    try:
        node = yaml.compose(f"k: {value}\n", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    parsed = node.value[0][1]
    return (
        isinstance(parsed, yaml.ScalarNode)
        and parsed.value == value
        and parsed.tag == "tag:yaml.org,2002:str"
    )


def _when_text(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M}" + (f":{when.second:02d}" if when.second else "")


def _offset_text(offset: Offset) -> str:
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for unit, n in (
            ("year", offset.years),
            ("month", offset.months),
            ("week", offset.weeks),
            ("day", offset.days),
        )
        if n
    ]
    return " ".join(parts) or "0 days"


# --------------------------------------------------------------------------- close


def close_role(text: str, filename: str, role_id: str, note: str | None = None) -> Edited:
    """Set the role's `status: closed`; a note goes into `notes:` (added after any there)."""
    doc = _Doc(text, filename)
    role, node = doc.role(role_id)
    owner = f"role `{role_id}`"
    note = note.strip() if note else None
    changes: list[_Change] = []
    new_lines: list[str] = []
    status = doc.own(node, "status", owner)
    if not role.open and note is None:
        return Edited(text, f"{role_id} was already closed; {filename} is unchanged", False)
    if role.open:
        if status is not None and status[1].tag != "tag:yaml.org,2002:null":
            changes.append(doc.replace_value(status[1], "closed"))
        elif status is not None:  # `status:` with no value
            changes.append(
                _Change(
                    doc.text.index(":", status[0].end_mark.index),
                    status[1].end_mark.index,
                    ": closed",
                )
            )
        else:
            new_lines.append("status: closed")
    if note:
        notes = doc.own(node, "notes", owner)
        if notes is not None and notes[1].style in ("|", ">") and "\n" not in note:
            changes.append(doc.add_block_line(notes[1], note))
        elif notes is not None and notes[1].tag != "tag:yaml.org,2002:null":
            old = str(notes[1].value).rstrip()
            joined = f"{old}{chr(10) if chr(10) in old else ' '}{note}"
            changes.append(doc.replace_value(notes[1], scalar(joined, flow=bool(node.flow_style))))
        elif notes is not None:
            start = doc.text.index(":", notes[0].end_mark.index)
            changes.append(
                _Change(
                    start, notes[1].end_mark.index, ": " + scalar(note, flow=bool(node.flow_style))
                )
            )
        else:
            new_lines.append("notes: " + scalar(note, flow=bool(node.flow_style)))
    if new_lines:
        changes += doc.add_keys(node, new_lines)
    new_text = doc.apply(changes)

    def effect(config: Config) -> bool:
        after = next((r for r in config.roles if r.id == role_id), None)
        return after is not None and not after.open and (not note or note in (after.notes or ""))

    _validated(new_text, filename, effect)
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
    from .schedule import schedule

    doc = _Doc(text, filename)
    role, node = doc.role(role_id)
    if today is None:
        today = datetime.now(ZoneInfo(doc.config.timezone)).date()
    if not role.open:
        raise EditError(f"{role_id} is closed; set `status: open` before pinning a call")
    if not isinstance(when, datetime):
        when = datetime.combine(when, role.settings.call_time)
    touch = _chosen_touch(doc.config, role, today, after, schedule)
    owner = f"role `{role_id}`"
    at = _when_text(when)
    follow_up = doc.own(node, "follow_up", owner)
    changes: list[_Change]
    if follow_up is None or follow_up[1].tag == "tag:yaml.org,2002:null":
        # Inherited from defaults: the role's own list replaces the defaults', so copy
        # every inherited touchpoint and pin the chosen one.
        items = [
            "{after: "
            + _offset_text(t.after)
            + ", at: "
            + _when_text(when if t is touch else t.at)  # type: ignore[arg-type]
            + "}"
            if t is touch or t.at
            else _offset_text(t.after)
            for t in role.settings.follow_up
        ]
        value = items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"
        if follow_up is not None:
            start = doc.text.index(":", follow_up[0].end_mark.index)
            changes = [_Change(start, follow_up[1].end_mark.index, ": " + value)]
        else:
            changes = doc.add_keys(node, [f"follow_up: {value}"])
    else:
        changes = _pin_in(doc, follow_up[1], touch, at, owner)
    new_text = doc.apply(changes)

    def effect(config: Config) -> bool:
        after_edit = next((r for r in config.roles if r.id == role_id), None)
        return after_edit is not None and any(
            t.after.canonical == touch.after.canonical and t.at == when
            for t in after_edit.settings.follow_up
        )

    _validated(new_text, filename, effect)
    return Edited(
        new_text,
        f"pinned the {touch.after.label} call of {role_id} to {at} "
        f"({doc.config.zone_of(role)}) in {filename}",
    )


def _chosen_touch(
    config: Config, role: Role, today: date, after: str | None, schedule: Callable
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
        known = ", ".join(f"`{_offset_text(t.after)}`" for t in touches)
        raise EditError(f"{role.id} has no touchpoint {after!r} (it has {known})")
    zone = ZoneInfo(config.timezone)
    # Retries and `next` touchpoints come from the log, not from `follow_up`: not pinnable.
    calls = [c for c in schedule(config) if c.role.id == role.id and c.kind == "planned"]
    for call in calls:
        if call.start.astimezone(zone).date() >= today:
            return call.touch
    last = calls[-1].start.astimezone(zone).date().isoformat() if calls else "none"
    raise EditError(
        f"every call of {role.id} is past (the last was on {last}); to reschedule one, "
        "name it with --after, e.g. --after '90 days'"
    )


def _offset_of(doc: _Doc, item: yaml.Node) -> str | None:
    """The canonical offset a follow_up item stands for, and None for a broken one."""
    source = item
    if isinstance(item, yaml.MappingNode):
        found = doc.own(item, "after", "a touchpoint")
        if found is None:
            return None
        source = found[1]
    if not isinstance(source, yaml.ScalarNode):
        return None
    try:
        return parse_offset(source.value).canonical
    except ValueProblem:
        return None


def _pin_in(doc: _Doc, value: yaml.Node, touch: Touch, at: str, owner: str) -> list[_Change]:
    """Changes that pin `touch` inside the role's own `follow_up` value."""
    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
    for item in items:
        if item.start_mark.index < value.start_mark.index:
            continue  # an alias to a touchpoint written elsewhere
        if _offset_of(doc, item) != touch.after.canonical:
            continue
        if isinstance(item, yaml.ScalarNode):
            source = doc.text[item.start_mark.index : doc.content_end(item)]
            if item.style is None and any(c in source for c in ",[]{}#"):
                source = scalar(item.value, flow=True)
            return [doc.replace_value(item, f"{{after: {source}, at: {at}}}")]
        assert isinstance(item, yaml.MappingNode)
        found = doc.own(item, "at", owner)
        if found is not None and found[1].tag != "tag:yaml.org,2002:null":
            return [doc.replace_value(found[1], at)]
        if found is not None:
            start = doc.text.index(":", found[0].end_mark.index)
            return [_Change(start, found[1].end_mark.index, f": {at}")]
        return doc.add_keys(item, [f"at: {at}"])
    raise EditError(f"cannot find the {touch.after.label} touchpoint of {owner}; pin it by hand")


# --------------------------------------------------------------------------- add


def add_role(text: str, filename: str, new: NewRole) -> Edited:
    """Append a role at the end of `roles:` in the style of the roles already there."""
    doc = _Doc(text, filename)
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
    lines = [f"company: {scalar(new.company)}", f"title: {scalar(new.title)}"]
    lines.append(f"decided: {new.decided.isoformat()}")
    if new.id:
        lines.append(f"id: {scalar(new.id)}")
    lines.append("contact:")
    lines += [f"  {key}: {scalar(value)}" for key, value in contact]
    for key, value in (
        ("hired", new.hired),
        ("why_close", new.why_close),
        ("posting", new.posting),
        ("notes", new.notes),
    ):
        if value:
            lines.append(f"{key}: {scalar(value)}")

    roles = doc.roles_list()
    nl = doc.newline
    changes: list[_Change] = []
    if roles.flow_style:
        if roles.value:
            raise EditError(
                f"`roles` in {filename} is written as a [...] list; add the role by hand, "
                "or write the list one `- ` item per line"
            )
        # `roles: []`: drop the brackets, then start a block list on the next line.
        assert isinstance(doc.root, yaml.MappingNode)
        key = doc.own(doc.root, "roles", "the config")
        assert key is not None
        colon = doc.text.index(":", key[0].end_mark.index)
        changes.append(_Change(colon, roles.end_mark.index, ":"))
        dash = key[0].start_mark.column + 2
        keys = dash + 2
        at = doc.line_after(roles.end_mark.index)
        lead = nl if at == len(doc.text) and not doc.text.endswith("\n") else ""
    else:
        dash = roles.start_mark.column
        first = roles.value[0]
        keys = (
            first.start_mark.column if first.start_mark.line == roles.start_mark.line else dash + 2
        )
        keys = max(keys, dash + 2)
        at = doc.insertion_point(roles, dash + 1)
        lead = nl if at == len(doc.text) and not doc.text.endswith("\n") else ""
        if len(roles.value) >= 2:
            gap = doc.text[doc.content_end(roles.value[-2]) : roles.value[-1].start_mark.index]
            if re.search(r"\n[ \t]*\r?\n", gap):
                lead += nl
    block = " " * dash + "- " + lines[0] + nl
    block += "".join(" " * keys + line + nl for line in lines[1:])
    changes.append(_Change(at, at, lead + block))
    new_text = doc.apply(changes)
    before = len(doc.config.roles)
    config = _validated(new_text, filename, lambda c: len(c.roles) == before + 1)
    role_id = config.roles[-1].id
    return Edited(new_text, f"added {role_id} to {filename}")


# --------------------------------------------------------------------------- completion


def role_ids(path: Path, *, open_only: bool = True) -> list[tuple[str, str]]:
    """(id, "Company — Title") of the roles in a config, for shell completion.

    Best effort, never raising: a config with errors still offers the ids it can tell.
    """
    try:
        data = read_config_bytes(path)
    except Exception:
        return []
    try:
        config = parse_config(data, str(path), system_zone="UTC")
    except Exception:
        return _ids_from_tree(data, str(path))
    return [(r.id, f"{r.company} — {r.title}") for r in config.roles if r.open or not open_only]


def _ids_from_tree(data: bytes, filename: str) -> list[tuple[str, str]]:
    try:
        tree = parse_yaml(data, filename)
    except Exception:
        return []
    items = tree.items if tree.kind == "seq" else []
    if tree.kind == "map" and "roles" in tree.entries:
        items = tree.entries["roles"][1].items
    out: list[tuple[str, str]] = []
    for item in items:
        entries = {k: v.text for k, (_, v) in item.entries.items() if v.kind == "scalar"}
        company, title = entries.get("company", "").strip(), entries.get("title", "").strip()
        role_id = entries.get("id", "").strip()
        if not role_id:
            try:
                decided = date.fromisoformat(entries.get("decided", "").strip())
            except ValueError:
                continue
            role_id = derive_id(company, title, decided)
        out.append((role_id, f"{company} — {title}".strip(" —")))
    return out


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
    one after the role has ended (`offer`, `declined`)."""
    doc = _Doc(text, filename)
    role, node = doc.role(role_id)
    if today is None:
        today = datetime.now(ZoneInfo(doc.config.timezone)).date()
    if entry.on > today:
        raise EditError(
            f"{entry.on.isoformat()} is in the future (today is {today.isoformat()}): "
            "log a contact once it has happened"
        )
    ended = next((e for e in role.history if e.ends), None)
    if ended is not None:
        raise EditError(
            f"{role_id} ended with `{ended.outcome}` on {ended.on.isoformat()}, so nothing "
            "more is logged; to reopen it, edit that entry by hand"
        )
    owner = f"role `{role_id}`"
    item = entry.flow()
    found = doc.own(node, "log", owner)
    changes: list[_Change]
    if found is None:
        if node.flow_style:
            changes = doc.add_keys(node, [f"log: [{item}]"])
        else:
            changes = doc.add_keys(node, ["log:", f"  - {item}"])
    else:
        value = found[1]
        if value.tag == "tag:yaml.org,2002:null":
            start = doc.text.index(":", found[0].end_mark.index)
            changes = [_Change(start, value.end_mark.index, f": [{item}]")]
        elif isinstance(value, yaml.SequenceNode) and value.flow_style:
            end = value.end_mark.index - 1  # the closing bracket
            while doc.text[end - 1] in " \t\r\n":
                end -= 1
            changes = [_Change(end, end, (", " if value.value else "") + item)]
        elif isinstance(value, yaml.SequenceNode):
            dash = value.start_mark.column
            at = doc.insertion_point(value, dash + 1)
            lead = doc.newline if at == len(doc.text) and not doc.text.endswith("\n") else ""
            changes = [_Change(at, at, f"{lead}{' ' * dash}- {item}{doc.newline}")]
        else:
            raise EditError(f"`log` of {owner} is not a list; fix it by hand")
    new_text = doc.apply(changes)
    before = len(role.log)

    def effect(config: Config) -> bool:
        after = next((r for r in config.roles if r.id == role_id), None)
        if after is None or len(after.log) != before + 1:
            return False
        last = after.log[-1]
        return (last.on, last.outcome, last.note) == (entry.on, entry.outcome, entry.note)

    config = _validated(new_text, filename, effect)
    after = next(r for r in config.roles if r.id == role_id)
    lines = [f"logged {entry.outcome} with {role_id} on {entry.on.isoformat()} in {filename}"]
    lines += log_effects(config, role, after)
    return Edited(new_text, "\n".join(lines))


def log_effects(config: Config, before: Role, after: Role) -> list[str]:
    """What a new log entry changes in the calendar, one line each."""
    from .schedule import plan_role

    zone, yours = config.zone_of(after), config.timezone
    old, new = plan_role(before, zone, yours), plan_role(after, zone, yours)

    def when(call: object) -> str:
        local = call.local_start  # type: ignore[attr-defined]
        return f"{local:%a %Y-%m-%d %H:%M} {call.zone}"  # type: ignore[attr-defined]

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
            f"  done: the {call.touch.after.label} follow-up after {call.attempt} "
            f"tr{'y' if call.attempt == 1 else 'ies'}; no more retries"
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
