"""A setting outside its fixed set of values, or a URL of a scheme nobody serves, stops the
process with one line naming the variable and what it may be, and exit code 2: no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import main
from server.settings import (
    BROADCAST_SCHEMES,
    DATABASE_SCHEMES,
    ENVIRONMENTS,
    HTTP_SCHEMES,
    LOG_FORMATS,
    LOG_LEVELS,
    Settings,
)

ROOT = Path(__file__).resolve().parents[2]

# Every setting with a fixed set of values or a URL scheme: a bad value, and what the line names.
BAD = [
    ("LINGLI_ENV", "staging", ENVIRONMENTS),
    ("LOG_LEVEL", "verbose", LOG_LEVELS),
    ("LOG_FORMAT", "xml", LOG_FORMATS),
    ("DATABASE_URL", "mysql://db/lingli", DATABASE_SCHEMES),
    ("DATABASE_URL", "data/lingli.sqlite3", DATABASE_SCHEMES),
    ("BROADCAST_URL", "nats://127.0.0.1:4222", BROADCAST_SCHEMES),
    ("STORAGE_URL", "gs://bucket", ("local", "s3")),
    ("SMS_GATEWAY_URL", "smtp://mail", HTTP_SCHEMES),
    ("PUBLIC_URL", "api.example.com", HTTP_SCHEMES),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "grpc://collector:4317", HTTP_SCHEMES),
    ("ALLOWED_ORIGINS", "https://ioc.example.com,ioc2.example.com", HTTP_SCHEMES),
]


@pytest.mark.parametrize(("name", "value", "allowed"), BAD)
def test_a_bad_value_is_one_line_naming_the_variable_and_exit_code_2(
    name: str, value: str, allowed: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["migrate"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"lingli: {name} must be")
    assert all(choice in line for choice in allowed), line


@pytest.mark.parametrize(
    "env",
    [
        {"LOG_LEVEL": "debug"},
        {"DATABASE_URL": "postgres://u:p@db:5432/lingli"},
        {"BROADCAST_URL": "rediss://cache:6380"},
        {"STORAGE_URL": "s3://photos?region=eu-west-1"},
        {"SMS_GATEWAY_URL": "https://sms.example.com/send", "PUBLIC_URL": "https://api.example.com/"},
        {"ALLOWED_ORIGINS": "*"},
        {"SMS_GATEWAY_URL": "", "PUBLIC_URL": "", "LOG_LEVEL": ""},
    ],
)
def test_good_values_pass(env: dict[str, str]) -> None:
    Settings.from_env(env)


@pytest.mark.parametrize(("name", "value"), [("LOG_LEVEL", "verbose"), ("BROADCAST_URL", "nats://127.0.0.1:4222")])
def test_lingli_serve_with_a_bad_setting_exits_2_with_one_line(name: str, value: str, tmp_path: Path) -> None:
    env = {**os.environ, name: value, "DATABASE_URL": f"sqlite://{tmp_path}/db.sqlite3", "PORT": "8000"}
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"lingli: {name} must be")
