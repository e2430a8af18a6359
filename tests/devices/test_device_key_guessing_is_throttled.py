"""Unknown device keys from one address are answered only so many times a minute."""

from __future__ import annotations

import httpx

from domain.devices.telemetry import BAD_KEYS_PER_ADDRESS
from tests.conftest import RunningServer
from tests.devices.support import REPORT, register
from tests.support import Api, World, data, error

READING = [{"metric": "battery", "value": 90}]


async def test_guessing_device_keys_is_rate_limited_per_address(api: Api, world: World, server: RunningServer) -> None:
    _, key = await register(api, world)
    guesser = api.from_address("127.0.0.4")
    try:
        for n in range(BAD_KEYS_PER_ADDRESS):
            wrong = await guesser(REPORT, {"key": f"dk_guess_{n:04d}", "readings": READING})
            assert error(wrong)["code"] == "UNAUTHENTICATED"
        refused = await guesser(REPORT, {"key": "dk_guess_next", "readings": READING})
        assert (error(refused)["code"], error(refused)["field"]) == ("RATE_LIMITED", "deviceKey")
        # The gateway route shares the budget: 429.
        base = server.url.removesuffix("/graphql")
        async with httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address="127.0.0.4")) as http:
            response = await http.post(
                f"{base}/telemetry", headers={"X-Device-Key": "dk_x"}, json={"readings": READING}
            )
        assert response.status_code == 429 and response.json()["code"] == "RATE_LIMITED"
    finally:
        await guesser.close()
    # A device with its right key, from elsewhere, is not held up.
    assert data(await api(REPORT, {"key": key, "readings": READING}))["telemetryReport"]["accepted"] == 1
