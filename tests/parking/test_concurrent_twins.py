"""Twins at once (PostgreSQL: SQLite runs one writer at a time): the same plate registered twice, the
same gate record sent twice. One wins; the other is CONFLICT, or the stored record again."""

from __future__ import annotations

import asyncio

import pytest

from domain.parking.models import Car, GateRecord, ParkingLot
from tests.parking.support import CAR, GATE, make_car_park
from tests.support import Api, World, data, outcome_codes

pytestmark = pytest.mark.usefixtures("postgres_writers")


async def test_one_plate_registered_twice_at_once_is_one_car(api: Api, world: World) -> None:
    plate = {"plate": "浙A55555"}
    results = await asyncio.gather(
        api(CAR, {"h": str(world.a101.id), **plate}, as_=world.owner_a101),
        api(CAR, {"h": str(world.a102.id), **plate}, as_=world.elder_a102),
    )
    assert outcome_codes(list(results)) == ["CONFLICT", "OK"]
    assert await Car.filter(plate="浙A55555").count() == 1


async def test_one_gate_record_sent_twice_at_once_is_stored_and_counted_once(api: Api, world: World) -> None:
    park = await make_car_park(api, world, sensed=0, unsensed=2)
    data(await api(CAR, {"h": str(world.a101.id), "plate": "浙A12345"}, as_=world.owner_a101))
    entry = {"key": park.gate_key, "plate": "浙A12345", "direction": "IN", "rid": "twin-1"}
    results = await asyncio.gather(*(api(GATE, entry) for _ in range(4)))
    assert outcome_codes(results) == ["OK"] * 4
    assert len({data(r)["parkingGateRecord"]["id"] for r in results}) == 1
    assert await GateRecord.filter(lot_id=int(park.lot_id)).count() == 1
    assert (await ParkingLot.get(id=int(park.lot_id))).vehicles_inside == 1
