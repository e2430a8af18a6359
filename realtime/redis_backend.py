"""A Redis pub/sub backend for broadcaster that survives Redis going away, or freezing.

broadcaster 0.3.1's own Redis backend never reconnects (subscribers hang for ever after a
Redis restart) and, with redis-py 8, marks itself ready before its SUBSCRIBE lands. This one
subscribes before it listens, and when the connection drops it reconnects with a bounded
back-off, subscribes again to every channel, and tells each channel's subscribers to
RESYNC: whatever was published meanwhile is in the outbox, and the streams replay it.

Nothing here waits on Redis without a bound. A probe PINGs Redis every PROBE_INTERVAL: while
it gets no PONG in time (Redis killed, unreachable, or frozen), or after a publish failed, the bus
is down (``ready`` is
False, `/readyz` answers 503), publishing fails at once (the rows stay in the outbox for the
sweep), and the listener starts again on a new connection as soon as Redis answers. The
listener survives any error: redis-py raises a plain RuntimeError from a PubSub whose
SUBSCRIBE ran while Redis was down (NOTES-dependencies, pitfall 14), and a listener that dies
leaves the process deaf for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any, cast

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from realtime.stats import STATS

log = logging.getLogger("lingli.realtime")

RESYNC = "__lingli_resync__"
_BACKOFF_START, _BACKOFF_MAX = 0.1, 1.0
# A publish holds the request that committed the event: never longer than this. What is not sent
# in time stays unpublished and goes out with the outbox sweep.
PUBLISH_TIMEOUT = 0.5
PROBE_INTERVAL, PROBE_TIMEOUT = 0.5, 1.0
# One attempt to connect, subscribe and see the subscriptions land.
RECONNECT_TIMEOUT = 2.0


class BusDown(ConnectionError):
    """Redis does not answer: nothing was published."""


class ReconnectingRedisBackend(BroadcastBackend):
    def __init__(self, url: str) -> None:
        self._url = url
        self._channels: set[str] = set()
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._has_channels = asyncio.Event()
        self._conn: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closing: set[asyncio.Task[None]] = set()  # old connections closing (a reference keeps each alive)
        # The pub/sub connection is subscribed to every channel (False: the listener reconnects).
        self._listening = False
        # The last PING got its PONG in time.
        self._reachable = False

    @property
    def ready(self) -> bool:
        """Redis answers and this process hears what is published on it."""
        return self._reachable and (self._listening or not self._channels)

    async def connect(self) -> None:
        self._conn = aioredis.Redis.from_url(self._url, health_check_interval=10, socket_connect_timeout=PROBE_TIMEOUT)
        self._pubsub = self._conn.pubsub()
        try:
            await asyncio.wait_for(cast(Awaitable[bool], self._conn.ping()), PROBE_TIMEOUT)
            self._reachable = self._listening = True
        except Exception as error:  # noqa: BLE001 - any: start with the bus down, the listener connects later
            log.error("Redis at %s does not answer (%r): starting with the bus down", self._url, error)
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._probe())]

    async def disconnect(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await _close(self._pubsub)
        await _close(self._conn)

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        if self._listening:  # else the listener subscribes to it when it reconnects, and RESYNCs it
            try:
                await asyncio.wait_for(self._pubsub.subscribe(channel), RECONNECT_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - any: the listener starts again
                self._lost(error)
        self._has_channels.set()

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        if self._listening:
            try:
                await asyncio.wait_for(self._pubsub.unsubscribe(channel), RECONNECT_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - any: a new connection subscribes to what is left
                self._lost(error)

    async def publish(self, channel: str, message: Any) -> None:
        assert self._conn is not None, "connect() first"
        if not self._reachable:
            raise BusDown("Redis does not answer")
        try:
            await asyncio.wait_for(self._conn.publish(channel, message), PUBLISH_TIMEOUT)
        except (TimeoutError, RedisError, OSError) as error:
            # The next publishes fail at once, until Redis answers again; then the listener, on a new
            # connection, RESYNCs every channel: this process's subscribers read what was not sent.
            self._reachable = False
            self._lost(error)
            if isinstance(error, TimeoutError):
                raise BusDown(f"Redis did not take the message within {PUBLISH_TIMEOUT} s") from error
            raise BusDown(f"Redis did not take the message: {error!r}") from error

    async def next_published(self) -> Event:
        return await self._queue.get()

    def _close_later(self, client: Any) -> None:
        """Close it without waiting (bounded: see _close)."""
        task = asyncio.create_task(_close(client))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _lost(self, error: BaseException) -> None:
        if self._listening:
            log.warning("Redis pub/sub lost (%r): reconnecting", error)
        self._listening = False

    async def _probe(self) -> None:
        assert self._conn is not None
        while True:
            try:
                await asyncio.wait_for(cast(Awaitable[bool], self._conn.ping()), PROBE_TIMEOUT)
                reachable = True
            except Exception:  # noqa: BLE001 - any: Redis did not answer in time
                reachable = False
            if self._reachable and not reachable:
                log.warning("Redis does not answer: the bus is down, committed events wait in the outbox")
            if not reachable:
                # Its pub/sub connection may be as stuck as this one (a freeze, a silent network):
                # once Redis answers again, the listener starts on a new one and RESYNCs every channel.
                self._lost(BusDown("no PONG in time"))
            self._reachable = reachable
            await asyncio.sleep(PROBE_INTERVAL)  # a timer, not a wait for some condition

    async def _listen(self) -> None:
        backoff = _BACKOFF_START
        while True:
            await self._has_channels.wait()
            if not self._listening:
                try:
                    await asyncio.wait_for(self._resubscribe(), RECONNECT_TIMEOUT)
                    backoff = _BACKOFF_START
                except Exception as error:  # noqa: BLE001 - any: still down, try again
                    log.debug("Redis pub/sub not back yet (%r): again in %.1f s", error, backoff)
                    await asyncio.sleep(backoff)  # back-off before the next try, not a wait for state
                    backoff = min(backoff * 2, _BACKOFF_MAX)
                    continue
            try:
                while self._channels and self._listening:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message["type"] == "message":
                        channel, data = message["channel"].decode(), message["data"].decode()
                        await self._queue.put(Event(channel=channel, message=data))
                if not self._channels:
                    self._has_channels.clear()
            except Exception as error:  # noqa: BLE001 - any: never stop listening
                self._lost(error)

    async def _resubscribe(self) -> None:
        """A new pub/sub connection, subscribed to every channel (each SUBSCRIBE confirmed, so nothing
        published from now on is missed), then a RESYNC on each: what was missed is in the outbox."""
        assert self._conn is not None
        old, self._pubsub = self._pubsub, None
        self._close_later(old)
        await cast(Awaitable[bool], self._conn.ping())
        pubsub = self._conn.pubsub()
        try:
            channels = sorted(self._channels)
            await pubsub.subscribe(*channels)
            confirmed: set[str] = set()
            early: list[Event] = []
            while not confirmed >= set(channels):
                message = await pubsub.get_message(timeout=RECONNECT_TIMEOUT)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    confirmed.add(message["channel"].decode())
                elif message["type"] == "message":
                    early.append(Event(channel=message["channel"].decode(), message=message["data"].decode()))
            # Channels subscribed meanwhile (subscribe() skips Redis while the bus is down).
            if missing := sorted(self._channels - set(channels)):
                await pubsub.subscribe(*missing)
        except BaseException:
            self._close_later(pubsub)
            raise
        self._pubsub = pubsub
        self._reachable = self._listening = True
        STATS.reconnects += 1
        for event in early:
            await self._queue.put(event)
        resynced = sorted(self._channels)
        log.info("Redis pub/sub back: %d channel(s) subscribed again, streams resync from the outbox", len(resynced))
        for channel in resynced:
            await self._queue.put(Event(channel=channel, message=RESYNC))


async def _close(client: Any) -> None:
    """Close a connection or a PubSub; a frozen Redis must not hold us here."""
    if client is None:
        return
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.aclose(), PROBE_TIMEOUT)
