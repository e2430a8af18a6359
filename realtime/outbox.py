"""Writing events: `async with transaction(): ... await record(...)` — published after commit.

A domain function that changes something others watch opens `transaction()` instead of
tortoise's `in_transaction()`, and calls `record()` for each event. The rows commit with
the change or not at all; once committed, they are handed to the publisher.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from realtime.models import OutboxEvent

_pending: ContextVar[list[OutboxEvent] | None] = ContextVar("outbox_pending", default=None)

# Any constant: the key of the PostgreSQL advisory lock that orders outbox commits.
_OUTBOX_LOCK_KEY = 0x4C494E47  # "LING"


class Publisher(Protocol):
    async def publish(self, events: list[OutboxEvent]) -> None: ...


_publisher: Publisher | None = None


def install_publisher(publisher: Publisher | None) -> None:
    """Set by the app's lifespan; None (no fan-out, rows wait for the next start) otherwise."""
    global _publisher
    _publisher = publisher


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
    if events and _publisher is not None:
        await _publisher.publish(events)


async def record(topic: str, kind: str, payload: dict[str, Any]) -> OutboxEvent:
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("record() must run inside realtime.outbox.transaction()")
    previous = await OutboxEvent.filter(topic=topic).order_by("-seq").first()
    event = await OutboxEvent.create(topic=topic, seq=(previous.seq if previous else 0) + 1, kind=kind, payload=payload)
    pending.append(event)
    return event
