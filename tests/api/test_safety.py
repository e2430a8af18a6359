"""Safe defaults: query limits, no mutations over GET, masked unexpected errors, production lock-down."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
import pytest
import strawberry

from auth.tokens import TokenIssuer
from domain.common.errors import NotFound
from resolvers.context import Context
from resolvers.root import build_schema
from schema.extensions import MaskUnexpectedErrors
from server.app import create_app
from server.settings import Secret, Settings
from tests.conftest import RunningServer
from tests.support import Api, World, data, error

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_overly_deep_queries_are_refused(api: Api, world: World) -> None:
    deep = "{ me { residencies { house { building { community { buildings { houses { grid { houses { residents { person { name } } } } } } } } } } } }"
    result = await api(deep, as_=world.owner_a101)
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]
    assert result.get("data") is None


async def test_too_many_aliases_are_refused(api: Api, world: World) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(40)) + " }"
    result = await api(query, as_=world.owner_a101)
    assert "aliases" in result["errors"][0]["message"]


async def test_too_many_tokens_are_refused(api: Api, world: World) -> None:
    query = "{ me { " + " ".join(["id"] * 2500) + " } }"
    result = await api(query, as_=world.owner_a101)
    assert "token" in result["errors"][0]["message"].lower()


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


async def test_every_response_carries_a_request_id(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        fresh = await http.post(server.url, json={"query": "{ __typename }"})
        echoed = await http.post(server.url, json={"query": "{ __typename }"}, headers={"X-Request-ID": "trace-42"})
    assert len(fresh.headers["x-request-id"]) >= 8
    assert echoed.headers["x-request-id"] == "trace-42"


@strawberry.type
class _Broken:
    @strawberry.field
    def crash(self) -> str:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("No such thing", field="id")


@dataclass
class _Ctx:
    request_id: str


def test_unexpected_errors_are_masked_and_logged_with_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    schema = strawberry.Schema(query=_Broken, extensions=[MaskUnexpectedErrors])
    with caplog.at_level(logging.ERROR, logger="lingli.errors"):
        result = schema.execute_sync("{ crash }", context_value=_Ctx(request_id="req-7"))
    assert result.errors is not None
    formatted = result.errors[0].formatted
    assert "hunter2" not in str(formatted)
    assert formatted["extensions"] == {"code": "INTERNAL", "requestId": "req-7"}
    assert any("req-7" in r.getMessage() and r.exc_info for r in caplog.records)


def test_typed_errors_stay_visible_with_code_and_field() -> None:
    schema = strawberry.Schema(query=_Broken, extensions=[MaskUnexpectedErrors])
    result = schema.execute_sync("{ missing }", context_value=_Ctx(request_id="req-8"))
    assert result.errors is not None
    formatted = result.errors[0].formatted
    assert formatted["message"] == "No such thing"
    assert formatted["extensions"] == {"code": "NOT_FOUND", "field": "id"}


async def test_introspection_is_off_in_production_and_on_in_development() -> None:
    issuer = TokenIssuer(secret="s" * 48, issuer="i", audience="a", access_ttl_seconds=60, refresh_ttl_seconds=60)
    production = await build_schema(production=True).execute(INTROSPECTION, context_value=Context(issuer, "r1"))
    assert production.errors and "introspection" in production.errors[0].message.lower()
    development = await build_schema(production=False).execute(INTROSPECTION, context_value=Context(issuer, "r2"))
    assert development.errors is None


async def test_graphiql_is_served_in_development_but_not_in_production() -> None:
    secret = Secret("p" * 48)
    dev = create_app(Settings(env="development", jwt_secret=secret))
    prod = create_app(
        Settings(
            env="production", jwt_secret=secret, database_url="postgres://u@127.0.0.1:1/none", public_url="https://x"
        )
    )
    headers = {"Accept": "text/html"}
    # No lifespan is needed to render the IDE page: ASGITransport does not start one.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=dev), base_url="http://t") as http:
        assert "graphiql" in (await http.get("/graphql", headers=headers)).text.lower()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod), base_url="http://t") as http:
        response = await http.get("/graphql", headers=headers)
        assert "graphiql" not in response.text.lower()
        assert response.status_code in (400, 404)


async def test_health_and_readiness(server: RunningServer) -> None:
    base = server.url.removesuffix("/graphql")
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{base}/healthz")).json() == {"status": "ok"}
        ready = await http.get(f"{base}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok"}


async def test_typed_error_over_http_carries_code_and_field(api: Api, world: World) -> None:
    result = await api("query H($id: ID!) { house(id: $id) { id } }", {"id": "abc"}, as_=world.operator_a)
    assert {k: v for k, v in error(result).items() if k != "message"} == {"code": "INVALID_INPUT", "field": "id"}
    assert data(await api("{ __typename }")) == {"__typename": "Query"}
