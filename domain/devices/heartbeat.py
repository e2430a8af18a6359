"""Silent devices: past their heartbeat they go offline and raise an OFFLINE alarm; reporting
again brings them back and clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.alarms import service as alarm_service
from domain.alarms.models import Alarm, Severity
from domain.devices import messages
from domain.devices.messages import DeviceMessage
from domain.devices.models import Device
from domain.space.models import House
from realtime.outbox import record, transaction

OFFLINE = "OFFLINE"


async def mark_silent_devices(now: datetime | None = None) -> int:
    """One sweep. Safe to run from several processes at once: each device is claimed by a
    conditional update, and the alarm is de-duplicated by its active key anyway."""
    now = now or datetime.now(UTC)
    candidates = await Device.filter(online=True, retired_at=None, last_seen_at__isnull=False)
    silent = [d for d in candidates if d.last_seen_at and d.last_seen_at + timedelta(seconds=d.heartbeat_seconds) < now]
    marked = 0
    for device in silent:
        async with transaction():
            claimed = await Device.filter(id=device.id, online=True, last_seen_at=device.last_seen_at).update(
                online=False
            )
            if not claimed:
                continue  # it reported meanwhile, or another process took it
            house = await House.get_or_none(id=device.house_id) if device.house_id else None
            await alarm_service.trigger(
                alarm_service.Trigger(
                    community_id=device.community_id,
                    type=OFFLINE,
                    severity=Severity.MINOR,
                    device_id=device.id,
                    house_id=device.house_id,
                    grid_id=house.grid_id if house else None,
                    details={"last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else None},
                ),
                at=now,
            )
            await record(
                messages.status_topic(device.community_id),
                DeviceMessage.OFFLINE,
                messages.status_payload(device, online=False, grid_id=house.grid_id if house else None),
            )
            marked += 1
    return marked


async def came_back(device: Device, *, grid_id: int | None) -> None:
    """Inside the ingest transaction: the device is online again; its OFFLINE alarm clears itself.
    ``grid_id``: its house's grid, which the ingest has read already."""
    await record(
        messages.status_topic(device.community_id),
        DeviceMessage.ONLINE,
        messages.status_payload(device, online=True, grid_id=grid_id),
    )
    offline = await Alarm.get_or_none(
        active_key=alarm_service.Trigger(
            community_id=device.community_id, type=OFFLINE, severity=Severity.MINOR, device_id=device.id
        ).active_key
    )
    if offline is not None:
        await alarm_service.clear_automatically(offline)
