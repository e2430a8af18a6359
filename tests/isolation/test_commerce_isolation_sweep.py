"""The isolation sweep of shops, orders, payments and bills: every root field of theirs, generated
from the schema, has a probe here (a new field without one fails `test_every_field_is_probed`).

The victim is house a102 of community A (its resident's order at shop A, paid online, so it has a
payment; its bill) and shop A itself. The probers: a resident of another house (a101), a merchant
of another shop (A2), the shop's own courier (the order was not handed to them), and everyone of
community B. A read must be refused (NOT_FOUND / FORBIDDEN, data null) or leave the victim out; a
mutation must be refused and write nothing; a subscription must be refused or never carry the
victim's messages (proved by a marker of the subscriber's own, published after the victim's).
Payments have no root fields: they are read on Order.payment and Bill.payment, asked for here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from gql import gql
from tortoise.models import Model

from domain.bills import service as bill_service
from domain.bills.models import Bill, Tariff
from domain.orders.models import Order, OrderEntry, OrderLine
from domain.payments.models import Payment
from domain.people.models import Person
from domain.shops.models import Product, Shop, ShopStaff
from tests.bills.support import MY_BILLS, generate, previous_month, tariff
from tests.conftest import RunningServer
from tests.isolation.sweep import REFUSED, Probe, assert_holds, refusal, root_fields, until_marker
from tests.orders.support import DELIVERY_TASKS, ORDER_UPDATES, SHOP_ORDERS, Market, advance, make_market, place
from tests.shops.support import make_product
from tests.support import Api, World, data

NOUNS = {"shops", "orders", "payments", "bills"}


@dataclass
class Scene:
    w: World
    m: Market
    theirs: dict[str, Any]  # a102's order at shop A, SANDBOX (a pending payment)
    mine: dict[str, Any]  # a101's order at shop A, handed to the courier
    beta: dict[str, Any]  # b101's order at shop B
    bill_a101: Bill
    bill_a102: Bill
    staff_of_a: dict[int, int]  # shop A's grants: id → person
    tariff_ids_of_a: set[int]


async def make_scene(api: Api, world: World) -> Scene:
    market = await make_market(world)
    theirs = await place(api, market, world.elder_a102, world.a102, payment="SANDBOX")
    mine = await place(api, market, world.owner_a101, world.a101)
    await advance(api, market, mine["id"], "accept", "dispatch")
    milk_b = await make_product(market.shops.b, name="Beta milk")
    beta = await place(api, market, world.owner_b101, world.b101, (milk_b, 1), shopId=str(market.shops.b.id))
    await tariff(api, world, "PROPERTY_FEE", 250)
    month = previous_month()
    data(await generate(api, world, month))
    data(await generate(api, world, month, as_=world.operator_b, community=world.b))
    return Scene(
        w=world,
        m=market,
        theirs=theirs,
        mine=mine,
        beta=beta,
        bill_a101=await Bill.get(house_id=world.a101.id),
        bill_a102=await Bill.get(house_id=world.a102.id),
        staff_of_a={g.id: g.person_id for g in await ShopStaff.filter(shop_id=market.shops.a.id)},
        tariff_ids_of_a={t.id for t in await Tariff.filter(community_id=world.a.id)},
    )


def _order(s: Scene, _: Person) -> dict[str, Any]:
    return {"id": s.theirs["id"]}


def _shop(s: Scene, _: Person) -> dict[str, Any]:
    return {"id": str(s.m.shops.a.id)}


def _community(s: Scene, _: Person) -> dict[str, Any]:
    return {"c": str(s.w.a.id)}


def neighbours(s: Scene) -> list[Person]:
    """Who must not reach house a102's order: another house, another shop, the shop's courier, B."""
    return [s.w.owner_a101, s.m.shops.merchant_a2, s.m.shops.courier_a, *outsiders(s)]


def outsiders(s: Scene) -> list[Person]:
    return [s.w.owner_b101, s.m.shops.merchant_b, s.w.operator_b]


def not_the_shops(s: Scene) -> list[Person]:
    """Who must not manage shop A's products: anyone but its merchants."""
    return [s.m.shops.merchant_a2, s.m.shops.courier_a, s.w.owner_a101, s.w.operator_a, *outsiders(s)]


