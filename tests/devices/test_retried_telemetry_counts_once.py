"""A gateway whose batch was committed but whose connection broke sends it again: each reading is
identified by its device, metric and recordedAt (or by the readingId the device gave it), so the
retry stores nothing twice, counts no alarm twice, records no message twice, and says which
readings it had already (`duplicates`, `duplicateIndexes`) so the gateway can stop retrying. The
same over GraphQL and POST /telemetry, on both databases, and for two identical batches at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from domain.alarms.models import Alarm
from domain.devices.models import Reading
from realtime.models import OutboxEvent
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.support import Api, World, data

REPORT = """
mutation T($key: String!, $readings: [ReadingInput!]!) {
  telemetryReport(deviceKey: $key, readings: $readings) {
    accepted duplicates duplicateIndexes rejected { index field reason } alarmIds
  }
}
"""


def _at(minutes_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def _batch() -> list[dict[str, Any]]:
    """Two smoke readings that raise (then count on) one alarm, a battery level, and a reading known
    by its readingId alone."""
    return [
        {"metric": "smoke", "value": 40, "recordedAt": _at(3)},
        {"metric": "smoke", "value": 45, "recordedAt": _at(2)},
        {"metric": "battery", "value": 90, "recordedAt": _at(2)},
        {"metric": "battery", "value": 89, "readingId": "gw-7:000042"},
    ]


async def _graphql(api: Api, key: str, readings: list[dict[str, Any]]) -> dict[str, Any]:
    report: dict[str, Any] = data(await api(REPORT, {"key": key, "readings": readings}))["telemetryReport"]
    return report


def _url(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql") + "/telemetry"


async def _post(server: RunningServer, key: str, readings: list[dict[str, Any]]) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        response = await http.post(_url(server), json={"readings": readings}, headers={"X-Device-Key": key})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


async def _written() -> tuple[int, list[tuple[str, int]], int]:
    """Readings stored, alarms and their counts, outbox messages (but the inboxes': an alarm at
    home tells each resident once, tests/notifications/test_who_is_told.py)."""
    alarms = [(a.type, a.count) for a in await Alarm.all().order_by("id")]
    messages = await OutboxEvent.exclude(topic__startswith="notifications:").count()
    return await Reading.all().count(), alarms, messages


@pytest.mark.parametrize("path", ["graphql", "http"])
async def test_a_retried_batch_stores_alarms_and_announces_once(
    api: Api, world: World, server: RunningServer, path: str
) -> None:
    _, key = await register(api, world)
    batch = _batch()

    async def send() -> dict[str, Any]:
        return await (_graphql(api, key, batch) if path == "graphql" else _post(server, key, batch))

    first = await send()
    assert (first["accepted"], first["duplicates"], first["duplicateIndexes"]) == (4, 0, [])
    assert len(first["alarmIds"]) == 1
    once = await _written()
    assert once[0] == 4 and once[1] == [("SMOKE", 2)]

    again = await send()  # the same batch: the gateway never saw the first answer
    assert (again["accepted"], again["duplicates"], again["duplicateIndexes"]) == (0, 4, [0, 1, 2, 3])
    assert (again["rejected"], again["alarmIds"]) == ([], [])
    assert await _written() == once  # nothing stored, counted or announced twice


async def test_the_same_instant_in_another_zone_is_the_same_reading(api: Api, world: World) -> None:
    _, key = await register(api, world)
    at = datetime.now(UTC) - timedelta(hours=1)
    utc = at.isoformat().replace("+00:00", "Z")
    beijing = at.astimezone(timezone(timedelta(hours=8))).isoformat()
    first = await _graphql(api, key, [{"metric": "battery", "value": 80, "recordedAt": utc}])
    again = await _graphql(api, key, [{"metric": "battery", "value": 80, "recordedAt": beijing}])
    assert (first["accepted"], again["accepted"], again["duplicateIndexes"]) == (1, 0, [0])
    assert await Reading.all().count() == 1


async def test_a_reading_twice_in_one_batch_is_stored_once(api: Api, world: World, server: RunningServer) -> None:
    _, key = await register(api, world)
    at = _at(1)
    readings = [
        {"metric": "smoke", "value": 40, "recordedAt": at},
        {"metric": "smoke", "value": 40, "recordedAt": at},
        {"metric": "battery", "value": 70, "readingId": "r-1"},
        {"metric": "battery", "value": 70, "readingId": "r-1"},
    ]
    report = await _post(server, key, readings)
    assert (report["accepted"], report["duplicateIndexes"]) == (2, [1, 3])
    assert await _written() == (2, [("SMOKE", 1)], 2)  # DEVICE_ONLINE, ALARM_RAISED: the repeat counts nothing


async def test_readings_without_a_time_or_an_id_are_each_new(api: Api, world: World) -> None:
    """Stamped with the time they arrive: nothing tells a retry from a new reading, so each is new
    (README: only readings with recordedAt or readingId are idempotent)."""
    _, key = await register(api, world)
    readings = [{"metric": "battery", "value": 70}, {"metric": "battery", "value": 70}]
    first = await _graphql(api, key, readings)
    again = await _graphql(api, key, readings)
    assert (first["accepted"], again["accepted"], again["duplicates"]) == (2, 2, 0)
    assert await Reading.all().count() == 4


async def test_a_reading_id_is_the_readings_identity(api: Api, world: World, server: RunningServer) -> None:
    """With a readingId, that is what identifies a reading: two readings of one instant with their own
    ids are two; a bad id refuses its reading alone."""
    _, key = await register(api, world)
    at = _at(1)
    readings = [
        {"metric": "battery", "value": 70, "recordedAt": at, "readingId": "a"},
        {"metric": "battery", "value": 71, "recordedAt": at, "readingId": "b"},
        {"metric": "battery", "value": 72, "readingId": "x" * 65},
        {"metric": "battery", "value": 73, "readingId": ""},
        {"metric": "battery", "value": 74, "readingId": "with space"},
    ]
    for report in (await _post(server, key, readings), await _graphql(api, key, readings)):
        assert [(r["index"], r["field"]) for r in report["rejected"]] == [
            (2, "readingId"),
            (3, "readingId"),
            (4, "readingId"),
        ]
    assert await Reading.all().count() == 2


@pytest.mark.usefixtures("postgres_writers")
@pytest.mark.parametrize("path", ["graphql", "http"])
async def test_identical_batches_at_once_store_alarm_and_announce_once(
    api: Api, world: World, server: RunningServer, path: str
) -> None:
    _, key = await register(api, world)
    batch = _batch()
    twins = 4

    async def send() -> dict[str, Any]:
        return await (_graphql(api, key, batch) if path == "graphql" else _post(server, key, batch))

    reports = await asyncio.gather(*(send() for _ in range(twins)))
    assert sorted(r["accepted"] for r in reports) == [0] * (twins - 1) + [4]
    assert sum(r["duplicates"] for r in reports) == 4 * (twins - 1)
    readings, alarms, messages = await _written()
    assert (readings, alarms) == (4, [("SMOKE", 2)])
    assert messages == 3  # DEVICE_ONLINE, ALARM_RAISED, ALARM_UPDATED: once each
