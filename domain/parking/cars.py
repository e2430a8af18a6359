"""Households' cars (by plate, one registration per plate in a community) and visitors' passes (a
plate let in during a window of at most ``PASS_MAX``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput, TimeWithoutZone
from domain.common.pagination import Page, paginate
from domain.common.rows import create_or_conflict, get_visible, given
from domain.common.text import text
from domain.parking import access, plates
from domain.parking.models import Car, ParkingPass
from domain.space.access import readable_houses
from domain.space.models import House
from realtime.outbox import transaction

MAX_CARS_PER_HOUSE = 10
PASS_MAX = timedelta(hours=24)
PASS_AHEAD = timedelta(days=30)  # how far ahead a pass may start
OPEN_PASSES_PER_HOUSE = 20  # not yet ended, at once


async def register_car(viewer: Viewer, *, house_id: int, plate: str) -> Car:
    house = await _house(viewer, house_id)
    access.check_for_household(viewer, house.community_id, house.id, "Registering a car")
    number = plates.plate(plate)
    if await Car.exists(community_id=house.community_id, plate=number):
        raise Conflict("This plate is registered in the community already", field="plate")
    if await Car.filter(house_id=house.id).count() >= MAX_CARS_PER_HOUSE:
        raise InvalidInput(f"A household registers at most {MAX_CARS_PER_HOUSE} cars", field="houseId")
    async with transaction():
        # A twin registering the same plate at once: one wins, the other is CONFLICT (the unique index).
        return await create_or_conflict(
            Car,
            "This plate is registered in the community already",
            field="plate",
            community_id=house.community_id,
            house_id=house.id,
            plate=number,
            registered_by_id=viewer.person_id,
        )


async def remove_car(viewer: Viewer, car_id: int) -> Car:
    car = await get_visible(access.readable_cars(viewer), car_id, what="car", field="id")
    access.check_for_household(viewer, car.community_id, car.house_id, "Removing a car")
    async with transaction():
        await Car.filter(id=car.id).delete()
    return car


async def list_cars(
    viewer: Viewer, *, community_id: int | None, house_id: int | None, first: int | None, after: str | None
) -> Page[Car]:
    qs = access.readable_cars(viewer).filter(**given(community_id=community_id, house_id=house_id))
    return await paginate(qs, first=first, after=after)


@dataclass(frozen=True)
class NewPass:
    house_id: int
    plate: str
    valid_from: datetime
    valid_until: datetime
    visitor_name: str = ""


async def issue_pass(viewer: Viewer, new: NewPass, *, now: datetime | None = None) -> ParkingPass:
    now = now or datetime.now(UTC)
    house = await _house(viewer, new.house_id)
    access.check_issue_pass(viewer, house.id)
    number = plates.plate(new.plate)
    for name, value in (("validFrom", new.valid_from), ("validUntil", new.valid_until)):
        if value.utcoffset() is None:
            raise TimeWithoutZone(value, field=name)
    if new.valid_until <= new.valid_from:
        raise InvalidInput("validUntil must be after validFrom", field="validUntil")
    if new.valid_until - new.valid_from > PASS_MAX:
        raise InvalidInput(f"A pass lasts at most {PASS_MAX.total_seconds() / 3600:g} hours", field="validUntil")
    if new.valid_until <= now:
        raise InvalidInput("The pass would have ended already", field="validUntil")
    if new.valid_from > now + PASS_AHEAD:
        raise InvalidInput(f"A pass starts within {PASS_AHEAD.days} days", field="validFrom")
    visitor = text(new.visitor_name, field="visitorName", max_length=50, min_length=0)
    open_passes = ParkingPass.filter(house_id=house.id, cancelled_at=None, valid_until__gt=now)
    if await open_passes.count() >= OPEN_PASSES_PER_HOUSE:
        raise InvalidInput(f"A household holds at most {OPEN_PASSES_PER_HOUSE} open passes", field="houseId")
    async with transaction():
        return await ParkingPass.create(
            community_id=house.community_id,
            house_id=house.id,
            issued_by_id=viewer.person_id,
            plate=number,
            visitor_name=visitor,
            valid_from=new.valid_from.astimezone(UTC),
            valid_until=new.valid_until.astimezone(UTC),
        )


async def cancel_pass(viewer: Viewer, pass_id: int) -> ParkingPass:
    row = await get_visible(access.readable_passes(viewer), pass_id, what="pass", field="id")
    access.check_cancel_pass(viewer, row)
    if row.cancelled_at is None:
        async with transaction():
            await ParkingPass.filter(id=row.id, cancelled_at=None).update(cancelled_at=datetime.now(UTC))
    return await ParkingPass.get(id=row.id)


async def list_passes(
    viewer: Viewer, *, community_id: int | None, house_id: int | None, first: int | None, after: str | None
) -> Page[ParkingPass]:
    qs = access.readable_passes(viewer).filter(**given(community_id=community_id, house_id=house_id))
    return await paginate(qs, first=first, after=after)


async def _house(viewer: Viewer, house_id: int) -> House:
    """A house the viewer can see (else NOT_FOUND, as one that does not exist)."""
    return await get_visible(readable_houses(viewer), house_id, what="house", field="houseId")
