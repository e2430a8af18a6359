"""Where a moving device went: the nouns above devices (orders, for a delivery robot) register what
a new position means to them, so devices import none of them (as payments' ``subjects`` do).

``telemetry.ingest`` calls ``moved`` inside the transaction that stores the readings: what a
listener writes commits with them, or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Moved:
    device_id: int
    community_id: int
    latitude: float
    longitude: float
    at: datetime  # when the device says it was there


Listener = Callable[[Moved], Awaitable[None]]

_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


async def moved(movement: Moved) -> None:
    for listener in _listeners:
        await listener(movement)
