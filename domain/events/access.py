"""Which events a viewer may see: their community's for dispatchers, their grids' and their own
assignments for staff (while they are staff there), the ones they reported for everyone."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.roles import STAFF
from auth.viewer import Viewer
from domain.common.guards import require_person
from domain.events.models import Event


def readable_events(viewer: Viewer) -> QuerySet[Event]:
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return Event.all()
    return Event.filter(
        Q(community_id__in=sorted(viewer.readable_community_ids))
        | Q(grid_id__in=sorted(viewer.grid_ids))
        | Q(assignee_id=person, community_id__in=sorted(viewer.communities_with(STAFF)))
        | Q(reporter_id=person)
    )


def may_see(viewer: Viewer, event: dict[str, Any]) -> bool:
    """The same rule for one event as a message payload."""
    return (
        viewer.is_platform_admin
        or event.get("community_id") in viewer.readable_community_ids
        or event.get("grid_id") in viewer.grid_ids
        or (viewer.person_id is not None and viewer.person_id == event.get("reporter_id"))
        or (
            viewer.person_id is not None
            and viewer.person_id == event.get("assignee_id")
            and event.get("community_id") in viewer.communities_with(STAFF)
        )
    )
