"""Logging in: the right password returns working tokens, a wrong one or an unknown phone is refused alike."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import RunningServer
from tests.people.support import LOGIN, NEW_PASSWORD, REGISTER, login, me, phone_code
from tests.support import PASSWORD, Api, World, data, error, new_phone

LOGIN_FOR_ACCESS_TOKEN = (
    "mutation L($phone: String!, $password: String!) { authLogin(phone: $phone, password: $password) { accessToken } }"
)


def _code(result: dict[str, Any]) -> str:
    return str(result["errors"][0].get("extensions", {}).get("code", "GRAPHQL"))


async def test_login_with_the_right_password_returns_working_tokens(api: Api, world: World) -> None:
    owner = world.owner_a101

    payload = await login(api, owner.phone)

    assert payload["person"] == {"id": str(owner.id), "name": owner.name}
    assert payload["refreshToken"]
    assert data(await me(api, payload["accessToken"]))["me"]["id"] == str(owner.id)


async def test_wrong_password_and_unknown_phone_are_refused_alike(api: Api, world: World) -> None:
    wrong_password = await api(LOGIN, {"phone": world.owner_a101.phone, "password": "not-the-password"})
    unknown_phone = await api(LOGIN, {"phone": new_phone(), "password": PASSWORD})

    assert error(wrong_password)["code"] == "UNAUTHENTICATED"
    assert error(wrong_password) == error(unknown_phone)
    assert wrong_password["data"] is None and unknown_phone["data"] is None


async def test_login_accepts_the_phone_written_as_it_was_registered(api: Api, server: RunningServer) -> None:
    proof = await phone_code(api, server, "138-0000-7777")
    registered = data(
        await api(
            REGISTER,
            {"input": {"phone": "138-0000-7777", "password": NEW_PASSWORD, "name": "Spaced", "phoneCode": proof}},
        )
    )["authRegister"]
    for written in ("138 0000 7777", "138-0000-7777", "13800007777"):
        logged_in = data(await api(LOGIN, {"phone": written, "password": NEW_PASSWORD}))["authLogin"]
        assert logged_in["person"]["id"] == registered["person"]["id"]


async def test_a_login_payload_resolves_as_the_new_session(api: Api, world: World) -> None:
    owner = world.owner_a101
    nested = """
    mutation L($phone: String!, $password: String!) {
      authLogin(phone: $phone, password: $password) { refreshToken person { phone memberships { role } } }
    }
    """
    logged_in = data(await api(nested, {"phone": owner.phone, "password": PASSWORD}))["authLogin"]
    assert logged_in["person"] == {"phone": owner.phone, "memberships": [{"role": "RESIDENT"}]}
    refreshed = data(
        await api(
            "mutation R($t: String!) { authRefresh(refreshToken: $t) { refreshToken person { memberships { role } } } }",
            {"t": logged_in["refreshToken"]},
        )
    )["authRefresh"]
    assert refreshed["person"]["memberships"] == [{"role": "RESIDENT"}]


async def test_a_password_that_is_not_unicode_is_refused_cleanly(api: Api, world: World) -> None:
    body = json.dumps(
        {"query": LOGIN_FOR_ACCESS_TOKEN, "variables": {"phone": world.owner_a101.phone, "password": "\ud800"}}
    )
    response = await api.http.post(api.url, content=body, headers={"Content-Type": "application/json"})
    # No text anybody typed, refused before any account is looked at: the same for every phone.
    assert _code(response.json()) == "INVALID_INPUT"
    assert response.json()["errors"][0]["extensions"]["field"] == "password"
