"""Top earners of a month per community and per building, names masked for all but operators."""

from __future__ import annotations

from domain.bills.periods import last_month
from tests.points.support import LEADERBOARD, grant
from tests.support import Api, World, code_and_field, data, make_resident


async def test_top_earners_masked_for_residents(api: Api, world: World) -> None:
    this_month = last_month("Asia/Shanghai").following.label
    resident_a201 = await make_resident(world.a201, name="Zhang Wei")
    await grant(api, world, world.owner_a101, 30)
    await grant(api, world, world.owner_a101, -20)  # spending does not lower what was earned
    await grant(api, world, resident_a201, 20)
    await grant(api, world, world.elder_a102, 10, kind="VOLUNTEER")
    await grant(api, world, world.owner_b101, 99, community=world.b, as_=world.operator_b)
    variables = {"c": str(world.a.id), "p": this_month}
    seen = data(await api(LEADERBOARD, variables, as_=world.elder_a102))["pointsLeaderboard"]
    assert seen == [
        {"rank": 1, "personId": None, "name": "O*********", "points": 30, "isYou": False},
        {"rank": 2, "personId": None, "name": "Z********", "points": 20, "isYou": False},
    ]
    mine = data(await api(LEADERBOARD, variables, as_=world.owner_a101))["pointsLeaderboard"][0]
    assert (mine["personId"], mine["isYou"]) == (str(world.owner_a101.id), True)
    full = data(await api(LEADERBOARD, variables, as_=world.operator_a))["pointsLeaderboard"]
    assert [(s["name"], s["personId"]) for s in full] == [
        ("Owner A101", str(world.owner_a101.id)),
        ("Zhang Wei", str(resident_a201.id)),
    ]
    in_a2 = data(await api(LEADERBOARD, {**variables, "b": str(world.a2.id)}, as_=world.operator_a))
    assert [s["name"] for s in in_a2["pointsLeaderboard"]] == ["Zhang Wei"]
    volunteers = data(await api(LEADERBOARD, {**variables, "k": "VOLUNTEER"}, as_=world.operator_a))
    assert [s["name"] for s in volunteers["pointsLeaderboard"]] == ["Elder A102"]
    assert code_and_field(await api(LEADERBOARD, variables, as_=world.owner_b101))[0] == "FORBIDDEN"
    other = {**variables, "b": str(world.b1.id)}
    assert code_and_field(await api(LEADERBOARD, other, as_=world.operator_a)) == ("NOT_FOUND", "buildingId")
