"""The WeChat mini-program's socket, exactly as ``wx.connectSocket`` opens it: the sub-protocol in
its ``protocols`` list, the token in connection_init's payload (a mini-program sends no cookies,
and no Origin: its page is no web origin), and WeChat's own Referer. It subscribes and receives;
and a quiet one hears the server's `ping` messages, which a mini-program's code sees (control
frames it never does), so WeChat does not take it for dead."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import RunningServer
from tests.notifications.support import tell
from tests.support import World, token_for

REFERER = "https://servicewechat.com/wx1234567890abcdef/devtools/page-frame.html"
USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) MicroMessenger/8.0.40 miniProgram"
LIVE = "subscription S($after: String) { myNotifications(after: $after) { cursor kind notification { id title } } }"


async def wx_connect_socket(ws_url: str, token: str) -> tuple[ClientConnection, dict[str, Any]]:
    """wx.connectSocket({url, protocols: ['graphql-transport-ws']}) and the client's connection_init."""
    socket = await connect(
        ws_url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=None,
        additional_headers={"Referer": REFERER, "User-Agent": USER_AGENT},
        compression=None,
    )
    assert socket.request is not None
    sent = {k.lower() for k, _ in socket.request.headers.raw_items()}
    assert "origin" not in sent and "cookie" not in sent
    await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
    ack = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
    return socket, ack


async def next_non_ping(socket: ClientConnection) -> dict[str, Any]:
    """The next message that is not a keep-alive ping (each ping answered with a pong)."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
        if message["type"] != "ping":
            return message
        await socket.send(json.dumps({"type": "pong"}))


async def test_a_mini_program_socket_subscribes_and_receives(server: RunningServer, world: World) -> None:
    owner = world.owner_a101
    socket, ack = await wx_connect_socket(server.ws_url, await token_for(server.issuer, owner))
    try:
        assert socket.subprotocol == "graphql-transport-ws"
        assert ack == {"type": "connection_ack", "payload": {"personId": str(owner.id)}}
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": LIVE, "variables": {"after": "0"}}}
        await socket.send(json.dumps(subscribe))
        [note] = await tell(server, [owner.id], "notice-to-the-mini-program")

        message = await next_non_ping(socket)

        assert message["type"] == "next" and message["id"] == "1"
        assert message["payload"]["data"]["myNotifications"]["notification"] == {
            "id": str(note.id),
            "title": "About notice-to-the-mini-program",
        }
    finally:
        await socket.close()


async def test_an_idle_socket_hears_pings_and_stays_open(server: RunningServer, world: World) -> None:
    """Sockets opened while the interval is 0.2 s (WS_KEEPALIVE_SECONDS; 15 s by default)."""
    view = server.app.state.graphql
    view.keep_alive_interval = 0.2
    owner = world.owner_a101
    try:
        socket, ack = await wx_connect_socket(server.ws_url, await token_for(server.issuer, owner))
    finally:
        view.keep_alive_interval = server.settings.ws_keepalive_seconds
    try:
        assert ack["type"] == "connection_ack"
        started = time.monotonic()
        pings = 0
        while pings < 10:  # ten intervals with nothing else said
            message = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
            assert message == {"type": "ping"}
            pings += 1
            await socket.send(json.dumps({"type": "pong"}))
        assert 1.5 < time.monotonic() - started < 5  # about 10 × 0.2 s
        # Still open, and still serving: the socket answers a subscription after its idle time.
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": LIVE, "variables": {"after": "0"}}}
        await socket.send(json.dumps(subscribe))
        [note] = await tell(server, [owner.id], "notice-after-idling")
        message = await next_non_ping(socket)
        assert message["payload"]["data"]["myNotifications"]["notification"]["id"] == str(note.id)
    finally:
        await socket.close()


def test_keepalive_is_a_setting() -> None:
    from server.settings import Settings

    assert Settings.from_env({"WS_KEEPALIVE_SECONDS": "0.5"}).ws_keepalive_seconds == 0.5
    assert Settings().ws_keepalive_seconds == 15
