"""Figures for the operations centre, computed by the database (GROUP BY, AVG), not in Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.functions import Avg, Count
from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.common.figures import rounded
from domain.events import access
from domain.events.models import FINISHED, Event
from domain.space import calendar
from domain.space.calendar import Period

# Any period worth asking about; outside it the databases disagree on what a date is.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class EventStats:
    since: datetime | None
    until: datetime | None
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_grid: dict[int | None, int]
    by_building: dict[int | None, int]
    overdue: int
    average_resolve_seconds: float | None
    average_rating: float | None
    ratings: int


async def event_stats(
    viewer: Viewer,
    community_id: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    period: Period | None = None,
) -> EventStats:
    """Events reported in [since, until) in one community, or in a period of its calendar (TODAY is
    the community's day, not the server's); `overdue` counts open events past their deadline now."""
    access.check_read_statistics(viewer, community_id)
    if period is not None:
        if since is not None or until is not None:
            raise InvalidInput("Give a period or since/until, not both", field="period")
        bounds = calendar.span(await calendar.zone_of(community_id), period)
        since, until = bounds.since, bounds.until
    for name, bound in (("since", since), ("until", until)):
        if bound is not None and not EARLIEST <= bound <= LATEST:
            raise InvalidInput(f"{name} is between {EARLIEST:%Y} and {LATEST:%Y}", field=name)
    qs = Event.filter(community_id=community_id)
    if since is not None:
        qs = qs.filter(reported_at__gte=since)
    if until is not None:
        qs = qs.filter(reported_at__lt=until)
    averages = await qs.annotate(resolve=Avg("resolve_seconds"), rating=Avg("rating"), rated=Count("rating")).values(
        "resolve", "rating", "rated"
    )
    figures = averages[0] if averages else {}
    now = datetime.now(UTC)
    return EventStats(
        since=since,
        until=until,
        total=await qs.count(),
        by_status={str(k): v for k, v in (await _count_by(qs, "status")).items()},
        by_category={str(k): v for k, v in (await _count_by(qs, "category")).items()},
        by_grid=await _count_by(qs, "grid_id"),
        by_building=await _count_by(qs, "building_id"),
        overdue=await qs.filter(deadline_at__lt=now, status__not_in=list(FINISHED)).count(),
        average_resolve_seconds=rounded(figures.get("resolve")),
        average_rating=rounded(figures.get("rating")),
        ratings=int(figures.get("rated") or 0),
    )


async def _count_by(qs: QuerySet[Event], column: str) -> dict[Any, int]:
    rows = await qs.annotate(n=Count("id")).group_by(column).values(column, "n")
    return {row[column]: int(row["n"]) for row in rows}
