"""Device queries and mutations, and telemetry reports."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.devices import service, telemetry
from domain.devices.models import DeviceType as DeviceTypeValue
from domain.errors import Forbidden
from realtime import stream, topics
from realtime.envelope import Envelope
from resolvers.changes import id_field, provided
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema import inputs
from schema.enums import DeviceType
from schema.realtime_types import Device, DeviceRegistration, DeviceStatusEvent, TelemetryReport
from schema.types import Connection, connection


async def devices(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    type: DeviceType | None = None,
    first: int | None = 20,
    after: str | None = None,
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


async def device(info: Info[Context, None], id: strawberry.ID) -> Device:
    return Device.from_row(await service.get_device(info.context.viewer(), parse_id(id, "id")))


async def device_register(info: Info[Context, None], input: inputs.DeviceRegisterInput) -> DeviceRegistration:
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


async def device_move(info: Info[Context, None], input: inputs.DeviceMoveInput) -> Device:
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
    info: Info[Context, None], device_key: str, readings: list[inputs.ReadingInput]
) -> TelemetryReport:
    report = await telemetry.ingest(
        device_key,
        [telemetry.ReadingIn(metric=r.metric, value=r.value, recorded_at=r.recorded_at) for r in readings],
    )
    return TelemetryReport.of(report)


async def device_status(
    info: Info[Context, None], community_id: strawberry.ID, after: str | None = None
) -> AsyncGenerator[DeviceStatusEvent, None]:
    live = info.context.live_viewer()
    viewer = live.viewer
    community = parse_id(community_id, "communityId")
    viewer.require_person()
    if not (viewer.is_platform_admin or community in viewer.member_community_ids):
        raise Forbidden("Watching devices is for the community's people", field="communityId")

    def visible(envelope: Envelope) -> bool:
        p = envelope.payload
        return live.viewer.sees_place(
            community_id=p["community_id"], grid_id=p.get("grid_id"), house_id=p.get("house_id")
        )

    feed = stream.events(
        info.context.broadcast,
        topics.device_status(community),
        after=parse_cursor(after),
        visible=visible,
        refresh=live.refresh,
    )
    async for envelope in feed:
        yield DeviceStatusEvent.from_envelope(envelope.cursor, envelope.kind, envelope.payload)
