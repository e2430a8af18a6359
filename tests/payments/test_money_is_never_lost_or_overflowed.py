"""Money and points are never lost or overflowed: totals past a 32-bit column are refused whole,
money paid at the gateway for a cancelled order goes back, and a cancel racing the gateway's
callback never records a refund the gateway did not make (against the real app and gateway)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from domain.orders.models import Order
from domain.payments.models import Payment, PaymentStatus, ProviderName
from domain.points.models import PointsPrice
from domain.shops.models import Product
from tests.conftest import RunningServer
from tests.orders.support import CANCEL, make_market, place
from tests.payments.support import warnings_logged
from tests.shops.support import make_product
from tests.support import Api, World, code_and_field, data

PLACE = """
mutation P($input: OrderPlaceInput!) {
  orderPlace(input: $input) { id status totalFen pointsSpent pointsFen amountDueFen }
}
"""
MAX_PRICE_FEN = 10_000_000  # domain.shops.products.MAX_PRICE_FEN: a price a merchant may set
MAX_POINTS_PRICE = 1_000_000  # domain.points.paying.MAX_POINTS_PRICE


def _input(world: World, shop_id: int, lines: list[dict[str, Any]], payment: str = "ON_DELIVERY") -> dict[str, Any]:
    return {
        "input": {
            "shopId": str(shop_id),
            "houseId": str(world.a101.id),
            "lines": lines,
            "idempotencyKey": uuid.uuid4().hex,
            "payment": payment,
        }
    }


async def test_an_order_of_allowed_prices_and_quantities_never_overflows_its_total(api: Api, world: World) -> None:
    """Three lines of the highest price a merchant may set, 99 each (both within the limits):
    2,970,000,000 fen, more than a 32-bit Int (totalFen: Int!, Order.total_fen an IntField).
    It must be priced right or refused as INVALID_INPUT, never an internal error."""
    market = await make_market(world)
    products = [await make_product(market.shops.a, name=f"Gold {i}", price_fen=MAX_PRICE_FEN) for i in range(3)]
    lines = [{"productId": str(p.id), "quantity": 99} for p in products]
    result = await api(PLACE, _input(world, market.shops.a.id, lines), as_=world.owner_a101)
    if result.get("errors"):
        assert code_and_field(result)[0] == "INVALID_INPUT", result["errors"]
        assert await Order.all().count() == 0
        assert all(p.stock is None for p in await Product.filter(id__in=[p.id for p in products]))
    else:
        assert result["data"]["orderPlace"]["totalFen"] == 3 * 99 * MAX_PRICE_FEN


async def test_points_lines_of_allowed_points_prices_never_overflow(api: Api, world: World) -> None:
    """22 lines at the highest points price, 99 each: 2,178,000,000 points (> 2^31 - 1). A resident
    with no points is refused INSUFFICIENT_POINTS (or INVALID_INPUT), never an internal error."""
    market = await make_market(world)
    products = [await make_product(market.shops.a, name=f"Pt {i}", price_fen=1) for i in range(22)]
    for p in products:
        await PointsPrice.create(product_id=p.id, points=MAX_POINTS_PRICE)
    lines = [{"productId": str(p.id), "quantity": 99, "withPoints": True} for p in products]
    result = await api(PLACE, _input(world, market.shops.a.id, lines, payment="SANDBOX"), as_=world.owner_a101)
    assert code_and_field(result)[0] in {"INSUFFICIENT_POINTS", "INVALID_INPUT"}, result["errors"]
    assert await Order.all().count() == 0


async def test_paying_at_the_gateway_after_the_order_was_cancelled_gives_the_money_back(
    api: Api, world: World, server: RunningServer
) -> None:
    """The pay URL stays valid at the gateway after the order is cancelled (its payment CANCELLED).
    A resident who pays it then is charged: the callback refunds the trade at once."""
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, (market.eggs, 1), payment="SANDBOX")
    data(await api(CANCEL, {"id": order["id"], "reason": "changed my mind"}, as_=world.owner_a101))
    trade_no = order["payment"]["outTradeNo"]
    with warnings_logged() as logged:
        async with httpx.AsyncClient() as http:
            paid = await http.post(order["payment"]["payUrl"])
        assert paid.json()["status"] == "PAID"  # the gateway took the money
        trade = server.gateway.trades[trade_no]
        # The gateway's notice reaches us asynchronously, and is logged before the refund is made:
        # wait for the refund itself (or a payment that records the money), bounded.
        for _ in range(400):
            payment = await Payment.get(out_trade_no=trade_no)
            if trade.refunded or payment.status in {PaymentStatus.PAID, PaymentStatus.REFUNDED}:
                break
            await asyncio.sleep(0.01)
    assert any(trade_no in r.getMessage() for r in logged)
    # Charged at the gateway: either refunded there, or the payment records that it was paid.
    assert trade.refunded or payment.status in {PaymentStatus.PAID, PaymentStatus.REFUNDED}, (
        f"gateway charged {trade.amount_fen} fen (txn {trade.transaction_id}), not refunded; payment {payment.status}"
    )


@pytest.mark.usefixtures("postgres_writers")
async def test_a_cancel_racing_the_gateways_callback_never_marks_refunded_what_was_not_refunded(
    api: Api, world: World, server: RunningServer
) -> None:
    """orderCancel asks the provider to refund each payment that was PAID when it looked, then,
    under the lock, marks PAID ones REFUNDED: a callback landing in between must not leave a payment
    REFUNDED in our books that the gateway never refunded (the cancel is refused, CONFLICT, instead)."""
    market = await make_market(world)
    orders = [
        await place(api, market, world.owner_a101, world.a101, (market.milk, 1), payment="SANDBOX") for _ in range(25)
    ]

    async def pay_and_cancel(order: dict[str, Any]) -> None:
        async with httpx.AsyncClient() as http:
            await asyncio.gather(
                http.post(order["payment"]["payUrl"]),
                api(CANCEL, {"id": order["id"], "reason": "race"}, as_=world.owner_a101),
            )

    await asyncio.gather(*(pay_and_cancel(o) for o in orders))
    for _ in range(500):  # every notice the gateway sends answered
        if not server.gateway._deliveries:
            break
        await asyncio.sleep(0.01)
    wrong = []
    for payment in await Payment.filter(provider=ProviderName.SANDBOX, status=PaymentStatus.REFUNDED):
        if not server.gateway.trades[payment.out_trade_no].refunded:
            wrong.append(payment.out_trade_no)
    assert wrong == []
