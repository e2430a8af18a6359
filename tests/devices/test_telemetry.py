"""Devices report readings: valid ones are kept and bad ones refused one by one; unknown keys and
oversized batches write nothing."""

from __future__ import annotations

from domain.devices.models import Device, Reading
from domain.devices.service import device_key_hash
from realtime.models import OutboxEvent
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


async def test_a_reading_without_a_time_zone_refuses_the_report_over_graphql(api: Api, world: World) -> None:
    """As every DateTime of the schema (tests/server/test_times_without_a_zone_are_invalid_input.py):
    the scalar refuses it before the report runs. POST /telemetry still rejects such a reading alone."""
    _, key = await register(api, world)
    readings = [
        {"metric": "battery", "value": 50, "recordedAt": "2026-01-01T08:00:00"},
        {"metric": "battery", "value": 51},
    ]
    refused = await api(REPORT, {"key": key, "readings": readings})
    assert (error(refused)["code"], error(refused)["field"]) == ("INVALID_INPUT", "readings[0].recordedAt")
    assert await Reading.all().count() == 0
