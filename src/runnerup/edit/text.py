"""The config's YAML as text to splice: the node graph the parser's events give (with
what PyYAML's composer drops: where an alias is written, which node carries an anchor,
each node's parent), positions in the text, and changes that touch only their target.
Knows YAML text, not roles; never reads or writes a file.

A round-trip YAML library re-emits the whole document and, however careful, loses
something: a comment's column, quoting, a flow list, blank lines. Here each edit is a
few targeted text changes at positions the YAML parser reports: replace the span of
`status:`'s value, or insert `status: closed` at the role's key indentation after its
last line. Every other byte stays as it was. The nodes come from the parser events
`parse_config` reads (libyaml when built in, so a file both read the same way); `<<`
merges stay apart from a mapping's own keys, which tells whether a key is really
written inside a mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias, cast

import yaml

from ..errors import RunnerupError
from ..source import _Loader

BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Every line break YAML knows: a CR-only or NEL-separated file has lines too."""
BLANK_LINE = re.compile("(?:\r\n|[\n\r\x85\u2028\u2029])[ \t]*(?:\r\n|[\n\r\x85\u2028\u2029])")
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"


class EditError(RunnerupError):
    """An edit that cannot be made as asked; the file is left untouched."""


class AliasNode(yaml.Node):
    """An alias (`*name`) where it is written; `target` is the anchored node it repeats."""

    id = "alias"

    def __init__(self, target: yaml.Node, anchor: str, start: yaml.Mark, end: yaml.Mark) -> None:
        super().__init__(target.tag, target.value, start, end)
        self.target = target
        self.anchor = anchor
        self.style = getattr(target, "style", None)
        self.flow_style = getattr(target, "flow_style", None)


class Graph:
    """The document composed from the same parser events `parse_config` reads, keeping
    what PyYAML's composer drops: where each alias is written, which node carries which
    anchor, and each node's parent."""

    def __init__(self, text: str) -> None:
        self.parents: dict[int, yaml.Node] = {}
        self.anchor_of: dict[int, str] = {}
        self.uses: dict[str, list[AliasNode]] = {}
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
            start, end = _marks(event)
            if isinstance(event, yaml.AliasEvent):
                assert event.anchor is not None  # an alias always names its anchor
                alias = AliasNode(anchors[event.anchor], event.anchor, start, end)
                self.uses.setdefault(event.anchor, []).append(alias)
                node = alias
                attach(node)
                continue
            if isinstance(event, yaml.ScalarEvent):
                style = event.style or None  # libyaml says "" for plain
                tag = _STR
                if style is None and event.implicit[0]:
                    tag = (
                        _MERGE
                        if event.value == "<<"
                        else NULL_TAG
                        if event.value in _NULL_WORDS
                        else _STR
                    )
                elif event.tag not in (None, "!"):
                    tag = event.tag
                node = yaml.ScalarNode(tag, event.value, start, end, style)
                attach(node)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else None
                node = (kind or yaml.MappingNode)(event.tag or "", [], start, end, event.flow_style)
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


Collection: TypeAlias = yaml.CollectionNode | AliasNode
"""A block or flow `[...]`/`{...}` as written, or an alias that repeats one."""


def _marks(event: yaml.Event) -> tuple[yaml.Mark, yaml.Mark]:
    """Where an event starts and ends. libyaml's marks are `yaml._yaml.Mark`, with the
    same index, line and column as PyYAML's `yaml.Mark`, which the stubs do not know."""
    return cast("tuple[yaml.Mark, yaml.Mark]", (event.start_mark, event.end_mark))


