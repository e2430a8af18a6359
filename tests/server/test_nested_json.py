"""Deeply nested JSON is a client's mistake everywhere JSON comes in: 400 over HTTP, 4400 on a
socket, with a message that says why, and nothing logged as an error."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.conftest import RunningServer
from tests.support import World, errors_logged, token_for

DEEP = "[" * 100_000  # far deeper than Python's own recursion limit: json.loads gives up on it
DEEP_PARAMETER = "[" * 5_000  # as deep, in a URL that clients still send
ANSWER_WITHIN = 5  # seconds, only so that a broken server cannot hang the test


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def assert_refused_as_too_deep(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert (error["extensions"]["code"], error["extensions"]["limit"]) == ("INVALID_INPUT", "MAX_JSON_DEPTH")
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    assert "nested" in error["message"]


async def test_a_deeply_nested_graphql_body_or_variables_is_a_400(server: RunningServer) -> None:
    query = json.dumps("{ __typename }")
    bodies = [DEEP, f'{{"query": {query}, "variables": {{"v": {DEEP}}}}}']
    with errors_logged() as errors:
        async with httpx.AsyncClient() as http:
            answers = [
                *[
                    await http.post(server.url, content=body, headers={"Content-Type": "application/json"})
                    for body in bodies
                ],
                await http.get(server.url, params={"query": "{ __typename }", "variables": DEEP_PARAMETER}),
                await http.get(server.url, params={"query": "{ __typename }", "extensions": DEEP_PARAMETER}),
            ]
    for response in answers:
        assert_refused_as_too_deep(response)
    assert errors == []


async def test_json_nested_past_the_limit_is_refused_even_where_python_could_read_it(server: RunningServer) -> None:
    limit = server.settings.max_json_depth
    # The body is one level, its variables a second: the lists inside make up the rest.
    within = {"query": "{ __typename }", "variables": {"v": json.loads(nested(limit - 2))}}
    past = f'{{"query": "{{ __typename }}", "variables": {{"v": {nested(limit - 1)}}}}}'
    async with httpx.AsyncClient() as http:
        accepted = await http.post(server.url, json=within)
        refused = await http.post(server.url, content=past, headers={"Content-Type": "application/json"})
    assert accepted.json() == {"data": {"__typename": "Query"}}
    assert_refused_as_too_deep(refused)


async def test_a_deeply_nested_telemetry_body_is_a_400(server: RunningServer) -> None:
    url = server.url.removesuffix("/graphql") + "/telemetry"
    with errors_logged() as errors:
        async with httpx.AsyncClient() as http:
            response = await http.post(url, content=DEEP, headers={"X-Device-Key": "dk_any"})
    assert response.status_code == 400, response.text
    refusal = response.json()
    assert refusal["code"] == "INVALID_INPUT"
    assert "nested" in refusal["message"]
    assert errors == []


async def _close_code(server: RunningServer, protocol: str, *messages: str) -> int:
    async with websockets.connect(server.ws_url, subprotocols=[Subprotocol(protocol)]) as socket:
        for message in messages:
            await socket.send(message)
        with pytest.raises(ConnectionClosed) as closed:
            while True:  # past the acknowledgement, if any, to the close
                await asyncio.wait_for(socket.recv(), ANSWER_WITHIN)
    assert closed.value.rcvd is not None, "the server dropped the socket without a close frame"
    return closed.value.rcvd.code


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_a_deeply_nested_connection_init_closes_the_socket_with_4400(
    server: RunningServer, protocol: str
) -> None:
    with errors_logged() as errors:
        code = await _close_code(server, protocol, f'{{"type": "connection_init", "payload": {{"v": {DEEP}}}}}')
    assert code == 4400
    assert errors == []


async def test_deeply_nested_variables_after_connection_init_close_the_socket_with_4400(
    server: RunningServer, world: World
) -> None:
    token = await token_for(server.issuer, world.owner_a101)
    init = json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    subscribe = (
        '{"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }", "variables": {"v": ' + DEEP + "}}}"
    )
    with errors_logged() as errors:
        code = await _close_code(server, "graphql-transport-ws", init, subscribe)
    assert code == 4400
    assert errors == []


async def test_malformed_json_is_a_typed_400_as_well(server: RunningServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.url, content=b'{"query": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
