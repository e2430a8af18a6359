"""A community's calendar: its time zone, and the days and months read in it.

Instants are stored and answered in UTC; a DateTime input without an offset is refused
(``schema.common.AWARE_DATETIME``). What a zone changes is where a day or a month begins:
"today", "this month", a move-out "on the day", a bill's period. Those are read here, in the
community's own zone, never in the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.common.errors import InvalidInput
from domain.space.models import Community

DEFAULT_TIME_ZONE = "Asia/Shanghai"
TIME_ZONE_MAX_LENGTH = 64


class Period(StrEnum):
    """A span of the community's calendar, ending now or at the end of the span."""

    TODAY = "TODAY"
    YESTERDAY = "YESTERDAY"
    THIS_WEEK = "THIS_WEEK"  # from Monday
    LAST_7_DAYS = "LAST_7_DAYS"
    THIS_MONTH = "THIS_MONTH"
    LAST_MONTH = "LAST_MONTH"


@dataclass(frozen=True)
class Span:
    """[since, until) as UTC instants."""

    since: datetime
    until: datetime


def time_zone(value: str, field: str = "timeZone") -> str:
    """An IANA zone name (``Asia/Shanghai``), as the tz database spells it."""
    name = value.strip()
    # available_timezones() keeps out names ZoneInfo would also open (files such as "posixrules",
    # or a path), which no client means as a zone.
    if len(name) > TIME_ZONE_MAX_LENGTH or name not in _zone_names():
        raise InvalidInput(f"{value!r} is no IANA time zone name (e.g. {DEFAULT_TIME_ZONE})", field=field)
    return name


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A name stored before it left the tz database: the default keeps the community working.
        return ZoneInfo(DEFAULT_TIME_ZONE)


async def zone_of(community_id: int) -> str:
    """The zone a community's days are read in (the default for one that is gone)."""
    names = await Community.filter(id=community_id).values_list("time_zone", flat=True)
    return str(names[0]) if names else DEFAULT_TIME_ZONE


async def community_today(community_id: int, now: datetime | None = None) -> date:
    return today(await zone_of(community_id), now)


def today(zone_name: str, now: datetime | None = None) -> date:
    """The date it is now in that zone."""
    return _now(now).astimezone(zone(zone_name)).date()


def span(zone_name: str, period: Period, now: datetime | None = None) -> Span:
    tz = zone(zone_name)
    local_today = _now(now).astimezone(tz).date()
    first_of_month = local_today.replace(day=1)
    start, end = {
        Period.TODAY: (local_today, local_today + timedelta(days=1)),
        Period.YESTERDAY: (local_today - timedelta(days=1), local_today),
        Period.THIS_WEEK: (local_today - timedelta(days=local_today.weekday()), local_today + timedelta(days=1)),
        Period.LAST_7_DAYS: (local_today - timedelta(days=6), local_today + timedelta(days=1)),
        Period.THIS_MONTH: (first_of_month, _next_month(first_of_month)),
        Period.LAST_MONTH: (_previous_month(first_of_month), first_of_month),
    }[period]
    return Span(since=midnight(start, tz), until=midnight(end, tz))


def month_span(zone_name: str, year: int, month: int) -> Span:
    """A calendar month of the community, e.g. a bill's period."""
    first = date(year, month, 1)
    tz = zone(zone_name)
    return Span(since=midnight(first, tz), until=midnight(_next_month(first), tz))


def midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of that local day, in UTC (a day that starts in a DST gap starts when the
    clocks do: fold 0 of 00:00 local is normalised by the UTC round trip)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())
