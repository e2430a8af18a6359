"""Registering a device (its key is shown once) and reporting its readings over GraphQL."""

from __future__ import annotations

from typing import Any

from tests.support import Api, World, data

REGISTER = """
mutation R($input: DeviceRegisterInput!) {
  deviceRegister(input: $input) { key device { id type name online house { id } } }
}
"""
REPORT = """
mutation T($key: String!, $readings: [ReadingInput!]!) {
  telemetryReport(deviceKey: $key, readings: $readings) { accepted rejected { index field reason } alarmIds }
}
"""


async def register(api: Api, world: World, type: str = "SMOKE_DETECTOR", house: Any = None) -> tuple[int, str]:
    house = house or world.a101
    payload = {"communityId": str(world.a.id), "type": type, "name": f"{type} {house.number}", "houseId": str(house.id)}
    result = data(await api(REGISTER, {"input": payload}, as_=world.operator_a))["deviceRegister"]
    return int(result["device"]["id"]), result["key"]
