"""Operators shape their community's space: buildings, units, grids and houses, and edits of a house."""

from __future__ import annotations

import asyncio

import pytest

from domain.space.models import House
from tests.conftest import RunningServer
from tests.support import Api, World, data, token_for
from tests.support import outcome_codes as _codes

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


async def test_house_update_moves_it_to_another_grid_and_null_clears_it(api: Api, world: World) -> None:
    moved = data(
        await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "gridId": str(world.g2.id)}}, as_=world.operator_a)
    )["houseUpdate"]
    assert moved == {"id": str(world.a101.id), "number": "101", "grid": {"id": str(world.g2.id)}, "floor": None}
    cleared = data(await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "gridId": None}}, as_=world.operator_a))
    assert cleared["houseUpdate"]["grid"] is None


@pytest.mark.usefixtures("postgres_writers")
async def test_concurrent_edits_of_one_house_both_land(api: Api, world: World, server: RunningServer) -> None:
    token = await token_for(server.issuer, world.operator_a)
    update = "mutation H($input: HouseUpdateInput!) { houseUpdate(input: $input) { id } }"
    for floor in range(1, 6):
        await House.filter(id=world.a101.id).update(grid_id=world.g1.id, floor=None)
        results = await asyncio.gather(
            api(update, {"input": {"id": str(world.a101.id), "gridId": str(world.g2.id)}}, token=token),
            api(update, {"input": {"id": str(world.a101.id), "floor": floor}}, token=token),
        )
        assert _codes(list(results)) == ["OK", "OK"]
        house = await House.get(id=world.a101.id)
        assert (house.grid_id, house.floor) == (world.g2.id, floor)
