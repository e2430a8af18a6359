"""A live client over a real WebSocket (gql, graphql-transport-ws), logged in as a person, and the first n
messages of a subscription."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from domain.people.models import Person
from tests.conftest import RunningServer
from tests.support import token_for


@asynccontextmanager
async def socket(server: RunningServer, person: Person) -> AsyncIterator[AsyncClientSession]:
    token = await token_for(server.issuer, person)
    async with socket_at(server.ws_url, token) as session:
        yield session


@asynccontextmanager
async def socket_at(ws_url: str, token: str) -> AsyncIterator[AsyncClientSession]:
    """A socket to any server (a second app, another process), logged in with this access token."""
    transport = WebsocketsTransport(
        url=ws_url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=["graphql-transport-ws"]
    )
    async with Client(transport=transport) as session:
        yield session


async def next_message(messages: AsyncGenerator[dict[str, Any], None]) -> dict[str, Any]:
    """The next message of a running subscription, its one root field's value (bounded in time)."""
    message = await asyncio.wait_for(anext(messages), timeout=15)
    return dict(next(iter(message.values())))


async def error_code_ending(messages: AsyncGenerator[dict[str, Any], None], *, within: float) -> str:
    """The code of the error that ends a running subscription within ``within`` seconds (a message
    instead, or nothing in time, fails the test)."""
    with pytest.raises(TransportQueryError) as ended:
        message = await asyncio.wait_for(anext(messages), timeout=within)
        raise AssertionError(f"a message instead of the end: {message}")
    assert ended.value.errors, ended.value
    return str(ended.value.errors[0]["extensions"]["code"])


async def take(session: AsyncClientSession, request: GraphQLRequest, n: int) -> list[dict[str, Any]]:
    """The first n messages of a subscription (bounded in time: a missing message fails, never hangs)."""
    received: list[dict[str, Any]] = []

    async def collect() -> None:
        async for message in session.subscribe(request):
            received.append(next(iter(message.values())))
            if len(received) == n:
                return

    await asyncio.wait_for(collect(), timeout=15)
    return received
