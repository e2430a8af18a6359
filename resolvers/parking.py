"""Parking: car parks and spaces (operators), free spaces (now and live), households' cars and
visitors' passes, and the gates' records (by their device key)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from domain.parking import access, cars, gates, lots, messages
from domain.parking.models import Direction, LotKind, SpaceKind
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.devices import DeviceKey
from schema.limits import list_size
from schema.parking import (
    Car,
    GateRecord,
    GateRecordId,
    LotAvailability,
    LotAvailabilityUpdate,
    ParkingLot,
    ParkingLotCreateInput,
    ParkingPass,
    ParkingPassIssueInput,
    ParkingSpace,
    ParkingSpaceCreateInput,
    Plate,
)


async def parking_lots(info: Info[Context, None], community_id: strawberry.ID) -> list[ParkingLot]:
    rows = await lots.list_lots(info.context.viewer(), parse_id(community_id, "communityId"))
    return [ParkingLot.from_row(r) for r in rows]


async def parking_spaces(
    info: Info[Context, None],
    lot_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[ParkingSpace]:
    page = await lots.list_spaces(
        info.context.viewer(),
        lot_id=parse_optional_id(lot_id, "lotId"),
        house_id=parse_optional_id(house_id, "houseId"),
        first=first,
        after=after,
    )
    return connection(page, ParkingSpace)


async def parking_availability(info: Info[Context, None], community_id: strawberry.ID) -> list[LotAvailability]:
    counted = await lots.availability(info.context.viewer(), parse_id(community_id, "communityId"))
    return [LotAvailability.of(lot) for lot in counted]


async def cars_(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Car]:
    page = await cars.list_cars(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        house_id=parse_optional_id(house_id, "houseId"),
        first=first,
        after=after,
    )
    return connection(page, Car)


async def parking_passes(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[ParkingPass]:
    page = await cars.list_passes(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        house_id=parse_optional_id(house_id, "houseId"),
        first=first,
        after=after,
    )
    return connection(page, ParkingPass)


async def gate_records(
    info: Info[Context, None], lot_id: strawberry.ID, first: int | None = 20, after: PageCursor = None
) -> Connection[GateRecord]:
    page = await gates.list_records(info.context.viewer(), lot_id=parse_id(lot_id, "lotId"), first=first, after=after)
    return connection(page, GateRecord)


async def parking_lot_create(info: Info[Context, None], input: ParkingLotCreateInput) -> ParkingLot:
    new = lots.NewLot(
        community_id=parse_id(input.community_id, "communityId"),
        name=input.name,
        kind=LotKind(input.kind),
        building_id=parse_optional_id(input.building_id, "buildingId"),
        gate_device_id=parse_optional_id(input.gate_device_id, "gateDeviceId"),
    )
    return ParkingLot.from_row(await lots.create_lot(info.context.viewer(), new))


async def parking_space_create(info: Info[Context, None], input: ParkingSpaceCreateInput) -> ParkingSpace:
    new = lots.NewSpace(
        lot_id=parse_id(input.lot_id, "lotId"),
        code=input.code,
        kind=SpaceKind(input.kind),
        house_id=parse_optional_id(input.house_id, "houseId"),
        sensor_device_id=parse_optional_id(input.sensor_device_id, "sensorDeviceId"),
    )
    return ParkingSpace.from_row(await lots.create_space(info.context.viewer(), new))


async def car_register(info: Info[Context, None], house_id: strawberry.ID, plate: Plate) -> Car:
    row = await cars.register_car(info.context.viewer(), house_id=parse_id(house_id, "houseId"), plate=plate)
    return Car.from_row(row)


async def car_remove(info: Info[Context, None], id: strawberry.ID) -> Car:
    return Car.from_row(await cars.remove_car(info.context.viewer(), parse_id(id, "id")))


async def parking_pass_issue(info: Info[Context, None], input: ParkingPassIssueInput) -> ParkingPass:
    new = cars.NewPass(
        house_id=parse_id(input.house_id, "houseId"),
        plate=input.plate,
        valid_from=input.valid_from,
        valid_until=input.valid_until,
        visitor_name=input.visitor_name,
    )
    return ParkingPass.from_row(await cars.issue_pass(info.context.viewer(), new))


async def parking_pass_cancel(info: Info[Context, None], id: strawberry.ID) -> ParkingPass:
    return ParkingPass.from_row(await cars.cancel_pass(info.context.viewer(), parse_id(id, "id")))


async def parking_gate_record(
    info: Info[Context, None],
    device_key: DeviceKey,
    plate: Plate,
    direction: Direction,
    at: datetime | None = None,
    record_id: GateRecordId = None,
) -> GateRecord:
    entry = gates.GateIn(plate=plate, direction=direction, at=at, record_id=record_id)
    row = await gates.record_passage(device_key, entry, client=info.context.client_address())
    return GateRecord.from_row(row)


async def parking_availability_updates(
    info: Info[Context, None], community_id: strawberry.ID, after: LiveCursor = None
) -> AsyncGenerator[LotAvailabilityUpdate, None]:
    """Each lot's free spaces as they change, at most once a lot a second."""
    live = info.context.live_viewer()
    chosen = parse_id(community_id, "communityId")
    access.check_member(live.viewer, chosen)

    def visible(envelope: Envelope) -> bool:
        return access.may_receive(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(chosen), after=parse_cursor(after), visible=visible, follower=live
    ):
        yield LotAvailabilityUpdate.of(envelope)


