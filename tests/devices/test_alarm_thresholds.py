"""A community tunes its alarm rules: its thresholds replace the defaults, for its devices only."""

from __future__ import annotations

from domain.alarms.models import Alarm
from tests.devices.support import REPORT, register
from tests.support import Api, World, data, error, make_building, make_house

RULES = (
    "query R($c: ID!) { alarmRules(communityId: $c) { deviceType metric alarmType severity description overridden } }"
)
SET = """
mutation S($input: AlarmThresholdInput!) { alarmThresholdSet(input: $input) { deviceType metric severity overridden } }
"""
REMOVE = """
mutation R($c: ID!, $t: DeviceType!, $m: String!) {
  alarmThresholdRemove(communityId: $c, deviceType: $t, metric: $m) { deviceType metric overridden }
}
"""


def _rule(rules: list[dict[str, object]], device_type: str, metric: str) -> dict[str, object] | None:
    return next((r for r in rules if r["deviceType"] == device_type and r["metric"] == metric), None)


async def test_a_community_threshold_replaces_the_default_for_its_devices_only(api: Api, world: World) -> None:
    pm = {
        "communityId": str(world.a.id),
        "deviceType": "ENVIRONMENT_SENSOR",
        "metric": "pm25",
        "severity": "MAJOR",
        "above": 75,
    }
    rules = data(await api(SET, {"input": pm}, as_=world.operator_a))["alarmThresholdSet"]
    assert _rule(rules, "ENVIRONMENT_SENSOR", "pm25") == {
        "deviceType": "ENVIRONMENT_SENSOR",
        "metric": "pm25",
        "severity": "MAJOR",
        "overridden": True,
    }
    _, in_a = await register(api, world, "ENVIRONMENT_SENSOR")
    await api(REPORT, {"key": in_a, "readings": [{"metric": "pm25", "value": 90}]})  # below the default 150
    alarm = await Alarm.get(type="PM25")
    assert (alarm.severity, alarm.community_id) == ("MAJOR", world.a.id)
    # Community B keeps the default.
    b_house = await make_house(await make_building(world.b, name="B9"))
    payload = {"communityId": str(world.b.id), "type": "ENVIRONMENT_SENSOR", "name": "env", "houseId": str(b_house.id)}
    key_b = data(
        await api(
            "mutation R($input: DeviceRegisterInput!) { deviceRegister(input: $input) { key } }",
            {"input": payload},
            as_=world.operator_b,
        )
    )["deviceRegister"]["key"]
    await api(REPORT, {"key": key_b, "readings": [{"metric": "pm25", "value": 90}]})
    assert await Alarm.filter(community_id=world.b.id).count() == 0


async def test_a_threshold_can_watch_a_metric_with_no_default_rule(api: Api, world: World) -> None:
    heat = {
        "communityId": str(world.a.id),
        "deviceType": "ENVIRONMENT_SENSOR",
        "metric": "temperature",
        "severity": "WARNING",
        "above": 35,
        "below": -10,
    }
    data(await api(SET, {"input": heat}, as_=world.operator_a))
    _, key = await register(api, world, "ENVIRONMENT_SENSOR")
    await api(REPORT, {"key": key, "readings": [{"metric": "temperature", "value": -15}]})
    assert (await Alarm.get()).type == "TEMPERATURE"
    rules = data(
        await api(REMOVE, {"c": str(world.a.id), "t": "ENVIRONMENT_SENSOR", "m": "temperature"}, as_=world.operator_a)
    )
    assert _rule(rules["alarmThresholdRemove"], "ENVIRONMENT_SENSOR", "temperature") is None


async def test_thresholds_are_checked_and_for_operators(api: Api, world: World) -> None:
    base = {"communityId": str(world.a.id), "deviceType": "SMOKE_DETECTOR", "metric": "smoke", "severity": "CRITICAL"}
    cases = [({**base, "metric": "pm25", "above": 1}, "metric"), ({**base}, "above"), ({**base, "above": 500}, "above")]
    for payload, field in cases:
        result = await api(SET, {"input": payload}, as_=world.operator_a)
        assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", field)
    assert error(await api(SET, {"input": {**base, "above": 2}}, as_=world.staff_a))["code"] == "FORBIDDEN"
    assert error(await api(RULES, {"c": str(world.a.id)}, as_=world.owner_a101))["code"] == "FORBIDDEN"
    defaults = data(await api(RULES, {"c": str(world.a.id)}, as_=world.staff_a))["alarmRules"]
    assert _rule(defaults, "SMOKE_DETECTOR", "smoke") == {
        "deviceType": "SMOKE_DETECTOR",
        "metric": "smoke",
        "alarmType": "SMOKE",
        "severity": "CRITICAL",
        "description": "smoke ≥ 5 %/m",
        "overridden": False,
    }
