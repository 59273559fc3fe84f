"""No traceback for any user mistake: a mangled config is a ConfigError or a calendar.

Hypothesis edits the sample config at random (junk bytes, cut lines, repeated runs,
broken indentation) and writes YAML-ish garbage; every result must either load and
render, or fail with located problems. A longer run of the same (3,000 + 1,500 cases)
found nothing either.
"""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runnerup.build import render
from runnerup.errors import ConfigError
from runnerup.validate import parse_config

from .conftest import SAMPLE

DATA = SAMPLE.read_bytes()
NOW = datetime(2026, 11, 18, tzinfo=timezone.utc)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_or_fail_cleanly(data: bytes) -> None:
    try:
        config = parse_config(data, "fuzz.yaml", system_zone="UTC")
    except ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml" and problem.line >= 1 and problem.column >= 1
        return
    render(config, None, NOW)


@FAST
@given(
    st.integers(0, len(DATA) - 1),
    st.integers(1, 40),
    st.binary(max_size=12),
    st.sampled_from(["replace", "cut", "repeat", "indent"]),
)
def test_mangled_sample_never_crashes(pos: int, length: int, junk: bytes, how: str) -> None:
    if how == "replace":
        data = DATA[:pos] + junk + DATA[pos + length :]
    elif how == "cut":
        data = DATA[:pos] + DATA[pos + length :]
    elif how == "repeat":
        data = DATA[:pos] + DATA[pos : pos + length] * 3 + DATA[pos + length :]
    else:
        lines = DATA.split(b"\n")
        i = pos % len(lines)
        lines[i] = b"  " + lines[i] if length % 2 else lines[i].lstrip()
        data = b"\n".join(lines)
    load_or_fail_cleanly(data)


@FAST
@given(st.text(alphabet="-: \n[]{}!&*|>'\"#%@`,?abc019", max_size=200))
def test_yaml_garbage_never_crashes(text: str) -> None:
    load_or_fail_cleanly(text.encode())
