"""GraphQL types, inputs and enums of events (work orders): timeline, statistics, ratings, deadlines, live updates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from domain.common.text import FREE_TEXT_MAX
from domain.events import models as em
from domain.events import stats as event_stats
from domain.events.models import Category as EventCategory
from domain.events.models import Priority as EventPriority
from domain.events.models import Source as EventSource
from domain.events.models import Status as EventStatus
from realtime.envelope import Envelope
from schema.common import first_help, first_of
from schema.files import PHOTO_KEYS, Photo
from schema.limits import PAGE_ITEMS, list_size
from schema.shared_events import SHARED_BY_SCOPE
from schema.space import House, visible_house
from schema.string_inputs import SECRET, stored_in

# Arguments of resolvers.events, with their lengths (the columns they are stored in).
IntegrationKey = Annotated[str, strawberry.argument(description="The key integrationRegister gave", metadata=SECRET)]
IntegrationName = Annotated[
    str, strawberry.argument(description="Its name", metadata=stored_in(em.Integration, "name"))
]
EventDescription = Annotated[
    str | None,
    strawberry.argument(description="What is wrong; default: the alarm's", metadata=stored_in(em.Event, "description")),
]
Note = Annotated[
    str, strawberry.argument(description="What you write on the timeline", metadata=stored_in(em.EventEntry, "note"))
]
RatingComment = Annotated[
    str, strawberry.argument(description="What they say of it", metadata=stored_in(em.Event, "rating_comment"))
]

strawberry.enum(EventStatus, name="EventStatus", description="Where an event is in the loop")


strawberry.enum(EventSource, name="EventSource", description="Where an event came from")


strawberry.enum(EventPriority, name="EventPriority", description="How urgent an event is")


strawberry.enum(EventCategory, name="EventCategory", description="What kind of matter an event is")


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _opt_id(value: object) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type(description="One step of an event's life: who did what, when, with a note")
class TimelineEntry:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    action: str = strawberry.field(description="REPORT, ASSIGN, ACCEPT, RESOLVE, REJECT, REOPEN, ESCALATE, RATE")
    from_status: EventStatus | None = strawberry.field(description="Before (none for the report)")
    to_status: EventStatus = strawberry.field(description="After")
    actor_name: str = strawberry.field(description="Who ('Lingli': the system)")
    note: str = strawberry.field(description="What they wrote: a reason, a result")
    at: datetime = strawberry.field(description="When")

    @classmethod
    def from_row(cls, row: em.EventEntry) -> TimelineEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            actor_name=row.actor_name,
            note=row.note,
            at=row.at,
        )


@strawberry.type(description="An event (work order): something that needs a person to act")
class Event:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    building_id: strawberry.ID | None = strawberry.field(description="Its building, if any")
    house_id: strawberry.ID | None = strawberry.field(description="Its house, if any")
    grid_id: strawberry.ID | None = strawberry.field(description="Its grid, if any")
    latitude: float | None = strawberry.field(description="WGS84 latitude")
    longitude: float | None = strawberry.field(description="WGS84 longitude")
    category: EventCategory = strawberry.field(description="What kind of matter")
    priority: EventPriority = strawberry.field(description="How urgent")
    source: EventSource = strawberry.field(description="Where it came from")
    status: EventStatus = strawberry.field(description="Where it is in the loop")
    description: str = strawberry.field(description="What the reporter wrote")
    reporter_name: str = strawberry.field(description="Who reported it (an integration's name for hotline events)")
    contact: str = strawberry.field(description="A caller's contact, for hotline events")
    assignee_id: strawberry.ID | None = strawberry.field(description="Who is on it")
    assignee_name: str = strawberry.field(description="Their name")
    alarm_id: strawberry.ID | None = strawberry.field(description="The alarm it was made from")
    external_ref: str | None = strawberry.field(description="The integration's own reference")
    reported_at: datetime = strawberry.field(description="When it was reported")
    deadline_at: datetime = strawberry.field(description="When it should be resolved by")
    overdue: bool = strawberry.field(description="Found past its deadline (and escalated)")
    resolved_at: datetime | None = strawberry.field(description="When it was resolved")
    closed_at: datetime | None = strawberry.field(description="When the reporter rated it")
    rating: int | None = strawberry.field(description="The reporter's rating, 1-5")
    rating_comment: str | None = strawberry.field(description="And their comment")

    @classmethod
    def from_row(cls, row: em.Event) -> Event:
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            building_id=_opt_id(row.building_id),
            house_id=_opt_id(row.house_id),
            grid_id=_opt_id(row.grid_id),
            latitude=row.latitude,
            longitude=row.longitude,
            category=row.category,
            priority=row.priority,
            source=row.source,
            status=row.status,
            description=row.description,
            reporter_name=row.reporter_name,
            contact=row.contact,
            assignee_id=_opt_id(row.assignee_id),
            assignee_name=row.assignee_name,
            alarm_id=_opt_id(row.alarm_id),
            external_ref=row.external_ref,
            reported_at=row.reported_at,
            deadline_at=row.deadline_at,
            overdue=row.overdue_at is not None,
            resolved_at=row.resolved_at,
            closed_at=row.closed_at,
            rating=row.rating,
            rating_comment=row.rating_comment,
        )

    @classmethod
    def from_message(cls, p: dict[str, Any]) -> Event:
        """The event as a live message carries it (``domain.events.messages.payload``)."""
        return cls(
            id=strawberry.ID(str(p["id"])),
            community_id=strawberry.ID(str(p["community_id"])),
            building_id=_opt_id(p.get("building_id")),
            house_id=_opt_id(p.get("house_id")),
            grid_id=_opt_id(p.get("grid_id")),
            latitude=p["latitude"],
            longitude=p["longitude"],
            category=em.Category(p["category"]),
            priority=em.Priority(p["priority"]),
            source=em.Source(p["source"]),
            status=em.Status(p["status"]),
            description=p["description"],
            reporter_name=p["reporter_name"],
            contact=p["contact"],
            assignee_id=_opt_id(p.get("assignee_id")),
            assignee_name=p["assignee_name"],
            alarm_id=_opt_id(p.get("alarm_id")),
            external_ref=p["external_ref"],
            reported_at=datetime.fromisoformat(p["reported_at"]),
            deadline_at=datetime.fromisoformat(p["deadline_at"]),
            overdue=p["overdue"],
            resolved_at=_when(p["resolved_at"]),
            closed_at=_when(p["closed_at"]),
            rating=p["rating"],
            rating_comment=p["rating_comment"],
        )

    @strawberry.field(
        description="Its steps, oldest first (read when asked: on a live message it can hold later steps). "
        + first_help()
    )
    async def timeline(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[TimelineEntry]:
        rows = await info.context.loaders.entries_of_event.load(int(self.id))
        return [TimelineEntry.from_row(e) for e in first_of(rows, first)]

    @strawberry.field(description=f"Photos from the report and the steps after it. {first_help()}")
    async def photos(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Photo]:
        return [
            Photo.from_row(f) for f in first_of(await info.context.loaders.files_of_event.load(int(self.id)), first)
        ]

    @strawberry.field(description="The house concerned, if any and if you may see it", metadata=SHARED_BY_SCOPE)
    async def house(self, info: Info) -> House | None:
        return await visible_house(info, self.house_id)


@strawberry.type(description="One message of the events subscription")
class EventUpdate:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="EVENT_REPORTED, EVENT_ASSIGNED, EVENT_IN_PROGRESS, EVENT_RESOLVED…")
    event: Event = strawberry.field(description="The event as of this message")

    def share_key(self) -> str:
        return f"EventUpdate:{self.cursor}"

    @classmethod
    def of(cls, envelope: Envelope) -> EventUpdate:
        return cls(cursor=str(envelope.cursor), kind=envelope.kind, event=Event.from_message(envelope.payload))


@strawberry.type(description="A count under one key")
class Tally:
    key: str | None = strawberry.field(description="The status, category, grid id or building id (null: none)")
    count: int = strawberry.field(description="How many events")


@strawberry.type(description="Events of a community for the operations centre")
class EventStatistics:
    since: datetime | None = strawberry.field(description="The period counted begins (UTC), when bounded")
    until: datetime | None = strawberry.field(description="The period counted ends, exclusive (UTC), when bounded")
    total: int = strawberry.field(description="Events reported in the period")
    by_status: list[Tally] = strawberry.field(description="By status", metadata=list_size(len(em.Status)))
    by_category: list[Tally] = strawberry.field(description="By category", metadata=list_size(len(em.Category)))
    # One per grid or building that has events: not capped, counted as a full page in the cost.
    by_grid: list[Tally] = strawberry.field(description="By grid (key: grid id)", metadata=list_size(MAX_PAGE_SIZE))
    by_building: list[Tally] = strawberry.field(
        description="By building (key: building id)", metadata=list_size(MAX_PAGE_SIZE)
    )
    overdue: int = strawberry.field(description="Open now and past their deadline")
    average_resolve_seconds: float | None = strawberry.field(description="Report to resolution, on average")
    average_rating: float | None = strawberry.field(description="Reporters' ratings, on average")
    ratings: int = strawberry.field(description="How many were rated")

    @classmethod
    def of(cls, s: event_stats.EventStats) -> EventStatistics:
        def tallies(counts: dict[Any, int]) -> list[Tally]:
            return [
                Tally(key=None if k is None else str(k), count=v)
                for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))
            ]

        return cls(
            since=s.since,
            until=s.until,
            total=s.total,
            by_status=tallies(s.by_status),
            by_category=tallies(s.by_category),
            by_grid=tallies(s.by_grid),
            by_building=tallies(s.by_building),
            overdue=s.overdue,
            average_resolve_seconds=s.average_resolve_seconds,
            average_rating=s.average_rating,
            ratings=s.ratings,
        )


@strawberry.type(description="A rating a reporter gave, credited to whoever held the event then")
class Rating:
    event_id: strawberry.ID = strawberry.field(description="The event")
    score: int = strawberry.field(description="1-5")
    note: str = strawberry.field(description="As on the timeline, with the reporter's comment")
    at: datetime = strawberry.field(description="When")

    @classmethod
    def from_row(cls, row: em.EventEntry) -> Rating:
        return cls(event_id=strawberry.ID(str(row.event_id)), score=row.score or 0, note=row.note, at=row.at)


@strawberry.type(description="The ratings of the events you handled")
class MyRatings:
    average: float | None = strawberry.field(description="Your average rating")
    ratings: list[Rating] = strawberry.field(description="Ratings, oldest first (this page)", metadata=PAGE_ITEMS)
    total_count: int = strawberry.field(description="How many ratings in all")


@strawberry.type(description="An integration's key. Shown only here, once")
class IntegrationRegistration:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Its name")
    key: str = strawberry.field(description="Its secret key (ik_…), for eventIntake")


@strawberry.type(description="A category's deadline in a community")
class CategoryDeadline:
    category: EventCategory = strawberry.field(description="Which category")
    hours: int = strawberry.field(description="Hours from report to resolution")
    overridden: bool = strawberry.field(description="The community's own, not the default")

    @classmethod
    def all_of(cls, in_force: dict[em.Category, tuple[int, bool]]) -> list[CategoryDeadline]:
        """From ``domain.events.deadlines.in_force``: hours and whether overridden, per category."""
        return [cls(category=c, hours=h, overridden=o) for c, (h, o) in in_force.items()]


@strawberry.input(description="A new event. Leave the house out for the community's common parts")
class EventReportInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    category: EventCategory = strawberry.field(description="What kind of matter")
    description: str = strawberry.field(
        description=f"What is wrong, where exactly (up to {FREE_TEXT_MAX} characters)",
        metadata=stored_in(em.Event, "description"),
    )
    priority: EventPriority = strawberry.field(default=EventPriority.NORMAL, description="How urgent")
    source: EventSource | None = strawberry.field(
        default=None, description="Residents: RESIDENT_APP or WECHAT; grid staff: GRID_WORKER; default: yours"
    )
    house_id: strawberry.ID | None = strawberry.field(default=None, description="The house (residents: their own)")
    building_id: strawberry.ID | None = strawberry.field(default=None, description="The building")
    latitude: float | None = strawberry.field(default=None, description="WGS84 latitude")
    longitude: float | None = strawberry.field(default=None, description="WGS84 longitude")
    photos: list[str] = strawberry.field(
        default_factory=list, description="Keys of files you uploaded", metadata=PHOTO_KEYS
    )


@strawberry.input(description="An event from an outside system (the 12345 hotline)")
class EventIntakeInput:
    community_id: strawberry.ID = strawberry.field(description="Which community (the integration's)")
    reference: str = strawberry.field(
        description="Your own reference: the same one again finds the same event",
        metadata=stored_in(em.Event, "external_ref"),
    )
    category: EventCategory = strawberry.field(description="What kind of matter")
    description: str = strawberry.field(description="What the caller said", metadata=stored_in(em.Event, "description"))
    priority: EventPriority = strawberry.field(default=EventPriority.NORMAL, description="How urgent")
    contact: str = strawberry.field(
        default="", description="The caller's name and phone", metadata=stored_in(em.Event, "contact")
    )
    house_id: strawberry.ID | None = strawberry.field(default=None, description="The house, if known")
    building_id: strawberry.ID | None = strawberry.field(default=None, description="The building, if known")
    latitude: float | None = strawberry.field(default=None, description="WGS84 latitude")
    longitude: float | None = strawberry.field(default=None, description="WGS84 longitude")
