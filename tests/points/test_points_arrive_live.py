"""myPointsUpdates: a resident sees their own entries arrive (earned, spent, expired) through the
outbox and cursor path; a neighbour's never reach them. Foreign entries are caused first, then one
of theirs: the first message received must be that one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from domain.points import expiry
from domain.points.models import Entry
from realtime.outbox import publishing_to
from tests.conftest import RunningServer
from tests.points.support import MY_POINTS_UPDATES, bind, grant, make_bin, make_reward, redeem, sort, throw
from tests.realtime.support import socket, take
from tests.support import Api, World, data


def request(**variables: Any) -> GraphQLRequest:
    return GraphQLRequest(MY_POINTS_UPDATES, variable_values={"after": "0", **variables})


async def test_a_resident_sees_their_own_entries_arrive(api: Api, world: World, server: RunningServer) -> None:
    bin = await make_bin(api, world)
    data(await bind(api, world, world.owner_a101, "CARD-1"))
    data(await bind(api, world, world.child_a101, "CARD-2"))
    reward = await make_reward(api, world, points=2)
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(take(session, request(), 3))
        await grant(api, world, world.child_a101, 5)
        await sort(api, bin, throw("r-0", "CARD-2"))
        await grant(api, world, world.owner_b101, 5, community=world.b, as_=world.operator_b)
        await sort(api, bin, throw("r-1", "CARD-1"))
        data(await redeem(api, world.owner_a101, reward))
        await Entry.filter(person_id=world.owner_a101.id).update(expires_at=datetime.now(UTC) - timedelta(days=1))
        await grant(api, world, world.owner_a101, 4)  # does not expire yet
        with publishing_to(server.publisher):  # as the app's own job runs: its messages go out at commit
            await expiry.sweep(datetime.now(UTC))  # nothing left of the first: it was spent
        messages = await receiving
    assert [(m["kind"], m["entry"]["reasonCode"], m["entry"]["amount"], m["balance"]) for m in messages] == [
        ("POINTS_EARNED", "SORTED_RIGHT", 2, 2),
        ("POINTS_SPENT", "REDEEMED", -2, 0),
        ("POINTS_EARNED", "GRANTED", 4, 4),
    ]


async def test_expiry_arrives_live(api: Api, world: World, server: RunningServer) -> None:
    await grant(api, world, world.owner_a101, 6)
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(take(session, request(), 2))
        await Entry.filter(person_id=world.owner_a101.id).update(expires_at=datetime.now(UTC) - timedelta(days=1))
        with publishing_to(server.publisher):  # as the app's own job runs: its messages go out at commit
            await expiry.sweep(datetime.now(UTC))
        messages = await receiving
    assert [(m["kind"], m["entry"]["amount"], m["balance"]) for m in messages] == [
        ("POINTS_EARNED", 6, 6),
        ("POINTS_EXPIRED", -6, 0),
    ]


async def test_only_ones_own_communities_are_watched(api: Api, world: World, server: RunningServer) -> None:
    async with socket(server, world.owner_a101) as session:
        with pytest.raises(TransportQueryError) as refused:
            await take(session, request(c=str(world.b.id)), 1)
    assert refused.value.errors and refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
