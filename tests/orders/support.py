"""Orders for the commerce tests: a shop of community A with its staff and products, the
documents, and placing an order as a resident."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from gql import gql

from domain.people.models import Person
from domain.shops.models import Product
from tests.shops.support import Shops, make_product, make_shops
from tests.support import Api, World, data

ORDER_FIELDS = """
  id status totalFen paid houseNumber contactName contactPhone courierId robotId reason rating paymentProvider
  lines { productId name unitPriceFen quantity amountFen }
  timeline { action fromStatus toStatus actorName note }
  payment { status amountFen payUrl outTradeNo provider }
"""
PLACE = f"mutation P($input: OrderPlaceInput!) {{ orderPlace(input: $input) {{ {ORDER_FIELDS} }} }}"
ORDER = f"query O($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
ORDERS = "query O($s: ID, $mine: Boolean, $tasks: Boolean) { orders(shopId: $s, mine: $mine, tasks: $tasks) { totalCount nodes { id } } }"


def step(name: str, *args: str) -> str:
    """orderAccept(id), orderRefuse(id, reason), …: one step of the loop."""
    params = "".join(f", ${a}: String!" if a != "courierId" else ", $courierId: ID" for a in args)
    values = "".join(f", {a}: ${a}" for a in args)
    return f"mutation M($id: ID!{params}) {{ {name}(id: $id{values}) {{ {ORDER_FIELDS} }} }}"


ACCEPT = step("orderAccept")
REFUSE = step("orderRefuse", "reason")
PREPARE = step("orderPrepare")
DISPATCH = step("orderDispatch", "courierId")
PICK_UP = step("orderPickUp")
DEPART = step("orderDepart")
DELIVER = step("orderDeliver")
COLLECT = step("orderCollect")
CONFIRM = step("orderConfirm")
CANCEL = step("orderCancel", "reason")
REFUND = step("orderRefund", "reason")
RATE = "mutation R($id: ID!, $score: Int!) { orderRate(id: $id, score: $score) { id rating status } }"

ORDER_UPDATES = gql(
    """
    subscription S($after: String) {
      orderUpdates(after: $after) { cursor kind order { id status paid contactPhone position { latitude longitude } } }
    }
    """
)
SHOP_ORDERS = gql(
    """
    subscription S($shop: ID!, $after: String) {
      shopOrders(shopId: $shop, after: $after) { cursor kind order { id status contactName contactPhone } }
    }
    """
)
DELIVERY_TASKS = gql(
    """
    subscription S($after: String) {
      deliveryTasks(after: $after) { cursor kind order { id status contactPhone houseNumber } }
    }
    """
)


@dataclass
class Market:
    """World's community A has Shops; shop A sells milk (unlimited) and eggs (5 left)."""

    shops: Shops
    milk: Product
    eggs: Product


async def make_market(world: World) -> Market:
    shops = await make_shops(world)
    return Market(
        shops=shops,
        milk=await make_product(shops.a, name="Milk", price_fen=650),
        eggs=await make_product(shops.a, name="Eggs", price_fen=1280, stock=5),
    )


def order_input(market: Market, house: Any, *lines: tuple[Product, int], **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "shopId": str(market.shops.a.id),
            "houseId": str(house.id),
            "lines": [{"productId": str(p.id), "quantity": q} for p, q in lines]
            or [{"productId": str(market.milk.id), "quantity": 2}],
            "idempotencyKey": extra.pop("key", None) or uuid.uuid4().hex,
            "payment": extra.pop("payment", "ON_DELIVERY"),
            **extra,
        }
    }


async def place(
    api: Api, market: Market, person: Person, house: Any, *lines: tuple[Product, int], **extra: Any
) -> dict[str, Any]:
    result = data(await api(PLACE, order_input(market, house, *lines, **extra), as_=person))
    return dict(result["orderPlace"])


async def advance(api: Api, market: Market, order_id: str, *steps: str) -> dict[str, Any]:
    """Through the loop as its parties: the merchant accepts, prepares, dispatches to the courier;
    the courier picks up, departs, delivers."""
    merchant, courier = market.shops.merchant_a, market.shops.courier_a
    answer: dict[str, Any] = {}
    for name in steps:
        variables: dict[str, Any] = {"id": order_id}
        who = merchant
        document = {"accept": ACCEPT, "prepare": PREPARE, "dispatch": DISPATCH}.get(name)
        if name == "dispatch":
            variables["courierId"] = str(courier.id)
        if document is None:
            who = courier
            document = {"pick_up": PICK_UP, "depart": DEPART, "deliver": DELIVER, "collect": COLLECT}[name]
        answer = next(iter(data(await api(document, variables, as_=who)).values()))
    return answer
