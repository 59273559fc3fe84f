"""The follow-up loop's closed vocabularies: what a contact can lead to, and how you reach
out. Constants only, importing nothing: the command line offers them (choices,
completion) without loading the YAML and date libraries at start-up."""

from __future__ import annotations

OUTCOMES = {
    "no-answer": "no answer",
    "left-message": "left a message",
    "emailed": "emailed",
    "messaged": "messaged",
    "spoke": "spoke",
    "referred": "referred",
    "interview": "interview",
    "offer": "offer",
    "not-now": "not now",
    "declined": "declined",
}
"""The closed vocabulary of a log entry's `outcome`, with the words events use for it."""
RETRY_OUTCOMES = frozenset({"no-answer", "left-message", "emailed", "messaged"})
"""No reply yet: these schedule a retry of the touchpoint they answer."""
ENDING_OUTCOMES = frozenset({"offer", "declined"})
"""These end the role: no further events."""
CHANNELS = ("call", "email", "message")
