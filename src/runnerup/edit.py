"""Edits from the command line (`add`, `close`, `pin`) that leave the rest of the file alone.

A round-trip YAML library re-emits the whole document and, however careful, loses
something: a comment's column, quoting, a flow list, blank lines. Here each edit is a
few targeted text changes at positions the YAML parser reports: replace the span of
`status:`'s value, or insert `status: closed` at the role's key indentation after its
last line. Every other byte stays as it was.

The nodes come from the parser events `parse_config` reads (libyaml when built in, so a
file both read the same way), composed here to keep what PyYAML's composer drops: where
an alias is written, which node carries an anchor, each node's parent. `<<` merges stay
apart from a mapping's own keys, which tells us whether a key is really written inside
the role. The text is validated with `parse_config` before (an edit of a broken file is
refused) and after each edit; then the whole document, aliases and merges expanded, is
compared with the original, so an edit that would change anything but its target (a
value shared through an anchor, say) is refused instead of written.
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

from .durations import Offset, ValueProblem, parse_offset
from .errors import ConfigError, RunnerupError
from .files import locked, write_atomic
from .model import Config, Role, Touch
from .source import Node, _Loader, parse_yaml, read_config_bytes
from .validate import derive_id, parse_config

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

_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Every line break YAML knows: a CR-only or NEL-separated file has lines too."""
_BLANK_LINE = re.compile("(?:\r\n|[\n\r\x85\u2028\u2029])[ \t]*(?:\r\n|[\n\r\x85\u2028\u2029])")
_NULLS = {"", "~", "null", "Null", "NULL"}
_NL = "\n"
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


class _AliasNode(yaml.Node):
    """An alias (`*name`) where it is written; `target` is the anchored node it repeats."""

    id = "alias"

    def __init__(self, target: yaml.Node, anchor: str, start: yaml.Mark, end: yaml.Mark) -> None:
        super().__init__(target.tag, target.value, start, end)
        self.target = target
        self.anchor = anchor
        self.style = getattr(target, "style", None)
        self.flow_style = getattr(target, "flow_style", None)


class _Graph:
    """The document composed from the same parser events `parse_config` reads, keeping
    what PyYAML's composer drops: where each alias is written, which node carries which
    anchor, and each node's parent."""

    def __init__(self, text: str) -> None:
        self.parents: dict[int, yaml.Node] = {}
        self.anchor_of: dict[int, str] = {}
        self.uses: dict[str, list[_AliasNode]] = {}
        self.root: yaml.Node | None = None
        anchors: dict[str, yaml.Node] = {}
        stack: list[tuple[yaml.Node, list[yaml.Node]]] = []

        def attach(node: yaml.Node) -> None:
            if stack:
                self.parents[id(node)] = stack[-1][0]
                stack[-1][1].append(node)
            elif self.root is None:
                self.root = node

        for event in yaml.parse(text, Loader=_Loader):
            node: yaml.Node
            if isinstance(event, yaml.AliasEvent):
                target = anchors[event.anchor]
                node = _AliasNode(target, event.anchor, event.start_mark, event.end_mark)
                self.uses.setdefault(event.anchor, []).append(node)
                attach(node)
                continue
            if isinstance(event, yaml.ScalarEvent):
                style = event.style or None  # libyaml says "" for plain
                tag = _STR
                if style is None and event.implicit[0]:
                    tag = (
                        _MERGE if event.value == "<<" else _NULL if event.value in _NULLS else _STR
                    )
                elif event.tag not in (None, "!"):
                    tag = event.tag
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style)
                attach(node)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else None
                node = (kind or yaml.MappingNode)(
                    event.tag or "", [], event.start_mark, event.end_mark, event.flow_style
                )
                attach(node)
                stack.append((node, []))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node, children = stack.pop()
                node.end_mark = event.end_mark
                if isinstance(node, yaml.MappingNode):
                    node.value = list(zip(children[::2], children[1::2], strict=True))
                else:
                    node.value = children
                continue
            else:
                continue
            if event.anchor is not None:
                anchors[event.anchor] = node
                self.anchor_of[id(node)] = event.anchor


