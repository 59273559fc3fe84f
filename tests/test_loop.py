"""The follow-up loop (issue 9): `log`, the schedule following the log, the history in
the event, channels and drafts, `started`. Every rule goes through the real CLI, and the
.ics after each log step is read back by the independent parsers."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runnerup.cli import main
from runnerup.draft import MAILTO_LIMIT, mailto
from runnerup.errors import ConfigError
from runnerup.outcomes import OUTCOMES
from runnerup.schedule import schedule, touch_uid
from runnerup.validate import parse_config

from .conftest import MINIMAL
from .interop import EXTERNAL_READERS, PYTHON_READERS

WITH_EMAIL = MINIMAL.replace(
    '      phone: "+1 555 0100"\n',
    '      phone: "+1 555 0100"\n      email: dana@acme.example\n',
)
CADENCE = WITH_EMAIL + "    follow_up: [30 days, 90 days]\n"
PLANNED_90 = touch_uid("acme-spm", "P90D")


def log(runner: CliRunner, path: Path, *args: str, today: str = "2026-12-31") -> str:
    result = runner.invoke(main, ["log", "acme-spm", *args, "-c", str(path), "--today", today])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    return result.stdout


def build(runner: CliRunner, path: Path) -> bytes:
    result = runner.invoke(main, ["build", str(path)])
    assert result.exit_code == 0, result.output
    return path.with_suffix(".ics").read_bytes()


def events(data: bytes) -> dict[str, tuple[object, str | None, int]]:
    """UID -> (start, status, sequence), as every Python parser reads them (all agree)."""
    seen = {}
    for name, reader in PYTHON_READERS.items():
        seen[name] = {e.uid: (e.start, e.status, e.sequence) for e in reader(data)}
    first = next(iter(seen.values()))
    for name, value in seen.items():
        assert value == first, name
    return first


def expected(path: Path) -> dict[str, object]:
    config = parse_config(path.read_bytes(), str(path))
    return {c.uid: c.start for c in schedule(config)}


def agree(path: Path, data: bytes) -> None:
    """What the scheduler says is confirmed in the file; everything else is cancelled."""
    want = expected(path)
    for uid, (start, status, _) in events(data).items():
        if uid in want:
            assert (start, status or "CONFIRMED") == (want[uid], "CONFIRMED"), uid
        else:
            assert status == "CANCELLED", uid
    assert set(want) <= set(events(data))


# --------------------------------------------------------------------------- validation


def test_a_hand_written_log_is_validated_with_every_problem_located() -> None:
    text = MINIMAL + (
        "    log:\n"
        "      - {on: 2026-12-02, outcome: no-anwser}\n"
        "      - {on: 2026-13-01, outcome: spoke}\n"
        "      - {on: 2026-12-03, outcome: offer, next: 2 weeks}\n"
        "      - {on: 2026-12-04, outcome: spoke, next: 2026-12-01}\n"
        "      - {outcome: spoke, when: 2026-12-05}\n"
        "      - spoke\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode(), "r.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "r.yaml:14:35: roles[0].log[0].outcome: expected one of `no-answer`, `left-message`, "
        "`emailed`, `messaged`, `spoke`, `referred`, `interview`, `offer`, `not-now`, "
        "`declined`, found 'no-anwser'; did you mean `no-answer`?",
        "r.yaml:15:14: roles[0].log[1].on: 2026-13-01 is not a real date (month must be in 1..12)",
        "r.yaml:16:48: roles[0].log[2].next: `offer` ends the role, so there is no next "
        "touchpoint: remove `next`",
        "r.yaml:17:48: roles[0].log[3].next: the next touchpoint (2026-12-01) must come after "
        "the contact (2026-12-04)",
        "r.yaml:18:9: roles[0].log[4].on: `on` is required",
        "r.yaml:18:26: roles[0].log[4].when: unknown key `when` (known: next, note, on, outcome)",
        "r.yaml:19:9: roles[0].log[5]: expected a contact as a mapping with `on:` and "
        "`outcome:`, found 'spoke'",
    ]


def test_check_warns_about_a_contact_in_the_future(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL + "    log:\n      - {on: 2026-12-02, outcome: spoke}\n")
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-30"])
    assert result.exit_code == 0
    assert (
        f"{path}:14:9: roles[0].log[0].on: warning: this contact (2026-12-02) is in the "
        "future: log a contact once it has happened"
    ) in result.stderr.splitlines()


def test_new_settings_are_validated(write_config) -> None:
    text = MINIMAL + "    channel: fax\n    retry: 0 days\n    attempts: 0\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode(), "r.yaml")
    assert [p.message for p in caught.value.problems] == [
        "expected one of `call`, `email`, `message`, found 'fax'",
        "expected a retry delay of at least a day, found '0 days'",
        "expected a whole number of attempts from 1 to 20, found '0'",
    ]


# --------------------------------------------------------------------------- runnerup log


def test_log_appends_one_line_and_keeps_every_other_byte(runner: CliRunner, write_config) -> None:
    path = write_config(WITH_EMAIL)
    out = log(runner, path, "no-answer", "--on", "2026-12-02", "--note", "rang out, no voicemail")
    assert path.read_text() == WITH_EMAIL + (
        '    log:\n      - {on: 2026-12-02, outcome: no-answer, note: "rang out, no voicemail"}\n'
    )
    assert out == (
        f"logged no-answer with acme-spm on 2026-12-02 in {path}\n"
        "  answered: 90-day follow-up (Wed 2026-12-02 10:00 America/Chicago): it leaves "
        "the calendar\n"
        "  new: 90-day follow-up, 2nd try, Mon 2026-12-07 10:00 America/Chicago\n"
        "run `runnerup build` to update the calendar\n"
    )
    log(runner, path, "spoke", "--on", "2026-12-07", "--next", "2027-03-01 09:30")
    assert path.read_text().endswith(
        "      - {on: 2026-12-07, outcome: spoke, next: 2027-03-01 09:30}\n"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # a flow-style role
            "  - {company: A, title: B, decided: 2026-09-03, id: acme-spm, contact: {name: C}}\n",
            "  - {company: A, title: B, decided: 2026-09-03, id: acme-spm, contact: {name: C}, "
            "log: [{on: 2026-12-02, outcome: spoke}]}\n",
        ),
        (  # a flow log list
            "  - company: A\n    title: B\n    decided: 2026-09-03\n    id: acme-spm\n"
            "    contact: {name: C}\n    log: [{on: 2026-12-01, outcome: emailed}]\n",
            "  - company: A\n    title: B\n    decided: 2026-09-03\n    id: acme-spm\n"
            "    contact: {name: C}\n    log: [{on: 2026-12-01, outcome: emailed}, "
            "{on: 2026-12-02, outcome: spoke}]\n",
        ),
        (  # an empty log: key, then a comment that belongs to the next role
            "  - company: A\n    title: B\n    decided: 2026-09-03\n    id: acme-spm\n"
            "    contact: {name: C}\n    log:\n# next\n",
            "  - company: A\n    title: B\n    decided: 2026-09-03\n    id: acme-spm\n"
            "    contact: {name: C}\n    log: [{on: 2026-12-02, outcome: spoke}]\n# next\n",
        ),
        (  # a block log whose entries are block mappings, with a comment after the last
            "  - company: A\n    title: B\n    decided: 2026-09-03\n    id: acme-spm\n"
            "    contact: {name: C}\n    log:\n    - on: 2026-12-01\n      outcome: emailed\n"
            "      # no reply\n    notes: x\n",
            "  - company: A\n    title: B\n    decided: 2026-09-03\n    id: acme-spm\n"
            "    contact: {name: C}\n    log:\n    - on: 2026-12-01\n      outcome: emailed\n"
            "      # no reply\n    - {on: 2026-12-02, outcome: spoke}\n    notes: x\n",
        ),
    ],
)
def test_log_writes_in_the_style_already_there(
    runner: CliRunner, write_config, before: str, after: str
) -> None:
    head = "calendar: {timezone: UTC}\nroles:\n"
    path = write_config(head + before)
    log(runner, path, "spoke", "--on", "2026-12-02")
    assert path.read_text() == head + after


def test_log_keeps_crlf_line_endings(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(MINIMAL.replace("\n", "\r\n").encode())
    log(runner, path, "spoke", "--on", "2026-12-02")
    assert (
        path.read_bytes()
        == (MINIMAL + "    log:\n      - {on: 2026-12-02, outcome: spoke}\n")
        .replace("\n", "\r\n")
        .encode()
    )


def test_log_refuses_the_future_an_ended_role_and_bad_arguments(
    runner: CliRunner, write_config
) -> None:
    path = write_config(MINIMAL + "    log:\n      - {on: 2026-12-02, outcome: declined}\n")
    original = path.read_bytes()
    future = runner.invoke(
        main,
        [
            "log",
            "acme-spm",
            "spoke",
            "-c",
            str(path),
            "--on",
            "2027-01-02",
            "--today",
            "2027-01-01",
        ],
    )
    assert (future.exit_code, future.stderr) == (
        1,
        "error: 2027-01-02 is in the future (today is 2027-01-01): log a contact once it "
        "has happened\n",
    )
    ended = runner.invoke(
        main, ["log", "acme-spm", "spoke", "-c", str(path), "--today", "2027-01-01"]
    )
    assert (ended.exit_code, ended.stderr) == (
        1,
        "error: acme-spm ended with `declined` on 2026-12-02, so nothing more is logged; "
        "to reopen it, edit that entry by hand\n",
    )
    bad = runner.invoke(main, ["log", "acme-spm", "phoned", "-c", str(path)])
    assert bad.exit_code == 2
    assert "'phoned' is not one of 'no-answer', 'left-message'" in bad.stderr
    nxt = runner.invoke(main, ["log", "acme-spm", "offer", "--next", "2 weeks", "-c", str(path)])
    assert nxt.exit_code == 2
    assert "`offer` ends the role, so there is no next touchpoint" in nxt.stderr
    when = runner.invoke(main, ["log", "acme-spm", "spoke", "--next", "soon", "-c", str(path)])
    assert when.exit_code == 2
    assert "'soon' is neither an offset nor a date" in when.stderr
    assert path.read_bytes() == original


# --------------------------------------------------------------------------- the schedule


def test_retries_follow_workdays_up_to_the_cap_and_the_calendar_follows(
    runner: CliRunner, write_config
) -> None:
    path = write_config(WITH_EMAIL)
    first = build(runner, path)
    agree(path, first)
    log(runner, path, "no-answer", "--on", "2026-12-02")  # Wednesday
    retry = touch_uid("acme-spm", "log:2026-12-02#0")
    second = build(runner, path)
    agree(path, second)
    seen = events(second)
    assert seen[PLANNED_90][1] == "CANCELLED"
    # Saturday the 5th moves to Monday; same call time in the contact's zone
    assert str(seen[retry][0]) == "2026-12-07 16:00:00+00:00"
    log(runner, path, "left-message", "--on", "2026-12-07")
    third = build(runner, path)
    agree(path, third)
    assert str(events(third)[touch_uid("acme-spm", "log:2026-12-07#0")][0]) == (
        "2026-12-10 16:00:00+00:00"
    )
    out = log(runner, path, "no-answer", "--on", "2026-12-10")
    assert "  done: the 90-day follow-up after 3 tries; no more retries\n" in out
    fourth = build(runner, path)
    agree(path, fourth)
    assert expected(path) == {}
    agenda = runner.invoke(main, ["agenda", str(path), "--today", "2026-12-11"])
    assert agenda.stdout == (
        "nothing coming up: no open roles with calls ahead\n"
        "done: Dana Whitfield — Acme Corp: the 90-day follow-up is done after 3 tries "
        "without a reply (last: no answer on 2026-12-10)\n"
    )


def test_a_retry_respects_holidays_and_its_own_settings(write_config) -> None:
    text = WITH_EMAIL + (
        "    holidays: US\n    retry: 1 week\n    attempts: 2\n"
        "    log:\n      - {on: 2026-12-18, outcome: emailed}\n"
    )
    config = parse_config(text.encode(), "r.yaml")
    (call,) = schedule(config)
    assert (call.kind, call.attempt, call.moved_because) == (
        "retry",
        2,
        "Christmas Day, Saturday, Sunday",
    )
    assert f"{call.local_start:%Y-%m-%d %H:%M}" == "2026-12-28 10:00"
    text += "      - {on: 2026-12-28, outcome: no-answer}\n"
    assert schedule(parse_config(text.encode(), "r.yaml")) == []


def test_a_contact_answers_only_what_is_due(runner: CliRunner, write_config) -> None:
    path = write_config(WITH_EMAIL + "    follow_up: [60 days, 90 days]\n")
    build(runner, path)
    log(runner, path, "spoke", "--on", "2026-11-10")  # after the 60-day call, before the 90
    data = build(runner, path)
    agree(path, data)
    seen = events(data)
    assert seen[touch_uid("acme-spm", "P60D")][1] == "CANCELLED"
    assert seen[PLANNED_90][1] in (None, "CONFIRMED")


def test_not_now_with_and_without_next(runner: CliRunner, write_config) -> None:
    path = write_config(CADENCE)
    log(runner, path, "not-now", "--on", "2026-10-05")
    assert [c.uid for c in schedule(parse_config(path.read_bytes(), "r"))] == [PLANNED_90]
    out = log(
        runner,
        path,
        "not-now",
        "--on",
        "2026-12-02",
        "--next",
        "3 months",
        "--note",
        "try me in the spring",
    )
    assert out.splitlines()[1:] == [
        "  answered: 90-day follow-up (Wed 2026-12-02 10:00 America/Chicago): it leaves the "
        "calendar",
        "  new: follow-up, Tue 2027-03-02 10:00 America/Chicago",
        "run `runnerup build` to update the calendar",
    ]
    (call,) = schedule(parse_config(path.read_bytes(), "r"))
    assert (call.kind, call.uid) == ("next", touch_uid("acme-spm", "log:2026-12-02#0"))
    data = build(runner, path)
    agree(path, data)


@pytest.mark.parametrize("outcome", ["spoke", "referred", "interview"])
def test_a_conversation_keeps_the_plan_and_next_adds_one(
    runner: CliRunner, write_config, outcome: str
) -> None:
    path = write_config(CADENCE)
    log(runner, path, outcome, "--on", "2026-10-05", "--next", "2026-11-02")
    calls = schedule(parse_config(path.read_bytes(), "r"))
    assert [(c.kind, f"{c.local_start:%Y-%m-%d %H:%M}") for c in calls] == [
        ("next", "2026-11-02 10:00"),
        ("planned", "2026-12-02 10:00"),
    ]


@pytest.mark.parametrize("outcome", ["offer", "declined"])
def test_offer_and_declined_end_the_role(runner: CliRunner, write_config, outcome: str) -> None:
    path = write_config(CADENCE)
    build(runner, path)
    out = log(runner, path, outcome, "--on", "2026-09-20")
    assert "  the role ends (" + outcome + "): no further events\n" in out
    data = build(runner, path)
    agree(path, data)
    assert {s for _, s, _ in events(data).values()} == {"CANCELLED"}


def test_editing_a_note_keeps_the_uid_and_bumps_sequence(runner: CliRunner, write_config) -> None:
    path = write_config(WITH_EMAIL)
    log(runner, path, "no-answer", "--on", "2026-12-02", "--note", "rang out")
    retry = touch_uid("acme-spm", "log:2026-12-02#0")
    before = events(build(runner, path))[retry]
    assert build(runner, path) == path.with_suffix(".ics").read_bytes()  # quiet rebuild
    path.write_text(path.read_text().replace("rang out", "rang out twice"))
    after = events(build(runner, path))[retry]
    assert (after[0], after[2]) == (before[0], before[2] + 1)


# --------------------------------------------------------------------------- the event


def test_the_event_carries_the_history_and_busy_shows_none(write_config) -> None:
    text = WITH_EMAIL + (
        "    talking_points:\n      - 'Last time ({last_contact}): {last_outcome}, "
        "{last_note}; {attempt} try.'\n"
        "    log:\n      - {on: 2026-12-02, outcome: left-message, note: asked for Friday}\n"
    )
    from runnerup.build import render
    from runnerup.content import description
    from runnerup.ical.previous import read_previous

    config = parse_config(text.encode(), "r.yaml")
    (call,) = schedule(config)
    body = description(call, config.timezone, config)
    assert (
        "Follow-up call about the Senior Product Manager role at Acme Corp (90-day "
        "follow-up, 2nd try)." in body
    )
    assert (
        "LAST CONTACT\n- 2 December 2026: left a message — asked for Friday\n"
        "- This is the 2nd try (at most 3).\n- Contacts so far: 1.\n" in body
    )
    assert "7. Last time (2 December 2026): left a message, asked for Friday; 2nd try." in body
    assert "IF THEY DO NOT ANSWER: DRAFT EMAIL\nTo: dana@acme.example\n" in body
    data, _ = render(config, None, __import__("datetime").datetime(2026, 11, 18), "busy")
    assert b"Friday" not in data and b"left a message" not in data and b"Dana" not in data
    assert read_previous(data, "x").ours


def test_no_log_no_change_for_existing_placeholders(write_config) -> None:
    text = WITH_EMAIL + "    talking_points: ['{attempt} try, {last_outcome}, {last_contact}']\n"
    config = parse_config(text.encode(), "r.yaml")
    (call,) = schedule(config)
    from runnerup.content import description

    assert "7. 1st try, none yet, no contact yet" in description(call, "UTC", config)


# --------------------------------------------------------------------------- channels


def test_email_channel_event_and_draft(runner: CliRunner, write_config) -> None:
    path = write_config(WITH_EMAIL + "    channel: email\n    hired: Alex Chen\n")
    result = runner.invoke(main, ["draft", "acme-spm", "-c", str(path)])
    assert result.exit_code == 0
    assert result.stdout == (
        "To: dana@acme.example\n"
        "Subject: Following up on the Senior Product Manager role\n"
        "\n"
        "Hi Dana,\n\n"
        "It has been three months since the Senior Product Manager search, and I hope Alex "
        "Chen has settled in well. I enjoyed meeting the team, and I am still keen on Acme "
        "Corp.\n\n"
        "If anything close to that role comes up, or there is someone you think I should "
        "talk to, I would be glad to hear. And if I can help with anything on your side, "
        "just say.\n\n"
        "Would you have fifteen minutes for a short call in the next couple of weeks?\n\n"
        "Thanks again for your time,\n"
    )
    data = build(runner, path)
    text = data.decode().replace("\r\n ", "")
    assert "SUMMARY:Email Dana Whitfield — Acme Corp (90-day follow-up)" in text
    assert "DESCRIPTION:Email Dana Whitfield (Acme Corp) in 30 minutes" in text
    assert "DRAFT EMAIL\\nTo: dana@acme.example\\nSubject: Following up" in text
    assert "mailto:dana@acme.example?subject=Following%20up%20on%20the%20Senior%20" in text
    agree(path, data)


@pytest.mark.parametrize(
    ("channel", "prep"),
    [
        ("call", "Prepare: call Dana Whitfield — Acme Corp"),
        ("email", "Prepare: email Dana Whitfield — Acme Corp"),
        ("message", "Prepare: message Dana Whitfield — Acme Corp"),
    ],
)
def test_the_prep_event_names_the_channel(
    runner: CliRunner, write_config, channel: str, prep: str
) -> None:
    """Review finding: an email's prep day said "Prepare: call …" beside "Email …"."""
    path = write_config(
        WITH_EMAIL.replace(
            "      phone:", "      linkedin: https://www.linkedin.com/in/d\n      phone:"
        )
        + f"    channel: {channel}\n    prep: 1 day\n"
    )
    text = build(runner, path).decode().replace("\r\n ", "")
    assert f"SUMMARY:{prep}\r\n" in text
    noun, to = (channel, "with" if channel == "call" else "to")
    assert f"DESCRIPTION:Prepare for the {noun} {to} Dana Whitfield about the Senior " in text
    assert f"\\nThe {noun}: Wed 2 December 2026\\, 11:00 EST" in text
    assert f"Reread the talking points in the {noun}'s event" in text


