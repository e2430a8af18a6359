"""The outbox: nested event transactions commit or roll back with the outer one (a savepoint rolled
back takes its events with it); a slow write holds up no other, of its topic or another, until its
commit; a topic's ids and seqs commit in one order; pruning keeps recent events and each topic's newest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from realtime.models import OutboxEvent
from realtime.outbox import LOCKS, lock_key, publishing_to, record, transaction
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


async def test_a_savepoint_rolled_back_takes_its_events_with_it(server: RunningServer) -> None:
    class Boom(Exception):
        pass

    published: list[OutboxEvent] = []

    class Collect:
        async def publish(self, events: list[OutboxEvent]) -> None:
            published.extend(events)

    with publishing_to(Collect()):
        async with transaction():
            await record(TOPIC, "TEST", {"n": "kept before"})
            with pytest.raises(Boom):
                async with transaction():
                    await record(TOPIC, "TEST", {"n": "rolled back"})
                    raise Boom
            await record(TOPIC, "TEST", {"n": "kept after"})
    rows = await OutboxEvent.filter(topic=TOPIC).order_by("seq")
    assert [(e.seq, e.payload["n"]) for e in rows] == [(1, "kept before"), (2, "kept after")]
    assert [e.payload["n"] for e in published] == ["kept before", "kept after"]  # nothing announced that never was


@pytest.mark.usefixtures("postgres_writers")
async def test_a_slow_write_holds_up_no_other_until_its_commit(server: RunningServer) -> None:
    """The topic's lock is taken for the outbox rows and the commit only: a write that is still working
    (here: waiting on `go`) lets writes of its own topic and of others commit meanwhile, and then
    commits after them, with the later cursor."""
    go = asyncio.Event()
    started = asyncio.Event()

    async def slow() -> None:
        async with transaction():
            await record(TOPIC, "TEST", {"n": "slow"})
            started.set()
            await go.wait()

    slow_write = asyncio.create_task(slow())
    await started.wait()
    for topic in (TOPIC, "other"):
        async with asyncio.timeout(10):  # the old system-wide lock would hold these until `go`
            async with transaction():
                await record(topic, "TEST", {"n": "quick"})
    go.set()
    await slow_write
    rows = await OutboxEvent.filter(topic=TOPIC).order_by("id")
    assert [(e.seq, e.payload["n"]) for e in rows] == [(1, "quick"), (2, "slow")]


@pytest.mark.usefixtures("postgres_writers")
async def test_a_topics_cursors_and_seqs_commit_in_one_order(server: RunningServer) -> None:
    async def write(n: int) -> None:
        async with transaction():
            await record(TOPIC if n % 2 else "other", "TEST", {"n": n})
            await asyncio.sleep(0)  # let the others interleave their work before committing

    await asyncio.gather(*(write(n) for n in range(40)))
    for topic in (TOPIC, "other"):
        rows = await OutboxEvent.filter(topic=topic).order_by("id")
        assert [e.seq for e in rows] == list(range(1, 21)), topic


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


@pytest.mark.usefixtures("postgres_writers")
async def test_a_write_to_thousands_of_topics_holds_a_bounded_number_of_locks(server: RunningServer) -> None:
    """A notice to every household of a large community records on one topic per person: more topics
    than PostgreSQL's lock table holds locks (64 per connection by default) still commit, since a
    topic takes one of LOCKS hashed locks."""
    async with transaction():
        for n in range(7000):
            await record(f"test:person:{n}", "TEST", {"n": n})
    assert await OutboxEvent.filter(topic__startswith="test:person:").count() == 7000
    assert {lock_key(f"test:person:{n}") for n in range(7000)} <= set(range(LOCKS))
