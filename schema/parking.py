"""GraphQL types and inputs of parking: lots and spaces, how many are free (and live), cars,
visitors' passes, the gate's records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from domain.parking import models as pm
from domain.parking.models import Direction, LotKind, SpaceKind
from domain.parking.occupancy import LotOccupancy
from realtime.envelope import Envelope
from schema.string_inputs import at_most, stored_in

strawberry.enum(LotKind, name="ParkingLotKind", description="The community's car park, a building's, or a public one")
strawberry.enum(SpaceKind, name="ParkingSpaceKind", description="A household's own space, a rented one, or visitors'")
strawberry.enum(Direction, name="GateDirection", description="A car coming in or going out")

# A plate as typed or read: "浙A·12345" is stored as 浙A12345.
PLATE_TYPED = at_most(20, "a licence plate as typed, separators and all")


@strawberry.type(description="A car park")
class ParkingLot:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    building_id: strawberry.ID | None = strawberry.field(description="Its building (a building's lot)")
    kind: LotKind = strawberry.field(description="Whose car park it is")
    name: str = strawberry.field(description="Its name")
    gate_device_id: strawberry.ID | None = strawberry.field(description="The vehicle gate that counts its cars")

    @classmethod
    def from_row(cls, row: pm.ParkingLot) -> ParkingLot:
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            building_id=strawberry.ID(str(row.building_id)) if row.building_id else None,
            kind=row.kind,
            name=row.name,
            gate_device_id=strawberry.ID(str(row.gate_id)) if row.gate_id else None,
        )


@strawberry.type(description="A parking space")
class ParkingSpace:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    lot_id: strawberry.ID = strawberry.field(description="Its lot")
    code: str = strawberry.field(description="As painted on the ground")
    kind: SpaceKind = strawberry.field(description="Owned, rented or visitors'")
    house_id: strawberry.ID | None = strawberry.field(description="The household that owns or rents it")
    sensor_device_id: strawberry.ID | None = strawberry.field(description="Its parking sensor")
    occupied: bool = strawberry.field(description="As its sensor last said (no sensor: false)")

    @classmethod
    def from_row(cls, row: pm.ParkingSpace) -> ParkingSpace:
        return cls(
            id=strawberry.ID(str(row.id)),
            lot_id=strawberry.ID(str(row.lot_id)),
            code=row.code,
            kind=row.kind,
            house_id=strawberry.ID(str(row.house_id)) if row.house_id else None,
            sensor_device_id=strawberry.ID(str(row.sensor_id)) if row.sensor_id else None,
            occupied=row.occupied,
        )


@strawberry.type(description="How many spaces of a lot are free")
class LotAvailability:
    lot_id: strawberry.ID = strawberry.field(description="The lot")
    name: str = strawberry.field(description="Its name")
    kind: LotKind = strawberry.field(description="Whose car park it is")
    total: int = strawberry.field(description="Its spaces")
    occupied: int = strawberry.field(description="Taken: as sensors say, and by the cars inside no sensor sees")
    free: int = strawberry.field(description="total - occupied")

    @classmethod
    def of(cls, lot: LotOccupancy) -> LotAvailability:
        return cls.from_message(
            {"lot_id": lot.lot_id, "name": lot.name, "kind": lot.kind, "total": lot.total, "occupied": lot.occupied}
        )

    @classmethod
    def from_message(cls, p: dict[str, Any]) -> LotAvailability:
        return cls(
            lot_id=strawberry.ID(str(p["lot_id"])),
            name=p["name"],
            kind=LotKind(p["kind"]),
            total=p["total"],
            occupied=p["occupied"],
            free=p["total"] - p["occupied"],
        )


@strawberry.type(description="A lot's free spaces, live: at most one a lot a second, the newest count always sent")
class LotAvailabilityUpdate:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="LOT_AVAILABILITY")
    lot: LotAvailability = strawberry.field(description="The lot's count now")

    def share_key(self) -> str:
        return f"LotAvailabilityUpdate:{self.cursor}"

    @classmethod
    def of(cls, envelope: Envelope) -> LotAvailabilityUpdate:
        return cls(cursor=str(envelope.cursor), kind=envelope.kind, lot=LotAvailability.from_message(envelope.payload))


@strawberry.type(description="A household's registered car")
class Car:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    house_id: strawberry.ID = strawberry.field(description="Its household")
    plate: str = strawberry.field(description="Its plate, e.g. 浙A12345")
    created_at: datetime = strawberry.field(description="When it was registered")

    @classmethod
    def from_row(cls, row: pm.Car) -> Car:
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            house_id=strawberry.ID(str(row.house_id)),
            plate=row.plate,
            created_at=row.created_at,
        )


@strawberry.type(description="A visitor's pass: the gate lets this plate in during the window")
class ParkingPass:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    house_id: strawberry.ID = strawberry.field(description="The host household")
    plate: str = strawberry.field(description="The visitor's plate")
    visitor_name: str = strawberry.field(description="Who is coming (as the host wrote it)")
    valid_from: datetime = strawberry.field(description="From")
    valid_until: datetime = strawberry.field(description="Until (at most 24 hours after validFrom)")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled")

    @classmethod
    def from_row(cls, row: pm.ParkingPass) -> ParkingPass:
        return cls(
            id=strawberry.ID(str(row.id)),
            house_id=strawberry.ID(str(row.house_id)),
            plate=row.plate,
            visitor_name=row.visitor_name,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            cancelled_at=row.cancelled_at,
        )


@strawberry.type(description="A car at a lot's gate")
class GateRecord:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    lot_id: strawberry.ID = strawberry.field(description="The lot")
    plate: str = strawberry.field(description="The plate read")
    direction: Direction = strawberry.field(description="In or out")
    at: datetime = strawberry.field(description="When")
    allowed: bool = strawberry.field(description="Whether the gate opens")
    reason: str = strawberry.field(description="RESIDENT_CAR, VISITOR_PASS, NOT_ALLOWED (refused), OUT")

    @classmethod
    def from_row(cls, row: pm.GateRecord) -> GateRecord:
        return cls(
            id=strawberry.ID(str(row.id)),
            lot_id=strawberry.ID(str(row.lot_id)),
            plate=row.plate,
            direction=row.direction,
            at=row.at,
            allowed=row.allowed,
            reason=row.reason,
        )


@strawberry.input(description="A new car park")
class ParkingLotCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    name: str = strawberry.field(
        description="Its name (unique in the community)", metadata=stored_in(pm.ParkingLot, "name")
    )
    kind: LotKind = strawberry.field(description="Whose car park it is")
    building_id: strawberry.ID | None = strawberry.field(default=None, description="Its building (a building's lot)")
    gate_device_id: strawberry.ID | None = strawberry.field(default=None, description="A VEHICLE_GATE device")


@strawberry.input(description="A new space in a lot")
class ParkingSpaceCreateInput:
    lot_id: strawberry.ID = strawberry.field(description="The lot")
    code: str = strawberry.field(description="As painted on the ground", metadata=stored_in(pm.ParkingSpace, "code"))
    kind: SpaceKind = strawberry.field(description="Owned, rented or visitors'")
    house_id: strawberry.ID | None = strawberry.field(default=None, description="The owning or renting household")
    sensor_device_id: strawberry.ID | None = strawberry.field(default=None, description="A PARKING_SENSOR device")


@strawberry.input(description="A visitor's pass")
class ParkingPassIssueInput:
    house_id: strawberry.ID = strawberry.field(description="Your household, the host")
    plate: str = strawberry.field(description="The visitor's plate", metadata=PLATE_TYPED)
    valid_from: datetime = strawberry.field(description="From (with its time zone)")
    valid_until: datetime = strawberry.field(description="Until: after validFrom, at most 24 hours later")
    visitor_name: str = strawberry.field(
        default="", description="Who is coming", metadata=stored_in(pm.ParkingPass, "visitor_name")
    )


Plate = Annotated[str, strawberry.argument(description="A licence plate, e.g. 浙A12345", metadata=PLATE_TYPED)]
GateRecordId = Annotated[
    str | None,
    strawberry.argument(
        description="The gate's own id for the record: sent again, it is stored once",
        metadata=stored_in(pm.GateRecord, "record_id"),
    ),
]
