"""Finding residents: filters by building, grid, care tag and moving out, and pages with cursors."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from domain.people.models import Residency
from tests.support import Api, World, data, error, make_resident

RESIDENCY_END = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id movedOut current } }"
RESIDENTS = """
query R($communityId: ID, $buildingId: ID, $gridId: ID, $houseId: ID, $tag: CareTag, $movedOut: Boolean,
        $first: Int, $after: String) {
  residents(communityId: $communityId, buildingId: $buildingId, gridId: $gridId, houseId: $houseId, tag: $tag,
            movedOut: $movedOut, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id person { name } }
  }
}
"""
RESIDENTS_AFTER = "query R($after: String) { residents(first: 5, after: $after) { nodes { id } } }"


def _names(result: dict[str, Any]) -> set[str]:
    return {n["person"]["name"] for n in data(result)["residents"]["nodes"]}


async def test_residents_filter_by_building_grid_tag_and_moved_out(api: Api, world: World) -> None:
    op = world.operator_a
    assert _names(await api(RESIDENTS, {"buildingId": str(world.a1.id)}, as_=op)) == {
        "Owner A101",
        "Child A101",
        "Elder A102",
    }
    assert _names(await api(RESIDENTS, {"gridId": str(world.g2.id)}, as_=op)) == {"Elder A102"}
    assert _names(await api(RESIDENTS, {"tag": "ELDERLY_ALONE"}, as_=op)) == {"Elder A102"}
    assert _names(await api(RESIDENTS, {"tag": "CHILD"}, as_=op)) == {"Child A101"}
    residency = await Residency.get(person_id=world.child_a101.id)
    await api(RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2026-06-30"}}, as_=op)
    assert _names(await api(RESIDENTS, {"houseId": str(world.a101.id)}, as_=op)) == {"Owner A101"}
    assert _names(await api(RESIDENTS, {"houseId": str(world.a101.id), "movedOut": True}, as_=op)) == {"Child A101"}
    both = await api(RESIDENTS, {"houseId": str(world.a101.id), "movedOut": None}, as_=op)
    assert _names(both) == {"Owner A101", "Child A101"}


async def test_residents_page_with_cursors_and_refuse_oversized_pages(api: Api, world: World) -> None:
    for n in range(5):
        await make_resident(world.a201, name=f"Lodger {n}")
    seen: list[str] = []
    after = None
    while True:
        page = data(
            await api(RESIDENTS, {"houseId": str(world.a201.id), "first": 2, "after": after}, as_=world.operator_a)
        )
        residents = page["residents"]
        assert residents["totalCount"] == 5
        seen += [n["person"]["name"] for n in residents["nodes"]]
        if not residents["pageInfo"]["hasNextPage"]:
            break
        after = residents["pageInfo"]["endCursor"]
    assert seen == [f"Lodger {n}" for n in range(5)]
    too_big = await api(RESIDENTS, {"first": 101}, as_=world.operator_a)
    assert (error(too_big)["code"], error(too_big)["field"]) == ("INVALID_INPUT", "first")
    bad_cursor = await api(RESIDENTS, {"after": "garbage"}, as_=world.operator_a)
    assert (error(bad_cursor)["code"], error(bad_cursor)["field"]) == ("INVALID_INPUT", "after")


async def test_a_cursor_with_an_out_of_range_id_is_invalid_input(api: Api, world: World) -> None:
    for raw in (b"id:3000000000", b"id:99999999999999999999999", b"id:-1"):
        result = await api(RESIDENTS_AFTER, {"after": base64.urlsafe_b64encode(raw).decode()}, as_=world.operator_a)
        assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", "after")


async def test_care_tags_of_former_residents_cannot_be_found_by_filtering(api: Api, world: World) -> None:
    await Residency.filter(person_id=world.elder_a102.id).update(moved_out=date(2024, 1, 1))
    tagged = "query T($t: CareTag!, $m: Boolean) { residents(tag: $t, movedOut: $m) { nodes { person { id } } } }"
    current = data(await api(tagged, {"t": "ELDERLY_ALONE", "m": False}, as_=world.operator_a))["residents"]["nodes"]
    assert current == []
    for moved_out in (True, None):
        refused = await api(tagged, {"t": "ELDERLY_ALONE", "m": moved_out}, as_=world.operator_a)
        assert (error(refused)["code"], error(refused)["field"]) == ("INVALID_INPUT", "tag")
