"""Alarms, with the ThingsBoard lifecycle: active or cleared, acknowledged or not."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from domain.space.models import Community, Grid, House


class Severity(StrEnum):
    CRITICAL = "CRITICAL"
    MAJOR = "MAJOR"
    MINOR = "MINOR"
    WARNING = "WARNING"
    INDETERMINATE = "INDETERMINATE"


# Higher is worse: `minSeverity` filters keep an alarm when its rank is at least the minimum's.
SEVERITY_RANK = {
    Severity.INDETERMINATE: 0,
    Severity.WARNING: 1,
    Severity.MINOR: 2,
    Severity.MAJOR: 3,
    Severity.CRITICAL: 4,
}


class Alarm(Model):
    """One alarm. While it is active, ``active_key`` (device and alarm type) is set and unique:
    a new trigger of the same type on the same device updates it (count, last seen) instead of
    creating another. Clearing sets the key to null, so the next trigger opens a new alarm.
    """

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="alarms", on_delete=fields.RESTRICT
    )
    community_id: int
    device: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "lingli.Device", related_name="alarms", null=True, on_delete=fields.RESTRICT
    )
    device_id: int | None
    house: fields.ForeignKeyNullableRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="alarms", null=True, on_delete=fields.RESTRICT
    )
    house_id: int | None
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "lingli.Grid", related_name="alarms", null=True, on_delete=fields.SET_NULL
    )
    grid_id: int | None
    type = fields.CharField(max_length=30, description="SMOKE, GAS, SOS, FALL, HEART_RATE, OFFLINE…")
    severity = fields.CharEnumField(Severity, max_length=15)
    active_key = fields.CharField(max_length=80, null=True, unique=True)
    count = fields.IntField(default=1)
    details = fields.JSONField[dict[str, Any]](default=dict)
    first_seen_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    acknowledged_at = fields.DatetimeField(null=True)
    acknowledged_by_id = fields.IntField(null=True)
    cleared_at = fields.DatetimeField(null=True)
    cleared_by_id = fields.IntField(null=True, description="Null when cleared by the device itself")

    class Meta:
        table = "alarm"
