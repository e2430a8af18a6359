"""Moving an event along the workflow: what its parties do (accept, resolve, reject, escalate,
reopen, comment, rate), and the write every change makes — the row, its timeline entry and its
live message, in the caller's transaction.

Assigning is ``dispatch``; the overdue sweep is ``overdue``; reporting is ``reporting``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.common.guards import require_person
from domain.common.rows import lock
from domain.common.text import FREE_TEXT_MAX, text
from domain.events import access, deadlines, messages
from domain.events.models import FINISHED, Event, EventEntry, Status
from domain.events.service import get_event
from domain.events.workflow import Action
from domain.files import service as files
from domain.files.models import StoredFile
from domain.files.storage import Storage
from domain.notifications import service as notifications
from domain.notifications.models import Kind
from domain.people.models import Person
from realtime.outbox import record, transaction

LOW_RATING = 2  # at most this, the reporter may reopen instead of closing


async def act(
    viewer: Viewer,
    storage: Storage,
    event_id: int,
    action: Action,
    note: str,
    photos: list[str],
    *,
    note_field: str = "note",
) -> Event:
    """ACCEPT, RESOLVE, REJECT (a reason is required), ESCALATE, REOPEN: one transition each;
    COMMENT: a note or photos on the timeline, the status unchanged.
    ``note_field``: what the client called the note (a rejection's ``reason``), for errors."""
    event = await get_event(viewer, event_id)
    access.check_action(action, viewer, event)  # who and when first; again below, under the row lock
    required = 1 if action is Action.REJECT else 0
    note = text(note, field=note_field, max_length=FREE_TEXT_MAX, min_length=required, multiline=True)
    if action is Action.COMMENT and not note and not photos:
        raise InvalidInput("A comment is a note, photos, or both", field="note")
    attached = await files.uploaded(viewer, storage, photos, field="photos")
    async with transaction():
        event = await locked(event.id)
        target = access.check_action(action, viewer, event)
        if action is Action.RESOLVE and event.reporter_id == event.assignee_id:
            target = Status.CLOSED  # reported and resolved by one person: nobody else to rate it
        return await move(event, action, target, actor=await actor_of(viewer), note=note, photos=attached)


async def rate(viewer: Viewer, event_id: int, score: int, comment: str, *, reopen: bool = False) -> Event:
    """The reporter rates a resolved event 1–5: closed; with a low score they may reopen it instead."""
    event = await get_event(viewer, event_id)
    access.check_action(Action.RATE, viewer, event)
    if not 1 <= score <= 5:
        raise InvalidInput("A rating is 1 to 5", field="score")
    if reopen and score > LOW_RATING:
        raise InvalidInput(f"Reopen with a rating of {LOW_RATING} or less", field="reopen")
    comment = text(comment, field="comment", max_length=1000, min_length=0, multiline=True)
    async with transaction():
        event = await locked(event.id)
        access.check_action(Action.RATE, viewer, event)
        event.rating, event.rating_comment = score, comment
        action = Action.REOPEN if reopen else Action.RATE
        target = access.check_action(action, viewer, event)
        note = f"Rated {score}/5" + (f": {comment}" if comment else "")
        return await move(event, action, target, actor=await actor_of(viewer), note=note, photos=[], score=score)


# --- the write of one change -------------------------------------------------------------------


async def locked(event_id: int) -> Event:
    """The event, read afresh under its row lock: checks made on it hold until the commit."""
    await lock(Event, event_id)
    return await Event.get(id=event_id)


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
    """The event to ``target`` (its own status, for a comment): the times that go with it, its
    timeline entry with the photos, its live message."""
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
        await deadlines.clear_overdue_alarm(event)
    entry = await write_entry(event, action, previous, actor=actor, at=now, note=note, score=score)
    if photos:
        await files.attach(photos, event_id=event.id, entry_id=entry.id, field="photos")
    kind = messages.kind_of(action, previous, target)
    await record(messages.topic(event.community_id), kind, messages.payload(event))
    if moved and event.reporter_id is not None and (actor is None or actor.id != event.reporter_id):
        # The reporter hears of every move of their event they did not make themselves.
        status = Status(target).value
        await notifications.notify(
            person_ids=[event.reporter_id],
            kind=Kind.EVENT,
            source=f"event-{event.id}:{entry.id}",
            title=f"Your report is {status.lower().replace('_', ' ')}",
            body=f"Event {event.id} ({event.category}): {status}",
            community_id=event.community_id,
            subject={"type": "Event", "id": str(event.id)},
        )
    return event


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
    """One step on the event's timeline: who (None: the system) took it from ``previous`` to where it is."""
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


async def actor_of(viewer: Viewer) -> Person:
    return await Person.get(id=require_person(viewer))