@strawberry.type
class Query:
    parking_lots: list[ParkingLot] = strawberry.field(
        resolver=parking_lots,
        description=f"The community's car parks (at most {lots.MAX_LOTS}), for anyone of it",
        metadata=list_size(lots.MAX_LOTS),
    )
    parking_spaces: Connection[ParkingSpace] = strawberry.field(
        resolver=parking_spaces,
        description=f"Spaces: the office's of its community, residents their households'. {PAGE_HELP}",
    )
    parking_availability: list[LotAvailability] = strawberry.field(
        resolver=parking_availability,
        description="Free and total spaces of each lot of the community, for anyone of it",
        metadata=list_size(lots.MAX_LOTS),
    )
    cars: Connection[Car] = strawberry.field(
        resolver=cars_, description=f"Registered cars: your households', the office's community's. {PAGE_HELP}"
    )
    parking_passes: Connection[ParkingPass] = strawberry.field(
        resolver=parking_passes,
        description=f"Visitors' passes: your households', the office's community's. {PAGE_HELP}",
    )
    gate_records: Connection[GateRecord] = strawberry.field(
        resolver=gate_records, description=f"The office: a lot's gate records, oldest first. {PAGE_HELP}"
    )


@strawberry.type
class Mutation:
    parking_lot_create: ParkingLot = strawberry.field(
        resolver=parking_lot_create, description="Operators: a car park, with its vehicle gate"
    )
    parking_space_create: ParkingSpace = strawberry.field(
        resolver=parking_space_create, description="Operators: a space, with its household and parking sensor"
    )
    car_register: Car = strawberry.field(
        resolver=car_register,
        description="The household or the office: register a car by its plate (once per community)",
    )
    car_remove: Car = strawberry.field(resolver=car_remove, description="The household or the office: remove a car")
    parking_pass_issue: ParkingPass = strawberry.field(
        resolver=parking_pass_issue,
        description="Residents: let a visitor's plate in during a window of at most 24 hours",
    )
    parking_pass_cancel: ParkingPass = strawberry.field(
        resolver=parking_pass_cancel, description="The household or the office: cancel a pass"
    )
    parking_gate_record: GateRecord = strawberry.field(
        resolver=parking_gate_record,
        description="Vehicle gates, by their device key: a car in or out. Whether it may come in is `allowed`",
    )


@strawberry.type
class Subscription:
    parking_availability_updates: AsyncGenerator[LotAvailabilityUpdate, None] = strawberry.subscription(
        resolver=parking_availability_updates,
        description="Each lot's free spaces as they change: at most one message a lot a second, the newest count always sent",
    )
