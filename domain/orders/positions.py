"""Where a delivery is, pushed live without flooding: a robot's telemetry (``devices.movements``)
and a courier's reports (``report``) move the order at every reading, but an ORDER_POSITION
message goes out at most once per order every ``push_every`` (DELIVERY_POSITION_PUSH_SECONDS).

A window works like a throttle with a trailing edge:
- a position arriving when the order's last push is older than the window is pushed at once;
- one arriving inside the window is stored and marked ``position_pending``;
- ``push_pending`` (a periodic job, every window) pushes the pending ones whose window has passed,
  so the latest position always arrives, at most about two windows after it was reported.
Both claim the push with one conditional UPDATE (pending, and last pushed before the window), so
several processes, or a reading racing the sweep, never push one window twice.

The ETA is the straight-line distance to the house's building (``Building.latitude``/``longitude``)
at ``PACE_M_S``; without a position for the building there is no ETA, rather than a made-up one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.devices import movements
from domain.orders import access, messages
from domain.orders.models import OUT_FOR_DELIVERY, Order
from domain.orders.service import get_order
from domain.space.models import Building
from realtime.outbox import record, transaction

# A courier on foot or a delivery robot on paths, in metres per second.
PACE_M_S = 1.5
EARTH_RADIUS_M = 6_371_000
DEFAULT_PUSH_EVERY = timedelta(seconds=5)
SWEEP_BATCH = 500

# The process says how often (its setting), around each request and job: ``pushing_every``.
_push_every: ContextVar[timedelta] = ContextVar("position_push_every", default=DEFAULT_PUSH_EVERY)


@contextmanager
def pushing_every(seconds: float) -> Iterator[None]:
    token = _push_every.set(timedelta(seconds=seconds))
    try:
        yield
    finally:
        _push_every.reset(token)


async def report(viewer: Viewer, order_id: int, *, latitude: float, longitude: float) -> Order:
    """A courier says where they are with one of their deliveries."""
    order = await get_order(viewer, order_id, field="orderId")
    access.check_report_position(viewer, order)
    _check_coordinates(latitude, longitude)
    async with transaction():
        await _move(order.id, latitude, longitude, at=datetime.now(UTC))
    return await Order.get(id=order.id)


async def robot_moved(movement: movements.Moved) -> None:
    """A delivery robot's new position, for each order it has out for delivery (in the readings'
    transaction)."""
    ids = await Order.filter(robot_id=movement.device_id, status__in=list(OUT_FOR_DELIVERY)).values_list(
        "id", flat=True
    )
    for order_id in ids:
        await _move(int(order_id), movement.latitude, movement.longitude, at=movement.at)  # type: ignore[call-overload]


async def push_pending(*, now: datetime | None = None) -> int:
    """The trailing edge: each order whose latest position was held back and whose window has
    passed gets it pushed now. Returns how many were."""
    now = now or datetime.now(UTC)
    due = (
        await Order.filter(_window_passed(now), position_pending=True, status__in=list(OUT_FOR_DELIVERY))
        .limit(SWEEP_BATCH)
        .values_list("id", flat=True)
    )
    pushed = 0
    for order_id in due:
        async with transaction():
            pushed += await _push_if_due(int(order_id), now)  # type: ignore[call-overload]
    return pushed


def _check_coordinates(latitude: float, longitude: float) -> None:
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise InvalidInput("latitude must be between -90 and 90", field="latitude")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise InvalidInput("longitude must be between -180 and 180", field="longitude")


async def _move(order_id: int, latitude: float, longitude: float, *, at: datetime) -> None:
    """Store the position (unless a later one is stored already: a backlog arriving late), then
    push it if this order's window allows. Inside the caller's transaction."""
    order = await Order.get(id=order_id)
    distance = await _distance_to_house(order, latitude, longitude)
    stored = await Order.filter(Q(position_at__isnull=True) | Q(position_at__lte=at), id=order_id).update(
        latitude=latitude,
        longitude=longitude,
        position_at=at,
        distance_metres=None if distance is None else round(distance),
        eta_seconds=None if distance is None else round(distance / PACE_M_S),
        position_pending=True,
    )
    if stored:
        await _push_if_due(order_id, datetime.now(UTC))


async def _push_if_due(order_id: int, now: datetime) -> int:
    """Claim this window's push (one conditional UPDATE) and record the message; 0 if not due."""
    claimed = await Order.filter(_window_passed(now), id=order_id, position_pending=True).update(
        position_pending=False, position_pushed_at=now
    )
    if not claimed:
        return 0
    order = await Order.get(id=order_id)
    await record(messages.topic(order.community_id), messages.Kind.ORDER_POSITION, messages.payload(order))
    return 1


def _window_passed(now: datetime) -> Q:
    return Q(position_pushed_at__isnull=True) | Q(position_pushed_at__lte=now - _push_every.get())


async def _distance_to_house(order: Order, latitude: float, longitude: float) -> float | None:
    door = await Building.filter(houses__id=order.house_id).values_list("latitude", "longitude")
    if not door or door[0][0] is None or door[0][1] is None:
        return None
    return _metres((latitude, longitude), (float(door[0][0]), float(door[0][1])))


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine): exact enough across a community."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


movements.listen(robot_moved)
