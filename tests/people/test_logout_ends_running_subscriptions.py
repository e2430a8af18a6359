"""A session that ends (a logout, a refresh token used twice) ends its running subscriptions within a
second, with UNAUTHENTICATED: on the process that holds them, and on another one over Redis. Not at
their next message, nor SUBSCRIPTION_SCOPE_REFRESH_SECONDS later: the servers here re-read a viewer
on their own only hourly, so what ends the subscription was pushed to it. The person's other
sessions go on."""

from __future__ import annotations

from gql import GraphQLRequest

from domain.people.accounts import start_session
from tests.alarms.support import ALARM_EVENTS, smoke
from tests.conftest import RunningServer
from tests.devices.support import register
from tests.people.support import REFRESH
from tests.realtime.support import PROTOCOLS, error_code_ending, next_message, socket_at
from tests.support import Api, World, data, error

LOGOUT = "mutation { authLogout }"
AT_ONCE = 1.0  # seconds


def _alarms_of(world: World) -> GraphQLRequest:
    # From the start of the topic: the alarm raised before subscribing comes first, which shows the
    # subscription is live, without racing the server's subscribe.
    return GraphQLRequest(ALARM_EVENTS, variable_values={"c": str(world.a.id), "after": "0"})


@PROTOCOLS
async def test_logging_out_ends_the_sessions_running_subscriptions_within_a_second(
    api: Api, world: World, pushing_server: RunningServer, pushing_api: Api, protocol: str
) -> None:
    _, key = await register(api, world)
    await smoke(api, key)
    mine = await start_session(pushing_server.issuer, world.operator_a)
    elsewhere = await start_session(pushing_server.issuer, world.operator_a)  # the same person, another login
    async with (
        socket_at(pushing_server.ws_url, mine.access_token, protocol) as session,
        socket_at(pushing_server.ws_url, elsewhere.access_token, protocol) as other,
    ):
        watching = session.subscribe(_alarms_of(world))
        also_watching = other.subscribe(_alarms_of(world))
        assert (await next_message(watching))["kind"] == "ALARM_RAISED"
        assert (await next_message(also_watching))["kind"] == "ALARM_RAISED"

        assert data(await pushing_api(LOGOUT, token=mine.access_token)) == {"authLogout": True}

        assert await error_code_ending(watching, within=AT_ONCE) == "UNAUTHENTICATED"
        await smoke(pushing_api, key)  # the other login still hears of it
        assert (await next_message(also_watching))["kind"] == "ALARM_UPDATED"
        await also_watching.aclose()


@PROTOCOLS
async def test_logging_out_over_the_socket_ends_its_subscriptions_and_answers_the_logout(
    api: Api, world: World, pushing_server: RunningServer, protocol: str
) -> None:
    _, key = await register(api, world)
    await smoke(api, key)
    pair = await start_session(pushing_server.issuer, world.operator_a)
    async with socket_at(pushing_server.ws_url, pair.access_token, protocol) as session:
        watching = session.subscribe(_alarms_of(world))
        assert (await next_message(watching))["kind"] == "ALARM_RAISED"

        assert await session.execute(GraphQLRequest(LOGOUT)) == {"authLogout": True}

        assert await error_code_ending(watching, within=AT_ONCE) == "UNAUTHENTICATED"


async def test_a_refresh_token_used_twice_ends_the_sessions_running_subscriptions_within_a_second(
    api: Api, world: World, pushing_server: RunningServer, pushing_api: Api
) -> None:
    _, key = await register(api, world)
    await smoke(api, key)
    pair = await start_session(pushing_server.issuer, world.operator_a)
    async with socket_at(pushing_server.ws_url, pair.access_token) as session:
        watching = session.subscribe(_alarms_of(world))
        assert (await next_message(watching))["kind"] == "ALARM_RAISED"

        data(await pushing_api(REFRESH, {"refreshToken": pair.refresh_token}))
        replayed = await pushing_api(REFRESH, {"refreshToken": pair.refresh_token})  # stolen, or replayed
        assert error(replayed)["code"] == "UNAUTHENTICATED"

        assert await error_code_ending(watching, within=AT_ONCE) == "UNAUTHENTICATED"


async def test_a_logout_on_one_process_ends_a_subscription_on_another_within_a_second(
    api: Api, world: World, server: RunningServer, two_servers: tuple[int, int]
) -> None:
    listen_port, logout_port = two_servers
    _, key = await register(api, world)
    await smoke(api, key)
    pair = await start_session(server.issuer, world.operator_a)
    async with socket_at(f"ws://127.0.0.1:{listen_port}/graphql", pair.access_token) as session:
        watching = session.subscribe(_alarms_of(world))
        assert (await next_message(watching))["kind"] == "ALARM_RAISED"

        elsewhere = Api(f"http://127.0.0.1:{logout_port}/graphql", server.issuer)
        try:
            assert data(await elsewhere(LOGOUT, token=pair.access_token)) == {"authLogout": True}
        finally:
            await elsewhere.close()

        assert await error_code_ending(watching, within=AT_ONCE) == "UNAUTHENTICATED"
