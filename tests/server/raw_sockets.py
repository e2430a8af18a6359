"""Either WebSocket protocol spoken frame by frame, for what a client library would never send."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from domain.people.models import Person
from tests.conftest import RunningServer
from tests.support import World, token_for

LEGACY = "graphql-ws"
MODERN = "graphql-transport-ws"
PROTOCOLS = (LEGACY, MODERN)
START = {LEGACY: "start", MODERN: "subscribe"}
STOP = {LEGACY: "stop", MODERN: "complete"}
ME = {"query": "{ me { name } }"}
ANSWER_WITHIN = 5  # seconds, only so that a broken server cannot hang the test


async def conversation(
    server: RunningServer,
    world: World | None,
    protocol: str,
    *frames: str | bytes,
    good: bool = True,
    as_: Person | None = None,
) -> list[Any]:
    """connection_init with a good token (when there is a ``world``), the frames, then (``good``) a
    good query on the same socket: every message received up to that query's `complete`, or
    ``("closed", code, reason)`` for how the socket ended (``"no answer"``: a hang). The token is
    ``as_``'s (the world's owner of A101 by default)."""
    received: list[Any] = []
    async with websockets.connect(server.ws_url, subprotocols=[Subprotocol(protocol)]) as ws:
        if world is not None:
            token = await token_for(server.issuer, as_ or world.owner_a101)
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))["type"] == "connection_ack"
        for frame in frames:
            await ws.send(frame)
        if good:
            await ws.send(json.dumps({"type": START[protocol], "id": "good", "payload": ME}))
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))
                if message["type"] in ("ka", "ping", "pong"):
                    continue
                received.append(message)
                if message.get("id") == "good" and message["type"] == "complete":
                    break
        except ConnectionClosed as closed:
            received.append(("closed", closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else ("closed", None))
        except TimeoutError:
            received.append("no answer")
    return received


def closed_with(received: list[Any]) -> int | None:
    """The code the server closed the socket with (None: it did not, or sent no close frame)."""
    closes = [r for r in received if isinstance(r, tuple)]
    assert len(closes) <= 1, received
    return closes[0][1] if closes else None


def first_error(message: dict[str, Any]) -> dict[str, Any]:
    """An `error` message's (first) GraphQL error: graphql-ws sends one, graphql-transport-ws a list."""
    assert message["type"] == "error", message
    payload = message["payload"]
    error: dict[str, Any] = payload[0] if isinstance(payload, list) else payload
    return error
