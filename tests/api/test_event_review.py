"""An adversarial review of events (work orders) and file uploads, against the real running app.

Each test is named after the behaviour that must hold. Seven of them proved defects, since
fixed (revoked staff kept their assignments, overdue alarms reached households, self-rating,
ratings moving with reassignment, reopened events escalated at once, INTERNAL for malformed
keys and far dates); the others pin properties that were checked and hold. What the other event test modules cover already is not repeated here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql

from auth.roles import Role
from domain.alarms.models import Alarm
from domain.events.models import Event, EventEntry
from domain.events.overdue import escalate_overdue
from domain.files.models import StoredFile
from domain.people.models import Membership, Person
from tests.api.test_alarm_subscriptions import socket, take
from tests.api.test_event_isolation import PHOTO, upload
from tests.api.test_event_rules import ACCEPT, ASSIGN, RATE, REOPEN, RESOLVE
from tests.conftest import RunningServer
from tests.support import Api, World, data, error, make_staff, token_for

REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status assigneeId deadlineAt }
}
"""
EVENT = """
query E($id: ID!) {
  event(id: $id) { id status assigneeId contact deadlineAt overdue rating photos { key } timeline { action } }
}
"""
RESOLVE_WITH = """
mutation R($id: ID!, $photos: [String!]) { eventResolve(id: $id, photos: $photos) { id status } }
"""
REOPEN_WITH = """
mutation R($id: ID!, $photos: [String!]) { eventReopen(id: $id, photos: $photos) { id status } }
"""
MY_RATINGS = "query { myRatings { average totalCount ratings { eventId score } } }"
REVOKE = "mutation R($id: ID!) { membershipRevoke(id: $id) { id } }"
ALARMS = "query A { alarms { totalCount nodes { id type } } }"
STATISTICS = "query S($c: ID!, $since: DateTime) { eventStatistics(communityId: $c, since: $since) { total } }"
UPLOAD = """
mutation U($type: String!, $size: Int!) {
  requestUpload(kind: EVENT_PHOTO, contentType: $type, size: $size) { key url method headers }
}
"""


