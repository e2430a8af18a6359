"""dashboardCounters: the dashboard first, then again when a panel changes — at most one message a
second however many alarms arrive, and the last one is what a fresh dashboard read says."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from domain.ioc.counters import WINDOW
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.ioc.support import COUNTERS, DASHBOARD
from tests.realtime.support import socket, take, until
from tests.support import Api, World, data

DETECTORS = 20
READINGS_EACH = 50  # 1,000 readings in all, every one over the smoke threshold


async def test_a_storm_of_a_thousand_readings_is_a_handful_of_messages_and_the_last_is_exact(
    api: Api, world: World, server: RunningServer
) -> None:
    keys = [(await register(api, world))[1] for _ in range(DETECTORS)]
    telemetry = server.url.removesuffix("/graphql") + "/telemetry"
    received: list[tuple[float, dict[str, Any]]] = []
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(gql(COUNTERS), variable_values={"c": str(world.a.id)})

        async def collect() -> None:
            async for message in session.subscribe(request):
                received.append((time.monotonic(), message["dashboardCounters"]))

        collecting = asyncio.create_task(collect())
        await until(lambda: len(received) == 1, within=15, what="the first message: the dashboard now")
        assert received[0][1]["changed"] == [
            "people",
            "devices",
            "alarms",
            "events",
            "energy",
            "points",
            "orders_today",
            "parking",
        ]
        assert received[0][1]["dashboard"]["alarms"]["active"] == 0
        started = time.monotonic()
        body = {"readings": [{"metric": "smoke", "value": 30 + i % 50} for i in range(READINGS_EACH)]}
        async with httpx.AsyncClient(timeout=30) as http:
            answers = await asyncio.gather(
                *(http.post(telemetry, json=body, headers={"X-Device-Key": k}) for k in keys)
            )
        assert [a.status_code for a in answers] == [200] * DETECTORS
        stormed = time.monotonic() - started
        fresh = data(await api(DASHBOARD, {"c": str(world.a.id)}, as_=world.operator_a))["dashboard"]
        assert fresh["alarms"]["active"] == DETECTORS
        await until(lambda: received[-1][1]["dashboard"] == fresh, within=15, what="a message equal to a fresh read")
        settled = len(received)
        await asyncio.sleep(3 * WINDOW)  # a quiet spell: nothing more may come (no condition to wait on)
        collecting.cancel()
    assert len(received) == settled, "a message after the figures stopped changing"
    assert received[-1][1]["dashboard"] == fresh
    pushes = [at for at, _ in received[1:]]
    gaps = [b - a for a, b in itertools.pairwise(pushes)]
    assert all(gap >= 0.9 * WINDOW for gap in gaps), gaps
    # 1,000 readings, 1,000 alarm messages and 20 device ones: a message a second at most.
    assert 1 <= len(pushes) <= stormed / WINDOW + 3, (len(pushes), stormed)
    assert "alarms" in received[-1][1]["changed"] or any("alarms" in m["changed"] for _, m in received[1:])


async def test_counters_are_the_communitys_office_alone(world: World, server: RunningServer) -> None:
    for person in (world.operator_b, world.owner_a101, world.keeper_g1):
        async with socket(server, person) as session:
            request = GraphQLRequest(gql(COUNTERS), variable_values={"c": str(world.a.id)})
            with pytest.raises(TransportQueryError) as refused:
                await take(session, request, 1)
        assert refused.value.errors and refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN", person.name
