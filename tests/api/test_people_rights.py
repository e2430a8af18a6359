"""Who may re-key whom: no reaching into another community's people, no taking over a superior's account."""

from __future__ import annotations

from datetime import date

from auth.roles import Role
from domain.people.models import Membership, Person, PhoneLookup, Residency
from domain.people.phone_budget import LIMIT
from tests.support import Api, World, data, error, make_person, make_resident

PERSON = "query P($id: ID!) { person(id: $id) { id name phone idNumber tags } }"
GRANT = "mutation G($input: MembershipGrantInput!) { membershipGrant(input: $input) { id role } }"
PERSON_UPDATE = "mutation P($input: PersonUpdateInput!) { personUpdate(input: $input) { id phone } }"
ISSUE = "mutation I($personId: ID!) { personIssueActivationCode(personId: $personId) { code } }"
REGISTER = "mutation R($input: AuthRegisterInput!) { authRegister(input: $input) { accessToken } }"
RESIDENCY_CREATE = "mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id } }"
PERSON_CREATE = "mutation P($input: PersonCreateInput!) { personCreate(input: $input) { id } }"
HOUSE_HISTORY = "query H($id: ID!) { house(id: $id) { residents(includeMovedOut: true) { person { name } } } }"


async def test_granting_a_role_by_phone_shows_no_id_number_or_care_tags(api: Api, world: World) -> None:
    victim = world.owner_b101
    await Person.filter(id=victim.id).update(id_number="110101199001011234")
    grant = {"input": {"phone": victim.phone, "role": "MERCHANT", "communityId": str(world.a.id)}}
    data(await api(GRANT, grant, as_=world.operator_a))
    seen = data(await api(PERSON, {"id": str(victim.id)}, as_=world.operator_a))["person"]
    assert seen["idNumber"] == "11**************34"
    assert seen["tags"] is None


async def test_an_operator_cannot_take_over_a_person_who_also_belongs_elsewhere(api: Api, world: World) -> None:
    other_operator = await make_person(name="Operator B2, not registered yet", password_hash=None)
    await Membership.create(person=other_operator, community=world.b, role=Role.OPERATOR)
    grant = {"input": {"phone": other_operator.phone, "role": "MERCHANT", "communityId": str(world.a.id)}}
    data(await api(GRANT, grant, as_=world.operator_a))
    issued = await api(ISSUE, {"personId": str(other_operator.id)}, as_=world.operator_a)
    assert error(issued)["code"] == "FORBIDDEN"
    rekeyed = await api(
        PERSON_UPDATE, {"input": {"id": str(other_operator.id), "phone": "13700000009"}}, as_=world.operator_a
    )
    assert error(rekeyed)["code"] == "FORBIDDEN"
    assert (await Person.get(id=other_operator.id)).activation_code_hash is None


async def test_property_staff_cannot_issue_codes_for_or_rekey_operators(api: Api, world: World) -> None:
    future_operator = await make_person(name="Future Operator", password_hash=None)
    await Membership.create(person=future_operator, community=world.a, role=Role.OPERATOR)
    assert error(await api(ISSUE, {"personId": str(future_operator.id)}, as_=world.staff_a))["code"] == "FORBIDDEN"
    rekey = await api(
        PERSON_UPDATE, {"input": {"id": str(world.operator_a.id), "phone": "13700000001"}}, as_=world.staff_a
    )
    assert error(rekey)["code"] == "FORBIDDEN"
    assert (await Person.get(id=world.operator_a.id)).phone == world.operator_a.phone
    # ...while an operator of the same community may.
    code = data(await api(ISSUE, {"personId": str(future_operator.id)}, as_=world.operator_a))
    assert len(code["personIssueActivationCode"]["code"]) == 8


async def test_property_staff_manage_residents_of_their_community(api: Api, world: World) -> None:
    newcomer = await make_resident(world.a201, password_hash=None)
    code = data(await api(ISSUE, {"personId": str(newcomer.id)}, as_=world.staff_a))["personIssueActivationCode"][
        "code"
    ]
    claim = {"phone": newcomer.phone, "password": "my-own-password", "name": "Newcomer", "activationCode": code}
    assert data(await api(REGISTER, {"input": claim}))["authRegister"]["accessToken"]


async def test_a_new_tenant_does_not_see_former_residents(api: Api, world: World) -> None:
    await Residency.filter(person_id=world.elder_a102.id).update(moved_out=date(2024, 1, 1))
    tenant = await make_resident(world.a102, name="New Tenant")
    history = data(await api(HOUSE_HISTORY, {"id": str(world.a102.id)}, as_=tenant))["house"]["residents"]
    assert [r["person"]["name"] for r in history] == ["New Tenant"]
    assert error(await api(PERSON, {"id": str(world.elder_a102.id)}, as_=tenant))["code"] == "NOT_FOUND"
    staff_view = data(await api(HOUSE_HISTORY, {"id": str(world.a102.id)}, as_=world.operator_a))["house"]["residents"]
    assert {r["person"]["name"] for r in staff_view} == {"Elder A102", "New Tenant"}