def test_draft_open_hands_the_mailto_link_to_the_system(
    runner: CliRunner, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("click.launch", lambda url, **kw: opened.append(url) or 0)
    path = write_config(WITH_EMAIL + "    channel: email\n")
    result = runner.invoke(main, ["draft", "acme-spm", "-c", str(path), "--open"])
    assert result.exit_code == 0
    (link,) = opened
    assert link.startswith("mailto:dana@acme.example?subject=Following%20up%20on%20the")
    assert "%0D%0A%0D%0AIf%20anything" in link


def test_message_channel_gives_the_text_and_the_profile(runner: CliRunner, write_config) -> None:
    path = write_config(
        MINIMAL.replace(
            '      phone: "+1 555 0100"\n',
            "      linkedin: https://www.linkedin.com/in/dana\n",
        )
        + "    channel: message\n"
        + "templates:\n  message: 'Hi {contact_first}! {attempt} note about {title}.'\n"
    )
    result = runner.invoke(main, ["draft", "acme-spm", "-c", str(path)])
    assert result.stdout == (
        "To: https://www.linkedin.com/in/dana\n\nHi Dana! 1st note about Senior Product Manager.\n"
    )
    text = build(runner, path).decode().replace("\r\n ", "")
    assert (
        "MESSAGE TO PASTE\\nHi Dana! 1st note about Senior Product Manager.\\nSend it "
        "at: https://www.linkedin.com/in/dana" in text
    )


def test_draft_errors(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL + "    status: closed\n")
    gone = runner.invoke(main, ["draft", "acme-spm", "-c", str(path)])
    assert (gone.exit_code, gone.stderr) == (
        1,
        "error: acme-spm has no touchpoint ahead (closed, ended, or all done)\n",
    )
    unknown = runner.invoke(main, ["draft", "acme", "-c", str(path)])
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        f"error: no role with id `acme` in {path} (ids: acme-spm)\n",
    )


