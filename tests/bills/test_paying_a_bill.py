"""A household pays its bill through the payment interface: billPay with SANDBOX gives a pay URL
at the gateway; the gateway's signed callback (over real HTTP) settles the bill and BILL_PAID
reaches the household live. The same callback ten times at once pays once; a wrong amount, a bad
signature or an unknown trade changes nothing and is logged; a paid bill is a CONFLICT; a second
attempt while one is pending reuses it. ON_DELIVERY has no meaning for a bill and is refused."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql

from domain.bills.models import Bill, BillStatus
from domain.payments.models import Payment, PaymentStatus
from realtime.models import OutboxEvent
from tests.bills.support import MY_BILLS, generate, previous_month, tariff, with_area
from tests.conftest import RunningServer
from tests.payments.support import notice, post_notice, warnings_logged
from tests.realtime.support import socket, take
from tests.support import Api, World, code_and_field, data

PAY = """
mutation P($id: ID!, $provider: PaymentProvider!) {
  billPay(billId: $id, provider: $provider) {
    id status paidAt
    payment { id provider status amountFen outTradeNo payUrl paidAt }
  }
}
"""
BILL_PAYMENT = "query B($id: ID!) { bill(id: $id) { id status payment { status outTradeNo payUrl } } }"


async def a_bill(api: Api, world: World) -> Bill:
    """a101's bill for last month: 100 m² at 2.50 a m², 250.00 yuan."""
    await tariff(api, world, "PROPERTY_FEE", 250)
    await with_area(world.a101, "100")
    data(await generate(api, world, previous_month()))
    return await Bill.get(house_id=world.a101.id)


async def pay(api: Api, bill: Bill, person: Any, provider: str = "SANDBOX") -> dict[str, Any]:
    return await api(PAY, {"id": str(bill.id), "provider": provider}, as_=person)


async def test_the_household_pays_at_the_gateway_and_hears_of_it(api: Api, world: World, server: RunningServer) -> None:
    bill = await a_bill(api, world)
    started = data(await pay(api, bill, world.owner_a101))["billPay"]
    payment = started["payment"]
    assert (started["status"], payment["status"], payment["provider"], payment["amountFen"]) == (
        "ISSUED",
        "PENDING",
        "SANDBOX",
        25000,
    )
    assert payment["payUrl"].startswith(server.gateway.url)
    async with socket(server, world.child_a101) as session:  # another of the household
        request = GraphQLRequest(gql(MY_BILLS), variable_values={"after": "0"})
        receiving = asyncio.create_task(take(session, request, 2))
        async with httpx.AsyncClient() as http:
            assert (await http.post(payment["payUrl"])).json()["status"] == "PAID"
        issued, paid = await receiving  # the gateway's callback came over HTTP, on its own
    assert (issued["kind"], paid["kind"], paid["bill"]["status"]) == ("BILL_ISSUED", "BILL_PAID", "PAID")
    now = data(await api(BILL_PAYMENT, {"id": str(bill.id)}, as_=world.owner_a101))["bill"]
    assert (now["status"], now["payment"]["status"], now["payment"]["payUrl"]) == ("PAID", "PAID", None)
    stored = await Bill.get(id=bill.id)
    assert stored.payment_ref == payment["outTradeNo"]
    # Paid: a second payment is refused, and nothing new is written.
    assert code_and_field(await pay(api, bill, world.owner_a101)) == ("CONFLICT", "billId")
    assert await Payment.all().count() == 1


async def test_a_second_attempt_while_one_is_pending_reuses_it(api: Api, world: World) -> None:
    bill = await a_bill(api, world)
    first = data(await pay(api, bill, world.owner_a101))["billPay"]["payment"]
    again = data(await pay(api, bill, world.child_a101))["billPay"]["payment"]
    assert (again["id"], again["outTradeNo"], again["payUrl"]) == (first["id"], first["outTradeNo"], first["payUrl"])
    assert await Payment.all().count() == 1


@pytest.mark.usefixtures("postgres_writers")
async def test_ten_attempts_at_once_make_one_payment(api: Api, world: World) -> None:
    bill = await a_bill(api, world)
    answers = await asyncio.gather(*(pay(api, bill, world.owner_a101) for _ in range(10)))
    assert len({data(a)["billPay"]["payment"]["outTradeNo"] for a in answers}) == 1
    assert await Payment.all().count() == 1


@pytest.mark.usefixtures("postgres_writers")
async def test_ten_identical_callbacks_at_once_pay_once(api: Api, world: World, server: RunningServer) -> None:
    bill = await a_bill(api, world)
    payment = data(await pay(api, bill, world.owner_a101))["billPay"]["payment"]
    body = notice(payment["outTradeNo"], payment["amountFen"])
    answers = await asyncio.gather(*(post_notice(server, body) for _ in range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    assert await Payment.all().count() == 1
    assert (await Payment.get()).status is PaymentStatus.PAID
    assert (await Bill.get(id=bill.id)).status is BillStatus.PAID
    assert await OutboxEvent.filter(kind="BILL_PAID").count() == 1


async def test_bad_callbacks_change_nothing_and_are_logged(api: Api, world: World, server: RunningServer) -> None:
    bill = await a_bill(api, world)
    payment = data(await pay(api, bill, world.owner_a101))["billPay"]["payment"]
    trade, due = payment["outTradeNo"], payment["amountFen"]
    cases: list[tuple[Any, str]] = [
        (post_notice(server, notice(trade, due), secret="not-the-gateways-secret"), "bad signature"),
        (post_notice(server, notice(trade, due - 1)), "wrong amount"),
        (post_notice(server, notice(trade, due + 1)), "wrong amount"),
        (post_notice(server, notice("BI-not-ours", due)), "unknown trade"),
    ]
    with warnings_logged() as logged:
        for sending, reason in cases:
            answer = await sending
            assert (answer.status_code, answer.json()["code"]) == (400, "FAIL"), reason
    assert len(logged) == len(cases)
    assert (await Payment.get(out_trade_no=trade)).status is PaymentStatus.PENDING
    stored = await Bill.get(id=bill.id)
    assert (stored.status, stored.paid_at, stored.payment_ref) == (BillStatus.ISSUED, None, None)
    assert not await OutboxEvent.filter(kind="BILL_PAID").exists()


async def test_only_the_household_pays_and_only_online(api: Api, world: World) -> None:
    bill = await a_bill(api, world)
    # Cash on delivery has no courier for a bill: refused, nothing written.
    assert code_and_field(await pay(api, bill, world.owner_a101, "ON_DELIVERY")) == ("INVALID_INPUT", "provider")
    # Another household, another community, the office: the bill is not theirs to pay.
    assert code_and_field(await pay(api, bill, world.elder_a102)) == ("NOT_FOUND", "billId")
    assert code_and_field(await pay(api, bill, world.owner_b101)) == ("NOT_FOUND", "billId")
    assert code_and_field(await pay(api, bill, world.operator_a)) == ("FORBIDDEN", "billId")
    assert code_and_field(await pay(api, bill, world.operator_b)) == ("NOT_FOUND", "billId")
    assert await Payment.all().count() == 0


async def test_a_bill_of_nothing_is_not_paid(api: Api, world: World) -> None:
    data(await generate(api, world, previous_month()))  # no tariffs: every line an anomaly, 0 fen
    bill = await Bill.get(house_id=world.a101.id)
    assert bill.total_fen == 0
    assert code_and_field(await pay(api, bill, world.owner_a101)) == ("INVALID_INPUT", "billId")
    assert await Payment.all().count() == 0
