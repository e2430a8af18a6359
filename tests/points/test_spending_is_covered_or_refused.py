"""Invariants under real concurrency (PostgreSQL): a balance covers exactly as many spends as it
can and never goes below 0; the last reward goes to exactly one; what fails writes no entry."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from tortoise.functions import Sum

from domain.points.models import Balance, Entry, Kind, Redemption, Reward
from realtime.models import OutboxEvent
from tests.points.support import REDEEM, grant, make_reward, redeem
from tests.support import Api, World, code_and_field, make_resident, outcome_codes, token_for


async def ledger_sum(person_id: int, kind: Kind = Kind.GREEN) -> int:
    rows = await Entry.filter(person_id=person_id, kind=kind).annotate(total=Sum("amount")).values("total")
    return int(rows[0]["total"] or 0)


async def lots_left(person_id: int) -> int:
    return sum(await Entry.filter(person_id=person_id, kind=Kind.GREEN).values_list("remaining", flat=True))  # type: ignore[arg-type]


@pytest.mark.usefixtures("postgres_writers")
async def test_fifty_spends_on_a_balance_that_covers_ten(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 60)
    await grant(api, world, world.owner_a101, 40)
    reward = await make_reward(api, world, points=10, stock=1000)
    token = await token_for(api.issuer, world.owner_a101)
    results = await asyncio.gather(
        *(api(REDEEM, {"r": reward["id"], "key": uuid.uuid4().hex}, token=token) for _ in range(50))
    )
    assert outcome_codes(results) == ["INSUFFICIENT_POINTS"] * 40 + ["OK"] * 10
    balance = await Balance.get(person_id=world.owner_a101.id, kind=Kind.GREEN)
    assert balance.balance == 0 == await ledger_sum(world.owner_a101.id) == await lots_left(world.owner_a101.id)
    assert await Redemption.all().count() == 10
    assert (await Reward.get(id=int(reward["id"]))).stock == 990


@pytest.mark.usefixtures("postgres_writers")
async def test_fifty_residents_for_the_last_reward(api: Api, world: World) -> None:
    residents = [await make_resident(world.a101, name=f"Neighbour {i}") for i in range(50)]
    for resident in residents:
        await grant(api, world, resident, 10)
    reward = await make_reward(api, world, points=10, stock=1)
    tokens = [await token_for(api.issuer, r) for r in residents]
    results = await asyncio.gather(*(api(REDEEM, {"r": reward["id"], "key": "k"}, token=t) for t in tokens))
    assert outcome_codes(results) == ["OK"] + ["OUT_OF_STOCK"] * 49
    assert (await Reward.get(id=int(reward["id"]))).stock == 0
    assert await Redemption.all().count() == 1
    assert await Entry.filter(reason_code="REDEEMED").count() == 1
    balances = [b.balance for b in await Balance.filter(kind=Kind.GREEN)]
    assert sorted(balances) == [0] + [10] * 49


async def test_a_failed_redemption_writes_no_entry(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 5)
    entries, messages = await Entry.all().count(), await OutboxEvent.filter(topic__startswith="points:").count()
    too_dear = await make_reward(api, world, points=10)
    gone = await make_reward(api, world, points=1, stock=0)
    assert code_and_field(await redeem(api, world.owner_a101, too_dear)) == ("INSUFFICIENT_POINTS", "points")
    assert code_and_field(await redeem(api, world.owner_a101, gone)) == ("OUT_OF_STOCK", "rewardId")
    assert (await Entry.all().count(), await OutboxEvent.filter(topic__startswith="points:").count()) == (
        entries,
        messages,
    )
    assert await Redemption.all().count() == 0
    assert (await Balance.get(person_id=world.owner_a101.id, kind=Kind.GREEN)).balance == 5


async def test_the_same_key_again_is_the_same_redemption(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 50)
    reward = await make_reward(api, world, points=10)
    first = await redeem(api, world.owner_a101, reward, key="once")
    again = await redeem(api, world.owner_a101, reward, key="once")
    assert first["data"]["rewardRedeem"]["id"] == again["data"]["rewardRedeem"]["id"]
    assert (await Balance.get(person_id=world.owner_a101.id, kind=Kind.GREEN)).balance == 40