async def report(api: Api, world: World, person: Person, house: Any = None, **extra: Any) -> dict[str, Any]:
    """An event in community A (about `house` if given: a101 is grid g1, whose keeper gets it at once)."""
    fields: dict[str, Any] = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Broken", **extra}
    if house is not None:
        fields["houseId"] = str(house.id)
    return dict(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"])


async def resolved(api: Api, world: World) -> str:
    """Reported by the owner of a101, accepted and resolved by g1's housekeeper."""
    event = await report(api, world, world.owner_a101, world.a101)
    assert event["assigneeId"] == str(world.keeper_g1.id)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    data(await api(RESOLVE, {"id": event["id"]}, as_=world.keeper_g1))
    return str(event["id"])


async def raw(api: Api, person: Person, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Sent as the JSON text Python writes (`\\ud800`, `NaN`), which httpx's own encoder refuses."""
    body = json.dumps({"query": query, "variables": variables})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {await token_for(api.issuer, person)}"}
    response = await api.http.post(api.url, content=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def code_and_field(result: dict[str, Any]) -> tuple[str, str | None]:
    refused = error(result)
    return refused.get("code", "GRAPHQL"), refused.get("field")


def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")


# --- authorization ---------------------------------------------------------------------------


async def test_staff_whose_role_is_revoked_no_longer_read_or_work_their_open_assignments(
    api: Api, world: World
) -> None:
    event = await report(api, world, world.owner_a101, world.a101, description="Leak; call me on 13800001111")
    assert event["assigneeId"] == str(world.keeper_g1.id)
    membership = await Membership.get(person_id=world.keeper_g1.id)
    revoked = await api(REVOKE, {"id": str(membership.id)}, as_=world.operator_a)
    if revoked.get("errors"):  # refusing to revoke while they have open work would do as well
        assert code_and_field(revoked) == ("CONFLICT", "membershipId"), revoked
        return

    # An assignee counts as one only while they hold a staff role in the event's community.
    read = await api(EVENT, {"id": event["id"]}, as_=world.keeper_g1)
    assert code_and_field(read) == ("NOT_FOUND", "id"), read
    accept = await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1)
    assert code_and_field(accept)[0] in ("NOT_FOUND", "FORBIDDEN"), accept
    assert (await Event.get(id=int(event["id"]))).status.value == "ASSIGNED"


async def test_residents_are_not_told_of_overdue_events_they_may_not_see(api: Api, world: World) -> None:
    # A housekeeper reports illegal construction at house a101: its residents may not see that event.
    event = await report(api, world, world.keeper_g1, world.a101, category="ILLEGAL_CONSTRUCTION")
    assert code_and_field(await api(EVENT, {"id": event["id"]}, as_=world.owner_a101)) == ("NOT_FOUND", "id")
    assert data(await api(ALARMS, {}, as_=world.owner_a101))["alarms"]["totalCount"] == 0

    late = datetime.now(UTC) + timedelta(days=400)  # far past its deadline, and past the app's own sweep
    assert await escalate_overdue(now=late) == 1
    assert await Alarm.filter(type="EVENT_OVERDUE").count() == 1  # the staff are alerted

    # The EVENT_OVERDUE alarm is for staff: raised in the grid, with no house for residents to see.
    alarms = data(await api(ALARMS, {}, as_=world.owner_a101))["alarms"]
    assert alarms["totalCount"] == 0, alarms


async def test_staff_cannot_inflate_their_own_ratings(api: Api, world: World) -> None:
    # The housekeeper of g1 reports about a house of g1: the event is assigned to themselves.
    event = await report(api, world, world.keeper_g1, world.a101)
    assert event["assigneeId"] == str(world.keeper_g1.id)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    data(await api(RESOLVE, {"id": event["id"]}, as_=world.keeper_g1))
    await api(RATE, {"id": event["id"], "score": 5}, as_=world.keeper_g1)

    # Reported and resolved by one person: closed at once, with no rating to give themselves.
    mine = data(await api(MY_RATINGS, {}, as_=world.keeper_g1))["myRatings"]
    assert (mine["average"], mine["totalCount"]) == (None, 0), mine


async def test_the_nested_house_follows_each_viewer_even_on_a_shared_subscription(
    api: Api, world: World, server: RunningServer
) -> None:
    """The same document (alias, fragment, @include with a variable, __typename) for two viewers
    who both see the event: the operator sees its house, an assignee from another grid does not."""
    worker_g2 = await make_staff(Role.GRID_WORKER, world.a, world.g2, name="Worker g2")
    document = gql(
        """
        subscription S($c: ID, $after: String, $withHouse: Boolean!) {
          eventUpdates(communityId: $c, after: $after) {
            __typename kind
            event { ...Where place: house @include(if: $withHouse) { number } photos { key } }
          }
        }
        fragment Where on Event { id houseId assigneeId home: house { number } }
        """
    )
    variables = {"c": str(world.a.id), "after": "0", "withHouse": True}
    async with socket(server, world.operator_a) as ops, socket(server, worker_g2) as worker:
        operator_receiving = asyncio.create_task(take(ops, GraphQLRequest(document, variable_values=variables), 3))
        worker_receiving = asyncio.create_task(take(worker, GraphQLRequest(document, variable_values=variables), 1))
        photo = await upload(api, world.owner_a101)
        event = await report(api, world, world.owner_a101, world.a101, photos=[photo])  # REPORTED, ASSIGNED
        data(await api(ASSIGN, {"id": event["id"], "assigneeId": str(worker_g2.id)}, as_=world.operator_a))
        operator_sees, worker_sees = await operator_receiving, await worker_receiving

    expected = {"id": event["id"], "houseId": str(world.a101.id), "assigneeId": str(worker_g2.id)}
    assert operator_sees[-1]["event"] == {
        **expected,
        "home": {"number": "101"},
        "place": {"number": "101"},
        "photos": [{"key": photo}],
    }
    assert worker_sees[0]["event"] == {**expected, "home": None, "place": None, "photos": [{"key": photo}]}
    assert worker_sees[0]["__typename"] == "EventUpdate"


async def test_a_place_outside_the_community_or_someone_elses_upload_writes_nothing(api: Api, world: World) -> None:
    theirs = await upload(api, world.owner_b101)
    op = world.operator_a
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"houseId": str(world.b101.id)}, ("NOT_FOUND", "houseId")),
        ({"buildingId": str(world.b1.id)}, ("NOT_FOUND", "buildingId")),
        ({"houseId": str(world.a101.id), "buildingId": str(world.a2.id)}, ("INVALID_INPUT", "buildingId")),
        ({"photos": [theirs]}, ("INVALID_INPUT", "photos")),
    ]
    for extra, expected in cases:
        fields = {"communityId": str(world.a.id), "category": "NOISE", "description": "Loud", **extra}
        assert code_and_field(await api(REPORT, {"input": fields}, as_=op)) == expected, extra
    assert await Event.all().count() == 0
    assert (await StoredFile.get(key=theirs)).event_id is None


