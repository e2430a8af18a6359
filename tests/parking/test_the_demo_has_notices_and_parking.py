"""`lingli seed`: the demo resident reads two notices (the community's, her building's), sees the
garage's free spaces, and the demo's parking sensors and gate (their keys are the demo's) move them."""

from __future__ import annotations

import httpx

from domain.space.models import Community
from server.seed import DEMO_PASSWORD, demo_device_key, seed_demo
from server.seed_parking import DEMO_GATE, DEMO_PARKING_SENSORS, DEMO_PLATE
from tests.conftest import RunningServer
from tests.notices.support import NOTICES
from tests.parking.support import AVAILABILITY, GATE, sense
from tests.support import Api, data

LOGIN = "mutation L($p: String!, $w: String!) { authLogin(phone: $p, password: $w) { accessToken } }"


async def test_the_demo_resident_reads_notices_and_finds_parking(api: Api, server: RunningServer) -> None:
    assert await seed_demo()
    token = data(await api(LOGIN, {"p": "13800000001", "w": DEMO_PASSWORD}))["authLogin"]["accessToken"]
    notices = data(await api(NOTICES, {}, token=token))["notices"]["nodes"]
    assert {n["targetKind"] for n in notices} == {"COMMUNITY", "BUILDING"}
    sunrise = await Community.get(code="SUNRISE")
    [garage] = data(await api(AVAILABILITY, {"c": str(sunrise.id)}, token=token))["parkingAvailability"]
    assert (garage["total"], garage["free"]) == (6, 6)
    async with httpx.AsyncClient() as http:
        await sense(http, server, demo_device_key(DEMO_PARKING_SENSORS[0]), 1)
    entered = data(await api(GATE, {"key": demo_device_key(DEMO_GATE), "plate": DEMO_PLATE, "direction": "IN"}))
    assert entered["parkingGateRecord"]["allowed"] is True
    [garage] = data(await api(AVAILABILITY, {"c": str(sunrise.id)}, token=token))["parkingAvailability"]
    assert garage["free"] == 5  # her car is on her own sensed space: one car, one space
