"""Events: report, dispatch, the loop, rating, intake, statistics, uploads, and the live feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from domain.errors import InvalidInput
from domain.events import access, deadlines, loop, stats
from domain.events import service as events
from domain.events.models import Category, Priority, Source, Status
from domain.events.workflow import Action
from domain.files import service as files
from domain.files.models import FileKind as FileKindValue
from realtime import stream, topics
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema import inputs
from schema.enums import EventCategory, EventPriority, EventStatus, FileKind
from schema.event_types import (
    CategoryDeadline,
    Event,
    EventStatistics,
    EventUpdate,
    IntegrationRegistration,
    MyRatings,
    Rating,
    UploadSlot,
)
from schema.types import Connection, connection


async def event(info: Info[Context, None], id: strawberry.ID) -> Event:
    return Event.from_row(await events.get_event(info.context.viewer(), parse_id(id, "id")))


async def events_list(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    grid_id: strawberry.ID | None = None,
    building_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    status: EventStatus | None = None,
    category: EventCategory | None = None,
    mine: bool = False,
    overdue: bool | None = None,
    first: int | None = 20,
    after: str | None = None,
) -> Connection[Event]:
    page = await events.list_events(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        grid_id=parse_optional_id(grid_id, "gridId"),
        building_id=parse_optional_id(building_id, "buildingId"),
        house_id=parse_optional_id(house_id, "houseId"),
        status=Status(status) if status else None,
        category=Category(category) if category else None,
        mine=mine,
        overdue=overdue,
        first=first,
        after=after,
    )
    return connection(page, Event)


async def event_report(info: Info[Context, None], input: inputs.EventReportInput) -> Event:
    new = events.NewEvent(
        category=Category(input.category),
        description=input.description,
        priority=Priority(input.priority),
        source=Source(input.source) if input.source else None,
        photos=list(input.photos),
    )
    place = events.Place(
        community_id=parse_id(input.community_id, "communityId"),
        building_id=parse_optional_id(input.building_id, "buildingId"),
        house_id=parse_optional_id(input.house_id, "houseId"),
        latitude=input.latitude,
        longitude=input.longitude,
    )
    return Event.from_row(await events.report(info.context.viewer(), info.context.storage, new, place))


async def event_intake(info: Info[Context, None], integration_key: str, input: inputs.EventIntakeInput) -> Event:
    new = events.NewEvent(
        category=Category(input.category), description=input.description, priority=Priority(input.priority)
    )
    place = events.Place(
        community_id=parse_id(input.community_id, "communityId"),
        building_id=parse_optional_id(input.building_id, "buildingId"),
        house_id=parse_optional_id(input.house_id, "houseId"),
        latitude=input.latitude,
        longitude=input.longitude,
    )
    return Event.from_row(await events.intake(integration_key, input.reference, new, place, input.contact))


async def event_from_alarm(
    info: Info[Context, None],
    alarm_id: strawberry.ID,
    category: EventCategory | None = None,
    description: str | None = None,
    priority: EventPriority | None = None,
) -> Event:
    row = await events.from_alarm(
        info.context.viewer(),
        parse_id(alarm_id, "alarmId"),
        category=Category(category) if category else None,
        description=description,
        priority=Priority(priority) if priority else None,
    )
    return Event.from_row(row)


async def event_assign(
    info: Info[Context, None], id: strawberry.ID, assignee_id: strawberry.ID, note: str = ""
) -> Event:
    row = await loop.assign(info.context.viewer(), parse_id(id, "id"), parse_id(assignee_id, "assigneeId"), note)
    return Event.from_row(row)


async def _act(
    info: Info[Context, None],
    id: strawberry.ID,
    action: Action,
    note: str,
    photos: list[str],
    note_field: str = "note",
) -> Event:
    row = await loop.act(
        info.context.viewer(), info.context.storage, parse_id(id, "id"), action, note, photos, note_field=note_field
    )
    return Event.from_row(row)


async def event_accept(info: Info[Context, None], id: strawberry.ID, note: str = "") -> Event:
    return await _act(info, id, Action.ACCEPT, note, [])


async def event_resolve(
    info: Info[Context, None], id: strawberry.ID, note: str = "", photos: list[str] | None = None
) -> Event:
    return await _act(info, id, Action.RESOLVE, note, photos or [])


async def event_reject(info: Info[Context, None], id: strawberry.ID, reason: str) -> Event:
    return await _act(info, id, Action.REJECT, reason, [], note_field="reason")


async def event_escalate(info: Info[Context, None], id: strawberry.ID, note: str = "") -> Event:
    return await _act(info, id, Action.ESCALATE, note, [])


async def event_reopen(
    info: Info[Context, None], id: strawberry.ID, note: str = "", photos: list[str] | None = None
) -> Event:
    return await _act(info, id, Action.REOPEN, note, photos or [])


async def event_comment(
    info: Info[Context, None], id: strawberry.ID, note: str = "", photos: list[str] | None = None
) -> Event:
    return await _act(info, id, Action.COMMENT, note, photos or [])


async def event_rate(
    info: Info[Context, None], id: strawberry.ID, score: int, comment: str = "", reopen: bool = False
) -> Event:
    row = await loop.rate(info.context.viewer(), parse_id(id, "id"), score, comment, reopen=reopen)
    return Event.from_row(row)


async def event_statistics(
    info: Info[Context, None],
    community_id: strawberry.ID,
    since: datetime | None = None,
    until: datetime | None = None,
) -> EventStatistics:
    figures = await stats.event_stats(
        info.context.viewer(), parse_id(community_id, "communityId"), since=since, until=until
    )
    return EventStatistics.of(figures)


async def my_ratings(info: Info[Context, None], first: int | None = 20, after: str | None = None) -> MyRatings:
    page, average = await loop.my_ratings(info.context.viewer(), first=first, after=after)
    return MyRatings(average=average, ratings=[Rating.from_row(e) for e in page.items], total_count=page.total_count)


async def event_deadlines(info: Info[Context, None], community_id: strawberry.ID) -> list[CategoryDeadline]:
    found = await deadlines.in_force(info.context.viewer(), parse_id(community_id, "communityId"))
    return [CategoryDeadline(category=c, hours=h, overridden=o) for c, (h, o) in found.items()]


async def event_deadline_set(
    info: Info[Context, None], community_id: strawberry.ID, category: EventCategory, hours: int | None
) -> list[CategoryDeadline]:
    await deadlines.set_hours(info.context.viewer(), parse_id(community_id, "communityId"), Category(category), hours)
    return await event_deadlines(info, community_id)


async def integration_register(
    info: Info[Context, None], community_id: strawberry.ID, name: str
) -> IntegrationRegistration:
    integration, key = await events.register_integration(
        info.context.viewer(), parse_id(community_id, "communityId"), name
    )
    return IntegrationRegistration(id=strawberry.ID(str(integration.id)), name=integration.name, key=key)


async def request_upload(info: Info[Context, None], kind: FileKind, content_type: str, size: int) -> UploadSlot:
    stored, slot = await files.request_upload(
        info.context.viewer(), info.context.storage, kind=FileKindValue(kind), content_type=content_type, size=size
    )
    return UploadSlot(
        key=stored.key,
        url=slot.url,
        method=slot.method,
        headers=slot.headers,  # type: ignore[arg-type]  # JSON is a NewType over object
        expires_at=slot.expires_at,
    )


async def event_updates(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: str | None = None
) -> AsyncGenerator[EventUpdate, None]:
    """Reporters: their own events; assignees: their assignments; dispatchers: the community's."""
    live = info.context.live_viewer()
    viewer = live.viewer
    viewer.require_person()
    chosen = parse_optional_id(community_id, "communityId")
    communities = sorted(viewer.member_community_ids)
    if chosen is None and len(communities) == 1:
        chosen = communities[0]
    if chosen is None:
        raise InvalidInput("Name the community to watch (communityId)", field="communityId")
    await events.check_subscription(viewer, chosen)

    def visible(envelope: Envelope) -> bool:
        return access.may_see(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, topics.events(chosen), after=parse_cursor(after), visible=visible, refresh=live.refresh
    ):
        yield EventUpdate(cursor=str(envelope.cursor), kind=envelope.kind, event=Event.from_payload(envelope.payload))
