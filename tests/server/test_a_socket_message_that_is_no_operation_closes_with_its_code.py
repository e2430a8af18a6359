"""A WebSocket frame the server cannot take as an operation (no usable id, an unknown type, no JSON
object, a binary frame) closes the socket with a close code and a reason, on both protocols: the
same codes graphql-transport-ws names (4400 a bad message, 4401 an operation before
connection_init, 4403 a refused token, 4429 a second connection_init). Never a crash, an ERROR
line, a connection dropped without a close frame, or a silence."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.conftest import RunningServer
from tests.server.raw_sockets import ANSWER_WITHIN, LEGACY, ME, PROTOCOLS, START, STOP, closed_with, conversation
from tests.support import World, errors_logged, token_for

BAD_MESSAGE = 4400
UNAUTHORIZED = 4401
FORBIDDEN = 4403
TOO_MANY_INITS = 4429


def _no_usable_id(protocol: str) -> list[tuple[str, dict[str, object]]]:
    start, stop = START[protocol], STOP[protocol]
    return [
        ("start-no-id", {"type": start, "payload": ME}),
        ("start-id-a-number", {"type": start, "id": 5, "payload": ME}),
        ("start-id-an-object", {"type": start, "id": {"a": 1}, "payload": ME}),
        ("start-id-a-list", {"type": start, "id": ["a"], "payload": ME}),
        ("start-id-empty", {"type": start, "id": "", "payload": ME}),
        ("start-id-huge", {"type": start, "id": "x" * 100_000, "payload": ME}),
        ("start-id-long-in-utf8", {"type": start, "id": "界" * 40, "payload": ME}),
        ("stop-no-id", {"type": stop}),
        ("stop-id-an-object", {"type": stop, "id": {"a": 1}}),
    ]


NOT_A_MESSAGE = [
    ("no-type", {"id": "x", "payload": ME}),
    ("type-unknown", {"type": "nonsense", "id": "x"}),
    ("type-a-number", {"type": 5}),
    ("type-a-list", {"type": ["start"]}),
    ("type-huge", {"type": "x" * 10_000}),
]

CASES = [
    (protocol, name, message) for protocol in PROTOCOLS for name, message in [*_no_usable_id(protocol), *NOT_A_MESSAGE]
]


@pytest.mark.parametrize(("protocol", "message"), [(p, m) for p, _, m in CASES], ids=[f"{n}-{p}" for p, n, _ in CASES])
async def test_a_message_that_is_no_operation_closes_with_4400(
    server: RunningServer, world: World, protocol: str, message: dict[str, object]
) -> None:
    with errors_logged() as errors:
        received = await conversation(server, world, protocol, json.dumps(message))
    assert errors == [], [e.getMessage() for e in errors]
    [closed] = received
    assert closed[:2] == ("closed", BAD_MESSAGE), received
    assert closed[2], "a close says why"


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("frame", [b"\x00\x01binary", "not json", "[1, 2]", "42", '"text"', "null"])
async def test_a_frame_that_is_no_json_object_closes_with_4400(
    server: RunningServer, world: World, protocol: str, frame: str | bytes
) -> None:
    with errors_logged() as errors:
        received = await conversation(server, world, protocol, frame)
    assert errors == [], [e.getMessage() for e in errors]
    assert [r[:2] for r in received] == [("closed", BAD_MESSAGE)], received


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_operation_before_connection_init_closes_with_4401(server: RunningServer, protocol: str) -> None:
    start = json.dumps({"type": START[protocol], "id": "early", "payload": ME})
    with errors_logged() as errors:
        received = await conversation(server, None, protocol, start, good=False)
    assert errors == [], [e.getMessage() for e in errors]
    assert [r[:2] for r in received] == [("closed", UNAUTHORIZED)], received


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_second_connection_init_closes_with_4429(server: RunningServer, world: World, protocol: str) -> None:
    token = await token_for(server.issuer, world.owner_a101)
    again = json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    with errors_logged() as errors:
        received = await conversation(server, world, protocol, again, good=False)
    assert errors == [], [e.getMessage() for e in errors]
    assert [r[:2] for r in received] == [("closed", TOO_MANY_INITS)], received


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("payload", ["Bearer x", ["Bearer x"], 5])
async def test_a_connection_init_payload_that_is_no_object_closes_with_4400(
    server: RunningServer, protocol: str, payload: object
) -> None:
    init = json.dumps({"type": "connection_init", "payload": payload})
    with errors_logged() as errors:
        received = await conversation(server, None, protocol, init, good=False)
    assert errors == [], [e.getMessage() for e in errors]
    assert closed_with(received) == BAD_MESSAGE, received


@pytest.mark.parametrize("init_payload", [{"Authorization": "Bearer not-a-token"}, {}], ids=["bad-token", "no-token"])
async def test_a_refused_token_on_the_legacy_protocol_closes_with_4403(
    server: RunningServer, init_payload: dict[str, object]
) -> None:
    """As on graphql-transport-ws: 4403 tells a client its token is refused (it reconnects with a
    fresh one); 1011 would say the server broke. graphql-ws first says why, in connection_error."""
    with errors_logged() as errors:
        async with websockets.connect(server.ws_url, subprotocols=[Subprotocol(LEGACY)]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": init_payload}))
            said = json.loads(await asyncio.wait_for(ws.recv(), ANSWER_WITHIN))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), ANSWER_WITHIN)
    assert errors == [], [e.getMessage() for e in errors]
    assert said["type"] == "connection_error"
    assert said["payload"]["code"] == "UNAUTHENTICATED", said
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == FORBIDDEN, closed.value.rcvd.code
