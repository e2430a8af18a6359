"""Every read and write goes through the Viewer: households, grids and communities stay apart."""

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


# --- anonymous ---------------------------------------------------------------


async def test_anonymous_reads_nothing(api: Api, world: World) -> None:
    for query in (HOUSES, RESIDENTS, COMMUNITIES, "{ me { id } }"):
        assert error(await api(query))["code"] == "UNAUTHENTICATED"


async def test_a_bad_token_is_refused_not_ignored(api: Api, world: World) -> None:
    result = await api(HOUSES, token="not-a-jwt")
    assert error(result)["code"] == "UNAUTHENTICATED"


# --- a resident --------------------------------------------------------------


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


async def test_resident_cannot_change_another_house_or_their_own(api: Api, world: World) -> None:
    other = await api(HOUSE_UPDATE, {"input": {"id": str(world.a102.id), "number": "999"}}, as_=world.owner_a101)
    assert error(other)["code"] == "NOT_FOUND"
    own = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "number": "999"}}, as_=world.owner_a101)
    assert error(own)["code"] == "FORBIDDEN"
    await world.a101.refresh_from_db()
    await world.a102.refresh_from_db()
    assert (world.a101.number, world.a102.number) == ("101", "102")


async def test_resident_sees_household_phones_but_not_their_id_numbers(api: Api, world: World) -> None:
    residents = data(await api(RESIDENTS, as_=world.child_a101))["residents"]["nodes"]
    owner = next(r["person"] for r in residents if int(r["person"]["id"]) == world.owner_a101.id)
    assert owner["phone"] == world.owner_a101.phone
    assert owner["idNumber"] == "11**************21"
    me = data(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.owner_a101))["person"]
    assert me["idNumber"] == "110101198001010021"


# --- a housekeeper -----------------------------------------------------------


async def test_housekeeper_sees_their_grid_only(api: Api, world: World) -> None:
    houses = data(await api(HOUSES, as_=world.keeper_g1))["houses"]
    assert ids(houses["nodes"]) == {world.a101.id}
    residents = data(await api(RESIDENTS, as_=world.keeper_g1))["residents"]["nodes"]
    assert {int(r["person"]["id"]) for r in residents} == {world.owner_a101.id, world.child_a101.id}
    assert error(await api(HOUSE, {"id": str(world.a102.id)}, as_=world.keeper_g1))["code"] == "NOT_FOUND"


async def test_housekeeper_sees_phones_of_their_grid_but_not_id_numbers(api: Api, world: World) -> None:
    person = data(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.keeper_g1))["person"]
    assert person["phone"] == world.owner_a101.phone
    assert person["idNumber"] == "11**************21"


# --- operators and other staff ----------------------------------------------


async def test_operator_sees_whole_community_with_personal_data(api: Api, world: World) -> None:
    houses = data(await api(HOUSES, as_=world.operator_a))["houses"]
    assert ids(houses["nodes"]) == {world.a101.id, world.a102.id, world.a201.id}
    person = data(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.operator_a))["person"]
    assert person["idNumber"] == "110101198001010021"


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


async def test_property_staff_reads_the_community_but_cannot_change_its_space(api: Api, world: World) -> None:
    houses = data(await api(HOUSES, as_=world.staff_a))["houses"]
    assert houses["totalCount"] == 3
    result = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "number": "X"}}, as_=world.staff_a)
    assert error(result)["code"] == "FORBIDDEN"


async def test_merchant_sees_no_houses_or_residents(api: Api, world: World) -> None:
    assert data(await api(HOUSES, as_=world.merchant_a))["houses"]["totalCount"] == 0
    assert data(await api(RESIDENTS, as_=world.merchant_a))["residents"]["nodes"] == []
    assert error(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.merchant_a))["code"] == "NOT_FOUND"


async def test_merchant_sees_masked_phone_of_a_visible_person(api: Api, world: World) -> None:
    # A merchant sees only themselves here: their own phone in full.
    me = data(await api("{ me { phone } }", as_=world.merchant_a))["me"]
    assert me["phone"] == world.merchant_a.phone


async def test_platform_admin_sees_every_community(api: Api, world: World) -> None:
    assert ids(data(await api(COMMUNITIES, as_=world.admin))["communities"]["nodes"]) == {world.a.id, world.b.id}
