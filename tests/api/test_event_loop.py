"""The closed loop over real HTTP, as three people would live it, with photos and a live feed.

The resident reports with a photo (uploaded straight to the file store with the signed URL the
API hands out), the grid's housekeeper gets it automatically, accepts and resolves it with a
photo of their own, the resident rates it — and sees every step arrive on a real WebSocket.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from gql import GraphQLRequest, gql

from domain.events.models import Event
from domain.files.models import StoredFile
from domain.files.service import prune_unattached
from domain.people.models import Person
from tests.api.test_alarm_subscriptions import socket, take
from tests.conftest import RunningServer
from tests.support import Api, World, data, error

UPLOAD = """
mutation U($kind: FileKind!, $type: String!, $size: Int!) {
  requestUpload(kind: $kind, contentType: $type, size: $size) { key url method headers expiresAt }
}
"""
REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status assigneeName source category }
}
"""
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
JPEG = b"\xff\xd8\xff\xe0" + b"lingli-photo" * 100


async def upload(api: Api, person: Person, body: bytes = JPEG, content_type: str = "image/jpeg") -> str:
    slot = data(await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": content_type, "size": len(body)}, as_=person))[
        "requestUpload"
    ]
    async with httpx.AsyncClient() as http:
        response = await http.request(slot["method"], slot["url"], content=body, headers=slot["headers"])
    assert response.status_code == 200, response.text
    return str(slot["key"])


async def report(api: Api, world: World, person: Person, **extra: Any) -> dict[str, Any]:
    fields = {
        "communityId": str(world.a.id),
        "category": "REPAIR",
        "description": "The kitchen tap leaks.\nSince Monday.",
        "houseId": str(world.a101.id),
        **extra,
    }
    return dict(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"])


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


async def test_upload_slots_refuse_other_types_and_oversized_files(api: Api, world: World) -> None:
    wrong_type = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "application/pdf", "size": 10}, as_=world.owner_a101)
    too_big = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 11 * 2**20}, as_=world.owner_a101)
    anonymous = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 10})

    assert (error(wrong_type)["code"], error(wrong_type)["field"]) == (
        "INVALID_INPUT",
        "contentType",
    )
    assert (error(too_big)["code"], error(too_big)["field"]) == ("INVALID_INPUT", "size")
    assert error(anonymous)["code"] == "UNAUTHENTICATED"
    assert await StoredFile.all().count() == 0


async def test_the_store_refuses_a_file_other_than_the_slot_promised(api: Api, world: World) -> None:
    slot = data(await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 100}, as_=world.owner_a101))[
        "requestUpload"
    ]
    async with httpx.AsyncClient() as http:
        bigger = await http.put(slot["url"], content=b"x" * 101, headers=slot["headers"])
        other_type = await http.put(slot["url"], content=b"x" * 100, headers={"Content-Type": "image/png"})
    assert bigger.status_code == 413 and other_type.status_code == 415

    # Nothing is in the store under that key: attaching it is refused and no event is written.
    refused = await api(
        REPORT,
        {"input": {"communityId": str(world.a.id), "category": "REPAIR", "description": "x", "photos": [slot["key"]]}},
        as_=world.owner_a101,
    )
    assert (error(refused)["code"], error(refused)["field"]) == ("INVALID_INPUT", "photos")
    assert await Event.all().count() == 0


async def test_only_your_own_unattached_uploads_can_be_attached(api: Api, world: World) -> None:
    theirs = await upload(api, world.owner_b101)
    mine = await upload(api, world.owner_a101)

    stolen = await api(
        REPORT,
        {"input": {"communityId": str(world.a.id), "category": "NOISE", "description": "x", "photos": [theirs]}},
        as_=world.owner_a101,
    )
    assert error(stolen)["field"] == "photos"
    await report(api, world, world.owner_a101, photos=[mine])
    reused = await api(
        REPORT,
        {"input": {"communityId": str(world.a.id), "category": "NOISE", "description": "x", "photos": [mine]}},
        as_=world.owner_a101,
    )
    assert (error(reused)["code"], error(reused)["field"]) == ("CONFLICT", "photos")
    assert await Event.all().count() == 1


