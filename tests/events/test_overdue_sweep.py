"""Events that run late: the overdue sweep escalates each late event once and raises one alarm for it,
for staff only; a reopened event gets time to be redone; a resolve racing the sweep has one outcome.

The overdue sweep is called directly (the tests share the server's event loop and database),
with an explicit `now`: the deadlines it finds passed are still in the future for the app's
own once-a-minute sweep, which therefore cannot get there first."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.alarms.models import Alarm
from domain.events.models import Event
from domain.events.overdue import escalate_overdue
from domain.people.models import Person
from tests.alarms.support import ALARMS
from tests.conftest import RunningServer
from tests.events.support import ACCEPT, ESCALATE, REOPEN, RESOLVE, report_about
from tests.support import Api, World, code_and_field, data, postgres_only, token_for

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
EVENT_STATE = """
query E($id: ID!) {
  event(id: $id) { id status assigneeId contact deadlineAt overdue rating photos { key } timeline { action } }
}
"""
ALARMS_SEEN = "query A { alarms { totalCount nodes { id type } } }"


async def report(api: Api, world: World, person: Person, category: str = "REPAIR", **place: Any) -> dict[str, Any]:
    fields = {"communityId": str(world.a.id), "category": category, "description": "Please have a look", **place}
    return dict(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"])


async def resolved(api: Api, world: World) -> str:
    """Reported by the owner of a101, accepted and resolved by g1's housekeeper."""
    event = await report_about(api, world, world.owner_a101, world.a101)
    assert event["assigneeId"] == str(world.keeper_g1.id)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    data(await api(RESOLVE, {"id": event["id"]}, as_=world.keeper_g1))
    return str(event["id"])


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


async def test_residents_are_not_told_of_overdue_events_they_may_not_see(api: Api, world: World) -> None:
    # A housekeeper reports illegal construction at house a101: its residents may not see that event.
    event = await report_about(api, world, world.keeper_g1, world.a101, category="ILLEGAL_CONSTRUCTION")
    assert code_and_field(await api(EVENT_STATE, {"id": event["id"]}, as_=world.owner_a101)) == ("NOT_FOUND", "id")
    assert data(await api(ALARMS_SEEN, {}, as_=world.owner_a101))["alarms"]["totalCount"] == 0

    late = datetime.now(UTC) + timedelta(days=400)  # far past its deadline, and past the app's own sweep
    assert await escalate_overdue(now=late) == 1
    assert await Alarm.filter(type="EVENT_OVERDUE").count() == 1  # the staff are alerted

    # The EVENT_OVERDUE alarm is for staff: raised in the grid, with no house for residents to see.
    alarms = data(await api(ALARMS_SEEN, {}, as_=world.owner_a101))["alarms"]
    assert alarms["totalCount"] == 0, alarms


async def test_a_reopened_event_gets_time_to_be_redone_before_it_is_overdue(api: Api, world: World) -> None:
    event_id = await resolved(api, world)
    # Its deadline passes while it is RESOLVED (done: the sweep leaves it alone)...
    await Event.filter(id=int(event_id)).update(deadline_at=datetime.now(UTC) - timedelta(hours=1))
    assert await escalate_overdue() == 0
    # ...then the reporter reopens it: back to the housekeeper.
    assert (
        data(await api(REOPEN, {"id": event_id, "note": "Drips again"}, as_=world.owner_a101))["eventReopen"]["status"]
        == "REOPENED"
    )
    swept = await escalate_overdue()

    # Reopened: a fresh deadline from now, so the sweep does not escalate it before anyone could act.
    event = data(await api(EVENT_STATE, {"id": event_id}, as_=world.operator_a))["event"]
    assert (swept, event["status"], event["overdue"]) == (0, "REOPENED", False), event
    assert datetime.fromisoformat(event["deadlineAt"]) > datetime.now(UTC)


async def test_the_overdue_sweep_racing_a_resolve_has_one_consistent_outcome(
    api: Api, world: World, backend: str, server: RunningServer
) -> None:
    postgres_only(backend)
    token = await token_for(server.issuer, world.keeper_g1)
    for _ in range(4):
        event = await report_about(api, world, world.owner_a101, world.a101)
        data(await api(ACCEPT, {"id": event["id"]}, token=token))
        await Event.filter(id=int(event["id"])).update(deadline_at=datetime.now(UTC) - timedelta(seconds=1))
        swept, resolving = await asyncio.gather(escalate_overdue(), api(RESOLVE, {"id": event["id"]}, token=token))
        row = await Event.get(id=int(event["id"]))
        alarms = sum(a.details.get("event_id") == row.id for a in await Alarm.filter(type="EVENT_OVERDUE"))
        if resolving.get("errors"):  # the sweep came first
            assert code_and_field(resolving) == ("CONFLICT", "status")
            assert (row.status.value, row.overdue_at is not None, alarms) == ("ESCALATED", True, 1)
        else:  # the resolve came first: the sweep found it done
            assert (row.status.value, row.overdue_at, alarms) == ("RESOLVED", None, 0)
        assert swept in (0, 1)