class _Doc:
    """The config's text, its validated model and located tree, and its node graph."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        data = text.encode("utf-8", "surrogatepass")
        self.config = parse_config(data, filename)  # ConfigError if broken
        self.data = _plain(parse_yaml(data, filename))
        graph = _Graph(text)
        assert graph.root is not None  # a valid config is never empty
        self.root = graph.root
        self.graph = graph
        breaks = _BREAK.findall(text)
        self.newline = (
            max(("\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"), key=breaks.count)
            if breaks
            else "\n"
        )

    def line_of(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + 1

    # -- finding things

    def role(self, role_id: str) -> tuple[Role, int, yaml.Node]:
        ids = [r.id for r in self.config.roles]
        if role_id not in ids:
            hint = difflib.get_close_matches(role_id, ids, n=1, cutoff=0.6)
            maybe = f"; did you mean `{hint[0]}`?" if hint else ""
            known = f" (ids: {', '.join(ids)})" if ids else " (it has no roles yet)"
            raise EditError(f"no role with id `{role_id}` in {self.filename}{maybe}{known}")
        role = self.config.roles[ids.index(role_id)]
        index = int(role.path.removeprefix("roles[").removesuffix("]"))
        return role, index, self.roles_list().value[index]

    def roles_list(self) -> yaml.Node:
        if not isinstance(self.root, yaml.MappingNode):
            return self.root
        found = self.own(self.root, "roles")
        assert found is not None  # validated
        return found[1]

    def own(self, mapping: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        """`key`'s (key, value) nodes when written in this mapping itself (not merged)."""
        if isinstance(mapping, _AliasNode):
            mapping = mapping.target
        assert isinstance(mapping, yaml.MappingNode)
        for key_node, value in mapping.value:
            if key_node.tag != _MERGE and key_node.value == key:
                return key_node, value
        return None

    def guard(self, node: yaml.Node, what: str, doing: str) -> None:
        """Refuse to change a node that other places share through an anchor.

        Changing an alias (`*fu`) or anything inside an anchored value that an alias
        repeats would change every place that uses the anchor, which is never what
        `close` or `pin` of one role means. An anchor nothing refers to is harmless.
        """
        if isinstance(node, _AliasNode):
            raise EditError(
                f"{what} in {self.filename} is the alias *{node.anchor} (line "
                f"{self.line_of(node)}), which repeats the value anchored as &{node.anchor} at "
                f"line {self.line_of(node.target)}: {doing} would change every place that "
                f"uses &{node.anchor}. Replace *{node.anchor} with a copy of the value, then "
                "run this again"
            )
        current: yaml.Node | None = node
        while current is not None:
            anchor = self.graph.anchor_of.get(id(current))
            uses = self.graph.uses.get(anchor or "")
            if anchor and uses:
                inside = "carries" if current is node else "is inside a value that carries"
                raise EditError(
                    f"{what} in {self.filename} {inside} the anchor &{anchor} (line "
                    f"{self.line_of(current)}), which *{anchor} repeats at line "
                    f"{self.line_of(uses[0])}: {doing} would change that place too. Give "
                    f"each place its own copy instead of *{anchor}, then run this again"
                )
            current = self.graph.parents.get(id(current))

    # -- positions

    def line_after(self, index: int) -> int:
        """Where the line holding `index` ends (after its line break)."""
        found = _BREAK.search(self.text, index)
        return len(self.text) if found is None else found.end()

    def line_start(self, index: int) -> int:
        """Where the line holding `index` starts."""
        starts = [m.end() for m in _BREAK.finditer(self.text, 0, index)]
        return starts[-1] if starts else 0

    def lead(self, at: int) -> str:
        """A line break to put first when inserting lines at `at` (the file's end without
        a final line break)."""
        if at == len(self.text) and self.text and not _BREAK.search(self.text[-2:]):
            return self.newline
        return ""

    def content_end(self, node: yaml.Node) -> int:
        """Where the node's own text ends (a block scalar's trailing blank lines excluded)."""
        if isinstance(node, _AliasNode):
            return int(node.end_mark.index)
        if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
            return self.content_end(node.value[-1][1])
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            return self.content_end(node.value[-1])
        end = int(node.end_mark.index)
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            while end > node.start_mark.index and self.text[end - 1] in " \t\r\n\x85\u2028\u2029":
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
            leaf = leaf.value[-1][1] if isinstance(leaf, yaml.MappingNode) else leaf.value[-1]
        if isinstance(leaf, yaml.ScalarNode) and "+" in self.block_header(leaf):
            at = max(at, self.line_start(leaf.end_mark.index))
        while at < len(self.text):
            line = self.text[at : self.line_after(at)]
            body = line.lstrip(" ")
            if not body.startswith("#") or len(line) - len(body) < comments_from:
                break
            at = self.line_after(at)
        return at

    def block_header(self, value: yaml.ScalarNode) -> str:
        """A block scalar's indicators: `|`, `>-`, `|2+`..."""
        match = re.match(r"[|>][0-9+-]*", self.text[value.start_mark.index :])
        return match.group() if match else ""

    def add_keys(self, mapping: yaml.Node, pairs: list[tuple[str, str]]) -> list[_Change]:
        """Changes that add `key: value` entries at the end of a mapping, in its own style;
        each value already written as YAML for that style."""
        if mapping.flow_style:
            text = ", ".join(f"{key}: {value}" for key, value in pairs)
            return [self.flow_append(mapping, text)]
        at = self.insertion_point(mapping, mapping.start_mark.column)
        indent = " " * mapping.start_mark.column
        block = "".join(f"{indent}{key}: {value}{self.newline}" for key, value in pairs)
        return [_Change(at, at, self.lead(at) + block)]

    def flow_append(self, collection: yaml.Node, text: str) -> _Change:
        """A change that adds `text` as the last entry of a flow `{...}` or `[...]`: right
        after the last entry, so a trailing comma or a comment before the bracket stays."""
        entries = collection.value
        if not entries:
            at = collection.start_mark.index + 1
            return _Change(at, at, text)
        last = entries[-1][1] if isinstance(collection, yaml.MappingNode) else entries[-1]
        at = self.content_end(last)
        if isinstance(last, yaml.ScalarNode) and last.tag == _NULL and last.style is None:
            key = entries[-1][0] if isinstance(collection, yaml.MappingNode) else last
            at = max(at, self.content_end(key))
        return _Change(at, at, ", " + text)

    def set_value(self, key: yaml.Node, value: yaml.Node, new: str) -> _Change:
        """A change that makes `new` the value of `key` (written or empty)."""
        if not (isinstance(value, yaml.ScalarNode) and value.tag == _NULL and not value.value):
            return _Change(value.start_mark.index, self.content_end(value), new)
        at = self.content_end(key)
        while at < len(self.text) and self.text[at] in " \t":
            at += 1
        if self.text.startswith(":", at):
            return _Change(at, at + 1, ": " + new)
        return _Change(self.content_end(key), self.content_end(key), ": " + new)

    def add_block_line(self, key: yaml.Node, value: yaml.ScalarNode, line: str) -> _Change:
        """A change that adds a line at the end of a `|` or `>` block scalar, at the
        block's own indentation (an indentation indicator such as `|2` sets it)."""
        digits = re.findall(r"[1-9]", self.block_header(value))
        if digits:
            parent = self.graph.parents.get(id(value))
            base = parent.start_mark.column if parent is not None else key.start_mark.column
            indent = " " * (int(base) + int(digits[0]))
        else:
            first = self.line_after(value.start_mark.index)
            while first < len(self.text) and not self.text[first : self.line_after(first)].strip():
                first = self.line_after(first)
            content = self.text[first : self.line_after(first)]
            indent = content[: len(content) - len(content.lstrip(" "))]
        at = self.line_after(self.content_end(value))
        return _Change(at, at, f"{self.lead(at)}{indent}{line}{self.newline}")

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
    if role is not None and role < len(roles) and isinstance(roles[role], dict):
        roles[role] = {k: v for k, v in roles[role].items() if k not in keys}  # type: ignore[union-attr]
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


