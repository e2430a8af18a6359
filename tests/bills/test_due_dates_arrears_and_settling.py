"""A bill is due BILL_DUE_DAYS after its month, read in the community's zone; the sweep marks it
OVERDUE once (the household is told); operators see arrears; `settle` (what the payments noun calls)
pays a bill once per payment, checks the amount, and writes nothing when refused.

The sweep is called directly with an explicit `now` (the tests share the server's event loop and
database); the app's own sweep runs every BILL_SWEEP_SECONDS (600 s), never within a test."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from domain.bills import service
from domain.bills.models import Bill, BillStatus
from domain.bills.overdue import generate_last_month, mark_overdue
from domain.common.errors import Conflict, InvalidInput, NotFound
from domain.space import calendar
from domain.space.models import Community
from realtime.models import OutboxEvent
from tests.bills.support import generate, previous_month, tariff, with_area
from tests.support import Api, World, code_and_field, data, postgres_only

ARREARS = """
query A($c: ID!) { billArrears(communityId: $c) { count totalFen totalYuan bills { totalCount nodes { id status } } } }
"""


async def bills_of_a(api: Api, world: World) -> list[Bill]:
    await tariff(api, world, "PROPERTY_FEE", 250)
    for house in (world.a101, world.a102, world.a201):
        await with_area(house, "100")
    data(await generate(api, world, previous_month()))
    return list(await Bill.filter(community_id=world.a.id).order_by("house_id"))


async def test_the_due_date_is_read_in_the_communitys_zone(api: Api, world: World) -> None:
    await Community.filter(id=world.a.id).update(time_zone="Pacific/Auckland")
    month = previous_month("Pacific/Auckland")
    data(await generate(api, world, month))
    bill = await Bill.get(house_id=world.a101.id)
    due = month.last_day + timedelta(days=15)
    assert bill.due_date == due
    assert bill.period_start == calendar.month_span("Pacific/Auckland", month.year, month.month).since
    # Overdue from the first instant after the due day in Auckland, not in UTC or Shanghai.
    overdue_from = calendar.midnight(due + timedelta(days=1), calendar.zone("Pacific/Auckland"))
    assert bill.overdue_from == overdue_from
    assert await mark_overdue(overdue_from - timedelta(seconds=1)) == 0
    assert await mark_overdue(overdue_from) == 3
    assert await mark_overdue(overdue_from) == 0  # exactly once
    assert await OutboxEvent.filter(kind="BILL_OVERDUE").count() == 3


async def test_operators_see_arrears_and_a_payment_takes_a_bill_out(api: Api, world: World) -> None:
    first, second, third = await bills_of_a(api, world)
    late = first.overdue_from
    await mark_overdue(late)
    await service.settle(second.id, payment_ref="pay-1", amount_fen=second.total_fen)
    arrears = data(await api(ARREARS, {"c": str(world.a.id)}, as_=world.operator_a))["billArrears"]
    assert (arrears["count"], arrears["totalFen"], arrears["totalYuan"]) == (2, 50000, "500.00")
    assert {n["id"] for n in arrears["bills"]["nodes"]} == {str(first.id), str(third.id)}
    assert {n["status"] for n in arrears["bills"]["nodes"]} == {"OVERDUE"}
    for stranger in (world.owner_a101, world.keeper_g1, world.operator_b):
        assert code_and_field(await api(ARREARS, {"c": str(world.a.id)}, as_=stranger))[0] == "FORBIDDEN"


async def test_unpaid_bills_count_as_arrears_before_the_sweep_marks_them(api: Api, world: World) -> None:
    await bills_of_a(api, world)
    # Due dates are weeks away: nothing is in arrears yet, and the sweep marks nothing.
    assert data(await api(ARREARS, {"c": str(world.a.id)}, as_=world.operator_a))["billArrears"]["count"] == 0
    assert await mark_overdue() == 0


async def test_settling_is_idempotent_by_payment_and_checks_the_amount(api: Api, world: World) -> None:
    bill, *_ = await bills_of_a(api, world)
    with pytest.raises(InvalidInput) as wrong:
        await service.settle(bill.id, payment_ref="pay-1", amount_fen=bill.total_fen - 1)
    assert wrong.value.field == "amountFen"
    with pytest.raises(InvalidInput):
        await service.settle(bill.id, payment_ref="bad ref with spaces", amount_fen=bill.total_fen)
    with pytest.raises(NotFound):
        await service.settle(2**31 - 1, payment_ref="pay-1", amount_fen=1)
    assert (await Bill.get(id=bill.id)).status is BillStatus.ISSUED
    paid = await service.settle(bill.id, payment_ref="pay-1", amount_fen=bill.total_fen)
    again = await service.settle(bill.id, payment_ref="pay-1", amount_fen=bill.total_fen)
    assert paid.status is again.status is BillStatus.PAID and again.paid_at == paid.paid_at
    with pytest.raises(Conflict):
        await service.settle(bill.id, payment_ref="pay-2", amount_fen=bill.total_fen)
    assert await OutboxEvent.filter(kind="BILL_PAID").count() == 1
    await mark_overdue(bill.overdue_from)
    assert (await Bill.get(id=bill.id)).status is BillStatus.PAID  # a paid bill never falls overdue


async def test_the_same_payment_ten_times_at_once_pays_once(api: Api, world: World, backend: str) -> None:
    postgres_only(backend)
    bill, *_ = await bills_of_a(api, world)
    results = await asyncio.gather(
        *(service.settle(bill.id, payment_ref="txn-42", amount_fen=bill.total_fen) for _ in range(10))
    )
    assert {r.status for r in results} == {BillStatus.PAID}
    assert await OutboxEvent.filter(kind="BILL_PAID").count() == 1


async def test_the_monthly_job_bills_last_month_once_in_each_communitys_zone(api: Api, world: World) -> None:
    await Community.filter(id=world.b.id).update(time_zone="America/Los_Angeles")
    # 1 July 02:00 in Shanghai is still 30 June in Los Angeles: A bills June, B bills May.
    now = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)
    assert await generate_last_month(due_days=15, now=now) == 4
    assert {b.period for b in await Bill.all()} == {"2026-06", "2026-05"}
    assert await Bill.filter(community_id=world.b.id, period="2026-05").count() == 1
    assert await generate_last_month(due_days=15, now=now) == 0
