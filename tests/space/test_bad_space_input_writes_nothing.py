"""Bad space input is refused with a code and a field, and writes nothing: conflicts on names and numbers
(even when twins race for one, on PostgreSQL), places of another community, values out of range."""

from __future__ import annotations

import asyncio

import pytest

from domain.space.models import Building, House
from tests.conftest import RunningServer
from tests.support import Api, World, error, token_for
from tests.support import outcome_codes as _codes

BUILDING_CREATE = """
mutation B($input: BuildingCreateInput!) { buildingCreate(input: $input) { id name floors community { code } } }
"""
HOUSE_CREATE = """
mutation H($input: HouseCreateInput!) {
  houseCreate(input: $input) { id number floor areaM2 unit { name } grid { name } building { name } }
}
"""
HOUSE_CREATE_FOR_ID = "mutation H($input: HouseCreateInput!) { houseCreate(input: $input) { id } }"
ATTEMPTS = 8
HOUSE_UPDATE = "mutation H($input: HouseUpdateInput!) { houseUpdate(input: $input) { id number } }"


async def test_duplicate_house_number_is_a_conflict_on_number(api: Api, world: World) -> None:
    before = await House.all().count()
    for unit_id in (str(world.u1.id), None):
        number = "101" if unit_id else "201"
        building = world.a1 if unit_id else world.a2
        result = await api(
            HOUSE_CREATE,
            {"input": {"buildingId": str(building.id), "unitId": unit_id, "number": number}},
            as_=world.operator_a,
        )
        assert {k: v for k, v in error(result).items() if k != "message"} == {"code": "CONFLICT", "field": "number"}
    assert await House.all().count() == before


@pytest.mark.usefixtures("postgres_writers")
async def test_one_house_number_wins_in_a_building_without_units(api: Api, world: World, server: RunningServer) -> None:
    token = await token_for(server.issuer, world.operator_a)
    house = {"input": {"buildingId": str(world.a2.id), "number": "770"}}
    results = await asyncio.gather(*(api(HOUSE_CREATE_FOR_ID, house, token=token) for _ in range(ATTEMPTS)))
    assert _codes(results) == ["CONFLICT"] * (ATTEMPTS - 1) + ["OK"]
    assert await House.filter(building_id=world.a2.id, number="770").count() == 1


async def test_duplicate_building_name_is_a_conflict(api: Api, world: World) -> None:
    result = await api(BUILDING_CREATE, {"input": {"communityId": str(world.a.id), "name": "A1"}}, as_=world.operator_a)
    assert (error(result)["code"], error(result)["field"]) == ("CONFLICT", "name")


async def test_grid_of_another_community_is_invalid_input_and_nothing_is_written(api: Api, world: World) -> None:
    before = await House.all().count()
    result = await api(
        HOUSE_CREATE,
        {"input": {"buildingId": str(world.a1.id), "number": "777", "gridId": str(world.gb.id)}},
        as_=world.operator_a,
    )
    assert error(result)["code"] == "INVALID_INPUT"
    assert error(result)["field"] == "gridId"
    assert await House.all().count() == before


async def test_invalid_values_name_the_field_at_fault(api: Api, world: World) -> None:
    cases = [
        (BUILDING_CREATE, {"communityId": str(world.a.id), "name": "  "}, "name"),
        (BUILDING_CREATE, {"communityId": str(world.a.id), "name": "X", "floors": 0}, "floors"),
        (BUILDING_CREATE, {"communityId": "not-a-number", "name": "X"}, "communityId"),
        (HOUSE_CREATE, {"buildingId": str(world.a1.id), "number": "5", "floor": 999}, "floor"),
        (HOUSE_CREATE, {"buildingId": str(world.a1.id), "number": "5", "unitId": "999999"}, "unitId"),
    ]
    before = (await Building.all().count(), await House.all().count())
    for document, payload, field in cases:
        result = await api(document, {"input": payload}, as_=world.operator_a)
        assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", field), payload
    assert (await Building.all().count(), await House.all().count()) == before


async def test_nan_area_is_invalid_input(api: Api, world: World) -> None:
    result = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "NaN"}}, as_=world.operator_a)
    assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", "areaM2")
    assert (await House.get(id=world.a101.id)).area_m2 is None


async def test_areas_are_rounded_to_centiares_before_checking(api: Api, world: World) -> None:
    tiny = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "1e-100000"}}, as_=world.operator_a)
    assert (error(tiny)["code"], error(tiny)["field"]) == ("INVALID_INPUT", "areaM2")
    almost = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "99999.999"}}, as_=world.operator_a)
    assert (error(almost)["code"], error(almost)["field"]) == ("INVALID_INPUT", "areaM2")
    await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "areaM2": "88.456"}}, as_=world.operator_a)
    assert str((await House.get(id=world.a101.id)).area_m2) == "88.46"
