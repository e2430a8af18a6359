"""Paying an order with points: a product's points price, the POINTS provider spending on the
ledger in the order's own transaction (paid at once), a refund giving the points back as an entry,
and an order the balance does not cover placing nothing and writing no entry."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from domain.orders.models import Order
from domain.payments.models import Payment
from domain.points.models import Balance, Entry, Kind
from domain.shops.models import Product
from tests.orders.support import CANCEL, PLACE, make_market, order_input
from tests.points.support import grant, history_of, points_of
from tests.support import Api, World, code_and_field, data, outcome_codes, token_for

PRICE = """
mutation P($id: ID!, $points: Int) { productPointsPriceSet(productId: $id, points: $points) { productId points } }
"""


async def test_an_order_paid_with_points_and_refunded(api: Api, world: World) -> None:
    market = await make_market(world)
    data(await api(PRICE, {"id": str(market.milk.id), "points": 30}, as_=market.shops.merchant_a))
    await grant(api, world, world.owner_a101, 100)
    variables = order_input(market, world.a101, (market.milk, 2), payment="POINTS")
    placed = data(await api(PLACE, variables, as_=world.owner_a101))["orderPlace"]
    assert (placed["paid"], placed["payment"]["status"], placed["payment"]["provider"]) == (True, "PAID", "POINTS")
    assert (await points_of(api, world.owner_a101))["green"] == 40
    spent = (await history_of(api, world.owner_a101))[-1]
    assert (spent["amount"], spent["reasonCode"], spent["source"], spent["sourceId"]) == (
        -60,
        "PAID_ORDER",
        "ORDER",
        placed["id"],
    )
    cancelled = data(await api(CANCEL, {"id": placed["id"], "reason": ""}, as_=world.owner_a101))["orderCancel"]
    assert (cancelled["status"], cancelled["payment"]["status"]) == ("CANCELLED", "REFUNDED")
    assert (await points_of(api, world.owner_a101))["green"] == 100
    assert (await history_of(api, world.owner_a101))[-1]["reasonCode"] == "ORDER_REFUNDED"


async def test_an_order_points_do_not_cover_writes_nothing(api: Api, world: World) -> None:
    market = await make_market(world)
    data(await api(PRICE, {"id": str(market.eggs.id), "points": 30}, as_=market.shops.merchant_a))
    await grant(api, world, world.owner_a101, 50)
    entries = await Entry.all().count()
    short = await api(PLACE, order_input(market, world.a101, (market.eggs, 2), payment="POINTS"), as_=world.owner_a101)
    assert code_and_field(short) == ("INSUFFICIENT_POINTS", "points")
    no_price = await api(
        PLACE, order_input(market, world.a101, (market.milk, 1), payment="POINTS"), as_=world.owner_a101
    )
    assert code_and_field(no_price) == ("INVALID_INPUT", "payment")
    assert (await Order.all().count(), await Payment.all().count(), await Entry.all().count()) == (0, 0, entries)
    assert (await Product.get(id=market.eggs.id)).stock == 5
    assert (await points_of(api, world.owner_a101))["green"] == 50


async def test_only_the_shops_merchants_set_points_prices(api: Api, world: World) -> None:
    market = await make_market(world)
    for who in (market.shops.merchant_a2, world.owner_a101, world.operator_b):
        refused = await api(PRICE, {"id": str(market.milk.id), "points": 30}, as_=who)
        assert code_and_field(refused)[0] in {"FORBIDDEN", "NOT_FOUND"}
    bad = await api(PRICE, {"id": str(market.milk.id), "points": 0}, as_=market.shops.merchant_a)
    assert code_and_field(bad) == ("INVALID_INPUT", "points")
    data(await api(PRICE, {"id": str(market.milk.id), "points": 30}, as_=market.shops.merchant_a))
    off = data(await api(PRICE, {"id": str(market.milk.id), "points": None}, as_=market.shops.merchant_a))
    assert off["productPointsPriceSet"] == {"productId": str(market.milk.id), "points": None}


@pytest.mark.usefixtures("postgres_writers")
async def test_fifty_orders_at_once_on_points_for_ten(api: Api, world: World) -> None:
    market = await make_market(world)
    data(await api(PRICE, {"id": str(market.milk.id), "points": 10}, as_=market.shops.merchant_a))
    await grant(api, world, world.owner_a101, 100)
    token = await token_for(api.issuer, world.owner_a101)
    results = await asyncio.gather(
        *(
            api(
                PLACE,
                order_input(market, world.a101, (market.milk, 1), payment="POINTS", key=uuid.uuid4().hex),
                token=token,
            )
            for _ in range(50)
        )
    )
    assert outcome_codes(results) == ["INSUFFICIENT_POINTS"] * 40 + ["OK"] * 10
    assert await Order.all().count() == 10
    assert (await Balance.get(person_id=world.owner_a101.id, kind=Kind.GREEN)).balance == 0
    assert await Entry.filter(reason_code="PAID_ORDER").count() == 10


async def test_points_come_back_only_with_the_refund_itself(api: Api, world: World, server: object) -> None:
    """The provider is asked before the order's transaction (a gateway is a network call); points
    are a write of ours, so they come back in the transaction that marks the payment refunded: a
    cancel that then loses to a concurrent accept gives nothing back."""
    from domain.payments import service as payments
    from domain.payments.models import ProviderName
    from domain.payments.providers import Providers
    from domain.points.paying import PointsProvider

    market = await make_market(world)
    data(await api(PRICE, {"id": str(market.milk.id), "points": 30}, as_=market.shops.merchant_a))
    await grant(api, world, world.owner_a101, 100)
    placed = data(
        await api(PLACE, order_input(market, world.a101, (market.milk, 1), payment="POINTS"), as_=world.owner_a101)
    )["orderPlace"]
    payment = await Payment.get(subject_id=int(placed["id"]), provider=ProviderName.POINTS)
    await payments.refund_at_provider(Providers(PointsProvider()), payment)
    assert (await points_of(api, world.owner_a101))["green"] == 70
    data(await api(CANCEL, {"id": placed["id"], "reason": ""}, as_=world.owner_a101))
    assert (await points_of(api, world.owner_a101))["green"] == 100