def test_mailto_cuts_the_body_never_the_link() -> None:
    body = "word " * 1000 + "end"
    link = mailto("dana@acme.example", "Hello there & welcome?", body)
    assert len(link) <= MAILTO_LIMIT
    assert len(link) > MAILTO_LIMIT - 20  # filled, not emptied
    head, _, encoded = link.partition("&body=")
    assert head == "mailto:dana@acme.example?subject=Hello%20there%20%26%20welcome%3F"
    assert unquote(encoded).endswith("word …")
    short = mailto("a@b.example", "Hi", "line one\nline two")
    assert short == "mailto:a@b.example?subject=Hi&body=line%20one%0D%0Aline%20two"


# --------------------------------------------------------------------------- started


def test_started_moves_the_offsets_unless_told_otherwise(write_config) -> None:
    text = MINIMAL + "    started: 2026-10-01\n"
    (call,) = schedule(parse_config(text.encode(), "r.yaml"))
    assert f"{call.local_start:%Y-%m-%d}" == "2026-12-30"  # 90 days from the start
    assert call.uid == PLANNED_90  # same touchpoint, same identity
    decided = text.replace("calendar:\n", "defaults:\n  follow_up_from: decided\ncalendar:\n")
    (call,) = schedule(parse_config(decided.encode(), "r.yaml"))
    assert f"{call.local_start:%Y-%m-%d}" == "2026-12-02"


