"""What devices say on the bus: their status topic, the kinds of message, the payload. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.devices.models import Device


class DeviceMessage(StrEnum):
    ONLINE = "DEVICE_ONLINE"
    OFFLINE = "DEVICE_OFFLINE"


def status_topic(community_id: int) -> str:
    return f"devices:{community_id}"


def status_payload(device: Device, *, online: bool, grid_id: int | None) -> dict[str, Any]:
    """``grid_id``: the grid of the device's house, which the caller has at hand (access.may_receive_status)."""
    return {
        "id": device.id,
        "community_id": device.community_id,
        "house_id": device.house_id,
        "grid_id": grid_id,
        "type": device.type.value,
        "name": device.name,
        "online": online,
    }
