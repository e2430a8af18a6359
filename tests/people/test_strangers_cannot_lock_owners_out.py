"""Wrong passwords rest an account only for the address that sent them; an address that sweeps
many accounts rests altogether."""

from __future__ import annotations

from domain.people.accounts import FAILED_LOGINS_PER_ADDRESS, MAX_FAILED_LOGINS
from tests.people.support import LOGIN
from tests.support import PASSWORD, Api, World, data, error, new_phone


async def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(api: Api, world: World) -> None:
    owner = world.owner_a101
    stranger = api.from_address("127.0.0.2")
    try:
        for _ in range(MAX_FAILED_LOGINS + 5):
            await stranger(LOGIN, {"phone": owner.phone, "password": "not-the-password"})
        resting = await stranger(LOGIN, {"phone": owner.phone, "password": PASSWORD})
        assert "Too many wrong passwords" in error(resting)["message"]
    finally:
        await stranger.close()
    assert data(await api(LOGIN, {"phone": owner.phone, "password": PASSWORD}))["authLogin"]["accessToken"]


async def test_an_address_trying_many_accounts_rests_for_all_of_them(api: Api, world: World) -> None:
    sweeper = api.from_address("127.0.0.3")
    try:
        for _ in range(FAILED_LOGINS_PER_ADDRESS):
            wrong = await sweeper(LOGIN, {"phone": new_phone(), "password": "guess-guess"})
            assert error(wrong)["message"] == "Wrong phone number or password"
        resting = await sweeper(LOGIN, {"phone": world.owner_a101.phone, "password": PASSWORD})
        assert "Too many wrong passwords" in error(resting)["message"]
    finally:
        await sweeper.close()
    assert data(await api(LOGIN, {"phone": world.owner_a101.phone, "password": PASSWORD}))["authLogin"]
