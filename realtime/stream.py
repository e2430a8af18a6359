"""One subscription: replay what the client missed after its cursor, then go live, in order,
with no duplicates and no holes.

Subscribe to the bus first, then read the outbox, so nothing committed meanwhile falls between
the two. Live messages can arrive late or out of order (several server processes publish, and
Redis pub/sub is at-most-once): each topic numbers its events 1, 2, 3… (``seq``), so a message
that skips a number makes the stream fetch the missing ones from the outbox first, and one
already delivered is dropped.

The subscriber's side (a `Follower`: the viewer of the subscription) is brought up to date
before each message, and may wake the stream at once (its session ended, its roles changed: it
must act now, not at the next message, which may never come). The wake is one more item in the
stream's own queue: no task, no timer, one string comparison per message more than before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import aclosing
from functools import partial
from typing import Protocol

from broadcaster import Broadcast
from broadcaster._base import Unsubscribed

from realtime.broadcast import WAKE, wake
from realtime.db_outage import database_unavailable
from realtime.envelope import Envelope
from realtime.models import OutboxEvent
from realtime.redis_backend import RESYNC

REPLAY_PAGE = 500
# A stream that loses its database connection tries again this many times in a row, 0.1, 0.2, 0.4,
# 0.8 and 1.6 s apart (3.1 s in all: a connection terminated, a proxy or a primary restarting),
# before it gives up and tells the client to resume with its cursor.
RETRIES = 5
FIRST_BACKOFF = 0.1

log = logging.getLogger("lingli.realtime")


class StreamInterrupted(Exception):
    """The stream could not go on (its database stayed out of reach). ``cursor``: every event up
    to it was delivered or was not for this subscriber; resubscribe with ``after: cursor``
    (None: nothing was read yet, subscribe again as before)."""

    def __init__(self, topic: str, cursor: int | None) -> None:
        super().__init__(f"{topic}: the database is unavailable, resume after cursor {cursor}")
        self.topic = topic
        self.cursor = cursor


class Follower(Protocol):
    async def refresh(self) -> None:
        """Awaited before each message and at each wake; raising ends the stream."""

    def wake_with(self, wake: Callable[[], None] | None) -> None:
        """Handed the stream's wake while it runs (None when it ends)."""


async def events(
    broadcast: Broadcast,
    topic: str,
    *,
    after: int | None,
    visible: Callable[[Envelope], bool],
    follower: Follower | None = None,
) -> AsyncGenerator[Envelope, None]:
    """``visible`` decides, per message, whether this subscriber gets it; ``follower.refresh()``
    (awaited before each message, and when woken) lets the subscriber's side bring what
    ``visible`` reads up to date, or end the stream by raising.

    A lost database connection (terminated, the database restarting or closed to connections)
    is tried again from the last event passed, after a back-off, up to RETRIES times in a row;
    then the stream ends with `StreamInterrupted` and that event's cursor for the client to resume
    from. What was yielded is never yielded again: the position moves only once an event was
    handed on (or found not visible)."""
    refresh = follower.refresh if follower is not None else None
    async with broadcast.subscribe(channel=topic) as subscriber:
        if follower is not None:
            follower.wake_with(partial(wake, subscriber, topic))
        try:
            last_seq: int | None = None  # the seq of the last event passed; None until read
            cursor = after  # every event up to this one was yielded, or was not for this subscriber
            behind = True  # the client's backlog first
            failures = 0
            while True:
                try:
                    if last_seq is None:
                        last_seq, cursor = await _position(topic, after)
                    if behind:
                        # Catch up from the outbox: the backlog, or a hole the live feed showed.
                        async with aclosing(_stored_after(topic, last_seq)) as stored:
                            async for envelope in stored:
                                if refresh is not None:
                                    await refresh()
                                if visible(envelope):
                                    yield envelope
                                last_seq, cursor, failures = envelope.seq, envelope.cursor, 0
                        behind = False
                    try:
                        event = await subscriber.get()
                    except Unsubscribed:  # the bus is going away
                        return
                    if event.message == RESYNC:
                        behind = True  # the bus lost messages (Redis came back, or we fell behind)
                        continue
                    if event.message == WAKE:
                        if refresh is not None:
                            await refresh()  # the subscriber's side was told something: it may end us
                        continue
                    live = Envelope.decode(event.message)
                    if live.seq <= last_seq:
                        continue  # delivered already
                    if live.seq > last_seq + 1:
                        behind = True  # a hole before it: fetch the missing ones and this one, in order
                        continue
                    if refresh is not None:
                        await refresh()
                    if visible(live):
                        yield live
                    last_seq, cursor, failures = live.seq, live.cursor, 0
                except Exception as error:
                    if not database_unavailable(error):
                        raise
                    failures += 1
                    if failures > RETRIES:
                        raise StreamInterrupted(topic, cursor) from error
                    delay = FIRST_BACKOFF * 2 ** (failures - 1)
                    log.warning(
                        "%s: the database is unavailable (%r): trying again from cursor %s in %.1f s (%d of %d)",
                        topic,
                        error,
                        cursor,
                        delay,
                        failures,
                        RETRIES,
                    )
                    await asyncio.sleep(delay)  # a back-off before the next try, not a wait for state
                    behind = True  # from the outbox, after the last event passed: a live one lost is in there
        finally:
            if follower is not None:
                follower.wake_with(None)


