"""Moving in and out: history is kept, a move-out is not in the future, a new tenant does not see former
residents, and one person moves into one house once (PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from domain.people.models import Residency
from domain.space import calendar
from tests.conftest import RunningServer
from tests.support import Api, World, data, error, make_resident, token_for
from tests.support import outcome_codes as _codes

RESIDENCY_END = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id movedOut current } }"
HOUSE_RESIDENTS = """
query H($id: ID!) { house(id: $id) { residents(includeMovedOut: true) { current person { name } } } }
"""
RESIDENCY_END_FOR_ID = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id } }"
PERSON = "query P($id: ID!) { person(id: $id) { id name phone idNumber tags } }"
HOUSE_HISTORY = "query H($id: ID!) { house(id: $id) { residents(includeMovedOut: true) { person { name } } } }"
RESIDENCY_CREATE = "mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id } }"
ATTEMPTS = 8


async def test_moving_out_keeps_the_history(api: Api, world: World) -> None:
    residency = await Residency.get(person_id=world.elder_a102.id)
    ended = data(
        await api(RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2026-01-31"}}, as_=world.operator_a)
    )["residencyEnd"]
    assert ended == {"id": str(residency.id), "movedOut": "2026-01-31", "current": False}
    history = data(await api(HOUSE_RESIDENTS, {"id": str(world.a102.id)}, as_=world.operator_a))["house"]["residents"]
    assert history == [{"current": False, "person": {"name": "Elder A102"}}]
    twice = await api(
        RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2026-02-01"}}, as_=world.operator_a
    )
    assert error(twice)["code"] == "CONFLICT"
    early = await api(
        RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "1999-01-01"}}, as_=world.operator_a
    )
    assert error(early)["code"] in ("CONFLICT", "INVALID_INPUT")


async def test_moving_out_in_the_future_is_refused(api: Api, world: World) -> None:
    residency = await Residency.get(person_id=world.elder_a102.id)
    tomorrow = (calendar.today(world.a.time_zone) + timedelta(days=1)).isoformat()  # the community's tomorrow
    result = await api(
        RESIDENCY_END_FOR_ID, {"input": {"id": str(residency.id), "movedOut": tomorrow}}, as_=world.operator_a
    )
    assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", "movedOut")


async def test_a_new_tenant_does_not_see_former_residents(api: Api, world: World) -> None:
    await Residency.filter(person_id=world.elder_a102.id).update(moved_out=date(2024, 1, 1))
    tenant = await make_resident(world.a102, name="New Tenant")
    history = data(await api(HOUSE_HISTORY, {"id": str(world.a102.id)}, as_=tenant))["house"]["residents"]
    assert [r["person"]["name"] for r in history] == ["New Tenant"]
    assert error(await api(PERSON, {"id": str(world.elder_a102.id)}, as_=tenant))["code"] == "NOT_FOUND"
    staff_view = data(await api(HOUSE_HISTORY, {"id": str(world.a102.id)}, as_=world.operator_a))["house"]["residents"]
    assert {r["person"]["name"] for r in staff_view} == {"Elder A102", "New Tenant"}


@pytest.mark.usefixtures("postgres_writers")
async def test_one_person_moves_into_one_house_once(api: Api, world: World, server: RunningServer) -> None:
    token = await token_for(server.issuer, world.operator_a)
    person = await make_resident(world.a101)
    move = {
        "input": {"houseId": str(world.a201.id), "personId": str(person.id), "kind": "TENANT", "movedIn": "2025-01-01"}
    }
    results = await asyncio.gather(*(api(RESIDENCY_CREATE, move, token=token) for _ in range(ATTEMPTS)))
    assert _codes(results) == ["CONFLICT"] * (ATTEMPTS - 1) + ["OK"]
    assert await Residency.filter(person_id=person.id, house_id=world.a201.id, moved_out=None).count() == 1
