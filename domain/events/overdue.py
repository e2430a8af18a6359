"""The periodic sweep: each open event past its deadline is escalated and raises one alarm."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.alarms import service as alarm_service
from domain.events.deadlines import overdue_trigger
from domain.events.models import FINISHED, Event, Status
from domain.events.transitions import locked, move
from domain.events.workflow import Action
from realtime.outbox import transaction


async def escalate_overdue(now: datetime | None = None) -> int:
    """Marking an event overdue in the same transaction makes the next sweep skip it: exactly once.
    Returns how many were found late."""
    now = now or datetime.now(UTC)
    late = await Event.filter(deadline_at__lt=now, overdue_at__isnull=True, status__not_in=list(FINISHED)).only("id")
    escalated = 0
    for found in late:
        async with transaction():
            event = await locked(found.id)
            if event.overdue_at is not None or event.status in FINISHED:
                continue  # resolved, or found by another sweep, meanwhile
            event.overdue_at = now
            await event.save(update_fields=["overdue_at"])
            if event.status is not Status.ESCALATED:
                await move(event, Action.ESCALATE, Status.ESCALATED, actor=None, note="Past its deadline", photos=[])
            await alarm_service.trigger(overdue_trigger(event), at=now)
            escalated += 1
    return escalated
