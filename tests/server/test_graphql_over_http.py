"""GraphQL over HTTP: no mutations over GET, no subscriptions over HTTP (with a reason), queries over GET,
and the health and readiness routes."""

from __future__ import annotations

import httpx

from tests.conftest import RunningServer
from tests.support import World


async def test_mutations_are_refused_over_get(server: RunningServer, world: World) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(
            server.url, params={"query": 'mutation { authLogin(phone: "1", password: "x") { accessToken } }'}
        )
    assert response.status_code in (400, 405)
    assert "mutation" in response.text.lower()


async def test_subscriptions_over_http_are_refused_with_a_reason_not_an_internal_error(
    server: RunningServer, world: World
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.url, json={"query": "subscription { eventUpdates { cursor } }"})
    assert response.status_code == 400
    assert "subscriptions are not allowed" in response.text


async def test_queries_over_get_still_work(server: RunningServer, world: World) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(server.url, params={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_health_and_readiness(server: RunningServer) -> None:
    base = server.url.removesuffix("/graphql")
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{base}/healthz")).json() == {"status": "ok"}
        ready = await http.get(f"{base}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "bus": "ok"}