def not_its_operators(s: Scene) -> list[Person]:
    """Who must not run community A's shops or bills: anyone but its operators."""
    return [s.w.operator_b, s.w.owner_a101, s.m.shops.merchant_a, s.w.staff_a, s.w.keeper_g1]


def not_the_household(s: Scene) -> list[Person]:
    """Who must not read or pay a102's bill."""
    return [s.w.owner_a101, s.w.owner_b101, s.w.operator_b, s.m.shops.merchant_a, s.w.keeper_g1]


def step(name: str, extra: str = "", values: dict[str, Any] | None = None) -> Probe[Scene]:
    args = "".join(f", ${k}: {t}" for k, t in (p.split(":") for p in extra.split(",") if p))
    passed = "".join(f", {k}: ${k}" for k, _ in (p.split(":") for p in extra.split(",") if p))
    return Probe(
        f"mutation M($id: ID!{args}) {{ {name}(id: $id{passed}) {{ id status }} }}",
        lambda s, _: {"id": s.theirs["id"], **(values or {})},
        neighbours,
    )


ORDER_FIELDS = "id contactName contactPhone lines { name } timeline { action } payment { outTradeNo payUrl }"

PROBES: dict[str, Probe[Scene]] = {
    # --- orders and their payments ---
    "order": Probe(f"query Q($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}", _order, neighbours),
    "orders": Probe(
        "query Q($s: ID) { orders(shopId: $s) { nodes { id payment { outTradeNo } } } }",
        lambda s, _: {"s": str(s.m.shops.a.id)},
        neighbours,
        victims=lambda s, _: {s.theirs["id"]},
    ),
    "orderPlace": Probe(
        "mutation M($input: OrderPlaceInput!) { orderPlace(input: $input) { id } }",
        lambda s, p: {
            "input": {
                "shopId": str(s.m.shops.a.id),
                # A resident of A names a102; anyone of B their own house: neither may order so.
                "houseId": str((s.w.a102 if p is s.w.owner_a101 else s.w.b101).id),
                "lines": [{"productId": str(s.m.milk.id), "quantity": 1}],
                "idempotencyKey": uuid.uuid4().hex,
                "payment": "ON_DELIVERY",
            }
        },
        lambda s: [s.w.owner_a101, s.w.owner_b101],
    ),
    "orderAccept": step("orderAccept"),
    "orderRefuse": step("orderRefuse", "reason:String!", {"reason": "no"}),
    "orderPrepare": step("orderPrepare"),
    "orderDispatch": Probe(
        "mutation M($id: ID!, $c: ID) { orderDispatch(id: $id, courierId: $c) { id } }",
        lambda s, _: {"id": s.theirs["id"], "c": str(s.m.shops.courier_a.id)},
        neighbours,
    ),
    "orderPickUp": step("orderPickUp"),
    "orderDepart": step("orderDepart"),
    "orderDeliver": step("orderDeliver"),
    "orderCollect": step("orderCollect"),
    "orderConfirm": step("orderConfirm"),
    "orderCancel": step("orderCancel", "reason:String!", {"reason": "no"}),
    "orderRefund": step("orderRefund", "reason:String!", {"reason": "no"}),
    "orderRate": step("orderRate", "score:Int!", {"score": 1}),
    "deliveryPositionReport": Probe(
        "mutation M($id: ID!) { deliveryPositionReport(orderId: $id, latitude: 30.0, longitude: 120.0) { id } }",
        lambda s, _: {"id": s.theirs["id"]},
        neighbours,
    ),
    "shopStatistics": Probe(
        "query Q($s: ID!) { shopStatistics(shopId: $s) { total { orders } } }",
        lambda s, _: {"s": str(s.m.shops.a.id)},
        lambda s: [s.w.owner_a101, s.m.shops.merchant_a2, s.m.shops.courier_a, s.w.keeper_g1, *outsiders(s)],
    ),
    "orderStatistics": Probe(
        "query Q($c: ID!) { orderStatistics(communityId: $c) { total { orders } } }",
        _community,
        lambda s: [s.w.owner_a101, s.w.operator_b, s.m.shops.merchant_a, s.w.keeper_g1],
    ),
    # --- shops and products ---
    "shop": Probe("query Q($id: ID!) { shop(id: $id) { id name } }", _shop, outsiders),
    "shops": Probe(
        "query Q($c: ID) { shops(communityId: $c) { nodes { id } } }",
        _community,
        outsiders,
        victims=lambda s, _: {str(s.m.shops.a.id), str(s.m.shops.a2.id)},
    ),
    "shopStaff": Probe(
        "query Q($s: ID!) { shopStaff(shopId: $s) { id personId } }",
        lambda s, _: {"s": str(s.m.shops.a.id)},
        lambda s: [s.w.owner_a101, s.m.shops.merchant_a2, s.m.shops.courier_a, *outsiders(s)],
        victims=lambda s, p: {
            str(g) for g, person in s.staff_of_a.items() if person != p.id
        },  # their own grant is theirs
    ),
    "product": Probe("query Q($id: ID!) { product(id: $id) { id } }", lambda s, _: {"id": str(s.m.milk.id)}, outsiders),
    "products": Probe(
        "query Q($s: ID) { products(shopId: $s) { nodes { id } } }",
        lambda s, _: {"s": str(s.m.shops.a.id)},
        outsiders,
        victims=lambda s, _: {str(s.m.milk.id), str(s.m.eggs.id)},
    ),
    "shopCreate": Probe(
        "mutation M($input: ShopCreateInput!) { shopCreate(input: $input) { id } }",
        lambda s, _: {"input": {"communityId": str(s.w.a.id), "name": "Intruder Mart"}},
        not_its_operators,
    ),
    "shopUpdate": Probe(
        "mutation M($id: ID!, $input: ShopUpdateInput!) { shopUpdate(id: $id, input: $input) { id } }",
        lambda s, _: {"id": str(s.m.shops.a.id), "input": {"name": "Renamed"}},
        lambda s: [*not_its_operators(s), s.m.shops.merchant_a2],
    ),
    "shopStaffGrant": Probe(
        "mutation M($input: ShopStaffGrantInput!) { shopStaffGrant(input: $input) { id } }",
        lambda s, p: {"input": {"shopId": str(s.m.shops.a.id), "role": "MERCHANT", "personId": str(p.id)}},
        lambda s: [*not_its_operators(s), s.m.shops.merchant_a2, s.m.shops.courier_a],
    ),
    "shopStaffRevoke": Probe(
        "mutation M($id: ID!) { shopStaffRevoke(id: $id) { id } }",
        lambda s, _: {"id": str(min(s.staff_of_a))},
        lambda s: [*not_its_operators(s), s.m.shops.merchant_a2, s.m.shops.courier_a],
    ),
    "productCreate": Probe(
        "mutation M($input: ProductCreateInput!) { productCreate(input: $input) { id } }",
        lambda s, _: {"input": {"shopId": str(s.m.shops.a.id), "name": "Intruder", "priceFen": 1}},
        not_the_shops,
    ),
    "productUpdate": Probe(
        "mutation M($id: ID!, $input: ProductUpdateInput!) { productUpdate(id: $id, input: $input) { id } }",
        lambda s, _: {"id": str(s.m.milk.id), "input": {"priceFen": 1}},
        not_the_shops,
    ),
    # --- bills and their payments ---
    "bills": Probe(
        "query Q { bills { nodes { id payment { outTradeNo } } } }",
        lambda s, _: {},
        not_the_household,
        victims=lambda s, _: {str(s.bill_a102.id)},
    ),
    "bill": Probe(
        "query Q($id: ID!) { bill(id: $id) { id lines { amountFen } payment { outTradeNo } } }",
        lambda s, _: {"id": str(s.bill_a102.id)},
        not_the_household,
    ),
    "billArrears": Probe(
        "query Q($c: ID!) { billArrears(communityId: $c) { count } }",
        _community,
        lambda s: [s.w.owner_a101, s.w.operator_b, s.m.shops.merchant_a, s.w.keeper_g1],
    ),
    "billStatistics": Probe(
        "query Q($c: ID!) { billStatistics(communityId: $c) { period issued } }",
        _community,
        lambda s: [s.w.owner_a101, s.w.operator_b, s.m.shops.merchant_a, s.w.keeper_g1],
    ),
    "tariffs": Probe(
        "query Q($c: ID!) { tariffs(communityId: $c) { id } }",
        _community,
        outsiders,
        victims=lambda s, _: {str(i) for i in s.tariff_ids_of_a},
    ),
    "tariffSet": Probe(
        "mutation M($input: TariffSetInput!) { tariffSet(input: $input) { id } }",
        lambda s, _: {
            "input": {"communityId": str(s.w.a.id), "utility": "WATER", "priceFen": 1, "effectiveFrom": "2001-01-01"}
        },
        not_its_operators,
    ),
    "billsGenerate": Probe(
        "mutation M($c: ID!, $p: String!) { billsGenerate(communityId: $c, period: $p) { created } }",
        lambda s, _: {"c": str(s.w.a.id), "p": previous_month(back=2).label},
        not_its_operators,
    ),
    "billPay": Probe(
        "mutation M($id: ID!) { billPay(billId: $id, provider: SANDBOX) { id payment { payUrl } } }",
        lambda s, _: {"id": str(s.bill_a102.id)},
        not_the_household,
    ),
}

