"""Tariffs: a community's price per utility, in force from a day of its calendar. Setting a price
adds a row from its day on; earlier rows stay, so every past bill can be explained."""

from __future__ import annotations

from datetime import date

from auth.viewer import Viewer
from domain.bills import access
from domain.bills.models import Tariff, Utility
from domain.common.errors import InvalidInput, NotFound
from domain.space.models import Community
from realtime.outbox import transaction

# 10,000 yuan a unit (or a m² a month): anything above is a typo in fen vs yuan.
MAX_PRICE_FEN = 1_000_000
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


async def set_tariff(
    viewer: Viewer, *, community_id: int, utility: Utility, price_fen: int, effective_from: date
) -> Tariff:
    """The price from ``effective_from`` on. Setting the same utility and day again corrects that
    row (a typo fixed before it was billed); any other day adds one."""
    access.check_set_tariffs(viewer, community_id)
    if not 0 <= price_fen <= MAX_PRICE_FEN:
        raise InvalidInput(f"priceFen is a whole number of fen from 0 to {MAX_PRICE_FEN}", field="priceFen")
    if not EARLIEST <= effective_from <= LATEST:
        raise InvalidInput(f"effectiveFrom is between {EARLIEST} and {LATEST}", field="effectiveFrom")
    if not await Community.exists(id=community_id):
        raise NotFound(f"No community with id {community_id} that you can see", field="communityId")
    async with transaction():
        tariff, _ = await Tariff.update_or_create(
            defaults={"price_fen": price_fen, "set_by_id": viewer.person_id},
            community_id=community_id,
            utility=utility,
            effective_from=effective_from,
        )
    return tariff


async def list_tariffs(
    viewer: Viewer, *, community_id: int, utility: Utility | None = None, on: date | None = None
) -> list[Tariff]:
    """Every row (history), oldest first; with ``on``: only those in force on that day."""
    qs = access.readable_tariffs(viewer).filter(community_id=community_id)
    if utility is not None:
        qs = qs.filter(utility=utility)
    rows = list(await qs.order_by("utility", "effective_from"))
    if on is None:
        return rows
    return list(in_force(rows, on).values())


def in_force(rows: list[Tariff], on: date) -> dict[Utility, Tariff]:
    """Of one community's tariffs, the one of each utility in force on that day."""
    found: dict[Utility, Tariff] = {}
    for row in sorted(rows, key=lambda r: r.effective_from):
        if row.effective_from <= on:
            found[Utility(row.utility)] = row
    return found


async def in_force_for(community_id: int, on: date) -> dict[Utility, Tariff]:
    return in_force(list(await Tariff.filter(community_id=community_id, effective_from__lte=on)), on)
