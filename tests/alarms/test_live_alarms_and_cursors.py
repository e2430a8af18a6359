"""Alarms pushed live over a real WebSocket (gql, graphql-transport-ws), resumable from a cursor.

Every subscription here starts from a cursor (`after: "0"` = from the beginning), so a
test never depends on the subscription being live before the alarm is raised: the
replay covers that gap, exactly as it does for a reconnecting client."""

from __future__ import annotations

import asyncio

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from tests.alarms.support import ALARM_EVENTS, smoke
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.realtime.support import socket, take
from tests.support import Api, World


async def test_staff_receive_the_alarm_a_device_reports_over_http(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key = await register(api, world)
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})
        receiving = asyncio.create_task(take(session, request, 2))
        await smoke(api, key)
        await smoke(api, key)
        first, second = await receiving
    assert (first["kind"], first["alarm"]["type"], first["alarm"]["severity"]) == ("ALARM_RAISED", "SMOKE", "CRITICAL")
    assert (second["kind"], second["alarm"]["count"]) == ("ALARM_UPDATED", 2)
    assert first["alarm"]["house"] == {"number": "101"}
    assert int(second["cursor"]) > int(first["cursor"])


async def test_reconnecting_with_the_last_cursor_gets_exactly_what_was_missed(
    api: Api, world: World, server: RunningServer
) -> None:
    keys = [(await register(api, world, "SMOKE_DETECTOR"))[1] for _ in range(6)]
    await smoke(api, keys[0])
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})
        [seen] = await take(session, request, 1)
    for key in keys[1:]:  # five alarms while disconnected
        await smoke(api, key)
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": seen["cursor"]})
        missed = await take(session, request, 5)
    assert [m["kind"] for m in missed] == ["ALARM_RAISED"] * 5
    cursors = [int(m["cursor"]) for m in missed]
    assert cursors == sorted(cursors) and len(set(cursors)) == 5 and cursors[0] > int(seen["cursor"])


async def test_a_huge_cursor_is_invalid_input(world: World, server: RunningServer) -> None:
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "9" * 30})
        with pytest.raises(TransportQueryError) as refused:
            await take(session, request, 1)
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}
