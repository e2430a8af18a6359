"""The community's operators read its orders (the IOC's "orders today"), with the resident's name
and phone in full as everywhere else in their community (people.access: the office sees its
residents' phones); never another community's, and reading is all: they take no step of the loop."""

from __future__ import annotations

from tests.orders.support import ACCEPT, ORDER, ORDERS, make_market, place
from tests.shops.support import make_product
from tests.support import Api, World, code_and_field, data, ids


async def test_operators_read_their_communitys_orders_only(api: Api, world: World) -> None:
    market = await make_market(world)
    in_a = await place(api, market, world.owner_a101, world.a101)
    beta_bread = await make_product(market.shops.b, name="Bread", price_fen=500)
    in_b = await place(api, market, world.owner_b101, world.b101, (beta_bread, 1), shopId=str(market.shops.b.id))
    listed = data(await api(ORDERS, {}, as_=world.operator_a))["orders"]["nodes"]
    assert ids(listed) == {int(in_a["id"])}
    assert ids(data(await api(ORDERS, {}, as_=world.operator_b))["orders"]["nodes"]) == {int(in_b["id"])}
    seen = data(await api(ORDER, {"id": in_a["id"]}, as_=world.operator_a))["order"]
    assert (seen["contactName"], seen["contactPhone"]) == ("Owner A101", world.owner_a101.phone)
    assert [line["quantity"] for line in seen["lines"]] == [2]
    # Another community's order is not found; the shop filter never widens the scope.
    assert code_and_field(await api(ORDER, {"id": in_b["id"]}, as_=world.operator_a)) == ("NOT_FOUND", "id")
    other_shop = await api(ORDERS, {"s": str(market.shops.b.id)}, as_=world.operator_a)
    assert data(other_shop)["orders"]["totalCount"] == 0
    # The office reads; the shop acts.
    assert code_and_field(await api(ACCEPT, {"id": in_a["id"]}, as_=world.operator_a)) == ("FORBIDDEN", "id")
    # Property staff and housekeepers are not operators: no orders.
    for person in (world.staff_a, world.keeper_g1):
        assert data(await api(ORDERS, {}, as_=person))["orders"]["totalCount"] == 0
