"""The points mall: operators list rewards; residents redeem with a pickup code; the office hands
it over to the code; a cancelled redemption gives points and stock back. Each community its own."""

from __future__ import annotations

from tests.points.support import (
    CANCEL,
    COLLECT,
    REDEMPTIONS,
    REWARD_CREATE,
    REWARDS,
    grant,
    history_of,
    make_reward,
    points_of,
    redeem,
)
from tests.support import Api, World, code_and_field, data


async def test_redeem_collect_with_the_code(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 30)
    reward = await make_reward(api, world, points=20, stock=2)
    redemption = data(await redeem(api, world.owner_a101, reward))["rewardRedeem"]
    assert (redemption["status"], redemption["points"], len(redemption["pickupCode"])) == ("REDEEMED", 20, 8)
    assert (await points_of(api, world.owner_a101))["green"] == 10
    office = data(await api(REDEMPTIONS, {"c": str(world.a.id)}, as_=world.staff_a))["redemptions"]["nodes"]
    assert [(r["id"], r["pickupCode"]) for r in office] == [(redemption["id"], None)]  # the code is the resident's
    wrong = await api(COLLECT, {"id": redemption["id"], "code": "WRONG000"}, as_=world.staff_a)
    assert code_and_field(wrong) == ("INVALID_INPUT", "pickupCode")
    collected = data(await api(COLLECT, {"id": redemption["id"], "code": redemption["pickupCode"]}, as_=world.staff_a))
    assert collected["redemptionCollect"]["status"] == "COLLECTED"
    late = await api(CANCEL, {"id": redemption["id"]}, as_=world.owner_a101)
    assert code_and_field(late) == ("CONFLICT", "id")
    stock = data(await api(REWARDS, {"c": str(world.a.id)}, as_=world.owner_a101))["rewards"]["nodes"][0]["stock"]
    assert stock == 1


async def test_a_cancelled_redemption_gives_points_and_stock_back(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 30)
    reward = await make_reward(api, world, points=20, stock=1)
    redemption = data(await redeem(api, world.owner_a101, reward))["rewardRedeem"]
    cancelled = data(await api(CANCEL, {"id": redemption["id"]}, as_=world.owner_a101))["redemptionCancel"]
    assert cancelled["status"] == "CANCELLED"
    assert (await points_of(api, world.owner_a101))["green"] == 30
    assert [e["reasonCode"] for e in await history_of(api, world.owner_a101)] == [
        "GRANTED",
        "REDEEMED",
        "REDEMPTION_CANCELLED",
    ]
    again = await api(CANCEL, {"id": redemption["id"]}, as_=world.staff_a)
    assert code_and_field(again) == ("CONFLICT", "id")
    assert data(await redeem(api, world.owner_a101, reward))["rewardRedeem"]["status"] == "REDEEMED"  # stock is back


async def test_the_per_person_limit(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 100)
    reward = await make_reward(api, world, points=10, perPersonLimit=1)
    data(await redeem(api, world.owner_a101, reward))
    assert code_and_field(await redeem(api, world.owner_a101, reward)) == ("CONFLICT", "rewardId")
    assert (await points_of(api, world.owner_a101))["green"] == 90


async def test_rewards_and_redemptions_stay_in_their_community(api: Api, world: World) -> None:
    await grant(api, world, world.owner_b101, 50, community=world.b, as_=world.operator_b)
    reward_a = await make_reward(api, world, points=10)
    assert code_and_field(await redeem(api, world.owner_b101, reward_a)) == ("NOT_FOUND", "rewardId")
    assert code_and_field(await api(REWARDS, {"c": str(world.a.id)}, as_=world.owner_b101))[0] == "FORBIDDEN"
    await grant(api, world, world.owner_a101, 50)
    mine = data(await redeem(api, world.owner_a101, reward_a))["rewardRedeem"]
    for stranger in (world.operator_b, world.elder_a102):
        seen = data(await api(REDEMPTIONS, {}, as_=stranger))["redemptions"]
        assert seen["totalCount"] == 0
        assert code_and_field(await api(CANCEL, {"id": mine["id"]}, as_=stranger)) == ("NOT_FOUND", "id")
    # Staff see the mall, and do not shop in it; only operators list rewards.
    assert code_and_field(await redeem(api, world.staff_a, reward_a))[0] == "FORBIDDEN"
    listing = {"communityId": str(world.a.id), "name": "Mug", "points": 5, "stock": 1}
    for who in (world.staff_a, world.owner_a101, world.operator_b):
        assert code_and_field(await api(REWARD_CREATE, {"input": listing}, as_=who))[0] == "FORBIDDEN"


async def test_bad_reward_input_writes_nothing(api: Api, world: World) -> None:
    for field, value in (("points", 0), ("stock", -1), ("name", " "), ("photoUrl", "javascript:x"), ("kind", "CREDIT")):
        listing = {"communityId": str(world.a.id), "name": "Mug", "points": 5, "stock": 1, field: value}
        assert code_and_field(await api(REWARD_CREATE, {"input": listing}, as_=world.operator_a)) == (
            "INVALID_INPUT",
            field,
        )
    assert data(await api(REWARDS, {"c": str(world.a.id)}, as_=world.operator_a))["rewards"]["totalCount"] == 0
