"""Which alarms a viewer may see: the same scopes as houses, applied to alarms and their messages."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.alarms.models import Alarm
from domain.common.guards import require_person


def readable_alarms(viewer: Viewer) -> QuerySet[Alarm]:
    """Community staff: all of their community's. Housekeepers and grid workers: their grids'.
    Residents: their own houses'."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Alarm.all()
    return Alarm.filter(
        Q(community_id__in=sorted(viewer.readable_community_ids))
        | Q(grid_id__in=sorted(viewer.grid_ids))
        | Q(house_id__in=sorted(viewer.house_ids))
    )


def may_see(viewer: Viewer, alarm: dict[str, Any]) -> bool:
    """The same rule for one alarm as a message payload (``community_id``, ``grid_id``, ``house_id``)."""
    return viewer.sees_place(
        community_id=alarm.get("community_id"), grid_id=alarm.get("grid_id"), house_id=alarm.get("house_id")
    )
