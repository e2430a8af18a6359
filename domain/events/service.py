"""Reading events: one, a page of a filtered list, and the ratings a staff member was given.

Every read starts from ``access``; the ways events come in are ``reporting``, the ways they move
``transitions`` and ``dispatch``.
"""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.functions import Avg

from auth.viewer import Viewer
from domain.common.guards import require_person
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given
from domain.events import access
from domain.events.models import Category, Event, EventEntry, Status


async def get_event(viewer: Viewer, event_id: int) -> Event:
    return await get_visible(access.readable_events(viewer), event_id, what="event", field="id")


async def list_events(
    viewer: Viewer,
    *,
    community_id: int | None = None,
    grid_id: int | None = None,
    building_id: int | None = None,
    house_id: int | None = None,
    status: Status | None = None,
    category: Category | None = None,
    mine: bool = False,
    overdue: bool | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[Event]:
    """``mine``: reported by or assigned to the viewer."""
    qs = access.readable_events(viewer).filter(
        **given(
            community_id=community_id,
            grid_id=grid_id,
            building_id=building_id,
            house_id=house_id,
            status=status,
            category=category,
        )
    )
    if mine:
        person = require_person(viewer)
        qs = qs.filter(Q(assignee_id=person) | Q(reporter_id=person))
    if overdue is not None:
        qs = qs.filter(overdue_at__isnull=not overdue)
    return await paginate(qs, first=first, after=after)


async def my_ratings(viewer: Viewer, *, first: int | None, after: str | None) -> tuple[Page[EventEntry], float | None]:
    """Staff see the ratings they were given: each credited to whoever held the event when it
    was rated (a reassignment afterwards does not move it), and their average."""
    qs = access.readable_ratings(viewer)
    figures = await qs.annotate(average=Avg("score")).values("average")
    average = figures[0]["average"] if figures else None
    return await paginate(qs, first=first, after=after), None if average is None else round(float(average), 2)
