"""The loop: assign, accept, resolve, reject, escalate, reopen, rate — and the overdue sweep."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.functions import Avg

from auth.roles import STAFF
from auth.viewer import Viewer
from domain.alarms import service as alarm_service
from domain.common.errors import InvalidInput
from domain.common.guards import require_person
from domain.common.pagination import Page, paginate
from domain.common.text import text
from domain.events.models import (
    FINISHED,
    Event,
    EventEntry,
    Status,
)
from domain.events.service import get_event
from domain.events.timeline import (
    locked,
    move,
    overdue_trigger,
    write_assignment,
)
from domain.events.workflow import Action, check
from domain.files import service as files
from domain.files.storage import Storage
from domain.people.models import Membership, Person
from realtime.outbox import transaction

LOW_RATING = 2  # at most this, the reporter may reopen instead of closing


async def assign(viewer: Viewer, event_id: int, assignee_id: int, note: str = "") -> Event:
    """Dispatchers (re)assign to any staff member of the community."""
    event = await get_event(viewer, event_id)
    check(Action.ASSIGN, viewer, event)  # who and when first; again below, under the row lock
    staff = await Membership.filter(community_id=event.community_id, person_id=assignee_id, role__in=list(STAFF))
    if not staff:
        raise InvalidInput("Assign to a staff member of this community", field="assigneeId")
    assignee = await Person.get(id=assignee_id)
    async with transaction():
        event = await locked(event.id)
        check(Action.ASSIGN, viewer, event)
        return await write_assignment(
            event,
            assignee,
            actor=await _actor(viewer),
            note=text(note, field="note", max_length=2000, min_length=0, multiline=True),
            at=datetime.now(UTC),
        )


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
    check(action, viewer, event)  # who and when first; again below, under the row lock
    required = 1 if action is Action.REJECT else 0
    note = text(note, field=note_field, max_length=2000, min_length=required, multiline=True)
    if action is Action.COMMENT and not note and not photos:
        raise InvalidInput("A comment is a note, photos, or both", field="note")
    attached = await files.uploaded(viewer, storage, photos, field="photos")
    async with transaction():
        event = await locked(event.id)
        target = check(action, viewer, event)
        if action is Action.RESOLVE and event.reporter_id == event.assignee_id:
            target = Status.CLOSED  # reported and resolved by one person: nobody else to rate it
        return await move(event, action, target, actor=await _actor(viewer), note=note, photos=attached)


async def rate(viewer: Viewer, event_id: int, score: int, comment: str, *, reopen: bool = False) -> Event:
    """The reporter rates a resolved event 1–5: closed; with a low score they may reopen it instead."""
    event = await get_event(viewer, event_id)
    check(Action.RATE, viewer, event)
    if not 1 <= score <= 5:
        raise InvalidInput("A rating is 1 to 5", field="score")
    if reopen and score > LOW_RATING:
        raise InvalidInput(f"Reopen with a rating of {LOW_RATING} or less", field="reopen")
    comment = text(comment, field="comment", max_length=1000, min_length=0, multiline=True)
    async with transaction():
        event = await locked(event.id)
        check(Action.RATE, viewer, event)
        event.rating, event.rating_comment = score, comment
        action = Action.REOPEN if reopen else Action.RATE
        target = check(action, viewer, event)
        note = f"Rated {score}/5" + (f": {comment}" if comment else "")
        return await move(event, action, target, actor=await _actor(viewer), note=note, photos=[], score=score)


async def escalate_overdue(now: datetime | None = None) -> int:
    """The periodic job: each open event past its deadline is escalated and raises one alarm.
    Marking it overdue in the same transaction makes the next sweep skip it: exactly once."""
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


async def my_ratings(viewer: Viewer, *, first: int | None, after: str | None) -> tuple[Page[EventEntry], float | None]:
    """Staff see the ratings they were given: each credited to whoever held the event when it
    was rated (a reassignment afterwards does not move it), and their average."""
    person = require_person(viewer)
    qs = EventEntry.filter(assignee_id=person, score__isnull=False)
    figures = await qs.annotate(average=Avg("score")).values("average")
    average = figures[0]["average"] if figures else None
    return await paginate(qs, first=first, after=after), None if average is None else round(float(average), 2)


async def _actor(viewer: Viewer) -> Person:
    return await Person.get(id=require_person(viewer))