async def _position(topic: str, after: int | None) -> tuple[int, int | None]:
    """The seq to replay after, and its cursor: ``after``'s, or the newest event's (from now on)."""
    if after is None:
        newest = await OutboxEvent.filter(topic=topic).order_by("-seq").first()
        return (newest.seq, newest.id) if newest else (0, None)
    before = await OutboxEvent.filter(topic=topic, id__lte=after).order_by("-seq").first()
    return (before.seq if before else 0), after


async def every_event(
    broadcast: Broadcast, topic: str, *, after: int | None = None, subscribed: Callable[[], None] | None = None
) -> AsyncGenerator[Envelope, None]:
    """Every event of ``topic``, live, for a consumer to whom one event twice is the same as once
    (it applies it again, nothing changes) but who must not miss one: what the bus lost (a
    RESYNC) is read from the outbox by cursor. No ``seq`` bookkeeping, so nothing is taken for
    old news; events may come out of order. ``after``: a cursor to catch up from first (None: from
    now on). ``subscribed`` is called once the stream is on the bus."""
    async with broadcast.subscribe(channel=topic) as subscriber:
        if subscribed is not None:
            subscribed()
        if after is None:
            newest = await OutboxEvent.filter(topic=topic).order_by("-id").first()
            cursor = newest.id if newest else 0
        else:
            cursor = after
            async for envelope in _stored_since(topic, cursor):
                cursor = envelope.cursor
                yield envelope
        while True:
            try:
                event = await subscriber.get()
            except Unsubscribed:  # the bus is going away
                return
            if event.message == RESYNC:
                async for envelope in _stored_since(topic, cursor):
                    cursor = envelope.cursor
                    yield envelope
                continue
            envelope = Envelope.decode(event.message)
            cursor = envelope.cursor
            yield envelope


async def _stored_since(topic: str, cursor: int) -> AsyncIterator[Envelope]:
    while True:
        rows = await OutboxEvent.filter(topic=topic, id__gt=cursor).order_by("id").limit(REPLAY_PAGE)
        for row in rows:
            yield Envelope.of(row)
        if len(rows) < REPLAY_PAGE:
            return
        cursor = rows[-1].id


async def _stored_after(topic: str, seq: int) -> AsyncGenerator[Envelope, None]:
    while True:
        rows = await OutboxEvent.filter(topic=topic, seq__gt=seq).order_by("seq").limit(REPLAY_PAGE)
        for row in rows:
            yield Envelope.of(row)
        if len(rows) < REPLAY_PAGE:
            return
        seq = rows[-1].seq


async def merged(
    broadcast: Broadcast,
    afters: Mapping[str, int | None],
    *,
    visible: Callable[[Envelope], bool],
    follower: Follower | None = None,
) -> AsyncGenerator[Envelope, None]:
    """Several topics as one stream: each is an `events` stream of its own (its replay, its holes,
    its duplicates, its retries), resumed after its own cursor in ``afters``; their messages come
    out as each hands one on. Within a topic the order is kept; between topics it is arrival order,
    so a client resumes with each topic's cursor (the caller tracks them from ``Envelope.topic``).

    One item waits at a time: a slow client holds every topic back, and each topic's bounded
    queue then overflows into a RESYNC and a replay from the outbox, as a single stream does.
    The first error of any topic (its StreamInterrupted, the follower's refusal) ends them all."""
    ended = object()
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=1)
    shared = _SharedFollower(follower) if follower is not None else None

    async def pump(topic: str, after: int | None) -> None:
        part = shared.part() if shared is not None else None
        try:
            async with aclosing(events(broadcast, topic, after=after, visible=visible, follower=part)) as feed:
                async for envelope in feed:
                    await queue.put(envelope)
        except Exception as error:  # noqa: BLE001 - handed to the reader, which raises it
            await queue.put(error)
            return
        await queue.put(ended)

    tasks = [asyncio.create_task(pump(topic, after)) for topic, after in afters.items()]
    try:
        while True:
            item = await queue.get()
            if item is ended:
                return  # the bus is going away
            if isinstance(item, Exception):
                raise item
            assert isinstance(item, Envelope)
            yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if follower is not None:
            follower.wake_with(None)


class _SharedFollower:
    """One follower for the streams of `merged`: its wake wakes each of them, each refreshes it
    (the first refresh after a change reads the viewer; the others find it fresh)."""

    def __init__(self, follower: Follower) -> None:
        self._follower = follower
        self._wakes: dict[int, Callable[[], None]] = {}
        self._parts = 0
        follower.wake_with(self._wake_all)

    def _wake_all(self) -> None:
        for wake_one in list(self._wakes.values()):
            wake_one()

    def part(self) -> Follower:
        self._parts += 1
        return _Part(self, self._parts)

    def register(self, key: int, wake_one: Callable[[], None] | None) -> None:
        if wake_one is None:
            self._wakes.pop(key, None)
        else:
            self._wakes[key] = wake_one

    async def refresh(self) -> None:
        await self._follower.refresh()


class _Part:
    def __init__(self, shared: _SharedFollower, key: int) -> None:
        self._shared = shared
        self._key = key

    async def refresh(self) -> None:
        await self._shared.refresh()

    def wake_with(self, wake: Callable[[], None] | None) -> None:
        self._shared.register(self._key, wake)
