"""iocFeed: the community's alarms, events, device status and orders as one stream for its office,
resumable from the cursor of the last item received."""

from __future__ import annotations

import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from tests.alarms.support import smoke
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.events.support import report
from tests.ioc.support import FEED
from tests.realtime.support import socket, take
from tests.support import Api, World, data

ACK = "mutation A($id: ID!) { alarmAcknowledge(id: $id) { id acknowledged } }"


async def test_alarms_devices_and_events_arrive_on_one_feed_and_resume_from_its_cursor(
    api: Api, world: World, server: RunningServer
) -> None:
    _, key = await register(api, world)
    await smoke(api, key)  # the detector comes online and raises its alarm
    await report(api, world, world.owner_a101)  # reported, and assigned to the grid's keeper
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(gql(FEED), variable_values={"c": str(world.a.id), "after": "0"})
        items = await take(session, request, 4)
    kinds = [(i["source"], i["kind"]) for i in items]
    assert sorted(kinds) == [
        ("ALARM", "ALARM_RAISED"),
        ("DEVICE", "DEVICE_ONLINE"),
        ("EVENT", "EVENT_ASSIGNED"),
        ("EVENT", "EVENT_REPORTED"),
    ], kinds
    alarm = next(i["alarm"] for i in items if i["source"] == "ALARM")
    assert (alarm["type"], alarm["acknowledged"]) == ("SMOKE", False)
    # Acknowledged while nobody watched: a resume from the second item's cursor gets the third,
    # the fourth and the acknowledgement, each source after its own position, nothing twice.
    data(await api(ACK, {"id": alarm["id"]}, as_=world.operator_a))
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(gql(FEED), variable_values={"c": str(world.a.id), "after": items[1]["cursor"]})
        rest = await take(session, request, 3)
    assert sorted((i["source"], i["kind"]) for i in rest) == sorted([*kinds[2:], ("ALARM", "ALARM_ACKNOWLEDGED")])
    assert rest[-1]["cursor"] != items[-1]["cursor"]


async def test_a_plain_cursor_replays_every_source_after_it(api: Api, world: World, server: RunningServer) -> None:
    _, key = await register(api, world)
    await smoke(api, key)
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(gql(FEED), variable_values={"c": str(world.a.id), "after": "0"})
        items = await take(session, request, 2)
    assert {i["source"] for i in items} == {"ALARM", "DEVICE"}
    assert all(len(i["cursor"].split(".")) == 4 for i in items)


@pytest.mark.parametrize("after", ["x", "1.2", "1.2.3.4.5", "9" * 30])
async def test_a_cursor_that_is_none_of_ours_is_invalid_input(world: World, server: RunningServer, after: str) -> None:
    async with socket(server, world.operator_a) as session:
        request = GraphQLRequest(gql(FEED), variable_values={"c": str(world.a.id), "after": after})
        with pytest.raises(TransportQueryError) as refused:
            await take(session, request, 1)
    assert refused.value.errors and refused.value.errors[0]["extensions"]["code"] == "INVALID_INPUT"


async def test_only_the_communitys_office_watches(world: World, server: RunningServer) -> None:
    for person in (world.operator_b, world.owner_a101, world.keeper_g1, world.merchant_a):
        async with socket(server, person) as session:
            request = GraphQLRequest(gql(FEED), variable_values={"c": str(world.a.id), "after": "0"})
            with pytest.raises(TransportQueryError) as refused:
                await take(session, request, 1)
        assert refused.value.errors and refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN", person.name
