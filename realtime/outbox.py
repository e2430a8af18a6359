"""The one way the domain writes: `async with transaction(): ... await record(...)`.

Every domain write opens `transaction()` (nested: a savepoint), and calls `record()` for each
event others watch. The rows commit with the change or not at all; once committed, they are
handed to the publisher of the work that wrote them: the process says which, explicitly, with
`publishing_to(publisher)` around a request or a periodic job (server/app.py, the GraphQL view,
the telemetry route). Outside such a block (the seed, a script) committed rows wait in the
outbox for the publisher's next sweep.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise.functions import Max
from tortoise.transactions import in_transaction

from realtime.models import OutboxEvent


@dataclass
class _Recorded:
    topic: str
    kind: str
    payload: dict[str, Any]


_pending: ContextVar[list[_Recorded] | None] = ContextVar("outbox_pending", default=None)

# A topic's events must commit in the order their ids and seqs are handed out, or a reader could
# see 11 before 10 commits; events of other topics need not wait. So a topic takes one of LOCKS
# advisory locks (by a hash of its name, the same in every process), in the namespace LOCK_CLASS:
# a collision only makes two topics wait for each other, and a write to thousands of topics (a
# notice to every household) holds at most LOCKS locks, never more than PostgreSQL's lock table has.
LOCKS = 256
LOCK_CLASS = 0x4C494E47 >> 1  # "LING", as a positive int4
# In key order (the sorted sub-select), so two writers never wait for each other in a circle.
_TOPIC_LOCKS = "SELECT pg_advisory_xact_lock($1::int, k) FROM (SELECT unnest($2::int[]) AS k ORDER BY 1) AS keys"


def lock_key(topic: str) -> int:
    return zlib.crc32(topic.encode()) % LOCKS


class Publisher(Protocol):
    async def publish(self, events: list[OutboxEvent]) -> object: ...


_publisher: ContextVar[Publisher | None] = ContextVar("outbox_publisher", default=None)


@contextmanager
def publishing_to(publisher: Publisher) -> Iterator[None]:
    """What commits inside this block (and the tasks it starts) is handed to ``publisher``."""
    token = _publisher.set(publisher)
    try:
        yield
    finally:
        _publisher.reset(token)


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    pending = _pending.get()
    if pending is not None:
        # Nested in another one: a savepoint, whose events are written with the outer commit
        # (publishing at the inner exit would announce what the outer may still roll back); rolled
        # back, it takes its events with it.
        mark = len(pending)
        try:
            async with in_transaction():
                yield
        except BaseException:
            del pending[mark:]
            raise
        return
    recorded: list[_Recorded] = []
    token = _pending.set(recorded)
    events: list[OutboxEvent] = []
    try:
        async with in_transaction() as connection:
            yield
            if recorded:
                events = await _write(
                    recorded, postgres=connection.capabilities.dialect == "postgres", connection=connection
                )
    finally:
        _pending.reset(token)
    publisher = _publisher.get()
    if events and publisher is not None:
        await publisher.publish(events)


async def _write(recorded: list[_Recorded], *, postgres: bool, connection: Any) -> list[OutboxEvent]:
    """The outbox rows, last thing before the commit: a topic's lock is held only for its rows' inserts
    and the commit, not for the whole change (which may wait on row locks, or on the network).
    Taken after the change's row locks, so the order is fixed: a transaction holding topic locks only
    inserts outbox rows and commits, waiting on nothing another holds; topics' locks in key order among
    themselves. SQLite needs no lock: it runs one writer at a time."""
    topics = sorted({event.topic for event in recorded})
    if postgres:
        await connection.execute_query(_TOPIC_LOCKS, [LOCK_CLASS, sorted({lock_key(t) for t in topics})])
    seqs = dict.fromkeys(topics, 0)
    newest = (
        await OutboxEvent.filter(topic__in=topics)
        .group_by("topic")
        .annotate(seq=Max("seq"))
        .values_list("topic", "seq")
    )
    seqs.update((str(topic), int(str(seq))) for topic, seq in newest)
    events = []
    for event in recorded:
        seqs[event.topic] += 1
        events.append(
            await OutboxEvent.create(topic=event.topic, seq=seqs[event.topic], kind=event.kind, payload=event.payload)
        )
    return events


async def record(topic: str, kind: str, payload: dict[str, Any]) -> None:
    """An event others watch, written (and given its cursor) with the commit of the transaction around it."""
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("record() must run inside realtime.outbox.transaction()")
    pending.append(_Recorded(topic, kind, payload))