async def test_only_the_assignee_and_the_reporter_attach_photos_and_a_refusal_keeps_the_file(
    api: Api, world: World
) -> None:
    event = await report(api, world, world.owner_a101, world.a101)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    mine = await upload(api, world.operator_a)
    refused = await api(RESOLVE_WITH, {"id": event["id"], "photos": [mine]}, as_=world.operator_a)
    assert code_and_field(refused) == ("FORBIDDEN", "id")
    keepers = await upload(api, world.keeper_g1)
    stolen = await api(RESOLVE_WITH, {"id": event["id"], "photos": [mine]}, as_=world.keeper_g1)
    assert code_and_field(stolen) == ("INVALID_INPUT", "photos")
    data(await api(RESOLVE_WITH, {"id": event["id"], "photos": [keepers]}, as_=world.keeper_g1))
    # The reporter cannot reopen with the housekeeper's (now attached) photo either.
    again = await api(REOPEN_WITH, {"id": event["id"], "photos": [keepers]}, as_=world.owner_a101)
    assert code_and_field(again) == ("INVALID_INPUT", "photos")

    seen = data(await api(EVENT, {"id": event["id"]}, as_=world.owner_a101))["event"]
    assert (seen["status"], seen["photos"]) == ("RESOLVED", [{"key": keepers}])
    assert (await StoredFile.get(key=mine)).event_id is None  # still the operator's to use


# --- input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["\ud800", "a\x00b", "k" * 201, "k" * 20_000],
    ids=["lone-surrogate", "nul", "longer-than-the-column", "huge"],
)
async def test_a_malformed_photo_key_is_invalid_input_and_writes_nothing(api: Api, world: World, key: str) -> None:
    fields = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Broken", "photos": [key]}
    result = await raw(api, world.owner_a101, REPORT, {"input": fields})
    # Keys are checked for shape before they reach the database: a typed error, never INTERNAL.
    assert code_and_field(result) == ("INVALID_INPUT", "photos"), result
    assert await Event.all().count() == 0


async def test_bad_event_and_upload_input_is_a_typed_error_and_writes_nothing(api: Api, world: World) -> None:
    me = world.owner_a101
    base = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Broken"}
    cases: list[tuple[dict[str, Any], tuple[str, str | None]]] = [
        ({"photos": [f"k{i}" for i in range(10)]}, ("INVALID_INPUT", "photos")),
        ({"photos": ["k", "k"]}, ("INVALID_INPUT", "photos")),
        ({"latitude": 90.000001}, ("INVALID_INPUT", "latitude")),
        ({"longitude": -1e308}, ("INVALID_INPUT", "longitude")),
        ({"description": "x" * 2001}, ("INVALID_INPUT", "description")),
        ({"description": "bell\x07"}, ("INVALID_INPUT", "description")),
        ({"description": " \n\t "}, ("INVALID_INPUT", "description")),
        ({"houseId": "-1"}, ("INVALID_INPUT", "houseId")),
        ({"houseId": "1e3"}, ("INVALID_INPUT", "houseId")),
        ({"communityId": "99999999999"}, ("INVALID_INPUT", "communityId")),
        ({"source": "HOTLINE_12345"}, ("INVALID_INPUT", "source")),
    ]
    for extra, expected in cases:
        assert code_and_field(await api(REPORT, {"input": {**base, **extra}}, as_=me)) == expected, extra
    # What GraphQL itself refuses is described, never masked as INTERNAL.
    for extra in ({"latitude": float("nan")}, {"longitude": float("inf")}, {"category": "BOGUS"}):
        result = await raw(api, me, REPORT, {"input": {**base, **extra}})
        assert result["errors"][0]["message"].startswith("Variable '$input'"), result
    uploads = [
        ("image/jpeg", -1, "size"),
        ("image/jpeg", 0, "size"),
        ("IMAGE/JPEG", 10, "contentType"),
        ("image/jpeg; charset=binary", 10, "contentType"),
        ("text/html", 10, "contentType"),
    ]
    for content_type, size, field in uploads:
        result = await api(UPLOAD, {"type": content_type, "size": size}, as_=me)
        assert code_and_field(result) == ("INVALID_INPUT", field), (content_type, size)
    assert await Event.all().count() == 0
    assert await StoredFile.all().count() == 0


