"""Paying part of an order with points, line by line: a line marked `withPoints` costs its product's
points price (GREEN, spent in the order's own transaction) instead of its fen; the rest of the
order goes through the chosen provider for the remainder only. totalFen = pointsFen + amountDueFen."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from domain.orders.models import Order, OrderLine
from domain.payments.models import Payment, PaymentStatus
from domain.points.models import Balance, Entry, Kind
from domain.shops.models import Product
from tests.conftest import RunningServer
from tests.orders.support import ACCEPT, CANCEL, REFUSE, Market, make_market
from tests.payments.support import post_notice
from tests.points.support import grant, history_of, points_of
from tests.support import Api, World, code_and_field, data, outcome_codes, token_for

PRICE = """
mutation P($id: ID!, $points: Int) { productPointsPriceSet(productId: $id, points: $points) { productId points } }
"""
SPLIT_FIELDS = """
  id status paid totalFen pointsSpent pointsFen amountDueFen paymentProvider
  lines { productId amountFen points }
  payment { status provider amountFen payUrl outTradeNo }
  payments { status provider amountFen }
"""
PLACE = f"mutation P($input: OrderPlaceInput!) {{ orderPlace(input: $input) {{ {SPLIT_FIELDS} }} }}"
ORDER = f"query O($id: ID!) {{ order(id: $id) {{ {SPLIT_FIELDS} }} }}"


def split_input(
    market: Market, world: World, *, payment: str, key: str = "", milk_points: bool = True
) -> dict[str, Any]:
    """Two milk (650 fen each; 30 points each) with points, one box of eggs (1280 fen) in money."""
    return {
        "input": {
            "shopId": str(market.shops.a.id),
            "houseId": str(world.a101.id),
            "lines": [
                {"productId": str(market.milk.id), "quantity": 2, "withPoints": milk_points},
                {"productId": str(market.eggs.id), "quantity": 1},
            ],
            "idempotencyKey": key or f"split-{payment}",
            "payment": payment,
        }
    }


async def priced_market(api: Api, world: World, *, balance: int = 100) -> Market:
    market = await make_market(world)
    data(await api(PRICE, {"id": str(market.milk.id), "points": 30}, as_=market.shops.merchant_a))
    await grant(api, world, world.owner_a101, balance)
    return market


def assert_adds_up(order: dict[str, Any]) -> None:
    assert order["totalFen"] == order["pointsFen"] + order["amountDueFen"]
    assert order["totalFen"] == sum(line["amountFen"] for line in order["lines"])
    assert order["pointsSpent"] == sum(line["points"] or 0 for line in order["lines"])


async def test_the_remainder_is_paid_at_the_gateway(api: Api, world: World, server: RunningServer) -> None:
    market = await priced_market(api, world)
    placed = data(await api(PLACE, split_input(market, world, payment="SANDBOX"), as_=world.owner_a101))["orderPlace"]
    assert_adds_up(placed)
    assert (placed["totalFen"], placed["pointsSpent"], placed["pointsFen"], placed["amountDueFen"]) == (
        2580,
        60,
        1300,
        1280,
    )
    assert [line["points"] for line in placed["lines"]] == [60, None]
    assert (placed["paid"], placed["paymentProvider"]) == (False, "SANDBOX")
    # The payment to make is the remainder's, at the gateway; the points part is paid already.
    assert (placed["payment"]["provider"], placed["payment"]["amountFen"], placed["payment"]["status"]) == (
        "SANDBOX",
        1280,
        "PENDING",
    )
    assert "amount_fen=1280" in placed["payment"]["payUrl"]
    assert sorted((p["provider"], p["amountFen"], p["status"]) for p in placed["payments"]) == [
        ("POINTS", 1300, "PAID"),
        ("SANDBOX", 1280, "PENDING"),
    ]
    assert (await points_of(api, world.owner_a101))["green"] == 40
    assert (await history_of(api, world.owner_a101))[-1]["amount"] == -60
    # Not paid until the remainder is: the shop cannot take it yet.
    refused = await api(ACCEPT, {"id": placed["id"]}, as_=market.shops.merchant_a)
    assert code_and_field(refused) == ("CONFLICT", "payment")
    async with httpx.AsyncClient() as http:
        assert (await http.post(placed["payment"]["payUrl"])).status_code == 200
    trade = server.gateway.trades[placed["payment"]["outTradeNo"]]
    assert trade.amount_fen == 1280
    # The gateway calls back on its own too; either way the same notice pays once.
    assert (await post_notice(server, server.gateway.notice(trade))).status_code == 200
    read = data(await api(ORDER, {"id": placed["id"]}, as_=world.owner_a101))["order"]
    assert_adds_up(read)
    assert (read["paid"], read["payment"]["status"]) == (True, "PAID")
    data(await api(ACCEPT, {"id": placed["id"]}, as_=market.shops.merchant_a))


async def test_cancelled_before_accepted_gives_both_back(api: Api, world: World, server: RunningServer) -> None:
    market = await priced_market(api, world)
    placed = data(await api(PLACE, split_input(market, world, payment="SANDBOX"), as_=world.owner_a101))["orderPlace"]
    async with httpx.AsyncClient() as http:
        assert (await http.post(placed["payment"]["payUrl"])).status_code == 200
    trade = server.gateway.trades[placed["payment"]["outTradeNo"]]
    assert (await post_notice(server, server.gateway.notice(trade))).status_code == 200
    cancelled = data(await api(CANCEL, {"id": placed["id"], "reason": ""}, as_=world.owner_a101))["orderCancel"]
    assert cancelled["status"] == "CANCELLED"
    read = data(await api(ORDER, {"id": placed["id"]}, as_=world.owner_a101))["order"]
    assert sorted((p["provider"], p["status"]) for p in read["payments"]) == [
        ("POINTS", "REFUNDED"),
        ("SANDBOX", "REFUNDED"),
    ]
    assert trade.refunded  # the money part back through the gateway
    assert (await points_of(api, world.owner_a101))["green"] == 100  # the points part as an entry
    assert (await history_of(api, world.owner_a101))[-1]["reasonCode"] == "ORDER_REFUNDED"
    assert (await Product.get(id=market.eggs.id)).stock == 5


async def test_cancelled_before_the_remainder_is_paid(api: Api, world: World) -> None:
    market = await priced_market(api, world)
    placed = data(await api(PLACE, split_input(market, world, payment="SANDBOX"), as_=world.owner_a101))["orderPlace"]
    data(await api(CANCEL, {"id": placed["id"], "reason": ""}, as_=world.owner_a101))
    statuses = {p.provider.value: p.status for p in await Payment.filter(subject_id=int(placed["id"]))}
    assert statuses == {"POINTS": PaymentStatus.REFUNDED, "SANDBOX": PaymentStatus.CANCELLED}
    assert (await points_of(api, world.owner_a101))["green"] == 100


async def test_on_delivery_collects_only_the_remainder(api: Api, world: World) -> None:
    market = await priced_market(api, world)
    placed = data(await api(PLACE, split_input(market, world, payment="ON_DELIVERY"), as_=world.owner_a101))[
        "orderPlace"
    ]
    assert_adds_up(placed)
    assert (placed["payment"]["provider"], placed["payment"]["amountFen"], placed["paid"]) == (
        "ON_DELIVERY",
        1280,
        False,
    )
    refused = data(await api(REFUSE, {"id": placed["id"], "reason": "Closed today"}, as_=market.shops.merchant_a))
    assert refused["orderRefuse"]["status"] == "REFUSED"
    assert (await points_of(api, world.owner_a101))["green"] == 100


async def test_no_remainder_needs_no_second_payment(api: Api, world: World) -> None:
    market = await priced_market(api, world)
    data(await api(PRICE, {"id": str(market.eggs.id), "points": 20}, as_=market.shops.merchant_a))
    variables = split_input(market, world, payment="SANDBOX")
    variables["input"]["lines"][1]["withPoints"] = True
    placed = data(await api(PLACE, variables, as_=world.owner_a101))["orderPlace"]
    assert_adds_up(placed)
    assert (placed["pointsSpent"], placed["amountDueFen"], placed["paid"], placed["paymentProvider"]) == (
        80,
        0,
        True,
        "POINTS",
    )
    assert [(p["provider"], p["status"]) for p in placed["payments"]] == [("POINTS", "PAID")]


async def test_what_cannot_be_paid_writes_nothing(api: Api, world: World) -> None:
    """The spend is refused after the order, its lines, its stock and the points payment were
    written in the transaction: all of it is rolled back."""
    market = await priced_market(api, world, balance=50)
    entries = await Entry.all().count()
    short = await api(PLACE, split_input(market, world, payment="SANDBOX", key="short"), as_=world.owner_a101)
    assert code_and_field(short) == ("INSUFFICIENT_POINTS", "points")
    unpriced = split_input(market, world, payment="SANDBOX", key="unpriced")
    unpriced["input"]["lines"][1]["withPoints"] = True
    assert code_and_field(await api(PLACE, unpriced, as_=world.owner_a101)) == ("INVALID_INPUT", "lines[1].withPoints")
    counts = (await Order.all().count(), await OrderLine.all().count(), await Payment.all().count())
    assert counts == (0, 0, 0)
    assert await Entry.all().count() == entries
    assert (await Product.get(id=market.eggs.id)).stock == 5
    assert (await points_of(api, world.owner_a101))["green"] == 50


@pytest.mark.usefixtures("postgres_writers")
async def test_twenty_twins_spend_the_points_once(api: Api, world: World) -> None:
    market = await priced_market(api, world)
    token = await token_for(api.issuer, world.owner_a101)
    variables = split_input(market, world, payment="SANDBOX", key="twins")
    results = await asyncio.gather(*(api(PLACE, variables, token=token) for _ in range(20)))
    assert outcome_codes(results) == ["OK"] * 20
    assert len({r["data"]["orderPlace"]["id"] for r in results}) == 1
    assert await Order.all().count() == 1
    assert await Entry.filter(reason_code="PAID_ORDER").count() == 1
    assert (await Balance.get(person_id=world.owner_a101.id, kind=Kind.GREEN)).balance == 40
    assert await Payment.all().count() == 2
