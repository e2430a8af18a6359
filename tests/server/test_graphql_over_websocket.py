"""GraphQL over a real WebSocket (graphql-transport-ws; the legacy graphql-ws where marked), with gql as the client."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from auth.tokens import TokenIssuer
from domain.people.accounts import start_session
from domain.people.models import Membership
from tests.conftest import TEST_SECRET, RunningServer
from tests.realtime.support import PROTOCOLS
from tests.support import World, token_for

ME = gql("query Me { me { id name } }")
HOUSE = gql("query House($id: ID!) { house(id: $id) { id number } }")
LOGOUT = gql("mutation Logout { authLogout }")

PROTOCOL = WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL  # "graphql-transport-ws"
FORBIDDEN = 4403


def transport(server: RunningServer, init_payload: dict[str, Any], protocol: str = PROTOCOL) -> WebsocketsTransport:
    return WebsocketsTransport(url=server.ws_url, init_payload=init_payload, subprotocols=[protocol])


async def close_code_of_refused_connection(server: RunningServer, init_payload: dict[str, Any]) -> int:
    """Connect and send connection_init; the server must close the socket instead of acknowledging it."""
    refused = transport(server, init_payload)
    try:
        with pytest.raises(TransportConnectionFailed) as failure:
            async with Client(transport=refused):
                pass
    finally:
        await refused.adapter.close()
    # gql reports the closed socket as TransportConnectionFailed, raised from websockets' ConnectionClosed.
    closed = failure.value.__cause__
    assert isinstance(closed, ConnectionClosed), repr(closed)
    assert closed.rcvd is not None, "the server sent no close frame"
    return closed.rcvd.code


async def test_a_query_runs_over_the_socket_as_the_person_of_the_token(server: RunningServer, world: World) -> None:
    person = world.owner_a101
    token = await token_for(server.issuer, person)
    socket = transport(server, {"Authorization": f"Bearer {token}"})

    async with Client(transport=socket) as session:
        result = await session.execute(ME)

    assert socket.subprotocol == PROTOCOL
    assert result == {"me": {"id": str(person.id), "name": person.name}}


async def test_a_bad_token_closes_the_socket_with_4403(server: RunningServer) -> None:
    assert await close_code_of_refused_connection(server, {"Authorization": "Bearer not-a-jwt"}) == FORBIDDEN


async def test_a_missing_token_closes_the_socket_with_4403(server: RunningServer) -> None:
    assert await close_code_of_refused_connection(server, {}) == FORBIDDEN


async def test_a_logged_out_token_closes_the_socket_with_4403(server: RunningServer, world: World) -> None:
    token = await token_for(server.issuer, world.owner_a101)
    async with Client(transport=transport(server, {"Authorization": f"Bearer {token}"})) as session:
        assert await session.execute(LOGOUT) == {"authLogout": True}

    assert await close_code_of_refused_connection(server, {"Authorization": f"Bearer {token}"}) == FORBIDDEN


async def test_a_resident_on_the_socket_cannot_read_another_house(server: RunningServer, world: World) -> None:
    token = await token_for(server.issuer, world.owner_a101)

    async with Client(transport=transport(server, {"Authorization": f"Bearer {token}"})) as session:
        own = await session.execute(GraphQLRequest(HOUSE, variable_values={"id": str(world.a101.id)}))
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(GraphQLRequest(HOUSE, variable_values={"id": str(world.b101.id)}))

    assert own == {"house": {"id": str(world.a101.id), "number": "101"}}
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert refused.value.data == {"house": None}


@PROTOCOLS
async def test_an_open_socket_follows_revoked_roles_and_logout(
    server: RunningServer, world: World, protocol: str
) -> None:
    token = await token_for(server.issuer, world.keeper_g1)
    house = GraphQLRequest(HOUSE, variable_values={"id": str(world.a101.id)})
    async with Client(transport=transport(server, {"Authorization": f"Bearer {token}"}, protocol)) as session:
        assert (await session.execute(house))["house"]["number"] == "101"

        await Membership.filter(person_id=world.keeper_g1.id).delete()  # the grid is taken away
        with pytest.raises(TransportQueryError) as no_longer:
            await session.execute(house)
        assert no_longer.value.errors is not None
        assert no_longer.value.errors[0]["extensions"]["code"] == "NOT_FOUND"

        async with httpx.AsyncClient() as http:  # logged out elsewhere, over HTTP
            await http.post(
                server.url, json={"query": "mutation { authLogout }"}, headers={"Authorization": f"Bearer {token}"}
            )
        with pytest.raises(TransportQueryError) as logged_out:
            await session.execute(ME)
        assert logged_out.value.errors is not None
        assert logged_out.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_closed_socket_is_forgotten(server: RunningServer, world: World) -> None:
    """The server keeps its open sockets by person (so a logout elsewhere reaches them): not after they close."""
    before = len(server.sockets)
    token = await token_for(server.issuer, world.owner_a101)
    async with Client(transport=transport(server, {"Authorization": f"Bearer {token}"})) as session:
        await session.execute(ME)
        assert len(server.sockets) == before + 1
    for _ in range(100):  # bounded: the server finishes the connection after the client closed it
        if len(server.sockets) == before:
            break
        await asyncio.sleep(0.05)
    assert len(server.sockets) == before


async def test_a_non_text_authorization_closes_the_socket_with_4403(server: RunningServer) -> None:
    assert await close_code_of_refused_connection(server, {"Authorization": 123}) == FORBIDDEN


async def test_the_socket_closes_with_4403_when_the_token_expires(server: RunningServer, world: World) -> None:
    # 3 s: expiry is in whole seconds, so a 1 s token can be spent before connection_init is read
    # on a busy machine (seen in CI): the test is about a token expiring on an open socket.
    short = TokenIssuer(
        secret=TEST_SECRET, issuer="lingli", audience="lingli-api", access_ttl_seconds=3, refresh_ttl_seconds=60
    )
    session = await start_session(server.issuer, world.operator_a)
    token = short.access_token(world.operator_a.id, session.session)
    async with websockets.connect(server.ws_url, subprotocols=[Subprotocol(PROTOCOL)]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        with pytest.raises(ConnectionClosed) as closed:
            while True:  # pings may come first; the close is what we wait for (bounded below)
                await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == FORBIDDEN
