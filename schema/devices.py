"""GraphQL types, inputs and enums of devices: registration, telemetry, status messages, alarm rules."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.alarms.models import Severity
from domain.devices import models as dm
from domain.devices.models import DeviceType as DeviceType
from domain.devices.reading_identity import READING_ID_MAX
from domain.devices.telemetry import MAX_BATCH, IngestReport
from realtime.envelope import Envelope
from schema.common import UNCHANGED, ReadingTime
from schema.limits import list_size
from schema.shared_events import SHARED_BY_SCOPE
from schema.space import House, visible_house
from schema.string_inputs import SECRET, at_most, stored_in

# Arguments of resolvers.devices, with their lengths.
DeviceKey = Annotated[str, strawberry.argument(description="The device's key (dk_…)", metadata=SECRET)]
ThresholdMetric = Annotated[
    str, strawberry.argument(description="Which reading", metadata=stored_in(dm.AlarmThreshold, "metric"))
]

strawberry.enum(DeviceType, description="What kind of device")


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


@strawberry.type(description="A reading refused, by its position in the batch")
class RejectedReading:
    index: int = strawberry.field(description="Position in `readings`, from 0")
    field: str = strawberry.field(description="metric, value or recordedAt")
    reason: str = strawberry.field(description="Why")


@strawberry.type(description="What happened to a batch of readings: each one is stored (new), a duplicate, or rejected")
class TelemetryReport:
    accepted: int = strawberry.field(description="Readings stored by this batch")
    duplicates: int = strawberry.field(
        description="Readings stored already (this batch sent again, or a reading twice in it): not stored, "
        "counted or announced again. Only readings with a recordedAt or a readingId are recognised"
    )
    duplicate_indexes: list[int] = strawberry.field(
        description="Positions of the duplicates in `readings`, from 0", metadata=list_size(MAX_BATCH)
    )
    rejected: list[RejectedReading] = strawberry.field(
        description="Readings refused, each with its reason", metadata=list_size(MAX_BATCH)
    )
    alarm_ids: list[strawberry.ID] = strawberry.field(
        description="Alarms raised or counted by this batch", metadata=list_size(MAX_BATCH)
    )

    @classmethod
    def of(cls, report: IngestReport) -> TelemetryReport:
        return cls(
            accepted=report.accepted,
            duplicates=len(report.duplicates),
            duplicate_indexes=report.duplicates,
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
    def of(cls, envelope: Envelope) -> DeviceStatusEvent:
        payload = envelope.payload
        return cls(
            cursor=str(envelope.cursor),
            kind=envelope.kind,
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


@strawberry.input(description="A new device")
class DeviceRegisterInput:
    community_id: strawberry.ID = strawberry.field(description="Its community")
    type: DeviceType = strawberry.field(description="What kind")
    name: str = strawberry.field(description="Display name", metadata=stored_in(dm.Device, "name"))
    building_id: strawberry.ID | None = strawberry.field(default=None, description="Its building")
    house_id: strawberry.ID | None = strawberry.field(default=None, description="Its house (implies the building)")
    latitude: float | None = strawberry.field(default=None, description="WGS84 latitude")
    longitude: float | None = strawberry.field(default=None, description="WGS84 longitude")
    heartbeat_seconds: int = strawberry.field(default=300, description="Silent longer than this: offline")


@strawberry.input(description="One reading")
class ReadingInput:
    metric: str = strawberry.field(
        description="e.g. smoke, gas, heart_rate, sos, pm25, temperature", metadata=stored_in(dm.Reading, "metric")
    )
    value: float = strawberry.field(description="In the metric's unit; flags are 0 or 1")
    recorded_at: ReadingTime | None = strawberry.field(
        default=None,
        description="When measured, with its zone; default: when received. With it, the reading is "
        "recognised if the batch is sent again (one reading per device, metric and instant)",
    )
    reading_id: str | None = strawberry.field(
        default=None,
        description="The device's own id for the reading (1-64 of A-Z a-z 0-9 . _ : -): when given, what "
        "recognises it if sent again, instead of metric and recordedAt",
        # Past READING_ID_MAX the domain refuses that reading alone, as it does a bad metric; only a
        # value no device sends refuses the whole report.
        metadata=at_most(16 * READING_ID_MAX, "a reading id, refused alone past 64 (domain.devices.reading_identity)"),
    )


@strawberry.input(description="Move or rename a device; null clears building, house or coordinates")
class DeviceMoveInput:
    id: strawberry.ID = strawberry.field(description="Which device")
    building_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    house_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    latitude: float | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    longitude: float | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(dm.Device, "name")
    )
    heartbeat_seconds: int | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)


@strawberry.input(description="A community's own threshold: fires at value >= above, or value <= below")
class AlarmThresholdInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    device_type: DeviceType = strawberry.field(description="Which devices")
    metric: str = strawberry.field(
        description="Which reading, e.g. smoke, pm25, temperature", metadata=stored_in(dm.AlarmThreshold, "metric")
    )
    severity: Severity = strawberry.field(description="Severity of the alarm it raises")
    above: float | None = strawberry.field(default=None, description="Fires at or above this value")
    below: float | None = strawberry.field(default=None, description="Fires at or below this value")
