"""Access tokens are checked, not trusted: no token reads nothing, and a bad, forged, expired or Basic one is
refused as unauthenticated."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from tests.conftest import TEST_SECRET, RunningServer
from tests.people.support import ME, login, me
from tests.support import Api, World, data, error

HOUSES = """
query Houses($communityId: ID) {
  houses(communityId: $communityId, first: 100) { totalCount nodes { id number } }
}
"""
RESIDENTS = """
query Residents($communityId: ID) {
  residents(communityId: $communityId, first: 100) { nodes { id person { id name phone idNumber } house { id } } }
}
"""
COMMUNITIES = "{ communities { nodes { id code } } }"


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


FORGERIES: list[Any] = [
    pytest.param(lambda c: jwt.encode(c, "another-secret-" + "y" * 40, algorithm="HS256"), id="other-secret"),
    pytest.param(lambda c: jwt.encode(c, "", algorithm="none"), id="alg-none"),
    pytest.param(lambda c: signed(c, aud="another-api"), id="wrong-audience"),
    pytest.param(lambda c: signed(c, iss="somebody-else"), id="wrong-issuer"),
]


async def test_anonymous_reads_nothing(api: Api, world: World) -> None:
    for query in (HOUSES, RESIDENTS, COMMUNITIES, "{ me { id } }"):
        assert error(await api(query))["code"] == "UNAUTHENTICATED"


async def test_a_bad_token_is_refused_not_ignored(api: Api, world: World) -> None:
    result = await api(HOUSES, token="not-a-jwt")
    assert error(result)["code"] == "UNAUTHENTICATED"


async def test_a_token_built_with_the_server_secret_and_claims_is_accepted(
    server: RunningServer, api: Api, world: World
) -> None:
    # The control for the forgeries below: each differs from this token in one way only.
    claims = await live_claims(server, api, world)
    assert data(await me(api, signed(claims)))["me"]["id"] == str(world.owner_a101.id)


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
