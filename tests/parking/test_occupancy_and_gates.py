"""Occupancy of lots from their sensors and their gate, registered cars and visitors' passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from domain.parking import occupancy
from domain.parking.models import Car, GateRecord, ParkingLot, ParkingPass, ParkingSpace
from tests.conftest import RunningServer
from tests.parking.support import CAR, GATE, PASS, availability, make_car_park, sense
from tests.support import Api, World, code_and_field, data


async def test_sensors_and_the_gate_fill_a_lot(api: Api, world: World, server: RunningServer) -> None:
    park = await make_car_park(api, world, sensed=3, unsensed=2)
    assert (await availability(api, world))[park.lot_id] | {} == {
        "lotId": park.lot_id,
        "name": "P1",
        "total": 5,
        "occupied": 0,
        "free": 5,
    }
    async with httpx.AsyncClient() as http:
        await sense(http, server, park.sensors[0], 1)
        await sense(http, server, park.sensors[1], 1)
        await sense(http, server, park.sensors[1], 0)
    assert (await availability(api, world))[park.lot_id]["occupied"] == 1
    data(await api(CAR, {"h": str(world.a101.id), "plate": "浙A·12345"}, as_=world.owner_a101))
    # Two cars in: one parks on the sensed space (already counted), the other fills an unsensed one.
    for rid in ("r1", "r2"):
        entered = data(await api(GATE, {"key": park.gate_key, "plate": "浙A12345", "direction": "IN", "rid": rid}))
        assert entered["parkingGateRecord"]["allowed"] is True
    assert (await availability(api, world))[park.lot_id]["occupied"] == 2
    # The same record again is stored once.
    data(await api(GATE, {"key": park.gate_key, "plate": "浙A12345", "direction": "IN", "rid": "r2"}))
    assert await GateRecord.filter(lot_id=int(park.lot_id)).count() == 2
    [counted] = await occupancy.occupancy(world.a.id)
    assert (counted.total, counted.sensed, counted.occupied, counted.vehicles_inside) == (5, 3, 2, 2)
    # Out, and out more than came in: never below zero.
    for _ in range(3):
        data(await api(GATE, {"key": park.gate_key, "plate": "浙A12345", "direction": "OUT"}))
    assert (await ParkingLot.get(id=int(park.lot_id))).vehicles_inside == 0
    assert (await availability(api, world))[park.lot_id]["occupied"] == 1


async def test_a_visitor_comes_in_within_the_pass_and_not_outside_it(api: Api, world: World) -> None:
    park = await make_car_park(api, world, sensed=0, unsensed=2)
    now = datetime.now(UTC)
    window = {"houseId": str(world.a101.id), "plate": "沪B54321", "visitorName": "Aunt"}
    ok = {
        **window,
        "validFrom": (now - timedelta(hours=1)).isoformat(),
        "validUntil": (now + timedelta(hours=2)).isoformat(),
    }
    data(await api(PASS, {"input": ok}, as_=world.owner_a101))
    entered = data(await api(GATE, {"key": park.gate_key, "plate": "沪B 54321", "direction": "IN"}))[
        "parkingGateRecord"
    ]
    assert (entered["allowed"], entered["reason"]) == (True, "VISITOR_PASS")
    early = (now - timedelta(hours=3)).isoformat()
    refused = data(await api(GATE, {"key": park.gate_key, "plate": "沪B54321", "direction": "IN", "at": early}))
    assert (refused["parkingGateRecord"]["allowed"], refused["parkingGateRecord"]["reason"]) == (False, "NOT_ALLOWED")
    stranger = data(await api(GATE, {"key": park.gate_key, "plate": "京C11111", "direction": "IN"}))
    assert stranger["parkingGateRecord"]["allowed"] is False
    assert (await ParkingLot.get(id=int(park.lot_id))).vehicles_inside == 1


async def test_passes_are_bounded_and_bad_input_writes_nothing(api: Api, world: World) -> None:
    now = datetime.now(UTC)

    def window(start: timedelta, end: timedelta, **extra: str) -> dict[str, str]:
        return {
            "houseId": str(world.a101.id),
            "plate": "沪B54321",
            "validFrom": (now + start).isoformat(),
            "validUntil": (now + end).isoformat(),
            **extra,
        }

    cases = [
        (window(timedelta(0), timedelta(hours=25)), world.owner_a101, ("INVALID_INPUT", "validUntil")),
        (window(timedelta(hours=2), timedelta(hours=1)), world.owner_a101, ("INVALID_INPUT", "validUntil")),
        (window(-timedelta(hours=5), -timedelta(hours=1)), world.owner_a101, ("INVALID_INPUT", "validUntil")),
        (window(timedelta(days=40), timedelta(days=40, hours=1)), world.owner_a101, ("INVALID_INPUT", "validFrom")),
        (window(timedelta(0), timedelta(hours=1), plate="ABC"), world.owner_a101, ("INVALID_INPUT", "plate")),
        (
            {**window(timedelta(0), timedelta(hours=1)), "validFrom": "2030-01-01T10:00:00"},
            world.owner_a101,
            ("INVALID_INPUT", "input.validFrom"),
        ),
        (window(timedelta(0), timedelta(hours=1)), world.elder_a102, ("NOT_FOUND", "houseId")),
        (window(timedelta(0), timedelta(hours=1)), world.staff_a, ("FORBIDDEN", "houseId")),
        (window(timedelta(0), timedelta(hours=1)), world.owner_b101, ("NOT_FOUND", "houseId")),
    ]
    for payload, person, expected in cases:
        assert code_and_field(await api(PASS, {"input": payload}, as_=person)) == expected, payload
    assert await ParkingPass.all().count() == 0


async def test_cars_are_validated_and_unique_per_community(api: Api, world: World) -> None:
    made = data(await api(CAR, {"h": str(world.a101.id), "plate": " 浙a-12345 "}, as_=world.owner_a101))["carRegister"]
    assert made["plate"] == "浙A12345"
    assert code_and_field(await api(CAR, {"h": str(world.a102.id), "plate": "浙A12345"}, as_=world.elder_a102)) == (
        "CONFLICT",
        "plate",
    )
    for plate in ("12345", "浙A1234", "浙AO12345", "浙A1234567"):
        result = await api(CAR, {"h": str(world.a101.id), "plate": plate}, as_=world.owner_a101)
        assert code_and_field(result) == ("INVALID_INPUT", "plate"), plate
    assert code_and_field(await api(CAR, {"h": str(world.a102.id), "plate": "浙A22222"}, as_=world.owner_a101)) == (
        "NOT_FOUND",
        "houseId",
    )
    # Another community may have the same plate: unique per community.
    data(await api(CAR, {"h": str(world.b101.id), "plate": "浙A12345"}, as_=world.owner_b101))
    # The office registers one for a household.
    data(await api(CAR, {"h": str(world.a102.id), "plate": "浙A33333"}, as_=world.staff_a))
    assert await Car.all().count() == 3


async def test_setting_up_a_car_park_is_the_operators(api: Api, world: World) -> None:
    from tests.parking.support import LOT, SPACE, device

    park = await make_car_park(api, world, sensed=1, unsensed=0)
    smoke_id, _ = await device(api, world, "SMOKE_DETECTOR", "smoke")
    lot = {"communityId": str(world.a.id), "name": "P2", "kind": "COMMUNITY"}
    for person in (world.staff_a, world.owner_a101, world.operator_b):
        code, _ = code_and_field(await api(LOT, {"input": lot}, as_=person))
        assert code == "FORBIDDEN", person.name
    cases = [
        ({**lot, "gateDeviceId": smoke_id}, ("INVALID_INPUT", "gateDeviceId")),
        ({**lot, "name": "P1"}, ("CONFLICT", "name")),
        ({**lot, "kind": "BUILDING"}, ("INVALID_INPUT", "buildingId")),
        ({**lot, "buildingId": str(world.b1.id)}, ("NOT_FOUND", "buildingId")),
    ]
    for payload, expected in cases:
        assert code_and_field(await api(LOT, {"input": payload}, as_=world.operator_a)) == expected, payload
    space = {"lotId": park.lot_id, "code": "X1", "kind": "OWNED"}
    for payload, expected in [
        (space, ("INVALID_INPUT", "houseId")),
        ({**space, "houseId": str(world.b101.id)}, ("NOT_FOUND", "houseId")),
        ({**space, "kind": "VISITOR", "code": "P1-000"}, ("CONFLICT", "code")),
        ({**space, "kind": "VISITOR", "sensorDeviceId": smoke_id}, ("INVALID_INPUT", "sensorDeviceId")),
    ]:
        assert code_and_field(await api(SPACE, {"input": payload}, as_=world.operator_a)) == expected, payload
    assert (await ParkingLot.all().count(), await ParkingSpace.all().count()) == (1, 1)
