"""Who may change the space: not residents, not property staff (they read it); communities are created by a
platform admin only."""

from __future__ import annotations

from tests.support import Api, World, data, error

HOUSES = """
query Houses($communityId: ID) {
  houses(communityId: $communityId, first: 100) { totalCount nodes { id number } }
}
"""
HOUSE_UPDATE = "mutation Up($input: HouseUpdateInput!) { houseUpdate(input: $input) { id number } }"
COMMUNITY_CREATE = "mutation C($input: CommunityCreateInput!) { communityCreate(input: $input) { id code name } }"


async def test_resident_cannot_change_another_house_or_their_own(api: Api, world: World) -> None:
    other = await api(HOUSE_UPDATE, {"input": {"id": str(world.a102.id), "number": "999"}}, as_=world.owner_a101)
    assert error(other)["code"] == "NOT_FOUND"
    own = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "number": "999"}}, as_=world.owner_a101)
    assert error(own)["code"] == "FORBIDDEN"
    await world.a101.refresh_from_db()
    await world.a102.refresh_from_db()
    assert (world.a101.number, world.a102.number) == ("101", "102")


async def test_property_staff_reads_the_community_but_cannot_change_its_space(api: Api, world: World) -> None:
    houses = data(await api(HOUSES, as_=world.staff_a))["houses"]
    assert houses["totalCount"] == 3
    result = await api(HOUSE_UPDATE, {"input": {"id": str(world.a101.id), "number": "X"}}, as_=world.staff_a)
    assert error(result)["code"] == "FORBIDDEN"


async def test_only_a_platform_admin_creates_communities(api: Api, world: World) -> None:
    payload = {"input": {"name": "Gamma", "code": "gamma"}}
    assert error(await api(COMMUNITY_CREATE, payload, as_=world.operator_a))["code"] == "FORBIDDEN"
    created = data(await api(COMMUNITY_CREATE, payload, as_=world.admin))["communityCreate"]
    assert created["code"] == "GAMMA"
    again = await api(COMMUNITY_CREATE, payload, as_=world.admin)
    assert (error(again)["code"], error(again)["field"]) == ("CONFLICT", "code")
