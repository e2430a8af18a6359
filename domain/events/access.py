"""Every "may" of events, in one place: who may read them, report them, act on them, watch them,
and which live messages reach whom.

Who someone is to one event (``parties``) decides both what they may do to it (with the
workflow's table, ``workflow.TRANSITIONS``) and whether they see it. Beyond its parties, an event
is seen by the staff of its grid. Dispatchers are the community's staff (``COMMUNITY_STAFF``); an
assignee is a party only while they are staff (``STAFF``) there: whose role is revoked no longer
works, or sees, their assignments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.keys import key_hash
from auth.roles import COMMUNITY_STAFF, GRID_STAFF, OPERATORS, STAFF
from auth.viewer import Viewer
from domain.alarms.models import Alarm
from domain.common.errors import Forbidden, InvalidInput, Unauthenticated
from domain.common.guards import require_person, require_role
from domain.events.models import Event, EventEntry, Integration, Source, Status
from domain.events.workflow import TRANSITIONS, Action, Party, target
from domain.files.models import StoredFile
from domain.people.models import Membership

# Sources by who reports: a resident through an app, staff through theirs, the centre for calls.
RESIDENT_SOURCES = (Source.RESIDENT_APP, Source.WECHAT)
GRID_SOURCES = (Source.GRID_WORKER,)
CENTRE_SOURCES = (Source.OPERATIONS_CENTER, Source.HOTLINE_12345)


# --- who someone is to an event ----------------------------------------------------------------


def parties(viewer: Viewer | None, event: Event) -> set[Party]:
    """What the viewer is to this event; None is the system itself (the overdue sweep)."""
    if viewer is None:
        return {Party.SYSTEM}
    return set(
        _parties(viewer, community_id=event.community_id, reporter_id=event.reporter_id, assignee_id=event.assignee_id)
    )


def _parties(viewer: Viewer, *, community_id: Any, reporter_id: Any, assignee_id: Any) -> Iterator[Party]:
    # One at a time, so that "any party at all?" (``may_see``, per live message) stops at the first.
    if viewer.has_role(community_id, COMMUNITY_STAFF):
        yield Party.DISPATCHER
    if viewer.person_id is not None and viewer.person_id == reporter_id:
        yield Party.REPORTER
    if viewer.person_id is not None and viewer.person_id == assignee_id and viewer.has_role(community_id, STAFF):
        yield Party.ASSIGNEE


# --- reading -----------------------------------------------------------------------------------


def readable_events(viewer: Viewer) -> QuerySet[Event]:
    """Its parties (dispatchers, the reporter, the assignee while staff) and its grid's staff:
    ``may_see`` as a query."""
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
    """Whether a live message about this event (its payload, ``messages.payload``) reaches this
    subscriber: ``readable_events``' rule, for one event already in hand."""
    return (
        viewer.is_platform_admin
        or event.get("grid_id") in viewer.grid_ids
        or any(
            _parties(
                viewer,
                community_id=event.get("community_id"),
                reporter_id=event.get("reporter_id"),
                assignee_id=event.get("assignee_id"),
            )
        )
    )


def readable_entries(viewer: Viewer) -> QuerySet[EventEntry]:
    """The timelines of the events this viewer may read."""
    return EventEntry.filter(event_id__in=Subquery(_events_with_details(viewer).values("id")))


def readable_photos(viewer: Viewer) -> QuerySet[StoredFile]:
    """The photos on the events this viewer may read (and so the download URLs signed for them)."""
    return StoredFile.filter(event_id__in=Subquery(_events_with_details(viewer).values("id")))


def _events_with_details(viewer: Viewer) -> QuerySet[Event]:
    """Whose timeline and photos the viewer may read: the events they may read. With no one
    logged in the caller is an integration, shown the event it submitted (``eventIntake``):
    events submitted by integrations, the only ones such a caller is ever handed."""
    if viewer.person_id is None:
        return Event.filter(integration_id__isnull=False)
    return readable_events(viewer)


def readable_ratings(viewer: Viewer) -> QuerySet[EventEntry]:
    """Staff read the ratings credited to them, nobody else's."""
    return EventEntry.filter(assignee_id=require_person(viewer), score__isnull=False)


