"""Deadlines per category, per community: set by the dispatchers within bounds, applied to new events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.people.models import Person
from tests.support import Api, World, data, error

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
DEADLINE_SET = """
mutation D($c: ID!, $category: EventCategory!, $hours: Int) {
  eventDeadlineSet(communityId: $c, category: $category, hours: $hours) { category hours overridden }
}
"""
DEADLINES = "query D($c: ID!) { eventDeadlines(communityId: $c) { category hours overridden } }"


async def report(api: Api, world: World, person: Person, category: str = "REPAIR", **place: Any) -> dict[str, Any]:
    fields = {"communityId": str(world.a.id), "category": category, "description": "Please have a look", **place}
    return dict(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"])


def hours_between(event: dict[str, Any]) -> float:
    reported = datetime.fromisoformat(event["reportedAt"])
    return (datetime.fromisoformat(event["deadlineAt"]) - reported).total_seconds() / 3600


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
