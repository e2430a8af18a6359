"""A lookup of one row that is not there (or not yours) is null with its NOT_FOUND error: the other
fields of the same answer stand."""

from __future__ import annotations

import pytest

from tests.support import Api, World

LOOKUPS = ["community", "building", "house", "grid", "person", "device", "event"]


@pytest.mark.parametrize("field", LOOKUPS)
async def test_a_missing_row_is_null_and_its_siblings_are_answered(api: Api, world: World, field: str) -> None:
    result = await api(f'{{ me {{ name }} {field}(id: "999999") {{ id }} }}', as_=world.operator_a)
    assert result["data"] == {"me": {"name": "Operator A"}, field: None}
    assert [(e["path"], e["extensions"]["code"]) for e in result["errors"]] == [([field], "NOT_FOUND")]
