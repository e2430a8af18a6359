"""Two server processes sharing one database and one Redis: a subscriber on one hears of telemetry
reported to the other. Real `lingli serve` processes, real Redis (mandatory under CI=true)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.alarms.support import ALARM_EVENTS
from tests.conftest import IN_CI, REDIS_URL, TEST_SECRET, RunningServer
from tests.devices.support import register
from tests.support import Api, World, free_port, token_for

LINGLI = str(Path(sys.executable).parent / "lingli")


async def _start(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LINGLI_ENV": "test",
        "DATABASE_URL": database_url,
        "BROADCAST_URL": REDIS_URL,
        "JWT_SECRET": TEST_SECRET,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([LINGLI, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: ASYNC220
    async with httpx.AsyncClient() as http:
        for _ in range(300):  # bounded: up to 30 s for the process to answer
            if process.poll() is not None:
                raise AssertionError(f"lingli serve exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return process
            except httpx.TransportError:
                await asyncio.sleep(0.1)  # the process is still starting: a bounded wait on a condition
    raise AssertionError("lingli serve did not become ready")


@pytest.fixture
async def two_servers(database_url: str, server: RunningServer) -> AsyncIterator[tuple[int, int]]:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", 6379)
        writer.close()
    except OSError as error:
        if IN_CI:
            pytest.fail(f"CI=true needs Redis at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"Redis not reachable: {error}")
    ports = (free_port(), free_port())
    processes = [await _start(database_url, port) for port in ports]
    try:
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)


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
