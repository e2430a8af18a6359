"""Granting and revoking roles: grid roles need a grid of the community, operators grant only what is theirs to
grant, and twins of one grant or revocation leave one (PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from auth.roles import Role
from domain.people.models import Membership
from tests.conftest import RunningServer
from tests.support import Api, World, data, error, make_resident, make_staff, token_for
from tests.support import outcome_codes as _codes

RESIDENTS = """
query R($communityId: ID, $buildingId: ID, $gridId: ID, $houseId: ID, $tag: CareTag, $movedOut: Boolean,
        $first: Int, $after: String) {
  residents(communityId: $communityId, buildingId: $buildingId, gridId: $gridId, houseId: $houseId, tag: $tag,
            movedOut: $movedOut, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id person { name } }
  }
}
"""
GRANT = "mutation G($input: MembershipGrantInput!) { membershipGrant(input: $input) { id role grid { id } } }"
REVOKE = "mutation R($id: ID!) { membershipRevoke(id: $id) { id } }"
GRANT_FOR_ID = "mutation G($input: MembershipGrantInput!) { membershipGrant(input: $input) { id } }"
ATTEMPTS = 8


def _names(result: dict[str, Any]) -> set[str]:
    return {n["person"]["name"] for n in data(result)["residents"]["nodes"]}


async def test_grid_roles_need_a_grid_of_the_same_community(api: Api, world: World) -> None:
    base = {"personId": str(world.staff_a.id), "role": "GRID_WORKER", "communityId": str(world.a.id)}
    missing = await api(GRANT, {"input": base}, as_=world.operator_a)
    assert (error(missing)["code"], error(missing)["field"]) == ("INVALID_INPUT", "gridId")
    foreign = await api(GRANT, {"input": {**base, "gridId": str(world.gb.id)}}, as_=world.operator_a)
    assert (error(foreign)["code"], error(foreign)["field"]) == ("INVALID_INPUT", "gridId")
    granted = data(await api(GRANT, {"input": {**base, "gridId": str(world.g2.id)}}, as_=world.operator_a))
    assert granted["membershipGrant"]["grid"] == {"id": str(world.g2.id)}
    duplicate = await api(GRANT, {"input": {**base, "gridId": str(world.g2.id)}}, as_=world.operator_a)
    assert error(duplicate)["code"] == "CONFLICT"


async def test_a_new_grid_worker_sees_their_grid_and_loses_it_when_revoked(api: Api, world: World) -> None:
    worker = world.merchant_a
    granted = data(
        await api(
            GRANT,
            {
                "input": {
                    "personId": str(worker.id),
                    "role": "GRID_WORKER",
                    "communityId": str(world.a.id),
                    "gridId": str(world.g2.id),
                }
            },
            as_=world.operator_a,
        )
    )["membershipGrant"]
    assert _names(await api(RESIDENTS, as_=worker)) == {"Elder A102"}
    data(await api(REVOKE, {"id": granted["id"]}, as_=world.operator_a))
    assert _names(await api(RESIDENTS, as_=worker)) == set()


async def test_operators_cannot_grant_platform_admin_or_roles_elsewhere(api: Api, world: World) -> None:
    admin = await api(
        GRANT, {"input": {"personId": str(world.staff_a.id), "role": "PLATFORM_ADMIN"}}, as_=world.operator_a
    )
    assert error(admin)["code"] == "FORBIDDEN"
    elsewhere = await api(
        GRANT,
        {"input": {"personId": str(world.staff_a.id), "role": "OPERATOR", "communityId": str(world.b.id)}},
        as_=world.operator_a,
    )
    assert error(elsewhere)["code"] == "NOT_FOUND"
    assert not await Membership.filter(person_id=world.staff_a.id, community_id=world.b.id).exists()


async def test_a_role_cannot_be_granted_to_a_stranger_by_id_but_can_by_phone(api: Api, world: World) -> None:
    stranger = world.owner_b101
    by_id = await api(
        GRANT,
        {"input": {"personId": str(stranger.id), "role": "MERCHANT", "communityId": str(world.a.id)}},
        as_=world.operator_a,
    )
    assert (error(by_id)["code"], error(by_id)["field"]) == ("NOT_FOUND", "personId")
    by_phone = await api(
        GRANT,
        {"input": {"phone": stranger.phone, "role": "MERCHANT", "communityId": str(world.a.id)}},
        as_=world.operator_a,
    )
    assert data(by_phone)["membershipGrant"]["role"] == "MERCHANT"


async def test_resident_is_not_a_grantable_role(api: Api, world: World) -> None:
    result = await api(
        GRANT,
        {"input": {"personId": str(world.staff_a.id), "role": "RESIDENT", "communityId": str(world.a.id)}},
        as_=world.operator_a,
    )
    assert (error(result)["code"], error(result)["field"]) == ("INVALID_INPUT", "role")


@pytest.mark.usefixtures("postgres_writers")
async def test_one_grant_of_the_same_role_wins(api: Api, world: World, server: RunningServer) -> None:
    token = await token_for(server.issuer, world.operator_a)
    person = await make_resident(world.a201)
    grant = {
        "input": {
            "personId": str(person.id),
            "role": "HOUSEKEEPER",
            "communityId": str(world.a.id),
            "gridId": str(world.g2.id),
        }
    }
    results = await asyncio.gather(*(api(GRANT_FOR_ID, grant, token=token) for _ in range(ATTEMPTS)))
    assert _codes(results) == ["CONFLICT"] * (ATTEMPTS - 1) + ["OK"]
    assert await Membership.filter(person_id=person.id, role=Role.HOUSEKEEPER).count() == 1


@pytest.mark.usefixtures("postgres_writers")
async def test_two_admins_revoking_each_other_leave_one(api: Api, world: World, server: RunningServer) -> None:
    admin2 = await make_staff(Role.PLATFORM_ADMIN, None, name="Admin 2")
    m1, m2 = await Membership.get(person_id=world.admin.id), await Membership.get(person_id=admin2.id)
    t1, t2 = await token_for(server.issuer, world.admin), await token_for(server.issuer, admin2)
    results = await asyncio.gather(api(REVOKE, {"id": str(m2.id)}, token=t1), api(REVOKE, {"id": str(m1.id)}, token=t2))
    assert _codes(list(results)) == ["CONFLICT", "OK"]
    assert await Membership.filter(role=Role.PLATFORM_ADMIN).count() == 1
