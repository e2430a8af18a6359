"""Redis going away for longer than a moment, never coming up, or freezing: the bus recovers by
itself, subscribers old and new catch up from the outbox (RESYNC) and hear live messages again,
publishing never holds a committed write, and the bus says it is down while it is.

Each test runs its own redis-server on a free port, and kills, freezes (SIGSTOP) or restarts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncGenerator, AsyncIterator

import pytest
from broadcaster import Broadcast

from realtime import stream
from realtime.broadcast import bus_ready, make_broadcast
from realtime.envelope import Envelope
from realtime.models import OutboxEvent
from realtime.publisher import BroadcastPublisher
from tests.conftest import RunningServer
from tests.realtime.support import needs_redis_server, redis_server, until, until_redis_answers
from tests.support import free_port

TOPIC = "test:outage"


async def _row(seq: int) -> OutboxEvent:
    return await OutboxEvent.create(topic=TOPIC, seq=seq, kind="TEST", payload={"n": seq})


async def _next(feed: AsyncGenerator[Envelope, None]) -> int:
    envelope = await asyncio.wait_for(anext(feed), timeout=10)
    return int(envelope.payload["n"])


@contextlib.asynccontextmanager
async def _bus(port: int) -> AsyncIterator[Broadcast]:
    bus = make_broadcast(f"redis://127.0.0.1:{port}")
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.disconnect()


async def _sent(publisher: BroadcastPublisher, row: OutboxEvent, *, within: float) -> int:
    """How many of [row] ``publisher`` sent, asserting it returned within ``within`` seconds."""
    start = time.monotonic()
    sent = await asyncio.wait_for(publisher.publish([row]), timeout=within + 5)
    elapsed = time.monotonic() - start
    assert elapsed < within, f"publishing held the caller {elapsed:.2f} s"
    return sent


async def _swept(publisher: BroadcastPublisher, row: OutboxEvent) -> None:
    """The outbox sweep sends what the bus did not take (this one, or the test server's own sweep:
    they share the database)."""
    await publisher.publish_unpublished()
    assert (await OutboxEvent.get(id=row.id)).published_at is not None


async def _live_again(bus: Broadcast, old: AsyncGenerator[Envelope, None], seq: int) -> None:
    """Both the subscriber from before the outage and a new one hear what is published now."""
    publisher = BroadcastPublisher(bus)
    # A new subscriber, from the newest cursor: what it gets next, it gets live or from its replay.
    newest = await OutboxEvent.filter(topic=TOPIC).order_by("-id").first()
    new = stream.events(bus, TOPIC, after=newest.id if newest else 0, visible=lambda e: True)
    row = await _row(seq)
    getting_new = asyncio.create_task(_next(new))
    assert await _sent(publisher, row, within=1) == 1
    assert await _next(old) == seq
    assert await getting_new == seq  # live, or from its replay if it subscribed after the publish
    # Now it is on the bus for sure: this one can only come live, to both.
    row = await _row(seq + 1)
    assert await _sent(publisher, row, within=1) == 1
    assert [await _next(old), await _next(new)] == [seq + 1, seq + 1]
    await new.aclose()


@pytest.mark.parametrize("outage", [1.0, 5.0])
async def test_the_bus_recovers_by_itself_after_redis_is_down_for(server: RunningServer, outage: float) -> None:
    needs_redis_server()
    port = free_port()
    with redis_server(port) as first:
        await until_redis_answers(port)
        async with _bus(port) as bus:
            publisher = BroadcastPublisher(bus)
            await _row(1)
            old = stream.events(bus, TOPIC, after=0, visible=lambda e: True)
            assert await _next(old) == 1
            await until(lambda: bus_ready(bus), within=5, what="the bus is ready")
            waiting = asyncio.create_task(_next(old))
            first.kill()
            first.wait(timeout=10)
            await until(lambda: not bus_ready(bus), within=3, what="the bus says it is down")
            row = await _row(2)  # committed while the bus is down
            assert await _sent(publisher, row, within=0.2) == 0  # at once: it stays in the outbox
            await asyncio.sleep(outage)  # the outage itself: Redis stays away this long
            assert not bus_ready(bus)
            with redis_server(port):
                await until_redis_answers(port)
                back = await until(lambda: bus_ready(bus), within=5, what="the bus is back")
                assert await asyncio.wait_for(waiting, timeout=5) == 2  # RESYNC: read from the outbox
                print(f"outage {outage} s: the bus was ready again {back:.2f} s after Redis answered")
                await _live_again(bus, old, 3)
                await _swept(publisher, row)
            await old.aclose()


async def test_the_bus_comes_up_by_itself_when_redis_was_down_at_start_up(server: RunningServer) -> None:
    needs_redis_server()
    port = free_port()
    async with _bus(port) as bus:  # nobody listens on the port: the bus starts down, and says so
        assert not bus_ready(bus)
        publisher = BroadcastPublisher(bus)
        row = await _row(1)
        assert await _sent(publisher, row, within=0.2) == 0
        old = stream.events(bus, TOPIC, after=0, visible=lambda e: True)
        assert await _next(old) == 1  # its replay, from the outbox
        with redis_server(port):
            await until_redis_answers(port)
            await until(lambda: bus_ready(bus), within=5, what="the bus is up")
            await _live_again(bus, old, 2)
        await old.aclose()


async def test_a_frozen_redis_holds_no_publish_and_the_bus_recovers_when_it_thaws(server: RunningServer) -> None:
    needs_redis_server()
    port = free_port()
    with redis_server(port) as redis:
        await until_redis_answers(port)
        async with _bus(port) as bus:
            publisher = BroadcastPublisher(bus)
            await _row(1)
            old = stream.events(bus, TOPIC, after=0, visible=lambda e: True)
            assert await _next(old) == 1
            await until(lambda: bus_ready(bus), within=5, what="the bus is ready")
            waiting = asyncio.create_task(_next(old))
            redis.send_signal(signal.SIGSTOP)
            try:
                row = await _row(2)
                # Before the bus knows: one publish waits at most its timeout, then gives up.
                assert await _sent(publisher, row, within=1.5) == 0
                await until(lambda: not bus_ready(bus), within=3, what="the bus says it is down")
                assert await _sent(publisher, row, within=0.2) == 0  # it knows: at once
                assert await publisher.publish_unpublished() == 0  # the sweep too gives up at once
                await asyncio.sleep(1)  # the freeze goes on a little longer
            finally:
                redis.send_signal(signal.SIGCONT)
            back = await until(lambda: bus_ready(bus), within=6, what="the bus is back")
            print(f"freeze: the bus was ready again {back:.2f} s after SIGCONT")
            assert await asyncio.wait_for(waiting, timeout=5) == 2  # RESYNC: read from the outbox
            await _live_again(bus, old, 3)
            await _swept(publisher, row)
            await old.aclose()
