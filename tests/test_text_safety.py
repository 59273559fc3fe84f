"""Control characters never reach the .ics (RFC 5545 TEXT forbids CONTROL but HTAB).

YAML double quotes can write any character (`"\\e"`, `"\\0"`, `"\\x85"`, `"\\uFFFF"`), and a
pasted one is invisible. The validator refuses them at their location; line breaks of
every spelling (LF, CR, CRLF, U+2028) stay text; and the writer never emits a control,
whatever text reaches it, so every independent parser reads the file.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerup.build import render
from runnerup.cli import main
from runnerup.ical.text import content_bytes, escape
from runnerup.validate import parse_config
from runnerup.words import UNCARRIED, first_uncarried, without_uncarried

from .conftest import MINIMAL
from .interop import EXTERNAL_READERS, PYTHON_READERS

NOW = datetime(2026, 11, 18, 11, 6, 40, tzinfo=timezone.utc)

# (YAML double-quoted escape, the code point it writes)
REFUSED = [
    ("\\e", 0x1B),
    ("\\0", 0x00),
    ("\\x07", 0x07),
    ("\\v", 0x0B),
    ("\\f", 0x0C),
    ("\\x7f", 0x7F),
    ("\\N", 0x85),
    ("\\x9b", 0x9B),
    ("\\uFFFE", 0xFFFE),
    ("\\uFDD0", 0xFDD0),
    ("\\U0010FFFF", 0x10FFFF),
]


def _message(code: int, at: int) -> str:
    return (
        f"contains U+{code:04X} at character {at}, a control character or non-character "
        'that a calendar cannot carry; remove it (in double quotes, write a line break as "\\n" '
        'and a tab as "\\t")'
    )


@pytest.mark.parametrize(("escaped", "code"), REFUSED)
def test_check_refuses_a_control_character_at_its_key(
    escaped: str, code: int, tmp_path: Path, runner: CliRunner
) -> None:
    text = MINIMAL.replace("name: Dana Whitfield", f'name: "Dana{escaped}Whitfield"')
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["check", str(config), "--today", "2026-09-04"])
    assert result.exit_code == 1
    assert result.stderr == f"{config}:10:13: roles[0].contact.name: {_message(code, 5)}\n"


@pytest.mark.parametrize(
    ("key", "line", "column"),
    [
        ('    notes: "a\\eb"\n', 13, 12),
        ('    hired: "a\\eb"\n', 13, 12),
        ('    why_close: "a\\eb"\n', 13, 16),
        ('    talking_points: ["a\\eb"]\n', 13, 22),
    ],
)
def test_every_text_key_is_checked(
    key: str, line: int, column: int, tmp_path: Path, runner: CliRunner
) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(MINIMAL + key, encoding="utf-8")
    result = runner.invoke(main, ["check", str(config), "--today", "2026-09-04"])
    assert result.exit_code == 1
    assert f"{config}:{line}:{column}: roles[0]." in result.stderr
    assert _message(0x1B, 2) in result.stderr


def test_templates_and_calendar_name_are_checked_too(tmp_path: Path, runner: CliRunner) -> None:
    text = MINIMAL.replace("name: Test calendar", 'name: "Test\\0"') + (
        'templates:\n  subject: "Call {contact}\\x1b"\n'
    )
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["check", str(config), "--today", "2026-09-04"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{config}:2:9: calendar.name: {_message(0x00, 5)}",
        f"{config}:14:12: templates.subject: {_message(0x1B, 15)}",
    ]


def test_build_refuses_and_keeps_the_previous_file(tmp_path: Path, runner: CliRunner) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "c.ics"
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0
    before = out.read_bytes()
    config.write_text(MINIMAL + '    notes: "\\e]0;owned\\a"\n', encoding="utf-8")
    result = runner.invoke(main, ["build", str(config)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{config}:13:12: roles[0].notes: {_message(0x1B, 1)}\n")
    assert out.read_bytes() == before


# C0 controls but tab, DEL, C1 controls, lone CR/LF, surrogates, non-characters: as bytes.
FORBIDDEN = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n|\r\n(?![ A-Z]|\Z)"
    rb"|\xc2[\x80-\x9f]|\xed[\xa0-\xbf]|\xef\xbf[\xbe\xbf]|\xef\xb7[\x90-\xaf]"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=120))
def test_the_writer_never_emits_a_control(text: str) -> None:
    """Whatever text reaches the writer (through the validator or around it)."""
    lines = [f"SUMMARY:{escape(text)}", f"UID:{text}", "END:VEVENT"]
    data = content_bytes(lines)
    assert FORBIDDEN.search(data) is None
    assert data.count(b"\r\n") == data.count(b"\r\n ") + 3  # three content lines


# Line breaks of every spelling and format characters (bidi overrides, zero-width) are
# text: they stay in the value, escaped, and every parser reads one event with them.
ALLOWED = "Dana\\rWhit\\r\\nfield\\u2028x\\u2029y\\tz\\u202Etxt\\u200B\\u2066\\u2069"
READ = "Dana\nWhit\nfield\nx\ny\tz\u202etxt\u200b\u2066\u2069"


def _hostile_config() -> bytes:
    text = MINIMAL.replace("name: Dana Whitfield", f'name: "{ALLOWED}"')
    text += f'    notes: "{ALLOWED}\\r\\nBEGIN:VEVENT\\rUID:x\\nEND:VEVENT"\n'
    return text.encode("utf-8")


def _hostile_render() -> bytes:
    config = parse_config(_hostile_config(), "c.yaml", system_zone="UTC")
    data, _ = render(config, None, NOW)
    assert FORBIDDEN.search(data) is None
    return data


@pytest.mark.parametrize("name", PYTHON_READERS)
def test_line_breaks_and_format_characters_in_python_parsers(name: str) -> None:
    seen = PYTHON_READERS[name](_hostile_render())
    assert [event.summary for event in seen] == [f"Call {READ} — Acme Corp (90-day follow-up)"]


@pytest.mark.parametrize("name", EXTERNAL_READERS)
def test_line_breaks_and_format_characters_in_external_parsers(name: str) -> None:
    """ical.js, node-ical and libical; each skips when it is not installed."""
    seen = EXTERNAL_READERS[name](_hostile_render())
    assert [event.summary for event in seen] == [f"Call {READ} — Acme Corp (90-day follow-up)"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"\x00", 0x00),
        (b"\x1b", 0x1B),
        (b"\x7f", 0x7F),
        (b"\xc2\x9b", 0x9B),
        (b"\xef\xbf\xbf", 0xFFFF),
    ],
)
@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_a_raw_control_character_in_the_file_is_located(
    raw: bytes, code: int, newline: bytes, tmp_path: Path, runner: CliRunner
) -> None:
    """YAML itself refuses these outside escapes; the error names the line and column
    (it said `1:1` and quoted PyYAML's internals, a literal `\\n` among them)."""
    config = tmp_path / "c.yaml"
    config.write_bytes(b"\xef\xbb\xbfroles:" + newline + b"  - company: Ac" + raw + b"me" + newline)
    result = runner.invoke(main, ["check", str(config)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{config}:2:16: U+{code:04X} is a control character or non-character, which a YAML "
        "file cannot contain; remove it (an editor that shows invisible characters finds it)\n"
    )


def test_a_link_keeps_its_own_message_and_refuses_non_characters(
    tmp_path: Path, runner: CliRunner
) -> None:
    """A link reports controls as a link does (percent-encode it); what that check lets
    through, a non-character, the text check catches."""
    config = tmp_path / "c.yaml"
    config.write_text(
        MINIMAL + '    posting: "https://acme.example/\\a"\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["check", str(config)])
    assert result.exit_code == 1
    assert "roles[0].posting: a link cannot contain spaces or control characters (U+0007" in (
        result.stderr
    )
    config.write_text(MINIMAL + '    posting: "https://acme.example/\\uFFFE"\n', encoding="utf-8")
    result = runner.invoke(main, ["check", str(config)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{config}:13:14: roles[0].posting: {_message(0xFFFE, 22)}\n")


def test_a_tombstone_from_a_hand_edited_previous_file_carries_no_control(
    tmp_path: Path, runner: CliRunner
) -> None:
    """Lines of an event the memory writes back (a cancelled one) come from the previous
    file, not through `escape`: the writer's last check drops what RFC 5545 forbids."""
    config = tmp_path / "c.yaml"
    config.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "c.ics"
    assert runner.invoke(main, ["build", str(config)]).exit_code == 0
    gone = (
        b"BEGIN:VEVENT\r\nUID:11111111-1111-5111-8111-111111111111\r\n"
        b"DTSTAMP:20260101T000000Z\r\nSEQUENCE:0\r\nDTSTART:20991202T100000Z\r\n"
        b"DTEND:20991202T102000Z\r\nSUMMARY:evil\x1b]0;x\x07 \xc2\x9b \xef\xbf\xbf!\r\n"
        b"END:VEVENT\r\n"
    )
    out.write_bytes(out.read_bytes().replace(b"END:VCALENDAR\r\n", gone + b"END:VCALENDAR\r\n"))
    result = runner.invoke(main, ["build", str(config)])
    assert result.stdout == f"wrote {out}: 2 events (1 cancelled)\n"
    data = out.read_bytes()
    assert FORBIDDEN.search(data) is None
    assert b"\r\nSUMMARY:evil]0;x  !\r\n" in data
    for name, reader in PYTHON_READERS.items():
        assert len(reader(data)) == 2, name


_NONCHARACTERS = [chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF)]


@given(
    st.lists(
        st.one_of(
            st.characters(codec=None),
            st.sampled_from(["\x00", "\x1b", "\x85", "\ud800", "\ufdd0", *_NONCHARACTERS]),
            st.sampled_from(["a", "é", "😀", "\U0010fffd"]),
        ),
        max_size=60,
    ).map("".join)
)
def test_the_fast_character_checks_are_the_exact_rule(text: str) -> None:
    """`first_uncarried` and `without_uncarried` take a short cut for text with nothing
    above U+FFFF: they must still be `UNCARRIED` exactly, around and above that line."""
    exact = UNCARRIED.search(text)
    fast = first_uncarried(text)
    assert (fast and (fast.start(), fast.group())) == (exact and (exact.start(), exact.group()))
    assert without_uncarried(text) == UNCARRIED.sub("", text)
