"""graphql-transport-ws: a subscribe whose document is broken is answered with an `error` for that
operation; the socket and the other subscriptions on it live on."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from websockets.typing import Subprotocol

from tests.alarms.support import smoke
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.support import Api, World, token_for

WATCH = (
    "subscription S($c: ID!, $after: String) { alarmEvents(communityId: $c, after: $after) { kind alarm { type } } }"
)


async def _next(ws: Any, wanted: str) -> dict[str, Any]:
    """The next message for operation ``wanted`` (pings and other operations' messages skipped)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("id") == wanted:
            return dict(message)


async def test_a_syntax_error_in_one_subscribe_keeps_the_other_subscriptions(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key = await register(api, world)
    token = await token_for(server.issuer, world.operator_a)
    async with websockets.connect(server.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        # From the topic's start (after "0"): the first alarm arrives whether it commits before the
        # subscription is on the bus or after (no race with the subscribe, which has no ack).
        live = {"query": WATCH, "variables": {"c": str(world.a.id), "after": "0"}}
        await ws.send(json.dumps({"id": "live", "type": "subscribe", "payload": {**live}}))
        await smoke(api, key)
        assert (await _next(ws, "live"))["payload"]["data"]["alarmEvents"]["kind"] == "ALARM_RAISED"

        for broken in ("subscription { alarmEvents(", "query A { me { id } } query B { me { id } }"):
            await ws.send(json.dumps({"id": "broken", "type": "subscribe", "payload": {"query": broken}}))
            answer = await _next(ws, "broken")
            assert answer["type"] == "error" and answer["payload"][0]["message"]

        await smoke(api, key, 30)
        assert (await _next(ws, "live"))["payload"]["data"]["alarmEvents"]["kind"] == "ALARM_UPDATED"
