"""runnerup: follow-up calls for the jobs you came second for, as an iCalendar file.

The version and the default config only: importing the package loads nothing else."""

import os

__version__ = "0.1.0"
DEFAULT_CONFIG = "runnerup.yaml"
"""The config every command reads when none is named (nor $RUNNERUP_CONFIG)."""


def default_config() -> str:
    """The config a command reads when none is named: $RUNNERUP_CONFIG, else runnerup.yaml
    (in the current folder). One rule for the commands, their suggestions and the feed."""
    return os.environ.get("RUNNERUP_CONFIG") or DEFAULT_CONFIG
