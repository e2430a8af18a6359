"""Communities stay apart: an operator of one sees and changes nothing of another; a platform admin sees them all."""

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
COMMUNITIES = "{ communities { nodes { id code } } }"
HOUSE_UPDATE = "mutation Up($input: HouseUpdateInput!) { houseUpdate(input: $input) { id number } }"
PERSON = "query P($id: ID!) { person(id: $id) { id name phone idNumber } }"


async def test_operator_of_one_community_sees_nothing_of_another(api: Api, world: World) -> None:
    op = world.operator_a
    assert ids(data(await api(COMMUNITIES, as_=op))["communities"]["nodes"]) == {world.a.id}
    houses = data(await api(HOUSES, {"communityId": str(world.b.id)}, as_=op))["houses"]
    assert houses == {"totalCount": 0, "nodes": []}
    residents = data(await api(RESIDENTS, {"communityId": str(world.b.id)}, as_=op))["residents"]["nodes"]
    assert residents == []
    assert error(await api(HOUSE, {"id": str(world.b101.id)}, as_=op))["code"] == "NOT_FOUND"
    assert error(await api(PERSON, {"id": str(world.owner_b101.id)}, as_=op))["code"] == "NOT_FOUND"
    community = await api("query C($id: ID!) { community(id: $id) { id } }", {"id": str(world.b.id)}, as_=op)
    assert error(community)["code"] == "NOT_FOUND"


async def test_operator_cannot_change_another_community(api: Api, world: World) -> None:
    result = await api(HOUSE_UPDATE, {"input": {"id": str(world.b101.id), "number": "X"}}, as_=world.operator_a)
    assert error(result)["code"] == "NOT_FOUND"
    building = await api(
        'mutation B($c: ID!) { buildingCreate(input: {communityId: $c, name: "Intruder"}) { id } }',
        {"c": str(world.b.id)},
        as_=world.operator_a,
    )
    assert error(building)["code"] == "NOT_FOUND"
    await world.b101.refresh_from_db()
    assert world.b101.number == "101"


async def test_platform_admin_sees_every_community(api: Api, world: World) -> None:
    assert ids(data(await api(COMMUNITIES, as_=world.admin))["communities"]["nodes"]) == {world.a.id, world.b.id}
