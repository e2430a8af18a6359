"""Events are listed by grid, building and house: a filter narrows what you may see, never widens it."""

from __future__ import annotations

from typing import Any

from tests.events.support import report
from tests.support import Api, World, data


async def test_events_can_be_listed_by_grid_building_and_house_within_what_you_may_see(api: Api, world: World) -> None:
    at_101 = (await report(api, world, world.owner_a101))["id"]
    at_102 = (await report(api, world, world.elder_a102, houseId=str(world.a102.id)))["id"]
    at_201 = (await report(api, world, world.operator_a, houseId=str(world.a201.id), source="OPERATIONS_CENTER"))["id"]
    query = "query L($g: ID, $b: ID, $h: ID) { events(gridId: $g, buildingId: $b, houseId: $h) { nodes { id } } }"

    def ids_of(result: dict[str, Any]) -> list[str]:
        return [n["id"] for n in data(result)["events"]["nodes"]]

    assert ids_of(await api(query, {"g": str(world.g2.id)}, as_=world.operator_a)) == [at_102, at_201]
    assert ids_of(await api(query, {"b": str(world.a1.id)}, as_=world.operator_a)) == [at_101, at_102]
    assert ids_of(await api(query, {"h": str(world.a201.id)}, as_=world.operator_a)) == [at_201]
    # A filter narrows what you may see; it never widens it.
    assert ids_of(await api(query, {"g": str(world.g2.id)}, as_=world.keeper_g1)) == []
    assert ids_of(await api(query, {"h": str(world.a102.id)}, as_=world.owner_a101)) == []
