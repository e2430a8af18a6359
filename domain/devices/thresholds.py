"""Operators tune a community's alarm rules."""

from __future__ import annotations

import math

from auth.roles import COMMUNITY_STAFF, OPERATORS
from auth.viewer import Viewer
from domain.alarms.models import Severity
from domain.common.errors import InvalidInput, NotFound
from domain.common.guards import require_role
from domain.devices.metrics import METRICS
from domain.devices.models import AlarmThreshold, DeviceType
from domain.devices.rules import Rule, rules_for
from domain.space.service import get_community


async def rules_in_force(viewer: Viewer, community_id: int) -> dict[tuple[DeviceType, str], Rule]:
    community = await get_community(viewer, community_id)
    require_role(viewer, community.id, COMMUNITY_STAFF, "Reading alarm rules")
    return rules_for(await AlarmThreshold.filter(community_id=community.id))


async def set_threshold(
    viewer: Viewer,
    *,
    community_id: int,
    device_type: DeviceType,
    metric: str,
    severity: Severity,
    above: float | None,
    below: float | None,
) -> AlarmThreshold:
    community = await get_community(viewer, community_id)
    require_role(viewer, community.id, OPERATORS, "Setting an alarm threshold")
    ranges = METRICS.get(device_type, {})
    if metric not in ranges:
        raise InvalidInput(f"{device_type.value} reports {', '.join(sorted(ranges)) or 'nothing'}", field="metric")
    if above is None and below is None:
        raise InvalidInput("Give above, below or both", field="above")
    low, high = ranges[metric]
    for name, value in (("above", above), ("below", below)):
        if value is not None and not (math.isfinite(value) and low <= value <= high):
            raise InvalidInput(f"{name} must be within {metric}'s range {low:g}..{high:g}", field=name)
    threshold, _ = await AlarmThreshold.update_or_create(
        community_id=community.id,
        device_type=device_type.value,
        metric=metric,
        defaults={"above": above, "below": below, "severity": severity},
    )
    return threshold


async def remove_threshold(viewer: Viewer, *, community_id: int, device_type: DeviceType, metric: str) -> None:
    community = await get_community(viewer, community_id)
    require_role(viewer, community.id, OPERATORS, "Removing an alarm threshold")
    removed = await AlarmThreshold.filter(
        community_id=community.id, device_type=device_type.value, metric=metric
    ).delete()
    if not removed:
        raise NotFound("This community has no threshold of its own for that metric", field="metric")