# Each subscription has its own test below (a refusal, or a replay that never carries the victim's).
SUBSCRIPTIONS = {"orderUpdates", "shopOrders", "deliveryTasks", "myBills"}


def test_every_field_is_probed() -> None:
    assert root_fields(NOUNS) == set(PROBES) | SUBSCRIPTIONS


TABLES: tuple[type[Model], ...] = (Order, OrderLine, OrderEntry, Payment, Bill, Shop, Product, ShopStaff, Tariff)


@pytest.fixture
async def scene(api: Api, world: World) -> Scene:
    return await make_scene(api, world)


@pytest.mark.parametrize("name", sorted(PROBES))
async def test_no_one_reaches_what_is_not_theirs(api: Api, scene: Scene, name: str) -> None:
    await assert_holds(api, scene, PROBES[name], TABLES)


# --- subscriptions ---------------------------------------------------------------------------


async def test_order_updates_carry_only_the_residents_own(api: Api, scene: Scene, server: RunningServer) -> None:
    s = scene
    marker = await place(api, s.m, s.w.owner_a101, s.w.a101)  # after a102's and B's orders
    got = await until_marker(server, s.w.owner_a101, ORDER_UPDATES, {}, marker["id"])
    assert {m["order"]["id"] for m in got} <= {s.mine["id"], marker["id"]}
    other = gql("subscription S($c: ID, $after: String) { orderUpdates(communityId: $c, after: $after) { cursor } }")
    assert await refusal(server, s.w.owner_b101, other, {"c": str(s.w.a.id)}) == "FORBIDDEN"


