"""The isolation sweep of the operations centre: every root field of resolvers/ioc.py has a probe
here (a new field without one fails `test_every_field_is_probed`).

Community A's office (its operators and property staff) reads A's dashboard and watches A's feed
and counters; nobody else does — not B's operator, not A's residents, grid staff or merchants. And
B's own dashboard, feed and counters never carry anything of A's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from domain.alarms.models import Severity
from domain.people.models import Person
from tests.alarms.support import smoke
from tests.conftest import RunningServer
from tests.devices.support import REGISTER
from tests.ioc.support import COUNTERS, DASHBOARD, FEED, alarm, scene
from tests.isolation.sweep import root_fields
from tests.realtime.support import socket
from tests.support import Api, World, code_and_field, data

NOUNS = {"ioc"}
PROBES = {"dashboard"}
SUBSCRIPTIONS = {"iocFeed", "dashboardCounters"}


def test_every_field_is_probed() -> None:
    assert root_fields(NOUNS) == PROBES | SUBSCRIPTIONS


def strangers(w: World) -> list[Person]:
    """Who must not see community A's operations centre."""
    return [w.operator_b, w.owner_a101, w.elder_a102, w.keeper_g1, w.merchant_a, w.owner_b101]


async def test_no_one_but_the_office_reads_the_dashboard(api: Api, world: World) -> None:
    await scene(world)
    for person in strangers(world):
        result = await api(DASHBOARD, {"c": str(world.a.id)}, as_=person)
        assert code_and_field(result)[0] == "FORBIDDEN" and result["data"] is None, person.name
    before = data(await api(DASHBOARD, {"c": str(world.b.id)}, as_=world.operator_b))["dashboard"]
    await alarm(world.a, "FALL", Severity.MAJOR)  # one more of A's: B's figures do not move
    after_a = data(await api(DASHBOARD, {"c": str(world.a.id)}, as_=world.operator_a))["dashboard"]
    after_b = data(await api(DASHBOARD, {"c": str(world.b.id)}, as_=world.operator_b))["dashboard"]
    assert after_a["alarms"]["active"] == 3 and after_b == before


async def refusal(server: RunningServer, person: Person, document: str, variables: dict[str, Any]) -> str:
    async with socket(server, person) as session:
        with pytest.raises(TransportQueryError) as refused:
            async for _ in session.subscribe(GraphQLRequest(gql(document), variable_values=variables)):
                pass
    assert refused.value.errors is not None
    return str(refused.value.errors[0]["extensions"]["code"])


@pytest.mark.parametrize("document", [FEED, COUNTERS], ids=["iocFeed", "dashboardCounters"])
async def test_no_one_but_the_office_subscribes(world: World, server: RunningServer, document: str) -> None:
    for person in strangers(world):
        assert await refusal(server, person, document, {"c": str(world.a.id)}) == "FORBIDDEN", person.name


async def detector(api: Api, operator: Person, community: Any, house: Any) -> str:
    payload = {"communityId": str(community.id), "type": "SMOKE_DETECTOR", "name": "D", "houseId": str(house.id)}
    return str(data(await api(REGISTER, {"input": payload}, as_=operator))["deviceRegister"]["key"])


async def test_bs_feed_and_counters_never_carry_as(api: Api, world: World, server: RunningServer) -> None:
    await smoke(api, await detector(api, world.operator_a, world.a, world.a101))  # A's alarm first
    await smoke(api, await detector(api, world.operator_b, world.b, world.b101))  # then B's: the marker
    received: list[dict[str, Any]] = []
    async with socket(server, world.operator_b) as session:
        request = GraphQLRequest(gql(FEED), variable_values={"c": str(world.b.id), "after": "0"})

        async def collect() -> None:
            async for message in session.subscribe(request):
                received.append(message["iocFeed"])
                if any(m["source"] == "ALARM" for m in received):
                    return

        await asyncio.wait_for(collect(), timeout=15)
        counters = GraphQLRequest(gql(COUNTERS), variable_values={"c": str(world.b.id)})
        async for first in session.subscribe(counters):
            board = first["dashboardCounters"]["dashboard"]
            break
    a_alarms = data(await api("query { alarms { nodes { id } } }", as_=world.operator_a))["alarms"]["nodes"]
    assert {m["alarm"]["id"] for m in received if m["alarm"]}.isdisjoint({n["id"] for n in a_alarms})
    assert board["alarms"]["active"] == 1 and board["devices"]["online"] == 1
