"""Registering over real HTTP: a phone its holder proved gets working tokens; a short password or a taken
phone writes nothing; without the code sent to the phone every phone gets the same answer."""

from __future__ import annotations

from auth.passwords import verify_password
from domain.people.models import Person, RefreshToken
from tests.conftest import RunningServer
from tests.people.support import NEW_PASSWORD, REGISTER, me, proven_register_input
from tests.support import Api, World, data, error, new_phone


async def test_register_of_a_new_phone_returns_tokens_that_work(api: Api, server: RunningServer) -> None:
    phone = new_phone()
    payload = data(await api(REGISTER, await proven_register_input(api, server, phone, name="  New Neighbour ")))[
        "authRegister"
    ]

    person = await Person.get(phone=phone)
    assert payload["person"] == {"id": str(person.id), "name": "New Neighbour"}
    assert payload["tokenType"] == "Bearer"
    assert payload["expiresIn"] == server.settings.access_token_ttl_seconds
    assert payload["refreshToken"]
    assert verify_password(NEW_PASSWORD, person.password_hash)
    assert data(await me(api, payload["accessToken"]))["me"] == {"id": str(person.id), "name": "New Neighbour"}


async def test_register_with_a_short_password_is_refused_and_writes_nothing(api: Api, server: RunningServer) -> None:
    people, tokens = await Person.all().count(), await RefreshToken.all().count()
    phone = new_phone()

    result = await api(REGISTER, await proven_register_input(api, server, phone, password="7chars!"))

    assert error(result)["code"] == "INVALID_INPUT"
    assert error(result)["field"] == "password"
    assert result["data"] is None
    assert (await Person.all().count(), await RefreshToken.all().count()) == (people, tokens)
    assert not await Person.filter(phone=phone).exists()


async def test_register_of_a_phone_with_an_account_is_a_conflict(api: Api, world: World, server: RunningServer) -> None:
    owner = world.owner_a101
    people = await Person.all().count()

    # Told only to whoever holds the phone (they proved it): log in instead.
    result = await api(REGISTER, await proven_register_input(api, server, owner.phone, name="Impostor"))

    assert error(result)["code"] == "CONFLICT"
    assert error(result)["field"] == "phone"
    assert await Person.all().count() == people
    stored = await Person.get(id=owner.id)
    assert (stored.name, stored.password_hash) == (owner.name, owner.password_hash)
