"""Drafted messages: the email or the text to paste at a touchpoint, and its mailto link.

runnerup drafts; the user sends. Nothing here touches the network: `runnerup draft
--open` hands the mailto link to the system's mail program, which opens a new message.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from .config import Config, Templates

MAILTO_LIMIT = 2000
"""The longest mailto link we write, in characters. Links of about 2,000 characters
open everywhere we know of; longer ones are cut by Internet Explorer's 2,083, Outlook's
command line and some Windows shell handlers. The body is shortened to fit (at a word,
with `…`); the link itself is never cut."""

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
        return mailto(self.to, self.subject, self.body) if self.channel == "email" else None


def email_draft(templates: Templates, values: dict[str, str], to: str | None) -> Draft:
    subject = (templates.subject or SUBJECT).format_map(values)
    again = values.get("attempt", "1st") != "1st"
    body = (templates.email or (EMAIL_AGAIN if again else EMAIL)).format_map(values)
    return Draft("email", to, subject, body)


def message_draft(templates: Templates, values: dict[str, str], to: str | None) -> Draft:
    return Draft("message", to, "", (templates.message or MESSAGE).format_map(values))


def mailto(address: str | None, subject: str, body: str, limit: int = MAILTO_LIMIT) -> str:
    """A mailto link (RFC 6068) no longer than `limit`: the body is cut at a word, never
    the address or the subject, and never inside a percent-escape."""
    head = "mailto:" + quote(address or "", safe="@") + "?subject=" + _encode(subject)
    full = head + "&body=" + _encode(body)
    if len(full) <= limit:
        return full
    room = limit - len(head) - len("&body=")
    words = body.split(" ")

    def cut(n: int) -> str:
        return _encode(" ".join(words[:n]).rstrip() + " …")

    low, high = 0, len(words)  # the most words that fit: encoded length grows with n
    while low < high:
        middle = (low + high + 1) // 2
        if len(cut(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    return head + "&body=" + cut(low) if low else head


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
