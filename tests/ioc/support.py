"""A community's things for the operations centre, written straight to their tables (the figures
are what is under test, not how each noun writes them), and the documents that read them."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.alarms.models import Alarm, Severity
from domain.bills.models import Tariff, Utility
from domain.devices.models import Device, DeviceType, Reading
from domain.events.models import Category, Event, Source, Status
from domain.orders.models import Order
from domain.orders.models import Status as OrderStatus
from domain.payments.models import ProviderName
from domain.people.models import Residency, ResidencyKind
from domain.points.models import Entry, Kind
from domain.points.models import Source as PointsSource
from domain.shops.models import Shop
from domain.space import calendar
from domain.space.calendar import Period
from domain.space.models import Community, Grid, House
from tests.support import World, make_person

_serial = itertools.count(1)

TALLY = "key label count"
DASHBOARD_FIELDS = f"""
  communityId
  people {{ residents houses occupiedHouses byBuilding {{ {TALLY} }} byCareTag {{ {TALLY} }} }}
  devices {{ online offline byType {{ type online offline }} }}
  alarms {{ active unacknowledged bySeverity {{ {TALLY} }} byType {{ {TALLY} }} }}
  events {{ open overdue byStatus {{ {TALLY} }} byCategory {{ {TALLY} }} byGrid {{ {TALLY} }} }}
  energy {{ utility meters thisMonth lastMonth thisMonthFen lastMonthFen }}
  points {{ issued byKind {{ {TALLY} }} }}
  ordersToday {{ placed revenueFen byStatus {{ {TALLY} }} }}
  parking {{ lotId name total occupied free }}
