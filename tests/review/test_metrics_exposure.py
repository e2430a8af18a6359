"""Review of issue 10, item 14: /metrics as an attacker sees it.

Operation names are capped at MAX_OPERATION_NAMES labels per process, first come first served,
and any anonymous client chooses them: 200 throw-away names (`query j0 { __typename }` needs no
login) use up the process's labels, and from then on every real operation of every client is
counted as "other" until the process restarts. The series stay bounded, but the figures the team
runs on are gone. Runs in its own `lingli serve` process: the label set is per process, and
filling this test process's would spoil tests/server/test_metrics.py."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from server.metrics import MAX_OPERATION_NAMES
from tests.conftest import RunningServer, start_lingli
from tests.support import free_port


def _operations(text: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "lingli_graphql_operations_total":
                counts[sample.labels["operation"]] = sample.value
    return counts


async def test_anonymous_clients_cannot_take_every_operation_label(database_url: str, server: RunningServer) -> None:
    port = free_port()
    process = await start_lingli(database_url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as http:
            for n in range(MAX_OPERATION_NAMES):
                answer = await http.post(f"{base}/graphql", json={"query": f"query junk{n} {{ __typename }}"})
                assert answer.status_code == 200
            # The app's own operation, sent by its own client after the flood.
            await http.post(f"{base}/graphql", json={"query": "query Dashboard { __typename }"})
            counts = _operations((await http.get(f"{base}/metrics")).text)
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert counts.get("Dashboard") == 1, sorted(counts)[:5]


async def test_metrics_are_not_served_to_any_anonymous_client(server: RunningServer) -> None:
    """The README asks to keep /metrics off the public load balancer, but it is served on the same
    port and path prefix as /graphql to anyone, with no credential: operation names, error
    counts by code, open sockets. Expected: a credential (or its own port) before it answers."""
    base = server.url.rsplit("/graphql", 1)[0]
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{base}/metrics")
    assert answer.status_code in (401, 403, 404), answer.status_code
