"""graphql-http's own audit of the GraphQL-over-HTTP specification (the npm package's `auditServer`),
run against the real server: every MUST and every SHOULD passes, no warning, no error."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

from tests.conftest import RunningServer
from tests.server.node_clients import NODE_DIR, node_clients_ready


async def _audit(url: str) -> list[dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        "node",
        "audit.mjs",
        cwd=NODE_DIR,
        env={**os.environ, "URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    results: list[dict[str, Any]] = json.loads(out)
    return results


async def test_the_graphql_over_http_audit_passes_with_no_warnings(server: RunningServer) -> None:
    node_clients_ready()
    results = await _audit(server.url)

    failed = [f"{r['status']}: {r['name']} ({r['id']}): {r.get('reason')}" for r in results if r["status"] != "ok"]
    assert failed == [], "\n".join(failed)
    levels = {r["name"].split(" ", 1)[0] for r in results}
    assert {"MUST", "SHOULD"} <= levels  # the audit ran both kinds, not nothing
