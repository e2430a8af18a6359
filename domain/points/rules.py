"""A community's earning rules: its row, or the defaults; operators change them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.common.text import camel
from domain.points import access
from domain.points.models import Rules
from domain.space import calendar, places

# The settings operators may change, and their bounds (an amount per event, a cap, a base score).
BOUNDS: dict[str, tuple[int, int]] = {
    "sorted_right_points": (0, 1000),
    "sorted_wrong_credit": (0, 100),
    "sorting_daily_cap": (0, 10000),
    "points_per_kwh_saved": (0, 1000),
    "points_per_m3_saved": (0, 1000),
    "saving_monthly_cap": (0, 100000),
    "volunteer_points": (0, 10000),
    "volunteer_daily_cap": (0, 100000),
    "expiry_years": (0, 10),
    "credit_base": (0, 1000),
    "low_credit_below": (0, 1000),
}


async def of(community_id: int) -> Rules:
    row = await Rules.get_or_none(community_id=community_id)
    return row if row is not None else Rules(community_id=community_id)


async def get(viewer: Viewer, community_id: int) -> Rules:
    access.check_member(viewer, community_id)
    return await of(community_id)


async def change(viewer: Viewer, community_id: int, changes: dict[str, Any]) -> Rules:
    access.check_operate(viewer, community_id)
    await places.community(community_id)
    for name, value in changes.items():
        low, high = BOUNDS[name]
        if not low <= value <= high:
            raise InvalidInput(f"{name} is {low} to {high}", field=camel(name))
    row = await Rules.get_or_none(community_id=community_id)
    if row is None:
        try:
            row = await Rules.create(community_id=community_id, **changes)
        except IntegrityError:  # a twin created it first: change that one
            row = await Rules.get(community_id=community_id)
    await Rules.filter(id=row.id).update(**changes)
    return await Rules.get(id=row.id)


def expiry_of(rules: Rules, zone_name: str, at: datetime) -> datetime:
    """Earned at ``at``: expires when the year ``expiry_years`` after it ends, in the community's zone."""
    year = calendar.today(zone_name, at).year + rules.expiry_years
    return calendar.midnight(date(year + 1, 1, 1), calendar.zone(zone_name)).astimezone(UTC)
