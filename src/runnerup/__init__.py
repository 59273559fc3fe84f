"""runnerup: follow-up calls for the jobs you came second for, as an iCalendar file.

The version and the default config name only: importing the package loads nothing else."""

__version__ = "0.1.0"
DEFAULT_CONFIG = "runnerup.yaml"
"""The config every command reads when none is named (nor $RUNNERUP_CONFIG)."""
