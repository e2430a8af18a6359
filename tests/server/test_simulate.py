"""`lingli simulate` drives devices through the gateway endpoint; incidents become alarms."""

from __future__ import annotations

import random

from domain.alarms.models import Alarm
from domain.devices.models import DeviceType, Reading
from server.simulate import simulate
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.support import Api, World


async def test_the_simulator_reports_readings_and_incidents_raise_alarms(
    api: Api, world: World, server: RunningServer
) -> None:
    _, smoke = await register(api, world, "SMOKE_DETECTOR")
    _, wearable = await register(api, world, "WEARABLE", house=world.a102)
    fleet = [(DeviceType.SMOKE_DETECTOR, smoke), (DeviceType.WEARABLE, wearable)]
    base = server.url.removesuffix("/graphql")
    tally = await simulate(
        base, ticks=3, every=0, incident_chance=1.0, silence_chance=0, rng=random.Random(7), devices=fleet
    )
    assert tally.sent == tally.accepted == await Reading.all().count() > 0
    assert {a.type for a in await Alarm.all()} == {"SMOKE", "SOS", "HEART_RATE"}


async def test_the_simulated_robot_drives_its_delivery_along_the_path(
    api: Api, world: World, server: RunningServer
) -> None:
    from domain.orders.models import Order
    from server.simulate import robot_position
    from tests.orders.test_delivery_positions import robot_on_its_way

    _, order, key = await robot_on_its_way(api, world)
    base = server.url.removesuffix("/graphql")
    await simulate(base, ticks=4, every=0, silence_chance=0, devices=[(DeviceType.DELIVERY_ROBOT, key)])
    row = await Order.get(id=int(order["id"]))
    assert (row.latitude, row.longitude) == robot_position(3)
    assert robot_position(0) != robot_position(3)  # it moved


async def test_the_simulator_flips_parking_sensors_and_drives_cars_through_the_gate(
    api: Api, world: World, server: RunningServer
) -> None:
    from domain.parking.models import GateRecord, ParkingSpace
    from tests.parking.support import CAR, make_car_park
    from tests.support import data

    park = await make_car_park(api, world, sensed=2, unsensed=1)
    data(await api(CAR, {"h": str(world.a101.id), "plate": "浙A12345"}, as_=world.owner_a101))
    fleet = [(DeviceType.PARKING_SENSOR, key) for key in park.sensors]
    base = server.url.removesuffix("/graphql")
    tally = await simulate(
        base,
        ticks=12,
        every=0,
        silence_chance=0,
        rng=random.Random(3),
        devices=fleet,
        gate=park.gate_key,
        plates=["浙A12345", "沪B54321"],
    )
    assert tally.accepted == 24 and tally.gate_records > 0
    assert await GateRecord.filter(lot_id=int(park.lot_id)).count() == tally.gate_records
    assert await GateRecord.filter(allowed=False).count() == tally.gate_refused
    assert await ParkingSpace.filter(occupied_changed_at__isnull=False).count() == 2
