"""An alarm becomes one linked event, made by the staff responsible in their own words; one per alarm, even
when twins race (PostgreSQL), enforced by the database."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from domain.events.models import Event
from tests.conftest import RunningServer
from tests.devices.support import REPORT as TELEMETRY
from tests.devices.support import register
from tests.support import Api, World, data, error, token_for

EVENT = """
query E($id: ID!) {
  event(id: $id) {
    id status overdue assigneeId alarmId deadlineAt reportedAt
    timeline { action fromStatus toStatus actorName note }
  }
}
"""
FROM_ALARM = """
mutation F($alarm: ID!, $category: EventCategory, $description: String, $priority: EventPriority) {
  eventFromAlarm(alarmId: $alarm, category: $category, description: $description, priority: $priority) {
    id alarmId source category priority description status houseId buildingId gridId assigneeName
  }
}
"""


async def smoke_alarm(api: Api, world: World, house: Any = None) -> str:
    _, key = await register(api, world, house=house or world.a101)
    raised = data(await api(TELEMETRY, {"key": key, "readings": [{"metric": "smoke", "value": 20}]}))
    [alarm_id] = raised["telemetryReport"]["alarmIds"]
    return str(alarm_id)


async def test_an_alarm_becomes_one_linked_event(api: Api, world: World) -> None:
    alarm = await smoke_alarm(api, world)
    made = data(await api(FROM_ALARM, {"alarm": alarm}, as_=world.operator_a))["eventFromAlarm"]
    assert {k: v for k, v in made.items() if k not in ("id", "description")} == {
        "alarmId": alarm,
        "source": "DEVICE_ALARM",
        "category": "SAFETY_HAZARD",
        "priority": "URGENT",  # a CRITICAL alarm
        "status": "ASSIGNED",
        "houseId": str(world.a101.id),
        "buildingId": str(world.a1.id),
        "gridId": str(world.g1.id),
        "assigneeName": "Keeper g1",
    }
    assert "SMOKE" in made["description"]
    assert data(await api(EVENT, {"id": made["id"]}, as_=world.operator_a))["event"]["alarmId"] == alarm

    for person in (world.operator_a, world.keeper_g1):
        again = await api(FROM_ALARM, {"alarm": alarm}, as_=person)
        assert (error(again)["code"], error(again).get("field")) == ("CONFLICT", "alarmId")
    assert await Event.filter(alarm_id=int(alarm)).count() == 1


async def test_the_staff_responsible_make_events_of_alarms_in_their_own_words(api: Api, world: World) -> None:
    alarm = await smoke_alarm(api, world)
    chosen = {"alarm": alarm, "category": "REPAIR", "description": "Detector needs a new battery", "priority": "LOW"}
    made = data(await api(FROM_ALARM, chosen, as_=world.keeper_g1))["eventFromAlarm"]
    assert (made["category"], made["description"], made["priority"], made["alarmId"]) == (
        "REPAIR",
        "Detector needs a new battery",
        "LOW",
        alarm,
    )

    other = await smoke_alarm(api, world, world.a102)  # grid g2
    resident = await api(FROM_ALARM, {"alarm": other}, as_=world.elder_a102)  # sees their house's alarm
    assert (error(resident)["code"], error(resident).get("field")) == ("FORBIDDEN", "alarmId")
    for person in (world.keeper_g1, world.operator_b, world.owner_a101):  # cannot see it at all
        refused = await api(FROM_ALARM, {"alarm": other}, as_=person)
        assert (error(refused)["code"], error(refused).get("field")) == ("NOT_FOUND", "alarmId")
    assert await Event.filter(alarm_id=int(other)).count() == 0


async def test_concurrent_events_from_one_alarm_make_one(
    api: Api, world: World, backend: str, server: RunningServer
) -> None:
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")
    alarm = await smoke_alarm(api, world)
    token = await token_for(server.issuer, world.operator_a)
    results = await asyncio.gather(*(api(FROM_ALARM, {"alarm": alarm}, token=token) for _ in range(8)))
    codes = sorted(r["errors"][0]["extensions"]["code"] if r.get("errors") else "OK" for r in results)
    # The check for an existing event cannot see a concurrent twin: the unique index on
    # event.alarm_id stops it (IntegrityError → CONFLICT).
    assert codes == ["CONFLICT"] * 7 + ["OK"]
    assert await Event.filter(alarm_id=int(alarm)).count() == 1


async def test_the_database_allows_one_event_per_alarm(api: Api, world: World) -> None:
    """What the race above relies on, on both backends: a second row for one alarm is refused."""
    alarm = int(await smoke_alarm(api, world))
    first = await Event.get(
        id=int(data(await api(FROM_ALARM, {"alarm": str(alarm)}, as_=world.operator_a))["eventFromAlarm"]["id"])
    )
    twin: dict[str, Any] = {
        "community_id": first.community_id,
        "category": first.category,
        "source": first.source,
        "description": "A twin",
        "reported_at": first.reported_at,
        "deadline_at": first.deadline_at,
    }
    # Enforced by the database (migration 0007), not only by the service's check.
    with pytest.raises(IntegrityError):
        await Event.create(alarm_id=alarm, **twin)
    assert await Event.filter(alarm_id=alarm).count() == 1
