"""A car park of community A set up over GraphQL: lot P1 with a vehicle gate, spaces with sensors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.conftest import RunningServer
from tests.support import Api, World, data

REGISTER = "mutation R($input: DeviceRegisterInput!) { deviceRegister(input: $input) { key device { id } } }"
LOT = "mutation L($input: ParkingLotCreateInput!) { parkingLotCreate(input: $input) { id name gateDeviceId } }"
SPACE = "mutation S($input: ParkingSpaceCreateInput!) { parkingSpaceCreate(input: $input) { id code occupied } }"
AVAILABILITY = "query A($c: ID!) { parkingAvailability(communityId: $c) { lotId name total occupied free } }"
GATE = """
mutation G($key: String!, $plate: String!, $direction: GateDirection!, $at: DateTime, $rid: String) {
  parkingGateRecord(deviceKey: $key, plate: $plate, direction: $direction, at: $at, recordId: $rid) {
    id plate direction allowed reason
  }
}
"""
CAR = "mutation C($h: ID!, $plate: String!) { carRegister(houseId: $h, plate: $plate) { id plate houseId } }"
PASS = (
    "mutation P($input: ParkingPassIssueInput!) { parkingPassIssue(input: $input) { id plate validFrom validUntil } }"
)
UPDATES = """
subscription U($c: ID!, $after: String) {
  parkingAvailabilityUpdates(communityId: $c, after: $after) { cursor kind lot { lotId total occupied free } }
}
"""


@dataclass
class CarPark:
    lot_id: str
    gate_key: str
    sensors: list[str] = field(default_factory=list)  # keys, one per sensed space
    spaces: list[str] = field(default_factory=list)


async def device(api: Api, world: World, type: str, name: str) -> tuple[str, str]:
    payload = {"communityId": str(world.a.id), "type": type, "name": name}
    made = data(await api(REGISTER, {"input": payload}, as_=world.operator_a))["deviceRegister"]
    return made["device"]["id"], made["key"]


async def make_car_park(api: Api, world: World, *, sensed: int = 3, unsensed: int = 2, name: str = "P1") -> CarPark:
    gate_id, gate_key = await device(api, world, "VEHICLE_GATE", f"gate {name}")
    lot = {"communityId": str(world.a.id), "name": name, "kind": "COMMUNITY", "gateDeviceId": gate_id}
    made = CarPark(
        lot_id=data(await api(LOT, {"input": lot}, as_=world.operator_a))["parkingLotCreate"]["id"], gate_key=gate_key
    )
    for i in range(sensed + unsensed):
        space: dict[str, Any] = {"lotId": made.lot_id, "code": f"{name}-{i:03}", "kind": "VISITOR"}
        if i < sensed:
            sensor_id, key = await device(api, world, "PARKING_SENSOR", f"sensor {name}-{i}")
            space["sensorDeviceId"] = sensor_id
            made.sensors.append(key)
        made.spaces.append(data(await api(SPACE, {"input": space}, as_=world.operator_a))["parkingSpaceCreate"]["id"])
    return made


def telemetry_url(server: RunningServer) -> str:
    return server.url.removesuffix("/graphql") + "/telemetry"


async def sense(http: httpx.AsyncClient, server: RunningServer, key: str, occupied: int) -> None:
    body = {"readings": [{"metric": "occupied", "value": occupied}]}
    response = await http.post(telemetry_url(server), json=body, headers={"X-Device-Key": key})
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 1, response.text


async def availability(api: Api, world: World) -> dict[str, dict[str, Any]]:
    rows = data(await api(AVAILABILITY, {"c": str(world.a.id)}, as_=world.owner_a101))["parkingAvailability"]
    return {r["lotId"]: r for r in rows}
