"""Events: report, dispatch, the loop, rating, intake, statistics, uploads, and the live feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from auth.viewer import ANONYMOUS
from domain.events import access, deadlines, dispatch, messages, reporting, stats, transitions
from domain.events import service as events
from domain.events.models import Category, Priority, Status
from domain.events.workflow import Action
from domain.space.calendar import Period
from domain.space.places import Place
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.events import (
    CategoryDeadline,
    Event,
    EventDescription,
    EventIntakeInput,
    EventReportInput,
    EventStatistics,
    EventUpdate,
    IntegrationKey,
    IntegrationName,
    IntegrationRegistration,
    MyRatings,
    Note,
    Rating,
    RatingComment,
)
from schema.files import PhotoKeys
from schema.limits import list_size


async def event(info: Info[Context, None], id: strawberry.ID) -> Event | None:
    return Event.from_row(await events.get_event(info.context.viewer(), parse_id(id, "id")))


async def events_list(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    grid_id: strawberry.ID | None = None,
    building_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    status: Status | None = None,
    category: Category | None = None,
    mine: bool = False,
    overdue: bool | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Event]:
    page = await events.list_events(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        grid_id=parse_optional_id(grid_id, "gridId"),
        building_id=parse_optional_id(building_id, "buildingId"),
        house_id=parse_optional_id(house_id, "houseId"),
        status=status,
        category=category,
        mine=mine,
        overdue=overdue,
        first=first,
        after=after,
    )
    return connection(page, Event)


async def event_report(info: Info[Context, None], input: EventReportInput) -> Event:
    new = reporting.NewEvent(
        category=input.category,
        description=input.description,
        priority=input.priority,
        source=input.source,
        photos=list(input.photos),
    )
    place = Place(
        community_id=parse_id(input.community_id, "communityId"),
        building_id=parse_optional_id(input.building_id, "buildingId"),
        house_id=parse_optional_id(input.house_id, "houseId"),
        latitude=input.latitude,
        longitude=input.longitude,
    )
    return Event.from_row(await reporting.report(info.context.viewer(), info.context.storage, new, place))


async def event_intake(info: Info[Context, None], integration_key: IntegrationKey, input: EventIntakeInput) -> Event:
    new = reporting.NewEvent(category=input.category, description=input.description, priority=Priority(input.priority))
    place = Place(
        community_id=parse_id(input.community_id, "communityId"),
        building_id=parse_optional_id(input.building_id, "buildingId"),
        house_id=parse_optional_id(input.house_id, "houseId"),
        latitude=input.latitude,
        longitude=input.longitude,
    )
    event = await reporting.intake(integration_key, input.reference, new, place, input.contact)
    # The key, not whatever token the request also carries, is who asks: the answer's nested
    # fields (timeline, photos) are read as an integration's.
    info.context.become(ANONYMOUS)
    return Event.from_row(event)


async def event_from_alarm(
    info: Info[Context, None],
    alarm_id: strawberry.ID,
    category: Category | None = None,
    description: EventDescription = None,
    priority: Priority | None = None,
) -> Event:
    row = await reporting.from_alarm(
        info.context.viewer(),
        parse_id(alarm_id, "alarmId"),
        category=category,
        description=description,
        priority=priority,
    )
    return Event.from_row(row)


async def event_assign(
    info: Info[Context, None], id: strawberry.ID, assignee_id: strawberry.ID, note: Note = ""
) -> Event:
    row = await dispatch.assign(info.context.viewer(), parse_id(id, "id"), parse_id(assignee_id, "assigneeId"), note)
    return Event.from_row(row)


async def _act(
    info: Info[Context, None],
    id: strawberry.ID,
    action: Action,
    note: str,
    photos: list[str],
    note_field: str = "note",
) -> Event:
    row = await transitions.act(
        info.context.viewer(), info.context.storage, parse_id(id, "id"), action, note, photos, note_field=note_field
    )
    return Event.from_row(row)


async def event_accept(info: Info[Context, None], id: strawberry.ID, note: Note = "") -> Event:
    return await _act(info, id, Action.ACCEPT, note, [])


async def event_resolve(
    info: Info[Context, None], id: strawberry.ID, note: Note = "", photos: PhotoKeys = None
) -> Event:
    return await _act(info, id, Action.RESOLVE, note, photos or [])


async def event_reject(info: Info[Context, None], id: strawberry.ID, reason: Note) -> Event:
    return await _act(info, id, Action.REJECT, reason, [], note_field="reason")


async def event_escalate(info: Info[Context, None], id: strawberry.ID, note: Note = "") -> Event:
    return await _act(info, id, Action.ESCALATE, note, [])


async def event_reopen(
    info: Info[Context, None], id: strawberry.ID, note: Note = "", photos: PhotoKeys = None
) -> Event:
    return await _act(info, id, Action.REOPEN, note, photos or [])


async def event_comment(
    info: Info[Context, None], id: strawberry.ID, note: Note = "", photos: PhotoKeys = None
) -> Event:
    return await _act(info, id, Action.COMMENT, note, photos or [])


async def event_rate(
    info: Info[Context, None], id: strawberry.ID, score: int, comment: RatingComment = "", reopen: bool = False
) -> Event:
    row = await transitions.rate(info.context.viewer(), parse_id(id, "id"), score, comment, reopen=reopen)
    return Event.from_row(row)


async def event_statistics(
    info: Info[Context, None],
    community_id: strawberry.ID,
    since: datetime | None = None,
    until: datetime | None = None,
    period: Annotated[
        Period | None,
        strawberry.argument(description="A span of the community's calendar, in its time zone (not with since/until)"),
    ] = None,
) -> EventStatistics:
    figures = await stats.event_stats(
        info.context.viewer(),
        parse_id(community_id, "communityId"),
        since=since,
        until=until,
        period=period,
    )
    return EventStatistics.of(figures)


async def my_ratings(info: Info[Context, None], first: int | None = 20, after: PageCursor = None) -> MyRatings:
    page, average = await events.my_ratings(info.context.viewer(), first=first, after=after)
    return MyRatings(average=average, ratings=[Rating.from_row(e) for e in page.items], total_count=page.total_count)


async def event_deadlines(info: Info[Context, None], community_id: strawberry.ID) -> list[CategoryDeadline]:
    found = await deadlines.in_force(info.context.viewer(), parse_id(community_id, "communityId"))
    return CategoryDeadline.all_of(found)


async def event_deadline_set(
    info: Info[Context, None], community_id: strawberry.ID, category: Category, hours: int | None = None
) -> list[CategoryDeadline]:
    found = await deadlines.set_hours(info.context.viewer(), parse_id(community_id, "communityId"), category, hours)
    return CategoryDeadline.all_of(found)


async def integration_register(
    info: Info[Context, None], community_id: strawberry.ID, name: IntegrationName
) -> IntegrationRegistration:
    integration, key = await reporting.register_integration(
        info.context.viewer(), parse_id(community_id, "communityId"), name
    )
    return IntegrationRegistration(id=strawberry.ID(str(integration.id)), name=integration.name, key=key)


async def event_updates(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: LiveCursor = None
) -> AsyncGenerator[EventUpdate, None]:
    """Reporters: their own events; assignees: their assignments; dispatchers: the community's."""
    live = info.context.live_viewer()
    chosen = access.community_to_watch(live.viewer, parse_optional_id(community_id, "communityId"))

    def visible(envelope: Envelope) -> bool:
        return access.may_see(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(chosen), after=parse_cursor(after), visible=visible, follower=live
    ):
        yield EventUpdate.of(envelope)


