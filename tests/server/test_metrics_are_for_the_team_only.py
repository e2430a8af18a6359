"""/metrics as an attacker sees it (review items 5, 6).

Labels: operation names are capped at MAX_OPERATION_NAMES per process, and anyone can send any
name (`query junk0 { __typename }` needs no login). A new name takes a label only when a signed-in
person ran it and it passed validation, each person at most MAX_NAMES_PER_CALLER: a flood of
anonymous or invalid names leaves the slots to the app's own operations. Runs in its own `lingli
serve` process: the label set is per process, and filling this test process's would spoil
tests/server/test_metrics.py.

Access: with METRICS_TOKEN set (as the test servers have it) /metrics asks for it (401 typed
JSON); without one it is open in development and not served at all in production."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from server.app import create_app
from server.metrics import MAX_NAMES_PER_CALLER, MAX_OPERATION_NAMES
from server.settings import Secret, Settings, SettingsError
from tests.conftest import METRICS_TOKEN, RunningServer, start_lingli
from tests.support import World, free_port, token_for

SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
STRONG = "9c2e7a4f1b8d3e6a0f5c2b9e7d4a1f8c3e6b0d5a"  # production checks a secret's entropy


def _operations(text: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "lingli_graphql_operations_total":
                counts[sample.labels["operation"]] = counts.get(sample.labels["operation"], 0) + sample.value
    return counts


async def test_nobody_unvouched_can_take_the_operation_labels(
    database_url: str, server: RunningServer, world: World
) -> None:
    port = free_port()
    process = await start_lingli(database_url, port)
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        signed_in = {"Authorization": f"Bearer {await token_for(server.issuer, world.operator_a)}"}
        other = {"Authorization": f"Bearer {await token_for(server.issuer, world.owner_a101)}"}
        async with httpx.AsyncClient() as http:
            for n in range(MAX_OPERATION_NAMES):  # anonymous, valid
                answer = await http.post(url, json={"query": f"query junk{n} {{ __typename }}"})
                assert answer.status_code == 200
            for n in range(MAX_OPERATION_NAMES):  # signed in, invalid
                await http.post(url, json={"query": f"query bad{n} {{ noSuchField }}"}, headers=signed_in)
            # One person's flood takes at most MAX_NAMES_PER_CALLER names.
            for n in range(MAX_OPERATION_NAMES):
                await http.post(url, json={"query": f"query flood{n} {{ __typename }}"}, headers=other)
            # The app's own operation, sent by its own (signed-in) client after the floods.
            await http.post(url, json={"query": "query Dashboard { __typename }"}, headers=signed_in)
            # Once it has its label, it counts whoever sends it.
            await http.post(url, json={"query": "query Dashboard { __typename }"})
            counts = _operations((await http.get(f"http://127.0.0.1:{port}/metrics", headers=SCRAPER)).text)
    finally:
        process.stop()
    assert counts.get("Dashboard") == 2, sorted(counts)[:5]
    assert not any(name.startswith(("junk", "bad")) for name in counts), sorted(counts)[:5]
    assert sum(name.startswith("flood") for name in counts) == MAX_NAMES_PER_CALLER
    assert counts["other"] == 3 * MAX_OPERATION_NAMES - MAX_NAMES_PER_CALLER


async def test_metrics_ask_for_the_metrics_token(server: RunningServer) -> None:
    base = server.url.rsplit("/graphql", 1)[0]
    async with httpx.AsyncClient() as http:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": METRICS_TOKEN}):
            answer = await http.get(f"{base}/metrics", headers=headers)
            assert answer.status_code == 401, answer.status_code
            assert answer.headers["www-authenticate"] == "Bearer"
            (error,) = answer.json()["errors"]
            assert error["extensions"] == {"code": "UNAUTHENTICATED", "requestId": answer.headers["x-request-id"]}
        assert (await http.get(f"{base}/metrics", headers=SCRAPER)).status_code == 200


async def test_without_a_token_metrics_are_open_in_development_and_off_in_production() -> None:
    development = create_app(Settings(env="development", jwt_secret=Secret(STRONG)))
    production = create_app(
        Settings(
            env="production",
            jwt_secret=Secret(STRONG),
            database_url="postgres://u@127.0.0.1:1/none",
            public_url="https://x",
            sms_gateway_url="https://sms.example.com/send",
        )
    )
    # Only whether the route is served: no lifespan needed (ASGITransport starts none).
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=production), base_url="http://t") as http:
        answer = await http.get("/metrics")
        assert answer.status_code == 404
        assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    routes = {getattr(route, "path", None) for route in development.routes}
    assert "/metrics" in routes


def test_a_weak_metrics_token_is_refused_in_production() -> None:
    env = {
        "LINGLI_ENV": "production",
        "JWT_SECRET": STRONG,
        "DATABASE_URL": "postgres://db/lingli",
        "SMS_GATEWAY_URL": "https://sms.example.com/send",
        "PUBLIC_URL": "https://api.example.com",
    }
    assert Settings.from_env({**env, "METRICS_TOKEN": STRONG}).metrics_token.value == STRONG
    with pytest.raises(SettingsError, match=r"^METRICS_TOKEN must be a random value"):
        Settings.from_env({**env, "METRICS_TOKEN": "prometheus"})
