"""Placing: the server prices the order from the current prices, reserves stock, and a failed
step writes nothing; the same idempotency key is the same order."""

from __future__ import annotations

from domain.orders.models import Order, OrderEntry
from domain.payments.models import Payment
from domain.shops.models import Product
from realtime.models import OutboxEvent
from tests.orders.support import PLACE, make_market, order_input, place
from tests.shops.support import make_product
from tests.support import Api, World, code_and_field, data


async def _nothing_written() -> None:
    assert await Order.all().count() == 0
    assert await OrderEntry.all().count() == 0
    assert await Payment.all().count() == 0
    assert not await OutboxEvent.filter(topic__startswith="orders:").exists()


async def test_totals_are_the_servers_from_the_current_prices(api: Api, world: World) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, (market.milk, 2), (market.eggs, 3))
    assert order["totalFen"] == 2 * 650 + 3 * 1280 == sum(line["amountFen"] for line in order["lines"])
    assert [(line["name"], line["unitPriceFen"]) for line in order["lines"]] == [("Milk", 650), ("Eggs", 1280)]
    assert (order["status"], order["timeline"][0]["action"]) == ("PLACED", "PLACE")
    assert order["payment"] == {
        "status": "PENDING",
        "amountFen": order["totalFen"],
        "payUrl": None,
        "outTradeNo": order["payment"]["outTradeNo"],
        "provider": "ON_DELIVERY",
    }
    assert (await Product.get(id=market.eggs.id)).stock == 2
    # A price changed later leaves the order as it was.
    await Product.filter(id=market.milk.id).update(price_fen=9999)
    again = data(
        await api("query O($id: ID!) { order(id: $id) { totalFen } }", {"id": order["id"]}, as_=world.owner_a101)
    )
    assert again["order"]["totalFen"] == order["totalFen"]


async def test_a_client_total_is_not_even_accepted(api: Api, world: World) -> None:
    market = await make_market(world)
    sent = order_input(market, world.a101)
    sent["input"]["totalFen"] = 1
    assert code_and_field(await api(PLACE, sent, as_=world.owner_a101))[0] == "GRAPHQL"
    await _nothing_written()


async def test_the_same_key_twice_is_the_same_order(api: Api, world: World) -> None:
    market = await make_market(world)
    first = await place(api, market, world.owner_a101, world.a101, (market.eggs, 2), key="k-1")
    second = await place(api, market, world.owner_a101, world.a101, (market.eggs, 2), key="k-1")
    assert first["id"] == second["id"]
    assert (await Product.get(id=market.eggs.id)).stock == 3
    # Another resident's same key is their own order.
    other = await place(api, market, world.child_a101, world.a101, (market.eggs, 1), key="k-1")
    assert other["id"] != first["id"]


async def test_not_enough_stock_is_out_of_stock_and_takes_nothing(api: Api, world: World) -> None:
    market = await make_market(world)
    butter = await make_product(market.shops.a, name="Butter", stock=10)
    refused = await api(PLACE, order_input(market, world.a101, (butter, 4), (market.eggs, 6)), as_=world.owner_a101)
    assert code_and_field(refused) == ("OUT_OF_STOCK", "lines")
    assert (await Product.get(id=butter.id)).stock == 10  # the first line's reservation rolled back
    assert (await Product.get(id=market.eggs.id)).stock == 5
    await _nothing_written()


async def test_bad_lines_and_places_write_nothing(api: Api, world: World) -> None:
    market = await make_market(world)
    other_shops = await make_product(market.shops.a2, name="Bread")
    hidden = await make_product(market.shops.a, name="Hidden", on_sale=False)
    cases = [
        (order_input(market, world.a101, (other_shops, 1)), world.owner_a101, ("INVALID_INPUT", "lines")),
        (order_input(market, world.a101, (hidden, 1)), world.owner_a101, ("INVALID_INPUT", "lines")),
        (order_input(market, world.a101, (market.milk, 0)), world.owner_a101, ("INVALID_INPUT", "lines[0].quantity")),
        (
            order_input(market, world.a101, (market.milk, 1), (market.milk, 1)),
            world.owner_a101,
            ("INVALID_INPUT", "lines[1].productId"),
        ),
        (order_input(market, world.a102), world.owner_a101, ("FORBIDDEN", "houseId")),
        (order_input(market, world.b101), world.owner_b101, ("NOT_FOUND", "shopId")),
        (order_input(market, world.a101, key=" "), world.owner_a101, ("INVALID_INPUT", "idempotencyKey")),
    ]
    for variables, person, expected in cases:
        assert code_and_field(await api(PLACE, variables, as_=person)) == expected, variables
    await _nothing_written()


async def test_a_shop_delivers_only_to_its_area_and_while_open(api: Api, world: World) -> None:
    market = await make_market(world)
    await market.shops.a.filter(id=market.shops.a.id).update(delivery_building_ids=[world.a2.id])
    refused = await api(PLACE, order_input(market, world.a101), as_=world.owner_a101)
    assert code_and_field(refused) == ("INVALID_INPUT", "houseId")
    await market.shops.a.filter(id=market.shops.a.id).update(delivery_building_ids=[], open=False)
    assert code_and_field(await api(PLACE, order_input(market, world.a101), as_=world.owner_a101)) == (
        "INVALID_INPUT",
        "shopId",
    )
    await _nothing_written()
