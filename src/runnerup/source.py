"""The located tree: a config file read (bounded) and its YAML parsed into `Node`s that
remember where every value came from. Never validates: every scalar stays text for the
validator to judge, and the only problems found here are the file's and the YAML's.

PyYAML's constructors lose positions, silently keep the last of two equal keys, and build
`!!python/...` objects on request. So runnerup only *parses* the document (no object is
ever constructed) and turns the parser's events into `Node`s itself: every scalar stays text
with its line and column, and the validator decides what the text means.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .errors import ConfigError, Problem
from .files import FileRefused, read_regular

try:  # libyaml keeps line numbers too, and composes several times faster.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    # The pure-Python loader: another class, with the same parser interface.
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

if TYPE_CHECKING:
    from typing import TypeAlias

    from yaml._yaml import Mark as _CMark

    _Mark: TypeAlias = yaml.Mark | _CMark  # libyaml's marks are a class of their own

MAX_BYTES = 32 * 1024 * 1024
"""Larger files are refused before parsing; 50,000 roles fit in about 15 MB."""

_EXTRA_NODES = 100_000
"""How many values aliases may add beyond twice the file's own: plenty for `<<: *defaults`
in every role, far too few for a billion-laughs bomb. What is measured is the expansion
(the values an alias would copy), never the file's own values: a large one-line JSON
config has no aliases and expands to nothing."""

MAX_DEPTH = 64
"""Lists and mappings nested deeper than this are refused at the value that goes too deep:
a config needs six levels; building 500 took Python past its recursion limit."""

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_NULL, _MERGE, _VALUE, _STR = (_TAG + name for name in ("null", "merge", "value", "str"))


class _Loader(_SafeLoader):
    """SafeLoader with a quicker answer to "which tag has this plain scalar?".

    SafeLoader tries up to six regular expressions on each plain scalar; that was a
    fifth of reading a large config. runnerup keeps every scalar as text, so only the
    answers that change what `_Builder` does matter, and they are the same here: null
    for the null spellings, merge for `<<`, the disallowed value tag for `=`, and for
    everything else (ints, floats, booleans, dates) an allowed tag, here str.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            if value in _NULLS:
                return _NULL
            if value == "<<":
                return _MERGE
            if value == "=":
                return _VALUE
            return _STR  # one shared string: a new one per scalar cost 20 MB at 10,000 roles
        # BaseResolver.resolve is untyped in the stubs.
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


@dataclass(slots=True)
class Node:
    """A located YAML value: `kind` is "scalar", "null", "map" or "seq".

    Slots, and one shared empty `items`/`entries` for the scalars `_Builder` makes (nothing
    changes a built tree): a 10,000-role config has 280,000 nodes, and a dict and two empty
    containers each were 50 MB of a build's peak memory.
    """

    kind: str
    line: int
    column: int
    text: str = ""
    quoted: bool = False
    items: list[Node] = field(default_factory=list)
    entries: dict[str, tuple[Node, Node]] = field(default_factory=dict)  # key -> (key, value)

    @property
    def describe(self) -> str:
        """How the value looks, for "expected X, found Y" messages."""
        if self.kind == "scalar":
            shown = self.text if len(self.text) <= 40 else self.text[:37] + "..."
            return repr(shown)
        return {"null": "nothing", "map": "a mapping", "seq": "a list"}[self.kind]


def read_config_bytes(path: Path) -> bytes:
    """Read a config file: a regular file of at most MAX_BYTES, refused before its content
    is parsed (a FIFO, /dev/zero or a huge file would hang or fill memory)."""
    shown = str(path)
    if shown == "-":  # `check -` is not "file not found; run runnerup init"
        message = "a config is read from a file, not from stdin; name the config file"
        raise ConfigError([_problem(shown, 1, 1, message)])
    try:
        return read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise ConfigError(
            [
                _problem(
                    shown, 1, 1, "file not found; run `runnerup init` to create a starter config"
                )
            ]
        ) from None
    except FileRefused as exc:
        reason = exc.reason
        if reason.endswith("not a regular file"):
            reason += "; name the config file itself"
        raise ConfigError([_problem(shown, 1, 1, reason)]) from None


