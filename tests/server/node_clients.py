"""The npm clients of tests/node (graphql-ws, graphql-http's audit), installed from its lock file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI

NODE_DIR = Path(__file__).resolve().parent.parent / "node"


def node_clients_ready() -> None:
    """Node and npm, and every locked dependency installed (`npm ci` once, or again after one was
    added). Missing node or npm fails under CI=true; elsewhere the test skips, saying why."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if IN_CI:
            pytest.fail("CI=true needs node and npm for the npm reference clients in tests/node", pytrace=False)
        pytest.skip("node/npm not installed: the npm reference clients (tests/node) cannot run")
    wanted = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    if not all((NODE_DIR / "node_modules" / name / "package.json").exists() for name in wanted):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True, timeout=300)
