"""Registering, logging in, rotating and revoking tokens, and refusing bad tokens, over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from auth.passwords import verify_password
from domain.people.models import AuthSession, Person, RefreshToken
from tests.conftest import TEST_SECRET, RunningServer
from tests.support import PASSWORD, Api, World, data, error, make_resident, new_phone

AUTH_FIELDS = "accessToken refreshToken expiresIn tokenType person { id name }"
REGISTER = f"""
mutation Register($input: AuthRegisterInput!) {{
  authRegister(input: $input) {{ {AUTH_FIELDS} }}
}}
"""
LOGIN = f"""
mutation Login($phone: String!, $password: String!) {{
  authLogin(phone: $phone, password: $password) {{ {AUTH_FIELDS} }}
}}
"""
REFRESH = f"""
mutation Refresh($refreshToken: String!) {{
  authRefresh(refreshToken: $refreshToken) {{ {AUTH_FIELDS} }}
}}
"""
LOGOUT = "mutation Logout { authLogout }"
ME = "query Me { me { id name } }"
ISSUE_ACTIVATION_CODE = """
mutation Issue($personId: ID!) {
  personIssueActivationCode(personId: $personId) { code expiresInDays }
}
"""

NEW_PASSWORD = "a-brand-new-password"


def register_input(
    phone: str, *, password: str = NEW_PASSWORD, name: str = "New Neighbour", **extra: str
) -> dict[str, Any]:
    return {"input": {"phone": phone, "password": password, "name": name, **extra}}


async def login(api: Api, phone: str, password: str = PASSWORD) -> dict[str, Any]:
    payload: dict[str, Any] = data(await api(LOGIN, {"phone": phone, "password": password}))["authLogin"]
    return payload


async def me(api: Api, token: str) -> dict[str, Any]:
    return await api(ME, token=token)


# --- registering -------------------------------------------------------------


async def test_register_of_a_new_phone_returns_tokens_that_work(api: Api, server: RunningServer) -> None:
    phone = new_phone()
    payload = data(await api(REGISTER, register_input(phone, name="  New Neighbour ")))["authRegister"]

    person = await Person.get(phone=phone)
    assert payload["person"] == {"id": str(person.id), "name": "New Neighbour"}
    assert payload["tokenType"] == "Bearer"
    assert payload["expiresIn"] == server.settings.access_token_ttl_seconds
    assert payload["refreshToken"]
    assert verify_password(NEW_PASSWORD, person.password_hash)
    assert data(await me(api, payload["accessToken"]))["me"] == {"id": str(person.id), "name": "New Neighbour"}


async def test_register_with_a_short_password_is_refused_and_writes_nothing(api: Api) -> None:
    people, tokens = await Person.all().count(), await RefreshToken.all().count()
    phone = new_phone()

    result = await api(REGISTER, register_input(phone, password="7chars!"))

    assert error(result)["code"] == "INVALID_INPUT"
    assert error(result)["field"] == "password"
    assert result["data"] is None
    assert (await Person.all().count(), await RefreshToken.all().count()) == (people, tokens)
    assert not await Person.filter(phone=phone).exists()


async def test_register_of_a_phone_with_an_account_is_a_conflict(api: Api, world: World) -> None:
    owner = world.owner_a101
    people = await Person.all().count()

    result = await api(REGISTER, register_input(owner.phone, name="Impostor"))

    assert error(result)["code"] == "CONFLICT"
    assert error(result)["field"] == "phone"
    assert await Person.all().count() == people
    stored = await Person.get(id=owner.id)
    assert (stored.name, stored.password_hash) == (owner.name, owner.password_hash)


# --- claiming a person the office registered --------------------------------


async def test_claiming_an_office_registered_person_needs_their_activation_code(api: Api, world: World) -> None:
    registered = await make_resident(world.a102, name="Registered By Office", password_hash=None)
    issued = data(await api(ISSUE_ACTIVATION_CODE, {"personId": str(registered.id)}, as_=world.operator_a))
    code = issued["personIssueActivationCode"]["code"]
    wrong_code = f"{(int(code) + 1) % 10**8:08d}"

    without = await api(REGISTER, register_input(registered.phone))
    assert {k: error(without)[k] for k in ("code", "field")} == {"code": "INVALID_INPUT", "field": "activationCode"}
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

    assert error(again)["code"] == "CONFLICT"
    assert error(again)["field"] == "phone"
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


# --- logging in --------------------------------------------------------------


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


# --- refresh-token rotation --------------------------------------------------


async def test_refresh_returns_a_new_pair_and_the_new_refresh_token_rotates_again(api: Api, world: World) -> None:
    first = await login(api, world.owner_a101.phone)

    second = data(await api(REFRESH, {"refreshToken": first["refreshToken"]}))["authRefresh"]
    third = data(await api(REFRESH, {"refreshToken": second["refreshToken"]}))["authRefresh"]

    assert len({first["refreshToken"], second["refreshToken"], third["refreshToken"]}) == 3
    assert second["person"]["id"] == third["person"]["id"] == str(world.owner_a101.id)
    assert data(await me(api, third["accessToken"]))["me"]["id"] == str(world.owner_a101.id)


async def test_replaying_a_spent_refresh_token_revokes_the_whole_session(api: Api, world: World) -> None:
    first = await login(api, world.owner_a101.phone)
    rotated = data(await api(REFRESH, {"refreshToken": first["refreshToken"]}))["authRefresh"]
    assert data(await me(api, rotated["accessToken"]))["me"]["id"] == str(world.owner_a101.id)

    replay = await api(REFRESH, {"refreshToken": first["refreshToken"]})

    assert error(replay)["code"] == "UNAUTHENTICATED"
    assert error(await api(REFRESH, {"refreshToken": rotated["refreshToken"]}))["code"] == "UNAUTHENTICATED"
    assert error(await me(api, rotated["accessToken"]))["code"] == "UNAUTHENTICATED"
    assert error(await me(api, first["accessToken"]))["code"] == "UNAUTHENTICATED"


async def test_replay_revokes_only_that_session(api: Api, world: World) -> None:
    stolen = await login(api, world.owner_a101.phone)
    other_device = await login(api, world.owner_a101.phone)
    data(await api(REFRESH, {"refreshToken": stolen["refreshToken"]}))

    assert error(await api(REFRESH, {"refreshToken": stolen["refreshToken"]}))["code"] == "UNAUTHENTICATED"

    assert data(await me(api, other_device["accessToken"]))["me"]["id"] == str(world.owner_a101.id)
    data(await api(REFRESH, {"refreshToken": other_device["refreshToken"]}))


async def test_a_login_ends_after_its_maximum_age_however_often_it_is_refreshed(api: Api, world: World) -> None:
    fresh = await login(api, world.owner_a101.phone)
    aged = await login(api, world.owner_a101.phone)
    # The second login began 91 days ago (the default maximum is 90), refreshed all along.
    session = jwt.decode(aged["accessToken"], options={"verify_signature": False})["sid"]
    await AuthSession.filter(id=session).update(created_at=datetime.now(UTC) - timedelta(days=91))

    refused = await api(REFRESH, {"refreshToken": aged["refreshToken"]})

    assert error(refused)["code"] == "UNAUTHENTICATED" and "90 days" in error(refused)["message"]
    assert data(await api(REFRESH, {"refreshToken": fresh["refreshToken"]}))["authRefresh"]["accessToken"]


async def test_an_unknown_refresh_token_is_refused(api: Api) -> None:
    result = await api(REFRESH, {"refreshToken": "never-issued"})
    assert error(result)["code"] == "UNAUTHENTICATED"


# --- logging out -------------------------------------------------------------


async def test_logout_ends_the_session_for_its_access_and_refresh_tokens(api: Api, world: World) -> None:
    session = await login(api, world.owner_a101.phone)
    elsewhere = await login(api, world.owner_a101.phone)

    assert data(await api(LOGOUT, token=session["accessToken"])) == {"authLogout": True}

    assert error(await me(api, session["accessToken"]))["code"] == "UNAUTHENTICATED"
    assert error(await api(REFRESH, {"refreshToken": session["refreshToken"]}))["code"] == "UNAUTHENTICATED"
    assert data(await me(api, elsewhere["accessToken"]))["me"]["id"] == str(world.owner_a101.id)


async def test_logout_needs_a_login(api: Api) -> None:
    assert error(await api(LOGOUT))["code"] == "UNAUTHENTICATED"


# --- checking access tokens --------------------------------------------------


async def live_claims(server: RunningServer, api: Api, world: World) -> dict[str, Any]:
    """The claims of a token for a live session, as the server would issue them."""
    session = await login(api, world.owner_a101.phone)
    sid = jwt.decode(session["accessToken"], options={"verify_signature": False})["sid"]
    now = int(time.time())
    return {
        "sub": str(world.owner_a101.id),
        "sid": sid,
        "iss": server.settings.jwt_issuer,
        "aud": server.settings.jwt_audience,
        "iat": now,
        "exp": now + 300,
    }


def signed(claims: dict[str, Any], **changes: Any) -> str:
    return jwt.encode({**claims, **changes}, TEST_SECRET, algorithm="HS256")


async def test_a_token_built_with_the_server_secret_and_claims_is_accepted(
    server: RunningServer, api: Api, world: World
) -> None:
    # The control for the forgeries below: each differs from this token in one way only.
    claims = await live_claims(server, api, world)
    assert data(await me(api, signed(claims)))["me"]["id"] == str(world.owner_a101.id)


FORGERIES: list[Any] = [
    pytest.param(lambda c: jwt.encode(c, "another-secret-" + "y" * 40, algorithm="HS256"), id="other-secret"),
    pytest.param(lambda c: jwt.encode(c, "", algorithm="none"), id="alg-none"),
    pytest.param(lambda c: signed(c, aud="another-api"), id="wrong-audience"),
    pytest.param(lambda c: signed(c, iss="somebody-else"), id="wrong-issuer"),
]


@pytest.mark.parametrize("forge", FORGERIES)
async def test_a_forged_token_is_refused(
    server: RunningServer, api: Api, world: World, forge: Callable[[dict[str, Any]], str]
) -> None:
    token = forge(await live_claims(server, api, world))

    result = await me(api, token)

    assert error(result)["code"] == "UNAUTHENTICATED"
    assert "expired" not in error(result)["message"]
    assert result["data"] is None


async def test_an_expired_token_is_refused_as_expired(server: RunningServer, api: Api, world: World) -> None:
    claims = await live_claims(server, api, world)
    now = int(time.time())

    result = await me(api, signed(claims, iat=now - 1000, exp=now - 60))

    assert error(result)["code"] == "UNAUTHENTICATED"
    assert "expired" in error(result)["message"]


async def test_a_basic_authorization_header_is_refused(server: RunningServer, api: Api) -> None:
    response = await api.http.post(server.url, json={"query": ME}, headers={"Authorization": "Basic xyz"})

    assert response.status_code == 200
    assert error(response.json())["code"] == "UNAUTHENTICATED"


async def test_login_accepts_the_phone_written_as_it_was_registered(api: Api) -> None:
    registered = data(
        await api(REGISTER, {"input": {"phone": "138-0000-7777", "password": NEW_PASSWORD, "name": "Spaced"}})
    )["authRegister"]
    for written in ("138 0000 7777", "138-0000-7777", "13800007777"):
        logged_in = data(await api(LOGIN, {"phone": written, "password": NEW_PASSWORD}))["authLogin"]
        assert logged_in["person"]["id"] == registered["person"]["id"]


async def test_browser_apps_on_allowed_origins_pass_cors(database_url: str) -> None:
    import httpx

    from server.app import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url, allowed_origins=("https://ioc.example",)))
    preflight = {
        "Origin": "https://ioc.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        allowed = await http.options("/graphql", headers=preflight)
        refused = await http.options("/graphql", headers={**preflight, "Origin": "https://evil.example"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://ioc.example"
    assert "access-control-allow-origin" not in refused.headers


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


async def test_ten_wrong_passwords_rest_the_account_for_a_while(api: Api, world: World) -> None:
    owner = world.owner_a101
    for _ in range(10):
        wrong = await api(LOGIN, {"phone": owner.phone, "password": "not-the-password"})
        assert error(wrong)["message"] == "Wrong phone number or password"
    blocked = await api(LOGIN, {"phone": owner.phone, "password": PASSWORD})
    assert error(blocked)["code"] == "UNAUTHENTICATED"
    assert "Too many wrong passwords" in error(blocked)["message"]
    await Person.filter(id=owner.id).update(login_blocked_until=datetime.now(UTC) - timedelta(seconds=1))
    assert data(await api(LOGIN, {"phone": owner.phone, "password": PASSWORD}))["authLogin"]["accessToken"]
    assert (await Person.get(id=owner.id)).login_blocked_until is None


async def test_a_right_password_resets_the_count_of_wrong_ones(api: Api, world: World) -> None:
    owner = world.owner_a101
    for _ in range(9):
        await api(LOGIN, {"phone": owner.phone, "password": "not-the-password"})
    data(await api(LOGIN, {"phone": owner.phone, "password": PASSWORD}))
    assert (await Person.get(id=owner.id)).failed_logins == 0
