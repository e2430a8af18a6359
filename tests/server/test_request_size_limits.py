"""Oversized requests are refused before they are read: a 413 with a typed error at once, while
other clients keep being served; an oversized WebSocket message closes the socket with 1009."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.conftest import RunningServer

MiB = 1024 * 1024
ANSWER_WITHIN = 5  # seconds: the refusals come in milliseconds; this only keeps a broken server from hanging the test


async def _open(server: RunningServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    address = urlsplit(server.url)
    return await asyncio.open_connection(address.hostname, address.port)


def _head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], Any]:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers["content-length"]))
    return status, headers, json.loads(body)


def _graphql_refusal(headers: dict[str, str], body: Any) -> dict[str, Any]:
    """The one error of a refused request, checked to carry the response's request id."""
    (error,) = body["errors"]
    assert error["extensions"]["requestId"] == headers["x-request-id"]
    extensions: dict[str, Any] = error["extensions"]
    return extensions


async def test_a_body_declared_larger_than_the_limit_is_refused_before_it_is_sent(server: RunningServer) -> None:
    reader, writer = await _open(server)
    try:
        declared = {"Content-Type": "application/json", "Content-Length": str(50 * MiB)}
        writer.write(_head("POST", "/graphql", declared))  # and not one byte of the body
        status, headers, body = await asyncio.wait_for(_response(reader), ANSWER_WITHIN)
    finally:
        writer.close()
    assert status == 413
    extensions = _graphql_refusal(headers, body)
    assert extensions["code"] == "REQUEST_TOO_LARGE"
    assert (extensions["limit"], extensions["max"]) == ("MAX_BODY_BYTES", server.settings.max_body_bytes)
    # Its length is known: the server drops the rest as it comes, a client still sending reads the 413.
    assert headers.get("connection") != "close"


async def test_a_chunked_body_is_refused_as_it_passes_the_limit_while_others_are_served(
    server: RunningServer,
) -> None:
    chunk = b" " * (64 * 1024)  # JSON whitespace: nothing in it is wrong but its size
    reader, writer = await _open(server)
    try:
        writer.write(_head("POST", "/graphql", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
        for _ in range(server.settings.max_body_bytes // len(chunk) + 1):  # just past the limit, and never ended
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        await writer.drain()
        async with httpx.AsyncClient() as http:
            health = await http.get(server.url.removesuffix("/graphql") + "/healthz")
        status, headers, body = await asyncio.wait_for(_response(reader), ANSWER_WITHIN)
    finally:
        writer.close()
    assert health.json() == {"status": "ok"}
    assert status == 413
    assert _graphql_refusal(headers, body)["code"] == "REQUEST_TOO_LARGE"
    assert headers["connection"] == "close"  # a body that may never end is not read on


async def test_telemetry_refuses_a_body_past_its_own_limit(server: RunningServer) -> None:
    url = server.url.removesuffix("/graphql") + "/telemetry"
    too_large = b" " * (server.settings.telemetry_max_body_bytes + 1)
    async with httpx.AsyncClient() as http:
        response = await http.post(url, content=too_large, headers={"X-Device-Key": "dk_any"})
    assert response.status_code == 413
    refusal = response.json()
    assert refusal["code"] == "REQUEST_TOO_LARGE"
    assert refusal["requestId"] == response.headers["x-request-id"]


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_a_websocket_message_past_the_limit_closes_the_socket_with_1009(
    server: RunningServer, protocol: str
) -> None:
    padding = "x" * server.settings.max_ws_message_bytes
    message = json.dumps({"type": "connection_init", "payload": {"padding": padding}})
    async with websockets.connect(server.ws_url, subprotocols=[Subprotocol(protocol)]) as socket:
        await socket.send(message)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), ANSWER_WITHIN)
    assert closed.value.rcvd is not None, "the server sent no close frame"
    assert closed.value.rcvd.code == 1009
