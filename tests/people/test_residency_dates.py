"""Residency dates are days a person could have moved: not year 1, not far ahead."""

from __future__ import annotations

import pytest

from domain.people.models import Residency
from tests.support import Api, World, code_and_field, data

MOVE_IN = "mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id movedIn } }"
CORRECT = "mutation R($input: ResidencyUpdateInput!) { residencyUpdate(input: $input) { id movedIn } }"


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31"])
async def test_a_move_in_on_an_impossible_day_is_refused(api: Api, world: World, day: str) -> None:
    move = {"houseId": str(world.a201.id), "personId": str(world.owner_a101.id), "kind": "TENANT", "movedIn": day}
    assert code_and_field(await api(MOVE_IN, {"input": move}, as_=world.operator_a)) == ("INVALID_INPUT", "movedIn")
    assert not await Residency.filter(house_id=world.a201.id).exists()
    residency = await Residency.get(person_id=world.owner_a101.id)
    fix = {"id": str(residency.id), "movedIn": day}
    assert code_and_field(await api(CORRECT, {"input": fix}, as_=world.operator_a)) == ("INVALID_INPUT", "movedIn")


async def test_an_old_but_possible_move_in_is_kept(api: Api, world: World) -> None:
    move = {
        "houseId": str(world.a201.id),
        "personId": str(world.owner_a101.id),
        "kind": "OWNER",
        "movedIn": "1950-06-01",
    }
    assert data(await api(MOVE_IN, {"input": move}, as_=world.operator_a))["residencyCreate"]["movedIn"] == "1950-06-01"
