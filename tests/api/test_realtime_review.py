"""Regressions from the review of the real-time code: scope of automatic clears, moved devices,
a sweep racing a report, and malformed gateway input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from domain.alarms.models import Alarm
from domain.devices import telemetry
from domain.devices.care import check_elderly_alone
from domain.devices.heartbeat import mark_silent_devices
from domain.devices.models import Device
from realtime.models import OutboxEvent
from tests.api.test_alarm_subscriptions import ALARM_EVENTS, MY_ALARMS, socket, take
from tests.api.test_devices import REGISTER, REPORT, register
from tests.conftest import RunningServer
from tests.support import Api, World, data

MOVE = "mutation M($input: DeviceMoveInput!) { deviceMove(input: $input) { id } }"


async def test_a_gate_in_another_community_does_not_clear_a_care_alarm(api: Api, world: World) -> None:
    assert await check_elderly_alone(silence=timedelta(0), now=datetime.now(UTC) + timedelta(hours=1)) == 1
    payload = {"communityId": str(world.b.id), "type": "ACCESS_GATE", "name": "B gate"}
    key = data(await api(REGISTER, {"input": payload}, as_=world.operator_b))["deviceRegister"]["key"]
    await api(REPORT, {"key": key, "readings": [{"metric": "person_id", "value": world.elder_a102.id}]})
    assert (await Alarm.get(type="CARE")).cleared_at is None


async def test_a_moved_device_alarms_its_new_household_not_the_old_one(
    api: Api, world: World, server: RunningServer
) -> None:
    device_id, key = await register(api, world)  # in a101
    await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 25}]})
    data(await api(MOVE, {"input": {"id": str(device_id), "houseId": str(world.a201.id)}}, as_=world.operator_a))
    old = await Alarm.get(device_id=device_id)
    assert old.cleared_at is not None and old.cleared_by_id == world.operator_a.id
    await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": 30}]})
    new = await Alarm.get(device_id=device_id, cleared_at=None)
    assert (new.house_id, new.grid_id) == (world.a201.id, world.g2.id)
    async with socket(server, world.owner_a101) as session:
        events = await take(session, GraphQLRequest(MY_ALARMS, variable_values={"after": "0"}), 2)
    assert [e["kind"] for e in events] == ["ALARM_RAISED", "ALARM_CLEARED"]  # nothing after the move


async def test_a_sweep_between_authentication_and_write_leaves_no_stale_state(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    device_id, key = await register(api, world)
    await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 80}]})
    authenticate = telemetry.authenticate_device

    async def authenticate_then_sweep(device_key: str) -> Device:
        device = await authenticate(device_key)
        await mark_silent_devices(now=datetime.now(UTC) + timedelta(hours=1))  # the sweep lands here
        return device

    monkeypatch.setattr(telemetry, "authenticate_device", authenticate_then_sweep)
    data(await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 79}]}))
    assert (await Device.get(id=device_id)).online
    assert (await Alarm.get(device_id=device_id, type="OFFLINE")).cleared_at is not None
    kinds = [e.kind for e in await OutboxEvent.filter(topic=f"devices:{world.a.id}").order_by("seq")]
    assert kinds == ["DEVICE_ONLINE", "DEVICE_OFFLINE", "DEVICE_ONLINE"]


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


async def test_a_huge_cursor_is_invalid_input(world: World, server: RunningServer) -> None:
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "9" * 30})
        with pytest.raises(TransportQueryError) as refused:
            await take(session, request, 1)
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}
