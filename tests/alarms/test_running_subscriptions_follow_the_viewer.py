"""A running alarm subscription follows its viewer: a revoked role or a logout shows at the next message
(the test server re-reads the viewer before every message; production at most every 60 s)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from auth.roles import Role
from domain.people.models import Membership, Residency, ResidencyKind
from tests.alarms.support import ALARM_EVENTS, smoke
from tests.conftest import RunningServer
from tests.devices.support import REPORT, register
from tests.realtime.support import PROTOCOLS, socket, socket_at
from tests.support import Api, World, data, make_house, token_for


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


@PROTOCOLS
async def test_logging_out_ends_a_running_subscription_at_the_next_message(
    api: Api, world: World, server: RunningServer, protocol: str
) -> None:
    _, key = await register(api, world)
    token = await token_for(server.issuer, world.operator_a)
    async with socket_at(server.ws_url, token, protocol) as session:
        messages = session.subscribe(GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"}))
        await smoke(api, key)
        assert "alarmEvents" in await asyncio.wait_for(anext(messages), timeout=15)
        data(await api("mutation { authLogout }", token=token))
        await smoke(api, key)
        with pytest.raises(TransportQueryError) as ended:
            await asyncio.wait_for(anext(messages), timeout=15)
    assert ended.value.errors is not None and ended.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
