"""Two server processes sharing one database and one Redis: a subscriber on one hears of telemetry
reported to the other. Real `lingli serve` processes, real Redis (mandatory under CI=true)."""

from __future__ import annotations

import asyncio

import httpx
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.alarms.support import ALARM_EVENTS
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.support import Api, World, token_for


async def test_a_subscriber_on_one_process_hears_telemetry_sent_to_another(
    api: Api, world: World, server: RunningServer, two_servers: tuple[int, int]
) -> None:
    listen_port, report_port = two_servers
    _, key = await register(api, world)
    token = await token_for(server.issuer, world.operator_a)
    transport = WebsocketsTransport(
        url=f"ws://127.0.0.1:{listen_port}/graphql",
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=["graphql-transport-ws"],
    )
    async with Client(transport=transport) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id)})  # live only: no replay

        async def first_alarm() -> dict[str, object]:
            async for message in session.subscribe(request):
                return dict(message["alarmEvents"])
            raise AssertionError("subscription ended")

        receiving = asyncio.create_task(first_alarm())
        async with httpx.AsyncClient() as http:
            # Keep reporting until it arrives: a live-only subscription may start after the first report.
            for _ in range(100):  # bounded
                await http.post(
                    f"http://127.0.0.1:{report_port}/telemetry",
                    json={"readings": [{"metric": "smoke", "value": 30}]},
                    headers={"X-Device-Key": key},
                )
                done, _ = await asyncio.wait({receiving}, timeout=0.2)
                if done:
                    break
        event = await asyncio.wait_for(receiving, timeout=10)
    assert event["alarm"]["type"] == "SMOKE"  # type: ignore[index]
