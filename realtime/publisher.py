"""Sending committed outbox rows on the bus, and re-sending what a crash left unsent."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from broadcaster import Broadcast
from tortoise.functions import Max

from realtime.envelope import Envelope
from realtime.models import OutboxEvent
from realtime.redis_backend import BusDown

log = logging.getLogger("lingli.realtime")


class BroadcastPublisher:
    def __init__(self, broadcast: Broadcast) -> None:
        self.broadcast = broadcast

    async def publish(self, events: list[OutboxEvent]) -> int:
        """Publish, then mark published; returns how many went out. A failure leaves rows unmarked
        for the next sweep: subscribers lose nothing, because they replay from the outbox by cursor.
        Bounded in time (the Redis backend gives up at once while Redis is down, and after
        PUBLISH_TIMEOUT on one publish): a committed write never waits for the bus."""
        sent: list[int] = []
        try:
            for event in events:
                await self.broadcast.publish(channel=event.topic, message=Envelope.of(event).encode())
                sent.append(event.id)
        except BusDown as error:
            log.warning("bus down (%s): %d outbox event(s) wait for the sweep", error, len(events) - len(sent))
        except Exception:
            log.exception("publishing %d outbox event(s) failed: they stay queued in the outbox", len(events))
        if sent:
            await OutboxEvent.filter(id__in=sent).update(published_at=datetime.now(UTC))
        return len(sent)

    async def publish_unpublished(self, *, older_than: timedelta = timedelta(0), batch: int = 500) -> int:
        """Re-send rows a crash or a bus outage left unsent. Returns how many went out.

        At start-up all of them; while running, only rows older than ``older_than``, so the sweep
        does not race the normal publish-after-commit. A row sent twice is harmless: streams
        drop what they delivered already.
        """
        total = 0
        while True:
            cutoff = datetime.now(UTC) - older_than
            rows = await OutboxEvent.filter(published_at=None, created_at__lte=cutoff).order_by("id").limit(batch)
            if not rows:
                return total
            sent = await self.publish(list(rows))
            total += sent
            if sent < len(rows) or len(rows) < batch:
                return total  # the bus did not take them all: the next sweep tries again


async def prune_outbox(*, older_than: timedelta) -> int:
    """Delete sent events older than ``older_than``, except the newest of each topic: it carries the
    topic's seq on (a topic starting again at 1 would look like old news to live subscribers).
    A client whose cursor is older than what is kept gets the history that is kept."""
    cutoff = datetime.now(UTC) - older_than
    newest = await OutboxEvent.annotate(newest=Max("id")).group_by("topic").values_list("newest", flat=True)
    return await (
        OutboxEvent.filter(created_at__lt=cutoff, published_at__isnull=False).exclude(id__in=list(newest)).delete()
    )


async def outbox_lag_seconds() -> float:
    """How long the oldest event not yet sent on the bus has waited (0: none waits). Normally
    under a second; it grows while the bus is down, and falls once the sweep sends the backlog."""
    oldest = await OutboxEvent.filter(published_at=None).order_by("id").first()
    if oldest is None:
        return 0.0
    return max(0.0, (datetime.now(UTC) - oldest.created_at).total_seconds())
