"""A delivery's position, live and coalesced: a robot's readings (POST /telemetry) and a courier's
reports (deliveryPositionReport) move the order; at most one ORDER_POSITION message per order per
DELIVERY_POSITION_PUSH_SECONDS (0.5 s on the test server), the last position always arrives (a
sweep pushes it when the readings stop inside a window). Waits are on messages, never on time."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import httpx
from gql import GraphQLRequest, gql
from gql.client import AsyncClientSession

from domain.orders.models import Order
from realtime.models import OutboxEvent
from tests.conftest import RunningServer
from tests.orders.support import advance, make_market, place, step
from tests.realtime.support import socket, take
from tests.support import Api, World, code_and_field, data

REGISTER = "mutation R($input: DeviceRegisterInput!) { deviceRegister(input: $input) { key device { id } } }"
DISPATCH_ROBOT = "mutation D($id: ID!, $robot: ID!) { orderDispatch(id: $id, robotId: $robot) { id robotId } }"
PICK_UP, DEPART = step("orderPickUp"), step("orderDepart")
REPORT = """
mutation P($id: ID!, $lat: Float!, $lon: Float!) {
  deliveryPositionReport(orderId: $id, latitude: $lat, longitude: $lon) {
    id position { latitude longitude etaSeconds distanceMetres }
  }
}
"""
POSITIONS = gql(
    """
    subscription S($after: String) {
      orderUpdates(after: $after) {
        cursor kind order { id status position { latitude longitude etaSeconds distanceMetres } }
      }
    }
    """
)
START = (31.2000, 121.4000)


def track(step_: int) -> tuple[float, float]:
    """A robot going north-east in small steps (about 1 m each)."""
    return round(START[0] + step_ * 0.00001, 6), round(START[1] + step_ * 0.00001, 6)


async def robot_on_its_way(api: Api, world: World) -> tuple[Any, dict[str, Any], str]:
    """An order of the owner of A-101, handed to a robot of community A and out for delivery."""
    market = await make_market(world)
    robot = {"communityId": str(world.a.id), "type": "DELIVERY_ROBOT", "name": "Robot 1"}
    registered = data(await api(REGISTER, {"input": robot}, as_=world.operator_a))["deviceRegister"]
    order = await place(api, market, world.owner_a101, world.a101)
    await advance(api, market, order["id"], "accept")
    merchant = market.shops.merchant_a
    data(await api(DISPATCH_ROBOT, {"id": order["id"], "robot": registered["device"]["id"]}, as_=merchant))
    data(await api(PICK_UP, {"id": order["id"]}, as_=merchant))  # the shop's staff load the robot
    data(await api(DEPART, {"id": order["id"]}, as_=merchant))
    return market, order, registered["key"]


async def positions_until(
    session: AsyncClientSession, order_id: str, final: tuple[float, float]
) -> list[dict[str, Any]]:
    """This order's ORDER_POSITION messages, up to the one that carries ``final``."""
    received: list[dict[str, Any]] = []

    async def collect() -> None:
        async for message in session.subscribe(GraphQLRequest(POSITIONS, variable_values={"after": "0"})):
            update = message["orderUpdates"]
            if update["kind"] != "ORDER_POSITION" or update["order"]["id"] != order_id:
                continue
            received.append(update["order"]["position"])
            if (received[-1]["latitude"], received[-1]["longitude"]) == final:
                return

    await asyncio.wait_for(collect(), timeout=15)
    return received


