"""Lists nested in other types hold the first `first` (1-100, default 20) by id: a building's
houses, a house's residents, an event's timeline, … (the lists at the root are pages already)."""

from __future__ import annotations

from datetime import date

from domain.people.models import Residency
from tests.support import Api, World, code_and_field, data, make_house

HOUSES = "query H($id: ID!, $first: Int) { building(id: $id) { houses(first: $first) { number } } }"
DEFAULT = "query H($id: ID!) { building(id: $id) { houses { number } grid: houses { number } } }"


async def test_a_nested_list_holds_twenty_unless_asked_for_up_to_a_hundred(api: Api, world: World) -> None:
    for n in range(24):  # A2 has 201 already: 25 houses
        await make_house(world.a2, number=f"3{n:02d}")
    building = {"id": str(world.a2.id)}

    default = data(await api(DEFAULT, building, as_=world.operator_a))["building"]["houses"]
    more = data(await api(HOUSES, {**building, "first": 25}, as_=world.operator_a))["building"]["houses"]
    three = data(await api(HOUSES, {**building, "first": 3}, as_=world.operator_a))["building"]["houses"]

    assert len(default) == 20
    assert len(more) == 25
    assert [h["number"] for h in three] == ["201", "300", "301"]  # by id


async def test_first_outside_one_to_a_hundred_is_invalid(api: Api, world: World) -> None:
    for first in (0, 101):
        result = await api(HOUSES, {"id": str(world.a1.id), "first": first}, as_=world.operator_a)
        assert code_and_field(result) == ("INVALID_INPUT", "first")


async def test_residents_are_counted_after_those_who_moved_out_are_left_out(api: Api, world: World) -> None:
    await Residency.filter(person=world.owner_a101).update(moved_out=date(2024, 1, 1))
    query = "query R($id: ID!, $all: Boolean!) { house(id: $id) { residents(includeMovedOut: $all, first: 1) { person { name } } } }"
    now = data(await api(query, {"id": str(world.a101.id), "all": False}, as_=world.operator_a))
    ever = data(await api(query, {"id": str(world.a101.id), "all": True}, as_=world.operator_a))
    assert [r["person"]["name"] for r in now["house"]["residents"]] == ["Child A101"]
    assert [r["person"]["name"] for r in ever["house"]["residents"]] == ["Owner A101"]
