"""billStatistics: bills issued, paid, overdue and unpaid per period, counts and fen, from SQL; for the
community's office only."""

from __future__ import annotations

from domain.bills import service
from domain.bills.models import Bill
from domain.bills.overdue import mark_overdue
from tests.bills.support import generate, previous_month, tariff, with_area
from tests.support import Api, World, code_and_field, data

STATISTICS = """
query S($c: ID!, $since: String, $until: String) {
  billStatistics(communityId: $c, since: $since, until: $until) {
    period issued issuedFen paid paidFen overdue overdueFen unpaid unpaidFen
  }
}
"""


async def test_issued_paid_and_overdue_per_period(api: Api, world: World) -> None:
    await tariff(api, world, "PROPERTY_FEE", 100)
    for house, area in ((world.a101, "100"), (world.a102, "50"), (world.a201, "20")):
        await with_area(house, area)
    older, newer = previous_month(back=2), previous_month()
    data(await generate(api, world, older))
    data(await generate(api, world, newer))
    a101_older = await Bill.get(house_id=world.a101.id, period=older.label)
    await service.settle(a101_older.id, payment_ref="p1", amount_fen=a101_older.total_fen)
    await mark_overdue(a101_older.overdue_from)  # the other two of the older month
    figures = data(await api(STATISTICS, {"c": str(world.a.id)}, as_=world.staff_a))["billStatistics"]
    assert figures == [
        {
            "period": newer.label,
            "issued": 3,
            "issuedFen": 17000,
            "paid": 0,
            "paidFen": 0,
            "overdue": 0,
            "overdueFen": 0,
            "unpaid": 3,
            "unpaidFen": 17000,
        },
        {
            "period": older.label,
            "issued": 3,
            "issuedFen": 17000,
            "paid": 1,
            "paidFen": 10000,
            "overdue": 2,
            "overdueFen": 7000,
            "unpaid": 2,
            "unpaidFen": 7000,
        },
    ]
    only = data(await api(STATISTICS, {"c": str(world.a.id), "since": newer.label}, as_=world.operator_a))
    assert [f["period"] for f in only["billStatistics"]] == [newer.label]
    refused = await api(STATISTICS, {"c": str(world.a.id), "until": "2026-00"}, as_=world.operator_a)
    assert code_and_field(refused) == ("INVALID_INPUT", "until")
    for stranger in (world.owner_a101, world.keeper_g1, world.operator_b):
        assert code_and_field(await api(STATISTICS, {"c": str(world.a.id)}, as_=stranger))[0] == "FORBIDDEN"
