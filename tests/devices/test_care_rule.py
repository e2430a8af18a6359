"""The care rule: an elderly person living alone who passes no gate for N hours raises a CARE alarm
for the housekeeper of their grid; passing a gate again (in their community) clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.alarms.models import Alarm
from domain.devices.care import check_elderly_alone
from domain.people.models import CareRecord, CareTag
from tests.alarms.support import ALARMS
from tests.devices.support import REGISTER, REPORT, register
from tests.support import Api, World, data

DAY = timedelta(hours=24)


async def test_silence_past_the_limit_raises_care_for_the_right_housekeeper(api: Api, world: World) -> None:
    # Elder A102 lives in grid g2; give g1's owner the tag too, to see each lands in its grid.
    await CareRecord.create(person=world.owner_a101, community=world.a, tag=CareTag.ELDERLY_ALONE)
    _, gate = await register(api, world, "ACCESS_GATE", house=world.a101)
    await api(REPORT, {"key": gate, "readings": [{"metric": "person_id", "value": world.owner_a101.id}]})
    assert await check_elderly_alone(silence=DAY) == 0  # nobody silent for a day yet
    later = datetime.now(UTC) + DAY + timedelta(minutes=1)
    assert await check_elderly_alone(silence=DAY, now=later) == 2
    assert await check_elderly_alone(silence=DAY, now=later) == 0  # one alarm each, not one per sweep
    seen_by_g1 = data(await api(ALARMS, {}, as_=world.keeper_g1))["alarms"]["nodes"]
    assert [(a["type"], a["severity"]) for a in seen_by_g1] == [("CARE", "MAJOR")]
    care = await Alarm.get(type="CARE", house_id=world.a102.id)
    assert care.details["person_id"] == world.elder_a102.id and care.grid_id == world.g2.id


async def test_passing_a_gate_clears_the_care_alarm(api: Api, world: World) -> None:
    _, gate = await register(api, world, "ACCESS_GATE", house=world.a102)
    await check_elderly_alone(silence=DAY, now=datetime.now(UTC) + 2 * DAY)
    care = await Alarm.get(type="CARE")
    assert care.cleared_at is None
    await api(REPORT, {"key": gate, "readings": [{"metric": "person_id", "value": world.elder_a102.id}]})
    await care.refresh_from_db()
    assert care.cleared_at is not None and care.active_key is None


async def test_a_gate_in_another_community_does_not_clear_a_care_alarm(api: Api, world: World) -> None:
    assert await check_elderly_alone(silence=timedelta(0), now=datetime.now(UTC) + timedelta(hours=1)) == 1
    payload = {"communityId": str(world.b.id), "type": "ACCESS_GATE", "name": "B gate"}
    key = data(await api(REGISTER, {"input": payload}, as_=world.operator_b))["deviceRegister"]["key"]
    await api(REPORT, {"key": key, "readings": [{"metric": "person_id", "value": world.elder_a102.id}]})
    assert (await Alarm.get(type="CARE")).cleared_at is None
