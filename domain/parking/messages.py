"""The live messages of parking: a lot's free spaces, one topic per community. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.parking.occupancy import LotOccupancy


def topic(community_id: int) -> str:
    return f"parking:{community_id}"


class ParkingMessage(StrEnum):
    LOT_AVAILABILITY = "LOT_AVAILABILITY"


def payload(lot: LotOccupancy) -> dict[str, Any]:
    return {
        "lot_id": lot.lot_id,
        "community_id": lot.community_id,
        "name": lot.name,
        "kind": lot.kind,
        "total": lot.total,
        "occupied": lot.occupied,
        "free": lot.free,
    }