def test_agenda_json_shows_the_try_and_the_last_outcome(runner: CliRunner, write_config) -> None:
    path = write_config(WITH_EMAIL + "    log:\n      - {on: 2026-12-02, outcome: no-answer}\n")
    result = runner.invoke(main, ["agenda", str(path), "--json", "--today", "2026-12-03"])
    (item,) = json.loads(result.stdout)
    assert (item["attempt"], item["kind"], item["last_outcome"], item["last_contact"]) == (
        2,
        "retry",
        "no-answer",
        "2026-12-02",
    )
    text = runner.invoke(main, ["agenda", str(path), "--today", "2026-12-09"])
    assert text.stdout == (
        "OVERDUE 2 days  Mon 2026-12-07 11:00  Call Dana Whitfield — Acme Corp (90-day "
        "follow-up, 2nd try)  [+1 555 0100]  (last: no answer on 2026-12-02)\n"
        f"                log it: runnerup log acme-spm no-answer -c {path} (or spoke)\n"
    )


# --------------------------------------------------------------------------- more rules


def test_check_says_to_log_a_missed_retry(runner: CliRunner, write_config) -> None:
    path = write_config(WITH_EMAIL + "    log:\n      - {on: 2026-12-02, outcome: no-answer}\n")
    result = runner.invoke(main, ["check", str(path), "--today", "2026-12-09"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{path}:15:9: roles[0].log: warning: the 90-day follow-up, 2nd try with Dana "
        "Whitfield (2026-12-07 10:00 America/Chicago) is already past: log what happened "
        f"(`runnerup log acme-spm no-answer -c {path}`, or `spoke`)"
    ]


def test_suggested_commands_work_pasted(
    runner: CliRunner, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review finding: `agenda sample_config.yaml` and `check` suggested `runnerup log ID
    …` without the config, which then edits runnerup.yaml (or finds none). The
    suggestion names the config unless the edit commands would find it by themselves."""
    import shlex

    path = write_config(WITH_EMAIL, name="my jobs.yaml")
    monkeypatch.chdir(path.parent)
    monkeypatch.delenv("RUNNERUP_CONFIG", raising=False)
    result = runner.invoke(main, ["agenda", path.name, "--today", "2026-12-03"])
    hint = result.stdout.splitlines()[1].strip()
    assert hint == "log it: runnerup log acme-spm no-answer -c 'my jobs.yaml' (or spoke)"
    warned = runner.invoke(main, ["check", path.name, "--today", "2026-12-03"])
    assert "(`runnerup close acme-spm -c 'my jobs.yaml'`)" in warned.stderr
    assert "(`runnerup pin acme-spm WHEN --after '90 days' -c 'my jobs.yaml'`)" in warned.stderr
    args = shlex.split(hint.removeprefix("log it: ").removesuffix(" (or spoke)"))
    assert args[0] == "runnerup"
    done = runner.invoke(main, [*args[1:], "--today", "2026-12-03"])
    assert (done.exit_code, done.exception) == (0, None), done.output
    assert "{on: 2026-12-03, outcome: no-answer}" in path.read_text()
    # Found without -c: runnerup.yaml here, or $RUNNERUP_CONFIG.
    monkeypatch.setenv("RUNNERUP_CONFIG", path.name)
    result = runner.invoke(main, ["agenda", "--today", "2026-12-08"])
    assert result.stdout.splitlines()[1].strip() == (
        "log it: runnerup log acme-spm no-answer (or spoke)"
    )
    monkeypatch.delenv("RUNNERUP_CONFIG")
    path.rename(path.parent / "runnerup.yaml")
    result = runner.invoke(main, ["agenda", "--today", "2026-12-08"])
    assert result.stdout.splitlines()[1].strip() == (
        "log it: runnerup log acme-spm no-answer (or spoke)"
    )


def test_agenda_hint_follows_the_channel(runner: CliRunner, write_config) -> None:
    path = write_config(WITH_EMAIL + "    channel: email\n")
    result = runner.invoke(main, ["agenda", str(path), "--today", "2026-12-03"])
    assert result.stdout.splitlines()[1] == (
        f"               log it: runnerup log acme-spm emailed -c {path} (or spoke)"
    )
    # check's hint for a missed retry follows the channel too (it said `no-answer`)
    path.write_text(
        WITH_EMAIL + "    channel: email\n    log: [{on: 2026-12-02, outcome: emailed}]\n"
    )
    warned = runner.invoke(main, ["check", str(path), "--today", "2026-12-09"])
    assert f"(`runnerup log acme-spm emailed -c {path}`, or `spoke`)" in warned.stderr


def test_a_contact_before_started_keeps_elapsed_sensible(write_config) -> None:
    text = WITH_EMAIL + (
        "    started: 2026-10-01\n    log:\n      - {on: 2026-09-20, outcome: emailed}\n"
    )
    (retry, planned) = schedule(parse_config(text.encode(), "r.yaml"))
    assert (retry.kind, retry.label, planned.kind) == (
        "retry",
        "0-day follow-up, 2nd try",
        "planned",
    )


@pytest.mark.parametrize("name", EXTERNAL_READERS)
def test_external_parsers_after_each_log_step(runner: CliRunner, write_config, name: str) -> None:
    """ical.js, node-ical and libical read every step's file as the scheduler says."""
    path = write_config(CADENCE.replace("[30 days, 90 days]", "[60 days, 90 days]"))
    reader = EXTERNAL_READERS[name]
    steps = [
        ("no-answer", "--on", "2026-11-02"),
        ("spoke", "--on", "2026-11-05", "--next", "2026-11-20 14:00"),
        ("not-now", "--on", "2026-11-20", "--next", "2 months"),
        ("declined", "--on", "2027-01-20"),
    ]
    build(runner, path)
    for args in steps:
        log(runner, path, *args, today="2027-01-31")
        data = build(runner, path)
        want = expected(path)
        seen = {e.uid: e for e in reader(data)}
        for uid, event in seen.items():
            if uid in want:
                assert (event.start, event.status or "CONFIRMED") == (want[uid], "CONFIRMED")
            else:
                assert event.status == "CANCELLED", (args, uid)
        assert set(want) <= set(seen)


OUTCOME_LIST = sorted(OUTCOMES)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=200),
            st.sampled_from(OUTCOME_LIST),
            st.one_of(st.none(), st.integers(min_value=1, max_value=120)),
        ),
        max_size=8,
    ),
    st.sampled_from(["90 days", "[30 days, 90 days]", "[2 weeks, 6 weeks, 3 months]"]),
)
def test_any_hand_written_log_gives_a_calendar_every_parser_reads(
    entries: list[tuple[int, str, int | None]], cadence: str
) -> None:
    """Random logs: unique UIDs, retries within the cap, nothing after an ending, and
    each rebuild over the previous file is read the same by every Python parser."""
    from datetime import date, datetime, timedelta, timezone

    from runnerup.build import render
    from runnerup.ical.previous import read_previous

    lines = []
    for days, outcome, nxt in entries:
        on = date(2026, 9, 3) + timedelta(days=days)
        extra = f", next: {nxt} days" if nxt and outcome not in ("offer", "declined") else ""
        lines.append(f"      - {{on: {on.isoformat()}, outcome: {outcome}{extra}}}\n")
    base = WITH_EMAIL + f"    follow_up: {cadence}\n"
    now = datetime(2026, 9, 1, tzinfo=timezone.utc)
    previous = None
    for count in range(len(lines) + 1):
        text = base + ("    log:\n" + "".join(lines[:count]) if count else "")
        config = parse_config(text.encode(), "r.yaml")
        calls = schedule(config)
        uids = [c.uid for c in calls]
        assert len(set(uids)) == len(uids)
        assert all(c.attempt <= config.roles[0].settings.attempts for c in calls)
        if any(o in ("offer", "declined") for _, o, _ in entries[:count]):
            assert calls == []
        data, _ = render(config, previous, now + timedelta(hours=count))
        want = {c.uid: c.start for c in calls}
        for reader_name, reader in PYTHON_READERS.items():
            seen = {e.uid: e for e in reader(data)}
            assert {u: seen[u].start for u in want} == want, reader_name
            assert all(e.status == "CANCELLED" for u, e in seen.items() if u not in want), (
                reader_name
            )
        previous = read_previous(data, "r.ics")


