"""A Redis pub/sub backend for broadcaster that survives Redis going away.

broadcaster 0.3.1's own Redis backend never reconnects (subscribers hang for ever after a
Redis restart) and, with redis-py 8, marks itself ready before its SUBSCRIBE lands. This one
subscribes before it listens, and when the connection drops it reconnects with a bounded
back-off, subscribes again to every channel, and tells each channel's subscribers to
RESYNC: whatever was published meanwhile is in the outbox, and the streams replay it.
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
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, TimeoutError

log = logging.getLogger("lingli.realtime")

RESYNC = "__lingli_resync__"
_BACKOFF_START, _BACKOFF_MAX = 0.1, 5.0


class ReconnectingRedisBackend(BroadcastBackend):
    def __init__(self, url: str) -> None:
        self._url = url
        self._channels: set[str] = set()
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._has_channels = asyncio.Event()
        self._conn: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._listener: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._conn = aioredis.Redis.from_url(self._url, health_check_interval=10)
        await cast(Awaitable[bool], self._conn.ping())  # fail at start-up, loudly, if Redis is not there
        self._pubsub = self._conn.pubsub()
        self._listener = asyncio.create_task(self._listen())

    async def disconnect(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()
        if self._conn is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._conn.aclose()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        with contextlib.suppress(RedisError, OSError):  # down: the listener subscribes on reconnect
            await self._pubsub.subscribe(channel)
        self._has_channels.set()

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        assert self._conn is not None, "connect() first"
        await self._conn.publish(channel, message)

    async def next_published(self) -> Event:
        return await self._queue.get()

    async def _listen(self) -> None:
        backoff = _BACKOFF_START
        while True:
            await self._has_channels.wait()
            try:
                while self._channels:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message["type"] == "message":
                        channel, data = message["channel"].decode(), message["data"].decode()
                        await self._queue.put(Event(channel=channel, message=data))
                    backoff = _BACKOFF_START
                self._has_channels.clear()
            except (RedisConnectionError, TimeoutError, RedisError, OSError) as error:  # any: never stop listening
                log.warning("Redis pub/sub lost (%s): reconnecting in %.1f s", error, backoff)
                await asyncio.sleep(backoff)  # back-off before the next try, not a wait for state
                backoff = min(backoff * 2, _BACKOFF_MAX)
                await self._resubscribe()

    async def _resubscribe(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.aclose()
        assert self._conn is not None
        self._pubsub = self._conn.pubsub()
        channels = sorted(self._channels)
        try:
            if channels:
                await self._pubsub.subscribe(*channels)
        except (RedisError, OSError):
            return  # still down: the next round of _listen tries again
        log.info("Redis pub/sub back: %d channel(s) subscribed again, streams resync from the outbox", len(channels))
        for channel in channels:
            await self._queue.put(Event(channel=channel, message=RESYNC))
