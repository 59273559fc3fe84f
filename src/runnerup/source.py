"""Read YAML safely into a tree that remembers where every value came from.

PyYAML's constructors lose positions, silently keep the last of two equal keys, and build
`!!python/...` objects on request. So runnerup only *composes* the document (no object is
ever constructed) and turns the node graph into `Node`s itself: every scalar stays text
with its line and column, and the validator decides what the text means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError, Problem
from .files import FileRefused, read_regular

try:  # libyaml keeps line numbers too, and composes several times faster.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

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


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
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
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


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
    try:
        root = yaml.compose(text, Loader=_Loader)
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
    if root is None:
        return Node("null", 1, 1), []
    builder = _Builder(filename)
    tree = builder.build(root)
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
    """Turns composed yaml nodes into Nodes, checking tags, keys, depth and alias expansion.

    A list or mapping is built once; an alias to it shares the built Node (nothing changes
    a built tree), so an alias costs neither time nor memory. What it *would* add if
    copied is still measured, and refused past a budget: the SPEC refuses alias bombs,
    and a value used again must still fit within `MAX_DEPTH` where it is used."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.values = 0  # values built: the file's own
        self.expanded = 0  # values aliases add, by naming a list or mapping again
        self.built: dict[int, tuple[Node, int, int]] = {}  # id -> (Node, values, levels)
        self.active: set[int] = set()  # the lists and mappings being built: root to here
        self.deepest = 0  # the most levels reached below the root so far

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(
            _problem(self.filename, node.start_mark.line + 1, node.start_mark.column + 1, message)
        )

    def over_budget(self, node: yaml.Node) -> ConfigError:
        return ConfigError(
            [
                _problem(
                    self.filename,
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    "aliases expand to too many values (is this an alias bomb?)",
                )
            ]
        )

    def too_deep(self, node: yaml.Node, line: int, column: int, where: str = "") -> Node:
        self.fail(
            node, f"nested too deeply{where}: more than {MAX_DEPTH} levels of lists and mappings"
        )
        return Node("null", line, column)

    def build(self, node: yaml.Node) -> Node:
        self.values += 1
        mark = node.start_mark
        line, column = mark.line + 1, mark.column + 1
        if node.tag not in _ALLOWED_TAGS:
            self.fail(
                node,
                f"tag {_short_tag(node.tag)} is not allowed: runnerup reads "
                "plain YAML (text, numbers, lists, mappings) only",
            )
            return Node("null", line, column)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node, line, column)
        key = id(node)
        done = self.built.get(key)
        if done is not None:
            return self.again(node, line, column, *done)
        if key in self.active:
            self.fail(node, "an alias refers to a value that contains it")
            return Node("null", line, column)
        depth = len(self.active)
        if depth >= MAX_DEPTH:
            return self.too_deep(node, line, column)
        before, deepest = self.values + self.expanded, self.deepest
        self.deepest = depth + 1
        self.active.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                items = [self.build(n) for n in node.value]
                built = Node("seq", line, column, "", False, items, _NO_ENTRIES)
            else:
                assert isinstance(node, yaml.MappingNode)
                built = self._mapping(node, line, column)
        finally:
            self.active.discard(key)
        values = self.values + self.expanded - before + 1
        self.built[key] = (built, values, self.deepest - depth)
        self.deepest = max(self.deepest, deepest)
        return built

    def again(
        self, node: yaml.Node, line: int, column: int, built: Node, values: int, levels: int
    ) -> Node:
        """A list or mapping named again by an alias: shared, counted against the budget
        (at most twice the file's own values plus `_EXTRA_NODES`), and as deep as it is
        where it is used."""
        self.expanded += values
        if self.expanded > 2 * self.values + _EXTRA_NODES:
            raise self.over_budget(node)
        depth = len(self.active) + levels
        if depth > MAX_DEPTH:
            return self.too_deep(node, line, column, " where an alias uses this value")
        self.deepest = max(self.deepest, depth)
        return built

    def _mapping(self, node: yaml.MappingNode, line: int, column: int) -> Node:
        entries: dict[str, tuple[Node, Node]] = {}
        merged: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                for source in self._merge_sources(value_node):
                    for name, pair in source.entries.items():
                        merged.setdefault(name, pair)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a key must be plain text, not a list or mapping")
                continue
            key = self.build(key_node)
            name = key.text
            if name in entries:
                first = entries[name][0]
                self.fail(
                    key_node,
                    f"duplicate key {name!r} (first at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
                continue
            # A text value (most of a config) skips `build`'s tag, type and alias checks,
            # which cannot apply to it: a third of the tree's build time.
            if value_node.__class__ is _ScalarNode and value_node.tag in _ALLOWED_TAGS:
                self.values += 1
                mark = value_node.start_mark
                value = _scalar(value_node, mark.line + 1, mark.column + 1)
                entries[name] = (key, value)
                continue
            entries[name] = (key, self.build(value_node))
        for name, pair in merged.items():
            entries.setdefault(name, pair)
        return Node("map", line, column, "", False, _NO_ITEMS, entries)

    def _merge_sources(self, value: yaml.Node) -> list[Node]:
        built = self.build(value)
        sources = built.items if built.kind == "seq" else [built]
        good = [s for s in sources if s.kind == "map"]
        if len(good) != len(sources):
            self.fail(value, "`<<` merges mappings only")
        return good


_ScalarNode = yaml.ScalarNode
_QUOTED = frozenset(("'", '"', "|", ">"))
_NO_ITEMS: list[Node] = []
_NO_ENTRIES: dict[str, tuple[Node, Node]] = {}


def _scalar(node: yaml.ScalarNode, line: int, column: int) -> Node:
    """A scalar as text (the validator decides what it means), or null when plain YAML
    says so; quoted text is never null."""
    quoted = node.style in _QUOTED
    if not quoted and node.tag == _NULL and node.value in _NULLS:
        return Node("null", line, column, "", False, _NO_ITEMS, _NO_ENTRIES)
    return Node("scalar", line, column, node.value, quoted, _NO_ITEMS, _NO_ENTRIES)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
