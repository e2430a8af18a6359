"""A trigger raises one alarm that counts its repeats (a storm included); staff acknowledge and clear it,
and a trigger after clearing opens a new one."""

from __future__ import annotations

import asyncio

from domain.alarms.models import Alarm
from tests.alarms.support import ALARMS
from tests.devices.support import REPORT, register
from tests.support import Api, World, data, error

ACK = "mutation A($id: ID!) { alarmAcknowledge(id: $id) { id acknowledged } }"
CLEAR = "mutation C($id: ID!) { alarmClear(id: $id) { id active } }"


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
