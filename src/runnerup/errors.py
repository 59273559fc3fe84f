"""One error hierarchy: every user mistake becomes a located Problem or a RunnerupError.
Never prints or exits: the CLI translates them, once, into messages and exit codes."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in a config file, with where it is."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        head = f"{where}: {self.path}: " if self.path else f"{where}: "
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{head}{prefix}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class RunnerupError(Exception):
    """Base of every error a user can cause; the CLI prints it and exits 1.

    `details` are further lines (say, the problems found), kept apart from the message so
    the CLI can print each as a line of its own: a newline inside one is data, and is
    escaped like any other control character.
    """

    def __init__(self, *args: object, details: tuple[str, ...] | list[str] = ()) -> None:
        super().__init__(*args)
        self.details = tuple(details)

    @property
    def lines(self) -> list[str]:
        """The message, then the details: what the CLI prints, one line each."""
        return [super().__str__(), *self.details]

    def __str__(self) -> str:
        return "\n".join(self.lines)


class ConfigError(RunnerupError):
    """A config that cannot be used; carries every problem found, in file order.

    `partial` is the config made of the roles that were valid (a `config.Config`), when
    the file could be read that far: `check` reports their warnings with the errors."""

    def __init__(self, problems: list[Problem], partial: object | None = None) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path))
        self.partial = partial
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(RunnerupError):
    """The output (or --previous) file cannot be read or written as asked."""
