"""What a sensor's new state means to the nouns above devices: they register, per device type,
what a reading means to them (parking, for a parking-space sensor's ``occupied``), so devices
import none of them (as ``movements`` does for a robot's position).

``telemetry.ingest`` calls ``sensed`` inside the transaction that stores the readings, once per
metric of a batch with the device's latest value of it: what a listener writes commits with them,
or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from domain.devices.models import DeviceType


@dataclass(frozen=True)
class Sensed:
    device_id: int
    community_id: int
    type: DeviceType
    metric: str
    value: float  # the device's latest value of the metric after this batch
    at: datetime  # when the device says it measured the batch's last reading of it


Listener = Callable[[Sensed], Awaitable[None]]

_listeners: dict[DeviceType, list[Listener]] = {}


def listen(device_type: DeviceType, listener: Listener) -> None:
    registered = _listeners.setdefault(device_type, [])
    if listener not in registered:
        registered.append(listener)


def watched(device_type: DeviceType) -> bool:
    return bool(_listeners.get(device_type))


async def sensed(change: Sensed) -> None:
    for listener in _listeners.get(change.type, []):
        await listener(change)
