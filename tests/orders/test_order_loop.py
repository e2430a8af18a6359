"""The loop as its three parties take it (payment on delivery), each step only to its party and
from its states, each a timeline entry; stock goes back when an order is called off."""

from __future__ import annotations

from domain.orders.models import OrderEntry
from domain.shops.models import Product
from tests.orders.support import (
    ACCEPT,
    CANCEL,
    CONFIRM,
    DELIVER,
    DISPATCH,
    PICK_UP,
    RATE,
    REFUND,
    REFUSE,
    advance,
    make_market,
    place,
)
from tests.support import Api, World, code_and_field, data


async def test_placed_to_rated_on_delivery(api: Api, world: World) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, (market.eggs, 2))
    delivered = await advance(api, market, order["id"], "accept", "prepare", "dispatch", "pick_up", "depart", "deliver")
    assert (delivered["status"], delivered["courierId"], delivered["paid"]) == (
        "DELIVERED",
        str(market.shops.courier_a.id),
        False,
    )
    paid = await advance(api, market, order["id"], "collect")
    assert (paid["paid"], paid["payment"]["status"]) == (True, "PAID")
    confirmed = data(await api(CONFIRM, {"id": order["id"]}, as_=world.owner_a101))["orderConfirm"]
    assert confirmed["status"] == "COMPLETED"
    rated = data(await api(RATE, {"id": order["id"], "score": 5}, as_=world.owner_a101))["orderRate"]
    assert (rated["rating"], rated["status"]) == (5, "COMPLETED")
    steps = [(e["action"], e["toStatus"]) for e in confirmed["timeline"]]
    assert steps == [
        ("PLACE", "PLACED"),
        ("ACCEPT", "ACCEPTED"),
        ("PREPARE", "PREPARING"),
        ("DISPATCH", "PREPARING"),
        ("PICK_UP", "PICKED_UP"),
        ("DEPART", "DELIVERING"),
        ("DELIVER", "DELIVERED"),
        ("COLLECT", "DELIVERED"),
        ("CONFIRM", "COMPLETED"),
    ]
    assert code_and_field(await api(RATE, {"id": order["id"], "score": 4}, as_=world.owner_a101)) == (
        "CONFLICT",
        "score",
    )


async def test_each_step_is_its_partys_and_from_its_states(api: Api, world: World) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101)
    oid = {"id": order["id"]}
    # The resident does not accept; the courier does not accept; the merchant does not pick up.
    assert code_and_field(await api(ACCEPT, oid, as_=world.owner_a101)) == ("FORBIDDEN", "id")
    assert code_and_field(await api(ACCEPT, oid, as_=market.shops.courier_a)) == ("NOT_FOUND", "id")  # not theirs yet
    assert code_and_field(await api(PICK_UP, oid, as_=market.shops.merchant_a)) == ("FORBIDDEN", "id")
    # Not from this state: delivering a placed order, confirming it.
    await advance(api, market, order["id"], "accept")
    assert code_and_field(await api(ACCEPT, oid, as_=market.shops.merchant_a)) == ("CONFLICT", "status")
    assert code_and_field(await api(CONFIRM, oid, as_=world.owner_a101)) == ("CONFLICT", "status")
    # The resident cancels only before it is accepted.
    assert code_and_field(await api(CANCEL, {**oid, "reason": ""}, as_=world.owner_a101)) == ("CONFLICT", "status")
    # A courier who is not the shop's is no courier of it.
    stranger = {**oid, "courierId": str(market.shops.merchant_b.id)}
    assert code_and_field(await api(DISPATCH, stranger, as_=market.shops.merchant_a)) == ("INVALID_INPUT", "courierId")
    # The courier's steps wait for the order to be handed to them.
    await advance(api, market, order["id"], "prepare")
    assert code_and_field(await api(PICK_UP, oid, as_=market.shops.courier_a)) == ("NOT_FOUND", "id")
    await advance(api, market, order["id"], "dispatch", "pick_up")
    assert code_and_field(await api(DELIVER, oid, as_=market.shops.courier_a)) == ("CONFLICT", "status")
    refused = await api(REFUND, {**oid, "reason": "late"}, as_=market.shops.merchant_a)
    assert code_and_field(refused) == ("CONFLICT", "status")
    assert await OrderEntry.filter(order_id=int(order["id"])).count() == 5


async def test_called_off_orders_give_their_stock_back(api: Api, world: World) -> None:
    market = await make_market(world)
    cancelled = await place(api, market, world.owner_a101, world.a101, (market.eggs, 2))
    refused = await place(api, market, world.owner_a101, world.a101, (market.eggs, 2))
    withdrawn = await place(api, market, world.owner_a101, world.a101, (market.eggs, 1))
    assert (await Product.get(id=market.eggs.id)).stock == 0
    mine = data(await api(CANCEL, {"id": cancelled["id"], "reason": ""}, as_=world.owner_a101))["orderCancel"]
    assert (mine["status"], mine["payment"]["status"]) == ("CANCELLED", "CANCELLED")
    no_reason = await api(REFUSE, {"id": refused["id"], "reason": " "}, as_=market.shops.merchant_a)
    assert code_and_field(no_reason) == ("INVALID_INPUT", "reason")
    theirs = data(await api(REFUSE, {"id": refused["id"], "reason": "Closed today"}, as_=market.shops.merchant_a))
    assert (theirs["orderRefuse"]["status"], theirs["orderRefuse"]["reason"]) == ("REFUSED", "Closed today")
    await advance(api, market, withdrawn["id"], "accept")
    merchant = data(await api(CANCEL, {"id": withdrawn["id"], "reason": "Eggs broke"}, as_=market.shops.merchant_a))
    assert merchant["orderCancel"]["status"] == "CANCELLED"
    assert (await Product.get(id=market.eggs.id)).stock == 5
    # Delivered and refunded: the stock comes back too.
    kept = await place(api, market, world.owner_a101, world.a101, (market.eggs, 3))
    await advance(api, market, kept["id"], "accept", "dispatch", "pick_up", "depart", "deliver", "collect")
    back = data(await api(REFUND, {"id": kept["id"], "reason": "Bad eggs"}, as_=market.shops.merchant_a))["orderRefund"]
    assert (back["status"], back["payment"]["status"]) == ("REFUNDED", "REFUNDED")
    assert (await Product.get(id=market.eggs.id)).stock == 5
