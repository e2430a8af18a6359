"""A bill's period: "YYYY-MM", a month of the community's calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.common.errors import InvalidInput
from domain.space import calendar

_PERIOD = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.following.first_day - timedelta(days=1)

    @property
    def following(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def span(self, zone_name: str) -> calendar.Span:
        return calendar.month_span(zone_name, self.year, self.month)


def parse_period(value: str, field: str = "period") -> Month:
    """ "2026-10" → Month(2026, 10); anything else (other years than 2000-2099 too) is INVALID_INPUT."""
    found = _PERIOD.fullmatch(value.strip()) if value.isascii() else None
    if found is None:
        raise InvalidInput(f"{field} is a month as YYYY-MM (2000-2099), not {value!r}", field=field)
    return Month(int(found.group(1)), int(found.group(2)))


def last_month(zone_name: str, now: datetime | None = None) -> Month:
    """The month before the one it is now in that zone."""
    first = calendar.today(zone_name, now).replace(day=1) - timedelta(days=1)
    return Month(first.year, first.month)
