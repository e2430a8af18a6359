"""The fan-out bus the server is configured with: memory:// in one process, Redis across processes.

Redis runs on this machine (127.0.0.1:6379). Under CI=true a missing Redis fails the run;
elsewhere the Redis test skips with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import cast

import pytest
import redis.asyncio as aioredis

from realtime.broadcast import make_broadcast
from tests.conftest import IN_CI, REDIS_URL


async def _round_trip(url: str, wait_subscribed: Callable[[], Awaitable[None]] | None = None) -> str:
    broadcast = make_broadcast(url)
    await broadcast.connect()
    try:
        async with broadcast.subscribe("lingli-test") as subscriber:
            if wait_subscribed is not None:
                await asyncio.wait_for(wait_subscribed(), timeout=10)
            await broadcast.publish("lingli-test", "hello")
            event = await asyncio.wait_for(subscriber.get(), timeout=10)
            return str(event.message)
    finally:
        await broadcast.disconnect()


async def test_memory_broadcast_delivers_within_one_process() -> None:
    assert await _round_trip("memory://") == "hello"


async def test_redis_broadcast_delivers_through_a_real_redis() -> None:
    client = aioredis.from_url(REDIS_URL)
    try:
        await cast(Awaitable[bool], client.ping())  # redis-py types ping() for sync and async alike
    except (OSError, aioredis.ConnectionError) as error:
        await client.aclose()
        if IN_CI:
            pytest.fail(f"CI=true needs Redis at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")

    async def subscribed() -> None:
        # Redis pub/sub drops what is published before SUBSCRIBE lands: wait until it has.
        # The condition lives in Redis, not in this process: no Event can stand for it.
        while (await client.pubsub_numsub("lingli-test"))[0][1] < 1:  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    try:
        assert await _round_trip(REDIS_URL, subscribed) == "hello"
    finally:
        await client.aclose()
