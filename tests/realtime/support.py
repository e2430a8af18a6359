"""A live client over a real WebSocket (gql, graphql-transport-ws), logged in as a person, and the first n
messages of a subscription."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.websockets import WebsocketsTransport

from domain.people.models import Person
from tests.conftest import RunningServer
from tests.support import token_for


@asynccontextmanager
async def socket(server: RunningServer, person: Person) -> AsyncIterator[AsyncClientSession]:
    token = await token_for(server.issuer, person)
    transport = WebsocketsTransport(
        url=server.ws_url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=["graphql-transport-ws"]
    )
    async with Client(transport=transport) as session:
        yield session


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
