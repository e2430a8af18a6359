"""Every read goes through the Viewer: residents see their household, housekeepers their grid, operators
their community, merchants no houses at all."""

from __future__ import annotations

from tests.support import Api, World, data, error, ids

HOUSES = """
query Houses($communityId: ID) {
  houses(communityId: $communityId, first: 100) { totalCount nodes { id number } }
}
"""
HOUSE = "query House($id: ID!) { house(id: $id) { id number residents { person { id name } } } }"
RESIDENTS = """
query Residents($communityId: ID) {
  residents(communityId: $communityId, first: 100) { nodes { id person { id name phone idNumber } house { id } } }
}
"""
PERSON = "query P($id: ID!) { person(id: $id) { id name phone idNumber } }"


async def test_resident_sees_own_house_and_household_only(api: Api, world: World) -> None:
    me = world.owner_a101
    houses = data(await api(HOUSES, as_=me))["houses"]
    assert ids(houses["nodes"]) == {world.a101.id}
    residents = data(await api(RESIDENTS, as_=me))["residents"]["nodes"]
    assert {int(r["person"]["id"]) for r in residents} == {world.owner_a101.id, world.child_a101.id}


async def test_resident_cannot_read_another_house(api: Api, world: World) -> None:
    for house in (world.a102, world.b101):
        result = await api(HOUSE, {"id": str(house.id)}, as_=world.owner_a101)
        assert error(result) == {"code": "NOT_FOUND", "field": "id", "message": error(result)["message"]}
    result = await api(PERSON, {"id": str(world.elder_a102.id)}, as_=world.owner_a101)
    assert error(result)["code"] == "NOT_FOUND"


async def test_housekeeper_sees_their_grid_only(api: Api, world: World) -> None:
    houses = data(await api(HOUSES, as_=world.keeper_g1))["houses"]
    assert ids(houses["nodes"]) == {world.a101.id}
    residents = data(await api(RESIDENTS, as_=world.keeper_g1))["residents"]["nodes"]
    assert {int(r["person"]["id"]) for r in residents} == {world.owner_a101.id, world.child_a101.id}
    assert error(await api(HOUSE, {"id": str(world.a102.id)}, as_=world.keeper_g1))["code"] == "NOT_FOUND"


async def test_operator_sees_whole_community_with_personal_data(api: Api, world: World) -> None:
    houses = data(await api(HOUSES, as_=world.operator_a))["houses"]
    assert ids(houses["nodes"]) == {world.a101.id, world.a102.id, world.a201.id}
    person = data(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.operator_a))["person"]
    assert person["idNumber"] == "110101198001010021"


async def test_merchant_sees_no_houses_or_residents(api: Api, world: World) -> None:
    assert data(await api(HOUSES, as_=world.merchant_a))["houses"]["totalCount"] == 0
    assert data(await api(RESIDENTS, as_=world.merchant_a))["residents"]["nodes"] == []
    assert error(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.merchant_a))["code"] == "NOT_FOUND"
