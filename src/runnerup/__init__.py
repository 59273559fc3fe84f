"""runnerup: follow-up calls for the jobs you came second for, as an iCalendar file."""

__version__ = "0.1.0"
