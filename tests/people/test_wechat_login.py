"""Logging in from the WeChat mini-program, over real HTTP to our stand-in for WeChat's API
(server/wechat_standin.py): code2Session, the phone-number button, and each of WeChat's error
answers, a slow answer and a dropped connection."""

from __future__ import annotations

import time
from typing import Any

from domain.people.models import Person, WechatIdentity
from server.wechat_standin import CODE2SESSION, PHONE_NUMBER, TOKEN
from tests.people.support import me
from tests.support import Api, World, data, error, new_phone

WECHAT_LOGIN = """
mutation W($code: String!) {
  authWechatLogin(code: $code) { wechatTicket auth { accessToken refreshToken person { id name } } }
}"""
LINK_PHONE = """
mutation L($ticket: String!, $phoneCode: String!, $name: String) {
  authWechatLinkPhone(wechatTicket: $ticket, phoneCode: $phoneCode, name: $name) { accessToken person { id name } }
}"""


async def wechat_login(api: Api, code: str) -> dict[str, Any]:
    return await api(WECHAT_LOGIN, {"code": code})


async def ticket_for(api: Api, code: str) -> str:
    answer = data(await wechat_login(api, code))["authWechatLogin"]
    assert answer["auth"] is None
    return str(answer["wechatTicket"])


async def test_a_new_wechat_user_proves_their_phone_and_is_bound_to_the_person_who_has_it(
    api: Api, world: World, wechat: Any
) -> None:
    owner = world.owner_a101
    wechat.sessions["login-1"] = ("openid-owner", None)
    wechat.phones["phone-1"] = owner.phone

    ticket = await ticket_for(api, "login-1")
    linked = data(await api(LINK_PHONE, {"ticket": ticket, "phoneCode": "phone-1"}))["authWechatLinkPhone"]

    assert linked["person"] == {"id": str(owner.id), "name": owner.name}
    assert data(await me(api, linked["accessToken"]))["me"]["id"] == str(owner.id)
    # The next login of this WeChat user gives tokens at once, as a password login does.
    wechat.sessions["login-2"] = ("openid-owner", None)
    again = data(await wechat_login(api, "login-2"))["authWechatLogin"]
    assert again["wechatTicket"] is None
    assert again["auth"]["person"]["id"] == str(owner.id)
    assert data(await me(api, again["auth"]["accessToken"]))["me"]["id"] == str(owner.id)


async def test_a_phone_nobody_has_becomes_a_new_account(api: Api, world: World, wechat: Any) -> None:
    phone = new_phone()
    ticket = await ticket_for(api, "newcomer")

    linked = data(await api(LINK_PHONE, {"ticket": ticket, "phoneCode": phone, "name": "Newcomer"}))

    person = await Person.get(phone=phone)
    assert linked["authWechatLinkPhone"]["person"] == {"id": str(person.id), "name": "Newcomer"}
    assert (await WechatIdentity.get(openid="o-newcomer")).person_id == person.id


async def test_the_same_unionid_from_another_app_is_the_same_person(api: Api, world: World, wechat: Any) -> None:
    owner = world.owner_a101
    wechat.sessions["first-app"] = ("openid-a", "union-1")
    ticket = await ticket_for(api, "first-app")
    data(await api(LINK_PHONE, {"ticket": ticket, "phoneCode": owner.phone}))

    wechat.sessions["other-app"] = ("openid-b", "union-1")
    other = data(await wechat_login(api, "other-app"))["authWechatLogin"]

    assert other["auth"]["person"]["id"] == str(owner.id)


async def test_the_session_key_is_never_stored(api: Api, world: World, wechat: Any) -> None:
    await ticket_for(api, "keyed")

    rows = await WechatIdentity.all().values()
    assert rows and not any("sk-" in str(value) for row in rows for value in row.values())


async def test_a_ticket_is_used_once_and_a_wrong_one_is_refused(api: Api, world: World, wechat: Any) -> None:
    ticket = await ticket_for(api, "once")
    data(await api(LINK_PHONE, {"ticket": ticket, "phoneCode": new_phone()}))

    again = await api(LINK_PHONE, {"ticket": ticket, "phoneCode": new_phone()})
    wrong = await api(LINK_PHONE, {"ticket": "not-a-ticket", "phoneCode": new_phone()})

    assert error(again)["code"] == "UNAUTHENTICATED"
    assert error(wrong)["code"] == "UNAUTHENTICATED"


