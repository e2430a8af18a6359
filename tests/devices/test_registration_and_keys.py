"""Operators register devices and see the key once; a retired or rotated key stops working."""

from __future__ import annotations

from domain.devices.models import Device
from domain.devices.service import device_key_hash
from tests.devices.support import REGISTER, REPORT, register
from tests.support import Api, World, data, error


async def test_an_operator_registers_a_device_and_sees_its_key_once(api: Api, world: World) -> None:
    device_id, key = await register(api, world)
    assert key.startswith("dk_") and len(key) > 40
    stored = await Device.get(id=device_id)
    assert stored.key_hash == device_key_hash(key) and key not in stored.key_hash
    assert stored.building_id == world.a1.id  # the house implies its building


async def test_residents_and_other_communities_cannot_register_devices(api: Api, world: World) -> None:
    payload = {"communityId": str(world.a.id), "type": "CAMERA", "name": "cam"}
    assert error(await api(REGISTER, {"input": payload}, as_=world.owner_a101))["code"] == "FORBIDDEN"
    assert error(await api(REGISTER, {"input": payload}, as_=world.operator_b))["code"] == "NOT_FOUND"
    other_house = {**payload, "houseId": str(world.b101.id)}
    result = await api(REGISTER, {"input": other_house}, as_=world.operator_a)
    assert (error(result)["code"], error(result)["field"]) == ("NOT_FOUND", "houseId")
    assert await Device.all().count() == 0


async def test_a_retired_or_rotated_key_stops_working(api: Api, world: World) -> None:
    device_id, key = await register(api, world)
    rotated = data(
        await api(
            "mutation R($id: ID!) { deviceRotateKey(id: $id) { key } }", {"id": str(device_id)}, as_=world.operator_a
        )
    )["deviceRotateKey"]["key"]
    assert (
        error(await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 80}]}))["code"]
        == "UNAUTHENTICATED"
    )
    assert data(await api(REPORT, {"key": rotated, "readings": [{"metric": "battery", "value": 80}]}))
    data(
        await api(
            "mutation R($id: ID!) { deviceRetire(id: $id) { retired } }", {"id": str(device_id)}, as_=world.operator_a
        )
    )
    assert error(await api(REPORT, {"key": rotated, "readings": [{"metric": "battery", "value": 80}]}))["code"] == (
        "UNAUTHENTICATED"
    )
