"""An access token names a person and a session: both must belong together."""

from __future__ import annotations

import time

import jwt

from tests.conftest import TEST_SECRET, RunningServer
from tests.people.support import login
from tests.support import Api, World, error


async def test_a_token_naming_someone_elses_session_is_refused(server: RunningServer, api: Api, world: World) -> None:
    # A live session of the owner of A101, in a token that says it is the operator's.
    session = await login(api, world.owner_a101.phone)
    sid = jwt.decode(session["accessToken"], options={"verify_signature": False})["sid"]
    now = int(time.time())
    claims = {
        "sub": str(world.operator_a.id),
        "sid": sid,
        "iss": server.settings.jwt_issuer,
        "aud": server.settings.jwt_audience,
        "iat": now,
        "exp": now + 300,
    }
    result = await api("{ me { id } }", token=jwt.encode(claims, TEST_SECRET, algorithm="HS256"))
    assert error(result)["code"] == "UNAUTHENTICATED"
    assert result["data"] is None
