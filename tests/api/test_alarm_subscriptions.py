"""Alarms pushed live over a real WebSocket (gql, graphql-transport-ws), with cursors and isolation.

Every subscription here starts from a cursor (`after: "0"` = from the beginning), so a
test never depends on the subscription being live before the alarm is raised: the
replay covers that gap, exactly as it does for a reconnecting client.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from auth.roles import Role
from domain.people.models import Membership, Person, Residency, ResidencyKind
from tests.api.test_devices import REPORT, register
from tests.conftest import RunningServer
from tests.support import Api, World, data, make_house, token_for

ALARM_EVENTS = gql(
    """
    subscription S($c: ID!, $after: String, $min: Severity) {
      alarmEvents(communityId: $c, after: $after, minSeverity: $min) {
        cursor kind alarm { id type severity count house { number } }
      }
    }
    """
)
MY_ALARMS = gql(
    "subscription M($after: String) { myAlarms(after: $after) { cursor kind alarm { type house { number } } } }"
)


@asynccontextmanager
async def socket(server: RunningServer, person: Person) -> AsyncIterator[AsyncClientSession]:
    token = await token_for(server.issuer, person)
    transport = WebsocketsTransport(
        url=server.ws_url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=["graphql-transport-ws"]
    )
    async with Client(transport=transport) as session:
        yield session


async def take(session: AsyncClientSession, request: GraphQLRequest, n: int) -> list[dict[str, Any]]:
    """The first n messages of a subscription (bounded in time: a missing message fails, never hangs)."""
    received: list[dict[str, Any]] = []

    async def collect() -> None:
        async for message in session.subscribe(request):
            received.append(next(iter(message.values())))
            if len(received) == n:
                return

    await asyncio.wait_for(collect(), timeout=15)
    return received


async def smoke(api: Api, key: str, value: float = 25) -> None:
    await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": value}]})


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


async def test_a_resident_hears_only_of_their_own_house(api: Api, world: World, server: RunningServer) -> None:
    _, neighbour = await register(api, world, house=world.a102)
    _, own = await register(api, world, house=world.a101)
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(take(session, GraphQLRequest(MY_ALARMS, variable_values={"after": "0"}), 1))
        await smoke(api, neighbour)
        await smoke(api, own)
        [first] = await receiving
    assert first["alarm"] == {"type": "SMOKE", "house": {"number": "101"}}


async def test_grid_staff_hear_only_of_their_grid_and_filters_apply(
    api: Api, world: World, server: RunningServer
) -> None:
    _, in_g2 = await register(api, world, house=world.a102)
    _, in_g1 = await register(api, world, house=world.a101)
    _, pm = await register(api, world, "ENVIRONMENT_SENSOR", house=world.a101)
    async with socket(server, world.keeper_g1) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0", "min": "MAJOR"})
        receiving = asyncio.create_task(take(session, request, 1))
        await smoke(api, in_g2)  # another grid
        await api(REPORT, {"key": pm, "readings": [{"metric": "pm25", "value": 300}]})  # WARNING: below MAJOR
        await smoke(api, in_g1)
        [first] = await receiving
    assert (first["alarm"]["type"], first["alarm"]["house"]) == ("SMOKE", {"number": "101"})


async def test_nobody_subscribes_to_another_communitys_alarms(world: World, server: RunningServer) -> None:
    for person in (world.operator_b, world.owner_a101, world.merchant_a):
        async with socket(server, person) as session:
            request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})
            with pytest.raises(TransportQueryError) as refused:
                await take(session, request, 1)
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_running_subscription_follows_a_revoked_role_at_the_next_message(
    api: Api, world: World, server: RunningServer
) -> None:
    """The housekeeper of g1, who also lives in a101, loses the role mid-stream: g1's alarms stop,
    the ones of their own house keep coming."""
    a103 = await make_house(world.a1, grid=world.g1, number="103")
    await Residency.create(
        person=world.keeper_g1,
        house=world.a101,
        community=world.a,
        kind=ResidencyKind.TENANT,
        moved_in=date(2020, 1, 1),
    )
    _, key_103 = await register(api, world, house=a103)
    _, key_101 = await register(api, world, type="GAS_DETECTOR", house=world.a101)
    membership = await Membership.get(person=world.keeper_g1, role=Role.HOUSEKEEPER)

    async with socket(server, world.keeper_g1) as session:
        request = GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})
        messages = session.subscribe(request)
        await smoke(api, key_103)
        first = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        # Seen while still the housekeeper; now the role goes:
        revoke = "mutation R($id: ID!) { membershipRevoke(id: $id) { id } }"
        data(await api(revoke, {"id": str(membership.id)}, as_=world.operator_a))
        await smoke(api, key_103)  # counted on the a103 alarm: no longer theirs to see
        await api(REPORT, {"key": key_101, "readings": [{"metric": "gas", "value": 50}]})
        second = next(iter((await asyncio.wait_for(anext(messages), timeout=15)).values()))
        await messages.aclose()  # stop the subscription (else the client waits for it to end)

    assert (first["kind"], first["alarm"]["house"]) == ("ALARM_RAISED", {"number": "103"})
    assert (second["alarm"]["type"], second["alarm"]["house"]) == ("GAS", {"number": "101"})


async def test_logging_out_ends_a_running_subscription_at_the_next_message(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key = await register(api, world)
    token = await token_for(server.issuer, world.operator_a)
    transport = WebsocketsTransport(
        url=server.ws_url, init_payload={"Authorization": f"Bearer {token}"}, subprotocols=["graphql-transport-ws"]
    )
    async with Client(transport=transport) as session:
        messages = session.subscribe(GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"}))
        await smoke(api, key)
        assert "alarmEvents" in await asyncio.wait_for(anext(messages), timeout=15)
        data(await api("mutation { authLogout }", token=token))
        await smoke(api, key)
        with pytest.raises(TransportQueryError) as ended:
            await asyncio.wait_for(anext(messages), timeout=15)
    assert ended.value.errors is not None and ended.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
