"""Devices report readings: valid ones are kept and bad ones refused one by one; unknown keys and
oversized batches write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from domain.devices.models import Device, Reading
from domain.devices.service import device_key_hash
from realtime.models import OutboxEvent
from tests.conftest import RunningServer
from tests.devices.support import REPORT, register
from tests.support import Api, World, data, error


async def test_valid_readings_are_kept_and_bad_ones_refused_one_by_one(api: Api, world: World) -> None:
    _, key = await register(api, world, "ENVIRONMENT_SENSOR")
    readings = [
        {"metric": "temperature", "value": 21.5},
        {"metric": "smoke", "value": 1},  # not something this type reports
        {"metric": "humidity", "value": 140},  # out of range
        {"metric": "pm25", "value": 35},
        {"metric": "noise", "value": 40, "recordedAt": "2999-01-01T00:00:00+00:00"},
    ]
    report = data(await api(REPORT, {"key": key, "readings": readings}))["telemetryReport"]
    assert report["accepted"] == 2
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [(1, "metric"), (2, "value"), (4, "recordedAt")]
    device = await Device.get(key_hash=device_key_hash(key))
    assert device.online and device.last_reading == {"temperature": 21.5, "pm25": 35}
    assert await Reading.filter(device=device).count() == 2


async def test_unknown_keys_and_oversized_batches_write_nothing(api: Api, world: World) -> None:
    _, key = await register(api, world)
    unknown = await api(REPORT, {"key": "dk_not-a-key", "readings": [{"metric": "smoke", "value": 1}]})
    assert error(unknown)["code"] == "UNAUTHENTICATED"
    oversized = await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 90}] * 1001})
    assert (error(oversized)["code"], error(oversized)["field"]) == ("INVALID_INPUT", "readings")
    assert await Reading.all().count() == 0 and await OutboxEvent.all().count() == 0


@pytest.mark.parametrize("path", ["graphql", "http"])
async def test_a_reading_without_a_time_zone_is_refused_alone(
    api: Api, world: World, server: RunningServer, path: str
) -> None:
    """Over GraphQL as over POST /telemetry: one bad clock refuses its reading, with the reason; the
    others are stored (a DateTime anywhere else refuses the request: tests/server/test_times_without_a_zone…)."""
    _, key = await register(api, world)
    naive = (datetime.now(UTC) - timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    readings = [{"metric": "battery", "value": 50, "recordedAt": naive}, {"metric": "battery", "value": 51}]
    if path == "graphql":
        report = data(await api(REPORT, {"key": key, "readings": readings}))["telemetryReport"]
    else:
        async with httpx.AsyncClient() as http:
            url = server.url.removesuffix("/graphql") + "/telemetry"
            response = await http.post(url, json={"readings": readings}, headers={"X-Device-Key": key})
        assert response.status_code == 200, response.text
        report = response.json()
    assert report["accepted"] == 1
    assert report["rejected"] == [
        {"index": 0, "field": "recordedAt", "reason": "recordedAt needs a time zone (e.g. +08:00 or Z)"}
    ]
    assert await Reading.all().count() == 1