"""
DASHBOARD = f"query D($c: ID!) {{ dashboard(communityId: $c) {{ {DASHBOARD_FIELDS} }} }}"
COUNTERS = (
    f"subscription C($c: ID!) {{ dashboardCounters(communityId: $c) {{ changed dashboard {{ {DASHBOARD_FIELDS} }} }} }}"
)
FEED = """
subscription F($c: ID!, $after: String) {
  iocFeed(communityId: $c, after: $after) {
    cursor source kind
    alarm { id type severity acknowledged }
    event { id status category }
    device { deviceId online }
    order { id status totalFen }
  }
}
"""


def key() -> str:
    return f"{next(_serial):064d}"


async def device(
    community: Community, type: DeviceType, *, online: bool = True, house: House | None = None, **extra: Any
) -> Device:
    return await Device.create(
        community=community,
        house=house,
        building_id=house.building_id if house else None,
        type=type,
        name=f"{type.value} {next(_serial)}",
        key_hash=key(),
        online=online,
        **extra,
    )


async def alarm(
    community: Community, type: str, severity: Severity, *, grid: Grid | None = None, **extra: Any
) -> Alarm:
    now = datetime.now(UTC)
    return await Alarm.create(
        community=community,
        grid=grid,
        type=type,
        severity=severity,
        active_key=None if extra.get("cleared_at") else f"k{next(_serial)}",
        first_seen_at=now,
        last_seen_at=now,
        **extra,
    )


async def event(
    community: Community, category: Category, status: Status, *, grid: Grid | None = None, late: bool = False
) -> Event:
    now = datetime.now(UTC)
    return await Event.create(
        community=community,
        grid=grid,
        category=category,
        source=Source.RESIDENT_APP,
        status=status,
        description="something",
        reported_at=now - timedelta(days=3),
        deadline_at=now - timedelta(hours=1) if late else now + timedelta(days=1),
    )


async def order(
    community: Community,
    house: House,
    total_fen: int,
    *,
    status: OrderStatus = OrderStatus.PLACED,
    placed_at: datetime | None = None,
) -> Order:
    shop = await Shop.filter(community=community).first() or await Shop.create(
        community=community, name=f"Shop {next(_serial)}"
    )
    resident = await make_person()
    return await Order.create(
        community=community,
        shop=shop,
        resident=resident,
        house=house,
        house_number=house.number,
        contact_name="R",
        contact_phone=resident.phone,
        idempotency_key=key()[:64],
        status=status,
        total_fen=total_fen,
        payment_provider=ProviderName.ON_DELIVERY,
        placed_at=placed_at or datetime.now(UTC),
    )


async def points(community: Community, amount: int, kind: Kind = Kind.GREEN, *, at: datetime | None = None) -> Entry:
    person = await make_person()
    return await Entry.create(
        community=community,
        person=person,
        kind=kind,
        amount=amount,
        reason_code="SORTED_RIGHT",
        reason="r",
        source=PointsSource.SORTING,
        idempotency_key=key(),
        created_at=at or datetime.now(UTC),
    )


async def meter_readings(meter: Device, values: list[tuple[datetime, float]]) -> None:
    await Reading.bulk_create(
        [Reading(device_id=meter.id, metric="reading", value=v, recorded_at=t) for t, v in values]
    )


def months(community: Community) -> tuple[calendar.Span, calendar.Span]:
    return calendar.span(community.time_zone, Period.THIS_MONTH), calendar.span(community.time_zone, Period.LAST_MONTH)


async def scene(world: World) -> None:
    """Community A's figures (and some of B's, which A's dashboard must never count):
    residents 3 (a101: 2, a102: 1; a moved-out tenant of a201 is not), care tags CHILD 1 and
    ELDERLY_ALONE 1; devices online 2 offline 1 (a retired one not counted); alarms 2 active
    (1 unacknowledged), 1 cleared; events 3 open (1 overdue) and 1 closed; electricity 30 kWh this
    month and 100 last at 50 fen; points 15 this month (5 last month not); orders today 2, 3000 fen."""
    w = world
    gone = await make_person()
    await Residency.create(
        person=gone,
        house=w.a201,
        community=w.a,
        kind=ResidencyKind.TENANT,
        moved_in=date(2020, 1, 1),
        moved_out=date(2021, 1, 1),
    )
    await device(w.a, DeviceType.SMOKE_DETECTOR, online=True, house=w.a101)
    await device(w.a, DeviceType.SMOKE_DETECTOR, online=False, house=w.a102)
    await device(w.a, DeviceType.CAMERA, online=True)
    await device(w.a, DeviceType.CAMERA, online=True, retired_at=datetime.now(UTC))
    await device(w.b, DeviceType.CAMERA, online=False)
    await alarm(w.a, "SMOKE", Severity.CRITICAL, grid=w.g1)
    await alarm(w.a, "GAS", Severity.MAJOR, acknowledged_at=datetime.now(UTC))
    await alarm(w.a, "SMOKE", Severity.CRITICAL, cleared_at=datetime.now(UTC))
    await alarm(w.b, "SOS", Severity.CRITICAL)
    await event(w.a, Category.REPAIR, Status.REPORTED, grid=w.g1, late=True)
    await event(w.a, Category.REPAIR, Status.ASSIGNED, grid=w.g1)
    await event(w.a, Category.NOISE, Status.IN_PROGRESS, grid=w.g2)
    await event(w.a, Category.NOISE, Status.CLOSED, grid=w.g2, late=True)
    await event(w.b, Category.NOISE, Status.REPORTED, late=True)
    this, last = months(w.a)
    meter = await device(w.a, DeviceType.ELECTRICITY_METER, house=w.a101)
    await meter_readings(
        meter,
        [
            (last.since - timedelta(hours=1), 1000.0),  # start of last month
            (this.since - timedelta(hours=1), 1100.0),  # end of last month: 100 kWh
            (this.since + timedelta(minutes=1), 1110.0),
            (min(datetime.now(UTC), this.since + timedelta(minutes=2)), 1130.0),  # so far: 30 kWh
        ],
    )
    first_of_last = last.since.astimezone(calendar.zone(w.a.time_zone)).date()
    await Tariff.create(community=w.a, utility=Utility.ELECTRICITY, price_fen=50, effective_from=first_of_last)
    b_meter = await device(w.b, DeviceType.ELECTRICITY_METER, house=w.b101)
    await meter_readings(b_meter, [(last.since - timedelta(hours=1), 0.0), (this.since - timedelta(hours=1), 999.0)])
    await points(w.a, 10)
    await points(w.a, 5, Kind.VOLUNTEER)
    await points(w.a, -3)  # spent: not issued
    await points(w.a, 5, at=last.since + timedelta(hours=1))
    await points(w.b, 100)
    await order(w.a, w.a101, 1000)
    await order(w.a, w.a102, 2000, status=OrderStatus.ACCEPTED)
    await order(w.a, w.a102, 7000, placed_at=datetime.now(UTC) - timedelta(days=2))
    await order(w.b, w.b101, 5000)
