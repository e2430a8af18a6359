"""Events that come from elsewhere (the 12345 hotline, alarms) and events that run late.

Intake: an operator registers an integration and gets its key once; the integration submits
events with its own reference, and the same reference twice is one event, even when the twins
race (PostgreSQL). Deadlines: per category, per community. Overdue: the sweep escalates each
late event once and raises one alarm for it. Statistics: what the centre sees of it all.

The overdue sweep is called directly (the tests share the server's event loop and database),
with an explicit `now`: the deadlines it finds passed are still in the future for the app's
own once-a-minute sweep, which therefore cannot get there first.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from auth.keys import key_hash
from domain.alarms.models import Alarm
from domain.events.models import Event, EventEntry, Integration
from domain.events.overdue import escalate_overdue
from domain.people.models import Person
from tests.api.test_devices import ALARMS, register
from tests.api.test_devices import REPORT as TELEMETRY
from tests.api.test_event_rules import ACCEPT, ESCALATE, RATE, RESOLVE
from tests.conftest import RunningServer
from tests.support import Api, World, data, error, token_for

REGISTER = "mutation I($c: ID!, $name: String!) { integrationRegister(communityId: $c, name: $name) { id name key } }"
INTAKE = """
mutation I($key: String!, $input: EventIntakeInput!) {
  eventIntake(integrationKey: $key, input: $input) {
    id communityId status source category priority description reporterName contact externalRef
    houseId gridId assigneeName timeline { action actorName }
  }
}
"""
REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status category reportedAt deadlineAt }
}
"""
EVENT = """
query E($id: ID!) {
  event(id: $id) {
    id status overdue assigneeId alarmId deadlineAt reportedAt
    timeline { action fromStatus toStatus actorName note }
  }
}
"""
EVENTS = "query L($overdue: Boolean) { events(overdue: $overdue) { totalCount nodes { id } } }"
DEADLINE_SET = """
mutation D($c: ID!, $category: EventCategory!, $hours: Int) {
  eventDeadlineSet(communityId: $c, category: $category, hours: $hours) { category hours overridden }
}
"""
DEADLINES = "query D($c: ID!) { eventDeadlines(communityId: $c) { category hours overridden } }"
FROM_ALARM = """
mutation F($alarm: ID!, $category: EventCategory, $description: String, $priority: EventPriority) {
  eventFromAlarm(alarmId: $alarm, category: $category, description: $description, priority: $priority) {
    id alarmId source category priority description status houseId buildingId gridId assigneeName
  }
}
"""
STATISTICS = """
query S($c: ID!, $since: DateTime, $until: DateTime) {
  eventStatistics(communityId: $c, since: $since, until: $until) {
    total overdue averageResolveSeconds averageRating ratings
    byStatus { key count } byCategory { key count } byGrid { key count } byBuilding { key count }
  }
}
"""


async def register_integration(api: Api, world: World, name: str = "12345 Hotline") -> str:
    registered = data(await api(REGISTER, {"c": str(world.a.id), "name": name}, as_=world.operator_a))
    return str(registered["integrationRegister"]["key"])


def intake_input(world: World, reference: str, **extra: Any) -> dict[str, Any]:
    return {
        "communityId": str(world.a.id),
        "reference": reference,
        "category": "NOISE",
        "description": "Caller: karaoke next door every night",
        "contact": "Mr Wang 13800001111",
        **extra,
    }


