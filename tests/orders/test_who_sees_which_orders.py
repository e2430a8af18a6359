"""Isolation: a resident sees their own orders, a merchant their shop's (with the resident masked),
a courier their tasks; nothing crosses shops or communities."""

from __future__ import annotations

from tests.orders.support import ORDER, ORDERS, advance, make_market, place
from tests.support import Api, World, code_and_field, data, ids


async def test_each_sees_only_theirs(api: Api, world: World) -> None:
    market = await make_market(world)
    mine = await place(api, market, world.owner_a101, world.a101)
    neighbours = await place(api, market, world.elder_a102, world.a102)
    await advance(api, market, mine["id"], "accept", "dispatch")
    for person in (
        world.elder_a102,
        world.owner_b101,
        market.shops.merchant_a2,
        market.shops.merchant_b,
        world.operator_b,  # operator_a reads it: test_operators_read_their_communitys_orders.py
    ):
        assert code_and_field(await api(ORDER, {"id": mine["id"]}, as_=person)) == ("NOT_FOUND", "id"), person.name
    listed = data(await api(ORDERS, {}, as_=world.owner_a101))["orders"]["nodes"]
    assert ids(listed) == {int(mine["id"])}
    shop = data(await api(ORDERS, {"s": str(market.shops.a.id)}, as_=market.shops.merchant_a))["orders"]["nodes"]
    assert ids(shop) == {int(mine["id"]), int(neighbours["id"])}
    tasks = data(await api(ORDERS, {"tasks": True}, as_=market.shops.courier_a))["orders"]["nodes"]
    assert ids(tasks) == {int(mine["id"])}


async def test_the_shop_sees_what_delivery_needs(api: Api, world: World) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101)
    phone = world.owner_a101.phone
    own = data(await api(ORDER, {"id": order["id"]}, as_=world.owner_a101))["order"]
    assert (own["contactName"], own["contactPhone"]) == ("Owner A101", phone)
    shop = data(await api(ORDER, {"id": order["id"]}, as_=market.shops.merchant_a))["order"]
    assert shop["contactName"] == "O*********"
    assert shop["contactPhone"] == phone[:3] + "****" + phone[-4:]
    assert shop["houseNumber"] == "A1-101"
    await advance(api, market, order["id"], "accept", "dispatch", "pick_up")
    courier = data(await api(ORDER, {"id": order["id"]}, as_=market.shops.courier_a))["order"]
    assert (courier["contactName"], courier["contactPhone"]) == ("O*********", phone)
    delivered = await advance(api, market, order["id"], "depart", "deliver")
    assert delivered["contactPhone"] != phone  # delivered: no longer out for delivery
