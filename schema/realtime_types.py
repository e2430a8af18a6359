"""GraphQL types for devices, telemetry and alarms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from domain.alarms import models as am
from domain.alarms.service import payload as alarm_payload
from domain.devices import models as dm
from domain.devices.telemetry import IngestReport
from schema.enums import DeviceType, Severity
from schema.shared_events import SHARED_BY_SCOPE
from schema.types import House, visible_house


@strawberry.type(description="A device at a place in the community")
class Device:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    type: DeviceType = strawberry.field(description="What kind of device")
    name: str = strawberry.field(description="Display name")
    latitude: float | None = strawberry.field(description="WGS84 latitude")
    longitude: float | None = strawberry.field(description="WGS84 longitude")
    heartbeat_seconds: int = strawberry.field(description="Silent longer than this: offline")
    online: bool = strawberry.field(description="Reported within its heartbeat")
    last_seen_at: datetime | None = strawberry.field(description="Its last report")
    last_reading: strawberry.scalars.JSON | None = strawberry.field(description="Latest value per metric")
    retired: bool = strawberry.field(description="Out of service")
    house_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: dm.Device) -> Device:
        return cls(
            id=strawberry.ID(str(row.id)),
            type=row.type,
            name=row.name,
            latitude=row.latitude,
            longitude=row.longitude,
            heartbeat_seconds=row.heartbeat_seconds,
            online=row.online,
            last_seen_at=row.last_seen_at,
            last_reading=row.last_reading,  # type: ignore[arg-type]  # JSON is a NewType over object
            retired=row.retired_at is not None,
            house_id=row.house_id,
        )

    @strawberry.field(description="The house it is in, if any and if you may see it", metadata=SHARED_BY_SCOPE)
    async def house(self, info: Info) -> House | None:
        return await visible_house(info, self.house_id)


@strawberry.type(description="A device and its key. The key is shown only here, once: store it on the device")
class DeviceRegistration:
    device: Device = strawberry.field(description="The device")
    key: str = strawberry.field(description="Its secret key (dk_…), for telemetryReport and the gateway endpoint")


@strawberry.type(description="An alarm: active until cleared, acknowledged once somebody is on it")
class Alarm:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    type: str = strawberry.field(description="SMOKE, GAS, WATER_LEAK, SOS, HEART_RATE, FALL, MANHOLE_OPEN, PM25…")
    severity: Severity = strawberry.field(description="How bad")
    count: int = strawberry.field(description="Triggers counted while active: a storm is one alarm")
    active: bool = strawberry.field(description="Not cleared yet")
    acknowledged: bool = strawberry.field(description="Somebody is on it")
    first_seen_at: datetime = strawberry.field(description="First trigger")
    last_seen_at: datetime = strawberry.field(description="Latest trigger")
    device_id: strawberry.Private[int | None]
    house_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: am.Alarm) -> Alarm:
        # One mapping from row to what clients see: the same payload the live messages carry.
        return cls.from_payload(alarm_payload(row))

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Alarm:
        return cls(
            id=strawberry.ID(str(payload["id"])),
            type=payload["type"],
            severity=am.Severity(payload["severity"]),
            count=payload["count"],
            active=payload["active"],
            acknowledged=payload["acknowledged"],
            first_seen_at=datetime.fromisoformat(payload["first_seen_at"]),
            last_seen_at=datetime.fromisoformat(payload["last_seen_at"]),
            device_id=payload.get("device_id"),
            house_id=payload.get("house_id"),
        )

    @strawberry.field(description="The house concerned, if any and if you may see it", metadata=SHARED_BY_SCOPE)
    async def house(self, info: Info) -> House | None:
        return await visible_house(info, self.house_id)


@strawberry.type(description="One message of an alarm subscription")
class AlarmEvent:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="ALARM_RAISED, ALARM_UPDATED, ALARM_ACKNOWLEDGED or ALARM_CLEARED")
    alarm: Alarm = strawberry.field(description="The alarm as of this event")

    def share_key(self) -> str:
        # A cursor names one outbox event, whose content never changes (see schema.shared_events).
        return f"AlarmEvent:{self.cursor}"


@strawberry.type(description="A reading refused, by its position in the batch")
class RejectedReading:
    index: int = strawberry.field(description="Position in `readings`, from 0")
    field: str = strawberry.field(description="metric, value or recordedAt")
    reason: str = strawberry.field(description="Why")


@strawberry.type(description="What happened to a batch of readings")
class TelemetryReport:
    accepted: int = strawberry.field(description="Readings stored")
    rejected: list[RejectedReading] = strawberry.field(description="Readings refused, each with its reason")
    alarm_ids: list[strawberry.ID] = strawberry.field(description="Alarms raised or counted by this batch")

    @classmethod
    def of(cls, report: IngestReport) -> TelemetryReport:
        return cls(
            accepted=report.accepted,
            rejected=[RejectedReading(index=r.index, field=r.field, reason=r.reason) for r in report.rejected],
            alarm_ids=[strawberry.ID(str(a)) for a in sorted(set(report.alarms))],
        )


@strawberry.type(description="A device went online or offline")
class DeviceStatusEvent:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="DEVICE_ONLINE or DEVICE_OFFLINE")
    device_id: strawberry.ID = strawberry.field(description="Which device")
    type: DeviceType = strawberry.field(description="What kind of device")
    name: str = strawberry.field(description="Its name")
    online: bool = strawberry.field(description="Its status as of this event")

    def share_key(self) -> str:
        return f"DeviceStatusEvent:{self.cursor}"

    @classmethod
    def from_envelope(cls, cursor: int, kind: str, payload: dict[str, Any]) -> DeviceStatusEvent:
        return cls(
            cursor=str(cursor),
            kind=kind,
            device_id=strawberry.ID(str(payload["id"])),
            type=dm.DeviceType(payload["type"]),
            name=payload["name"],
            online=payload["online"],
        )


@strawberry.type(description="An alarm rule in force in a community: a default, or the community's own threshold")
class AlarmRule:
    device_type: DeviceType = strawberry.field(description="Which devices")
    metric: str = strawberry.field(description="Which reading")
    alarm_type: str = strawberry.field(description="The alarm it raises")
    severity: Severity = strawberry.field(description="How bad")
    description: str = strawberry.field(description="When it fires")
    overridden: bool = strawberry.field(description="The community's own threshold, not the default")
