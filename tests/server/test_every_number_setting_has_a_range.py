"""Every numeric setting has a range a process can use, and is written in ASCII digits: a port no
socket can have, a number as int() alone reads it ("8_000", fullwidth digits), a sweep period of 0
(a loop that never sleeps) stop `lingli` with exit code 2 and one line naming the variable and its
range (issue 10, item 13; review item 9). Generated over ``server.settings.NUMBERS``, and a new
numeric field of ``Settings`` fails here until it is given a range there."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from server.settings import NUMBERS, Number, Settings, SettingsError
from tests.conftest import LINGLI, REPO

# Numeric fields not read from the environment (README, "Configuration": fixed in code).
FIXED_IN_CODE = {"ws_connection_init_timeout_seconds"}


def _written(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _bad_values(number: Number) -> list[str]:
    low, high = number.low, number.high
    bad = [_written(high * 10 if high else 1), "-1", "1_0", "\uff18", " 8", "8 ", "0x10", "1e3", "nan", "eight"]
    if low > 0:
        bad.append("0")
    if not number.decimal:
        bad.append("1.5")
    return bad


@pytest.mark.parametrize("field", sorted(NUMBERS))
def test_a_value_outside_the_range_or_not_in_ascii_digits_names_the_variable_and_its_range(field: str) -> None:
    number = NUMBERS[field]
    for raw in _bad_values(number):
        with pytest.raises(SettingsError) as refused:
            Settings.from_env({number.env: raw})
        message = str(refused.value)
        assert message.startswith(f"{number.env} must be {number.allowed}"), message
        assert "\n" not in message


@pytest.mark.parametrize("field", sorted(NUMBERS))
def test_both_ends_of_the_range_are_taken(field: str) -> None:
    number = NUMBERS[field]
    for bound in (number.low, number.high):
        assert getattr(Settings.from_env({number.env: _written(bound)}), field) == bound
    # Unset or empty: the default, which is inside the range.
    default = getattr(Settings, field)
    assert number.low <= default <= number.high
    assert getattr(Settings.from_env({number.env: ""}), field) == default


def test_every_numeric_setting_has_a_range() -> None:
    numeric = {
        f.name for f in dataclasses.fields(Settings) if f.type in ("int", "float") and f.name not in FIXED_IN_CODE
    }
    assert numeric == set(NUMBERS)


def _lingli(tmp_path: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO),
        "LINGLI_ENV": "development",
        "LINGLI_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite://{tmp_path / 'lingli.sqlite3'}",
        **env,
    }
    return subprocess.run([LINGLI, command], env=environ, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "99999"),
        ("PORT", "8_000"),
        ("PORT", "\uff18\uff10\uff10\uff10"),  # fullwidth 8000
        ("HEARTBEAT_SWEEP_SECONDS", "0"),
        ("EVENT_OVERDUE_SWEEP_SECONDS", "-1"),
        ("WEB_CONCURRENCY", "0"),
        ("ACCESS_TOKEN_TTL_SECONDS", "-1"),
        ("BILL_SWEEP_SECONDS", "0"),
        ("DELIVERY_POSITION_PUSH_SECONDS", "inf"),
    ],
)
def test_lingli_stops_with_exit_code_2_and_one_line(tmp_path: Path, name: str, value: str) -> None:
    done = _lingli(tmp_path, "migrate", **{name: value})
    assert done.returncode == 2, (done.returncode, done.stderr[-300:])
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"lingli: {name} must be"), line