async def test_statistics_over_any_date_range_are_an_answer_not_an_internal_error(api: Api, world: World) -> None:
    await report(api, world, world.owner_a101, world.a101)
    for since in ("2020-01-01T00:00:00+08:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-05:00"):
        result = await api(STATISTICS, {"c": str(world.a.id), "since": since}, as_=world.operator_a)
        # Bounds outside 2000-2100 are refused (PostgreSQL cannot even hold some valid DateTimes in UTC).
        assert "errors" not in result or code_and_field(result)[0] == "INVALID_INPUT", (since, result)


# --- the loop -------------------------------------------------------------------------------


async def test_a_rating_stays_with_the_staff_member_who_was_rated(api: Api, world: World) -> None:
    event_id = await resolved(api, world)
    reopened = await api(
        RATE, {"id": event_id, "score": 1, "comment": "Still leaks", "reopen": True}, as_=world.owner_a101
    )
    assert data(reopened)["eventRate"]["status"] == "REOPENED"
    data(await api(ASSIGN, {"id": event_id, "assigneeId": str(world.staff_a.id)}, as_=world.operator_a))

    # A rating stays with whoever held the event when it was given (it is kept on the timeline).
    newcomer = data(await api(MY_RATINGS, {}, as_=world.staff_a))["myRatings"]
    keeper = data(await api(MY_RATINGS, {}, as_=world.keeper_g1))["myRatings"]
    assert (newcomer["average"], newcomer["totalCount"]) == (None, 0), newcomer
    assert (keeper["average"], keeper["totalCount"]) == (1.0, 1), keeper


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
    event = data(await api(EVENT, {"id": event_id}, as_=world.operator_a))["event"]
    assert (swept, event["status"], event["overdue"]) == (0, "REOPENED", False), event
    assert datetime.fromisoformat(event["deadlineAt"]) > datetime.now(UTC)


async def test_reassigning_work_in_progress_takes_it_from_the_old_assignee(api: Api, world: World) -> None:
    worker_g1 = await make_staff(Role.GRID_WORKER, world.a, world.g1, name="Worker g1")
    event = await report(api, world, world.owner_a101, world.a101)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    moved = await api(ASSIGN, {"id": event["id"], "assigneeId": str(worker_g1.id)}, as_=world.operator_a)
    assert data(moved)["eventAssign"] == {"id": event["id"], "status": "ASSIGNED", "assigneeId": str(worker_g1.id)}
    # The old assignee still sees it (their grid) but may no longer work on it; the new one must accept first.
    assert code_and_field(await api(RESOLVE, {"id": event["id"]}, as_=world.keeper_g1)) == ("FORBIDDEN", "id")
    assert code_and_field(await api(RESOLVE, {"id": event["id"]}, as_=worker_g1)) == ("CONFLICT", "status")
    data(await api(ACCEPT, {"id": event["id"]}, as_=worker_g1))
    data(await api(RESOLVE, {"id": event["id"]}, as_=worker_g1))
    actions = [e.action for e in await EventEntry.filter(event_id=int(event["id"])).order_by("id")]
    assert actions == ["REPORT", "ASSIGN", "ACCEPT", "ASSIGN", "ACCEPT", "RESOLVE"]


# --- races (PostgreSQL) ------------------------------------------------------------------------


