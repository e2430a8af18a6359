"""Registering, moving, retiring devices and rotating their keys (operators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from auth.keys import key_hash, new_key
from auth.viewer import Viewer
from domain.alarms import service as alarm_service
from domain.alarms.models import Alarm
from domain.common.errors import Conflict, InvalidInput
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given, lock, only_known, save_or_conflict
from domain.common.text import text
from domain.devices import access
from domain.devices.models import Device, DeviceType
from domain.space import places
from domain.space.service import get_community
from realtime.outbox import transaction

KEY_PREFIX = "dk_"
MIN_PROVISIONED_KEY = 16


@dataclass(frozen=True)
class Registration:
    device: Device
    key: str  # shown once: only its hash is stored


def new_device_key() -> str:
    return new_key(KEY_PREFIX)


device_key_hash = key_hash


async def list_devices(
    viewer: Viewer,
    *,
    community_id: int | None = None,
    house_id: int | None = None,
    type: DeviceType | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[Device]:
    qs = access.readable_devices(viewer).filter(**given(community_id=community_id, house_id=house_id, type=type))
    return await paginate(qs.filter(retired_at=None), first=first, after=after)


async def get_device(viewer: Viewer, device_id: int) -> Device:
    return await get_visible(access.readable_devices(viewer), device_id, what="device", field="id")


async def register_device(
    viewer: Viewer,
    *,
    community_id: int,
    type: DeviceType,
    name: str,
    building_id: int | None = None,
    house_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    heartbeat_seconds: int = 300,
    key: str | None = None,
) -> Registration:
    """``key``: one provisioned with the device (at the factory, or the demo's); else a new one."""
    community = await get_community(viewer, community_id)
    access.check_manage(viewer, community.id, "Registering a device")
    device = Device(community_id=community.id, type=type, name=text(name, field="name", max_length=100))
    await _place(
        device, {"building_id": building_id, "house_id": house_id, "latitude": latitude, "longitude": longitude}
    )
    device.heartbeat_seconds = _heartbeat(heartbeat_seconds)
    if key is not None and (not key.startswith(KEY_PREFIX) or len(key) < MIN_PROVISIONED_KEY):
        raise InvalidInput(
            f"A provisioned key starts with {KEY_PREFIX} and has {MIN_PROVISIONED_KEY}+ characters", field="key"
        )
    key = key or new_device_key()
    device.key_hash = device_key_hash(key)
    await save_or_conflict(device, "Another device has this key", field="key")
    return Registration(device=device, key=key)


async def move_device(viewer: Viewer, device_id: int, changes: dict[str, Any]) -> Device:
    """Place it elsewhere in its community: another building, house or coordinates (null clears)."""
    only_known(changes, {"building_id", "house_id", "latitude", "longitude", "name", "heartbeat_seconds"})
    async with transaction():
        device = await _managed(viewer, device_id, "Moving a device")
        placed = (device.house_id, device.building_id)
        await _place(device, changes)
        if (device.house_id, device.building_id) != placed:
            # Its active alarms were about the old place and reach the old household: close them,
            # so the next trigger opens an alarm for the new place and its people.
            for alarm in await Alarm.filter(device_id=device.id, cleared_at=None):
                await alarm_service.clear_automatically(alarm, by=viewer.person_id)
        if "name" in changes:
            device.name = text(changes["name"], field="name", max_length=100)
        if "heartbeat_seconds" in changes:
            device.heartbeat_seconds = _heartbeat(changes["heartbeat_seconds"])
        await device.save(update_fields=list(changes))
        return device


async def retire_device(viewer: Viewer, device_id: int) -> Device:
    """Out of service: its key stops working, its history stays."""
    async with transaction():
        device = await _managed(viewer, device_id, "Retiring a device")
        if device.retired_at is not None:
            raise Conflict("This device is retired already", field="id")
        device.retired_at = datetime.now(UTC)
        device.online = False
        await device.save(update_fields=["retired_at", "online"])
        return device


async def rotate_key(viewer: Viewer, device_id: int) -> Registration:
    """A new key; the old one stops working at once."""
    async with transaction():
        device = await _managed(viewer, device_id, "Rotating a device key")
        if device.retired_at is not None:
            raise Conflict("A retired device has no key", field="id")
        key = new_device_key()
        device.key_hash = device_key_hash(key)
        await device.save(update_fields=["key_hash"])
        return Registration(device=device, key=key)


async def _managed(viewer: Viewer, device_id: int, action: str) -> Device:
    device = await get_device(viewer, device_id)
    access.check_manage(viewer, device.community_id, action)
    await lock(Device, device.id)
    return await Device.get(id=device.id)


async def _place(device: Device, changes: dict[str, Any]) -> None:
    """Building and house must be in the device's community; a house implies its building."""
    if changes.get("house_id") is not None:
        house = await places.house_in(device.community_id, changes["house_id"])
        device.house_id, device.building_id = house.id, house.building_id
        changes.setdefault("building_id", house.building_id)
    elif "house_id" in changes:
        device.house_id = None
    if changes.get("building_id") is not None:
        await places.building_in(device.community_id, changes["building_id"])
        if device.house_id is not None and changes["building_id"] != device.building_id:
            raise InvalidInput("The house is in another building", field="buildingId")
        device.building_id = changes["building_id"]
    elif "building_id" in changes and device.house_id is None:
        device.building_id = None
    latitude = changes.get("latitude", device.latitude)
    longitude = changes.get("longitude", device.longitude)
    places.check_coordinates(latitude=latitude, longitude=longitude)
    device.latitude, device.longitude = latitude, longitude


def _heartbeat(seconds: int) -> int:
    if not 10 <= seconds <= 86_400:
        raise InvalidInput("heartbeatSeconds must be between 10 and 86400", field="heartbeatSeconds")
    return seconds
