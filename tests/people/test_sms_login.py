"""Logging in with a one-time code sent by SMS (through our SMS gateway stand-in, over HTTP): the
code is hashed, used once, valid 5 minutes, 5 tries; sending is budgeted per phone and address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.people.models import PhoneProof
from tests.conftest import RunningServer
from tests.people.support import me
from tests.support import Api, World, data, error, new_phone

SMS_REQUEST = "mutation R($phone: String!) { authSmsRequest(phone: $phone) }"
SMS_LOGIN = """
mutation L($phone: String!, $code: String!) { authSmsLogin(phone: $phone, code: $code) { accessToken person { id } } }"""


async def code_for(api: Api, server: RunningServer, phone: str) -> str:
    server.sms.codes.pop(phone, None)
    assert data(await api(SMS_REQUEST, {"phone": phone}))["authSmsRequest"] is True
    return server.sms.codes[phone]


async def test_the_code_sent_logs_in_once(api: Api, server: RunningServer, world: World) -> None:
    owner = world.owner_a101
    code = await code_for(api, server, owner.phone)

    logged_in = data(await api(SMS_LOGIN, {"phone": owner.phone, "code": code}))["authSmsLogin"]
    again = await api(SMS_LOGIN, {"phone": owner.phone, "code": code})

    assert logged_in["person"]["id"] == str(owner.id)
    assert data(await me(api, logged_in["accessToken"]))["me"]["id"] == str(owner.id)
    assert error(again)["code"] == "UNAUTHENTICATED"


async def test_the_code_is_stored_hashed_and_expires_in_five_minutes(
    api: Api, server: RunningServer, world: World
) -> None:
    phone = world.owner_a101.phone
    code = await code_for(api, server, phone)

    proof = await PhoneProof.get(phone=phone)
    assert code not in proof.code_hash
    left = proof.expires_at - datetime.now(UTC)
    assert timedelta(minutes=4) < left <= timedelta(minutes=5)
    await PhoneProof.filter(id=proof.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert error(await api(SMS_LOGIN, {"phone": phone, "code": code}))["code"] == "UNAUTHENTICATED"


async def test_five_wrong_tries_end_the_code(api: Api, server: RunningServer, world: World) -> None:
    phone = world.owner_a101.phone
    code = await code_for(api, server, phone)
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(5):
        assert error(await api(SMS_LOGIN, {"phone": phone, "code": wrong}))["code"] == "UNAUTHENTICATED"

    assert error(await api(SMS_LOGIN, {"phone": phone, "code": code}))["code"] == "UNAUTHENTICATED"


async def test_a_proven_phone_without_an_account_is_told_to_register(api: Api, server: RunningServer) -> None:
    phone = new_phone()
    code = await code_for(api, server, phone)

    refused = error(await api(SMS_LOGIN, {"phone": phone, "code": code}))

    assert (refused["code"], refused["field"]) == ("UNAUTHENTICATED", "phone")


async def test_codes_are_budgeted_per_phone_and_per_address(api: Api, server: RunningServer, world: World) -> None:
    phone = world.owner_a101.phone
    for _ in range(5):
        await code_for(api, server, phone)
    assert error(await api(SMS_REQUEST, {"phone": phone}))["code"] == "RATE_LIMITED"

    elsewhere = api.from_address("127.0.0.7")
    try:
        answers = [await elsewhere(SMS_REQUEST, {"phone": new_phone()}) for _ in range(21)]
    finally:
        await elsewhere.close()
    assert [a.get("errors") is None for a in answers] == [True] * 20 + [False]
    assert error(answers[-1])["code"] == "RATE_LIMITED"