def test_a_retry_email_says_you_tried_before(runner: CliRunner, write_config) -> None:
    path = write_config(
        WITH_EMAIL + "    channel: email\n    log:\n      - {on: 2026-12-02, outcome: emailed}\n"
    )
    result = runner.invoke(main, ["draft", "acme-spm", "-c", str(path)])
    assert result.stdout.splitlines()[3:6] == [
        "Hi Dana,",
        "",
        "I tried to reach you on 2 December 2026 and wanted to follow up, in case it got "
        "lost in a busy week. I hope the new hire has settled in well, three months on.",
    ]


def test_logging_on_a_closed_role_says_it_stays_closed(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL + "    status: closed\n")
    out = log(runner, path, "spoke", "--on", "2026-12-02")
    assert out == (
        f"logged spoke with acme-spm on 2026-12-02 in {path}\n"
        "  acme-spm is closed: no events (set `status: open` to resume)\n"
    )


@pytest.mark.parametrize(
    ("entry", "calls"),
    [
        ("{on: 2026-12-04, outcome: spoke, note: call after the reorg}", []),
        ("{on: 2026-12-04, outcome: not-now, next: 3 months}", ["next Thu 2027-03-04 10:00"]),
        ("{on: 2026-12-04, outcome: referred, next: 2026-12-18}", ["next Fri 2026-12-18 10:00"]),
        ("{on: 2026-12-04, outcome: offer}", []),
    ],
)
def test_the_worked_examples_in_config_md(write_config, entry: str, calls: list[str]) -> None:
    """docs/config.md, "How the schedule follows the log": the second table."""
    text = MINIMAL + "    holidays: US\n    log:\n      - {on: 2026-12-02, outcome: no-answer}\n"
    config = parse_config((text + f"      - {entry}\n").encode(), "r.yaml")
    assert [f"{c.kind} {c.local_start:%a %Y-%m-%d %H:%M}" for c in schedule(config)] == calls