async def test_wechats_error_answers_are_typed(api: Api, world: World, wechat: Any) -> None:
    wechat.fail(CODE2SESSION, 40029)
    assert error(await wechat_login(api, "any"))["code"] == "INVALID_CODE"
    wechat.fail(CODE2SESSION, 45011)
    assert error(await wechat_login(api, "any"))["code"] == "RATE_LIMITED"
    wechat.fail(CODE2SESSION, -1, -1)  # busy, and busy again on the one retry
    assert error(await wechat_login(api, "any"))["code"] == "UNAVAILABLE"
    wechat.fail(CODE2SESSION, 40013)  # anything else WeChat says no to (here: the app id)
    assert error(await wechat_login(api, "any"))["code"] == "UNAVAILABLE"
    # A code used once is refused by WeChat the second time (40163).
    await ticket_for(api, "used")
    assert error(await wechat_login(api, "used"))["code"] == "INVALID_CODE"
    # And a login code WeChat does not know at all.
    assert error(await wechat_login(api, "bad-code"))["code"] == "INVALID_CODE"
    # An answer we cannot keep (an openid longer than any of WeChat's) is no login.
    wechat.sessions["odd"] = ("o" * 65, None)
    assert error(await wechat_login(api, "odd"))["code"] == "UNAVAILABLE"


async def test_a_busy_answer_or_a_dropped_connection_is_tried_again(api: Api, world: World, wechat: Any) -> None:
    wechat.fail(CODE2SESSION, -1)
    assert await ticket_for(api, "after-busy")
    wechat.fail(CODE2SESSION, "drop")
    assert await ticket_for(api, "after-drop")
    assert len(wechat.calls_to(CODE2SESSION)) == 4


async def test_a_slow_answer_times_out_as_unavailable(api: Api, world: World, wechat: Any) -> None:
    wechat.fail(CODE2SESSION, "slow", "slow")  # the try and its one retry
    started = time.monotonic()

    refused = await wechat_login(api, "slow")

    assert error(refused)["code"] == "UNAVAILABLE"
    # Two tries of 0.5 s and the back-off between: bounded, not WeChat's pace.
    assert time.monotonic() - started < 1.5
    assert not await WechatIdentity.exists()


async def test_the_phone_numbers_errors_are_typed_too(api: Api, world: World, wechat: Any) -> None:
    ticket = await ticket_for(api, "phone-errors")

    unknown = await api(LINK_PHONE, {"ticket": ticket, "phoneCode": "not-a-phone-code"})
    wechat.fail(PHONE_NUMBER, 45011)
    limited = await api(LINK_PHONE, {"ticket": ticket, "phoneCode": new_phone()})
    wechat.fail(PHONE_NUMBER, "slow", "slow")
    slow = await api(LINK_PHONE, {"ticket": ticket, "phoneCode": new_phone()})

    assert error(unknown)["code"] == "INVALID_CODE"
    assert error(limited)["code"] == "RATE_LIMITED"
    assert error(slow)["code"] == "UNAVAILABLE"
    # None of them spent the ticket: the user presses the button again.
    assert data(await api(LINK_PHONE, {"ticket": ticket, "phoneCode": new_phone()}))


async def test_the_access_token_is_kept_until_it_expires_and_renewed_when_refused(
    api: Api, world: World, wechat: Any
) -> None:
    for n in range(2):
        ticket = await ticket_for(api, f"token-{n}")
        data(await api(LINK_PHONE, {"ticket": ticket, "phoneCode": new_phone()}))
    fetched = len(wechat.calls_to(TOKEN))
    assert fetched <= 1  # one for both (none, if an earlier test's token is still kept)

    wechat.tokens.clear()  # WeChat forgot it (expired, or another process fetched a new one)
    ticket = await ticket_for(api, "token-renewed")
    assert data(await api(LINK_PHONE, {"ticket": ticket, "phoneCode": new_phone()}))
    assert len(wechat.calls_to(TOKEN)) == fetched + 1
