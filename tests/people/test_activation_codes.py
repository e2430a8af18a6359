"""Claiming a person the office registered: their activation code is needed, works once (even against twins
racing for it, on PostgreSQL), expires, and stops working after five wrong tries."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from auth.passwords import verify_password
from domain.people.models import Person, Residency
from tests.people.support import LOGIN, NEW_PASSWORD, REGISTER, login, me, register_input
from tests.support import Api, World, data, error, make_person, make_resident
from tests.support import outcome_codes as _codes

ISSUE_ACTIVATION_CODE = """
mutation Issue($personId: ID!) {
  personIssueActivationCode(personId: $personId) { code expiresInDays }
}
"""
ISSUE = "mutation I($personId: ID!) { personIssueActivationCode(personId: $personId) { code } }"
REGISTER_FOR_ACCESS_TOKEN = "mutation R($input: AuthRegisterInput!) { authRegister(input: $input) { accessToken } }"


async def test_claiming_an_office_registered_person_needs_their_activation_code(api: Api, world: World) -> None:
    registered = await make_resident(world.a102, name="Registered By Office", password_hash=None)
    issued = data(await api(ISSUE_ACTIVATION_CODE, {"personId": str(registered.id)}, as_=world.operator_a))
    code = issued["personIssueActivationCode"]["code"]
    wrong_code = f"{(int(code) + 1) % 10**8:08d}"

    without = await api(REGISTER, register_input(registered.phone))
    assert {k: error(without)[k] for k in ("code", "field")} == {"code": "INVALID_INPUT", "field": "phoneCode"}
    wrong = await api(REGISTER, register_input(registered.phone, activationCode=wrong_code))
    assert {k: error(wrong)[k] for k in ("code", "field")} == {"code": "INVALID_INPUT", "field": "activationCode"}
    assert (await Person.get(id=registered.id)).password_hash is None

    claimed = data(await api(REGISTER, register_input(registered.phone, activationCode=code)))["authRegister"]

    assert claimed["person"]["id"] == str(registered.id)  # the office's record, not a new person
    assert data(await me(api, claimed["accessToken"]))["me"]["id"] == str(registered.id)
    stored = await Person.get(id=registered.id)
    assert verify_password(NEW_PASSWORD, stored.password_hash)
    assert (stored.activation_code_hash, stored.activation_expires_at) == (None, None)


async def test_an_activation_code_cannot_be_used_twice(api: Api, world: World) -> None:
    registered = await make_resident(world.a102, name="Registered By Office", password_hash=None)
    issued = data(await api(ISSUE_ACTIVATION_CODE, {"personId": str(registered.id)}, as_=world.operator_a))
    code = issued["personIssueActivationCode"]["code"]
    data(await api(REGISTER, register_input(registered.phone, activationCode=code)))

    again = await api(REGISTER, register_input(registered.phone, password="the-takeover-password", activationCode=code))

    # The same answer as any wrong code: it tells nobody that the phone has an account now.
    assert (error(again)["code"], error(again)["field"]) == ("INVALID_INPUT", "activationCode")
    await login(api, registered.phone, NEW_PASSWORD)
    refused = await api(LOGIN, {"phone": registered.phone, "password": "the-takeover-password"})
    assert error(refused)["code"] == "UNAUTHENTICATED"


async def test_an_expired_activation_code_is_refused(api: Api, world: World) -> None:
    registered = await make_resident(world.a102, name="Registered By Office", password_hash=None)
    issued = data(await api(ISSUE_ACTIVATION_CODE, {"personId": str(registered.id)}, as_=world.operator_a))
    code = issued["personIssueActivationCode"]["code"]
    await Person.filter(id=registered.id).update(activation_expires_at=datetime.now(UTC) - timedelta(minutes=1))

    result = await api(REGISTER, register_input(registered.phone, activationCode=code))

    assert {k: error(result)[k] for k in ("code", "field")} == {"code": "INVALID_INPUT", "field": "activationCode"}
    assert (await Person.get(id=registered.id)).password_hash is None


async def test_activation_codes_stop_working_after_five_wrong_tries(api: Api, world: World) -> None:
    newcomer = await make_resident(world.a201, password_hash=None)
    code = data(await api(ISSUE, {"personId": str(newcomer.id)}, as_=world.operator_a))["personIssueActivationCode"][
        "code"
    ]
    wrong = "00000000" if code != "00000000" else "11111111"
    claim = {"phone": newcomer.phone, "password": "guessing-password", "name": "x"}
    for _ in range(5):
        result = await api(REGISTER_FOR_ACCESS_TOKEN, {"input": {**claim, "activationCode": wrong}})
        assert error(result)["field"] == "activationCode"
    locked = await api(REGISTER_FOR_ACCESS_TOKEN, {"input": {**claim, "activationCode": code}})
    assert (error(locked)["field"], error(locked)["message"]) == ("activationCode", error(result)["message"])
    assert (await Person.get(id=newcomer.id)).password_hash is None


@pytest.mark.usefixtures("postgres_writers")
async def test_one_activation_code_claims_one_account_once(api: Api, world: World) -> None:
    person = await make_person(name="Claimable", password_hash=None)
    await Residency.create(person=person, house=world.a201, community=world.a, kind="OWNER", moved_in=date(2020, 1, 1))
    code = data(await api(ISSUE, {"personId": str(person.id)}, as_=world.staff_a))["personIssueActivationCode"]["code"]
    claims = [
        api(
            REGISTER_FOR_ACCESS_TOKEN,
            {"input": {"phone": person.phone, "password": f"password-{k}", "name": "x", "activationCode": code}},
        )
        for k in range(4)
    ]
    results = await asyncio.gather(*claims)
    assert _codes(list(results)).count("OK") == 1
    assert (await Person.get(id=person.id)).password_hash is not None