def parse_yaml(data: bytes, filename: str) -> Node:
    """Compose `data` into a located tree; raise ConfigError with every position known."""
    tree, problems = compose_tree(data, filename)
    if problems:
        raise ConfigError(problems)
    return tree


def compose_tree(data: bytes, filename: str) -> tuple[Node, list[Problem]]:
    """The located tree and the problems found building it (duplicate keys, disallowed
    tags, values nested too deeply), so the validator can report them together with its
    own. A file that cannot be read as YAML at all raises ConfigError."""
    if len(data) > MAX_BYTES:
        raise ConfigError(
            [
                _problem(
                    filename,
                    1,
                    1,
                    f"input is {len(data):,} bytes; the most runnerup reads is {MAX_BYTES:,}",
                )
            ]
        )
    text = _decode(data, filename)
    loader = _Loader(text)
    builder = _Builder(loader, filename)
    try:
        tree = builder.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        raise ConfigError([_problem(filename, line, col, f"YAML syntax error: {what}")]) from None
    except yaml.reader.ReaderError as exc:
        raise ConfigError([_unreadable_character(text, exc, filename)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([_problem(filename, 1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise ConfigError([_problem(filename, 1, 1, "YAML nested too deeply")]) from None
    finally:
        loader.dispose()
    if tree is None:
        return Node("null", 1, 1), []
    return tree, builder.problems


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break, for positions computed from a character index."""


def _unreadable_character(text: str, exc: yaml.reader.ReaderError, filename: str) -> Problem:
    """A character YAML refuses in a file (a raw NUL, ESC or DEL, often pasted and
    invisible), at its line and column: the reader reports only an index into the text."""
    position = exc.position if isinstance(exc.position, int) else 0
    starts = [m.end() for m in _LINE_BREAK.finditer(text, 0, position)]
    line = len(starts) + 1
    column = position - (starts[-1] if starts else 0) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return _problem(
        filename,
        line,
        column,
        f"U+{code:04X} is a control character or non-character, which a YAML file cannot "
        "contain; remove it (an editor that shows invisible characters finds it)",
    )


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError(
            [
                _problem(
                    filename,
                    line,
                    column,
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from None


def _problem(filename: str, line: int, column: int, message: str, path: str = "") -> Problem:
    return Problem(filename, line, column, path, message)


class _Builder:
    """Turns the parser's events into Nodes, checking tags, keys, depth and alias expansion.

    Built from events, not from a composed node graph: PyYAML's graph (about 800 bytes a
    node with its two marks) alive next to the located tree was most of a large build's
    peak memory. A list or mapping is built once; an alias to it shares the built Node
    (nothing changes a built tree), so an alias costs neither time nor memory. What it
    *would* add if copied is still measured, and refused past a budget: the SPEC refuses
    alias bombs, and a value used again must still fit within `MAX_DEPTH` where it is
    used."""

    def __init__(self, loader: _Loader, filename: str) -> None:
        self.loader = loader
        # The stubs allow None: get_event gives it only past the stream's end, never read.
        self.next_event: Callable[[], yaml.Event] = loader.get_event  # type: ignore[assignment]
        self.filename = filename
        self.problems: list[Problem] = []
        self.values = 0  # values built: the file's own
        self.expanded = 0  # values aliases add, by naming a list or mapping again
        # anchor -> (Node, values, levels, mark); Node is None while it is being built
        self.anchors: dict[str, tuple[Node | None, int, int, _Mark | None]] = {}
        self.depth = 0  # the lists and mappings being built: root to here
        self.deepest = 0  # the most levels reached below the root so far

    def document(self) -> Node | None:
        """The single document's tree (None for an empty stream), as `yaml.compose`."""
        self.next_event()  # stream start
        if self.loader.check_event(yaml.StreamEndEvent):
            return None
        self.next_event()  # document start
        root = self.next_event()
        tree = self.build(root)
        self.next_event()  # document end
        if not self.loader.check_event(yaml.StreamEndEvent):
            event = self.next_event()
            raise _composer_error(
                "expected a single document in the stream",
                root.start_mark,
                "but found another document",
                event.start_mark,
            )
        return tree

    def fail(self, mark: _Mark | None, message: str) -> None:
        assert mark is not None  # the parser marks every event
        self.problems.append(_problem(self.filename, mark.line + 1, mark.column + 1, message))

    def over_budget(self, mark: _Mark | None) -> ConfigError:
        assert mark is not None
        return ConfigError(
            [
                _problem(
                    self.filename,
                    mark.line + 1,
                    mark.column + 1,
                    "aliases expand to too many values (is this an alias bomb?)",
                )
            ]
        )

    def too_deep(self, mark: _Mark | None, line: int, column: int, where: str = "") -> Node:
        self.fail(
            mark, f"nested too deeply{where}: more than {MAX_DEPTH} levels of lists and mappings"
        )
        return Node("null", line, column)

    def anchor(self, event: yaml.NodeEvent, node: Node | None, values: int, levels: int) -> None:
        name = event.anchor
        if name is None:
            return
        if node is None and name in self.anchors:  # a new anchor, as the composer says
            raise _composer_error(
                "found duplicate anchor; first occurrence",
                self.anchors[name][3],
                "second occurrence",
                event.start_mark,
            )
        self.anchors[name] = (node, values, levels, event.start_mark)

    def build(self, event: yaml.Event) -> Node:
        """The Node for `event` and, for a list or mapping, every event up to its end."""
        self.values += 1
        mark = event.start_mark
        assert mark is not None  # the parser marks every event
        line, column = mark.line + 1, mark.column + 1
        if type(event) is _AliasEvent:
            return self.alias(event, line, column)
        if type(event) is _ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            self.anchor(event, None, 1, 0)
            if tag not in _ALLOWED_TAGS:
                built = self.refuse(mark, tag, line, column)
            else:
                built = _scalar(event, tag, line, column)
            self.anchor(event, built, 1, 0)
            return built
        assert isinstance(event, _CollectionStartEvent)  # the only other event a value starts with
        sequence = type(event) is _SequenceStartEvent
        tag = event.tag
        if tag is None or tag == "!":
            tag = _SEQ if sequence else _MAP
        self.anchor(event, None, 0, 0)
        if tag not in _ALLOWED_TAGS:
            self.skip()
            built = self.refuse(mark, tag, line, column)
            self.anchor(event, built, 1, 0)
            return built
        depth = self.depth
        if depth >= MAX_DEPTH:
            self.skip()
            built = self.too_deep(mark, line, column)
            self.anchor(event, built, 1, 0)
            return built
        before, deepest = self.values + self.expanded, self.deepest
        self.deepest = depth + 1
        self.depth += 1
        try:
            if sequence:
                items = []
                while not self.loader.check_event(_SequenceEndEvent):
                    items.append(self.build(self.next_event()))
                self.next_event()  # sequence end
                built = Node("seq", line, column, "", False, items, _NO_ENTRIES)
            else:
                built = self._mapping(line, column)
        finally:
            self.depth -= 1
        values = self.values + self.expanded - before + 1
        self.anchor(event, built, values, self.deepest - depth)
        self.deepest = max(self.deepest, deepest)
        return built

    def refuse(self, mark: _Mark | None, tag: str, line: int, column: int) -> Node:
        self.fail(
            mark,
            f"tag {_short_tag(tag)} is not allowed: runnerup reads "
            "plain YAML (text, numbers, lists, mappings) only",
        )
        return Node("null", line, column)

    def skip(self) -> None:
        """Consume a refused list's or mapping's events, to its end (anchors in it name
        nothing: an alias to one is reported as undefined)."""
        level = 1
        while level:
            event = self.next_event()
            if isinstance(event, _CollectionStartEvent):
                level += 1
            elif isinstance(event, _CollectionEndEvent):
                level -= 1

    def alias(self, event: yaml.AliasEvent, line: int, column: int) -> Node:
        """A value named again by an alias: shared, counted against the budget (at most
        twice the file's own values plus `_EXTRA_NODES`), and as deep as it is where it
        is used."""
        found = self.anchors.get(event.anchor) if event.anchor is not None else None
        if found is None:
            raise _composer_error(None, None, "found undefined alias", event.start_mark)
        built, values, levels, mark = found
        if built is None:
            self.fail(mark, "an alias refers to a value that contains it")
            assert mark is not None
            return Node("null", mark.line + 1, mark.column + 1)
        if built.kind == "scalar" or built.kind == "null":
            return built
        self.expanded += values
        if self.expanded > 2 * self.values + _EXTRA_NODES:
            raise self.over_budget(mark)
        depth = self.depth + levels
        if depth > MAX_DEPTH:
            return self.too_deep(mark, built.line, built.column, " where an alias uses this value")
        self.deepest = max(self.deepest, depth)
        return built

    def _mapping(self, line: int, column: int) -> Node:
        entries: dict[str, tuple[Node, Node]] = {}
        merged: dict[str, tuple[Node, Node]] = {}
        check, next_event = self.loader.check_event, self.next_event
        while not check(_MappingEndEvent):
            key_event = next_event()
            if type(key_event) is not _ScalarEvent:
                if type(key_event) is _AliasEvent:
                    key = self.build(key_event)
                    if key.kind != "map" and key.kind != "seq":
                        self._entry(entries, merged, key, key_event.start_mark)
                        continue
                else:
                    self.build(key_event)  # its anchors may be named later
                self.fail(key_event.start_mark, "a key must be plain text, not a list or mapping")
                self.build(next_event())
                continue
            tag = key_event.tag
            if tag is None or tag == "!":
                tag = self.loader.resolve(yaml.ScalarNode, key_event.value, key_event.implicit)
            if tag == _MERGE:
                for source in self._merge_sources(next_event()):
                    for name, pair in source.entries.items():
                        merged.setdefault(name, pair)
                continue
            key = self.build(key_event)
            self._entry(entries, merged, key, key_event.start_mark)
        next_event()  # mapping end
        for name, pair in merged.items():
            entries.setdefault(name, pair)
        return Node("map", line, column, "", False, _NO_ITEMS, entries)

    def _entry(
        self,
        entries: dict[str, tuple[Node, Node]],
        merged: dict[str, tuple[Node, Node]],
        key: Node,
        mark: _Mark | None,
    ) -> None:
        name = key.text
        value = self.build(self.next_event())
        if name in entries:
            first = entries[name][0]
            self.fail(
                mark,
                f"duplicate key {name!r} (first at line {first.line}); "
                "YAML would silently keep only the last one",
            )
            return
        entries[name] = (key, value)

    def _merge_sources(self, event: yaml.Event) -> list[Node]:
        mark = event.start_mark
        built = self.build(event)
        sources = built.items if built.kind == "seq" else [built]
        good = [s for s in sources if s.kind == "map"]
        if len(good) != len(sources):
            self.fail(mark, "`<<` merges mappings only")
        return good


_AliasEvent = yaml.AliasEvent
_ScalarEvent = yaml.ScalarEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_SequenceEndEvent = yaml.SequenceEndEvent
_MappingEndEvent = yaml.MappingEndEvent
_CollectionStartEvent = yaml.CollectionStartEvent
_CollectionEndEvent = yaml.CollectionEndEvent
_SEQ, _MAP = _TAG + "seq", _TAG + "map"
_QUOTED = frozenset(("'", '"', "|", ">"))
_NO_ITEMS: list[Node] = []
_NO_ENTRIES: dict[str, tuple[Node, Node]] = {}


def _scalar(event: yaml.ScalarEvent, tag: str, line: int, column: int) -> Node:
    """A scalar as text (the validator decides what it means), or null when plain YAML
    says so; quoted text is never null."""
    quoted = event.style in _QUOTED
    if not quoted and tag == _NULL and event.value in _NULLS:
        return Node("null", line, column, "", False, _NO_ITEMS, _NO_ENTRIES)
    return Node("scalar", line, column, event.value, quoted, _NO_ITEMS, _NO_ENTRIES)


def _composer_error(
    context: str | None, context_mark: _Mark | None, problem: str, problem_mark: _Mark | None
) -> yaml.composer.ComposerError:
    """The error PyYAML's composer raises, with libyaml's marks where it has them."""
    # The stubs accept yaml.error.Mark only; yaml._yaml.Mark has the same fields.
    error = yaml.composer.ComposerError
    return error(context, context_mark, problem, problem_mark)  # type: ignore[arg-type]


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
