"""Gateways post readings as plain JSON to /telemetry: same checks, same alarms, clear HTTP errors."""

from __future__ import annotations

import httpx

from domain.alarms.models import Alarm
from domain.devices.models import Reading
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.support import Api, World


def _url(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql") + "/telemetry"


async def test_a_gateway_reports_readings_and_raises_an_alarm(api: Api, world: World, server: RunningServer) -> None:
    _, key = await register(api, world)
    body = {
        "readings": [
            {"metric": "battery", "value": 97},
            {"metric": "smoke", "value": 40, "recordedAt": "2026-01-01T08:00:00Z"},
            {"metric": "smoke", "value": 400},
        ]
    }
    async with httpx.AsyncClient() as http:
        response = await http.post(_url(server), json=body, headers={"X-Device-Key": key})
    assert response.status_code == 200
    report = response.json()
    assert report["accepted"] == 2
    assert report["rejected"] == [{"index": 2, "field": "value", "reason": "smoke must be between 0 and 100"}]
    alarm = await Alarm.get(id=int(report["alarmIds"][0]))
    assert (alarm.type, alarm.count) == ("SMOKE", 1)


async def test_gateway_errors_are_clear_and_write_nothing(api: Api, world: World, server: RunningServer) -> None:
    _, key = await register(api, world)
    cases = [
        ({}, {"readings": []}, 400, "X-Device-Key"),
        ({"X-Device-Key": "dk_wrong"}, {"readings": [{"metric": "smoke", "value": 1}]}, 401, None),
        ({"X-Device-Key": key}, {"data": []}, 400, "readings"),
        ({"X-Device-Key": key}, {"readings": [{"metric": "smoke", "value": "high"}]}, 400, "readings[0]"),
        (
            {"X-Device-Key": key},
            {"readings": [{"metric": "smoke", "value": 1, "recordedAt": "yesterday"}]},
            400,
            "readings[0]",
        ),
        ({"X-Device-Key": key}, {"readings": [{"metric": "battery", "value": 1}] * 1001}, 400, "readings"),
    ]
    async with httpx.AsyncClient() as http:
        for headers, body, status, field in cases:
            response = await http.post(_url(server), json=body, headers=headers)
            assert (response.status_code, response.json()["field"]) == (status, field), body
        garbage = await http.post(_url(server), content=b"{not json", headers={"X-Device-Key": key})
        assert (garbage.status_code, garbage.json()["code"]) == (400, "INVALID_INPUT")
    assert await Reading.all().count() == 0


async def test_gateway_values_and_times_out_of_any_range_are_refused_per_reading(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key = await register(api, world)
    url = server.url.removesuffix("/graphql") + "/telemetry"
    body = (
        '{"readings": [{"metric": "smoke", "value": 1' + "0" * 400 + "},"
        ' {"metric": "smoke", "value": 1, "recordedAt": "0001-01-01T00:00:00+05:00"},'
        ' {"metric": "smoke", "value": 1, "recordedAt": "2001-01-01T00:00:00Z"},'
        ' {"metric": "battery", "value": 50}]}'
    )
    async with httpx.AsyncClient() as http:
        response = await http.post(url, content=body, headers={"X-Device-Key": key})
    assert response.status_code == 200
    report = response.json()
    assert report["accepted"] == 1
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [
        (0, "value"),
        (1, "recordedAt"),
        (2, "recordedAt"),
    ]
