"""Events stay with the people they concern, over HTTP: read, list, change, photos, statistics.

Residents see the events they reported; grid staff their grids' events and their assignments;
dispatchers their community's. Whoever may not see an event finds nothing (NOT_FOUND), so an id
reveals nothing either."""

from __future__ import annotations

from typing import Any

import httpx

from auth.roles import Role
from domain.people.models import Person
from tests.events.support import ACCEPT, ASSIGN, ESCALATE, RATE, REJECT, REOPEN, RESOLVE
from tests.files.support import PHOTO, upload
from tests.support import Api, World, data, error, make_staff

REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status assigneeId gridId }
}
"""
EVENT = """
query E($id: ID!) {
  event(id: $id) { id status assigneeId description timeline { action } photos { key url } }
}
"""
EVENTS = """
query L($c: ID, $mine: Boolean! = false) {
  events(communityId: $c, mine: $mine, first: 100) { totalCount nodes { id photos { url } } }
}
"""
STATISTICS = "query S($c: ID!) { eventStatistics(communityId: $c) { total byStatus { key count } } }"
DEADLINES = "query D($c: ID!) { eventDeadlines(communityId: $c) { category hours } }"


async def report(api: Api, world: World, person: Person, house: Any = None, **extra: Any) -> str:
    community = world.b if house is world.b101 else world.a
    fields = {"communityId": str(community.id), "category": "REPAIR", "description": "Something broke", **extra}
    if house is not None:
        fields["houseId"] = str(house.id)
    return str(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"]["id"])


async def visible_ids(api: Api, person: Person, **variables: Any) -> set[str]:
    events = data(await api(EVENTS, variables, as_=person))["events"]
    assert events["totalCount"] == len(events["nodes"])
    return {n["id"] for n in events["nodes"]}


async def not_found(api: Api, person: Person, event_id: str) -> None:
    result = await api(EVENT, {"id": event_id}, as_=person)
    assert (error(result)["code"], error(result).get("field")) == ("NOT_FOUND", "id")
    assert result["data"] == {"event": None}  # null where the event would be; the rest of an answer stands


async def test_a_resident_cannot_read_list_or_change_a_neighbours_event(api: Api, world: World) -> None:
    theirs = await report(api, world, world.elder_a102, world.a102)  # grid g2: no staff, stays REPORTED
    mine = await report(api, world, world.owner_a101, world.a101)
    before = data(await api(EVENT, {"id": theirs}, as_=world.operator_a))["event"]

    await not_found(api, world.owner_a101, theirs)
    assert await visible_ids(api, world.owner_a101) == {mine}
    assert await visible_ids(api, world.owner_a101, c=str(world.a.id), mine=True) == {mine}
    changes: list[tuple[str, dict[str, Any]]] = [
        (RATE, {"score": 1}),
        (REOPEN, {}),
        (ACCEPT, {}),
        (RESOLVE, {}),
        (REJECT, {"reason": "Not mine"}),
        (ESCALATE, {}),
        (ASSIGN, {"assigneeId": str(world.staff_a.id)}),
    ]
    for document, variables in changes:
        result = await api(document, {"id": theirs, **variables}, as_=world.owner_a101)
        assert (error(result)["code"], error(result).get("field")) == ("NOT_FOUND", "id"), document
    assert data(await api(EVENT, {"id": theirs}, as_=world.operator_a))["event"] == before

    # Nor does their household, nor a resident of another community, see the owner's report.
    await not_found(api, world.child_a101, mine)
    await not_found(api, world.owner_b101, mine)
    assert await visible_ids(api, world.child_a101) == set()


async def test_a_resident_reports_only_about_their_own_house_and_community(api: Api, world: World) -> None:
    me = world.owner_a101
    cases = [
        ({"communityId": str(world.a.id), "houseId": str(world.a102.id)}, "FORBIDDEN", "houseId"),
        ({"communityId": str(world.a.id), "houseId": str(world.b101.id)}, "FORBIDDEN", "houseId"),
        ({"communityId": str(world.b.id)}, "FORBIDDEN", "communityId"),
        ({"communityId": str(world.b.id), "houseId": str(world.b101.id)}, "FORBIDDEN", "communityId"),
    ]
    for place, code, field in cases:
        result = await api(REPORT, {"input": {"category": "NOISE", "description": "Loud", **place}}, as_=me)
        assert (error(result)["code"], error(result).get("field")) == (code, field), place
    assert data(await api(EVENTS, {}, as_=world.admin))["events"]["totalCount"] == 0


async def test_a_resident_cannot_get_the_photos_of_another_houses_event(api: Api, world: World) -> None:
    photo = await upload(api, world.elder_a102)
    theirs = await report(api, world, world.elder_a102, world.a102, photos=[photo])
    own = data(await api(EVENT, {"id": theirs}, as_=world.elder_a102))["event"]["photos"]
    assert [p["key"] for p in own] == [photo]
    async with httpx.AsyncClient() as http:
        assert (await http.get(own[0]["url"])).content == PHOTO  # the photo is there, for its reporter

    await not_found(api, world.owner_a101, theirs)
    listed = data(await api(EVENTS, {}, as_=world.owner_a101))["events"]
    assert listed == {"totalCount": 0, "nodes": []}
    # The grid staff of another grid do not get it either.
    keeper = data(await api(EVENTS, {}, as_=world.keeper_g1))["events"]
    assert keeper == {"totalCount": 0, "nodes": []}


async def test_grid_staff_see_their_grids_events_and_their_assignments_only(api: Api, world: World) -> None:
    worker_g2 = await make_staff(Role.GRID_WORKER, world.a, world.g2, name="Worker g2")
    in_g1 = await report(api, world, world.owner_a101, world.a101)  # assigned to the keeper of g1
    in_g2 = await report(api, world, world.elder_a102, world.a102)  # g2's grid worker gets it
    common = await report(api, world, world.owner_a101)  # no house: no grid, for the dispatchers

    assert await visible_ids(api, world.keeper_g1) == {in_g1}
    assert await visible_ids(api, worker_g2) == {in_g2}
    await not_found(api, world.keeper_g1, in_g2)
    await not_found(api, world.keeper_g1, common)
    await not_found(api, worker_g2, in_g1)
    assert await visible_ids(api, world.operator_a) == {in_g1, in_g2, common}

    # Assigned to them, an event of another grid is theirs to see and work on...
    assign = {"id": in_g2, "assigneeId": str(world.keeper_g1.id)}
    data(await api(ASSIGN, assign, as_=world.operator_a))
    assert await visible_ids(api, world.keeper_g1) == {in_g1, in_g2}
    assert await visible_ids(api, world.keeper_g1, mine=True) == {in_g1, in_g2}
    assert data(await api(ACCEPT, {"id": in_g2}, as_=world.keeper_g1))["eventAccept"]["status"] == "IN_PROGRESS"

    # ...until it is reassigned: then it is gone again.
    data(await api(ASSIGN, {"id": in_g2, "assigneeId": str(world.staff_a.id)}, as_=world.operator_a))
    assert await visible_ids(api, world.keeper_g1) == {in_g1}
    await not_found(api, world.keeper_g1, in_g2)


async def test_an_operator_sees_nothing_of_another_community(api: Api, world: World) -> None:
    in_b = await report(api, world, world.owner_b101, world.b101)
    in_a = await report(api, world, world.owner_a101, world.a101)
    op = world.operator_a

    await not_found(api, op, in_b)
    assert await visible_ids(api, op) == {in_a}
    assert await visible_ids(api, op, c=str(world.b.id)) == set()
    for query in (STATISTICS, DEADLINES):
        assert error(await api(query, {"c": str(world.b.id)}, as_=op))["code"] == "FORBIDDEN"
    assign = await api(ASSIGN, {"id": in_b, "assigneeId": str(world.staff_a.id)}, as_=op)
    assert error(assign)["code"] == "NOT_FOUND"
    register = 'mutation I($c: ID!) { integrationRegister(communityId: $c, name: "Hotline") { key } }'
    assert error(await api(register, {"c": str(world.b.id)}, as_=op))["code"] == "FORBIDDEN"

    # Their own community's operator sees it, untouched.
    event = data(await api(EVENT, {"id": in_b}, as_=world.operator_b))["event"]
    assert (event["status"], event["assigneeId"], [e["action"] for e in event["timeline"]]) == (
        "REPORTED",
        None,
        ["REPORT"],
    )
    assert data(await api(STATISTICS, {"c": str(world.b.id)}, as_=world.operator_b))["eventStatistics"] == {
        "total": 1,
        "byStatus": [{"key": "REPORTED", "count": 1}],
    }


async def test_statistics_are_for_the_dispatchers_only(api: Api, world: World) -> None:
    await report(api, world, world.owner_a101, world.a101)
    for person in (world.owner_a101, world.keeper_g1, world.merchant_a, world.operator_b):
        assert error(await api(STATISTICS, {"c": str(world.a.id)}, as_=person))["code"] == "FORBIDDEN"
    assert error(await api(STATISTICS, {"c": str(world.a.id)}))["code"] == "UNAUTHENTICATED"
    for person in (world.operator_a, world.staff_a, world.admin):
        assert data(await api(STATISTICS, {"c": str(world.a.id)}, as_=person))["eventStatistics"]["total"] == 1
