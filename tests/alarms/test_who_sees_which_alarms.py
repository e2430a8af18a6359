"""Alarms reach the right people only, listed or live: residents their house, grid staff their grid,
nobody another community.

Each subscription starts from a cursor (`after: "0"`), so the foreign alarms are raised first and a
visible one after them: the first message received must be the visible one."""

from __future__ import annotations

import asyncio

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from tests.alarms.support import ALARM_EVENTS, ALARMS, MY_ALARMS, smoke
from tests.conftest import RunningServer
from tests.devices.support import REPORT, register
from tests.realtime.support import socket, take
from tests.support import Api, World, data


async def test_alarms_are_seen_by_the_right_people_only(api: Api, world: World) -> None:
    _, key = await register(api, world, house=world.a102)  # grid g2
    data(await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 20}]}))
    seen = {
        name: data(await api(ALARMS, {}, as_=person))["alarms"]["totalCount"]
        for name, person in [
            ("operator A", world.operator_a),
            ("keeper of g1", world.keeper_g1),
            ("elder in a102", world.elder_a102),
            ("owner of a101", world.owner_a101),
            ("operator B", world.operator_b),
            ("merchant", world.merchant_a),
        ]
    }
    assert seen == {
        "operator A": 1,
        "keeper of g1": 0,
        "elder in a102": 1,
        "owner of a101": 0,
        "operator B": 0,
        "merchant": 0,
    }


async def test_a_resident_hears_only_of_their_own_house(api: Api, world: World, server: RunningServer) -> None:
    _, neighbour = await register(api, world, house=world.a102)
    _, own = await register(api, world, house=world.a101)
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(take(session, GraphQLRequest(MY_ALARMS, variable_values={"after": "0"}), 1))
        await smoke(api, neighbour)
        await smoke(api, own)
        [first] = await receiving
    assert first["alarm"] == {"type": "SMOKE", "house": {"number": "101"}}


async def test_grid_staff_hear_only_of_their_grid_and_filters_apply(
    api: Api, world: World, server: RunningServer
) -> None:
    _, in_g2 = await register(api, world, house=world.a102)
    _, in_g1 = await register(api, world, house=world.a101)
    _, pm = await register(api, world, "ENVIRONMENT_SENSOR", house=world.a101)
    async with socket(server, world.keeper_g1) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0", "min": "MAJOR"})
        receiving = asyncio.create_task(take(session, request, 1))
        await smoke(api, in_g2)  # another grid
        await api(REPORT, {"key": pm, "readings": [{"metric": "pm25", "value": 300}]})  # WARNING: below MAJOR
        await smoke(api, in_g1)
        [first] = await receiving
    assert (first["alarm"]["type"], first["alarm"]["house"]) == ("SMOKE", {"number": "101"})


async def test_nobody_subscribes_to_another_communitys_alarms(world: World, server: RunningServer) -> None:
    for person in (world.operator_b, world.owner_a101, world.merchant_a):
        async with socket(server, person) as session:
            request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})
            with pytest.raises(TransportQueryError) as refused:
                await take(session, request, 1)
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
