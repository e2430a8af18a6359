"""Operators shape their community's space; bad input is refused with a code and a field, and writes nothing."""

from __future__ import annotations

from domain.space.models import Building, House
from tests.support import Api, World, data, error

BUILDING_CREATE = """
mutation B($input: BuildingCreateInput!) { buildingCreate(input: $input) { id name floors community { code } } }
"""
UNIT_CREATE = "mutation U($input: UnitCreateInput!) { unitCreate(input: $input) { id name } }"
GRID_CREATE = "mutation G($input: GridCreateInput!) { gridCreate(input: $input) { id name } }"
HOUSE_CREATE = """
mutation H($input: HouseCreateInput!) {
  houseCreate(input: $input) { id number floor areaM2 unit { name } grid { name } building { name } }
}
"""
HOUSE_UPDATE = "mutation H($input: HouseUpdateInput!) { houseUpdate(input: $input) { id number grid { id } floor } }"
COMMUNITY_CREATE = "mutation C($input: CommunityCreateInput!) { communityCreate(input: $input) { id code name } }"


async def test_operator_builds_a_house_with_unit_and_grid(api: Api, world: World) -> None:
    op = world.operator_a
    building = data(
        await api(BUILDING_CREATE, {"input": {"communityId": str(world.a.id), "name": "A9", "floors": 18}}, as_=op)
    )
    assert building["buildingCreate"]["community"] == {"code": "ALPHA"}
    building_id = building["buildingCreate"]["id"]
    unit = data(await api(UNIT_CREATE, {"input": {"buildingId": building_id, "name": "1单元"}}, as_=op))["unitCreate"]
    grid = data(await api(GRID_CREATE, {"input": {"communityId": str(world.a.id), "name": "north"}}, as_=op))[
        "gridCreate"
    ]
    house = data(
        await api(
            HOUSE_CREATE,
            {
                "input": {
                    "buildingId": building_id,
                    "unitId": unit["id"],
                    "gridId": grid["id"],
                    "number": "1801",
                    "floor": 18,
                    "areaM2": "96.50",
                }
            },
            as_=op,
        )
    )["houseCreate"]
    assert house["unit"] == {"name": "1单元"}
    assert house["grid"] == {"name": "north"}
    assert house["floor"] == 18
    assert house["areaM2"] == "96.50"


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


async def test_house_update_moves_it_to_another_grid_and_null_clears_it(api: Api, world: World) -> None:
    moved = data(
        await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "gridId": str(world.g2.id)}}, as_=world.operator_a)
    )["houseUpdate"]
    assert moved == {"id": str(world.a101.id), "number": "101", "grid": {"id": str(world.g2.id)}, "floor": None}
    cleared = data(await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "gridId": None}}, as_=world.operator_a))
    assert cleared["houseUpdate"]["grid"] is None


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


async def test_duplicate_building_name_is_a_conflict(api: Api, world: World) -> None:
    result = await api(BUILDING_CREATE, {"input": {"communityId": str(world.a.id), "name": "A1"}}, as_=world.operator_a)
    assert (error(result)["code"], error(result)["field"]) == ("CONFLICT", "name")


async def test_only_a_platform_admin_creates_communities(api: Api, world: World) -> None:
    payload = {"input": {"name": "Gamma", "code": "gamma"}}
    assert error(await api(COMMUNITY_CREATE, payload, as_=world.operator_a))["code"] == "FORBIDDEN"
    created = data(await api(COMMUNITY_CREATE, payload, as_=world.admin))["communityCreate"]
    assert created["code"] == "GAMMA"
    again = await api(COMMUNITY_CREATE, payload, as_=world.admin)
    assert (error(again)["code"], error(again)["field"]) == ("CONFLICT", "code")
