"""Operators tune a community's alarm rules."""

from __future__ import annotations

import math

from auth.viewer import Viewer
from domain.alarms.models import Severity
from domain.common.errors import InvalidInput, NotFound
from domain.devices import access
from domain.devices.metrics import METRICS
from domain.devices.models import AlarmThreshold, DeviceType
from domain.devices.rules import Rule, rules_for
from domain.space.service import get_community


async def rules_in_force(viewer: Viewer, community_id: int) -> dict[tuple[DeviceType, str], Rule]:
    community = await get_community(viewer, community_id)
    access.check_read_rules(viewer, community.id)
    return await _in_force(community.id)


async def _in_force(community_id: int) -> dict[tuple[DeviceType, str], Rule]:
    return rules_for(await AlarmThreshold.filter(community_id=community_id))


async def set_threshold(
    viewer: Viewer,
    *,
    community_id: int,
    device_type: DeviceType,
    metric: str,
    severity: Severity,
    above: float | None,
    below: float | None,
) -> dict[tuple[DeviceType, str], Rule]:
    """Returns the rules in force after the change."""
    community = await get_community(viewer, community_id)
    access.check_set_rules(viewer, community.id, "Setting an alarm threshold")
    ranges = METRICS.get(device_type, {})
    if metric not in ranges:
        raise InvalidInput(f"{device_type.value} reports {', '.join(sorted(ranges)) or 'nothing'}", field="metric")
    if above is None and below is None:
        raise InvalidInput("Give above, below or both", field="above")
    low, high = ranges[metric]
    for name, value in (("above", above), ("below", below)):
        if value is not None and not (math.isfinite(value) and low <= value <= high):
            raise InvalidInput(f"{name} must be within {metric}'s range {low:g}..{high:g}", field=name)
    await AlarmThreshold.update_or_create(
        community_id=community.id,
        device_type=device_type.value,
        metric=metric,
        defaults={"above": above, "below": below, "severity": severity},
    )
    return await _in_force(community.id)


async def remove_threshold(
    viewer: Viewer, *, community_id: int, device_type: DeviceType, metric: str
) -> dict[tuple[DeviceType, str], Rule]:
    """Back to the default rule; returns the rules in force after the change."""
    community = await get_community(viewer, community_id)
    access.check_set_rules(viewer, community.id, "Removing an alarm threshold")
    removed = await AlarmThreshold.filter(
        community_id=community.id, device_type=device_type.value, metric=metric
    ).delete()
    if not removed:
        raise NotFound("This community has no threshold of its own for that metric", field="metric")
    return await _in_force(community.id)
