"""A result shared by many subscribers goes out as bytes encoded once, with each operation's own
id spliced in (server.ws_protocol, schema.shared_events) — and those bytes reach only the
subscribers of its scope: per-message authorization is each subscriber's, as before.

Raw graphql-transport-ws frames over a real socket, so what is checked is exactly what a client
receives, id and all."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from domain.people.models import Person
from tests.alarms.support import smoke
from tests.conftest import RunningServer
from tests.devices.support import REGISTER, register
from tests.realtime.support import until
from tests.support import Api, World, data, token_for

OPERATOR_FEED = """subscription ($c: ID!) {
  alarmEvents(communityId: $c) { cursor alarm { type house { number } } }
}"""
HOME_FEED = "subscription { myAlarms { cursor alarm { type house { number } } } }"
PLAIN_FEED = "subscription ($c: ID!) { alarmEvents(communityId: $c) { cursor alarm { type count } } }"


class Frames:
    """Every frame a socket receives, parsed, as they come; and the raw text of each."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.raw: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for text in self.ws:
            self.raw.append(str(text))

    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(text) for text in self.raw]

    def nexts(self, operation: str) -> list[dict[str, Any]]:
        """The data of each `next` frame of this operation id, in order."""
        return [f["payload"]["data"] for f in self.parsed() if f.get("type") == "next" and f.get("id") == operation]

    async def subscribe(self, operation: str, query: str, variables: dict[str, Any] | None = None) -> None:
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": operation, "type": "subscribe", "payload": payload}))


@asynccontextmanager
async def frames(server: RunningServer, person: Person) -> AsyncIterator[Frames]:
    token = await token_for(server.issuer, person)
    async with websockets.connect(
        server.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], compression=None
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), timeout=15))["type"] == "connection_ack"
        received = Frames(ws)
        try:
            yield received
        finally:
            received.reader.cancel()


async def register_in_b(api: Api, world: World) -> str:
    payload = {
        "communityId": str(world.b.id),
        "type": "SMOKE_DETECTOR",
        "name": "smoke b101",
        "houseId": str(world.b101.id),
    }
    return str(data(await api(REGISTER, {"input": payload}, as_=world.operator_b))["deviceRegister"]["key"])


async def live(api: Api, key: str, *sockets: tuple[Frames, str]) -> None:
    """Smoke readings on ``key`` until each socket's operation has had a first message: every
    subscription is on the bus (they start live, from now on); then their frames are cleared."""
    for _ in range(100):
        await smoke(api, key)
        try:
            await until(lambda: all(s.nexts(op) for s, op in sockets), within=0.3, what="a first message")
            break
        except AssertionError:
            continue
    for s, _ in sockets:
        s.raw.clear()


async def test_operators_of_two_communities_on_one_document_get_only_their_own(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key_a = await register(api, world, house=world.a201)
    key_b = await register_in_b(api, world)
    async with frames(server, world.operator_a) as op_a, frames(server, world.operator_b) as op_b:
        await op_a.subscribe("1", OPERATOR_FEED, {"c": str(world.a.id)})
        await op_b.subscribe("1", OPERATOR_FEED, {"c": str(world.b.id)})
        await live(api, key_a, (op_a, "1"))
        await live(api, key_b, (op_b, "1"))
        op_a.raw.clear()

        for key in (key_a, key_b, key_a, key_b):
            await smoke(api, key)
        await until(lambda: len(op_a.nexts("1")) == 2 and len(op_b.nexts("1")) == 2, within=15, what="every message")

    assert {e["alarmEvents"]["alarm"]["house"]["number"] for e in op_a.nexts("1")} == {"201"}
    assert {e["alarmEvents"]["alarm"]["house"]["number"] for e in op_b.nexts("1")} == {"101"}
    assert not set(op_a.raw) & set(op_b.raw)  # not one frame of one reached the other


async def test_residents_of_two_houses_on_the_same_document_get_only_their_own(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key_101 = await register(api, world, house=world.a101)
    _, key_102 = await register(api, world, house=world.a102)
    async with frames(server, world.owner_a101) as owner, frames(server, world.elder_a102) as elder:
        await owner.subscribe("mine", HOME_FEED)
        await elder.subscribe("mine", HOME_FEED)  # the same document, the same variables (none)
        await live(api, key_101, (owner, "mine"))
        await live(api, key_102, (elder, "mine"))
        owner.raw.clear()

        for key in (key_101, key_102, key_101, key_102, key_101):
            await smoke(api, key)
        await until(
            lambda: len(owner.nexts("mine")) == 3 and len(elder.nexts("mine")) == 2, within=15, what="every message"
        )

        # One more of each after them, so that a message that would have crossed has had its time.
        await smoke(api, key_102)
        await until(lambda: len(elder.nexts("mine")) == 3, within=15, what="every message")

    assert [e["myAlarms"]["alarm"]["house"] for e in owner.nexts("mine")] == [{"number": "101"}] * 3
    assert [e["myAlarms"]["alarm"]["house"] for e in elder.nexts("mine")] == [{"number": "102"}] * 3


async def test_staff_of_two_scopes_share_no_answer_of_another_grid(
    api: Api, world: World, server: RunningServer
) -> None:
    # The operator sees the whole community, the keeper grid g1 only: one document, one variable,
    # two scopes. An alarm in g2 reaches the operator alone; one in g1 both, each their own run.
    _, in_g1 = await register(api, world, house=world.a101)
    _, in_g2 = await register(api, world, house=world.a102)
    community = {"c": str(world.a.id)}
    async with frames(server, world.operator_a) as operator, frames(server, world.keeper_g1) as keeper:
        await operator.subscribe("op", OPERATOR_FEED, community)
        await keeper.subscribe("op", OPERATOR_FEED, community)
        await live(api, in_g1, (operator, "op"), (keeper, "op"))

        await smoke(api, in_g2)
        await smoke(api, in_g1)
        await until(
            lambda: len(operator.nexts("op")) == 2 and len(keeper.nexts("op")) == 1, within=15, what="every message"
        )

    assert [e["alarmEvents"]["alarm"]["house"] for e in operator.nexts("op")] == [{"number": "102"}, {"number": "101"}]
    assert [e["alarmEvents"]["alarm"]["house"] for e in keeper.nexts("op")] == [{"number": "101"}]


async def test_each_operation_gets_the_shared_bytes_under_its_own_id(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key = await register(api, world, house=world.a101)
    community = {"c": str(world.a.id)}
    async with frames(server, world.operator_a) as first, frames(server, world.operator_a) as second:
        await first.subscribe("a", PLAIN_FEED, community)
        await first.subscribe("b", PLAIN_FEED, community)  # two operations of one socket, one document
        await second.subscribe('q"uote', PLAIN_FEED, community)  # an id JSON must escape
        await live(api, key, (first, "a"), (first, "b"), (second, 'q"uote'))

        await smoke(api, key)
        await until(
            lambda: len(first.nexts("a")) == len(first.nexts("b")) == len(second.nexts('q"uote')) == 1,
            within=15,
            what="every message",
        )

    [a] = first.nexts("a")
    assert first.nexts("b") == [a] and second.nexts('q"uote') == [a]
    # The frame strawberry would have encoded (compact JSON, keys in its order), id and all.
    expected = {"id": "b", "type": "next", "payload": {"data": a}}
    assert json.dumps(expected, separators=(",", ":")) in first.raw
    assert all(not frame.startswith('{"id":"q') for frame in first.raw)
    assert [json.loads(frame)["id"] for frame in second.raw] == ['q"uote']
