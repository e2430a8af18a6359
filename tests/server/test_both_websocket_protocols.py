"""Queries, mutations and subscriptions over both WebSocket protocols: graphql-transport-ws and the
legacy graphql-ws (Apollo's subscriptions-transport-ws), which allows all three too. The Python `gql`
client with its default settings offers both, legacy first; a client offering both gets
graphql-transport-ws, whichever order it offers them in. Each operation answers as over HTTP: as
the viewer of connection_init, within the document limits, and nothing is logged at ERROR."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, ClassVar

import pytest
import websockets
from gql import Client, GraphQLRequest, gql
from gql.transport.websockets import WebsocketsTransport
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from domain.people.models import Person
from tests.alarms.support import ALARM_EVENTS, smoke
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.realtime.support import take
from tests.server.test_query_limits import DEEP
from tests.support import Api, World, data, errors_logged, token_for

LEGACY = "graphql-ws"
MODERN = "graphql-transport-ws"

ME = "query Me { me { id name } }"
HOUSE = "query House($id: ID!) { house(id: $id) { number } }"
RENAME = "mutation Rename($id: ID!, $name: String!) { personUpdate(input: {id: $id, name: $name}) { name } }"
WATCH = (
    "subscription S($c: ID!, $after: String) { alarmEvents(communityId: $c, after: $after) { kind alarm { type } } }"
)
ANSWER_WITHIN = 10  # seconds: a bound, never a wait


class RawSocket:
    """One side of either protocol, spoken message by message (as a client library would)."""

    # The messages each protocol uses: start an operation, its results, stop it.
    START: ClassVar = {LEGACY: "start", MODERN: "subscribe"}
    RESULT: ClassVar = {LEGACY: "data", MODERN: "next"}
    STOP: ClassVar = {LEGACY: "stop", MODERN: "complete"}

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        assert ws.subprotocol in (LEGACY, MODERN), ws.subprotocol
        self.protocol: str = ws.subprotocol

    async def init(self, token: str) -> dict[str, Any]:
        await self.ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        return await self.next_of(None)

    async def start(self, id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": id, "type": self.START[self.protocol], "payload": payload}))

    async def stop(self, id: str) -> None:
        await self.ws.send(json.dumps({"id": id, "type": self.STOP[self.protocol]}))

    async def next_of(self, id: str | None) -> dict[str, Any]:
        """The next message for operation ``id`` (keep-alives and other operations' skipped)."""
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), ANSWER_WITHIN))
            if message.get("id") == id and message["type"] not in ("ka", "ping", "pong"):
                return dict(message)

    async def run(self, id: str, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """A query's or mutation's messages, up to its `complete` (or an `error`)."""
        await self.start(id, query, variables)
        messages = [await self.next_of(id)]
        while messages[-1]["type"] not in ("complete", "error"):
            messages.append(await self.next_of(id))
        return messages

    def result(self, message: dict[str, Any]) -> dict[str, Any]:
        assert message["type"] == self.RESULT[self.protocol], message
        payload: dict[str, Any] = message["payload"]
        return payload


@asynccontextmanager
async def raw_socket(server: RunningServer, person: Person, offered: list[str]) -> AsyncIterator[RawSocket]:
    token = await token_for(server.issuer, person)
    async with websockets.connect(server.ws_url, subprotocols=[Subprotocol(p) for p in offered]) as ws:
        socket = RawSocket(ws)
        assert (await socket.init(token))["type"] == "connection_ack"
        yield socket


async def _an_alarm(api: Api, world: World) -> None:
    """One smoke alarm in community A, for a subscription from the start of its topic to replay."""
    _, key = await register(api, world)
    await smoke(api, key)


async def test_gql_with_its_default_settings_queries_mutates_and_subscribes(
    api: Api, world: World, server: RunningServer
) -> None:
    await _an_alarm(api, world)
    person = world.operator_a
    token = await token_for(server.issuer, person)
    transport = WebsocketsTransport(url=server.ws_url, init_payload={"Authorization": f"Bearer {token}"})
    with errors_logged() as errors:
        async with Client(transport=transport) as session:
            me = await session.execute(gql(ME))
            renamed = await session.execute(
                GraphQLRequest(gql(RENAME), variable_values={"id": str(person.id), "name": "Operator Alpha"})
            )
            [event] = await take(
                session, GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"}), 1
            )

    assert transport.subprotocol == MODERN  # offered second, preferred by the server
    assert me == {"me": {"id": str(person.id), "name": person.name}}
    assert renamed == {"personUpdate": {"name": "Operator Alpha"}}
    assert (event["kind"], event["alarm"]["type"]) == ("ALARM_RAISED", "SMOKE")
    assert errors == []


async def test_gql_on_the_legacy_protocol_queries_mutates_and_subscribes(
    api: Api, world: World, server: RunningServer
) -> None:
    await _an_alarm(api, world)
    person = world.operator_a
    token = await token_for(server.issuer, person)
    transport = WebsocketsTransport(
        url=server.ws_url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=[LEGACY]
    )
    with errors_logged() as errors:
        async with Client(transport=transport) as session:
            me = await session.execute(gql(ME))
            renamed = await session.execute(
                GraphQLRequest(gql(RENAME), variable_values={"id": str(person.id), "name": "Operator Alpha"})
            )
            [event] = await take(
                session, GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"}), 1
            )

    assert transport.subprotocol == LEGACY
    assert me == {"me": {"id": str(person.id), "name": person.name}}
    assert renamed == {"personUpdate": {"name": "Operator Alpha"}}
    assert data(await api(ME, as_=person))["me"]["name"] == "Operator Alpha"  # written, not only answered
    assert (event["kind"], event["alarm"]["type"]) == ("ALARM_RAISED", "SMOKE")
    assert errors == []


@pytest.mark.parametrize(
    ("offered", "picked"),
    [([LEGACY, MODERN], MODERN), ([MODERN, LEGACY], MODERN), ([LEGACY], LEGACY), ([MODERN], MODERN)],
)
async def test_a_query_a_mutation_and_a_subscription_on_the_protocol_the_server_picks(
    api: Api, world: World, server: RunningServer, offered: list[str], picked: str
) -> None:
    await _an_alarm(api, world)
    person = world.operator_a
    with errors_logged() as errors:
        async with raw_socket(server, person, offered) as socket:
            assert socket.protocol == picked

            me = await socket.run("me", ME)
            renamed = await socket.run("rename", RENAME, {"id": str(person.id), "name": "Operator Alpha"})
            await socket.start("watch", WATCH, {"c": str(world.a.id), "after": "0"})
            first = await socket.next_of("watch")
            await socket.stop("watch")

    assert [m["type"] for m in me] == [socket.RESULT[picked], "complete"]
    assert socket.result(me[0]) == {"data": {"me": {"id": str(person.id), "name": person.name}}}
    assert [m["type"] for m in renamed] == [socket.RESULT[picked], "complete"]
    assert socket.result(renamed[0]) == {"data": {"personUpdate": {"name": "Operator Alpha"}}}
    assert socket.result(first)["data"]["alarmEvents"] == {"kind": "ALARM_RAISED", "alarm": {"type": "SMOKE"}}
    assert errors == []


async def test_a_legacy_query_answers_as_the_viewer_of_connection_init(server: RunningServer, world: World) -> None:
    async with raw_socket(server, world.owner_a101, [LEGACY]) as socket:
        own = await socket.run("own", HOUSE, {"id": str(world.a101.id)})
        other = await socket.run("other", HOUSE, {"id": str(world.b101.id)})

    assert socket.result(own[0]) == {"data": {"house": {"number": "101"}}}
    refused = socket.result(other[0])
    assert refused["data"] == {"house": None}
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert other[-1]["type"] == "complete"


async def test_a_legacy_query_is_held_to_the_document_limits(server: RunningServer, world: World) -> None:
    with errors_logged() as errors:
        async with raw_socket(server, world.owner_a101, [LEGACY]) as socket:
            [refused] = await socket.run("deep", DEEP)
            after = await socket.run("me", ME)  # the socket lives on

    assert refused["type"] == "error"
    assert (refused["payload"]["extensions"]["code"], refused["payload"]["extensions"]["limit"]) == (
        "QUERY_TOO_COMPLEX",
        "MAX_QUERY_DEPTH",
    )
    assert socket.result(after[0])["data"]["me"]["id"] == str(world.owner_a101.id)
    assert errors == []
