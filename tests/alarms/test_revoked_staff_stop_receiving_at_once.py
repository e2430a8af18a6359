"""Who no longer may see an alarm stops receiving it at once: a housekeeper whose role is revoked,
a resident who moved out. The alarm raised right after the change never reaches their running
subscription; the next one they still may see does, first. On the process that holds the
subscription, and on another one over Redis. The servers here re-read a viewer on their own only
hourly: what narrowed the subscription was pushed to it."""

from __future__ import annotations

from datetime import date

import httpx
from gql import GraphQLRequest

from auth.roles import Role
from domain.people.accounts import start_session
from domain.people.models import Membership, Residency, ResidencyKind
from tests.alarms.support import ALARM_EVENTS, MY_ALARMS, smoke
from tests.conftest import RunningServer
from tests.devices.support import REPORT, register
from tests.realtime.support import PROTOCOLS, next_message, socket_at
from tests.support import Api, World, data

REVOKE = "mutation R($id: ID!) { membershipRevoke(id: $id) { id } }"
MOVE_OUT = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id } }"


async def _keeper_who_lives_in_a201(world: World) -> Membership:
    """The housekeeper of g1 also lives in a201 (grid g2): their home's alarms stay theirs to see."""
    await Residency.create(
        person=world.keeper_g1,
        house=world.a201,
        community=world.a,
        kind=ResidencyKind.TENANT,
        moved_in=date(2020, 1, 1),
    )
    return await Membership.get(person=world.keeper_g1, role=Role.HOUSEKEEPER)


def _alarms_of(world: World) -> GraphQLRequest:
    # From the start of the topic: the alarm raised before subscribing comes first, which shows the
    # subscription is live, without racing the server's subscribe.
    return GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})


@PROTOCOLS
async def test_a_revoked_housekeeper_gets_no_further_alarm_of_the_grid(
    api: Api, world: World, pushing_server: RunningServer, pushing_api: Api, protocol: str
) -> None:
    membership = await _keeper_who_lives_in_a201(world)
    _, in_g1 = await register(api, world, house=world.a101)
    _, at_home = await register(api, world, type="GAS_DETECTOR", house=world.a201)
    await smoke(api, in_g1)
    pair = await start_session(pushing_server.issuer, world.keeper_g1)
    async with socket_at(pushing_server.ws_url, pair.access_token, protocol) as session:
        watching = session.subscribe(_alarms_of(world))
        first = await next_message(watching)

        data(await pushing_api(REVOKE, {"id": str(membership.id)}, as_=world.operator_a))
        await smoke(pushing_api, in_g1)  # right after the revoke: g1's alarm, counted again
        await pushing_api(REPORT, {"key": at_home, "readings": [{"metric": "gas", "value": 50}]})
        after_revoke = await next_message(watching)
        await watching.aclose()

    assert (first["kind"], first["alarm"]["house"]) == ("ALARM_RAISED", {"number": "101"})
    assert (after_revoke["alarm"]["type"], after_revoke["alarm"]["house"]) == ("GAS", {"number": "201"})


async def test_a_resident_who_moved_out_gets_no_further_alarm_of_that_house(
    api: Api, world: World, pushing_server: RunningServer, pushing_api: Api
) -> None:
    """The owner of a101 also lives in a102; they move out of a101."""
    await Residency.create(
        person=world.owner_a101,
        house=world.a102,
        community=world.a,
        kind=ResidencyKind.OWNER,
        moved_in=date(2020, 1, 1),
    )
    leaving = await Residency.get(person=world.owner_a101, house=world.a101)
    _, in_a101 = await register(api, world, house=world.a101)
    _, in_a102 = await register(api, world, type="GAS_DETECTOR", house=world.a102)
    await smoke(api, in_a101)
    pair = await start_session(pushing_server.issuer, world.owner_a101)
    async with socket_at(pushing_server.ws_url, pair.access_token) as session:
        watching = session.subscribe(GraphQLRequest(MY_ALARMS, variable_values={"after": "0"}))
        first = await next_message(watching)

        moved_out = {"input": {"id": str(leaving.id), "movedOut": date.today().isoformat()}}
        data(await pushing_api(MOVE_OUT, moved_out, as_=world.operator_a))
        await smoke(pushing_api, in_a101)  # right after the move: the old home's alarm
        await pushing_api(REPORT, {"key": in_a102, "readings": [{"metric": "gas", "value": 50}]})
        after_move = await next_message(watching)
        await watching.aclose()

    assert (first["kind"], first["alarm"]["house"]) == ("ALARM_RAISED", {"number": "101"})
    assert (after_move["alarm"]["type"], after_move["alarm"]["house"]) == ("GAS", {"number": "102"})


async def test_a_housekeeper_revoked_on_one_process_gets_no_further_alarm_on_another(
    api: Api, world: World, server: RunningServer, two_servers: tuple[int, int]
) -> None:
    listen_port, other_port = two_servers
    membership = await _keeper_who_lives_in_a201(world)
    _, in_g1 = await register(api, world, house=world.a101)
    _, at_home = await register(api, world, type="GAS_DETECTOR", house=world.a201)
    await smoke(api, in_g1)
    pair = await start_session(server.issuer, world.keeper_g1)
    elsewhere = Api(f"http://127.0.0.1:{other_port}/graphql", server.issuer)
    try:
        async with socket_at(f"ws://127.0.0.1:{listen_port}/graphql", pair.access_token) as session:
            watching = session.subscribe(_alarms_of(world))
            first = await next_message(watching)

            data(await elsewhere(REVOKE, {"id": str(membership.id)}, as_=world.operator_a))
            async with httpx.AsyncClient() as http:  # the devices report to the other process too
                for key, metric in ((in_g1, "smoke"), (at_home, "gas")):
                    reported = await http.post(
                        f"http://127.0.0.1:{other_port}/telemetry",
                        json={"readings": [{"metric": metric, "value": 50}]},
                        headers={"X-Device-Key": key},
                    )
                    assert reported.status_code == 200, reported.text
            after_revoke = await next_message(watching)
            await watching.aclose()
    finally:
        await elsewhere.close()

    assert (first["kind"], first["alarm"]["house"]) == ("ALARM_RAISED", {"number": "101"})
    assert (after_revoke["alarm"]["type"], after_revoke["alarm"]["house"]) == ("GAS", {"number": "201"})
