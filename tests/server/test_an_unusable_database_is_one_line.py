"""A DATABASE_URL nobody answers at, one that refuses us, or one whose schema lacks this code's
migrations stops `lingli migrate | serve | seed` with exit code 2 and one line naming
DATABASE_URL (and, for a schema behind the code, "run `lingli migrate` first"): no traceback from
a driver, none from every worker's lifespan (review item 9)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LINGLI, REPO
from tests.support import free_port


def _lingli(tmp_path: Path, command: str, database_url: str) -> subprocess.CompletedProcess[str]:
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO),
        "LINGLI_ENV": "development",
        "LINGLI_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": database_url,
        "PORT": str(free_port()),
    }
    return subprocess.run(
        [LINGLI, command], env=environ, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.returncode == 2, (done.returncode, done.stderr[-300:])
    (line,) = done.stderr.splitlines()
    assert line.startswith("lingli: DATABASE_URL "), line
    return line


@pytest.mark.parametrize("command", ["migrate", "serve", "seed"])
@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:1/lingli",  # nobody listens there
        "postgres://postgres:hush@127.0.0.1:5432/no_such_database_here",  # it answers, and refuses
        "sqlite:///no/such/folder/lingli.sqlite3",  # no file can be made there
    ],
    ids=["nobody-answers", "no-such-database", "no-such-folder"],
)
def test_a_database_that_cannot_be_reached_is_one_line(tmp_path: Path, command: str, url: str) -> None:
    line = _one_line(_lingli(tmp_path, command, url))
    assert "cannot connect" in line
    assert "hush" not in line  # the password is not shown


@pytest.mark.parametrize("command", ["serve", "seed"])
def test_a_database_never_migrated_says_to_migrate_first(tmp_path: Path, command: str) -> None:
    line = _one_line(_lingli(tmp_path, command, f"sqlite://{tmp_path / 'never-migrated.sqlite3'}"))
    assert "run `lingli migrate` first" in line, line
