"""Ten wrong passwords rest the account for a while; a right one resets the count; parallel guesses cannot
outrun the limit (PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from domain.common.budgets import BudgetCounter
from domain.people.accounts import LOGIN_BLOCK, PAIR_FAILURES
from tests.people.support import LOGIN
from tests.support import PASSWORD, Api, World, data, error


async def test_ten_wrong_passwords_rest_the_account_for_a_while(api: Api, world: World) -> None:
    owner = world.owner_a101
    for _ in range(10):
        wrong = await api(LOGIN, {"phone": owner.phone, "password": "not-the-password"})
        assert error(wrong)["message"] == "Wrong phone number or password"
    blocked = await api(LOGIN, {"phone": owner.phone, "password": PASSWORD})
    assert error(blocked)["code"] == "UNAUTHENTICATED"
    assert "Too many wrong passwords" in error(blocked)["message"]
    # Once the window is over, the count starts again.
    await BudgetCounter.filter(kind=PAIR_FAILURES.kind).update(since=datetime.now(UTC) - LOGIN_BLOCK)
    assert data(await api(LOGIN, {"phone": owner.phone, "password": PASSWORD}))["authLogin"]["accessToken"]
    assert await PAIR_FAILURES.used(f"{owner.id}@127.0.0.1") == 0


async def test_a_right_password_resets_the_count_of_wrong_ones(api: Api, world: World) -> None:
    owner = world.owner_a101
    for _ in range(9):
        await api(LOGIN, {"phone": owner.phone, "password": "not-the-password"})
    data(await api(LOGIN, {"phone": owner.phone, "password": PASSWORD}))
    assert await PAIR_FAILURES.used(f"{owner.id}@127.0.0.1") == 0


@pytest.mark.usefixtures("postgres_writers")
async def test_parallel_password_guesses_cannot_outrun_the_limit(api: Api, world: World) -> None:
    login = "mutation L($p: String!, $w: String!) { authLogin(phone: $p, password: $w) { accessToken } }"
    guesses = [api(login, {"p": world.owner_a101.phone, "w": f"wrong-{k:03d}"}) for k in range(30)]
    messages = [r["errors"][0]["message"] for r in await asyncio.gather(*guesses)]
    assert messages.count("Wrong phone number or password") == 10
    assert all("Too many wrong passwords" in m for m in messages if m != "Wrong phone number or password")