class YamlText:
    """A YAML document's text and its node graph, with the positions and changes an edit
    is made of. `root` is the document's top node: the text must not be empty."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        graph = Graph(text)
        assert graph.root is not None  # callers validate first: a valid config is never empty
        self.root = graph.root
        self.graph = graph
        breaks = BREAK.findall(text)
        self.newline = (
            max(("\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"), key=breaks.count)
            if breaks
            else "\n"
        )

    def line_of(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + 1

    # -- finding things
    def own(self, mapping: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        """`key`'s (key, value) nodes when written in this mapping itself (not merged)."""
        if isinstance(mapping, AliasNode):
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
        if isinstance(node, AliasNode):
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
        found = BREAK.search(self.text, index)
        return len(self.text) if found is None else found.end()

    def line_start(self, index: int) -> int:
        """Where the line holding `index` starts."""
        starts = [m.end() for m in BREAK.finditer(self.text, 0, index)]
        return starts[-1] if starts else 0

    def lead(self, at: int) -> str:
        """A line break to put first when inserting lines at `at` (the file's end without
        a final line break)."""
        if at == len(self.text) and self.text and not BREAK.search(self.text[-2:]):
            return self.newline
        return ""

    def content_end(self, node: yaml.Node) -> int:
        """Where the node's own text ends (a block scalar's trailing blank lines excluded)."""
        if isinstance(node, AliasNode):
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

    def add_keys(self, mapping: Collection, pairs: list[tuple[str, str]]) -> list[Change]:
        """Changes that add `key: value` entries at the end of a mapping, in its own style;
        each value already written as YAML for that style."""
        if mapping.flow_style:
            text = ", ".join(f"{key}: {value}" for key, value in pairs)
            return [self.flow_append(mapping, text)]
        at = self.insertion_point(mapping, mapping.start_mark.column)
        indent = " " * mapping.start_mark.column
        block = "".join(f"{indent}{key}: {value}{self.newline}" for key, value in pairs)
        return [Change(at, at, self.lead(at) + block)]

    def flow_append(self, collection: Collection, text: str) -> Change:
        """A change that adds `text` as the last entry of a flow `{...}` or `[...]`: right
        after the last entry, so a trailing comma or a comment before the bracket stays."""
        entries = collection.value
        if not entries:
            at = collection.start_mark.index + 1
            return Change(at, at, text)
        last = entries[-1][1] if isinstance(collection, yaml.MappingNode) else entries[-1]
        at = self.content_end(last)
        if isinstance(last, yaml.ScalarNode) and last.tag == NULL_TAG and last.style is None:
            key = entries[-1][0] if isinstance(collection, yaml.MappingNode) else last
            at = max(at, self.content_end(key))
        return Change(at, at, ", " + text)

    def set_value(self, key: yaml.Node, value: yaml.Node, new: str) -> Change:
        """A change that makes `new` the value of `key` (written or empty)."""
        if not (isinstance(value, yaml.ScalarNode) and value.tag == NULL_TAG and not value.value):
            return Change(value.start_mark.index, self.content_end(value), new)
        at = self.content_end(key)
        while at < len(self.text) and self.text[at] in " \t":
            at += 1
        if self.text.startswith(":", at):
            return Change(at, at + 1, ": " + new)
        return Change(self.content_end(key), self.content_end(key), ": " + new)

    def add_block_line(self, key: yaml.Node, value: yaml.ScalarNode, line: str) -> Change:
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
        return Change(at, at, f"{self.lead(at)}{indent}{line}{self.newline}")

    def apply(self, changes: list[Change]) -> str:
        """Apply changes from the end backwards; insertions at one place keep list order."""
        text = self.text
        order = sorted(enumerate(changes), key=lambda ic: (ic[1].start, ic[1].end, ic[0]))
        for _, change in reversed(order):
            text = text[: change.start] + change.new + text[change.end :]
        return text


@dataclass(frozen=True)
class Change:
    start: int
    end: int
    new: str


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
    # `_Loader` loads as a SafeLoader does (its base is CSafeLoader when libyaml is built
    # in), which the stubs cannot tell through its conditional base class
    loader_type = cast("type[yaml.SafeLoader]", _Loader)
    tries = [(f"k: {value}\n", yaml.SafeLoader), (f"k: {value}\n", loader_type)]
    if flow:
        tries += [(f"{{k: {value}}}\n", loader_type), (f"[{value}]\n", loader_type)]
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
