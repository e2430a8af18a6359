"""The three feeds over real WebSockets: a resident's own orders, a shop's for its merchants, a
courier's tasks. Non-delivery is proved without waiting: the foreign messages are caused first,
then one the subscriber may see; the first message received must be that one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from tests.conftest import RunningServer
from tests.orders.support import DELIVERY_TASKS, ORDER_UPDATES, SHOP_ORDERS, advance, make_market, place
from tests.realtime.support import socket, take
from tests.shops.support import make_product
from tests.support import Api, World


def collect(session: Any, document: Any, n: int, **variables: Any) -> asyncio.Task[list[dict[str, Any]]]:
    request = GraphQLRequest(document, variable_values={"after": "0", **variables})
    return asyncio.create_task(take(session, request, n))


async def test_a_resident_follows_only_their_own_orders(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    async with socket(server, world.owner_a101) as session:
        receiving = collect(session, ORDER_UPDATES, 3)
        neighbours = await place(api, market, world.elder_a102, world.a102)
        await advance(api, market, neighbours["id"], "accept")
        mine = await place(api, market, world.owner_a101, world.a101)
        await advance(api, market, mine["id"], "accept", "dispatch")
        messages = await receiving
    assert [(m["order"]["id"], m["kind"]) for m in messages] == [
        (mine["id"], "ORDER_PLACED"),
        (mine["id"], "ORDER_ACCEPTED"),
        (mine["id"], "ORDER_DISPATCHED"),
    ]


async def test_a_shop_follows_its_own_orders_masked(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    bread = await make_product(market.shops.a2, name="Bread")
    async with socket(server, market.shops.merchant_a) as session:
        receiving = collect(session, SHOP_ORDERS, 1, shop=str(market.shops.a.id))
        await place(api, market, world.owner_a101, world.a101, (bread, 1), shopId=str(market.shops.a2.id))
        mine = await place(api, market, world.elder_a102, world.a102)
        [message] = await receiving
    assert (message["order"]["id"], message["kind"]) == (mine["id"], "ORDER_PLACED")
    assert message["order"]["contactName"].startswith("E*")
    assert "****" in message["order"]["contactPhone"]


async def test_only_a_shops_merchants_watch_it(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    for person in (market.shops.courier_a, market.shops.merchant_a2, world.owner_a101):
        async with socket(server, person) as session:
            with pytest.raises(TransportQueryError) as refused:
                await take(session, GraphQLRequest(SHOP_ORDERS, variable_values={"shop": str(market.shops.a.id)}), 1)
            assert refused.value.errors
            assert refused.value.errors[0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND")


async def test_a_courier_follows_only_the_tasks_handed_to_them(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    async with socket(server, market.shops.courier_a) as session:
        receiving = collect(session, DELIVERY_TASKS, 2)
        other = await place(api, market, world.elder_a102, world.a102)
        mine = await place(api, market, world.owner_a101, world.a101)
        await advance(api, market, other["id"], "accept")
        await advance(api, market, mine["id"], "accept", "dispatch", "pick_up")
        messages = await receiving
    assert [(m["order"]["id"], m["kind"]) for m in messages] == [
        (mine["id"], "ORDER_DISPATCHED"),
        (mine["id"], "ORDER_PICKED_UP"),
    ]
    assert messages[1]["order"]["contactPhone"] == world.owner_a101.phone  # out for delivery
    assert "****" in messages[0]["order"]["contactPhone"]
