"""Parking lots and spaces, the cars residents register, visitors' passes, and the gate's records."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.devices.models import Device
from domain.people.models import Person
from domain.space.models import Building, Community, House


class LotKind(StrEnum):
    COMMUNITY = "COMMUNITY"  # the community's own car park
    BUILDING = "BUILDING"  # under or beside one building
    PUBLIC = "PUBLIC"  # open to anyone (street parking, a shared garage)


class SpaceKind(StrEnum):
    OWNED = "OWNED"
    RENTED = "RENTED"
    VISITOR = "VISITOR"


class Direction(StrEnum):
    IN = "IN"
    OUT = "OUT"


class ParkingLot(Model):
    """A car park. Its spaces with a sensor are occupied as the sensor says, the others are filled,
    as far as the gate counts, by the cars inside that no sensor sees (vehicles_inside).

    free_pending / free_pushed_at: the coalesced live count (domain/parking/availability.py)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="parking_lots", on_delete=fields.RESTRICT
    )
    community_id: int
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "lingli.Building", related_name="parking_lots", null=True, on_delete=fields.RESTRICT
    )
    building_id: int | None
    kind = fields.CharEnumField(LotKind, max_length=15)
    name = fields.CharField(max_length=50)
    gate: fields.ForeignKeyNullableRelation[Device] = fields.ForeignKeyField(
        "lingli.Device", related_name="gate_of_lots", null=True, unique=True, on_delete=fields.RESTRICT
    )
    gate_id: int | None
    vehicles_inside = fields.IntField(default=0, description="Cars let in minus cars gone out (never below 0)")
    free_pending = fields.BooleanField(default=False)
    free_pushed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "parking_lot"
        unique_together = (("community", "name"),)
        indexes = (("free_pending", "free_pushed_at"),)


class ParkingSpace(Model):
    id = fields.IntField(primary_key=True)
    lot: fields.ForeignKeyRelation[ParkingLot] = fields.ForeignKeyField(
        "lingli.ParkingLot", related_name="spaces", on_delete=fields.RESTRICT
    )
    lot_id: int
    community_id = fields.IntField(description="The lot's community (denormalised for access filters)")
    code = fields.CharField(max_length=20, description="As painted on the ground, e.g. B1-023")
    kind = fields.CharEnumField(SpaceKind, max_length=10)
    house: fields.ForeignKeyNullableRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="parking_spaces", null=True, on_delete=fields.RESTRICT
    )
    house_id: int | None
    sensor: fields.ForeignKeyNullableRelation[Device] = fields.ForeignKeyField(
        "lingli.Device", related_name="parking_spaces", null=True, unique=True, on_delete=fields.RESTRICT
    )
    sensor_id: int | None
    occupied = fields.BooleanField(default=False, description="As its sensor last said (no sensor: False)")
    occupied_changed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "parking_space"
        unique_together = (("lot", "code"),)


class Car(Model):
    """A household's car, by its plate: one registration per plate in a community."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="cars", on_delete=fields.RESTRICT
    )
    community_id: int
    house: fields.ForeignKeyRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="cars", on_delete=fields.RESTRICT
    )
    house_id: int
    plate = fields.CharField(max_length=10)
    registered_by: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="registered_cars", on_delete=fields.RESTRICT
    )
    registered_by_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "car"
        unique_together = (("community", "plate"),)


class ParkingPass(Model):
    """A visitor's pass: a resident lets one plate in during a window."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="parking_passes", on_delete=fields.RESTRICT
    )
    community_id: int
    house: fields.ForeignKeyRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="parking_passes", on_delete=fields.RESTRICT
    )
    house_id: int
    issued_by: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="issued_parking_passes", on_delete=fields.RESTRICT
    )
    issued_by_id: int
    plate = fields.CharField(max_length=10)
    visitor_name = fields.CharField(max_length=50, default="")
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "parking_pass"
        indexes = (("community_id", "plate", "valid_until"),)


class GateRecord(Model):
    """A car at a lot's gate: let in or not (and why), or gone out."""

    id = fields.BigIntField(primary_key=True)
    lot: fields.ForeignKeyRelation[ParkingLot] = fields.ForeignKeyField(
        "lingli.ParkingLot", related_name="gate_records", on_delete=fields.RESTRICT
    )
    lot_id: int
    community_id = fields.IntField()
    device_id = fields.IntField(description="The gate that read the plate")
    record_id = fields.CharField(max_length=64, null=True, description="The gate's own id: a retry is known by it")
    plate = fields.CharField(max_length=10)
    direction = fields.CharEnumField(Direction, max_length=3)
    at = fields.DatetimeField()
    allowed = fields.BooleanField()
    reason = fields.CharField(max_length=20, description="RESIDENT_CAR, VISITOR_PASS, NOT_REGISTERED, OUT")
    car_id = fields.IntField(null=True)
    pass_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "gate_record"
        unique_together = (("device_id", "record_id"),)
        indexes = (("lot_id", "at"),)
