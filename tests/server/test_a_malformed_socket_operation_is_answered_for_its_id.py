"""Whatever a `start` (graphql-ws) or `subscribe` (graphql-transport-ws) with a usable id carries,
the server answers that operation with an `error` for its id: typed (INVALID_INPUT, naming the
field), never INTERNAL, nothing logged at ERROR, and the socket lives on for the next operation.
Over HTTP the same request is refused with the same code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import RunningServer
from tests.server.raw_sockets import PROTOCOLS, START, STOP, closed_with, conversation, first_error
from tests.support import World, errors_logged

WATCH = "subscription S($c: ID!) { alarmEvents(communityId: $c) { kind } }"

# What a client may put in an operation's payload, and the field its refusal names.
MALFORMED: list[tuple[str, object, str]] = [
    ("no-payload", None, "payload"),  # the key is left out, below
    ("payload-empty", {}, "payload.query"),
    ("payload-a-string", "{ me { name } }", "payload"),
    ("payload-a-list", ["{ me { name } }"], "payload"),
    ("query-a-number", {"query": 5}, "payload.query"),
    ("query-null", {"query": None}, "payload.query"),
    ("query-empty", {"query": ""}, "payload.query"),
    ("query-an-object", {"query": {"text": "{ me { name } }"}}, "payload.query"),
    ("variables-a-string", {"query": "{ me { name } }", "variables": "x"}, "payload.variables"),
    ("variables-a-list", {"query": "{ me { name } }", "variables": [1, 2]}, "payload.variables"),
    ("extensions-a-string", {"query": "{ me { name } }", "extensions": "x"}, "payload.extensions"),
    ("extensions-a-number", {"query": "{ me { name } }", "extensions": 7}, "payload.extensions"),
    ("operation-name-a-number", {"query": "{ me { name } }", "operationName": 5}, "payload.operationName"),
    ("operation-name-a-list", {"query": "{ me { name } }", "operationName": ["A"]}, "payload.operationName"),
]


def _start(protocol: str, payload: object) -> str:
    message: dict[str, Any] = {"type": START[protocol], "id": "bad"}
    if payload is not None:
        message["payload"] = payload
    return json.dumps(message)


def _answered_and_alive(received: list[Any]) -> dict[str, Any]:
    """The bad operation's `error`, after checking the good query after it was answered too."""
    assert closed_with(received) is None, received
    [answer] = [r for r in received if r.get("id") == "bad"]
    assert [r["type"] for r in received if r.get("id") == "good"][-1] == "complete", received
    return first_error(answer)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(("payload", "field"), [(p, f) for _, p, f in MALFORMED], ids=[n for n, _, _ in MALFORMED])
async def test_a_malformed_operation_is_a_typed_error_for_its_id(
    server: RunningServer, world: World, protocol: str, payload: object, field: str
) -> None:
    with errors_logged() as errors:
        received = await conversation(server, world, protocol, _start(protocol, payload))
    assert errors == [], [e.getMessage() for e in errors]
    error = _answered_and_alive(received)
    assert error["extensions"]["code"] == "INVALID_INPUT", error
    assert error["extensions"]["field"] == field, error
    assert error["message"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_operation_name_the_document_lacks_is_invalid_input(
    server: RunningServer, world: World, protocol: str
) -> None:
    """Over HTTP the same request is a typed 400 ("Unknown operation named"), not INTERNAL."""
    bad = _start(protocol, {"query": "query A { me { name } }", "operationName": "B"})
    with errors_logged() as errors:
        received = await conversation(server, world, protocol, bad)
    assert errors == [], [e.getMessage() for e in errors]
    error = _answered_and_alive(received)
    assert error["extensions"]["code"] == "INVALID_INPUT", error
    assert error["extensions"]["field"] == "operationName", error
    assert '"B"' in error["message"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_operation_past_the_limit_of_a_socket_is_a_typed_error(
    server: RunningServer, world: World, protocol: str
) -> None:
    """100 operations run at once on one socket (strawberry's limit); the next is refused with a
    code to switch on, not a bare message. Once one is stopped, there is room again."""
    watch = {"query": WATCH, "variables": {"c": str(world.a.id)}}
    frames = [json.dumps({"type": START[protocol], "id": f"w{n}", "payload": watch}) for n in range(100)]
    with errors_logged() as errors:
        stop = json.dumps({"type": STOP[protocol], "id": "w0"})
        received = await conversation(
            server, world, protocol, *frames, _start(protocol, watch), stop, as_=world.operator_a
        )
    assert errors == [], [e.getMessage() for e in errors]
    error = _answered_and_alive(received)
    assert error["extensions"]["code"] == "RATE_LIMITED", error
