"""Two workers at once on the real PostgreSQL (FOR UPDATE SKIP LOCKED): no delivery is claimed by
both, and none is sent twice."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from domain.notifications.delivery import Outgoing, claim, deliver_due
from domain.notifications.models import Channel, Delivery, DeliveryState
from realtime.outbox import transaction
from tests.conftest import RunningServer
from tests.notifications.support import AT_ONCE
from tests.support import World

NOTIFICATIONS = 100  # × 3 channels each


class Recording:
    """A channel that counts what it was handed, yielding between sends so the workers interleave."""

    def __init__(self, sent: Counter[int], by: Counter[str], name: str) -> None:
        self.sent, self.by, self.name = sent, by, name

    async def send(self, message: Outgoing) -> None:
        await asyncio.sleep(0.001)  # a send takes a moment: the other worker claims meanwhile
        self.sent[message.delivery_id] += 1
        self.by[self.name] += 1


async def _many(world: World) -> list[int]:
    from domain.notifications import service as notifications
    from domain.notifications.models import Kind

    async with transaction():
        for n in range(NOTIFICATIONS):
            await notifications.notify(
                person_ids=[world.owner_a101.id], kind=Kind.NOTICE, source=f"notice-{n}", title="t", body="b"
            )
    return sorted(d.id for d in await Delivery.all())


@pytest.mark.usefixtures("postgres_writers")
async def test_two_claimers_never_take_the_same_delivery(server: RunningServer, world: World) -> None:
    every = await _many(world)

    async def claimer() -> list[int]:
        taken: list[int] = []
        while batch := await claim(limit=7):
            taken += batch
            await asyncio.sleep(0)  # the other claimer's turn
        return taken

    first, second = await asyncio.gather(claimer(), claimer())

    assert not set(first) & set(second)
    assert sorted(first + second) == every
    assert first and second  # both took part


@pytest.mark.usefixtures("postgres_writers")
async def test_two_workers_never_send_the_same_notification_twice(server: RunningServer, world: World) -> None:
    every = await _many(world)
    sent: Counter[int] = Counter()
    by: Counter[str] = Counter()

    def senders(name: str) -> dict[Channel, Recording]:
        return {channel: Recording(sent, by, name) for channel in Channel}

    await asyncio.gather(deliver_due(senders("one"), AT_ONCE), deliver_due(senders("two"), AT_ONCE))

    assert sorted(sent) == every and set(sent.values()) == {1}
    assert by["one"] and by["two"]
    assert {d.state for d in await Delivery.all()} == {DeliveryState.SENT}
