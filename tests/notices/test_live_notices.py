"""myNotices: a resident hears of the notices sent to their households, resumes after a cursor,
and never hears of another household's or another community's."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from domain.people.models import Residency, ResidencyKind
from tests.conftest import RunningServer
from tests.notices.support import MY_NOTICES, send
from tests.realtime.support import socket, take
from tests.support import Api, World

LIVE = gql(MY_NOTICES)


async def test_a_resident_hears_only_their_households_notices(api: Api, world: World, server: RunningServer) -> None:
    to_a102 = await send(api, world, "HOUSE", [world.a102])
    to_a2 = await send(api, world, "BUILDING", [world.a2])
    await send(api, world, as_=world.operator_b, communityId=str(world.b.id))
    to_a1 = await send(api, world, "BUILDING", [world.a1])
    marker = await send(api, world, "HOUSE", [world.a101])
    async with socket(server, world.owner_a101) as session:
        got = await take(session, GraphQLRequest(LIVE, variable_values={"after": "0"}), 2)
    assert [m["notice"]["id"] for m in got] == [to_a1["id"], marker["id"]]
    assert {to_a102["id"], to_a2["id"]}.isdisjoint(m["notice"]["id"] for m in got)
    # Resuming after the first: the next one is the marker.
    async with socket(server, world.owner_a101) as session:
        [again] = await take(session, GraphQLRequest(LIVE, variable_values={"after": got[0]["cursor"]}), 1)
    assert again["notice"]["id"] == marker["id"]


async def test_a_notice_sent_while_subscribed_arrives(api: Api, world: World, server: RunningServer) -> None:
    async with socket(server, world.elder_a102) as session:
        receiving = asyncio.create_task(take(session, GraphQLRequest(LIVE, variable_values={}), 1))
        await asyncio.sleep(0)  # let the subscription start; the message is awaited below, not timed
        sent = None
        for _ in range(50):  # until the subscriber is on the bus: a notice each try, bounded
            sent = await send(api, world, "UNIT", [world.u1])
            done, _ = await asyncio.wait({receiving}, timeout=0.2)
            if done:
                break
        [update] = await receiving
    assert sent is not None and update["kind"] == "NOTICE_SENT"
    assert update["notice"]["targetKind"] == "UNIT"


async def test_only_residents_of_the_community_subscribe(server: RunningServer, world: World) -> None:

    for person, community, code in (
        (world.owner_b101, world.a, "FORBIDDEN"),
        (world.operator_a, None, "INVALID_INPUT"),
    ):
        async with socket(server, person) as session:
            variables = {"c": str(community.id)} if community else {}
            with pytest.raises(TransportQueryError) as refused:
                async for _ in session.subscribe(GraphQLRequest(LIVE, variable_values=variables)):
                    pass
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == code


async def test_a_running_subscription_follows_a_move_out(api: Api, world: World, server: RunningServer) -> None:
    """The owner of a101 also lives in a201, then moves out of it: a201's notices stop at once (the
    test server re-reads the viewer, and so their homes, before every message)."""
    second_home = await Residency.create(
        person=world.owner_a101,
        house=world.a201,
        community=world.a,
        kind=ResidencyKind.TENANT,
        moved_in=date(2020, 1, 1),
    )
    to_a201 = await send(api, world, "BUILDING", [world.a2])
    async with socket(server, world.owner_a101) as session:
        messages = session.subscribe(GraphQLRequest(LIVE, variable_values={"after": "0"}))
        first = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        await Residency.filter(id=second_home.id).update(moved_out=date.today())
        await send(api, world, "BUILDING", [world.a2])  # no longer theirs
        marker = await send(api, world, "HOUSE", [world.a101])
        second = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        await messages.aclose()
    assert first["notice"]["id"] == to_a201["id"]
    assert second["notice"]["id"] == marker["id"]
