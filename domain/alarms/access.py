"""Every "may" of alarms: who reads which, who acts on one, who watches, which message reaches whom.

The scopes are the houses': community staff see their community's alarms, grid staff their
grids', residents their own houses'.
"""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF
from auth.viewer import Viewer
from domain.alarms.models import Alarm
from domain.common.errors import Forbidden, InvalidInput
from domain.common.guards import require_person
from domain.space.access import in_scope


def readable_alarms(viewer: Viewer) -> QuerySet[Alarm]:
    """Community staff: all of their community's. Housekeepers and grid workers: their grids'.
    Residents: their own houses'."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Alarm.all()
    return Alarm.filter(in_scope(viewer))


def check_handle(viewer: Viewer, alarm: Alarm, action: str) -> None:
    """Acknowledging and clearing: the community's staff, or the staff of the alarm's grid
    (a resident who sees their own house's alarm does not handle it)."""
    staff = viewer.is_platform_admin or alarm.community_id in viewer.communities_with(COMMUNITY_STAFF)
    if not staff and alarm.grid_id not in viewer.grid_ids:
        raise Forbidden(f"{action} is for the staff responsible for this alarm")


def check_watch(viewer: Viewer, community_id: int) -> None:
    """alarmEvents: the community's staff (grid staff too: they get their grids' share of it)."""
    require_person(viewer)
    if viewer.is_platform_admin or community_id in viewer.readable_community_ids:
        return
    if any(g.community_id == community_id and g.grid_id is not None for g in viewer.grants):
        return
    raise Forbidden("Watching a community's alarms is for its staff: residents use myAlarms", field="communityId")


def home_to_watch(viewer: Viewer, community_id: int | None) -> int:
    """myAlarms: the community of the resident's homes to watch. One stream per community, so a
    resident of several communities names one."""
    require_person(viewer)
    communities = sorted(viewer.resident_community_ids)
    chosen = community_id
    if chosen is None and len(communities) == 1:
        chosen = communities[0]
    if chosen is None or chosen not in communities:
        raise InvalidInput("Name the community you live in to watch (communityId)", field="communityId")
    return chosen


def may_receive(viewer: Viewer, alarm: dict[str, Any]) -> bool:
    """readable_alarms' rule for one alarm message payload (``community_id``, ``grid_id``, ``house_id``)."""
    return viewer.sees_place(
        community_id=alarm.get("community_id"), grid_id=alarm.get("grid_id"), house_id=alarm.get("house_id")
    )


def may_receive_at_home(viewer: Viewer, alarm: dict[str, Any]) -> bool:
    """myAlarms: only the alarms of the houses the resident lives in, whatever else they may see."""
    return alarm.get("house_id") in viewer.house_ids