def community_to_watch(viewer: Viewer, community_id: int | None) -> int:
    """Whose events' live feed this viewer may watch: a community they belong to (the only one,
    when they name none). Each message is then authorized by ``may_see``."""
    require_person(viewer)
    if community_id is None:
        communities = sorted(viewer.member_community_ids)
        if len(communities) != 1:
            raise InvalidInput("Name the community to watch (communityId)", field="communityId")
        community_id = communities[0]
    if not (viewer.is_platform_admin or community_id in viewer.member_community_ids):
        raise Forbidden("Watching events is for the community's people", field="communityId")
    return community_id


# --- reporting ---------------------------------------------------------------------------------


def report_source(viewer: Viewer, community_id: int, asked: Source | None) -> Source:
    """Who may report here, and through which sources: the community's staff through any, grid
    staff as grid workers, residents through their apps (the first one listed by default)."""
    if viewer.has_role(community_id, COMMUNITY_STAFF):
        allowed: tuple[Source, ...] = CENTRE_SOURCES + GRID_SOURCES + RESIDENT_SOURCES
    elif viewer.has_role(community_id, GRID_STAFF):
        allowed = GRID_SOURCES
    elif community_id in viewer.resident_community_ids:
        allowed = RESIDENT_SOURCES
    else:
        raise Forbidden("Reporting is for the community's residents and staff", field="communityId")
    if asked is None:
        return allowed[0]
    if asked not in allowed:
        raise InvalidInput(f"You report through: {', '.join(s.value for s in allowed)}", field="source")
    return asked


def check_report_place(viewer: Viewer, community_id: int, house_id: int | None) -> None:
    """Residents report about their own house or the community's common parts; staff anywhere in it."""
    staff = viewer.has_role(community_id, STAFF)
    if house_id is not None and not staff and house_id not in viewer.house_ids:
        raise Forbidden("Residents report about their own house, or leave the house out", field="houseId")


async def calling_integration(integration_key: str) -> Integration:
    """The outside system this key belongs to, unless it was revoked."""
    integration = await Integration.get_or_none(key_hash=key_hash(integration_key), revoked_at=None)
    if integration is None:
        raise Unauthenticated("Unknown or revoked integration key", field="integrationKey")
    return integration


def check_integration_reports_to(integration: Integration, community_id: int) -> None:
    """An integration reports to its own community only."""
    if community_id != integration.community_id:
        raise Forbidden("This integration reports to another community", field="communityId")


def check_event_from_alarm(viewer: Viewer, alarm: Alarm) -> None:
    """The staff responsible for an alarm (the community's, or its grid's) may make it an event."""
    if not (viewer.has_role(alarm.community_id, COMMUNITY_STAFF) or alarm.grid_id in viewer.grid_ids):
        raise Forbidden("Turning an alarm into an event is for the staff responsible for it", field="alarmId")


# --- acting ------------------------------------------------------------------------------------


def check_action(action: Action, viewer: Viewer | None, event: Event) -> Status:
    """May the viewer take this action on this event now? The state it leads to, or why not:
    FORBIDDEN (field ``id``) for the wrong person, CONFLICT (field ``status``) for the wrong state
    (``workflow.target``). Who is asked first: a stranger learns nothing about the event's state."""
    if action is Action.RATE and event.reporter_id is not None and event.reporter_id == event.assignee_id:
        raise Forbidden("Nobody rates their own work: this event was reported and handled by you", field="id")
    allowed = TRANSITIONS[action].parties
    if not parties(viewer, event) & allowed:
        who = " or ".join(sorted(p.value.lower() for p in allowed if p is not Party.SYSTEM))
        raise Forbidden(f"Only the event's {who} may {action.value.lower()} it", field="id")
    return target(action, event)


async def check_assignee(community_id: int, person_id: int) -> None:
    """An event is assigned to a staff member of its community (any of ``STAFF``)."""
    if not await Membership.exists(community_id=community_id, person_id=person_id, role__in=list(STAFF)):
        raise InvalidInput("Assign to a staff member of this community", field="assigneeId")


# --- the community's desk: figures, deadlines, integrations --------------------------------------
# Dispatchers read the figures and set the deadlines; operators register integrations.


def check_read_statistics(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, COMMUNITY_STAFF, "Event statistics")


def check_read_deadlines(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, COMMUNITY_STAFF, "Reading event deadlines")


def check_set_deadlines(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, COMMUNITY_STAFF, "Setting event deadlines")


def check_register_integration(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, OPERATORS, "Registering an integration")
