"""The operations centre's dashboard: one community's figures, each panel one aggregate query
(GROUP BY in the database, never rows counted in Python), the panels read side by side.

"This month", "last month" and "today" are the community's (``domain/space/calendar.py``).
Energy and water follow the bills' reading of a meter (``domain/devices/meters.py``): what it
counted in a span is its latest reading within the span less its latest reading at or before
the span began (nothing when either is missing or the register went back), priced at the tariff
in force on the span's first day (``domain/bills/tariffs.py``).

``PANELS`` names every panel and its reader; a panel added there is read, compared and pushed by
dashboardCounters like the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

from tortoise.functions import Count, Sum

from auth.viewer import Viewer
from domain.bills import money
from domain.bills.models import Utility
from domain.devices.meters import METRIC
from domain.devices.models import Device, DeviceType
from domain.events.models import FINISHED
from domain.ioc import access
from domain.ioc.sql import rows
from domain.orders.models import Order
from domain.parking.occupancy import LotOccupancy, occupancy
from domain.points.models import Entry
from domain.space import calendar
from domain.space.calendar import Period

ENERGY = {DeviceType.ELECTRICITY_METER: Utility.ELECTRICITY, DeviceType.WATER_METER: Utility.WATER}


@dataclass(frozen=True)
class Tally:
    key: str | None
    label: str | None
    count: int


@dataclass(frozen=True)
class People:
    residents: int
    houses: int
    occupied_houses: int
    by_building: tuple[Tally, ...]  # every building, zeros included, by id
    by_care_tag: tuple[Tally, ...]  # the care tags this community recorded, of who lives there now


@dataclass(frozen=True)
class DeviceTypeFigures:
    type: str
    online: int
    offline: int


@dataclass(frozen=True)
class Devices:
    online: int
    offline: int
    by_type: tuple[DeviceTypeFigures, ...]  # in service (not retired)


@dataclass(frozen=True)
class Alarms:
    active: int
    unacknowledged: int
    by_severity: tuple[Tally, ...]
    by_type: tuple[Tally, ...]


@dataclass(frozen=True)
class Events:
    open: int
    overdue: int  # open and past their deadline now
    by_status: tuple[Tally, ...]  # every event of the community
    by_category: tuple[Tally, ...]  # open ones
    by_grid: tuple[Tally, ...]  # open ones (key None: no grid)


@dataclass(frozen=True)
class Usage:
    utility: str
    meters: int
    this_month: float  # units (kWh, m³) so far this month
    last_month: float
    this_month_fen: int | None  # at the tariff in force on the month's first day (None: no tariff)
    last_month_fen: int | None


@dataclass(frozen=True)
class Points:
    issued: int  # earned this month, every kind
    by_kind: tuple[Tally, ...]


@dataclass(frozen=True)
class OrdersToday:
    placed: int
    revenue_fen: int  # every order placed today, at its total
    by_status: tuple[Tally, ...]


@dataclass(frozen=True)
class Dashboard:
    """Every panel; compared panel by panel by dashboardCounters (``changed``)."""

    people: People
    devices: Devices
    alarms: Alarms
    events: Events
    energy: tuple[Usage, ...]
    points: Points
    orders_today: OrdersToday
    parking: tuple[LotOccupancy, ...]


@dataclass(frozen=True)
class Moment:
    community_id: int
    zone: str
    now: datetime


async def dashboard(viewer: Viewer, community_id: int) -> Dashboard:
    access.check_read(viewer, community_id)
    return await read(community_id)


async def read(community_id: int, now: datetime | None = None) -> Dashboard:
    """Every panel of one community, each one query, read concurrently (PostgreSQL runs them side
    by side on the pool's connections; SQLite one after the other)."""
    moment = Moment(community_id, await calendar.zone_of(community_id), now or datetime.now(UTC))
    values = await asyncio.gather(*(reader(moment) for reader in PANELS.values()))
    return Dashboard(**dict(zip(PANELS, values, strict=True)))


def changed(before: Dashboard | None, after: Dashboard) -> list[str]:
    """The panels whose figures differ (every one when there is nothing before)."""
    return [f.name for f in fields(after) if before is None or getattr(before, f.name) != getattr(after, f.name)]


async def _people(m: Moment) -> People:
    found = await rows(
        """
        SELECT 'residents' AS figure, CAST(NULL AS VARCHAR(40)) AS k, CAST(NULL AS VARCHAR(100)) AS label,
               COUNT(DISTINCT person_id) AS n
          FROM residency WHERE community_id = ? AND moved_out IS NULL
        UNION ALL
        SELECT 'occupied', NULL, NULL, COUNT(DISTINCT house_id)
          FROM residency WHERE community_id = ? AND moved_out IS NULL
        UNION ALL
        SELECT 'houses', NULL, NULL, COUNT(*) FROM house WHERE community_id = ?
        UNION ALL
        SELECT 'building', CAST(b.id AS VARCHAR(40)), b.name, COALESCE(living.n, 0)
          FROM building b
          LEFT JOIN (SELECT h.building_id, COUNT(DISTINCT r.person_id) AS n
                       FROM residency r JOIN house h ON h.id = r.house_id
                      WHERE r.community_id = ? AND r.moved_out IS NULL
                      GROUP BY h.building_id) living ON living.building_id = b.id
         WHERE b.community_id = ?
        UNION ALL
        SELECT 'tag', c.tag, NULL, COUNT(*)
          FROM care_record c
         WHERE c.community_id = ? AND c.person_id IN (
               SELECT r.person_id FROM residency r WHERE r.community_id = ? AND r.moved_out IS NULL)
         GROUP BY c.tag
        """,
        [m.community_id] * 7,
    )
    single = {r["figure"]: int(r["n"]) for r in found if r["k"] is None}
    buildings = sorted((r for r in found if r["figure"] == "building"), key=lambda r: int(r["k"]))
    return People(
        residents=single.get("residents", 0),
        houses=single.get("houses", 0),
        occupied_houses=single.get("occupied", 0),
        by_building=tuple(Tally(r["k"], r["label"], int(r["n"])) for r in buildings),
        by_care_tag=_tallies((r["k"], int(r["n"])) for r in found if r["figure"] == "tag"),
    )


async def _devices(m: Moment) -> Devices:
    found = (
        await Device.filter(community_id=m.community_id, retired_at__isnull=True)
        .annotate(n=Count("id"))
        .group_by("type", "online")
        .values("type", "online", "n")
    )
    by_type: dict[str, list[int]] = {}
    for row in found:
        by_type.setdefault(str(row["type"]), [0, 0])[0 if row["online"] else 1] += int(row["n"])
    figures = tuple(DeviceTypeFigures(t, on, off) for t, (on, off) in sorted(by_type.items()))
    return Devices(online=sum(f.online for f in figures), offline=sum(f.offline for f in figures), by_type=figures)


async def _alarms(m: Moment) -> Alarms:
    found = await rows(
        """
        SELECT severity, type, CASE WHEN acknowledged_at IS NULL THEN 1 ELSE 0 END AS waiting, COUNT(*) AS n
          FROM alarm WHERE community_id = ? AND cleared_at IS NULL
         GROUP BY severity, type, CASE WHEN acknowledged_at IS NULL THEN 1 ELSE 0 END
        """,
        [m.community_id],
    )
    return Alarms(
        active=sum(int(r["n"]) for r in found),
        unacknowledged=sum(int(r["n"]) for r in found if int(r["waiting"])),
        by_severity=_tallies((r["severity"], int(r["n"])) for r in found),
        by_type=_tallies((r["type"], int(r["n"])) for r in found),
    )


async def _events(m: Moment) -> Events:
    finished = sorted(s.value for s in FINISHED)
    marks = ", ".join("?" for _ in finished)
    found = await rows(
        f"""
        SELECT 'status' AS figure, status AS k, CAST(NULL AS VARCHAR(50)) AS label, COUNT(*) AS n
          FROM event WHERE community_id = ? GROUP BY status
        UNION ALL
        SELECT 'category', category, NULL, COUNT(*)
          FROM event WHERE community_id = ? AND status NOT IN ({marks}) GROUP BY category
        UNION ALL
        SELECT 'grid', CAST(e.grid_id AS VARCHAR(40)), g.name, COUNT(*)
          FROM event e LEFT JOIN grid g ON g.id = e.grid_id
         WHERE e.community_id = ? AND e.status NOT IN ({marks}) GROUP BY e.grid_id, g.name
        UNION ALL
        SELECT 'overdue', NULL, NULL, COUNT(*)
          FROM event WHERE community_id = ? AND status NOT IN ({marks}) AND deadline_at < ?
        """,
        [m.community_id, m.community_id, *finished, m.community_id, *finished, m.community_id, *finished, m.now],
    )
    grids = sorted((r for r in found if r["figure"] == "grid"), key=lambda r: (r["k"] is None, int(r["k"] or 0)))
    return Events(
        open=sum(int(r["n"]) for r in found if r["figure"] == "category"),
        overdue=sum(int(r["n"]) for r in found if r["figure"] == "overdue"),
        by_status=_tallies((r["k"], int(r["n"])) for r in found if r["figure"] == "status"),
        by_category=_tallies((r["k"], int(r["n"])) for r in found if r["figure"] == "category"),
        by_grid=tuple(Tally(r["k"], r["label"], int(r["n"])) for r in grids),
    )


# What a meter read at an instant (its latest reading at or before it), three per meter, in a
# MATERIALIZED step: inlined, both databases would run a probe again for each use of its value. Over a span, the end's
# reading less the start's: with no reading within the span the two are the same row and the meter
# counts 0, as the bills' "no end reading" charges nothing.
# Ordered by the index (device_id, recorded_at) alone, so each is one step of an index scan
# (with the bills' tie-break on id PostgreSQL sorted every meter's readings, 12,000 times): a meter
# holds two readings at one instant only under two readingIds of its own.
_READ_AT = """(SELECT r.value FROM reading r WHERE r.device_id = d.id AND r.metric = ? AND r.recorded_at <= ?
                ORDER BY r.recorded_at DESC LIMIT 1)"""
_PRICE = """(SELECT t.price_fen FROM tariff t WHERE t.community_id = ? AND t.effective_from <= ?
              AND t.utility = CASE m.type WHEN 'WATER_METER' THEN 'WATER' ELSE 'ELECTRICITY' END
            ORDER BY t.effective_from DESC LIMIT 1)"""


async def _energy(m: Moment) -> tuple[Usage, ...]:
    this = calendar.span(m.zone, Period.THIS_MONTH, m.now)
    last = calendar.span(m.zone, Period.LAST_MONTH, m.now)
    types = sorted(t.value for t in ENERGY)
    found = await rows(
        f"""
        WITH m AS MATERIALIZED (
            SELECT d.type, {_READ_AT} AS last_, {_READ_AT} AS this_, {_READ_AT} AS now_
              FROM device d
             WHERE d.community_id = ? AND d.house_id IS NOT NULL AND d.type IN (?, ?)
               AND (d.retired_at IS NULL OR d.retired_at > ?))
        SELECT m.type, COUNT(*) AS meters,
               SUM(CASE WHEN m.now_ >= m.this_ THEN m.now_ - m.this_ ELSE 0 END) AS this_month,
               SUM(CASE WHEN m.this_ >= m.last_ THEN m.this_ - m.last_ ELSE 0 END) AS last_month,
               {_PRICE} AS this_price, {_PRICE} AS last_price
          FROM m
         GROUP BY m.type
        """,
        [
            METRIC,
            last.since,
            METRIC,
            this.since,
            METRIC,
            m.now,
            m.community_id,
            *types,
            last.since,
            m.community_id,
            _first_day(this.since, m.zone),
            m.community_id,
            _first_day(last.since, m.zone),
        ],
    )
    by_type = {str(r["type"]): r for r in found}
    usages = []
    for device_type, utility in sorted(ENERGY.items(), key=lambda item: item[1].value):
        r: dict[str, Any] = by_type.get(device_type.value, {})
        this_units, last_units = (
            money.milli(float(r.get("this_month") or 0)),
            money.milli(float(r.get("last_month") or 0)),
        )
        this_price, last_price = r.get("this_price"), r.get("last_price")
        usages.append(
            Usage(
                utility=utility.value,
                meters=int(r.get("meters") or 0),
                this_month=this_units / 1000,
                last_month=last_units / 1000,
                this_month_fen=None if this_price is None else money.amount_fen(this_units, int(this_price)),
                last_month_fen=None if last_price is None else money.amount_fen(last_units, int(last_price)),
            )
        )
    return tuple(usages)


def _first_day(since: datetime, zone: str) -> date:
    return since.astimezone(calendar.zone(zone)).date()


async def _points(m: Moment) -> Points:
    month = calendar.span(m.zone, Period.THIS_MONTH, m.now)
    found = (
        await Entry.filter(
            community_id=m.community_id, amount__gt=0, created_at__gte=month.since, created_at__lt=month.until
        )
        .annotate(total=Sum("amount"))
        .group_by("kind")
        .values("kind", "total")
    )
    tallies = _tallies((str(r["kind"]), int(r["total"] or 0)) for r in found)
    return Points(issued=sum(t.count for t in tallies), by_kind=tallies)


async def _orders_today(m: Moment) -> OrdersToday:
    today = calendar.span(m.zone, Period.TODAY, m.now)
    found = (
        await Order.filter(community_id=m.community_id, placed_at__gte=today.since, placed_at__lt=today.until)
        .annotate(n=Count("id"), revenue=Sum("total_fen"))
        .group_by("status")
        .values("status", "n", "revenue")
    )
    return OrdersToday(
        placed=sum(int(r["n"]) for r in found),
        revenue_fen=sum(int(r["revenue"] or 0) for r in found),
        by_status=_tallies((str(r["status"]), int(r["n"])) for r in found),
    )


def _tallies(pairs: Any) -> tuple[Tally, ...]:
    """Summed by key, most first (then by key): the same figures always in the same order."""
    totals: dict[str, int] = {}
    for key, n in pairs:
        totals[str(key)] = totals.get(str(key), 0) + n
    return tuple(Tally(k, None, n) for k, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


async def _parking(m: Moment) -> tuple[LotOccupancy, ...]:
    return tuple(await occupancy(m.community_id))  # one statement (domain/parking/occupancy.py)


# Every panel and its reader, in the order the page shows them.
PANELS: dict[str, Callable[[Moment], Awaitable[Any]]] = {
    "people": _people,
    "devices": _devices,
    "alarms": _alarms,
    "events": _events,
    "energy": _energy,
    "points": _points,
    "orders_today": _orders_today,
    "parking": _parking,
}
