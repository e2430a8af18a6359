"""Events that come from elsewhere, through an integration (the 12345 hotline).

An operator registers an integration and gets its key once; the integration submits events
with its own reference, and the same reference twice is one event, even when the twins race
(PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from auth.keys import key_hash
from domain.events.models import Event, EventEntry, Integration
from tests.support import Api, World, data, error, token_for

REGISTER = "mutation I($c: ID!, $name: String!) { integrationRegister(communityId: $c, name: $name) { id name key } }"
INTAKE = """
mutation I($key: String!, $input: EventIntakeInput!) {
  eventIntake(integrationKey: $key, input: $input) {
    id communityId status source category priority description reporterName contact externalRef
    houseId gridId assigneeName timeline { action actorName }
  }
}
"""


async def register_integration(api: Api, world: World, name: str = "12345 Hotline") -> str:
    registered = data(await api(REGISTER, {"c": str(world.a.id), "name": name}, as_=world.operator_a))
    return str(registered["integrationRegister"]["key"])


def intake_input(world: World, reference: str, **extra: Any) -> dict[str, Any]:
    return {
        "communityId": str(world.a.id),
        "reference": reference,
        "category": "NOISE",
        "description": "Caller: karaoke next door every night",
        "contact": "Mr Wang 13800001111",
        **extra,
    }


async def test_an_operator_registers_an_integration_and_sees_its_key_once(api: Api, world: World) -> None:
    registered = data(await api(REGISTER, {"c": str(world.a.id), "name": "12345 Hotline"}, as_=world.operator_a))
    key = registered["integrationRegister"]["key"]
    assert key.startswith("ik_") and len(key) > 30
    stored = await Integration.get(id=int(registered["integrationRegister"]["id"]))
    assert (stored.community_id, stored.name, stored.created_by_id) == (
        world.a.id,
        "12345 Hotline",
        world.operator_a.id,
    )
    assert stored.key_hash == key_hash(key) and key not in stored.key_hash

    for person in (world.staff_a, world.keeper_g1, world.owner_a101, world.merchant_a, world.operator_b):
        refused = await api(REGISTER, {"c": str(world.a.id), "name": "Sneaky"}, as_=person)
        assert error(refused)["code"] == "FORBIDDEN", person.name
    assert error(await api(REGISTER, {"c": str(world.a.id), "name": "Anonymous"}))["code"] == "UNAUTHENTICATED"
    assert await Integration.all().count() == 1


async def test_the_same_reference_twice_is_one_event(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    first = data(await api(INTAKE, {"key": key, "input": intake_input(world, "12345-0001")}))["eventIntake"]
    assert {k: first[k] for k in ("status", "source", "reporterName", "contact", "externalRef", "category")} == {
        "status": "REPORTED",
        "source": "HOTLINE_12345",
        "reporterName": "12345 Hotline",
        "contact": "Mr Wang 13800001111",
        "externalRef": "12345-0001",
        "category": "NOISE",
    }
    assert first["timeline"] == [{"action": "REPORT", "actorName": "12345 Hotline"}]

    # Re-sent (a retry after a timeout, say), even with other words: the same event, unchanged.
    again = intake_input(world, "12345-0001", description="Caller again: still karaoke", category="OTHER")
    second = data(await api(INTAKE, {"key": key, "input": again}))["eventIntake"]
    assert second == first
    assert await Event.filter(external_ref="12345-0001").count() == 1
    assert await EventEntry.filter(event_id=int(first["id"])).count() == 1

    # Another reference is another event; one about a house is dispatched to its grid's staff.
    other = intake_input(world, "12345-0002", houseId=str(world.a101.id))
    third = data(await api(INTAKE, {"key": key, "input": other}))["eventIntake"]
    assert third["id"] != first["id"]
    assert (third["houseId"], third["gridId"], third["status"], third["assigneeName"]) == (
        str(world.a101.id),
        str(world.g1.id),
        "ASSIGNED",
        "Keeper g1",
    )
    assert await Event.all().count() == 2


async def test_the_same_reference_from_two_integrations_is_two_events(api: Api, world: World) -> None:
    hotline = await register_integration(api, world, "12345 Hotline")
    wechat = await register_integration(api, world, "City WeChat")
    one = data(await api(INTAKE, {"key": hotline, "input": intake_input(world, "R-1")}))["eventIntake"]
    two = data(await api(INTAKE, {"key": wechat, "input": intake_input(world, "R-1")}))["eventIntake"]
    assert one["id"] != two["id"] and (one["reporterName"], two["reporterName"]) == ("12345 Hotline", "City WeChat")


async def test_an_intake_can_read_back_the_event_it_made(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    nested = "mutation I($key: String!, $input: EventIntakeInput!) { eventIntake(integrationKey: $key, input: $input) { id house { number } } }"
    result = await api(nested, {"key": key, "input": intake_input(world, "R-9", houseId=str(world.a101.id))})
    # An integration has no login: `house` is simply null ("if you may see it"), not an error.
    assert not result.get("errors"), result.get("errors")
    assert result["data"]["eventIntake"]["house"] is None
    assert await Event.all().count() == 1


async def test_a_wrong_key_is_unauthenticated_and_makes_nothing(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    for wrong in ("ik_" + "x" * 40, "", key + "x", key.removeprefix("ik_")):
        refused = await api(INTAKE, {"key": wrong, "input": intake_input(world, "R-1")})
        assert (error(refused)["code"], error(refused).get("field")) == ("UNAUTHENTICATED", "integrationKey")
    # A person's login is not a key either.
    token = await token_for(api.issuer, world.operator_a)
    refused = await api(INTAKE, {"key": token, "input": intake_input(world, "R-1")}, token=token)
    assert error(refused)["code"] == "UNAUTHENTICATED"
    assert await Event.all().count() == 0


async def test_an_integration_submits_to_its_own_community_only(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    elsewhere = await api(INTAKE, {"key": key, "input": intake_input(world, "R-1", communityId=str(world.b.id))})
    assert (error(elsewhere)["code"], error(elsewhere).get("field")) == ("FORBIDDEN", "communityId")
    foreign_house = await api(INTAKE, {"key": key, "input": intake_input(world, "R-2", houseId=str(world.b101.id))})
    assert (error(foreign_house)["code"], error(foreign_house).get("field")) == ("NOT_FOUND", "houseId")
    no_reference = await api(INTAKE, {"key": key, "input": intake_input(world, "  ")})
    assert (error(no_reference)["code"], error(no_reference).get("field")) == ("INVALID_INPUT", "reference")
    assert await Event.all().count() == 0


async def test_concurrent_intakes_of_one_reference_make_one_event(api: Api, world: World, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")
    key = await register_integration(api, world)
    results = await asyncio.gather(
        *(api(INTAKE, {"key": key, "input": intake_input(world, "RACE-1")}) for _ in range(10))
    )
    assert [r.get("errors") for r in results] == [None] * 10
    assert len({r["data"]["eventIntake"]["id"] for r in results}) == 1
    assert await Event.filter(external_ref="RACE-1").count() == 1
    assert await EventEntry.all().count() == 1
