"""Topic names: one place, so producers and subscribers cannot drift apart."""

from __future__ import annotations


def alarms(community_id: int) -> str:
    return f"alarms:{community_id}"


def device_status(community_id: int) -> str:
    return f"devices:{community_id}"