def test_check_warns_when_the_channel_has_no_address(runner: CliRunner, write_config) -> None:
    path = write_config(MINIMAL + "    channel: email\n")
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-01"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{path}:10:7: roles[0].contact.email: warning: `channel: email`, but Dana Whitfield "
        "has no email: add `email:` so the drafted email has an address"
    ]
    path.write_text(MINIMAL + "    channel: message\n")
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-01"])
    assert result.stderr.splitlines() == [
        f"{path}:10:7: roles[0].contact.linkedin: warning: `channel: message`, but Dana "
        "Whitfield has no profile link: add `linkedin:` so the event links to where you send it"
    ]


def test_no_call_no_phone_warning(runner: CliRunner, write_config) -> None:
    """Review finding: an email or message role without a phone was told "add one so the
    call is one tap away" (beside the channel's own warning, or with a profile link that
    is all a message needs)."""
    no_phone = MINIMAL.replace('      phone: "+1 555 0100"\n', "")
    path = write_config(no_phone + "    channel: email\n")
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-01"])
    assert (result.exit_code, result.stderr.splitlines()) == (
        0,
        [
            f"{path}:10:7: roles[0].contact.email: warning: `channel: email`, but Dana "
            "Whitfield has no email: add `email:` so the drafted email has an address"
        ],
    )
    linked = no_phone.replace(
        "      timezone:", "      linkedin: https://www.linkedin.com/in/d\n      timezone:"
    )
    path.write_text(linked + "    channel: message\n")
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-01"])
    assert (result.exit_code, result.stderr) == (0, "")
    path.write_text(linked)  # a call: the profile link is not a number to dial
    result = runner.invoke(main, ["check", str(path), "--today", "2026-11-01"])
    assert result.stderr.splitlines() == [
        f"{path}:10:7: roles[0].contact: warning: Dana Whitfield has no phone or email: add "
        "one so the call is one tap away"
    ]


