"""`runnerup check`'s findings: every problem and warning about a config. Never prints:
the CLI shows what it returns. (Engineer A's part: the config's own warnings; the report
joins at merge.)"""

from __future__ import annotations

from datetime import date

from .errors import Problem
from .model import Config

# --------------------------------------------------------------------------- config warnings


def config_warnings(config: Config, today: date) -> list[Problem]:
    """Things that are allowed but probably not what the user meant."""
    out = list(config.warnings)
    for role in config.roles:
        path = role.path
        if not role.open:
            continue
        channel = role.settings.channel
        # Only a call needs a phone or email; email and message have their own warnings.
        if channel == "call" and not (role.contact.phone or role.contact.email):
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact",
                    f"{role.contact.name} has no phone or email: add one so the "
                    "call is one tap away",
                    "warning",
                )
            )
        if channel == "email" and not role.contact.email:
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact.email",
                    f"`channel: email`, but {role.contact.name} has no email: add "
                    "`email:` so the drafted email has an address",
                    "warning",
                )
            )
        elif channel == "message" and not role.contact.linkedin:
            out.append(
                Problem(
                    config.path,
                    *role.where("contact"),
                    f"{path}.contact.linkedin",
                    f"`channel: message`, but {role.contact.name} has no profile link: add "
                    "`linkedin:` so the event links to where you send it",
                    "warning",
                )
            )
        for entry in role.log:
            if entry.on > today:
                out.append(
                    Problem(
                        config.path,
                        entry.line,
                        entry.column,
                        f"{path}.log[{entry.index}].on",
                        f"this contact ({entry.on.isoformat()}) is in the future: log a "
                        "contact once it has happened",
                        "warning",
                    )
                )
        history = role.history
        end = next((i for i, e in enumerate(history) if e.ends), len(history))
        for entry in history[end + 1 :]:  # the log stops at an ending: say so
            ended = history[end]
            out.append(
                Problem(
                    config.path,
                    entry.line,
                    entry.column,
                    f"{path}.log[{entry.index}]",
                    f"this contact comes after the role ended with `{ended.outcome}` on "
                    f"{ended.on.isoformat()}, so it changes nothing in the calendar; to "
                    "reopen the role, remove or change that entry",
                    "warning",
                )
            )
        if role.started is not None and role.started < role.decided:
            out.append(
                Problem(
                    config.path,
                    *role.where("started"),
                    f"{path}.started",
                    f"`started` ({role.started.isoformat()}) is before `decided` "
                    f"({role.decided.isoformat()}): the new hire starts after the decision; "
                    "check both dates",
                    "warning",
                )
            )
        if role.decided > today:
            out.append(
                Problem(
                    config.path,
                    *role.where("decided"),
                    f"{path}.decided",
                    f"`decided` ({role.decided.isoformat()}) is in the future",
                    "warning",
                )
            )
    return out
