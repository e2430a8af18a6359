"""Devices: operators register them (key shown once), devices report readings, rules raise alarms."""

from __future__ import annotations

import asyncio
from typing import Any

from domain.alarms.models import Alarm
from domain.devices.models import Device, Reading
from domain.devices.service import device_key_hash
from realtime.models import OutboxEvent
from tests.support import Api, World, data, error

REGISTER = """
mutation R($input: DeviceRegisterInput!) {
  deviceRegister(input: $input) { key device { id type name online house { id } } }
}
"""
REPORT = """
mutation T($key: String!, $readings: [ReadingInput!]!) {
  telemetryReport(deviceKey: $key, readings: $readings) { accepted rejected { index field reason } alarmIds }
}
"""
ALARMS = (
    "query A($c: ID) { alarms(communityId: $c) { totalCount nodes { id type severity count active acknowledged } } }"
)
ACK = "mutation A($id: ID!) { alarmAcknowledge(id: $id) { id acknowledged } }"
CLEAR = "mutation C($id: ID!) { alarmClear(id: $id) { id active } }"


async def register(api: Api, world: World, type: str = "SMOKE_DETECTOR", house: Any = None) -> tuple[int, str]:
    house = house or world.a101
    payload = {"communityId": str(world.a.id), "type": type, "name": f"{type} {house.number}", "houseId": str(house.id)}
    result = data(await api(REGISTER, {"input": payload}, as_=world.operator_a))["deviceRegister"]
    return int(result["device"]["id"]), result["key"]


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


async def test_valid_readings_are_kept_and_bad_ones_refused_one_by_one(api: Api, world: World) -> None:
    _, key = await register(api, world, "ENVIRONMENT_SENSOR")
    readings = [
        {"metric": "temperature", "value": 21.5},
        {"metric": "smoke", "value": 1},  # not something this type reports
        {"metric": "humidity", "value": 140},  # out of range
        {"metric": "pm25", "value": 35},
        {"metric": "noise", "value": 40, "recordedAt": "2999-01-01T00:00:00+00:00"},
    ]
    report = data(await api(REPORT, {"key": key, "readings": readings}))["telemetryReport"]
    assert report["accepted"] == 2
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [(1, "metric"), (2, "value"), (4, "recordedAt")]
    device = await Device.get(key_hash=device_key_hash(key))
    assert device.online and device.last_reading == {"temperature": 21.5, "pm25": 35}
    assert await Reading.filter(device=device).count() == 2


async def test_unknown_keys_and_oversized_batches_write_nothing(api: Api, world: World) -> None:
    _, key = await register(api, world)
    unknown = await api(REPORT, {"key": "dk_not-a-key", "readings": [{"metric": "smoke", "value": 1}]})
    assert error(unknown)["code"] == "UNAUTHENTICATED"
    oversized = await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 90}] * 1001})
    assert (error(oversized)["code"], error(oversized)["field"]) == ("INVALID_INPUT", "readings")
    assert await Reading.all().count() == 0 and await OutboxEvent.all().count() == 0


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


async def test_smoke_raises_one_alarm_that_counts_repeats_and_staff_handle_it(api: Api, world: World) -> None:
    _, key = await register(api, world)
    for _ in range(3):
        report = data(await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 12.5}]}))[
            "telemetryReport"
        ]
    alarms = data(await api(ALARMS, {"c": str(world.a.id)}, as_=world.keeper_g1))["alarms"]
    assert alarms["totalCount"] == 1
    alarm = alarms["nodes"][0]
    assert (alarm["type"], alarm["severity"], alarm["count"]) == ("SMOKE", "CRITICAL", 3)
    assert report["alarmIds"] == [alarm["id"]]
    assert error(await api(ACK, {"id": alarm["id"]}, as_=world.owner_a101))["code"] == "FORBIDDEN"
    assert data(await api(ACK, {"id": alarm["id"]}, as_=world.keeper_g1))["alarmAcknowledge"]["acknowledged"]
    assert error(await api(ACK, {"id": alarm["id"]}, as_=world.operator_a))["code"] == "CONFLICT"
    assert data(await api(CLEAR, {"id": alarm["id"]}, as_=world.operator_a))["alarmClear"]["active"] is False
    data(await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 9}]}))
    assert await Alarm.all().count() == 2  # after clearing, a new trigger opens a new alarm


async def test_alarms_are_seen_by_the_right_people_only(api: Api, world: World) -> None:
    _, key = await register(api, world, house=world.a102)  # grid g2
    data(await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 20}]}))
    seen = {
        name: data(await api(ALARMS, {}, as_=person))["alarms"]["totalCount"]
        for name, person in [
            ("operator A", world.operator_a),
            ("keeper of g1", world.keeper_g1),
            ("elder in a102", world.elder_a102),
            ("owner of a101", world.owner_a101),
            ("operator B", world.operator_b),
            ("merchant", world.merchant_a),
        ]
    }
    assert seen == {
        "operator A": 1,
        "keeper of g1": 0,
        "elder in a102": 1,
        "owner of a101": 0,
        "operator B": 0,
        "merchant": 0,
    }


async def test_an_alarm_storm_is_one_alarm_with_its_count(api: Api, world: World) -> None:
    """100 triggers, the last 20 at once: on PostgreSQL they race for the unique active key."""
    _, key = await register(api, world)
    smoke = {"key": key, "readings": [{"metric": "smoke", "value": 30}]}
    for _ in range(80):
        await api(REPORT, smoke)
    concurrent = await asyncio.gather(*(api(REPORT, smoke) for _ in range(20)))
    assert all(not r.get("errors") for r in concurrent), [r["errors"] for r in concurrent if r.get("errors")]
    active = await Alarm.filter(cleared_at=None)
    assert len(active) == 1 and active[0].count == 100


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
