"""Devices placed in the community, and the readings they report."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from domain.alarms.models import Severity
from domain.space.models import Building, Community, House


class DeviceType(StrEnum):
    CAMERA = "CAMERA"
    ACCESS_GATE = "ACCESS_GATE"
    DOOR_LOCK = "DOOR_LOCK"
    SMOKE_DETECTOR = "SMOKE_DETECTOR"
    GAS_DETECTOR = "GAS_DETECTOR"
    WATER_LEAK_SENSOR = "WATER_LEAK_SENSOR"
    WATER_METER = "WATER_METER"
    ELECTRICITY_METER = "ELECTRICITY_METER"
    GAS_METER = "GAS_METER"
    HEAT_METER = "HEAT_METER"
    WEARABLE = "WEARABLE"
    FALL_SENSOR = "FALL_SENSOR"
    PARKING_SENSOR = "PARKING_SENSOR"
    # A car park's barrier: reads plates as cars pass (domain/parking, parkingGateRecord).
    VEHICLE_GATE = "VEHICLE_GATE"
    STREET_LAMP = "STREET_LAMP"
    MANHOLE_COVER = "MANHOLE_COVER"
    ENVIRONMENT_SENSOR = "ENVIRONMENT_SENSOR"
    GARBAGE_BIN = "GARBAGE_BIN"
    # Reports its position (latitude, longitude) as telemetry; orders are handed to it (domain/orders).
    DELIVERY_ROBOT = "DELIVERY_ROBOT"


class Device(Model):
    """A device at a place: the community, optionally a building or a house, optionally coordinates.

    Its key is shown once at registration or rotation and stored only as a SHA-256 hash
    (the key is 256 random bits, so a fast hash is enough and lookups stay indexed).
    """

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="devices", on_delete=fields.RESTRICT
    )
    community_id: int
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "lingli.Building", related_name="devices", null=True, on_delete=fields.RESTRICT
    )
    building_id: int | None
    house: fields.ForeignKeyNullableRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="devices", null=True, on_delete=fields.RESTRICT
    )
    house_id: int | None
    type = fields.CharEnumField(DeviceType, max_length=30)
    name = fields.CharField(max_length=100)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    heartbeat_seconds = fields.IntField(default=300, description="Silent longer than this: offline")
    online = fields.BooleanField(default=False)
    last_seen_at = fields.DatetimeField(null=True)
    last_reading = fields.JSONField[dict[str, Any]](null=True, description="Latest value per metric")
    retired_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "device"


class Reading(Model):
    """One accepted reading: the history behind ``Device.last_reading``.

    ``identity`` makes a retried batch harmless (domain/devices/reading_identity.py): the readingId the
    device gave, else its metric and recordedAt, unique per device. A reading with neither was
    stamped on arrival and has none (NULLs are never equal to each other in a unique index).
    """

    id = fields.BigIntField(primary_key=True)
    device: fields.ForeignKeyRelation[Device] = fields.ForeignKeyField(
        "lingli.Device", related_name="readings", on_delete=fields.CASCADE
    )
    device_id: int
    metric = fields.CharField(max_length=30)
    value = fields.FloatField()
    recorded_at = fields.DatetimeField()
    received_at = fields.DatetimeField(auto_now_add=True)
    identity = fields.CharField(max_length=100, null=True)

    class Meta:
        table = "reading"
        # The second one covers what a meter read at an instant (its value included): the
        # operations centre's energy panel reads it three times per meter, index only.
        indexes = (("device_id", "recorded_at"), ("device_id", "metric", "recorded_at", "value"))
        unique_together = (("device", "identity"),)


class AlarmThreshold(Model):
    """A community's own threshold for one metric of one device type, replacing the default rule:
    fires at ``value >= above`` or ``value <= below``."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="alarm_thresholds", on_delete=fields.CASCADE
    )
    community_id: int
    device_type = fields.CharField(max_length=30)
    metric = fields.CharField(max_length=30)
    above = fields.FloatField(null=True)
    below = fields.FloatField(null=True)
    severity = fields.CharEnumField(Severity, max_length=15)

    class Meta:
        table = "alarm_threshold"
        unique_together = (("community", "device_type", "metric"),)
