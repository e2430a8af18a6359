"""Alarm queries, acknowledge and clear, and the live alarm subscriptions."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.alarms import service, thresholds
from domain.alarms.access import may_see
from domain.alarms.models import SEVERITY_RANK
from domain.alarms.models import Severity as SeverityValue
from domain.devices.models import DeviceType as DeviceTypeValue
from domain.errors import InvalidInput
from realtime import stream, topics
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema import inputs
from schema.enums import DeviceType, Severity
from schema.realtime_types import Alarm, AlarmEvent, AlarmRule
from schema.types import Connection, connection


async def alarms(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    active: bool | None = True,
    min_severity: Severity | None = None,
    first: int | None = 20,
    after: str | None = None,
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
    after: str | None = None,
    min_severity: Severity | None = None,
) -> AsyncGenerator[AlarmEvent, None]:
    live = info.context.live_viewer()
    community = parse_id(community_id, "communityId")
    await service.check_subscription(live.viewer, community)
    floor = SEVERITY_RANK[SeverityValue(min_severity)] if min_severity else 0

    def visible(envelope: Envelope) -> bool:
        # Each message, for this subscriber as they are now: their scope, and the severity they asked for.
        payload = envelope.payload
        return may_see(live.viewer, payload) and SEVERITY_RANK[SeverityValue(payload["severity"])] >= floor

    async for envelope in stream.events(
        info.context.broadcast,
        topics.alarms(community),
        after=parse_cursor(after),
        visible=visible,
        refresh=live.refresh,
    ):
        yield AlarmEvent(cursor=str(envelope.cursor), kind=envelope.kind, alarm=Alarm.from_payload(envelope.payload))


async def my_alarms(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: str | None = None
) -> AsyncGenerator[AlarmEvent, None]:
    """Alarms of the houses the resident lives in. One stream per community: a resident of
    several communities names the one to watch."""
    live = info.context.live_viewer()
    viewer = live.viewer
    viewer.require_person()
    communities = sorted(viewer.resident_community_ids)
    chosen = parse_optional_id(community_id, "communityId")
    if chosen is None and len(communities) == 1:
        chosen = communities[0]
    if chosen is None or chosen not in communities:
        raise InvalidInput("Name the community you live in to watch (communityId)", field="communityId")

    def mine(envelope: Envelope) -> bool:
        return envelope.payload.get("house_id") in live.viewer.house_ids

    async for envelope in stream.events(
        info.context.broadcast, topics.alarms(chosen), after=parse_cursor(after), visible=mine, refresh=live.refresh
    ):
        yield AlarmEvent(cursor=str(envelope.cursor), kind=envelope.kind, alarm=Alarm.from_payload(envelope.payload))


async def alarm_rules(info: Info[Context, None], community_id: strawberry.ID) -> list[AlarmRule]:
    rules = await thresholds.rules_in_force(info.context.viewer(), parse_id(community_id, "communityId"))
    return [
        AlarmRule(
            device_type=device_type,
            metric=metric,
            alarm_type=rule.alarm_type,
            severity=rule.severity,
            description=rule.description,
            overridden=rule.overridden,
        )
        for (device_type, metric), rule in sorted(rules.items())
    ]


async def alarm_threshold_set(info: Info[Context, None], input: inputs.AlarmThresholdInput) -> list[AlarmRule]:
    community_id = parse_id(input.community_id, "communityId")
    await thresholds.set_threshold(
        info.context.viewer(),
        community_id=community_id,
        device_type=DeviceTypeValue(input.device_type),
        metric=input.metric,
        severity=SeverityValue(input.severity),
        above=input.above,
        below=input.below,
    )
    return await alarm_rules(info, input.community_id)


async def alarm_threshold_remove(
    info: Info[Context, None], community_id: strawberry.ID, device_type: DeviceType, metric: str
) -> list[AlarmRule]:
    await thresholds.remove_threshold(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        device_type=DeviceTypeValue(device_type),
        metric=metric,
    )
    return await alarm_rules(info, community_id)
