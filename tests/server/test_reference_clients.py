"""Other real clients: the npm `graphql-ws` client (the protocol's reference implementation), and the
legacy `graphql-ws` subprotocol (Apollo's subscriptions-transport-ws) through gql."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.alarms.support import ALARM_EVENTS, smoke
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.realtime.support import take
from tests.server.node_clients import NODE_DIR, node_clients_ready
from tests.support import Api, World, token_for

QUERY = (
    "subscription S($c: ID!, $after: String) { alarmEvents(communityId: $c, after: $after)"
    " { cursor kind alarm { type severity } } }"
)


async def _node_subscribe(
    server: RunningServer, token: str, variables: dict[str, Any], count: int
) -> list[dict[str, Any]]:
    env = {
        **os.environ,
        "URL": server.ws_url,
        "TOKEN": token,
        "QUERY": QUERY,
        "VARIABLES": json.dumps(variables),
        "COUNT": str(count),
    }
    process = await asyncio.create_subprocess_exec(
        "node", "subscribe.mjs", cwd=NODE_DIR, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


async def test_the_graphql_ws_reference_client_receives_alarms(api: Api, world: World, server: RunningServer) -> None:
    node_clients_ready()
    _, key = await register(api, world)
    await smoke(api, key)
    await smoke(api, key)
    token = await token_for(server.issuer, world.operator_a)
    messages = await _node_subscribe(server, token, {"c": str(world.a.id), "after": "0"}, 2)
    events = [m["data"]["alarmEvents"] for m in messages]
    assert [(e["kind"], e["alarm"]["type"]) for e in events] == [("ALARM_RAISED", "SMOKE"), ("ALARM_UPDATED", "SMOKE")]


async def test_the_reference_client_is_refused_with_a_bad_token(world: World, server: RunningServer) -> None:
    node_clients_ready()
    [message] = await _node_subscribe(server, "not-a-token", {"c": str(world.a.id)}, 1)
    assert message["code"] == 4403


async def test_the_legacy_graphql_ws_subprotocol_works_too(api: Api, world: World, server: RunningServer) -> None:
    _, key = await register(api, world)
    await smoke(api, key)
    token = await token_for(server.issuer, world.operator_a)
    transport = WebsocketsTransport(
        url=server.ws_url,
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.APOLLO_SUBPROTOCOL],  # "graphql-ws"
    )
    async with Client(transport=transport) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})
        [event] = await take(session, request, 1)
    assert (event["kind"], event["alarm"]["type"]) == ("ALARM_RAISED", "SMOKE")
