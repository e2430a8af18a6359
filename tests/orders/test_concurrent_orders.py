"""Invariants under real concurrency (PostgreSQL): the last items go to exactly as many orders as
there are items, one idempotency key sent many times at once is one order, two orders of the same
products listed in opposite orders never deadlock; and a stock its merchant just changed between
limited and unlimited is reserved as it is now, not as it was read."""

from __future__ import annotations

import asyncio

import pytest

from domain.orders import stock
from domain.orders.models import Order, OrderLine
from domain.payments.models import Payment
from domain.shops.models import Product
from tests.orders.support import PLACE, make_market, order_input
from tests.support import Api, World, make_resident, outcome_codes, token_for


@pytest.mark.usefixtures("postgres_writers")
async def test_fifty_residents_for_the_last_five_eggs(api: Api, world: World, server: object) -> None:
    market = await make_market(world)
    residents = [await make_resident(world.a101, name=f"Neighbour {i}") for i in range(50)]
    tokens = [await token_for(api.issuer, r) for r in residents]
    results = await asyncio.gather(
        *(api(PLACE, order_input(market, world.a101, (market.eggs, 1)), token=t) for t in tokens)
    )
    assert outcome_codes(results) == ["OK"] * 5 + ["OUT_OF_STOCK"] * 45
    assert (await Product.get(id=market.eggs.id)).stock == 0
    assert await Order.all().count() == 5
    assert await OrderLine.filter(product_id=market.eggs.id).count() == 5


@pytest.mark.usefixtures("postgres_writers")
async def test_one_key_twenty_times_at_once_is_one_order(api: Api, world: World) -> None:
    market = await make_market(world)
    token = await token_for(api.issuer, world.owner_a101)
    variables = order_input(market, world.a101, (market.eggs, 2), key="same-key")
    results = await asyncio.gather(*(api(PLACE, variables, token=token) for _ in range(20)))
    assert outcome_codes(results) == ["OK"] * 20
    assert len({r["data"]["orderPlace"]["id"] for r in results}) == 1
    assert await Order.all().count() == 1
    assert await Payment.all().count() == 1
    assert (await Product.get(id=market.eggs.id)).stock == 3


@pytest.mark.usefixtures("postgres_writers")
async def test_orders_of_the_same_products_in_opposite_orders_never_deadlock(api: Api, world: World) -> None:
    market = await make_market(world)
    await Product.filter(id__in=[market.milk.id, market.eggs.id]).update(stock=1000)
    tokens = [await token_for(api.issuer, await make_resident(world.a101, name=f"Buyer {i}")) for i in range(20)]
    pairs = [((market.milk, 1), (market.eggs, 1)), ((market.eggs, 1), (market.milk, 1))]
    results = await asyncio.gather(
        *(api(PLACE, order_input(market, world.a101, *pairs[i % 2]), token=t) for i, t in enumerate(tokens))
    )
    assert outcome_codes(results) == ["OK"] * 20
    assert {p.stock for p in await Product.filter(id__in=[market.milk.id, market.eggs.id])} == {980}
    assert await OrderLine.filter(reserved=True).count() == 40


async def test_a_stock_made_limited_after_it_was_read_is_reserved(world: World, server: object) -> None:
    market = await make_market(world)
    read_unlimited = await Product.get(id=market.milk.id)
    await Product.filter(id=market.milk.id).update(stock=4)  # the merchant, meanwhile
    assert await stock.reserve(read_unlimited, 3) is True
    assert (await Product.get(id=market.milk.id)).stock == 1


async def test_a_stock_made_unlimited_after_it_was_read_is_not_out_of_stock(world: World, server: object) -> None:
    market = await make_market(world)
    read_limited = await Product.get(id=market.eggs.id)
    await Product.filter(id=market.eggs.id).update(stock=None)  # the merchant, meanwhile
    assert await stock.reserve(read_limited, 50) is False
    assert (await Product.get(id=market.eggs.id)).stock is None
