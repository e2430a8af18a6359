"""Bills issued, paid and overdue per period, in counts and fen: GROUP BY period and status, in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Count, Sum

from auth.viewer import Viewer
from domain.bills import access
from domain.bills.models import BillStatus
from domain.bills.periods import parse_period

MAX_PERIODS = 120  # ten years of months


@dataclass(frozen=True)
class PeriodFigures:
    period: str
    issued: int
    issued_fen: int
    paid: int
    paid_fen: int
    overdue: int  # unpaid and marked past their due date
    overdue_fen: int
    unpaid: int  # every bill not paid yet, overdue or not
    unpaid_fen: int


async def bill_stats(
    viewer: Viewer, *, community_id: int, since: str | None = None, until: str | None = None
) -> list[PeriodFigures]:
    """One row per period with bills, newest first, from ``since`` to ``until`` (both "YYYY-MM",
    inclusive), at most MAX_PERIODS of them."""
    access.check_read_arrears(viewer, community_id)
    qs = access.readable_bills(viewer).filter(community_id=community_id)
    if since is not None:
        qs = qs.filter(period__gte=parse_period(since, "since").label)
    if until is not None:
        qs = qs.filter(period__lte=parse_period(until, "until").label)
    rows = (
        await qs.annotate(n=Count("id"), fen=Sum("total_fen"))
        .group_by("period", "status")
        .values("period", "status", "n", "fen")
    )
    table: dict[str, dict[BillStatus, tuple[int, int]]] = {}
    for row in rows:
        table.setdefault(row["period"], {})[BillStatus(row["status"])] = (int(row["n"]), int(row["fen"] or 0))
    figures = []
    for period in sorted(table, reverse=True)[:MAX_PERIODS]:
        by = table[period]
        paid, overdue, issued = (by.get(s, (0, 0)) for s in (BillStatus.PAID, BillStatus.OVERDUE, BillStatus.ISSUED))
        figures.append(
            PeriodFigures(
                period=period,
                issued=paid[0] + overdue[0] + issued[0],
                issued_fen=paid[1] + overdue[1] + issued[1],
                paid=paid[0],
                paid_fen=paid[1],
                overdue=overdue[0],
                overdue_fen=overdue[1],
                unpaid=overdue[0] + issued[0],
                unpaid_fen=overdue[1] + issued[1],
            )
        )
    return figures
