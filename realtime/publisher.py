"""Sending committed outbox rows on the bus, and re-sending what a crash left unsent."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from broadcaster import Broadcast

from realtime.envelope import Envelope
from realtime.models import OutboxEvent

log = logging.getLogger("lingli.realtime")


class BroadcastPublisher:
    def __init__(self, broadcast: Broadcast) -> None:
        self.broadcast = broadcast

    async def publish(self, events: list[OutboxEvent]) -> None:
        """Publish, then mark published. A failure leaves rows unmarked for the next sweep:
        subscribers lose nothing, because they replay from the outbox by cursor."""
        sent: list[int] = []
        try:
            for event in events:
                await self.broadcast.publish(channel=event.topic, message=Envelope.of(event).encode())
                sent.append(event.id)
        except Exception:
            log.exception("publishing %d outbox event(s) failed: they stay queued in the outbox", len(events))
        if sent:
            await OutboxEvent.filter(id__in=sent).update(published_at=datetime.now(UTC))

    async def publish_unpublished(self, batch: int = 500) -> int:
        """Re-send rows a crash left between commit and publish (at start-up). Returns how many."""
        total = 0
        while True:
            rows = await OutboxEvent.filter(published_at=None).order_by("id").limit(batch)
            if not rows:
                return total
            await self.publish(list(rows))
            total += len(rows)
            if len(rows) < batch:
                return total
