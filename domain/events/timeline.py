"""How an event changes: the row, its timeline entry and its live message, in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.alarms import service as alarm_service
from domain.alarms.models import Alarm, Severity
from domain.common.rows import lock
from domain.events import deadlines, messages
from domain.events.models import (
    FINISHED,
    Event,
    EventEntry,
    Status,
)
from domain.events.workflow import Action
from domain.files import service as files
from domain.files.models import StoredFile
from domain.people.models import Person
from realtime.outbox import record

OVERDUE_ALARM = "EVENT_OVERDUE"


async def locked(event_id: int) -> Event:
    await lock(Event, event_id)
    return await Event.get(id=event_id)


async def write_assignment(event: Event, assignee: Person, *, actor: Person | None, note: str, at: datetime) -> Event:
    previous = event.status
    event.assignee_id, event.assignee_name, event.status = assignee.id, assignee.name, Status.ASSIGNED
    await event.save(update_fields=["assignee_id", "assignee_name", "status", "updated_at"])
    await write_entry(event, Action.ASSIGN, previous, actor=actor, at=at, note=note or f"To {assignee.name}")
    await record(messages.topic(event.community_id), messages.Kind.EVENT_ASSIGNED, messages.payload(event))
    return event


async def move(
    event: Event,
    action: Action,
    target: Status,
    *,
    actor: Person | None,
    note: str,
    photos: list[StoredFile],
    score: int | None = None,
) -> Event:
    now = datetime.now(UTC)
    previous = event.status
    event.status = target
    moved = target is not previous  # a comment leaves the event where it is
    if moved and (target is Status.RESOLVED or (target is Status.CLOSED and action is not Action.RATE)):
        event.resolved_at = now
        event.resolve_seconds = int((now - event.reported_at).total_seconds())
    if moved and target is Status.CLOSED:
        event.closed_at = now
    if moved and target is Status.REOPENED:
        # To be done again: a fresh deadline, not the one that may have passed meanwhile.
        event.resolved_at, event.resolve_seconds, event.overdue_at = None, None, None
        event.deadline_at = await deadlines.deadline(event.community_id, event.category, now)
    await event.save()
    if moved and (target in FINISHED or target is Status.REOPENED):
        await clear_overdue_alarm(event)
    entry = await write_entry(event, action, previous, actor=actor, at=now, note=note, score=score)
    if photos:
        await files.attach(photos, event_id=event.id, entry_id=entry.id, field="photos")
    kind = messages.kind_of(action, previous, target)
    await record(messages.topic(event.community_id), kind, messages.payload(event))
    return event


async def clear_overdue_alarm(event: Event) -> None:
    key = overdue_trigger(event).active_key
    alarm = await Alarm.get_or_none(active_key=key)
    if alarm is not None:
        await alarm_service.clear_automatically(alarm)


def overdue_trigger(event: Event) -> alarm_service.Trigger:
    return alarm_service.Trigger(
        community_id=event.community_id,
        type=OVERDUE_ALARM,
        severity=Severity.MAJOR,
        # No house: the alarm is for staff, and the household may not see the event.
        grid_id=event.grid_id,
        event_id=event.id,
        details={"event_id": event.id, "category": event.category.value},
    )


async def write_entry(
    event: Event,
    action: Action,
    previous: Status | None,
    *,
    actor: Person | None,
    at: datetime,
    note: str = "",
    actor_name: str | None = None,
    score: int | None = None,
) -> EventEntry:
    return await EventEntry.create(
        event_id=event.id,
        action=action.value,
        from_status=previous,
        to_status=event.status,
        actor_id=actor.id if actor else None,
        actor_name=actor_name if actor_name is not None else (actor.name if actor else "Lingli"),
        assignee_id=event.assignee_id,
        note=note,
        score=score,
        at=at,
    )
