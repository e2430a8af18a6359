"""The one way the domain writes: `async with transaction(): ... await record(...)`.

Every domain write opens `transaction()` (nested: a savepoint), and calls `record()` for each
event others watch. The rows commit with the change or not at all; once committed, they are
handed to the publisher of the work that wrote them: the process says which, explicitly, with
`publishing_to(publisher)` around a request or a periodic job (server/app.py, the GraphQL view,
the telemetry route). Outside such a block (the seed, a script) committed rows wait in the
outbox for the publisher's next sweep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from realtime.models import OutboxEvent

_pending: ContextVar[list[OutboxEvent] | None] = ContextVar("outbox_pending", default=None)

# Any constant: the key of the PostgreSQL advisory lock that orders outbox commits.
_OUTBOX_LOCK_KEY = 0x4C494E47  # "LING"


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
    if _pending.get() is not None:
        # Nested in another one: a savepoint, whose events are published with the outer commit
        # (publishing at the inner exit would announce what the outer may still roll back).
        async with in_transaction():
            yield
        return
    events: list[OutboxEvent] = []
    token = _pending.set(events)
    try:
        async with in_transaction() as connection:
            if connection.capabilities.dialect == "postgres":
                # First, before any row lock: event ids (cursors) and each topic's seq must commit in
                # the order they are handed out, or a reader could see 11 before 10 commits. Taking
                # it first in every such transaction keeps one lock order: no deadlock with row locks.
                # SQLite needs nothing: it runs one writer at a time.
                await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [_OUTBOX_LOCK_KEY])
            yield
    finally:
        _pending.reset(token)
    publisher = _publisher.get()
    if events and publisher is not None:
        await publisher.publish(events)


async def record(topic: str, kind: str, payload: dict[str, Any]) -> OutboxEvent:
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("record() must run inside realtime.outbox.transaction()")
    previous = await OutboxEvent.filter(topic=topic).order_by("-seq").first()
    event = await OutboxEvent.create(topic=topic, seq=(previous.seq if previous else 0) + 1, kind=kind, payload=payload)
    pending.append(event)
    return event
