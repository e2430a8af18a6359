"""Meters as the bills see them: which meters a house has, and what a meter read at an instant.

A meter reports its cumulative register (metric ``reading``, domain/devices/metrics.py); what it
read at an instant is its latest reading recorded at or before then.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from tortoise.expressions import Q

from domain.devices.models import Device, DeviceType, Reading

METER_TYPES = frozenset(
    {DeviceType.WATER_METER, DeviceType.ELECTRICITY_METER, DeviceType.GAS_METER, DeviceType.HEAT_METER}
)
METRIC = "reading"


async def meters_by_house(community_id: int, *, in_service_at: datetime) -> dict[int, list[Device]]:
    """The community's meters placed in a house, not retired before ``in_service_at``, by house, oldest first."""
    found = await Device.filter(
        Q(retired_at__isnull=True) | Q(retired_at__gt=in_service_at),
        community_id=community_id,
        house_id__isnull=False,
        type__in=sorted(METER_TYPES),
    ).order_by("id")
    houses: dict[int, list[Device]] = defaultdict(list)
    for meter in found:
        assert meter.house_id is not None
        houses[meter.house_id].append(meter)
    return houses


async def read_at(device_id: int, at: datetime, *, after: datetime | None = None) -> Reading | None:
    """The meter's latest reading recorded at or before ``at`` (and after ``after``, when given)."""
    qs = Reading.filter(device_id=device_id, metric=METRIC, recorded_at__lte=at)
    if after is not None:
        qs = qs.filter(recorded_at__gt=after)
    return await qs.order_by("-recorded_at", "-id").first()


async def used_during(device_id: int, since: datetime, until: datetime) -> float | None:
    """What the meter counted in [since, until]: its reading then less its reading at ``since``
    (None when either is missing or the register went back, as the bills treat it)."""
    start = await read_at(device_id, since)
    end = await read_at(device_id, until, after=since)
    if start is None or end is None or end.value < start.value:
        return None
    return end.value - start.value
