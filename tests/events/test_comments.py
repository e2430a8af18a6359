"""eventComment puts a note or photos on the timeline without moving the event: no change of state,
deadline or alarm, even when it is overdue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from gql import GraphQLRequest, gql

from domain.alarms.models import Alarm
from domain.events.deadlines import overdue_trigger
from domain.events.models import Event
from domain.events.overdue import escalate_overdue
from tests.conftest import RunningServer
from tests.events.support import report, upload
from tests.realtime.support import socket, take
from tests.support import Api, World, data, error

EVENT = """
query E($id: ID!) {
  event(id: $id) {
    status rating ratingComment assigneeName resolvedAt closedAt
    timeline { action fromStatus toStatus actorName note }
    photos { key contentType size url entryId }
  }
}
"""
COMMENT = "mutation C($id: ID!, $note: String!) { eventComment(id: $id, note: $note) { status } }"
STATE = """
query E($id: ID!) {
  event(id: $id) { status overdue alarmId deadlineAt resolvedAt closedAt rating timeline { action } }
}
"""


async def test_comments_add_notes_and_photos_to_the_timeline_without_moving_the_event(
    api: Api, world: World, server: RunningServer
) -> None:
    comment = "mutation C($id: ID!, $note: String!, $p: [String!]) { eventComment(id: $id, note: $note, photos: $p) { status resolvedAt } }"
    event_id = (await report(api, world, world.owner_a101))["id"]
    for step in ("eventAccept", "eventResolve"):
        await api(f"mutation M($id: ID!) {{ {step}(id: $id) {{ status }} }}", {"id": event_id}, as_=world.keeper_g1)
    resolved_at = data(await api(EVENT, {"id": event_id}, as_=world.owner_a101))["event"]["resolvedAt"]
    updates = gql("subscription S($after: String) { eventUpdates(after: $after) { kind event { status } } }")

    async with socket(server, world.owner_a101) as session:
        live = asyncio.create_task(take(session, GraphQLRequest(updates, variable_values={"after": "0"}), 5))
        photo = await upload(api, world.owner_a101)
        commented = await api(
            comment, {"id": event_id, "note": "It drips at night", "p": [photo]}, as_=world.owner_a101
        )
        messages = await live

    assert data(commented)["eventComment"] == {"status": "RESOLVED", "resolvedAt": resolved_at}
    assert messages[-1] == {"kind": "EVENT_COMMENTED", "event": {"status": "RESOLVED"}}
    event = data(await api(EVENT, {"id": event_id}, as_=world.keeper_g1))["event"]
    last = event["timeline"][-1]
    assert (last["action"], last["fromStatus"], last["toStatus"], last["note"]) == (
        "COMMENT",
        "RESOLVED",
        "RESOLVED",
        "It drips at night",
    )
    assert [p["key"] for p in event["photos"]] == [photo]

    empty = await api(comment, {"id": event_id, "note": " "}, as_=world.owner_a101)
    stranger = await api(comment, {"id": event_id, "note": "hi"}, as_=world.owner_b101)
    assert (error(empty)["code"], error(empty)["field"]) == ("INVALID_INPUT", "note")
    assert error(stranger)["code"] == "NOT_FOUND"
    rate = "mutation T($id: ID!) { eventRate(id: $id, score: 4) { status } }"
    data(await api(rate, {"id": event_id}, as_=world.owner_a101))
    closed = await api(comment, {"id": event_id, "note": "one more thing"}, as_=world.owner_a101)
    assert (error(closed)["code"], error(closed)["field"]) == ("CONFLICT", "status")


async def test_a_comment_on_an_overdue_event_changes_neither_state_deadline_nor_alarm(
    api: Api, world: World, server: RunningServer
) -> None:
    event_id = (await report(api, world, world.owner_a101))["id"]
    deadline = datetime.now(UTC) + timedelta(hours=1)
    await Event.filter(id=int(event_id)).update(deadline_at=deadline)
    await escalate_overdue(now=deadline + timedelta(seconds=1))
    before = data(await api(STATE, {"id": event_id}, as_=world.operator_a))["event"]
    assert (before["status"], before["overdue"]) == ("ESCALATED", True)
    overdue_alarm = overdue_trigger(await Event.get(id=int(event_id))).active_key
    assert await Alarm.exists(active_key=overdue_alarm)

    for person in (world.owner_a101, world.keeper_g1, world.operator_a):
        assert data(await api(COMMENT, {"id": event_id, "note": "still dripping"}, as_=person))["eventComment"] == {
            "status": "ESCALATED"
        }
    after = data(await api(STATE, {"id": event_id}, as_=world.operator_a))["event"]
    assert {k: v for k, v in after.items() if k != "timeline"} == {k: v for k, v in before.items() if k != "timeline"}
    assert [e["action"] for e in after["timeline"]][-3:] == ["COMMENT"] * 3
    assert await Alarm.exists(active_key=overdue_alarm)  # the overdue alarm is still raised
