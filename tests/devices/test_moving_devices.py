"""An operator moves a device within the community only; its alarms then go to its new household."""

from __future__ import annotations

from gql import GraphQLRequest

from domain.alarms.models import Alarm
from domain.devices.models import Device
from tests.alarms.support import MY_ALARMS
from tests.conftest import RunningServer
from tests.devices.support import REPORT, register
from tests.realtime.support import socket, take
from tests.support import Api, World, data, error

MOVE = "mutation M($input: DeviceMoveInput!) { deviceMove(input: $input) { id } }"


async def test_an_operator_moves_a_device_within_the_community_only(api: Api, world: World) -> None:
    device_id, _ = await register(api, world)
    move = "mutation M($input: DeviceMoveInput!) { deviceMove(input: $input) { id name latitude house { id } } }"
    moved = data(
        await api(
            move,
            {"input": {"id": str(device_id), "houseId": str(world.a201.id), "latitude": 31.2, "name": "Hall"}},
            as_=world.operator_a,
        )
    )["deviceMove"]
    assert (moved["house"], moved["latitude"], moved["name"]) == ({"id": str(world.a201.id)}, 31.2, "Hall")
    assert (await Device.get(id=device_id)).building_id == world.a2.id
    elsewhere = await api(move, {"input": {"id": str(device_id), "houseId": str(world.b101.id)}}, as_=world.operator_a)
    assert (error(elsewhere)["code"], error(elsewhere)["field"]) == ("NOT_FOUND", "houseId")
    off_map = await api(move, {"input": {"id": str(device_id), "latitude": 91}}, as_=world.operator_a)
    assert (error(off_map)["code"], error(off_map)["field"]) == ("INVALID_INPUT", "latitude")
    by_keeper = await api(move, {"input": {"id": str(device_id), "name": "x"}}, as_=world.keeper_g1)
    assert error(by_keeper)["code"] == "NOT_FOUND"  # a201 is in grid g2, not theirs
    cleared = data(await api(move, {"input": {"id": str(device_id), "houseId": None}}, as_=world.operator_a))[
        "deviceMove"
    ]
    assert cleared["house"] is None


async def test_a_moved_device_alarms_its_new_household_not_the_old_one(
    api: Api, world: World, server: RunningServer
) -> None:
    device_id, key = await register(api, world)  # in a101
    await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 25}]})
    data(await api(MOVE, {"input": {"id": str(device_id), "houseId": str(world.a201.id)}}, as_=world.operator_a))
    old = await Alarm.get(device_id=device_id)
    assert old.cleared_at is not None and old.cleared_by_id == world.operator_a.id
    await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 30}]})
    new = await Alarm.get(device_id=device_id, cleared_at=None)
    assert (new.house_id, new.grid_id) == (world.a201.id, world.g2.id)
    async with socket(server, world.owner_a101) as session:
        events = await take(session, GraphQLRequest(MY_ALARMS, variable_values={"after": "0"}), 2)
    assert [e["kind"] for e in events] == ["ALARM_RAISED", "ALARM_CLEARED"]  # nothing after the move
