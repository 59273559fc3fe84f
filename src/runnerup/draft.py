"""Drafted messages: the email or the text to paste at a touchpoint, and its mailto link.

runnerup drafts; the user sends. Pure text: nothing here touches the network or opens a
program (`runnerup draft --open` hands the mailto link to the system's mail program).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from .model import Config, Templates

MAILTO_LIMIT = 2000
"""The longest mailto link we write, in characters. Links of about 2,000 characters
open everywhere we know of; longer ones are cut by Internet Explorer's 2,083, Outlook's
command line and some Windows shell handlers. The body is shortened to fit (at a word,
with `…`), and the subject only when it alone is too long; the address is never cut,
and an address too long for the limit gets no link at all."""

SUBJECT = "Following up on the {title} role"
EMAIL = """\
Hi {contact_first},

It has been {elapsed} since the {title} search, and I hope {hired} has settled in well. \
I enjoyed meeting the team, and I am still keen on {company}.

If anything close to that role comes up, or there is someone you think I should talk \
to, I would be glad to hear. And if I can help with anything on your side, just say.

Would you have fifteen minutes for a short call in the next couple of weeks?

Thanks again for your time,"""
EMAIL_AGAIN = """\
Hi {contact_first},

I tried to reach you on {last_contact} and wanted to follow up, in case it got lost in \
a busy week. I hope {hired} has settled in well, {elapsed} on.

I am still keen on {company}: if anything close to the {title} role comes up, or there \
is someone you think I should talk to, I would be glad to hear.

Would fifteen minutes in the next couple of weeks work for you?

Thanks,"""
"""The built-in email for a retry (the 2nd try on), when the last contact got no reply."""
MESSAGE = (
    "Hi {contact_first}, it has been {elapsed} since the {title} search at {company}. "
    "I hope {hired} has settled in well. I am still keen on {company}: if anything close "
    "comes up, or there is someone I should talk to, I would be glad to hear. And happy "
    "to help on your side too. Thanks again!"
)


@dataclass(frozen=True)
class Draft:
    """One drafted message; `to` is an email address or a profile link (or None)."""

    channel: str
    to: str | None
    subject: str
    body: str

    @property
    def mailto(self) -> str | None:
        if self.channel != "email" or not self.to:  # no address: nothing to open
            return None
        return mailto(self.to, self.subject, self.body)


def email_draft(templates: Templates, values: dict[str, str], to: str | None) -> Draft:
    # A subject is one line: a line break from a name or a template would end the
    # header in a mail program, or smuggle in another (`Bcc:`).
    subject = " ".join((templates.subject or SUBJECT).format_map(values).split())
    again = values.get("attempt", "1st") != "1st"
    body = (templates.email or (EMAIL_AGAIN if again else EMAIL)).format_map(values)
    return Draft("email", to, subject, body)


def message_draft(templates: Templates, values: dict[str, str], to: str | None) -> Draft:
    return Draft("message", to, "", (templates.message or MESSAGE).format_map(values))


def mailto(address: str | None, subject: str, body: str, limit: int = MAILTO_LIMIT) -> str | None:
    """A mailto link (RFC 6068) no longer than `limit`, or None when even the address
    alone would not fit. The body is cut first; a subject too long for half the room is
    cut too. Never the address, and never inside a percent-escape."""
    head = "mailto:" + quote(address or "", safe="@") + "?subject="
    if len(head) > limit:
        return None
    room = limit - len(head)
    # The subject keeps whatever the body does not need, and at least half the room.
    head += _fit(subject, max(room - len("&body=") - len(_encode(body)), room // 2))
    room = limit - len(head) - len("&body=")
    body_part = _fit(body, room) if room > 0 else ""
    return head + "&body=" + body_part if body_part else head


def _fit(text: str, room: int) -> str:
    """`text` encoded; when that is longer than `room`, the most words that fit, ending
    with ` …` (the most characters, when not even one word fits), or nothing."""
    whole = _encode(text)
    if len(whole) <= room:
        return whole
    text = text.replace("\r\n", "\n")  # never cut between a CR and its LF
    words = text.split(" ")
    by_words = _most(len(words), lambda n: _encode(" ".join(words[:n]).rstrip() + " …"), room)
    if by_words:
        return by_words
    return _most(len(text), lambda n: _encode(text[:n].rstrip() + "…"), room)


def _most(count: int, cut: Callable[[int], str], room: int) -> str:
    """`cut(n)` for the largest n in 1..count that fits in `room` (the encoded length
    grows with n), or "" when none does."""
    low, high = 0, count
    while low < high:
        middle = (low + high + 1) // 2
        if len(cut(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    return cut(low) if low else ""


def _encode(text: str) -> str:
    """Percent-encoding for a mailto field; line breaks as CRLF, as RFC 6068 asks."""
    return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")


def draft_for(
    config: Config, values: dict[str, str], channel: str, email: str | None, profile: str | None
) -> Draft:
    """The drafted message for a channel (a call's fallback is the email)."""
    if channel == "message":
        return message_draft(config.templates, values, profile)
    return email_draft(config.templates, values, email)
