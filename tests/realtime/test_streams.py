"""Replayable streams: a full queue keeps one resync instead of growing, holes and resyncs are filled
from the outbox in order, and a stream recovers when Redis comes back."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator

import pytest
from broadcaster import Broadcast, Event

from realtime import stream
from realtime.broadcast import QUEUE_LIMIT, deliver, make_broadcast
from realtime.envelope import Envelope
from realtime.models import OutboxEvent
from realtime.redis_backend import RESYNC
from tests.conftest import RunningServer
from tests.realtime.support import needs_redis_server, redis_server, until_redis_answers
from tests.support import free_port

TOPIC = "test:stream"


async def _row(seq: int) -> OutboxEvent:
    return await OutboxEvent.create(topic=TOPIC, seq=seq, kind="TEST", payload={"n": seq})


async def _publish(bus: Broadcast, row: OutboxEvent) -> None:
    await bus.publish(channel=TOPIC, message=Envelope.of(row).encode())


@contextlib.asynccontextmanager
async def _bus(url: str) -> AsyncIterator[Broadcast]:
    bus = make_broadcast(url)
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.disconnect()


async def _next(feed: AsyncGenerator[Envelope, None]) -> int:
    envelope = await asyncio.wait_for(anext(feed), timeout=20)
    return int(envelope.payload["n"])


def test_a_full_queue_keeps_one_resync_instead_of_growing() -> None:
    queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=QUEUE_LIMIT)
    for n in range(QUEUE_LIMIT + 10):
        deliver(queue, Event(channel=TOPIC, message=str(n)))
    items = [queue.get_nowait() for _ in range(queue.qsize())]
    assert len(items) == 10  # the overflow dropped the backlog...
    assert items[0] is not None and items[0].message == RESYNC  # ...and says so first
    assert [i.message for i in items[1:] if i] == [str(n) for n in range(QUEUE_LIMIT + 1, QUEUE_LIMIT + 10)]


async def test_holes_and_resyncs_are_filled_from_the_outbox_in_order(server: RunningServer) -> None:
    async with _bus("memory://") as bus:
        await _row(1)
        await _row(2)
        feed = stream.events(bus, TOPIC, after=0, visible=lambda e: True)
        assert [await _next(feed), await _next(feed)] == [1, 2]  # the backlog
        rows = [await _row(seq) for seq in (3, 4, 5)]
        await _publish(bus, rows[-1])  # 3 and 4 never reach the bus
        assert [await _next(feed), await _next(feed), await _next(feed)] == [3, 4, 5]
        await _publish(bus, rows[0])  # late duplicate: dropped
        await _row(6)  # committed, never published...
        await bus.publish(channel=TOPIC, message=RESYNC)  # ...until the bus says it lost messages
        assert await _next(feed) == 6
        await feed.aclose()


async def test_the_stream_recovers_when_redis_comes_back(server: RunningServer) -> None:
    needs_redis_server()
    port = free_port()
    with redis_server(port) as first:
        await until_redis_answers(port)
        async with _bus(f"redis://127.0.0.1:{port}") as bus:
            await _publish(bus, await _row(1))
            feed = stream.events(bus, TOPIC, after=0, visible=lambda e: True)
            assert await _next(feed) == 1
            waiting = asyncio.create_task(_next(feed))
            first.terminate()
            first.wait(timeout=10)
            row = await _row(2)  # committed while the bus is down: publishing it fails
            with pytest.raises(Exception):  # noqa: B017 - any connection error will do
                await _publish(bus, row)
            with redis_server(port):
                await until_redis_answers(port)
                assert await asyncio.wait_for(waiting, timeout=20) == 2  # resync from the outbox
                await _publish(bus, await _row(3))  # and live again
                assert await _next(feed) == 3
            await feed.aclose()
