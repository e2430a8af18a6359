"""Expiry as a job that writes entries: what is left of each lot past its date leaves the balance
as an EXPIRED entry, so a balance is always the sum of its entries."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.points import ledger
from domain.points.models import EXPIRING, Entry

BATCH = 500


async def sweep(now: datetime | None = None) -> int:
    """Expire every lot due by ``now``; safe from several processes (each lot expires once)."""
    at = now or datetime.now(UTC)
    expired = 0
    while True:
        due = (
            await Entry.filter(kind__in=sorted(EXPIRING), remaining__gt=0, expires_at__lte=at)
            .order_by("id")
            .limit(BATCH)
            .values_list("id", flat=True)
        )
        if not due:
            return expired
        for lot_id in due:
            expired += await ledger.expire_lot(int(lot_id), now=at)  # type: ignore[call-overload]
        if len(due) < BATCH:
            return expired
