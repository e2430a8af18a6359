"""Logging out ends the session for its access and refresh tokens, even against a racing refresh (PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domain.people.accounts import start_session
from tests.conftest import RunningServer
from tests.people.support import REFRESH, login, me
from tests.support import Api, World, data, error

LOGOUT = "mutation Logout { authLogout }"
REFRESH_FOR_ACCESS_TOKEN = "mutation R($t: String!) { authRefresh(refreshToken: $t) { accessToken } }"


async def test_logout_ends_the_session_for_its_access_and_refresh_tokens(api: Api, world: World) -> None:
    session = await login(api, world.owner_a101.phone)
    elsewhere = await login(api, world.owner_a101.phone)

    assert data(await api(LOGOUT, token=session["accessToken"])) == {"authLogout": True}

    assert error(await me(api, session["accessToken"]))["code"] == "UNAUTHENTICATED"
    assert error(await api(REFRESH, {"refreshToken": session["refreshToken"]}))["code"] == "UNAUTHENTICATED"
    assert data(await me(api, elsewhere["accessToken"]))["me"]["id"] == str(world.owner_a101.id)


async def test_logout_needs_a_login(api: Api) -> None:
    assert error(await api(LOGOUT))["code"] == "UNAUTHENTICATED"


@pytest.mark.usefixtures("postgres_writers")
async def test_a_refresh_racing_a_logout_does_not_revive_the_session(
    api: Api, world: World, server: RunningServer
) -> None:
    for _ in range(10):
        pair = await start_session(server.issuer, world.owner_a101)
        results = await asyncio.gather(
            api("mutation { authLogout }", token=pair.access_token),
            api(REFRESH_FOR_ACCESS_TOKEN, {"t": pair.refresh_token}),
        )
        refreshed: dict[str, Any] = results[1]
        assert (await api("{ me { id } }", token=pair.access_token))["errors"][0]["extensions"][
            "code"
        ] == "UNAUTHENTICATED"
        if not refreshed.get("errors"):
            new_token = refreshed["data"]["authRefresh"]["accessToken"]
            late = await api("{ me { id } }", token=new_token)
            assert late["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
