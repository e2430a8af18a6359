"""Production lock-down: no introspection and no GraphiQL in production, both in development."""

from __future__ import annotations

import httpx

from auth.tokens import TokenIssuer
from resolvers.context import Context
from resolvers.root import build_schema
from server.app import create_app
from server.settings import Secret, Settings

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_is_off_in_production_and_on_in_development() -> None:
    issuer = TokenIssuer(secret="s" * 48, issuer="i", audience="a", access_ttl_seconds=60, refresh_ttl_seconds=60)
    production = await build_schema(production=True).execute(INTROSPECTION, context_value=Context(issuer, "r1"))
    assert production.errors and "introspection" in production.errors[0].message.lower()
    development = await build_schema(production=False).execute(INTROSPECTION, context_value=Context(issuer, "r2"))
    assert development.errors is None


async def test_graphiql_is_served_in_development_but_not_in_production() -> None:
    secret = Secret("9c2e7a4f1b8d3e6a0f5c2b9e7d4a1f8c3e6b0d5a")  # production checks its entropy
    dev = create_app(Settings(env="development", jwt_secret=secret))
    prod = create_app(
        Settings(
            env="production",
            jwt_secret=secret,
            database_url="postgres://u@127.0.0.1:1/none",
            public_url="https://x",
            sms_gateway_url="https://sms.example.com/send",
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
        # Nor the page's own files (server/graphiql.py).
        assert (await http.get("/graphiql/graphiql-4.0.1.min.js")).status_code == 404


async def test_the_sandbox_payment_gateway_is_not_there_in_production() -> None:
    """The sandbox's pay page pays without money: in production it would be a free-goods button."""
    secret = Secret("9c2e7a4f1b8d3e6a0f5c2b9e7d4a1f8c3e6b0d5a")
    prod = create_app(
        Settings(
            env="production",
            jwt_secret=secret,
            database_url="postgres://u@127.0.0.1:1/none",
            public_url="https://x",
            sms_gateway_url="https://sms.example.com/send",
        )
    )
    assert "SANDBOX" not in prod.state.payments.names()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod), base_url="http://t") as http:
        assert (await http.get("/sandbox-gateway/")).status_code == 404
        callback = await http.post("/payments/callback/sandbox", content=b"{}")
        assert callback.status_code in (400, 404), callback.text
    dev = create_app(Settings(env="development", jwt_secret=secret))
    assert "SANDBOX" in dev.state.payments.names()
