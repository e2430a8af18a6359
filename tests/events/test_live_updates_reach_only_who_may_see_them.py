"""Event updates over the live feed (a real WebSocket, graphql-transport-ws) reach only those who may see
the event.

Non-delivery is proved without waiting: each subscription starts from a cursor (`after: "0"`,
the whole topic), the foreign messages are caused first and a visible one after them, and the
first message received must be the visible one: had a foreign one been let through, it would
have come first."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from domain.people.models import Person
from tests.conftest import RunningServer
from tests.events.support import ACCEPT, ASSIGN
from tests.realtime.support import socket, take
from tests.support import Api, World, data

REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status assigneeId gridId }
}
"""
EVENT_UPDATES = gql(
    """
    subscription S($c: ID, $after: String) {
      eventUpdates(communityId: $c, after: $after) { cursor kind event { id status assigneeId } }
    }
    """
)


async def report(api: Api, world: World, person: Person, house: Any = None, **extra: Any) -> str:
    community = world.b if house is world.b101 else world.a
    fields = {"communityId": str(community.id), "category": "REPAIR", "description": "Something broke", **extra}
    if house is not None:
        fields["houseId"] = str(house.id)
    return str(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"]["id"])


def subscribe(session: Any, n: int, community: Any = None) -> asyncio.Task[list[dict[str, Any]]]:
    """The first n messages from the start of the topic, collected in the background."""
    variables = {"after": "0", **({"c": str(community.id)} if community is not None else {})}
    return asyncio.create_task(take(session, GraphQLRequest(EVENT_UPDATES, variable_values=variables), n))


async def test_a_resident_is_not_sent_a_neighbours_event(api: Api, world: World, server: RunningServer) -> None:
    async with socket(server, world.owner_a101) as session:
        receiving = subscribe(session, 2)  # no communityId: their only community
        theirs = await report(api, world, world.elder_a102, world.a102)
        data(await api(ASSIGN, {"id": theirs, "assigneeId": str(world.staff_a.id)}, as_=world.operator_a))
        data(await api(ACCEPT, {"id": theirs}, as_=world.staff_a))
        mine = await report(api, world, world.owner_a101, world.a101)
        messages = await receiving
    assert [(m["event"]["id"], m["kind"]) for m in messages] == [(mine, "EVENT_REPORTED"), (mine, "EVENT_ASSIGNED")]


async def test_grid_staff_are_sent_their_grids_events_and_their_assignments_only(
    api: Api, world: World, server: RunningServer
) -> None:
    async with socket(server, world.keeper_g1) as session:
        receiving = subscribe(session, 4, world.a)
        in_g2 = await report(api, world, world.elder_a102, world.a102)  # another grid: not sent
        in_g1 = await report(api, world, world.owner_a101, world.a101)  # sent: reported, assigned to them
        data(await api(ASSIGN, {"id": in_g2, "assigneeId": str(world.keeper_g1.id)}, as_=world.operator_a))  # sent
        data(await api(ASSIGN, {"id": in_g2, "assigneeId": str(world.staff_a.id)}, as_=world.operator_a))  # not
        data(await api(ACCEPT, {"id": in_g2}, as_=world.staff_a))  # not theirs any more: not sent
        data(await api(ACCEPT, {"id": in_g1}, as_=world.keeper_g1))  # sent
        messages = await receiving
    assert [(m["event"]["id"], m["kind"]) for m in messages] == [
        (in_g1, "EVENT_REPORTED"),
        (in_g1, "EVENT_ASSIGNED"),
        (in_g2, "EVENT_ASSIGNED"),
        (in_g1, "EVENT_IN_PROGRESS"),
    ]
    assert messages[2]["event"]["assigneeId"] == str(world.keeper_g1.id)


async def test_an_operator_is_sent_only_their_own_communitys_events(
    api: Api, world: World, server: RunningServer
) -> None:
    async with socket(server, world.operator_b) as session:
        receiving = subscribe(session, 1, world.b)
        await report(api, world, world.owner_a101, world.a101)
        in_b = await report(api, world, world.owner_b101, world.b101)
        [first] = await receiving
    assert (first["event"]["id"], first["kind"]) == (in_b, "EVENT_REPORTED")


@pytest.mark.parametrize("who", ["operator_b", "owner_b101"])
async def test_nobody_watches_another_communitys_events(
    api: Api, world: World, server: RunningServer, who: str
) -> None:
    await report(api, world, world.owner_a101, world.a101)
    async with socket(server, getattr(world, who)) as session:
        with pytest.raises(TransportQueryError) as refused:
            await subscribe(session, 1, world.a)
    assert refused.value.errors is not None
    assert (refused.value.errors[0]["extensions"]["code"], refused.value.errors[0]["extensions"]["field"]) == (
        "FORBIDDEN",
        "communityId",
    )
