"""Who may re-key whom (activation codes, phones): no reaching into another community's people, no taking
over a superior's account."""

from __future__ import annotations

from auth.roles import Role
from domain.people.models import Membership, Person
from tests.support import Api, World, data, error, make_person, make_resident

GRANT = "mutation G($input: MembershipGrantInput!) { membershipGrant(input: $input) { id role } }"
PERSON_UPDATE = "mutation P($input: PersonUpdateInput!) { personUpdate(input: $input) { id phone } }"
ISSUE = "mutation I($personId: ID!) { personIssueActivationCode(personId: $personId) { code } }"
REGISTER = "mutation R($input: AuthRegisterInput!) { authRegister(input: $input) { accessToken } }"


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
