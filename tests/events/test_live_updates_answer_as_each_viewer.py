"""Each live event update answers as its viewer is now: the timeline read afresh, the house of their own
scope (even where subscribers share one execution), and no house once they moved out."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from gql import GraphQLRequest, gql

from auth.roles import Role
from domain.people.models import Residency
from tests.conftest import RunningServer
from tests.events.support import ASSIGN, report, report_about
from tests.files.support import upload
from tests.realtime.support import socket, take
from tests.support import Api, World, data, make_resident, make_staff

LIVE = gql(
    "subscription S($after: String) { eventUpdates(after: $after) { kind event { id status house { number } } } }"
)
HOUSE_OF = "query E($id: ID!) { event(id: $id) { house { number } } }"


def _of(messages: list[dict[str, Any]], event_id: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["event"]["id"] == event_id]


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


async def test_a_reporter_who_moved_out_no_longer_sees_the_house_in_live_updates(
    api: Api, world: World, server: RunningServer
) -> None:
    resident = world.owner_a101
    event_id = (await report(api, world, resident))["id"]
    assert data(await api(HOUSE_OF, {"id": event_id}, as_=resident))["event"]["house"] == {"number": "101"}
    query = gql(
        "subscription S($after: String) { eventUpdates(after: $after) {"
        " kind event { id status house { number residents { person { name } } } } } }"
    )
    async with socket(server, resident) as session:
        messages = session.subscribe(GraphQLRequest(query, variable_values={"after": "0"}))
        first = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        assert first["kind"] == "EVENT_REPORTED"  # the subscription runs: now they move out
        await Residency.filter(person=resident, house=world.a101).update(moved_out=date.today())
        await make_resident(world.a101, name="New Owner A101")
        accept = "mutation A($id: ID!) { eventAccept(id: $id) { status } }"
        data(await api(accept, {"id": event_id}, as_=world.keeper_g1))
        later: dict[str, Any] = {}
        while later.get("kind") != "EVENT_IN_PROGRESS":
            later = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        await messages.aclose()

    # Over HTTP the reporter still sees the event, not the house any more:
    assert data(await api(HOUSE_OF, {"id": event_id}, as_=resident))["event"]["house"] is None
    # A refresh that finds the viewer changed updates the connection's context too: nested fields
    # (house, residents) answer as the viewer is now, through fresh loaders.
    assert later["event"]["house"] is None, later


async def test_one_event_one_document_each_subscriber_gets_the_house_of_their_own_scope(
    api: Api, world: World, server: RunningServer
) -> None:
    """The keeper of g1 reports about a102 (grid g2): they see the event (reporter) but not the
    house; the operator, on the same document and event, sees it. No answer crosses scopes."""
    event_id = (await report(api, world, world.keeper_g1, houseId=str(world.a102.id)))["id"]
    request = GraphQLRequest(LIVE, variable_values={"after": "0"})
    async with socket(server, world.keeper_g1) as keeper, socket(server, world.operator_a) as operator:
        answers = await asyncio.gather(take(keeper, request, 1), take(operator, request, 1))
    by_keeper, by_operator = (_of(a, event_id) for a in answers)
    assert by_keeper and all(m["event"]["house"] is None for m in by_keeper)
    assert by_operator and all(m["event"]["house"] == {"number": "102"} for m in by_operator)
    assert data(await api(HOUSE_OF, {"id": event_id}, as_=world.keeper_g1))["event"]["house"] is None


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
        event = await report_about(api, world, world.owner_a101, world.a101, photos=[photo])  # REPORTED, ASSIGNED
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
