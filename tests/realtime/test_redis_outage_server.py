"""A real `lingli serve` process on its own redis-server: while Redis is frozen (SIGSTOP) or killed,
telemetry is still answered at once (its events wait in the outbox), `/readyz` says the bus is down
(503; `/healthz` stays 200), and once Redis is back the process is ready again and its running
subscription hears of what was committed meanwhile, then of what comes live."""

from __future__ import annotations

import signal
import time
from collections.abc import AsyncGenerator
from typing import Any

import httpx
from gql import GraphQLRequest

from tests.alarms.support import ALARM_EVENTS
from tests.conftest import RunningServer, start_lingli
from tests.devices.support import register
from tests.realtime.support import (
    needs_redis_server,
    next_message,
    redis_server,
    socket_at,
    until,
    until_redis_answers,
)
from tests.support import Api, World, free_port, token_for


async def test_while_redis_is_frozen_or_down_telemetry_is_answered_and_readyz_says_so(
    api: Api, world: World, server: RunningServer, database_url: str
) -> None:
    needs_redis_server()
    redis_port, port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    _, key = await register(api, world)
    with redis_server(redis_port) as redis:
        await until_redis_answers(redis_port)
        process = await start_lingli(database_url, port, BROADCAST_URL=f"redis://127.0.0.1:{redis_port}")
        try:
            token = await token_for(server.issuer, world.operator_a)
            async with socket_at(f"ws://127.0.0.1:{port}/graphql", token) as session, httpx.AsyncClient() as http:

                async def report(value: float) -> float:
                    """Seconds the report took (it must succeed)."""
                    start = time.monotonic()
                    response = await http.post(
                        f"{base}/telemetry",
                        json={"readings": [{"metric": "smoke", "value": value}]},
                        headers={"X-Device-Key": key},
                        timeout=30,
                    )
                    assert response.status_code < 300, response.text
                    return time.monotonic() - start

                async def ready() -> int:
                    return (await http.get(f"{base}/readyz")).status_code

                request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})
                messages: AsyncGenerator[dict[str, Any], None] = session.subscribe(request)
                await report(30)
                assert (await next_message(messages))["alarm"]["type"] == "SMOKE"  # live, or replayed

                redis.send_signal(signal.SIGSTOP)
                try:
                    took = await report(31)  # committed: its event cannot go out now
                    assert took < 2, f"a report waited {took:.1f} s for a frozen Redis"
                    await until(lambda: _is(ready(), 503), within=4, what="/readyz says the bus is down")
                    assert (await http.get(f"{base}/healthz")).status_code == 200
                    assert await report(32) < 1  # the bus is known down: no wait at all
                finally:
                    redis.send_signal(signal.SIGCONT)
                await until(lambda: _is(ready(), 200), within=6, what="/readyz says the bus is back")
                count = (await next_message(messages))["alarm"]["count"]  # from the outbox (RESYNC)
                while count < 3:  # bounded: next_message fails after 15 s
                    count = (await next_message(messages))["alarm"]["count"]

                redis.kill()
                redis.wait(timeout=10)
                await until(lambda: _is(ready(), 503), within=4, what="/readyz says the bus is down")
                assert await report(33) < 1
                with redis_server(redis_port):
                    await until_redis_answers(redis_port)
                    await until(lambda: _is(ready(), 200), within=6, what="/readyz says the bus is back")
                    assert (await next_message(messages))["alarm"]["count"] == 4  # from the outbox (RESYNC)
                    await report(34)
                    assert (await next_message(messages))["alarm"]["count"] == 5  # and live again
                await messages.aclose()
        finally:
            process.stop()


async def _is(status: Any, expected: int) -> bool:
    return bool(await status == expected)
