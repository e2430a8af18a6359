"""Green and volunteer points expire when the year after they were earned ends (configurable);
spending takes the oldest first; expiry writes entries, so a balance is the sum of its entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.functions import Sum

from domain.points import expiry
from domain.points.models import Balance, Entry, Kind
from tests.points.support import grant, make_reward, points_of, redeem
from tests.support import Api, World, data


async def test_earned_points_expire_at_the_end_of_next_year(api: Api, world: World) -> None:
    earned = await grant(api, world, world.owner_a101, 10)
    expires = datetime.fromisoformat(earned["expiresAt"])
    assert (expires.year, expires.month, expires.day) == (datetime.now(UTC).year + 1, 12, 31)  # 00:00 Shanghai, in UTC


async def test_spending_takes_the_oldest_first_and_expiry_takes_what_is_left(api: Api, world: World) -> None:
    old = await grant(api, world, world.owner_a101, 10)
    new = await grant(api, world, world.owner_a101, 10)
    data(await redeem(api, world.owner_a101, await make_reward(api, world, points=6)))
    await Entry.filter(id=int(old["id"])).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert await expiry.sweep() == 1
    assert await expiry.sweep() == 0  # once
    assert (await points_of(api, world.owner_a101))["green"] == 10
    assert (await Entry.get(id=int(new["id"]))).remaining == 10
    expired = await Entry.get(reason_code="EXPIRED")
    assert (expired.amount, expired.source_id) == (-4, old["id"])
    total = await Entry.filter(person_id=world.owner_a101.id, kind=Kind.GREEN).annotate(s=Sum("amount")).values("s")
    assert total[0]["s"] == 10 == (await Balance.get(person_id=world.owner_a101.id, kind=Kind.GREEN)).balance


async def test_credit_never_expires(api: Api, world: World) -> None:
    await grant(api, world, world.owner_a101, 5, kind="CREDIT")
    assert await Entry.filter(kind=Kind.CREDIT, expires_at__isnull=False).count() == 0
    assert await expiry.sweep(datetime.now(UTC) + timedelta(days=3650)) == 0