async def test_an_event_in_a_grid_without_staff_waits_for_the_dispatchers(api: Api, world: World) -> None:
    waiting = await report(api, world, world.elder_a102, houseId=str(world.a102.id))  # g2 has no housekeeper
    assert (waiting["status"], waiting["assigneeName"]) == ("REPORTED", "")

    assign = 'mutation A($id: ID!, $to: ID!) { eventAssign(id: $id, assigneeId: $to, note: "Please") { status assigneeName } }'
    assigned = await api(assign, {"id": waiting["id"], "to": str(world.staff_a.id)}, as_=world.operator_a)
    assert data(assigned)["eventAssign"] == {"status": "ASSIGNED", "assigneeName": "Staff A"}


async def test_one_person_cannot_pile_up_unattached_uploads(api: Api, world: World) -> None:
    for n in range(50):
        await StoredFile.create(
            key=f"event_photo/x/{n}.jpg",
            kind="EVENT_PHOTO",
            content_type="image/jpeg",
            size=1,
            uploader=world.owner_a101,
        )
    refused = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 10}, as_=world.owner_a101)
    others = await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": "image/jpeg", "size": 10}, as_=world.owner_b101)

    assert (error(refused)["code"], error(refused)["field"]) == ("CONFLICT", "kind")
    assert "requestUpload" in data(others)
    assert await StoredFile.filter(uploader=world.owner_a101).count() == 50


async def test_the_local_store_prunes_unattached_uploads_too(api: Api, world: World, server: RunningServer) -> None:
    key = await upload(api, world.owner_a101)
    storage = server.storage
    assert await storage.stat(key) is not None

    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert await prune_unattached(storage, older_than=timedelta(days=1), now=later) == 1
    assert await storage.stat(key) is None
    assert await StoredFile.all().count() == 0


async def test_each_live_message_reads_the_timeline_afresh(api: Api, world: World, server: RunningServer) -> None:
    """A subscription keeps its loaders for its life: the timeline must not be one cached at the first message."""
    updates = gql(
        "subscription S($after: String) { eventUpdates(after: $after) { kind event { timeline { action } } } }"
    )
    async with socket(server, world.owner_a101) as session:
        live = asyncio.create_task(take(session, GraphQLRequest(updates, variable_values={"after": "0"}), 3))
        event_id = (await report(api, world, world.owner_a101))["id"]
        await api("mutation A($id: ID!) { eventAccept(id: $id) { status } }", {"id": event_id}, as_=world.keeper_g1)
        messages = await live

    assert [m["kind"] for m in messages] == ["EVENT_REPORTED", "EVENT_ASSIGNED", "EVENT_IN_PROGRESS"]
    assert [e["action"] for e in messages[-1]["event"]["timeline"]] == ["REPORT", "ASSIGN", "ACCEPT"]


async def test_events_can_be_listed_by_grid_building_and_house_within_what_you_may_see(api: Api, world: World) -> None:
    at_101 = (await report(api, world, world.owner_a101))["id"]
    at_102 = (await report(api, world, world.elder_a102, houseId=str(world.a102.id)))["id"]
    at_201 = (await report(api, world, world.operator_a, houseId=str(world.a201.id), source="OPERATIONS_CENTER"))["id"]
    query = "query L($g: ID, $b: ID, $h: ID) { events(gridId: $g, buildingId: $b, houseId: $h) { nodes { id } } }"

    def ids_of(result: dict[str, Any]) -> list[str]:
        return [n["id"] for n in data(result)["events"]["nodes"]]

    assert ids_of(await api(query, {"g": str(world.g2.id)}, as_=world.operator_a)) == [at_102, at_201]
    assert ids_of(await api(query, {"b": str(world.a1.id)}, as_=world.operator_a)) == [at_101, at_102]
    assert ids_of(await api(query, {"h": str(world.a201.id)}, as_=world.operator_a)) == [at_201]
    # A filter narrows what you may see; it never widens it.
    assert ids_of(await api(query, {"g": str(world.g2.id)}, as_=world.keeper_g1)) == []
    assert ids_of(await api(query, {"h": str(world.a102.id)}, as_=world.owner_a101)) == []


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