async def report(api: Api, world: World, person: Person, category: str = "REPAIR", **place: Any) -> dict[str, Any]:
    fields = {"communityId": str(world.a.id), "category": category, "description": "Please have a look", **place}
    return dict(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"])


# --- integrations ----------------------------------------------------------------------------


async def test_an_operator_registers_an_integration_and_sees_its_key_once(api: Api, world: World) -> None:
    registered = data(await api(REGISTER, {"c": str(world.a.id), "name": "12345 Hotline"}, as_=world.operator_a))
    key = registered["integrationRegister"]["key"]
    assert key.startswith("ik_") and len(key) > 30
    stored = await Integration.get(id=int(registered["integrationRegister"]["id"]))
    assert (stored.community_id, stored.name, stored.created_by_id) == (
        world.a.id,
        "12345 Hotline",
        world.operator_a.id,
    )
    assert stored.key_hash == key_hash(key) and key not in stored.key_hash

    for person in (world.staff_a, world.keeper_g1, world.owner_a101, world.merchant_a, world.operator_b):
        refused = await api(REGISTER, {"c": str(world.a.id), "name": "Sneaky"}, as_=person)
        assert error(refused)["code"] == "FORBIDDEN", person.name
    assert error(await api(REGISTER, {"c": str(world.a.id), "name": "Anonymous"}))["code"] == "UNAUTHENTICATED"
    assert await Integration.all().count() == 1


async def test_the_same_reference_twice_is_one_event(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    first = data(await api(INTAKE, {"key": key, "input": intake_input(world, "12345-0001")}))["eventIntake"]
    assert {k: first[k] for k in ("status", "source", "reporterName", "contact", "externalRef", "category")} == {
        "status": "REPORTED",
        "source": "HOTLINE_12345",
        "reporterName": "12345 Hotline",
        "contact": "Mr Wang 13800001111",
        "externalRef": "12345-0001",
        "category": "NOISE",
    }
    assert first["timeline"] == [{"action": "REPORT", "actorName": "12345 Hotline"}]

    # Re-sent (a retry after a timeout, say), even with other words: the same event, unchanged.
    again = intake_input(world, "12345-0001", description="Caller again: still karaoke", category="OTHER")
    second = data(await api(INTAKE, {"key": key, "input": again}))["eventIntake"]
    assert second == first
    assert await Event.filter(external_ref="12345-0001").count() == 1
    assert await EventEntry.filter(event_id=int(first["id"])).count() == 1

    # Another reference is another event; one about a house is dispatched to its grid's staff.
    other = intake_input(world, "12345-0002", houseId=str(world.a101.id))
    third = data(await api(INTAKE, {"key": key, "input": other}))["eventIntake"]
    assert third["id"] != first["id"]
    assert (third["houseId"], third["gridId"], third["status"], third["assigneeName"]) == (
        str(world.a101.id),
        str(world.g1.id),
        "ASSIGNED",
        "Keeper g1",
    )
    assert await Event.all().count() == 2


async def test_the_same_reference_from_two_integrations_is_two_events(api: Api, world: World) -> None:
    hotline = await register_integration(api, world, "12345 Hotline")
    wechat = await register_integration(api, world, "City WeChat")
    one = data(await api(INTAKE, {"key": hotline, "input": intake_input(world, "R-1")}))["eventIntake"]
    two = data(await api(INTAKE, {"key": wechat, "input": intake_input(world, "R-1")}))["eventIntake"]
    assert one["id"] != two["id"] and (one["reporterName"], two["reporterName"]) == ("12345 Hotline", "City WeChat")


async def test_an_intake_can_read_back_the_event_it_made(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    nested = "mutation I($key: String!, $input: EventIntakeInput!) { eventIntake(integrationKey: $key, input: $input) { id house { number } } }"
    result = await api(nested, {"key": key, "input": intake_input(world, "R-9", houseId=str(world.a101.id))})
    # An integration has no login: `house` is simply null ("if you may see it"), not an error.
    assert not result.get("errors"), result.get("errors")
    assert result["data"]["eventIntake"]["house"] is None
    assert await Event.all().count() == 1


async def test_a_wrong_key_is_unauthenticated_and_makes_nothing(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    for wrong in ("ik_" + "x" * 40, "", key + "x", key.removeprefix("ik_")):
        refused = await api(INTAKE, {"key": wrong, "input": intake_input(world, "R-1")})
        assert (error(refused)["code"], error(refused).get("field")) == ("UNAUTHENTICATED", "integrationKey")
    # A person's login is not a key either.
    token = await token_for(api.issuer, world.operator_a)
    refused = await api(INTAKE, {"key": token, "input": intake_input(world, "R-1")}, token=token)
    assert error(refused)["code"] == "UNAUTHENTICATED"
    assert await Event.all().count() == 0


async def test_an_integration_submits_to_its_own_community_only(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    elsewhere = await api(INTAKE, {"key": key, "input": intake_input(world, "R-1", communityId=str(world.b.id))})
    assert (error(elsewhere)["code"], error(elsewhere).get("field")) == ("FORBIDDEN", "communityId")
    foreign_house = await api(INTAKE, {"key": key, "input": intake_input(world, "R-2", houseId=str(world.b101.id))})
    assert (error(foreign_house)["code"], error(foreign_house).get("field")) == ("NOT_FOUND", "houseId")
    no_reference = await api(INTAKE, {"key": key, "input": intake_input(world, "  ")})
    assert (error(no_reference)["code"], error(no_reference).get("field")) == ("INVALID_INPUT", "reference")
    assert await Event.all().count() == 0


async def test_concurrent_intakes_of_one_reference_make_one_event(api: Api, world: World, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")
    key = await register_integration(api, world)
    results = await asyncio.gather(
        *(api(INTAKE, {"key": key, "input": intake_input(world, "RACE-1")}) for _ in range(10))
    )
    assert [r.get("errors") for r in results] == [None] * 10
    assert len({r["data"]["eventIntake"]["id"] for r in results}) == 1
    assert await Event.filter(external_ref="RACE-1").count() == 1
    assert await EventEntry.all().count() == 1


# --- deadlines and the overdue sweep ------------------------------------------------------------


def hours_between(event: dict[str, Any]) -> float:
    reported = datetime.fromisoformat(event["reportedAt"])
    return (datetime.fromisoformat(event["deadlineAt"]) - reported).total_seconds() / 3600


async def test_an_overdue_event_is_escalated_once_and_raises_one_alarm(api: Api, world: World) -> None:
    late = await report(api, world, world.owner_a101, houseId=str(world.a101.id))  # ASSIGNED to the keeper
    working = await report(api, world, world.owner_a101, houseId=str(world.a101.id))
    data(await api(ACCEPT, {"id": working["id"]}, as_=world.keeper_g1))  # IN_PROGRESS
    escalated = await report(api, world, world.owner_a101, houseId=str(world.a101.id))
    data(await api(ESCALATE, {"id": escalated["id"], "note": "Needs a plumber"}, as_=world.keeper_g1))
    done = await report(api, world, world.owner_a101, houseId=str(world.a101.id))
    data(await api(ACCEPT, {"id": done["id"]}, as_=world.keeper_g1))
    data(await api(RESOLVE, {"id": done["id"]}, as_=world.keeper_g1))
    on_time = await report(api, world, world.owner_a101, houseId=str(world.a101.id))

    deadline = datetime.now(UTC) + timedelta(hours=1)
    ids = [int(e["id"]) for e in (late, working, escalated, done)]
    await Event.filter(id__in=ids).update(deadline_at=deadline)
    await Event.filter(id=int(on_time["id"])).update(deadline_at=deadline + timedelta(hours=1))

    assert await escalate_overdue(now=deadline - timedelta(seconds=1)) == 0  # not late yet
    assert await escalate_overdue(now=deadline + timedelta(seconds=1)) == 3  # late, working, escalated
    assert await escalate_overdue(now=deadline + timedelta(seconds=2)) == 0  # each once

    seen = {e["id"]: data(await api(EVENT, {"id": e["id"]}, as_=world.operator_a))["event"] for e in (late, working)}
    for event in seen.values():
        assert (event["status"], event["overdue"]) == ("ESCALATED", True)
        assert event["timeline"][-1] == {
            "action": "ESCALATE",
            "fromStatus": event["timeline"][-2]["toStatus"],
            "toStatus": "ESCALATED",
            "actorName": "Lingli",
            "note": "Past its deadline",
        }
    assert seen[working["id"]]["timeline"][-1]["fromStatus"] == "IN_PROGRESS"
    # Escalated already by the keeper: marked overdue, not escalated a second time.
    by_keeper = data(await api(EVENT, {"id": escalated["id"]}, as_=world.operator_a))["event"]
    assert by_keeper["overdue"] is True
    assert [e["action"] for e in by_keeper["timeline"]] == ["REPORT", "ASSIGN", "ESCALATE"]
    for untouched in (done, on_time):
        event = data(await api(EVENT, {"id": untouched["id"]}, as_=world.operator_a))["event"]
        assert event["overdue"] is False and event["status"] in ("RESOLVED", "ASSIGNED")

    # One active EVENT_OVERDUE alarm per late event, in its grid (no house: it is for staff).
    alarms = await Alarm.filter(type="EVENT_OVERDUE", cleared_at=None).order_by("id")
    assert sorted(a.details["event_id"] for a in alarms) == ids[:3]
    assert all((a.count, a.house_id, a.grid_id) == (1, None, world.g1.id) for a in alarms)
    listed = data(await api(EVENTS, {"overdue": True}, as_=world.operator_a))["events"]
    assert {n["id"] for n in listed["nodes"]} == {late["id"], working["id"], escalated["id"]}
    # The staff responsible see the alarm too.
    keeper_alarms = data(await api(ALARMS, {"c": str(world.a.id)}, as_=world.keeper_g1))["alarms"]["nodes"]
    assert sorted(a["type"] for a in keeper_alarms) == ["EVENT_OVERDUE"] * 3


async def test_a_dispatchers_deadline_applies_to_new_events_of_that_category(api: Api, world: World) -> None:
    before = await report(api, world, world.owner_a101, "REPAIR")
    assert hours_between(before) == 48  # the default for repairs

    changed = data(await api(DEADLINE_SET, {"c": str(world.a.id), "category": "REPAIR", "hours": 2}, as_=world.staff_a))
    assert {"category": "REPAIR", "hours": 2, "overridden": True} in changed["eventDeadlineSet"]
    assert {"category": "NOISE", "hours": 24, "overridden": False} in changed["eventDeadlineSet"]

    after = await report(api, world, world.owner_a101, "REPAIR")
    assert hours_between(after) == 2
    assert hours_between(await report(api, world, world.owner_a101, "NOISE")) == 24
    assert hours_between(data(await api(EVENT, {"id": before["id"]}, as_=world.operator_a))["event"]) == 48
    # Only community A's repairs.
    other = data(await api(DEADLINES, {"c": str(world.b.id)}, as_=world.operator_b))["eventDeadlines"]
    assert {"category": "REPAIR", "hours": 48, "overridden": False} in other

    # hours: null goes back to the default.
    reset = data(
        await api(DEADLINE_SET, {"c": str(world.a.id), "category": "REPAIR", "hours": None}, as_=world.operator_a)
    )
    assert {"category": "REPAIR", "hours": 48, "overridden": False} in reset["eventDeadlineSet"]
    assert hours_between(await report(api, world, world.owner_a101, "REPAIR")) == 48


async def test_deadlines_are_set_by_the_dispatchers_within_bounds(api: Api, world: World) -> None:
    variables = {"c": str(world.a.id), "category": "REPAIR", "hours": 5}
    for person in (world.keeper_g1, world.owner_a101, world.operator_b):
        assert error(await api(DEADLINE_SET, variables, as_=person))["code"] == "FORBIDDEN"
    for hours in (0, -3, 24 * 90 + 1):
        refused = await api(DEADLINE_SET, {**variables, "hours": hours}, as_=world.operator_a)
        assert (error(refused)["code"], error(refused).get("field")) == ("INVALID_INPUT", "hours")
    deadlines = data(await api(DEADLINES, {"c": str(world.a.id)}, as_=world.operator_a))["eventDeadlines"]
    assert all(not d["overridden"] for d in deadlines) and len(deadlines) == 9


# --- alarms into events ------------------------------------------------------------------------


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


# --- statistics --------------------------------------------------------------------------------


async def test_statistics_count_what_happened(api: Api, world: World) -> None:
    keeper, resident = world.keeper_g1, world.owner_a101
    now = datetime.now(UTC)

    async def resolved_after(event: dict[str, Any], hours: int, score: int) -> None:
        data(await api(ACCEPT, {"id": event["id"]}, as_=keeper))
        # Reported `hours` ago: resolving now takes that long.
        await Event.filter(id=int(event["id"])).update(reported_at=datetime.now(UTC) - timedelta(hours=hours))
        data(await api(RESOLVE, {"id": event["id"]}, as_=keeper))
        data(await api(RATE, {"id": event["id"], "score": score}, as_=resident))

    repair = await report(api, world, resident, "REPAIR", houseId=str(world.a101.id))  # g1, A1
    await resolved_after(repair, 2, 5)
    noise = await report(api, world, resident, "NOISE", houseId=str(world.a101.id))  # g1, A1
    await resolved_after(noise, 4, 2)
    await report(api, world, world.elder_a102, "REPAIR", houseId=str(world.a102.id))  # g2, A1: REPORTED
    await report(api, world, resident, "ENVIRONMENT")  # common parts: no grid, no building
    parking = await report(api, world, world.operator_a, "PARKING", houseId=str(world.a201.id))  # g2, A2
    data(await api(ESCALATE, {"id": parking["id"]}, as_=world.operator_a))
    await Event.filter(id=int(parking["id"])).update(deadline_at=now - timedelta(minutes=5))  # open and late
    old = await report(api, world, resident, "OTHER", houseId=str(world.a101.id))  # g1, A1: ASSIGNED
    await Event.filter(id=int(old["id"])).update(reported_at=now - timedelta(days=10))
    b_event = {
        "communityId": str(world.b.id),
        "category": "REPAIR",
        "description": "In B",
        "houseId": str(world.b101.id),
    }
    data(await api(REPORT, {"input": b_event}, as_=world.owner_b101))  # another community: not counted

    def tallies(rows: list[dict[str, Any]]) -> dict[str | None, int]:
        return {row["key"]: row["count"] for row in rows}

    stats = data(await api(STATISTICS, {"c": str(world.a.id)}, as_=world.operator_a))["eventStatistics"]
    assert (stats["total"], stats["overdue"], stats["ratings"], stats["averageRating"]) == (6, 1, 2, 3.5)
    assert 3 * 3600 <= stats["averageResolveSeconds"] < 3 * 3600 + 2  # (2 h + 4 h) / 2
    assert tallies(stats["byStatus"]) == {"CLOSED": 2, "REPORTED": 2, "ESCALATED": 1, "ASSIGNED": 1}
    assert tallies(stats["byCategory"]) == {"REPAIR": 2, "NOISE": 1, "ENVIRONMENT": 1, "PARKING": 1, "OTHER": 1}
    assert tallies(stats["byGrid"]) == {str(world.g1.id): 3, str(world.g2.id): 2, None: 1}
    assert tallies(stats["byBuilding"]) == {str(world.a1.id): 4, str(world.a2.id): 1, None: 1}

    # The period is by report time: the event reported ten days ago falls out of the last week.
    week = {"c": str(world.a.id), "since": (now - timedelta(days=7)).isoformat()}
    recent = data(await api(STATISTICS, week, as_=world.staff_a))["eventStatistics"]
    assert recent["total"] == 5 and "OTHER" not in tallies(recent["byCategory"])
    assert tallies(recent["byGrid"])[str(world.g1.id)] == 2
    before = {"c": str(world.a.id), "until": (now - timedelta(days=7)).isoformat()}
    earlier = data(await api(STATISTICS, before, as_=world.operator_a))["eventStatistics"]
    assert (earlier["total"], tallies(earlier["byStatus"]), earlier["averageRating"], earlier["ratings"]) == (
        1,
        {"ASSIGNED": 1},
        None,
        0,
    )
