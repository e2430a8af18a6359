"""A lot's free spaces, pushed live without flooding: at most one LOT_AVAILABILITY message per lot
every ``PUSH_EVERY`` (1 s), the newest count always delivered. The throttle of delivery positions
(domain/orders/positions.py), per lot:
- a change (a sensor's reading, a car through the gate) when the lot's last push is older than the
  window is pushed at once;
- one inside the window marks the lot ``free_pending``;
- ``push_pending`` (a periodic job, several times a window) pushes the pending lots whose window has
  passed, with their count as it is then.
Both claim the push with one conditional UPDATE (pending, last pushed before the window), so several
processes, or a reading racing the sweep, never push one window twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from domain.devices import sensed
from domain.devices.models import DeviceType
from domain.parking import messages
from domain.parking.models import ParkingLot, ParkingSpace
from domain.parking.occupancy import occupancy
from realtime.outbox import record, transaction

PUSH_EVERY = timedelta(seconds=1)
SWEEP_BATCH = 500
OCCUPIED = "occupied"


async def changed(lot_id: int, *, now: datetime | None = None) -> None:
    """Something changed how full the lot is (in the caller's transaction): push now if its window
    allows, else leave it for the sweep."""
    now = now or datetime.now(UTC)
    await ParkingLot.filter(id=lot_id).update(free_pending=True)
    await _push_if_due(lot_id, now)


async def push_pending(*, now: datetime | None = None) -> int:
    """The trailing edge: every lot whose change was held back and whose window has passed gets its
    count pushed now. Returns how many were."""
    now = now or datetime.now(UTC)
    due = (
        await ParkingLot.filter(_window_passed(now), free_pending=True).limit(SWEEP_BATCH).values_list("id", flat=True)
    )
    pushed = 0
    for lot_id in due:
        async with transaction():
            pushed += await _push_if_due(int(lot_id), now)  # type: ignore[call-overload]
    return pushed


async def _push_if_due(lot_id: int, now: datetime) -> int:
    claimed = await ParkingLot.filter(_window_passed(now), id=lot_id, free_pending=True).update(
        free_pending=False, free_pushed_at=now
    )
    if not claimed:
        return 0
    lot = await ParkingLot.get(id=lot_id)
    [counted] = await occupancy(lot.community_id, lot_id=lot_id)
    await record(messages.topic(lot.community_id), messages.ParkingMessage.LOT_AVAILABILITY, messages.payload(counted))
    return 1


def _window_passed(now: datetime) -> Q:
    return Q(free_pushed_at__isnull=True) | Q(free_pushed_at__lte=now - PUSH_EVERY)


async def sensor_reported(change: sensed.Sensed) -> None:
    """A parking-space sensor's reading (in the readings' transaction): its space is occupied or
    free as it says; a reading older than the space's last change (a backlog) changes nothing."""
    if change.metric != OCCUPIED:
        return
    space = await ParkingSpace.get_or_none(sensor_id=change.device_id)
    if space is None:
        return
    occupied = change.value >= 0.5
    moved = await ParkingSpace.filter(
        Q(occupied_changed_at__isnull=True) | Q(occupied_changed_at__lte=change.at), id=space.id
    ).update(occupied=occupied, occupied_changed_at=change.at)
    if moved and occupied != space.occupied:
        await changed(space.lot_id)


sensed.listen(DeviceType.PARKING_SENSOR, sensor_reported)
