"""Silent devices go offline with an OFFLINE alarm, come back by reporting, and the change is pushed live."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from gql import GraphQLRequest, gql

from domain.alarms.models import Alarm
from domain.devices import telemetry
from domain.devices.heartbeat import mark_silent_devices
from domain.devices.models import Device
from realtime.models import OutboxEvent
from realtime.outbox import publishing_to
from tests.conftest import RunningServer
from tests.devices.support import REPORT, register
from tests.realtime.support import socket, take
from tests.support import Api, World, data

DEVICE_STATUS = gql(
    "subscription D($c: ID!, $after: String) { deviceStatus(communityId: $c, after: $after) { cursor kind name online } }"
)


async def test_a_silent_device_goes_offline_and_reporting_brings_it_back(api: Api, world: World) -> None:
    device_id, key = await register(api, world)
    data(await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 90}]}))
    assert await mark_silent_devices(datetime.now(UTC)) == 0  # within its heartbeat
    later = datetime.now(UTC) + timedelta(seconds=301)
    assert await mark_silent_devices(later) == 1
    assert await mark_silent_devices(later) == 0  # once
    device = await Device.get(id=device_id)
    offline = await Alarm.get(device_id=device_id, type="OFFLINE")
    assert (device.online, offline.cleared_at, offline.severity) == (False, None, "MINOR")
    data(await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 89}]}))
    await offline.refresh_from_db()
    assert (await Device.get(id=device_id)).online and offline.cleared_at is not None and offline.cleared_by_id is None


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


async def test_device_status_is_pushed_to_the_community(api: Api, world: World, server: RunningServer) -> None:
    _, key = await register(api, world, house=world.a102)
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(DEVICE_STATUS, variable_values={"c": str(world.a.id), "after": "0"})
        receiving = asyncio.create_task(take(session, request, 2))
        await api(REPORT, {"key": key, "readings": [{"metric": "battery", "value": 90}]})
        with publishing_to(server.publisher):
            await mark_silent_devices(datetime.now(UTC) + timedelta(hours=1))
        online, offline = await receiving
    assert [(online["kind"], online["online"]), (offline["kind"], offline["online"])] == [
        ("DEVICE_ONLINE", True),
        ("DEVICE_OFFLINE", False),
    ]


async def test_residents_hear_of_their_own_devices_only(api: Api, world: World, server: RunningServer) -> None:
    _, neighbour = await register(api, world, house=world.a102)
    _, own = await register(api, world, "WATER_LEAK_SENSOR", house=world.a101)
    async with socket(server, world.owner_a101) as session:
        request = GraphQLRequest(DEVICE_STATUS, variable_values={"c": str(world.a.id), "after": "0"})
        receiving = asyncio.create_task(take(session, request, 1))
        await api(REPORT, {"key": neighbour, "readings": [{"metric": "battery", "value": 90}]})
        await api(REPORT, {"key": own, "readings": [{"metric": "battery", "value": 90}]})
        [first] = await receiving
    assert first["name"] == "WATER_LEAK_SENSOR 101"
