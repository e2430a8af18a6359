"""The live messages of events: their topic, their kinds, and the event as each one carries it.

Pure: built from rows already in hand, no queries. Every change of an event records one of
these in the outbox, in the change's transaction (see ``transitions`` and ``dispatch``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.events.models import Event, Status
from domain.events.workflow import Action


def topic(community_id: int) -> str:
    """One topic per community: every change of its events, for whoever may see each."""
    return f"events:{community_id}"


class Kind(StrEnum):
    """What happened: the status an event reached, or a comment that left it where it was."""

    EVENT_REPORTED = "EVENT_REPORTED"
    EVENT_ASSIGNED = "EVENT_ASSIGNED"
    EVENT_IN_PROGRESS = "EVENT_IN_PROGRESS"
    EVENT_RESOLVED = "EVENT_RESOLVED"
    EVENT_CLOSED = "EVENT_CLOSED"
    EVENT_REJECTED = "EVENT_REJECTED"
    EVENT_REOPENED = "EVENT_REOPENED"
    EVENT_ESCALATED = "EVENT_ESCALATED"
    EVENT_COMMENTED = "EVENT_COMMENTED"


# The message of an event arriving in each status.
ARRIVED: dict[Status, Kind] = {
    Status.REPORTED: Kind.EVENT_REPORTED,
    Status.ASSIGNED: Kind.EVENT_ASSIGNED,
    Status.IN_PROGRESS: Kind.EVENT_IN_PROGRESS,
    Status.RESOLVED: Kind.EVENT_RESOLVED,
    Status.CLOSED: Kind.EVENT_CLOSED,
    Status.REJECTED: Kind.EVENT_REJECTED,
    Status.REOPENED: Kind.EVENT_REOPENED,
    Status.ESCALATED: Kind.EVENT_ESCALATED,
}


def kind_of(action: Action, previous: Status, target: Status) -> Kind:
    """A transition announces the status it reached; a comment, which moves nothing, itself."""
    if target is not previous:
        return ARRIVED[target]
    if action is Action.COMMENT:
        return Kind.EVENT_COMMENTED
    raise ValueError(f"{action.value} left the event {previous.value}: only a comment does that")


def payload(event: Event) -> dict[str, Any]:
    """An event as every live message carries it: JSON, so times are ISO 8601 strings."""
    return {
        "id": event.id,
        "community_id": event.community_id,
        "building_id": event.building_id,
        "house_id": event.house_id,
        "grid_id": event.grid_id,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "category": event.category.value,
        "priority": event.priority.value,
        "source": event.source.value,
        "status": event.status.value,
        "description": event.description,
        "reporter_id": event.reporter_id,
        "reporter_name": event.reporter_name,
        "contact": event.contact,
        "assignee_id": event.assignee_id,
        "assignee_name": event.assignee_name,
        "alarm_id": event.alarm_id,
        "external_ref": event.external_ref,
        "reported_at": event.reported_at.isoformat(),
        "deadline_at": event.deadline_at.isoformat(),
        "overdue": event.overdue_at is not None,
        "resolved_at": event.resolved_at.isoformat() if event.resolved_at else None,
        "closed_at": event.closed_at.isoformat() if event.closed_at else None,
        "rating": event.rating,
        "rating_comment": event.rating_comment,
    }
