"""The ledger: operators grant and deduct with a reason (audited as theirs, once per key), a
resident reads only their own history, an operator a person's in their own community only."""

from __future__ import annotations

from domain.points.models import Entry
from tests.points.support import ADJUST, HISTORY, adjust_input, grant, history_of, points_of
from tests.support import Api, World, code_and_field, data


async def test_a_grant_and_a_deduction_are_entries_of_the_operator(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 30)
    deducted = await grant(api, world, world.owner_a101, -10)
    assert (deducted["amount"], deducted["reasonCode"], deducted["source"], deducted["actorName"]) == (
        -10,
        "DEDUCTED",
        "OPERATOR",
        "Operator A",
    )
    assert (await points_of(api, world.owner_a101))["green"] == 20
    [earned, spent] = await history_of(api, world.owner_a101)
    assert earned["expiresAt"] is not None and spent["expiresAt"] is None


async def test_the_same_key_twice_is_one_entry(api: Api, world: World) -> None:
    variables = adjust_input(world, world.owner_a101, 30, key="bonus-1")
    first = data(await api(ADJUST, variables, as_=world.operator_a))["pointsAdjust"]
    again = data(await api(ADJUST, variables, as_=world.operator_a))["pointsAdjust"]
    assert first["id"] == again["id"]
    assert (await points_of(api, world.owner_a101))["green"] == 30


async def test_a_deduction_past_the_balance_is_refused_credit_stops_at_zero(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 5)
    refused = await api(ADJUST, adjust_input(world, world.owner_a101, -6), as_=world.operator_a)
    assert code_and_field(refused) == ("INSUFFICIENT_POINTS", "points")
    assert await Entry.filter(reason_code="DEDUCTED").count() == 0
    await grant(api, world, world.owner_a101, -500, kind="CREDIT")
    assert (await points_of(api, world.owner_a101))["credit"] == 0


async def test_only_the_communitys_operators_grant(api: Api, world: World) -> None:
    for who in (world.staff_a, world.owner_a101, world.operator_b, world.keeper_g1):
        refused = await api(ADJUST, adjust_input(world, world.owner_a101, 5), as_=who)
        assert code_and_field(refused)[0] == "FORBIDDEN"
    elsewhere = await api(ADJUST, adjust_input(world, world.owner_b101, 5), as_=world.operator_a)
    assert code_and_field(elsewhere) == ("NOT_FOUND", "personId")
    for field, value in (("amount", 0), ("reason", ""), ("amount", 10**6)):
        variables = adjust_input(world, world.owner_a101, 5)
        variables["input"][field] = value
        assert code_and_field(await api(ADJUST, variables, as_=world.operator_a)) == ("INVALID_INPUT", field)
    assert await Entry.all().count() == 0


async def test_who_reads_whose_history(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 7)
    await grant(api, world, world.child_a101, 3)
    await grant(api, world, world.owner_b101, 9, community=world.b, as_=world.operator_b)
    assert [e["amount"] for e in await history_of(api, world.owner_a101)] == [7]
    assert [e["amount"] for e in await history_of(api, world.child_a101)] == [3]  # not even one's household
    someone = {"c": str(world.a.id), "p": str(world.owner_a101.id)}
    assert [e["amount"] for e in await history_of(api, world.operator_a, **someone)] == [7]
    for stranger in (world.child_a101, world.staff_a, world.operator_b):
        assert code_and_field(await api(HISTORY, someone, as_=stranger))[0] == "FORBIDDEN"
    other = {"c": str(world.a.id), "p": str(world.owner_b101.id)}
    assert code_and_field(await api(HISTORY, other, as_=world.operator_a)) == ("NOT_FOUND", "personId")
    cross = {"c": str(world.b.id)}
    assert code_and_field(await api(HISTORY, cross, as_=world.owner_a101)) == ("FORBIDDEN", "communityId")
    assert code_and_field(await api(HISTORY, {}, as_=world.operator_a)) == ("INVALID_INPUT", "communityId")
    assert code_and_field(await api(HISTORY, {}))[0] == "UNAUTHENTICATED"


async def test_history_pages(api: Api, world: World) -> None:
    for amount in range(1, 6):
        await grant(api, world, world.owner_a101, amount)
    page = data(await api(HISTORY, {"first": 2}, as_=world.owner_a101))["pointsHistory"]
    assert (page["totalCount"], [e["amount"] for e in page["nodes"]]) == (5, [1, 2])
    rest = data(await api(HISTORY, {"first": 5, "after": page["pageInfo"]["endCursor"]}, as_=world.owner_a101))
    assert [e["amount"] for e in rest["pointsHistory"]["nodes"]] == [3, 4, 5]
