"""Device queries and mutations, and telemetry reports."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.alarms.models import Severity as SeverityValue
from domain.devices import access, messages, service, telemetry, thresholds
from domain.devices.metrics import METRICS
from domain.devices.models import DeviceType as DeviceTypeValue
from domain.devices.rules import Rule
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from resolvers.updates import id_field, provided
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.devices import (
    AlarmRule,
    AlarmThresholdInput,
    Device,
    DeviceKey,
    DeviceMoveInput,
    DeviceRegisterInput,
    DeviceRegistration,
    DeviceStatusEvent,
    DeviceType,
    ReadingInput,
    TelemetryReport,
    ThresholdMetric,
)
from schema.limits import list_size


async def devices(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    type: DeviceType | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Device]:
    page = await service.list_devices(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        house_id=parse_optional_id(house_id, "houseId"),
        type=DeviceTypeValue(type) if type else None,
        first=first,
        after=after,
    )
    return connection(page, Device)


async def device(info: Info[Context, None], id: strawberry.ID) -> Device | None:
    return Device.from_row(await service.get_device(info.context.viewer(), parse_id(id, "id")))


async def device_register(info: Info[Context, None], input: DeviceRegisterInput) -> DeviceRegistration:
    registration = await service.register_device(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        type=DeviceTypeValue(input.type),
        name=input.name,
        building_id=parse_optional_id(input.building_id, "buildingId"),
        house_id=parse_optional_id(input.house_id, "houseId"),
        latitude=input.latitude,
        longitude=input.longitude,
        heartbeat_seconds=input.heartbeat_seconds,
    )
    return DeviceRegistration(device=Device.from_row(registration.device), key=registration.key)


async def device_move(info: Info[Context, None], input: DeviceMoveInput) -> Device:
    changes = provided(
        input,
        {
            "building_id": id_field("buildingId"),
            "house_id": id_field("houseId"),
            "latitude": None,
            "longitude": None,
            "name": None,
            "heartbeat_seconds": None,
        },
        nullable=frozenset({"building_id", "house_id", "latitude", "longitude"}),
    )
    return Device.from_row(await service.move_device(info.context.viewer(), parse_id(input.id, "id"), changes))


async def device_retire(info: Info[Context, None], id: strawberry.ID) -> Device:
    return Device.from_row(await service.retire_device(info.context.viewer(), parse_id(id, "id")))


async def device_rotate_key(info: Info[Context, None], id: strawberry.ID) -> DeviceRegistration:
    registration = await service.rotate_key(info.context.viewer(), parse_id(id, "id"))
    return DeviceRegistration(device=Device.from_row(registration.device), key=registration.key)


async def telemetry_report(
    info: Info[Context, None], device_key: DeviceKey, readings: list[ReadingInput]
) -> TelemetryReport:
    report = await telemetry.ingest(
        device_key,
        [
            telemetry.ReadingIn(metric=r.metric, value=r.value, recorded_at=r.recorded_at, reading_id=r.reading_id)
            for r in readings
        ],
        client=info.context.client_address(),
    )
    return TelemetryReport.of(report)


async def device_status(
    info: Info[Context, None], community_id: strawberry.ID, after: LiveCursor = None
) -> AsyncGenerator[DeviceStatusEvent, None]:
    live = info.context.live_viewer()
    community = parse_id(community_id, "communityId")
    access.check_watch_status(live.viewer, community)

    def visible(envelope: Envelope) -> bool:
        return access.may_receive_status(live.viewer, envelope.payload)

    feed = stream.events(
        info.context.broadcast,
        messages.status_topic(community),
        after=parse_cursor(after),
        visible=visible,
        follower=live,
    )
    async for envelope in feed:
        yield DeviceStatusEvent.of(envelope)


# One rule in force per device type and metric at most (the query cost counts that many).
RULES = list_size(sum(len(metrics) for metrics in METRICS.values()))


def _rules(rules: dict[tuple[DeviceTypeValue, str], Rule]) -> list[AlarmRule]:
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


async def alarm_rules(info: Info[Context, None], community_id: strawberry.ID) -> list[AlarmRule]:
    return _rules(await thresholds.rules_in_force(info.context.viewer(), parse_id(community_id, "communityId")))


async def alarm_threshold_set(info: Info[Context, None], input: AlarmThresholdInput) -> list[AlarmRule]:
    rules = await thresholds.set_threshold(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        device_type=DeviceTypeValue(input.device_type),
        metric=input.metric,
        severity=SeverityValue(input.severity),
        above=input.above,
        below=input.below,
    )
    return _rules(rules)


async def alarm_threshold_remove(
    info: Info[Context, None], community_id: strawberry.ID, device_type: DeviceType, metric: ThresholdMetric
) -> list[AlarmRule]:
    rules = await thresholds.remove_threshold(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        device_type=DeviceTypeValue(device_type),
        metric=metric,
    )
    return _rules(rules)


@strawberry.type
class Query:
    devices: Connection[Device] = strawberry.field(
        resolver=devices, description=f"Devices in service that you may see. {PAGE_HELP}"
    )
    device: Device | None = strawberry.field(
        resolver=device,
        description="One device: null, with a NOT_FOUND error, when there is none you may see (the rest of the answer stands)",
    )
    alarm_rules: list[AlarmRule] = strawberry.field(
        resolver=alarm_rules, description="Community staff: the alarm rules in force", metadata=RULES
    )


@strawberry.type
class Mutation:
    device_register: DeviceRegistration = strawberry.field(
        resolver=device_register, description="Operators: a new device and its key, shown once"
    )
    device_move: Device = strawberry.field(resolver=device_move, description="Operators: place or rename")
    device_retire: Device = strawberry.field(resolver=device_retire, description="Operators: out of service")
    device_rotate_key: DeviceRegistration = strawberry.field(
        resolver=device_rotate_key, description="Operators: a new key, the old one stops at once"
    )
    telemetry_report: TelemetryReport = strawberry.field(
        resolver=telemetry_report,
        description="Devices and gateways: up to 1000 readings, authenticated by the device key (no login)",
    )
    alarm_threshold_set: list[AlarmRule] = strawberry.field(
        resolver=alarm_threshold_set,
        description="Operators: the community's own threshold for a metric; returns the rules in force",
        metadata=RULES,
    )
    alarm_threshold_remove: list[AlarmRule] = strawberry.field(
        resolver=alarm_threshold_remove,
        description="Operators: back to the default rule; returns the rules in force",
        metadata=RULES,
    )


@strawberry.type
class Subscription:
    device_status: AsyncGenerator[DeviceStatusEvent, None] = strawberry.subscription(
        resolver=device_status,
        description="Devices going online and offline, as far as you may see them",
    )
