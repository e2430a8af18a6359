"""Generating a month's bills: one per house, from the meter readings already stored.

A meter line charges (reading at the period's end − reading at its start) × the tariff in force on
the period's first day. The start is the meter's latest reading at or before the first instant of
the month, the end its latest reading within the month (up to and including the first instant of
the next). Whatever is missing or makes no sense — no start or end reading, a register that went
down, no tariff, no floor area — is a line of 0 fen flagged with its anomaly, never a failure: the
office sees it on the bill and corrects it by hand.

Each house's bill is one transaction with its lines and its BILL_ISSUED message; the unique
(house, period) index makes a second run, or a concurrent twin, create nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.exceptions import IntegrityError

from auth.viewer import Viewer
from domain.bills import access, messages, money, tariffs
from domain.bills.messages import BillMessage
from domain.bills.models import Anomaly, Bill, BillLine, Tariff, Utility
from domain.bills.periods import Month, parse_period
from domain.common.errors import InvalidInput, NotFound
from domain.devices import meters
from domain.devices.models import Device, DeviceType
from domain.space import calendar
from domain.space.models import Community, House
from realtime.outbox import record, transaction

UTILITY_OF_METER = {
    DeviceType.WATER_METER: Utility.WATER,
    DeviceType.ELECTRICITY_METER: Utility.ELECTRICITY,
    DeviceType.GAS_METER: Utility.GAS,
    DeviceType.HEAT_METER: Utility.HEAT,
}
MAX_DUE_DAYS = 366
# What a bill's lines are declared to be at most, for the query cost: a few meters and the property fee.
MAX_LINES = 20


@dataclass(frozen=True)
class Generated:
    period: str
    created: int  # bills made by this run
    existing: int  # houses that had their bill already
    anomalies: int  # flagged lines on the bills made by this run


async def generate(viewer: Viewer, *, community_id: int, period: str, due_days: int) -> Generated:
    """billsGenerate: an operator generates a month that has ended."""
    access.check_generate(viewer, community_id)
    month = parse_period(period)
    community = await Community.get_or_none(id=community_id)
    if community is None:
        raise NotFound(f"No community with id {community_id} that you can see", field="communityId")
    return await generate_month(community, month, due_days=due_days)


async def generate_month(
    community: Community, month: Month, *, due_days: int, now: datetime | None = None
) -> Generated:
    now = now or datetime.now(UTC)
    if not 0 <= due_days <= MAX_DUE_DAYS:
        raise InvalidInput(f"Bills are due 0 to {MAX_DUE_DAYS} days after their month", field="dueDays")
    span = month.span(community.time_zone)
    if span.until > now:
        raise InvalidInput(f"{month.label} has not ended yet in {community.time_zone}", field="period")
    in_force = await tariffs.in_force_for(community.id, month.first_day)
    due_date = month.last_day + timedelta(days=due_days)
    terms = _Terms(
        month=month,
        span=span,
        tariffs=in_force,
        due_date=due_date,
        overdue_from=calendar.midnight(due_date + timedelta(days=1), calendar.zone(community.time_zone)),
    )
    billed = set(await Bill.filter(community_id=community.id, period=month.label).values_list("house_id", flat=True))
    by_house = await meters.meters_by_house(community.id, in_service_at=span.since)
    created = anomalies = 0
    for house in await House.filter(community_id=community.id).exclude(id__in=sorted(billed)).order_by("id"):
        lines = [await _meter_line(meter, terms) for meter in by_house.get(house.id, [])]
        lines.append(_property_fee(house, terms))
        if await _issue(house, terms, lines, now):
            created += 1
            anomalies += sum(1 for line in lines if line.anomaly is not None)
    return Generated(period=month.label, created=created, existing=len(billed), anomalies=anomalies)


@dataclass(frozen=True)
class _Terms:
    month: Month
    span: calendar.Span
    tariffs: dict[Utility, Tariff]
    due_date: date
    overdue_from: datetime


async def _meter_line(meter: Device, terms: _Terms) -> BillLine:
    utility = UTILITY_OF_METER[DeviceType(meter.type)]
    start = await meters.read_at(meter.id, terms.span.since)
    end = await meters.read_at(meter.id, terms.span.until, after=terms.span.since)
    line = BillLine(
        utility=utility,
        device_id=meter.id,
        start_reading=start.value if start else None,
        end_reading=end.value if end else None,
        amount_fen=0,
    )
    tariff = terms.tariffs.get(utility)
    if start is None:
        return _flagged(line, Anomaly.MISSING_START_READING, f"{meter.name}: no reading at or before the month began")
    if end is None:
        return _flagged(line, Anomaly.MISSING_END_READING, f"{meter.name}: no reading during the month")
    quantity = money.milli(end.value) - money.milli(start.value)
    if quantity < 0:
        return _flagged(
            line, Anomaly.DECREASING_READING, f"{meter.name}: went from {start.value:g} down to {end.value:g}"
        )
    line.quantity_milli = quantity
    if tariff is None:
        return _flagged(line, Anomaly.NO_TARIFF, f"No {utility.value} tariff in force on {terms.month.first_day}")
    line.unit_price_fen = tariff.price_fen
    line.amount_fen = money.amount_fen(quantity, tariff.price_fen)
    line.note = meter.name
    return line


def _property_fee(house: House, terms: _Terms) -> BillLine:
    line = BillLine(utility=Utility.PROPERTY_FEE, amount_fen=0)
    tariff = terms.tariffs.get(Utility.PROPERTY_FEE)
    if house.area_m2 is None:
        return _flagged(line, Anomaly.NO_AREA, f"House {house.number} has no floor area")
    line.quantity_milli = money.milli(house.area_m2)
    if tariff is None:
        return _flagged(line, Anomaly.NO_TARIFF, f"No property fee in force on {terms.month.first_day}")
    line.unit_price_fen = tariff.price_fen
    line.amount_fen = money.amount_fen(line.quantity_milli, tariff.price_fen)
    return line


def _flagged(line: BillLine, anomaly: Anomaly, note: str) -> BillLine:
    line.anomaly = anomaly
    line.note = note[:200]
    line.amount_fen = 0
    return line


async def _issue(house: House, terms: _Terms, lines: list[BillLine], now: datetime) -> bool:
    """The bill, its lines and its message, or nothing if the house has its bill already."""
    async with transaction():
        if await Bill.exists(house_id=house.id, period=terms.month.label):
            return False  # a twin made it since this run looked
        try:
            async with transaction():  # a savepoint: losing the race to the unique index ends only it
                bill = await Bill.create(
                    community_id=house.community_id,
                    house_id=house.id,
                    period=terms.month.label,
                    period_start=terms.span.since,
                    period_end=terms.span.until,
                    total_fen=sum(line.amount_fen for line in lines),
                    anomalies=sum(1 for line in lines if line.anomaly is not None),
                    due_date=terms.due_date,
                    overdue_from=terms.overdue_from,
                    issued_at=now,
                )
        except IntegrityError:
            return False
        for line in lines:
            line.bill_id = bill.id
        await BillLine.bulk_create(lines)
        await record(messages.topic(bill.community_id), BillMessage.ISSUED, messages.payload(bill))
    return True