def telemetry_url(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql") + "/telemetry"


async def test_fifty_robot_readings_become_a_handful_of_pushes_ending_at_the_last(
    api: Api, world: World, server: RunningServer
) -> None:
    _, order, key = await robot_on_its_way(api, world)
    final = track(49)
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(positions_until(session, order["id"], final))
        started = time.monotonic()
        async with httpx.AsyncClient() as http:
            for i in range(50):
                lat, lon = track(i)
                readings = [{"metric": "latitude", "value": lat}, {"metric": "longitude", "value": lon}]
                response = await http.post(
                    telemetry_url(server), json={"readings": readings}, headers={"X-Device-Key": key}
                )
                assert response.status_code == 200, response.text
        reporting = time.monotonic() - started
        pushed = await receiving
    interval = server.settings.delivery_position_push_seconds
    # One at the first reading, one per window while they keep coming, the trailing one: a handful.
    assert 1 <= len(pushed) <= reporting / interval + 2, (len(pushed), reporting)
    assert len(pushed) < 50
    assert (pushed[-1]["latitude"], pushed[-1]["longitude"]) == final
    events = await OutboxEvent.filter(kind="ORDER_POSITION").order_by("id")
    assert [e.payload["latitude"] for e in events] == [p["latitude"] for p in pushed]
    gaps = [(b.created_at - a.created_at).total_seconds() for a, b in itertools.pairwise(events)]
    assert all(gap >= interval * 0.9 for gap in gaps), gaps
    row = await Order.get(id=int(order["id"]))
    assert (row.latitude, row.longitude) == final


async def test_a_resident_of_another_house_receives_no_position(api: Api, world: World, server: RunningServer) -> None:
    market, order, key = await robot_on_its_way(api, world)
    final = track(3)
    async with socket(server, world.owner_a101) as owner:
        receiving = asyncio.create_task(positions_until(owner, order["id"], final))
        async with httpx.AsyncClient() as http:
            for i in range(4):
                lat, lon = track(i)
                readings = [{"metric": "latitude", "value": lat}, {"metric": "longitude", "value": lon}]
                await http.post(telemetry_url(server), json={"readings": readings}, headers={"X-Device-Key": key})
        await receiving  # every position of this delivery is in the outbox now
    theirs = await place(api, market, world.elder_a102, world.a102)
    async with socket(server, world.elder_a102) as neighbour:
        [first] = await take(neighbour, GraphQLRequest(POSITIONS, variable_values={"after": "0"}), 1)
    assert (first["kind"], first["order"]["id"]) == ("ORDER_PLACED", theirs["id"])


async def test_a_courier_reports_the_position_of_their_own_task(api: Api, world: World, server: RunningServer) -> None:
    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101)
    await advance(api, market, order["id"], "accept", "dispatch")
    courier = market.shops.courier_a
    where = {"id": order["id"], "lat": 31.25, "lon": 121.45}
    # Not out for delivery yet: CONFLICT; someone else's task: FORBIDDEN or NOT_FOUND; nothing moves.
    assert code_and_field(await api(REPORT, where, as_=courier)) == ("CONFLICT", "status")
    await advance(api, market, order["id"], "pick_up")
    for stranger in (market.shops.merchant_a2, world.owner_a101, market.shops.merchant_a):
        code, _ = code_and_field(await api(REPORT, where, as_=stranger))
        assert code in ("FORBIDDEN", "NOT_FOUND"), stranger.name
    assert code_and_field(await api(REPORT, {**where, "lat": 91.0}, as_=courier)) == ("INVALID_INPUT", "latitude")
    assert code_and_field(await api(REPORT, {**where, "lon": -181.0}, as_=courier)) == ("INVALID_INPUT", "longitude")
    assert (await Order.get(id=int(order["id"]))).latitude is None
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(positions_until(session, order["id"], (31.25, 121.45)))
        answer = data(await api(REPORT, where, as_=courier))["deliveryPositionReport"]
        [pushed] = await receiving
    assert (answer["position"]["latitude"], answer["position"]["longitude"]) == (31.25, 121.45)
    assert pushed["latitude"] == 31.25


async def test_the_eta_is_the_distance_to_the_building_at_a_walking_pace(
    api: Api, world: World, server: RunningServer
) -> None:
    market = await make_market(world)
    building = await world.a101.building
    building.latitude, building.longitude = 31.2, 121.4
    await building.save()
    order = await place(api, market, world.owner_a101, world.a101)
    await advance(api, market, order["id"], "accept", "dispatch", "pick_up")
    # 0.009 degrees of latitude north of the building: about 1000 m.
    where = {"id": order["id"], "lat": 31.209, "lon": 121.4}
    answer = data(await api(REPORT, where, as_=market.shops.courier_a))["deliveryPositionReport"]
    position = answer["position"]
    assert 990 <= position["distanceMetres"] <= 1010
    assert position["etaSeconds"] == round(position["distanceMetres"] / 1.5)
    # No position of the building: no ETA, rather than a made-up one.
    other = await place(api, market, world.elder_a102, world.a102)
    building.latitude = building.longitude = None
    await building.save()
    await advance(api, market, other["id"], "accept", "dispatch", "pick_up")
    answer = data(await api(REPORT, {**where, "id": other["id"]}, as_=market.shops.courier_a))
    assert answer["deliveryPositionReport"]["position"]["etaSeconds"] is None


TELEMETRY = """
mutation T($key: String!, $readings: [ReadingInput!]!) { telemetryReport(deviceKey: $key, readings: $readings) { accepted } }
"""


async def test_a_robot_reporting_over_graphql_moves_its_order_too(
    api: Api, world: World, server: RunningServer
) -> None:
    _, order, key = await robot_on_its_way(api, world)
    readings = [
        {"metric": "latitude", "value": 31.3},
        {"metric": "longitude", "value": 121.5},
        {"metric": "battery", "value": 80},
    ]
    async with socket(server, world.owner_a101) as session:
        receiving = asyncio.create_task(positions_until(session, order["id"], (31.3, 121.5)))
        assert data(await api(TELEMETRY, {"key": key, "readings": readings}))["telemetryReport"]["accepted"] == 3
        [pushed] = await receiving
    assert pushed["etaSeconds"] is None  # world's buildings have no position
    # A reading of the battery alone says nothing of where it is: no position message.
    data(await api(TELEMETRY, {"key": key, "readings": [{"metric": "battery", "value": 79}]}))
    row = await Order.get(id=int(order["id"]))
    assert (row.latitude, row.longitude, row.position_pending) == (31.3, 121.5, False)
