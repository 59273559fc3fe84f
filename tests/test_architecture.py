"""The layers of docs/architecture.md hold: imports point down, never up, and never round.

Read from the source (every `import`, including those inside functions, which are the
lazy ones), so a shortcut that would tangle the rooms fails here before review.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "runnerup"

LAYERS: list[tuple[str, ...]] = [
    ("cli", "docs"),
    ("feed", "web", "edit", "push", "check", "agenda", "stats", "starter", "schema"),
    ("build",),
    ("memory",),
    ("ical",),
    ("content", "draft"),
    ("schedule",),
    ("validate",),
    ("model", "keys"),
    ("source", "durations", "lookups", "outcomes"),
    ("files", "errors", "console", "crash", "gcpause", "words", ""),
]
"""Top to bottom, by the first part of the module's name below `runnerup` ("" is the
package itself). A module may import its own layer or any below it."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str) -> set[str]:
    """The runnerup modules `name` imports, anywhere in its file."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    if name == "":
        package = []
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            elif (node.module or "").startswith("runnerup"):
                module = (node.module or "").removeprefix("runnerup").lstrip(".")
            else:
                continue
            for alias in node.names:
                child = f"{module}.{alias.name}".lstrip(".")
                targets.append(child if child in MODULES else module)
        elif isinstance(node, ast.Import):
            targets = [
                a.name.removeprefix("runnerup").lstrip(".")
                for a in node.names
                if a.name.split(".")[0] == "runnerup"
            ]
        found.update(t for t in targets if t in MODULES and t != name)
    return found


def layer(name: str) -> int:
    top = name.split(".")[0]
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"runnerup.{name} is in no layer: add it to LAYERS and the doc")


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        layer(name)


def test_imports_point_down() -> None:
    upward = [
        f"runnerup.{name} imports runnerup.{target}"
        for name in sorted(MODULES)
        for target in sorted(imports(name))
        if layer(target) < layer(name)
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    graph = {name: imports(name) for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_the_checker_sees_lazy_and_relative_imports() -> None:
    """Guards the test itself: known edges, one of them inside a function."""
    assert "build" in imports("cli.build")  # `from ..build import …` inside the command
    assert "cli.errors" in imports("cli")
    assert "validate" in imports("edit.ops")
