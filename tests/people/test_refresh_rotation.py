"""Refresh tokens rotate: each refresh returns a new pair, a replayed token revokes its session (twins
included, on PostgreSQL), and a login ends after its maximum age however often it is refreshed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from domain.people.accounts import start_session
from domain.people.models import AuthSession
from tests.conftest import RunningServer
from tests.people.support import REFRESH, login, me
from tests.support import Api, World, data, error
from tests.support import outcome_codes as _codes

REFRESH_FOR_ACCESS_TOKEN = "mutation R($t: String!) { authRefresh(refreshToken: $t) { accessToken } }"


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


@pytest.mark.usefixtures("postgres_writers")
async def test_twin_refreshes_spend_a_token_once(api: Api, world: World, server: RunningServer) -> None:
    for _ in range(5):
        pair = await start_session(server.issuer, world.owner_a101)
        results = await asyncio.gather(
            api(REFRESH_FOR_ACCESS_TOKEN, {"t": pair.refresh_token}),
            api(REFRESH_FOR_ACCESS_TOKEN, {"t": pair.refresh_token}),
        )
        assert _codes(list(results)) == ["OK", "UNAUTHENTICATED"]
        # The loser was a re-use: the session is revoked, so the winner's pair is dead too.
        winner = next(r for r in results if not r.get("errors"))
        me = await api("{ me { id } }", token=winner["data"]["authRefresh"]["accessToken"])
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
