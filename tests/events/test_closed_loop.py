"""The closed loop over real HTTP, as three people would live it, with photos and a live feed.

The resident reports with a photo (uploaded straight to the file store with the signed URL the
API hands out), the grid's housekeeper gets it automatically, accepts and resolves it with a
photo of their own, the resident rates it — and sees every step arrive on a real WebSocket.
A low rating can reopen it; in a grid without staff an event waits for the dispatchers."""

from __future__ import annotations

import asyncio

import httpx
from gql import GraphQLRequest, gql

from tests.conftest import RunningServer
from tests.events.support import JPEG, report, upload
from tests.realtime.support import socket, take
from tests.support import Api, World, data

EVENT = """
query E($id: ID!) {
  event(id: $id) {
    status rating ratingComment assigneeName resolvedAt closedAt
    timeline { action fromStatus toStatus actorName note }
    photos { key contentType size url entryId }
  }
}
"""
EVENT_UPDATES = gql(
    "subscription S($after: String) { eventUpdates(after: $after) { cursor kind event { id status } } }"
)


async def test_resident_reports_housekeeper_resolves_resident_rates_and_sees_each_step_live(
    api: Api, world: World, server: RunningServer
) -> None:
    resident, keeper = world.owner_a101, world.keeper_g1
    async with socket(server, resident) as session:
        live = asyncio.create_task(take(session, GraphQLRequest(EVENT_UPDATES, variable_values={"after": "0"}), 5))

        reported = await report(api, world, resident, photos=[await upload(api, resident)])
        assert (reported["status"], reported["assigneeName"], reported["source"]) == (
            "ASSIGNED",
            "Keeper g1",
            "RESIDENT_APP",
        )
        event_id = reported["id"]
        accept = 'mutation A($id: ID!) { eventAccept(id: $id, note: "On my way") { status } }'
        assert data(await api(accept, {"id": event_id}, as_=keeper))["eventAccept"]["status"] == "IN_PROGRESS"
        fixed = await upload(api, keeper, b"\x89PNG" + b"fixed" * 50, "image/png")
        resolve = (
            'mutation F($id: ID!, $p: [String!]) { eventResolve(id: $id, note: "New washer", photos: $p) { status } }'
        )
        assert (
            data(await api(resolve, {"id": event_id, "p": [fixed]}, as_=keeper))["eventResolve"]["status"] == "RESOLVED"
        )
        rate = 'mutation T($id: ID!) { eventRate(id: $id, score: 5, comment: "Quick, thanks") { status rating } }'
        assert data(await api(rate, {"id": event_id}, as_=resident))["eventRate"] == {"status": "CLOSED", "rating": 5}

        messages = await live

    assert [(m["kind"], m["event"]["status"]) for m in messages] == [
        ("EVENT_REPORTED", "REPORTED"),
        ("EVENT_ASSIGNED", "ASSIGNED"),
        ("EVENT_IN_PROGRESS", "IN_PROGRESS"),
        ("EVENT_RESOLVED", "RESOLVED"),
        ("EVENT_CLOSED", "CLOSED"),
    ]
    assert all(m["event"]["id"] == event_id for m in messages)
    cursors = [int(m["cursor"]) for m in messages]
    assert cursors == sorted(cursors)

    event = data(await api(EVENT, {"id": event_id}, as_=resident))["event"]
    assert [(e["action"], e["fromStatus"], e["toStatus"], e["actorName"]) for e in event["timeline"]] == [
        ("REPORT", None, "REPORTED", "Owner A101"),
        ("ASSIGN", "REPORTED", "ASSIGNED", "Lingli"),
        ("ACCEPT", "ASSIGNED", "IN_PROGRESS", "Keeper g1"),
        ("RESOLVE", "IN_PROGRESS", "RESOLVED", "Keeper g1"),
        ("RATE", "RESOLVED", "CLOSED", "Owner A101"),
    ]
    assert event["timeline"][3]["note"] == "New washer"
    assert (event["rating"], event["ratingComment"]) == (5, "Quick, thanks")
    assert event["resolvedAt"] and event["closedAt"]

    # Both photos, each downloadable through its own short-lived signed URL.
    assert [p["contentType"] for p in event["photos"]] == ["image/jpeg", "image/png"]
    async with httpx.AsyncClient() as http:
        first = await http.get(event["photos"][0]["url"])
        tampered = await http.get(event["photos"][0]["url"].replace("sig=", "sig=0"))
    assert first.status_code == 200 and first.content == JPEG
    assert first.headers["content-type"].startswith("image/jpeg")
    assert tampered.status_code == 403

    ratings = data(await api("{ myRatings { average totalCount ratings { eventId score } } }", as_=keeper))["myRatings"]
    assert ratings == {"average": 5.0, "totalCount": 1, "ratings": [{"eventId": event_id, "score": 5}]}


async def test_a_low_rating_can_reopen_the_event_for_its_assignee(api: Api, world: World) -> None:
    event_id = (await report(api, world, world.owner_a101))["id"]
    for step in ("eventAccept", "eventResolve"):
        await api(f"mutation M($id: ID!) {{ {step}(id: $id) {{ status }} }}", {"id": event_id}, as_=world.keeper_g1)

    rate = 'mutation T($id: ID!) { eventRate(id: $id, score: 1, comment: "Still leaking", reopen: true) { status } }'
    assert data(await api(rate, {"id": event_id}, as_=world.owner_a101))["eventRate"]["status"] == "REOPENED"
    again = "mutation A($id: ID!) { eventAccept(id: $id) { status assigneeName resolvedAt } }"
    assert data(await api(again, {"id": event_id}, as_=world.keeper_g1))["eventAccept"] == {
        "status": "IN_PROGRESS",
        "assigneeName": "Keeper g1",
        "resolvedAt": None,
    }


async def test_an_event_in_a_grid_without_staff_waits_for_the_dispatchers(api: Api, world: World) -> None:
    waiting = await report(api, world, world.elder_a102, houseId=str(world.a102.id))  # g2 has no housekeeper
    assert (waiting["status"], waiting["assigneeName"]) == ("REPORTED", "")

    assign = 'mutation A($id: ID!, $to: ID!) { eventAssign(id: $id, assigneeId: $to, note: "Please") { status assigneeName } }'
    assigned = await api(assign, {"id": waiting["id"], "to": str(world.staff_a.id)}, as_=world.operator_a)
    assert data(assigned)["eventAssign"] == {"status": "ASSIGNED", "assigneeName": "Staff A"}
