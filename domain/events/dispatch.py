"""Who works an event: the grid's staff on its report, then whoever the dispatchers assign."""

from __future__ import annotations

from datetime import UTC, datetime

from auth.roles import Role
from auth.viewer import Viewer
from domain.common.text import FREE_TEXT_MAX, text
from domain.events import access, messages
from domain.events.models import Event, Status
from domain.events.service import get_event
from domain.events.transitions import actor_of, locked, write_entry
from domain.events.workflow import Action
from domain.people.models import Membership, Person
from realtime.outbox import record, transaction


async def assign(viewer: Viewer, event_id: int, assignee_id: int, note: str = "") -> Event:
    """Dispatchers (re)assign to any staff member of the community."""
    event = await get_event(viewer, event_id)
    access.check_action(Action.ASSIGN, viewer, event)  # who and when first; again below, under the row lock
    await access.check_assignee(event.community_id, assignee_id)
    assignee = await Person.get(id=assignee_id)
    async with transaction():
        event = await locked(event.id)
        access.check_action(Action.ASSIGN, viewer, event)
        return await assign_to(
            event,
            assignee,
            actor=await actor_of(viewer),
            note=text(note, field="note", max_length=FREE_TEXT_MAX, min_length=0, multiline=True),
            at=datetime.now(UTC),
        )


async def assign_to_grid_staff(event: Event, *, at: datetime) -> None:
    """A new event goes to the housekeeper of its grid, else its grid worker; without a grid, or
    nobody there, it waits for the dispatchers. In the report's transaction."""
    if event.grid_id is None:
        return
    for role in (Role.HOUSEKEEPER, Role.GRID_WORKER):
        membership = (
            await Membership.filter(community_id=event.community_id, grid_id=event.grid_id, role=role)
            .order_by("id")
            .first()
        )
        if membership is not None:
            housekeeper = await Person.get(id=membership.person_id)
            await assign_to(event, housekeeper, actor=None, note="Assigned to the grid's staff automatically", at=at)
            return


async def assign_to(event: Event, assignee: Person, *, actor: Person | None, note: str, at: datetime) -> Event:
    """The write of an assignment (None: the system made it): row, timeline entry, live message."""
    previous = event.status
    event.assignee_id, event.assignee_name, event.status = assignee.id, assignee.name, Status.ASSIGNED
    await event.save(update_fields=["assignee_id", "assignee_name", "status", "updated_at"])
    await write_entry(event, Action.ASSIGN, previous, actor=actor, at=at, note=note or f"To {assignee.name}")
    await record(messages.topic(event.community_id), messages.Kind.EVENT_ASSIGNED, messages.payload(event))
    return event
