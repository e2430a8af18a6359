"""What every request and periodic job runs inside: where its committed events go (the outbox's
publisher), and how often a delivery's position may be pushed (domain/orders/positions.py).
One place, so the GraphQL view, the HTTP routes and the jobs cannot disagree."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from domain.orders import positions
from realtime.outbox import Publisher, publishing_to


@contextmanager
def announcing(publisher: Publisher, *, position_push_seconds: float) -> Iterator[None]:
    with publishing_to(publisher), positions.pushing_every(position_push_seconds):
        yield
