"""What alarms say on the bus: their topic, the kinds of message, and the payload. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.alarms.models import Alarm, Severity


class AlarmMessage(StrEnum):
    RAISED = "ALARM_RAISED"
    UPDATED = "ALARM_UPDATED"
    ACKNOWLEDGED = "ALARM_ACKNOWLEDGED"
    CLEARED = "ALARM_CLEARED"


def topic(community_id: int) -> str:
    return f"alarms:{community_id}"


def payload(alarm: Alarm) -> dict[str, Any]:
    """The alarm as of the message: where it is (for access.may_receive) and what clients show."""
    return {
        "id": alarm.id,
        "community_id": alarm.community_id,
        "grid_id": alarm.grid_id,
        "house_id": alarm.house_id,
        "device_id": alarm.device_id,
        "type": alarm.type,
        "severity": Severity(alarm.severity).value,
        "count": alarm.count,
        "active": alarm.cleared_at is None,
        "acknowledged": alarm.acknowledged_at is not None,
        "first_seen_at": alarm.first_seen_at.isoformat(),
        "last_seen_at": alarm.last_seen_at.isoformat(),
    }
