"""The fan-out bus between server processes: memory:// in one process, redis:// across many.

broadcaster's Broadcast, with two changes that keep a server alive under load and outages:
Redis goes through ReconnectingRedisBackend, and every subscriber's queue is bounded. A
subscriber that falls QUEUE_LIMIT messages behind loses its queued messages and gets one
RESYNC instead: its stream then catches up from the outbox by cursor, so a slow client
costs the server a bounded queue, never unbounded memory, and still misses nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from broadcaster import Broadcast, BroadcastBackend, Event
from broadcaster._base import Subscriber

from realtime.redis_backend import RESYNC, ReconnectingRedisBackend
from realtime.stats import STATS

QUEUE_LIMIT = 1000
# Put in one subscriber's queue by this process, never sent on the bus: "look again now" (wake).
WAKE = "__lingli_wake__"


class LingliBroadcast(Broadcast):
    def __init__(self, url: str | None = None, *, backend: BroadcastBackend | None = None) -> None:
        super().__init__(url, backend=backend)
        self._lock = asyncio.Lock()

    async def _listener(self) -> None:
        while True:
            event = await self._backend.next_published()
            for queue in list(self._subscribers.get(event.channel, [])):
                deliver(queue, event)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        # The set of queues changes around an await on the backend: one lock, so a subscribe and
        # an unsubscribe of the same channel cannot interleave and lose a queue or the channel.
        async with self._lock:
            if not self._subscribers.get(channel):
                self._subscribers[channel] = {queue}
                await self._backend.subscribe(channel)
            else:
                self._subscribers[channel].add(queue)
        try:
            yield Subscriber(queue)
        finally:
            async with self._lock:
                self._subscribers[channel].discard(queue)
                if not self._subscribers.get(channel):
                    del self._subscribers[channel]
                    await self._backend.unsubscribe(channel)
            drop_all(queue)
            queue.put_nowait(None)


def deliver(queue: asyncio.Queue[Event | None], event: Event) -> None:
    if queue.full():
        overflow(queue, event.channel)
    else:
        queue.put_nowait(event)


def wake(subscriber: Subscriber, channel: str) -> None:
    """Make the reader of ``subscriber`` return from its wait with a WAKE, now: a stream's side
    was told something (a session ended) it must act on before the next message comes, if ever.
    On a full queue the backlog goes, as in ``deliver``: a RESYNC, then the WAKE."""
    queue: asyncio.Queue[Event | None] = subscriber._queue
    if queue.full():
        overflow(queue, channel)
    queue.put_nowait(Event(channel=channel, message=WAKE))


def overflow(queue: asyncio.Queue[Event | None], channel: str) -> None:
    """A full queue: its backlog goes for one RESYNC (the stream reads it from the outbox)."""
    STATS.queue_overflows += 1
    drop_all(queue)
    queue.put_nowait(Event(channel=channel, message=RESYNC))


def drop_all(queue: asyncio.Queue[Event | None]) -> None:
    while not queue.empty():
        queue.get_nowait()


def bus_ready(broadcast: Broadcast) -> bool:
    """The bus delivers (memory:// always does; Redis while it answers and we listen): for /readyz."""
    return bool(getattr(broadcast._backend, "ready", True))


def make_broadcast(url: str) -> Broadcast:
    if url.startswith(("redis://", "rediss://")):
        return LingliBroadcast(backend=ReconnectingRedisBackend(url))
    return LingliBroadcast(url)
