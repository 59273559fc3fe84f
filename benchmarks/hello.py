"""The floor for start-up: a bare Click group with a version option and one command.

`runnerup --version` and `--help` are measured against `python benchmarks/hello.py
--version` and `--help`: whatever runnerup costs beyond this is its own imports.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("1.0", "--version", prog_name="hello")
def main() -> None:
    """Say hello."""


@main.command()
@click.argument("name", default="world")
def greet(name: str) -> None:
    """Greet NAME."""
    click.echo(f"hello {name}")


if __name__ == "__main__":
    main()
