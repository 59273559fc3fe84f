"""The commented starter config that `runnerup init` writes."""

from __future__ import annotations

STARTER = """\
# runnerup config: the roles you came second for, and when to call back.
# Every key is described in docs/config.md in runnerup's source.
# Check it with `runnerup check`, write the calendar with `runnerup build`.

calendar:
  name: Runner-up follow-ups
  timezone: {timezone}            # your IANA time zone

defaults:
  follow_up: 90 days              # or a cadence: [30 days, 90 days]
  call_time: "10:00"              # in the contact's time zone
  duration: 20 minutes
  workdays: [mon, tue, wed, thu, fri]
  # holidays: US                  # skip public holidays (ISO code, "US-CA" for a state)
  reminder: 30 minutes            # "none" for no alarm
  # prep: 1 day                   # an all-day prep block before each call

roles: []
# Replace the [] above with your roles, for example:
# roles:
#   - company: Acme Corp
#     title: Senior Product Manager
#     decided: 2026-09-03         # the day you heard you came second
#     contact:
#       name: Dana Whitfield
#       phone: "+1 555 0100"
#       email: dana@acme.example
#       timezone: America/Chicago
#     hired: Alex Chen
#     why_close: Final two; the roadmap exercise landed well.
"""


def starter_config(timezone: str) -> str:
    return STARTER.format(timezone=timezone)
