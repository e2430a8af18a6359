"""Placing a device in a building answers as every other placement (domain/space/places.py): a
building that is not in the device's community is NOT_FOUND on buildingId, like a house outside it;
a house with a building it is not in is INVALID_INPUT on buildingId. (Before #8 the device paths
answered INVALID_INPUT for a foreign building, unlike events; the review that found the change
kept the one rule and this test for it.)"""

from __future__ import annotations

from domain.devices.models import Device
from tests.devices.support import register
from tests.support import Api, World, code_and_field

REGISTER = "mutation R($input: DeviceRegisterInput!) { deviceRegister(input: $input) { device { id } } }"
MOVE = "mutation M($input: DeviceMoveInput!) { deviceMove(input: $input) { id } }"


def new_device(world: World, **place: str) -> dict[str, object]:
    return {"communityId": str(world.a.id), "type": "SMOKE_DETECTOR", "name": "hall smoke", **place}


async def test_registering_in_another_communitys_or_no_building_is_not_found(api: Api, world: World) -> None:
    for building in (str(world.b1.id), "999999"):
        refused = await api(REGISTER, {"input": new_device(world, buildingId=building)}, as_=world.operator_a)
        assert code_and_field(refused) == ("NOT_FOUND", "buildingId")
    assert await Device.all().count() == 0


async def test_moving_into_another_communitys_building_is_not_found(api: Api, world: World) -> None:
    device_id, _ = await register(api, world)
    refused = await api(MOVE, {"input": {"id": str(device_id), "buildingId": str(world.b1.id)}}, as_=world.operator_a)
    assert code_and_field(refused) == ("NOT_FOUND", "buildingId")
    assert (await Device.get(id=device_id)).building_id == world.a1.id


async def test_a_house_outside_the_building_given_is_invalid_input(api: Api, world: World) -> None:
    place = {"houseId": str(world.a101.id), "buildingId": str(world.a2.id)}  # a101 is in A1
    refused = await api(REGISTER, {"input": new_device(world, **place)}, as_=world.operator_a)
    assert code_and_field(refused) == ("INVALID_INPUT", "buildingId")
