"""Bills are the household's and the office's: a resident reads their own house's bills only, the
community's office all of its community's, grid staff and other communities none, one bill by id
included (null with NOT_FOUND)."""

from __future__ import annotations

from typing import Any

from tests.bills.support import BILL, BILLS, generate, previous_month, tariff
from tests.support import Api, World, code_and_field, data


async def billed(api: Api, world: World) -> dict[str, Any]:
    month = previous_month()
    await tariff(api, world, "PROPERTY_FEE", 250)
    data(await generate(api, world, month))
    data(await generate(api, world, month, as_=world.operator_b, community=world.b))
    rows = data(await api(BILLS, {}, as_=world.admin))["bills"]["nodes"]
    return {row["house"]["id"]: row for row in rows}


async def houses_seen(api: Api, person: Any) -> set[str]:
    return {b["house"]["id"] for b in data(await api(BILLS, {}, as_=person))["bills"]["nodes"]}


async def test_each_sees_only_the_bills_they_may(api: Api, world: World) -> None:
    await billed(api, world)
    a101, a102, a201, b101 = (str(h.id) for h in (world.a101, world.a102, world.a201, world.b101))
    assert await houses_seen(api, world.owner_a101) == {a101}
    assert await houses_seen(api, world.child_a101) == {a101}
    assert await houses_seen(api, world.elder_a102) == {a102}
    assert await houses_seen(api, world.owner_b101) == {b101}
    assert await houses_seen(api, world.operator_a) == {a101, a102, a201}
    assert await houses_seen(api, world.staff_a) == {a101, a102, a201}
    assert await houses_seen(api, world.operator_b) == {b101}
    assert await houses_seen(api, world.keeper_g1) == set()
    assert await houses_seen(api, world.merchant_a) == set()
    # Filters never widen the scope: naming another house or community finds nothing.
    result = await api(BILLS, {"c": str(world.b.id)}, as_=world.operator_a)
    assert data(result)["bills"]["totalCount"] == 0
    result = await api(BILLS, {"h": a102}, as_=world.owner_a101)
    assert data(result)["bills"]["totalCount"] == 0


async def test_another_households_bill_by_id_is_not_found(api: Api, world: World) -> None:
    bills = await billed(api, world)
    theirs = bills[str(world.a102.id)]["id"]
    result = await api(BILL, {"id": theirs}, as_=world.owner_a101)
    assert result["data"] == {"bill": None}
    assert code_and_field(result) == ("NOT_FOUND", "id")
    result = await api(BILL, {"id": bills[str(world.b101.id)]["id"]}, as_=world.operator_a)
    assert code_and_field(result) == ("NOT_FOUND", "id")
    mine = data(await api(BILL, {"id": bills[str(world.a101.id)]["id"]}, as_=world.owner_a101))["bill"]
    assert mine["status"] == "ISSUED"
