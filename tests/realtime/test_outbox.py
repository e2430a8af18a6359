"""The outbox: nested event transactions commit or roll back with the outer one, and pruning keeps recent
events and each topic's newest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from realtime.models import OutboxEvent
from realtime.outbox import record, transaction
from realtime.publisher import prune_outbox
from tests.conftest import RunningServer

TOPIC = "test:stream"


async def test_nested_event_transactions_commit_or_roll_back_with_the_outer_one(server: RunningServer) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with transaction():
            async with transaction():  # nested: its events wait for the outer commit
                await record(TOPIC, "TEST", {"n": 1})
            raise Boom
    assert await OutboxEvent.filter(topic=TOPIC).count() == 0
    async with transaction(), transaction():
        await record(TOPIC, "TEST", {"n": 2})
    assert [e.seq for e in await OutboxEvent.filter(topic=TOPIC)] == [1]


async def test_pruning_keeps_recent_events_and_each_topics_newest(server: RunningServer) -> None:
    old = datetime.now(UTC) - timedelta(days=40)
    for seq in (1, 2, 3):
        await OutboxEvent.create(topic=TOPIC, seq=seq, kind="TEST", payload={}, published_at=old)
    await OutboxEvent.create(topic="other", seq=1, kind="TEST", payload={}, published_at=old)
    await OutboxEvent.create(topic=TOPIC, seq=4, kind="TEST", payload={})  # recent
    await OutboxEvent.filter(seq__lte=3).update(created_at=old)
    await OutboxEvent.filter(topic="other").update(created_at=old)
    assert await prune_outbox(older_than=timedelta(days=30)) == 3
    kept = sorted((e.topic, e.seq) for e in await OutboxEvent.all())
    assert kept == [("other", 1), (TOPIC, 4)]
