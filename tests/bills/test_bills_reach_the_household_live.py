"""myBills over a real WebSocket: a new bill and an overdue bill reach the household, through the
outbox/cursor path alarms use; another household, another community, staff get none of them.

Each subscription starts from a cursor (`after: "0"`), so nothing depends on the subscription
being live before the bill is made. Where a test proves that something did NOT arrive, the
subscriber's own next bill is the marker: it must be the first message."""

from __future__ import annotations

import asyncio

import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from domain.bills.models import Bill
from domain.bills.overdue import mark_overdue
from realtime.outbox import publishing_to
from tests.bills.support import MY_BILLS, generate, previous_month, tariff
from tests.conftest import RunningServer
from tests.realtime.support import socket, take
from tests.support import Api, World, data

SUBSCRIPTION = gql(MY_BILLS)


async def test_a_new_bill_and_an_overdue_one_reach_the_household(api: Api, world: World, server: RunningServer) -> None:
    await tariff(api, world, "PROPERTY_FEE", 250)
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(take(session, GraphQLRequest(SUBSCRIPTION, variable_values={"after": "0"}), 2))
        data(await generate(api, world, previous_month()))
        bill = await Bill.get(house_id=world.a101.id)
        with publishing_to(server.publisher):  # as the app's own sweep runs: its messages go out at commit
            await mark_overdue(bill.overdue_from)
        issued, overdue = await receiving
    assert (issued["kind"], issued["bill"]["id"], issued["bill"]["status"]) == ("BILL_ISSUED", str(bill.id), "ISSUED")
    assert issued["bill"]["house"] == {"number": "101"}
    assert (overdue["kind"], overdue["bill"]["status"]) == ("BILL_OVERDUE", "OVERDUE")
    assert int(overdue["cursor"]) > int(issued["cursor"])


async def test_no_other_households_or_communitys_bill_reaches_a_resident(
    api: Api, world: World, server: RunningServer
) -> None:
    await tariff(api, world, "PROPERTY_FEE", 250)
    month = previous_month()
    data(await generate(api, world, month))  # three bills of A first, one of them a102's
    async with socket(server, world.elder_a102) as elder, socket(server, world.owner_b101) as neighbour:
        request = GraphQLRequest(SUBSCRIPTION, variable_values={"after": "0"})
        elder_first = asyncio.create_task(take(elder, request, 1))
        neighbour_first = asyncio.create_task(take(neighbour, request, 1))
        data(await generate(api, world, month, as_=world.operator_b, community=world.b))  # the neighbour's marker
        [for_elder] = await elder_first
        [for_neighbour] = await neighbour_first
    assert for_elder["bill"]["id"] == str((await Bill.get(house_id=world.a102.id)).id)
    assert for_neighbour["bill"]["id"] == str((await Bill.get(house_id=world.b101.id)).id)


async def test_watching_a_community_you_do_not_live_in_is_refused(world: World, server: RunningServer) -> None:
    for person, community in ((world.owner_b101, world.a), (world.operator_a, world.a)):
        async with socket(server, person) as session:
            request = GraphQLRequest(SUBSCRIPTION, variable_values={"c": str(community.id), "after": "0"})
            with pytest.raises(TransportQueryError) as refused:
                await take(session, request, 1)
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"] == {"code": "INVALID_INPUT", "field": "communityId"}
