"""Earning rules per community: the operator sets amounts and caps; a household's month-over-month
saving on electricity and water earns its members GREEN points once; taking part in an activity
earns VOLUNTEER points once per key, up to the daily cap; credit and who has little of it."""

from __future__ import annotations

from domain.bills.periods import Month
from domain.points import earning, savings
from domain.points.models import Entry
from tests.bills.support import around, meter, previous_month, readings
from tests.conftest import RunningServer
from tests.points.support import LOW_CREDIT, RULES_SET, bind, grant, make_bin, points_of, sort, throw
from tests.support import Api, World, code_and_field, data

SAVINGS = "mutation S($c: ID!, $p: String!) { pointsSavingsAward(communityId: $c, period: $p) }"


async def test_the_operator_sets_the_rules(api: Api, world: World) -> None:
    changes = {"sortedRightPoints": 5, "sortingDailyCap": 7}
    answer = data(await api(RULES_SET, {"c": str(world.a.id), "input": changes}, as_=world.operator_a))
    assert answer["pointsRulesSet"] == {
        "sortedRightPoints": 5,
        "sortingDailyCap": 7,
        "creditBase": 100,
        "lowCreditBelow": 80,
    }
    bin = await make_bin(api, world)
    data(await bind(api, world, world.owner_a101, "CARD-1"))
    assert (await sort(api, bin, throw("r-1", "CARD-1"), throw("r-2", "CARD-1")))["points"] == 7
    refused = await api(RULES_SET, {"c": str(world.a.id), "input": {"sortedRightPoints": -1}}, as_=world.operator_a)
    assert code_and_field(refused) == ("INVALID_INPUT", "sortedRightPoints")
    for who in (world.staff_a, world.operator_b, world.owner_a101):
        assert code_and_field(await api(RULES_SET, {"c": str(world.a.id), "input": changes}, as_=who))[0] == "FORBIDDEN"


async def _meter_months(
    api: Api, world: World, server: RunningServer, this: Month, used_before: float, used: float
) -> None:
    _, key = await meter(api, world, "ELECTRICITY_METER", world.a101)
    before_start, _, before_end = around(this.previous)
    _, _, this_end = around(this)
    await readings(
        server, key, (before_start, 1000.0), (before_end, 1000.0 + used_before), (this_end, 1000.0 + used_before + used)
    )


async def test_a_households_saving_earns_its_members_once(api: Api, world: World, server: RunningServer) -> None:
    this = previous_month()
    await _meter_months(api, world, server, this, used_before=120.0, used=95.0)
    variables = {"c": str(world.a.id), "p": this.label}
    assert data(await api(SAVINGS, variables, as_=world.operator_a))["pointsSavingsAward"] == 25
    assert data(await api(SAVINGS, variables, as_=world.operator_a))["pointsSavingsAward"] == 0
    assert await savings.sweep() == 0  # the sweep runs last month: posted already
    owner, child = await points_of(api, world.owner_a101), await points_of(api, world.child_a101)
    assert (owner["green"], child["green"]) == (13, 12)
    assert await Entry.filter(reason_code="SAVED_ENERGY").count() == 2
    assert (await points_of(api, world.elder_a102))["green"] == 0
    assert code_and_field(await api(SAVINGS, variables, as_=world.staff_a))[0] == "FORBIDDEN"


async def test_using_more_earns_nothing(api: Api, world: World, server: RunningServer) -> None:
    this = previous_month()
    await _meter_months(api, world, server, this, used_before=80.0, used=95.0)
    assert await savings.award_month(world.a.id, this) == 0
    assert await Entry.all().count() == 0


async def test_volunteering_earns_once_per_key_up_to_the_cap(world: World) -> None:
    async def take_part(activity: str) -> int:
        return await earning.award_volunteer(
            community_id=world.a.id,
            person_id=world.owner_a101.id,
            activity_id=activity,
            title="Spring clean-up",
            idempotency_key=f"{activity}:{world.owner_a101.id}",
        )

    assert await take_part("a-1") == 10
    assert await take_part("a-1") == 0
    for i in range(2, 8):
        await take_part(f"a-{i}")
    entries = await Entry.filter(person_id=world.owner_a101.id, kind="VOLUNTEER").values_list("amount", flat=True)
    assert sum(entries) == 50  # type: ignore[arg-type]  # the daily cap


async def test_operators_see_who_has_low_credit(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, -30, kind="CREDIT")
    await grant(api, world, world.elder_a102, -5, kind="CREDIT")
    await grant(api, world, world.owner_b101, -50, kind="CREDIT", community=world.b, as_=world.operator_b)
    low = data(await api(LOW_CREDIT, {"c": str(world.a.id)}, as_=world.operator_a))["pointsLowCredit"]
    assert [(s["name"], s["points"]) for s in low] == [("Owner A101", 70)]
    assert (await points_of(api, world.owner_a101))["credit"] == 70
    for who in (world.owner_a101, world.staff_a, world.operator_b):
        assert code_and_field(await api(LOW_CREDIT, {"c": str(world.a.id)}, as_=who))[0] == "FORBIDDEN"
