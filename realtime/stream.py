"""One subscription: replay what the client missed after its cursor, then go live, in order,
with no duplicates and no holes.

Subscribe to the bus first, then read the outbox, so nothing committed meanwhile falls between
the two. Live messages can arrive late or out of order (several server processes publish, and
Redis pub/sub is at-most-once): each topic numbers its events 1, 2, 3… (``seq``), so a message
that skips a number makes the stream fetch the missing ones from the outbox first, and one
already delivered is dropped.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable

from broadcaster import Broadcast
from broadcaster._base import Unsubscribed

from realtime.envelope import Envelope
from realtime.models import OutboxEvent
from realtime.redis_backend import RESYNC

REPLAY_PAGE = 500


async def events(
    broadcast: Broadcast,
    topic: str,
    *,
    after: int | None,
    visible: Callable[[Envelope], bool],
    refresh: Callable[[], Awaitable[None]] | None = None,
) -> AsyncGenerator[Envelope, None]:
    """``visible`` decides, per message, whether this subscriber gets it; ``refresh`` (awaited
    before each message) lets the subscriber's side bring what ``visible`` reads up to date."""
    async with broadcast.subscribe(channel=topic) as subscriber:
        if after is None:
            newest = await OutboxEvent.filter(topic=topic).order_by("-seq").first()
            last_seq = newest.seq if newest else 0  # from now on
        else:
            before = await OutboxEvent.filter(topic=topic, id__lte=after).order_by("-seq").first()
            last_seq = before.seq if before else 0
        behind = True  # the client's backlog first
        while True:
            if behind:
                # Catch up from the outbox: the backlog, or a hole the live feed showed.
                async for envelope in _stored_after(topic, last_seq):
                    last_seq = envelope.seq
                    if refresh is not None:
                        await refresh()
                    if visible(envelope):
                        yield envelope
                behind = False
            try:
                event = await subscriber.get()
            except Unsubscribed:  # the bus is going away
                return
            if event.message == RESYNC:
                behind = True  # the bus lost messages (Redis came back, or we fell behind)
                continue
            live = Envelope.decode(event.message)
            if live.seq <= last_seq:
                continue  # delivered already
            if live.seq > last_seq + 1:
                behind = True  # a hole before it: fetch the missing ones and this one, in order
                continue
            last_seq = live.seq
            if refresh is not None:
                await refresh()
            if visible(live):
                yield live


async def _stored_after(topic: str, seq: int) -> AsyncIterator[Envelope]:
    while True:
        rows = await OutboxEvent.filter(topic=topic, seq__gt=seq).order_by("seq").limit(REPLAY_PAGE)
        for row in rows:
            yield Envelope.of(row)
        if len(rows) < REPLAY_PAGE:
            return
        seq = rows[-1].seq
