"""Alarm queries, acknowledge and clear, and the live alarm subscriptions."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.alarms import access, messages, service
from domain.alarms.models import SEVERITY_RANK, Severity
from domain.alarms.models import Severity as SeverityValue
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.alarms import Alarm, AlarmEvent
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection


async def alarms(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    active: bool | None = True,
    min_severity: Severity | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Alarm]:
    page = await service.list_alarms(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        active=active,
        min_severity=SeverityValue(min_severity) if min_severity else None,
        first=first,
        after=after,
    )
    return connection(page, Alarm)


async def alarm_acknowledge(info: Info[Context, None], id: strawberry.ID) -> Alarm:
    return Alarm.from_row(await service.acknowledge(info.context.viewer(), parse_id(id, "id")))


async def alarm_clear(info: Info[Context, None], id: strawberry.ID) -> Alarm:
    return Alarm.from_row(await service.clear(info.context.viewer(), parse_id(id, "id")))


async def alarm_events(
    info: Info[Context, None],
    community_id: strawberry.ID,
    after: LiveCursor = None,
    min_severity: Severity | None = None,
) -> AsyncGenerator[AlarmEvent, None]:
    live = info.context.live_viewer()
    community = parse_id(community_id, "communityId")
    access.check_watch(live.viewer, community)
    floor = SEVERITY_RANK[SeverityValue(min_severity)] if min_severity else 0

    def visible(envelope: Envelope) -> bool:
        # Each message, for this subscriber as they are now: their scope, and the severity they asked for.
        payload = envelope.payload
        return access.may_receive(live.viewer, payload) and (
            floor == 0 or SEVERITY_RANK[SeverityValue(payload["severity"])] >= floor
        )

    async for envelope in stream.events(
        info.context.broadcast,
        messages.topic(community),
        after=parse_cursor(after),
        visible=visible,
        follower=live,
    ):
        yield AlarmEvent.of(envelope)


async def my_alarms(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: LiveCursor = None
) -> AsyncGenerator[AlarmEvent, None]:
    """Alarms of the houses the resident lives in. One stream per community: a resident of
    several communities names the one to watch."""
    live = info.context.live_viewer()
    chosen = access.home_to_watch(live.viewer, parse_optional_id(community_id, "communityId"))

    def mine(envelope: Envelope) -> bool:
        return access.may_receive_at_home(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(chosen), after=parse_cursor(after), visible=mine, follower=live
    ):
        yield AlarmEvent.of(envelope)


@strawberry.type
class Query:
    alarms: Connection[Alarm] = strawberry.field(
        resolver=alarms,
        description=f"Alarms you may see: active (default), cleared (false) or all (null), at least minSeverity. {PAGE_HELP}",
    )


@strawberry.type
class Mutation:
    alarm_acknowledge: Alarm = strawberry.field(resolver=alarm_acknowledge, description="Staff: I am on it")
    alarm_clear: Alarm = strawberry.field(resolver=alarm_clear, description="Staff: the cause is gone")


@strawberry.type
class Subscription:
    alarm_events: AsyncGenerator[AlarmEvent, None] = strawberry.subscription(
        resolver=alarm_events,
        description="A community's alarms, for its staff (grid staff: their grids), at least minSeverity",
    )
    my_alarms: AsyncGenerator[AlarmEvent, None] = strawberry.subscription(
        resolver=my_alarms, description="Residents: alarms of the houses you live in"
    )