# --------------------------------------------------------------------------- hostile cases


def test_a_contact_before_decided_is_refused_by_check_and_by_log(
    runner: CliRunner, write_config
) -> None:
    """A contact before the decision is a typo, not a follow-up: it would make a retry of
    a touchpoint that never was ("0-day follow-up, 2nd try") and a negative stat."""
    text = MINIMAL + "    log:\n      - {on: 2026-08-01, outcome: no-answer}\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode(), "r.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "r.yaml:14:9: roles[0].log[0].on: this contact (2026-08-01) is before `decided` "
        "(2026-09-03): the log holds follow-ups after the decision; fix the date"
    ]
    path = write_config(MINIMAL)
    original = path.read_bytes()
    result = runner.invoke(
        main,
        [
            *("log", "acme-spm", "no-answer", "-c", str(path), "--on", "2026-09-02"),
            *("--today", "2026-12-01"),
        ],
    )
    assert (result.exit_code, result.stderr) == (
        1,
        "error: 2026-09-02 is before acme-spm's `decided` (2026-09-03): the log holds "
        "follow-ups after the decision\n",
    )
    assert path.read_bytes() == original
    log(runner, path, "spoke", "--on", "2026-09-03", today="2026-12-01")  # the day itself is fine


def test_check_warns_about_contacts_after_an_ending_and_started_before_decided(
    runner: CliRunner, write_config
) -> None:
    path = write_config(
        MINIMAL
        + "    started: 2026-08-01\n"
        + "    log:\n"
        + "      - {on: 2026-12-03, outcome: no-answer}\n"
        + "      - {on: 2026-12-02, outcome: offer}\n"
    )
    result = runner.invoke(main, ["check", str(path), "--today", "2026-12-04"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{path}:13:14: roles[0].started: warning: `started` (2026-08-01) is before "
        "`decided` (2026-09-03): the new hire starts after the decision; check both dates",
        f"{path}:15:9: roles[0].log[0]: warning: this contact comes after the role ended "
        "with `offer` on 2026-12-02, so it changes nothing in the calendar; to reopen the "
        "role, remove or change that entry",
    ]


_TEXT = st.builds(
    lambda pieces, times: "".join(pieces) * times,  # repeated: long texts are likely too
    st.lists(st.sampled_from(["a", "é", "🎉", " ", "\n", "\r\n", "&", "%", "?", "#"])),
    st.integers(1, 200),
)


@settings(max_examples=150, deadline=None)
@given(subject=_TEXT, body=_TEXT, local=st.text(alphabet="abcé🎉", min_size=1, max_size=200))
def test_mailto_stays_within_the_limit_whatever_the_subject_and_body(
    subject: str, body: str, local: str
) -> None:
    """The limit holds for every subject, body and address; the address is never cut, and
    whatever is cut still reads as the start of the text with `…`."""
    address = f"{local}@acme.example"
    link = mailto(address, subject, body)
    assert link is not None
    assert len(link) <= MAILTO_LIMIT
    head, _, rest = link.partition("?subject=")
    assert unquote(head) == f"mailto:{address}"
    encoded_subject, _, encoded_body = rest.partition("&body=")
    for original, encoded in ((subject, encoded_subject), (body, encoded_body)):
        plain = original.replace("\r\n", "\n")
        got = unquote(encoded).replace("\r\n", "\n")
        if got != plain and got:
            assert got.endswith("…") and plain.startswith(got[:-1].rstrip(" "))


def test_mailto_too_long_an_address_gets_no_link() -> None:
    assert mailto("a" * 2000 + "@acme.example", "Hi", "Hello") is None


def test_a_long_title_with_line_breaks_keeps_the_link_short_and_the_subject_one_line(
    runner: CliRunner, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name or template can make the subject alone longer than the limit (emoji take
    12 characters encoded each), and a line break in it would end the Subject header."""
    title = "🎉" * 200 + " Lead\\r\\nBcc: eve@evil.example"
    path = write_config(
        WITH_EMAIL.replace("title: Senior Product Manager", f'title: "{title}"')
        + "    channel: email\n"
    )
    opened: list[str] = []
    monkeypatch.setattr("click.launch", lambda url, **kw: opened.append(url) or 0)
    result = runner.invoke(main, ["draft", "acme-spm", "-c", str(path), "--open"])
    assert result.exit_code == 0
    subject = result.stdout.splitlines()[1]
    assert subject == f"Subject: Following up on the {'🎉' * 200} Lead Bcc: eve@evil.example role"
    (link,) = opened
    assert len(link) <= MAILTO_LIMIT
    assert "%0D%0ABcc" not in link.partition("&body=")[0]
    assert "&body=Hi%20Dana%2C%0D%0A" in link  # the body keeps its share of the room
    data = build(runner, path)
    for reader in PYTHON_READERS.values():
        (event,) = reader(data)
    import icalendar

    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    links = [w for w in str(event["DESCRIPTION"]).split() if w.startswith("mailto:")]
    assert links and all(len(w) <= MAILTO_LIMIT for w in links)


def test_draft_open_without_an_address_opens_nothing(
    runner: CliRunner, write_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call's fallback email has no address to open when the contact has no email."""
    opened: list[str] = []
    monkeypatch.setattr("click.launch", lambda url, **kw: opened.append(url) or 0)
    path = write_config(MINIMAL)
    result = runner.invoke(main, ["draft", "acme-spm", "-c", str(path), "--open"])
    assert (result.exit_code, result.stderr, opened) == (
        1,
        "error: acme-spm's contact has no email or profile link to open\n",
        [],
    )


def test_reading_a_long_log_holds_little_more_than_the_tree_it_builds() -> None:
    """10,000 roles with five contacts each peaked at 451 MB (target 300): PyYAML's
    composed node graph, about 800 bytes a node with its two marks, was alive next to
    the located tree. Built from the parser's events instead, reading peaks at little
    more than the tree itself (it was about three times as much)."""
    import gc
    import tracemalloc

    from runnerup.source import compose_tree

    role = (
        "  - company: Company {n}\n    title: Title {n}\n    decided: 2026-09-03\n"
        "    contact: {{name: Dana Whitfield, phone: '+1 555 0100'}}\n    log:\n"
    )
    entries = "".join(
        f"      - {{on: 2026-12-0{d}, outcome: no-answer, note: tried {d}}}\n" for d in range(1, 6)
    )
    text = "roles:\n" + "".join(role.format(n=n) + entries for n in range(300))
    data = text.encode()
    gc.collect()
    tracemalloc.start()
    try:
        tree, problems = compose_tree(data, "r.yaml")
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == [] and len(tree.entries["roles"][1].items) == 300
    assert peak < 1.5 * held, (peak, held)


def test_next_at_a_time_skipped_by_the_clock_change_says_when_it_really_is(
    runner: CliRunner, write_config
) -> None:
    """02:30 on the night Chicago's clocks jump to 03:00 does not exist: the touchpoint
    is at 03:30, and `log` says so rather than echoing the time asked for."""
    path = write_config(MINIMAL)
    out = log(runner, path, "spoke", "--on", "2026-12-02", "--next", "2027-03-14 02:30")
    assert "  new: follow-up, Sun 2027-03-14 03:30 America/Chicago\n" in out
    (call,) = [c for c in schedule(parse_config(path.read_bytes(), "r.yaml")) if c.kind == "next"]
    assert call.start.isoformat() == "2027-03-14T08:30:00+00:00"


@pytest.mark.parametrize("text", ["a b", "it's", "ü.yaml", "/tmp/x-y_z.yaml", "", "$HOME", "a\nb"])
def test_suggestions_quote_the_config_as_shlex_does(text: str) -> None:
    import shlex

    from runnerup.schedule import _shell_quote

    assert _shell_quote(text) == shlex.quote(text)