async def test_one_upload_attached_to_two_events_at_once_lands_on_one(
    api: Api, world: World, backend: str, server: RunningServer
) -> None:
    postgres_only(backend)
    keeper = world.keeper_g1
    working = await report(api, world, world.owner_a101, world.a101)
    data(await api(ACCEPT, {"id": working["id"]}, as_=keeper))
    photo = await upload(api, keeper)
    fields = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Also this", "photos": [photo]}
    token = await token_for(server.issuer, keeper)
    results = await asyncio.gather(
        api(RESOLVE_WITH, {"id": working["id"], "photos": [photo]}, token=token),
        *(api(REPORT, {"input": fields}, token=token) for _ in range(3)),
    )
    outcomes = sorted("OK" if not r.get("errors") else "{}/{}".format(*code_and_field(r)) for r in results)
    assert outcomes == ["CONFLICT/photos"] * 3 + ["OK"], outcomes
    stored = await StoredFile.get(key=photo)
    assert stored.event_id is not None and await Event.all().count() == 1 + (stored.event_id != int(working["id"]))
    # The losers left nothing behind: no event, no timeline entry.
    assert await EventEntry.filter(event_id__not=int(working["id"])).count() == (
        0 if stored.event_id == int(working["id"]) else 1
    )


async def test_the_overdue_sweep_racing_a_resolve_has_one_consistent_outcome(
    api: Api, world: World, backend: str, server: RunningServer
) -> None:
    postgres_only(backend)
    token = await token_for(server.issuer, world.keeper_g1)
    for _ in range(4):
        event = await report(api, world, world.owner_a101, world.a101)
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


# --- local file URLs ---------------------------------------------------------------------------


async def _chunks(body: bytes, size: int = 100) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_local_file_urls_do_only_what_they_were_signed_for(api: Api, world: World) -> None:
    me = world.owner_a101
    slot = data(await api(UPLOAD, {"type": "image/jpeg", "size": len(PHOTO)}, as_=me))["requestUpload"]
    other = data(await api(UPLOAD, {"type": "image/jpeg", "size": len(PHOTO)}, as_=me))["requestUpload"]
    base, _, query = slot["url"].partition("?")
    prefix = base[: base.index("/files/") + len("/files/")]
    jpeg = {"Content-Type": "image/jpeg"}
    async with httpx.AsyncClient() as http:
        # Another key with this signature, traversal, a case-changed type: refused before any byte is kept.
        assert (
            await http.put(f"{other['url'].partition('?')[0]}?{query}", content=PHOTO, headers=jpeg)
        ).status_code == 403
        assert (await http.put(f"{prefix}..%2F..%2Fjwt_secret?{query}", content=PHOTO, headers=jpeg)).status_code == 400
        assert (await http.put(slot["url"], content=PHOTO, headers={"Content-Type": "Image/JPEG"})).status_code == 415
        # No Content-Length (chunked): one byte too many is refused and stores nothing.
        too_long = await http.put(slot["url"], content=_chunks(PHOTO + b"!"), headers=jpeg)
        assert too_long.status_code == 413
        assert (await http.put(slot["url"], content=_chunks(PHOTO[:-1]), headers=jpeg)).status_code == 400
        # The signed PUT URL is no GET URL.
        assert (await http.get(slot["url"])).status_code == 403
        assert (await http.put(slot["url"], content=_chunks(PHOTO), headers=jpeg)).status_code == 200

    key = slot["key"]
    event = await report(api, world, me, world.a101, photos=[key])
    [photo] = data(await api("query E($id: ID!) { event(id: $id) { photos { url } } }", {"id": event["id"]}, as_=me))[
        "event"
    ]["photos"]
    get_base, _, get_query = photo["url"].partition("?")
    async with httpx.AsyncClient() as http:
        fetched = await http.get(photo["url"])
        assert (fetched.status_code, fetched.content) == (200, PHOTO)
        assert fetched.headers["x-content-type-options"] == "nosniff"
        # A GET signature neither uploads nor reads another key.
        assert (await http.put(photo["url"], content=b"x" * len(PHOTO), headers=jpeg)).status_code == 403
        assert (await http.get(f"{other['url'].partition('?')[0]}?{get_query}")).status_code == 403
        assert (await http.get(f"{get_base}.meta.json?{get_query}")).status_code in (400, 403)
