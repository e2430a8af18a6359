"""A period's bills of a community as rows for a file, read page by page (never all at once)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from auth.viewer import Viewer
from domain.bills import access, money
from domain.bills.models import Bill, BillLine, Utility
from domain.bills.periods import parse_period
from domain.bills.service import checked_lines
from domain.common.errors import NotFound
from domain.space.models import Building, Community, House, Unit

PAGE = 500

COLUMNS = [
    "bill_id",
    "period",
    "building",
    "unit",
    "house",
    "area_m2",
    "status",
    "due_date",
    *(f"{u.value.lower()}_fen" for u in Utility),
    "total_fen",
    "total_yuan",
    "anomalies",
    "paid_at",
    "payment_ref",
]


async def bill_rows(viewer: Viewer, *, community_id: int, period: str) -> AsyncIterator[list[list[str]]]:
    """Checks first (raising before anything is read), then returns the pages of rows, each
    ``COLUMNS`` long, in bill order."""
    access.check_export(viewer, community_id)
    month = parse_period(period)
    if not await Community.exists(id=community_id):
        raise NotFound(f"No community with id {community_id} that you can see", field="communityId")
    return _pages(viewer, community_id, month.label)


async def _pages(viewer: Viewer, community_id: int, period: str) -> AsyncIterator[list[list[str]]]:
    after = 0
    while True:
        bills = list(
            await access.readable_bills(viewer)
            .filter(community_id=community_id, period=period, id__gt=after)
            .order_by("id")
            .limit(PAGE)
        )
        if not bills:
            return
        yield await _rows(bills)
        after = bills[-1].id


async def _rows(bills: list[Bill]) -> list[list[str]]:
    houses = {h.id: h for h in await House.filter(id__in=[b.house_id for b in bills])}
    buildings = {b.id: b.name for b in await Building.filter(id__in={h.building_id for h in houses.values()})}
    unit_ids = {h.unit_id for h in houses.values() if h.unit_id is not None}
    units = {u.id: u.name for u in await Unit.filter(id__in=unit_ids)}
    lines: dict[int, list[BillLine]] = {b.id: [] for b in bills}
    for line in await BillLine.filter(bill_id__in=list(lines)).order_by("id"):
        lines[line.bill_id].append(line)
    rows = []
    for bill in bills:
        house = houses[bill.house_id]
        per_utility = {u: 0 for u in Utility}
        for line in checked_lines(bill, lines[bill.id]):
            per_utility[Utility(line.utility)] += line.amount_fen
        rows.append(
            [
                str(bill.id),
                bill.period,
                buildings.get(house.building_id, ""),
                units.get(house.unit_id, "") if house.unit_id else "",
                house.number,
                "" if house.area_m2 is None else f"{house.area_m2:.2f}",
                str(bill.status.value),
                bill.due_date.isoformat(),
                *(str(per_utility[u]) for u in Utility),
                str(bill.total_fen),
                money.yuan(bill.total_fen),
                str(bill.anomalies),
                bill.paid_at.isoformat() if bill.paid_at else "",
                bill.payment_ref or "",
            ]
        )
    return rows
