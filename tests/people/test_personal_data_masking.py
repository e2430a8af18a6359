"""Personal data is shown to those who need it: phones and id numbers are masked by role, by community and
after moving out."""

from __future__ import annotations

from datetime import date

from domain.people.models import Membership, Person, Residency
from tests.support import Api, World, data

RESIDENTS = """
query Residents($communityId: ID) {
  residents(communityId: $communityId, first: 100) { nodes { id person { id name phone idNumber } house { id } } }
}
"""
PERSON = "query P($id: ID!) { person(id: $id) { id name phone idNumber } }"
PERSON_WITH_TAGS = "query P($id: ID!) { person(id: $id) { id name phone idNumber tags } }"
GRANT = "mutation G($input: MembershipGrantInput!) { membershipGrant(input: $input) { id role } }"
RESIDENCY_CREATE = "mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id } }"
RESIDENCY_END = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id movedOut current } }"


async def test_resident_sees_household_phones_but_not_their_id_numbers(api: Api, world: World) -> None:
    residents = data(await api(RESIDENTS, as_=world.child_a101))["residents"]["nodes"]
    owner = next(r["person"] for r in residents if int(r["person"]["id"]) == world.owner_a101.id)
    assert owner["phone"] == world.owner_a101.phone
    assert owner["idNumber"] == "11**************21"
    me = data(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.owner_a101))["person"]
    assert me["idNumber"] == "110101198001010021"


async def test_housekeeper_sees_phones_of_their_grid_but_not_id_numbers(api: Api, world: World) -> None:
    person = data(await api(PERSON, {"id": str(world.owner_a101.id)}, as_=world.keeper_g1))["person"]
    assert person["phone"] == world.owner_a101.phone
    assert person["idNumber"] == "11**************21"


async def test_merchant_sees_masked_phone_of_a_visible_person(api: Api, world: World) -> None:
    # A merchant sees only themselves here: their own phone in full.
    me = data(await api("{ me { phone } }", as_=world.merchant_a))["me"]
    assert me["phone"] == world.merchant_a.phone


async def test_granting_a_role_by_phone_shows_no_id_number_or_care_tags(api: Api, world: World) -> None:
    victim = world.owner_b101
    await Person.filter(id=victim.id).update(id_number="110101199001011234")
    grant = {"input": {"phone": victim.phone, "role": "MERCHANT", "communityId": str(world.a.id)}}
    data(await api(GRANT, grant, as_=world.operator_a))
    seen = data(await api(PERSON_WITH_TAGS, {"id": str(victim.id)}, as_=world.operator_a))["person"]
    assert seen["idNumber"] == "11**************34"
    assert seen["tags"] is None


async def test_moving_a_stranger_in_by_phone_does_not_unmask_their_id_number(api: Api, world: World) -> None:
    stranger = world.owner_b101
    await Person.filter(id=stranger.id).update(id_number="110101199001011234")
    move = {"houseId": str(world.a201.id), "phone": stranger.phone, "kind": "TENANT", "movedIn": str(date.today())}
    data(await api(RESIDENCY_CREATE, {"input": move}, as_=world.operator_a))
    seen = data(await api(PERSON_WITH_TAGS, {"id": str(stranger.id)}, as_=world.operator_a))["person"]
    assert seen["idNumber"] == "11**************34"
    # Once B is behind them, the operator of where they live now sees it in full.
    await Residency.filter(person_id=stranger.id, community_id=world.b.id).update(moved_out=date(2025, 1, 1))
    assert data(await api(PERSON_WITH_TAGS, {"id": str(stranger.id)}, as_=world.operator_a))["person"]["idNumber"] == (
        "110101199001011234"
    )


async def test_after_moving_out_personal_data_is_masked_for_staff_but_history_stays(api: Api, world: World) -> None:
    residency = await Residency.get(person_id=world.owner_a101.id)
    await api(RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2026-06-30"}}, as_=world.operator_a)
    assert not await Membership.filter(person_id=world.owner_a101.id, role="RESIDENT").exists()
    person = data(
        await api(
            "query P($id: ID!) { person(id: $id) { name phone idNumber tags } }",
            {"id": str(world.owner_a101.id)},
            as_=world.operator_a,
        )
    )["person"]
    assert person["name"] == "Owner A101"
    assert person["phone"] != world.owner_a101.phone and "****" in person["phone"]
    assert person["idNumber"] == "11**************21"
    assert person["tags"] is None
