"""The points' periodic job: expiry, then last month's savings (both write each entry once)."""

from __future__ import annotations

from domain.points import expiry, savings


async def points_sweep() -> None:
    await expiry.sweep()
    await savings.sweep()