async def test_activation_codes_stop_working_after_five_wrong_tries(api: Api, world: World) -> None:
    newcomer = await make_resident(world.a201, password_hash=None)
    code = data(await api(ISSUE, {"personId": str(newcomer.id)}, as_=world.operator_a))["personIssueActivationCode"][
        "code"
    ]
    wrong = "00000000" if code != "00000000" else "11111111"
    claim = {"phone": newcomer.phone, "password": "guessing-password", "name": "x"}
    for _ in range(5):
        result = await api(REGISTER, {"input": {**claim, "activationCode": wrong}})
        assert error(result)["field"] == "activationCode"
    locked = await api(REGISTER, {"input": {**claim, "activationCode": code}})
    assert "Too many wrong codes" in error(locked)["message"]
    assert (await Person.get(id=newcomer.id)).password_hash is None


async def test_care_tags_of_former_residents_cannot_be_found_by_filtering(api: Api, world: World) -> None:
    await Residency.filter(person_id=world.elder_a102.id).update(moved_out=date(2024, 1, 1))
    tagged = "query T($t: CareTag!, $m: Boolean) { residents(tag: $t, movedOut: $m) { nodes { person { id } } } }"
    current = data(await api(tagged, {"t": "ELDERLY_ALONE", "m": False}, as_=world.operator_a))["residents"]["nodes"]
    assert current == []
    for moved_out in (True, None):
        refused = await api(tagged, {"t": "ELDERLY_ALONE", "m": moved_out}, as_=world.operator_a)
        assert (error(refused)["code"], error(refused)["field"]) == ("INVALID_INPUT", "tag")


async def test_moving_a_stranger_in_by_phone_does_not_unmask_their_id_number(api: Api, world: World) -> None:
    stranger = world.owner_b101
    await Person.filter(id=stranger.id).update(id_number="110101199001011234")
    move = {"houseId": str(world.a201.id), "phone": stranger.phone, "kind": "TENANT", "movedIn": str(date.today())}
    data(await api(RESIDENCY_CREATE, {"input": move}, as_=world.operator_a))
    seen = data(await api(PERSON, {"id": str(stranger.id)}, as_=world.operator_a))["person"]
    assert seen["idNumber"] == "11**************34"
    # Once B is behind them, the operator of where they live now sees it in full.
    await Residency.filter(person_id=stranger.id, community_id=world.b.id).update(moved_out=date(2025, 1, 1))
    assert data(await api(PERSON, {"id": str(stranger.id)}, as_=world.operator_a))["person"]["idNumber"] == (
        "110101199001011234"
    )


async def test_a_refused_house_does_not_tell_whether_a_phone_is_registered(api: Api, world: World) -> None:
    for phone in (world.owner_b101.phone, "13800139999"):
        probe = {
            "communityId": str(world.a.id),
            "name": "Probe",
            "phone": phone,
            "residency": {"houseId": str(world.b101.id), "kind": "OWNER", "movedIn": "2020-01-01"},
        }
        result = await api(PERSON_CREATE, {"input": probe}, as_=world.staff_a)
        assert (error(result)["code"], error(result)["field"]) == ("NOT_FOUND", "houseId")


async def test_finding_people_by_phone_has_an_hourly_budget_per_staff_member(api: Api, world: World) -> None:
    """Each try counts, found or not: a sweep of phone numbers stops at the budget."""
    probe = {"input": {"houseId": str(world.a201.id), "kind": "TENANT", "movedIn": "2026-01-01"}}
    for n in range(LIMIT):
        result = await api(
            RESIDENCY_CREATE, {"input": {**probe["input"], "phone": f"1390000{n:04d}"}}, as_=world.operator_a
        )
        assert error(result)["code"] == "NOT_FOUND"

    over = await api(
        RESIDENCY_CREATE, {"input": {**probe["input"], "phone": world.owner_b101.phone}}, as_=world.operator_a
    )
    other_staff = await api(
        RESIDENCY_CREATE, {"input": {**probe["input"], "phone": world.owner_b101.phone}}, as_=world.staff_a
    )

    assert (error(over)["code"], error(over)["field"]) == ("RATE_LIMITED", "phone")
    assert "id" in data(other_staff)["residencyCreate"]  # another staff member has their own budget
    assert await Residency.filter(person_id=world.owner_b101.id, house_id=world.a201.id).count() == 1
    assert await PhoneLookup.filter(viewer_id=world.operator_a.id).count() == LIMIT + 1
