"""How full each lot is, in one SQL round trip: its spaces counted by the database (all, those with
a sensor, those whose sensor says occupied) next to the cars its gate let in.

A space with a sensor is occupied as its sensor says. The spaces without one are filled by the cars
inside (gate records: in minus out) that no sensor sees, up to their number.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.functions import Count

from domain.parking.models import ParkingLot


@dataclass(frozen=True)
class LotOccupancy:
    lot_id: int
    community_id: int
    name: str
    kind: str
    total: int
    sensed: int  # spaces with a sensor
    occupied: int
    vehicles_inside: int

    @property
    def free(self) -> int:
        return self.total - self.occupied


async def occupancy(community_id: int, *, lot_id: int | None = None) -> list[LotOccupancy]:
    """Each lot of the community (or that one lot), by id: for the IOC's panel and availability."""
    lots = ParkingLot.filter(community_id=community_id)
    if lot_id is not None:
        lots = lots.filter(id=lot_id)
    rows = (
        await lots.annotate(
            total=Count("spaces__id"),
            sensed=Count("spaces__id", _filter=Q(spaces__sensor_id__isnull=False)),
            sensed_occupied=Count("spaces__id", _filter=Q(spaces__sensor_id__isnull=False, spaces__occupied=True)),
        )
        .group_by("id", "community_id", "name", "kind", "vehicles_inside")
        .order_by("id")
        .values("id", "community_id", "name", "kind", "vehicles_inside", "total", "sensed", "sensed_occupied")
    )
    result = []
    for r in rows:
        total, sensed, seen = int(r["total"]), int(r["sensed"]), int(r["sensed_occupied"])
        unseen = min(max(int(r["vehicles_inside"]) - seen, 0), total - sensed)
        result.append(
            LotOccupancy(
                lot_id=r["id"],
                community_id=r["community_id"],
                name=r["name"],
                kind=str(r["kind"]),
                total=total,
                sensed=sensed,
                occupied=seen + unseen,
                vehicles_inside=int(r["vehicles_inside"]),
            )
        )
    return result
