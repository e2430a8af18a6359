"""The SANDBOX provider over real HTTP: the resident pays at the gateway's pay URL, the gateway's
signed callback pays the order (once, however often it comes), and anything not the gateway's,
not the amount due or not ours changes nothing and is logged. Refunds go back through it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest

from domain.orders.models import Order, OrderEntry
from domain.payments.models import Payment, PaymentStatus
from tests.conftest import RunningServer
from tests.orders.support import ACCEPT, ORDER_UPDATES, REFUSE, make_market, place
from tests.payments.support import notice, post_notice, warnings_logged
from tests.realtime.support import socket, take
from tests.support import Api, World, code_and_field, data


async def test_the_resident_pays_at_the_gateway_and_the_order_hears_of_it(
    api: Api, world: World, server: RunningServer
) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, (market.eggs, 2), payment="SANDBOX")
    pay_url = order["payment"]["payUrl"]
    assert pay_url.startswith(server.gateway.url) and order["paid"] is False
    # Not paid yet: the shop cannot take it.
    assert code_and_field(await api(ACCEPT, {"id": order["id"]}, as_=market.shops.merchant_a)) == (
        "CONFLICT",
        "payment",
    )
    async with socket(server, world.owner_a101) as session:
        request = GraphQLRequest(ORDER_UPDATES, variable_values={"after": "0"})
        receiving = asyncio.create_task(take(session, request, 2))
        async with httpx.AsyncClient() as http:
            page = await http.get(pay_url)
            assert page.status_code == 200 and "Pay" in page.text
            paid = await http.post(pay_url)
            assert paid.json()["status"] == "PAID"
        messages = await receiving  # the gateway's callback came over HTTP, asynchronously
    assert [(m["kind"], m["order"]["paid"]) for m in messages] == [("ORDER_PLACED", False), ("ORDER_PAID", True)]
    accepted = data(await api(ACCEPT, {"id": order["id"]}, as_=market.shops.merchant_a))["orderAccept"]
    assert (accepted["status"], accepted["payment"]["status"], accepted["payment"]["payUrl"]) == (
        "ACCEPTED",
        "PAID",
        None,
    )


@pytest.mark.usefixtures("postgres_writers")
async def test_ten_identical_callbacks_at_once_pay_once(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, payment="SANDBOX")
    body = notice(order["payment"]["outTradeNo"], order["totalFen"])
    answers = await asyncio.gather(*(post_notice(server, body) for _ in range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    assert await Payment.filter(status=PaymentStatus.PAID).count() == 1
    assert await Payment.all().count() == 1
    assert await OrderEntry.filter(order_id=int(order["id"]), action="PAY").count() == 1


async def test_the_same_callback_twice_pays_once(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, payment="SANDBOX")
    body = notice(order["payment"]["outTradeNo"], order["totalFen"])
    assert [(await post_notice(server, body)).status_code for _ in range(2)] == [200, 200]
    assert await OrderEntry.filter(order_id=int(order["id"]), action="PAY").count() == 1
    # Another transaction for a paid payment is not a second payment.
    other = notice(order["payment"]["outTradeNo"], order["totalFen"], transaction_id="SBX-other")
    assert (await post_notice(server, other)).status_code == 400


async def test_bad_callbacks_change_nothing_and_are_logged(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, payment="SANDBOX")
    trade, due = order["payment"]["outTradeNo"], order["totalFen"]
    cases: list[tuple[Any, str]] = [
        (post_notice(server, notice(trade, due), secret="not-the-gateways-secret"), "bad signature"),
        (post_notice(server, notice(trade, due - 1)), "wrong amount"),
        (post_notice(server, notice("LN-not-ours", due)), "unknown trade"),
        (post_notice(server, b"{not json"), "unreadable"),
    ]
    with warnings_logged() as logged:
        for sending, reason in cases:
            answer = await sending
            assert answer.status_code == 400, reason
            assert answer.json()["code"] == "FAIL"
    assert len(logged) == len(cases)
    assert (await Payment.get(out_trade_no=trade)).status is PaymentStatus.PENDING
    assert (await Order.get(id=int(order["id"]))).paid_at is None
    assert not await OrderEntry.filter(action="PAY").exists()


async def test_a_paid_order_refused_is_refunded_through_the_gateway(
    api: Api, world: World, server: RunningServer
) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101, payment="SANDBOX")
    async with httpx.AsyncClient() as http:
        assert (await http.post(order["payment"]["payUrl"])).status_code == 200
    trade = server.gateway.trades[order["payment"]["outTradeNo"]]
    # The callback arrives asynchronously: the order is paid once the gateway has delivered it.
    body = server.gateway.notice(trade)
    assert (await post_notice(server, body)).status_code == 200
    refused = data(await api(REFUSE, {"id": order["id"], "reason": "Sold out"}, as_=market.shops.merchant_a))
    assert (refused["orderRefuse"]["status"], refused["orderRefuse"]["payment"]["status"]) == ("REFUSED", "REFUNDED")
    assert trade.refunded