async def test_shop_orders_are_the_shops_merchants_alone(api: Api, scene: Scene, server: RunningServer) -> None:
    s = scene
    shop_a = {"shop": str(s.m.shops.a.id)}
    for person in (s.m.shops.merchant_a2, s.m.shops.courier_a, s.m.shops.merchant_b, s.w.owner_a101, s.w.operator_b):
        assert await refusal(server, person, SHOP_ORDERS, shop_a) in REFUSED, person.name
    marker = await place(api, s.m, s.w.owner_a101, s.w.a101)
    got = await until_marker(server, s.m.shops.merchant_a, SHOP_ORDERS, shop_a, marker["id"])
    assert s.beta["id"] not in {m["order"]["id"] for m in got}


async def test_delivery_tasks_are_the_couriers_own(api: Api, scene: Scene, server: RunningServer) -> None:
    s = scene
    marker = await place(api, s.m, s.w.owner_a101, s.w.a101)
    await advance(api, s.m, marker["id"], "accept", "dispatch")
    got = await until_marker(server, s.m.shops.courier_a, DELIVERY_TASKS, {}, marker["id"])
    assert {m["order"]["id"] for m in got} <= {s.mine["id"], marker["id"]}
    other = gql("subscription S($c: ID, $after: String) { deliveryTasks(communityId: $c, after: $after) { cursor } }")
    assert await refusal(server, s.m.shops.merchant_b, other, {"c": str(s.w.a.id)}) == "FORBIDDEN"


async def test_my_bills_carry_only_the_households(api: Api, scene: Scene, server: RunningServer) -> None:
    s = scene
    # The marker: a101's bill paid, after every bill of A and B was issued.
    await bill_service.settle(s.bill_a101.id, payment_ref="marker-1", amount_fen=int(s.bill_a101.total_fen))
    got = await until_marker(server, s.w.owner_a101, gql(MY_BILLS), {}, str(s.bill_a101.id), kind="PAID")
    assert {m["bill"]["id"] for m in got} == {str(s.bill_a101.id)}
    assert await refusal(server, s.w.owner_b101, gql(MY_BILLS), {"c": str(s.w.a.id)}) == "INVALID_INPUT"