# --------------------------------------------------------------------------- YAML text


def scalar(value: str, *, flow: bool = False) -> str:
    """`value` as a YAML scalar: plain when it reads back as the same text, else quoted."""
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise EditError(f"{value!r} is not valid text (a byte that is not UTF-8?)")
    if value and value == value.strip() and _plain_ok(value, flow):
        return value
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch.isprintable() and ch not in "\u2028\u2029\x85\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _plain_ok(value: str, flow: bool) -> bool:
    """Whether `value` written plain reads back as the same text, for runnerup's parser
    and for a YAML 1.1 reader (which would make `no` a boolean), in block or flow."""
    if not all(c.isprintable() for c in value):
        return False
    if flow and any(c in value for c in ",[]{}"):
        return False
    tries = [(f"k: {value}\n", yaml.SafeLoader), (f"k: {value}\n", _Loader)]
    if flow:
        tries += [(f"{{k: {value}}}\n", _Loader), (f"[{value}]\n", _Loader)]
    for wrapped, loader in tries:
        try:
            node = yaml.compose(wrapped, Loader=loader)
        except yaml.YAMLError:
            return False
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            parsed = node.value[0][1]
        elif isinstance(node, yaml.SequenceNode) and len(node.value) == 1:
            parsed = node.value[0]
        else:
            return False
        if not isinstance(parsed, yaml.ScalarNode) or parsed.value != value:
            return False
        if loader is yaml.SafeLoader and parsed.tag != _STR:
            return False
    return True


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
    base: list[_Change] = []
    pairs: list[tuple[str, str]] = []
    if role.open:
        status = doc.own(node, "status")
        if status is not None:
            doc.guard(status[1], f"`status` of {owner}", "closing it")
            base.append(doc.set_value(*status, "closed"))
        else:
            pairs.append(("status", "closed"))
    # Ways to write the note, each with the notes text it gives; tidiest first.
    ways: list[tuple[list[_Change], list[tuple[str, str]], str | None]] = []
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
            if block and old and _NL not in note:
                line = f"{old}{_NL if value.style == '|' else ' '}{note}"
                ways.append(([doc.add_block_line(notes[0], value, note)], [], line))
            ways.append(([doc.set_value(*notes, scalar(joined, flow=flow))], [], joined))
    else:
        ways.append(([], [], role.notes))

    candidates = []
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
    from .schedule import schedule

    doc = _Doc(text, filename)
    role, index, node = doc.role(role_id)
    if today is None:
        today = datetime.now(ZoneInfo(doc.config.timezone)).date()
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
    changes: list[_Change]
    if follow_up is None or follow_up[1].tag == _NULL:
        # Inherited from defaults (or merged in): the role's own list replaces it, so
        # copy every inherited touchpoint and pin the chosen one.
        items = [
            "{after: "
            + _offset_text(t.after)
            + ", at: "
            + _when_text(when if i == chosen else t.at)  # type: ignore[arg-type]
            + "}"
            if i == chosen or t.at
            else _offset_text(t.after)
            for i, t in enumerate(touches)
        ]
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
    example = f"--after '{_offset_text(touches[-1].after)}'"  # one this role really has
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
    source = item.target if isinstance(item, _AliasNode) else item
    if isinstance(source, yaml.MappingNode):
        found = doc.own(source, "after")
        if found is None:
            return None
        source = found[1]
        source = source.target if isinstance(source, _AliasNode) else source
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
        if _offset_of(doc, item) != touch.after.canonical:
            continue
        what = f"the {touch.after.label} touchpoint of {owner}"
        doc.guard(item, what, "pinning it")
        if isinstance(item, yaml.ScalarNode):
            source = doc.text[item.start_mark.index : doc.content_end(item)]
            if _BREAK.search(source) or (item.style is None and any(c in source for c in ",[]{}#")):
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
        root = _Graph(text).root
    except (yaml.YAMLError, KeyError, ValueError):
        return text  # parse_config reports it
    if not isinstance(root, yaml.MappingNode):
        return text
    for key, value in root.value:
        if key.value == "roles" and isinstance(value, yaml.ScalarNode) and value.tag == _NULL:
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
    changes: list[_Change] = []
    if roles.flow_style and (roles.value or roles is doc.root or doc.root.flow_style):
        changes.append(doc.flow_append(roles, _flow_role(fields, contact)))
    else:
        if roles.flow_style:
            # `roles: []`: drop the brackets, then start a block list on the next line.
            assert isinstance(doc.root, yaml.MappingNode)
            key = doc.own(doc.root, "roles")
            assert key is not None
            colon = doc.text.index(":", doc.content_end(key[0]))
            changes.append(_Change(colon, roles.end_mark.index, ":"))
            dash = key[0].start_mark.column + 2
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
            if _BLANK_LINE.search(gap):
                lead += nl
        block = " " * dash + "-" + " " * (keys - dash - 1) + lines[0] + nl
        block += "".join(" " * keys + line + nl for line in lines[1:])
        changes.append(_Change(at, at, lead + block))
    new_text = doc.apply(changes)

    def effect(config: Config, after: list[object]) -> bool:
        return len(config.roles) == len(doc.config.roles) + 1 and after[-1:] == [wanted]

    config = _validated(doc, new_text, role=None, effect=effect)
    return Edited(new_text, f"added {config.roles[-1].id} to {filename}")


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
    one before `decided`, and one after the role has ended (`offer`, `declined`)."""
    doc = _Doc(text, filename)
    role, index, node = doc.role(role_id)
    if today is None:
        today = datetime.now(ZoneInfo(doc.config.timezone)).date()
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
    changes: list[_Change]
    if found is None:  # absent, or merged in with `<<`: the role gets its own
        if node.flow_style:
            changes = doc.add_keys(node, [("log", f"[{item}]")])
        else:
            at = doc.insertion_point(node, node.start_mark.column)
            indent, nl = " " * node.start_mark.column, doc.newline
            block = f"{indent}log:{nl}{indent}  - {item}{nl}"
            changes = [_Change(at, at, doc.lead(at) + block)]
    else:
        key, value = found
        doc.guard(value, f"`log` of {owner}", "adding to it")
        if isinstance(value, yaml.ScalarNode) and value.tag == _NULL:
            changes = [doc.set_value(key, value, f"[{item}]")]
        elif isinstance(value, yaml.SequenceNode) and value.flow_style:
            changes = [doc.flow_append(value, item)]
        elif isinstance(value, yaml.SequenceNode):
            dash = value.start_mark.column
            at = doc.insertion_point(value, dash + 1)
            changes = [_Change(at, at, f"{doc.lead(at)}{' ' * dash}- {item}{doc.newline}")]
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
