"""How long each category may take, per community (the default when a community set none), and
the alarm an event raises once it is past its deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from auth.viewer import Viewer
from domain.alarms import service as alarm_service
from domain.alarms.models import Alarm, Severity
from domain.common.errors import InvalidInput
from domain.events import access
from domain.events.models import Category, CategoryDeadline, Event
from domain.space import places

DEFAULT_HOURS: dict[Category, int] = {
    Category.SAFETY_HAZARD: 4,
    Category.CARE_VISIT: 4,
    Category.REPAIR: 48,
    Category.NOISE: 24,
    Category.PARKING: 24,
    Category.ENVIRONMENT: 72,
    Category.COMPLAINT: 72,
    Category.ILLEGAL_CONSTRUCTION: 72,
    Category.OTHER: 72,
}
MAX_HOURS = 24 * 90


async def hours_for(community_id: int, category: Category) -> int:
    own = await CategoryDeadline.get_or_none(community_id=community_id, category=category)
    return own.hours if own else DEFAULT_HOURS[category]


async def deadline(community_id: int, category: Category, reported_at: datetime) -> datetime:
    return reported_at + timedelta(hours=await hours_for(community_id, category))


async def in_force(viewer: Viewer, community_id: int) -> dict[Category, tuple[int, bool]]:
    """Hours per category, and whether it is the community's own."""
    access.check_read_deadlines(viewer, community_id)
    return await _in_force(community_id)


async def set_hours(
    viewer: Viewer, community_id: int, category: Category, hours: int | None
) -> dict[Category, tuple[int, bool]]:
    """The community's own deadline; None goes back to the default. Returns those in force then."""
    access.check_set_deadlines(viewer, community_id)
    if hours is None:
        await CategoryDeadline.filter(community_id=community_id, category=category).delete()
    elif not 1 <= hours <= MAX_HOURS:
        raise InvalidInput(f"A deadline is 1 to {MAX_HOURS} hours", field="hours")
    else:
        await places.community(community_id)
        await CategoryDeadline.update_or_create(defaults={"hours": hours}, community_id=community_id, category=category)
    return await _in_force(community_id)


async def _in_force(community_id: int) -> dict[Category, tuple[int, bool]]:
    own = {d.category: d.hours for d in await CategoryDeadline.filter(community_id=community_id)}
    return {c: (own.get(c, DEFAULT_HOURS[c]), c in own) for c in Category}


# --- past the deadline: the alarm ------------------------------------------------------------

OVERDUE_ALARM = "EVENT_OVERDUE"


def overdue_trigger(event: Event) -> alarm_service.Trigger:
    """The alarm an event past its deadline raises (once: see ``overdue.escalate_overdue``)."""
    return alarm_service.Trigger(
        community_id=event.community_id,
        type=OVERDUE_ALARM,
        severity=Severity.MAJOR,
        # No house: the alarm is for staff, and the household may not see the event.
        grid_id=event.grid_id,
        event_id=event.id,
        details={"event_id": event.id, "category": event.category.value},
    )


async def clear_overdue_alarm(event: Event) -> None:
    """The event is done (or reopened with a fresh deadline): its overdue alarm, if any, is cleared."""
    key = overdue_trigger(event).active_key
    alarm = await Alarm.get_or_none(active_key=key)
    if alarm is not None:
        await alarm_service.clear_automatically(alarm)