@strawberry.type
class Query:
    event: Event | None = strawberry.field(
        resolver=event,
        description="One event you may see: null, with a NOT_FOUND error, when there is none you may see (the rest of the answer stands)",
    )
    events: Connection[Event] = strawberry.field(
        resolver=events_list,
        description="Events you may see: dispatchers their community's, grid staff their grids' and assignments, "
        "residents the ones they reported; filter by community, grid, building, house, status, category, "
        f"overdue. `mine`: reported by or assigned to you. {PAGE_HELP}",
    )
    event_statistics: EventStatistics = strawberry.field(
        resolver=event_statistics,
        description="Dispatchers: counts by status, category, grid, building; overdue; averages (reported in [since, until))",
    )
    event_deadlines: list[CategoryDeadline] = strawberry.field(
        resolver=event_deadlines,
        description="Dispatchers: hours allowed per category",
        metadata=list_size(len(Category)),
    )
    my_ratings: MyRatings = strawberry.field(
        resolver=my_ratings, description="Staff: how reporters rated the events you handled"
    )


@strawberry.type
class Mutation:
    event_report: Event = strawberry.field(
        resolver=event_report,
        description="Residents and staff: report something that needs doing; assigned to the grid's staff at once",
    )
    event_intake: Event = strawberry.field(
        resolver=event_intake,
        description="Integrations (no login; their key): submit an event; the same reference twice is one event",
    )
    event_from_alarm: Event = strawberry.field(
        resolver=event_from_alarm, description="Staff: make an event of an alarm, linked to it"
    )
    event_assign: Event = strawberry.field(
        resolver=event_assign, description="Dispatchers: assign or reassign to a staff member"
    )
    event_accept: Event = strawberry.field(resolver=event_accept, description="The assignee: I am on it (IN_PROGRESS)")
    event_resolve: Event = strawberry.field(
        resolver=event_resolve, description="The assignee: done, with a note and photos"
    )
    event_reject: Event = strawberry.field(
        resolver=event_reject, description="The assignee or dispatchers: not ours to do, with a reason"
    )
    event_escalate: Event = strawberry.field(
        resolver=event_escalate, description="The assignee or dispatchers: needs the centre"
    )
    event_reopen: Event = strawberry.field(
        resolver=event_reopen, description="The reporter: a resolved event is not done"
    )
    event_comment: Event = strawberry.field(
        resolver=event_comment,
        description="The reporter, the assignee or dispatchers: a note or photos on the timeline, the status unchanged",
    )
    event_rate: Event = strawberry.field(
        resolver=event_rate,
        description="The reporter: rate a resolved event 1-5 (closes it); a rating of 2 or less may reopen it",
    )
    event_deadline_set: list[CategoryDeadline] = strawberry.field(
        resolver=event_deadline_set,
        description="Dispatchers: the community's own deadline for a category (hours null: the default)",
        metadata=list_size(len(Category)),
    )
    integration_register: IntegrationRegistration = strawberry.field(
        resolver=integration_register,
        description="Operators: a key for an outside system (the 12345 hotline) to submit events",
    )


@strawberry.type
class Subscription:
    event_updates: AsyncGenerator[EventUpdate, None] = strawberry.subscription(
        resolver=event_updates,
        description="Events changing: reporters their own, assignees their assignments, dispatchers the community's",
    )
