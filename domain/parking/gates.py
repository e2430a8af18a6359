"""A lot's gate reading plates, by its device key: a car comes in if it is a household's registered
car of the community or holds a visitor's pass valid at that moment; every car goes out. Each record
is stored (refused ones too), once per gate record id, and what comes in or goes out moves the
lot's count of cars inside, and so its free spaces (availability.changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from auth.viewer import Viewer
from domain.common.errors import InvalidInput, RateLimited, Unauthenticated
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, lock
from domain.devices import telemetry
from domain.devices.models import DeviceType
from domain.parking import access, availability, plates
from domain.parking.models import Car, Direction, GateRecord, ParkingLot, ParkingPass
from realtime.outbox import transaction

MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_AGE = timedelta(days=1)  # a gate forwards a backlog after an outage, not older
RECORD_ID_MAX = 64


@dataclass(frozen=True)
class GateIn:
    plate: str
    direction: Direction
    at: datetime | None = None
    record_id: str | None = None


async def record_passage(device_key: str, entry: GateIn, *, client: str, now: datetime | None = None) -> GateRecord:
    now = now or datetime.now(UTC)
    if await telemetry.BAD_KEYS.exhausted(client):
        raise RateLimited(telemetry.BAD_KEYS.refusal, field="deviceKey")
    try:
        device = await telemetry.authenticate_device(device_key)
    except Unauthenticated:
        await telemetry.BAD_KEYS.try_spend(client)
        raise
    if device.type is not DeviceType.VEHICLE_GATE:
        raise InvalidInput("Only vehicle gates report cars", field="deviceKey")
    lot = await ParkingLot.get_or_none(gate_id=device.id)
    if lot is None:
        raise InvalidInput("This gate is no lot's gate yet", field="deviceKey")
    number = plates.plate(entry.plate)
    at = _time(entry.at, now)
    if entry.record_id is not None and not 1 <= len(entry.record_id) <= RECORD_ID_MAX:
        raise InvalidInput(f"recordId has 1 to {RECORD_ID_MAX} characters", field="recordId")
    async with transaction():
        await lock(ParkingLot, lot.id)  # a twin of this record waits here, then finds it stored
        if entry.record_id is not None:
            known = await GateRecord.get_or_none(device_id=device.id, record_id=entry.record_id)
            if known is not None:
                return known
        car_id, pass_id, reason = None, None, "OUT"
        if entry.direction is Direction.IN:
            car_id, pass_id, reason = await _admission(lot.community_id, number, at)
        allowed = reason != "NOT_ALLOWED"
        row = await GateRecord.create(
            lot_id=lot.id,
            community_id=lot.community_id,
            device_id=device.id,
            record_id=entry.record_id,
            plate=number,
            direction=entry.direction,
            at=at,
            allowed=allowed,
            reason=reason,
            car_id=car_id,
            pass_id=pass_id,
        )
        moved = 0
        if allowed and entry.direction is Direction.IN:
            moved = await ParkingLot.filter(id=lot.id).update(vehicles_inside=F("vehicles_inside") + 1)
        elif entry.direction is Direction.OUT:
            moved = await ParkingLot.filter(id=lot.id, vehicles_inside__gt=0).update(
                vehicles_inside=F("vehicles_inside") - 1
            )
        if moved:
            await availability.changed(lot.id, now=now)
    return row


async def _admission(community_id: int, plate: str, at: datetime) -> tuple[int | None, int | None, str]:
    car = await Car.get_or_none(community_id=community_id, plate=plate)
    if car is not None:
        return car.id, None, "RESIDENT_CAR"
    valid = await ParkingPass.filter(
        community_id=community_id, plate=plate, cancelled_at=None, valid_from__lte=at, valid_until__gte=at
    ).first()
    if valid is not None:
        return None, valid.id, "VISITOR_PASS"
    return None, None, "NOT_ALLOWED"


def _time(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    if at.utcoffset() is None:
        raise InvalidInput("at needs a time zone (e.g. +08:00 or Z)", field="at")
    at = at.astimezone(UTC)
    if at > now + MAX_CLOCK_SKEW:
        raise InvalidInput("at is in the future", field="at")
    if at < now - MAX_AGE:
        raise InvalidInput("at is more than a day old", field="at")
    return at


async def list_records(viewer: Viewer, *, lot_id: int, first: int | None, after: str | None) -> Page[GateRecord]:
    lot = await get_visible(access.readable_lots(viewer), lot_id, what="lot", field="lotId")
    return await paginate(access.readable_gate_records(viewer).filter(lot_id=lot.id), first=first, after=after)
