"""The fan-out bus between server processes: memory:// in one process, redis:// across many."""

from __future__ import annotations

from broadcaster import Broadcast


def make_broadcast(url: str) -> Broadcast:
    return Broadcast(url)
