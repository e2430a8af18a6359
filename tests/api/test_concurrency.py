"""Concurrent twins of one write: exactly one wins, the others get a typed error, no duplicates remain.

SQLite runs one writer at a time, so these races exist only on PostgreSQL: they run
in the `--db=postgres` pass of `make test` (mandatory under CI=true).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from auth.roles import Role
from domain.people.accounts import start_session
from domain.people.models import Membership, Person, Residency
from domain.space.models import House
from tests.conftest import RunningServer
from tests.support import Api, World, data, make_person, make_resident, make_staff, token_for

HOUSE_CREATE = "mutation H($input: HouseCreateInput!) { houseCreate(input: $input) { id } }"
RESIDENCY_CREATE = "mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id } }"
GRANT = "mutation G($input: MembershipGrantInput!) { membershipGrant(input: $input) { id } }"
REVOKE = "mutation R($id: ID!) { membershipRevoke(id: $id) { id } }"
ISSUE = "mutation I($personId: ID!) { personIssueActivationCode(personId: $personId) { code } }"
REGISTER = "mutation R($input: AuthRegisterInput!) { authRegister(input: $input) { accessToken } }"
REFRESH = "mutation R($t: String!) { authRefresh(refreshToken: $t) { accessToken } }"
ATTEMPTS = 8


@pytest.fixture(autouse=True)
def _postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")


def _codes(results: list[dict[str, Any]]) -> list[str]:
    return sorted(r["errors"][0]["extensions"]["code"] if r.get("errors") else "OK" for r in results)


async def test_one_house_number_wins_in_a_building_without_units(api: Api, world: World, server: RunningServer) -> None:
    token = await token_for(server.issuer, world.operator_a)
    house = {"input": {"buildingId": str(world.a2.id), "number": "770"}}
    results = await asyncio.gather(*(api(HOUSE_CREATE, house, token=token) for _ in range(ATTEMPTS)))
    assert _codes(results) == ["CONFLICT"] * (ATTEMPTS - 1) + ["OK"]
    assert await House.filter(building_id=world.a2.id, number="770").count() == 1


async def test_one_person_moves_into_one_house_once(api: Api, world: World, server: RunningServer) -> None:
    token = await token_for(server.issuer, world.operator_a)
    person = await make_resident(world.a101)
    move = {
        "input": {"houseId": str(world.a201.id), "personId": str(person.id), "kind": "TENANT", "movedIn": "2025-01-01"}
    }
    results = await asyncio.gather(*(api(RESIDENCY_CREATE, move, token=token) for _ in range(ATTEMPTS)))
    assert _codes(results) == ["CONFLICT"] * (ATTEMPTS - 1) + ["OK"]
    assert await Residency.filter(person_id=person.id, house_id=world.a201.id, moved_out=None).count() == 1


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
    results = await asyncio.gather(*(api(GRANT, grant, token=token) for _ in range(ATTEMPTS)))
    assert _codes(results) == ["CONFLICT"] * (ATTEMPTS - 1) + ["OK"]
    assert await Membership.filter(person_id=person.id, role=Role.HOUSEKEEPER).count() == 1


async def test_two_admins_revoking_each_other_leave_one(api: Api, world: World, server: RunningServer) -> None:
    admin2 = await make_staff(Role.PLATFORM_ADMIN, None, name="Admin 2")
    m1, m2 = await Membership.get(person_id=world.admin.id), await Membership.get(person_id=admin2.id)
    t1, t2 = await token_for(server.issuer, world.admin), await token_for(server.issuer, admin2)
    results = await asyncio.gather(api(REVOKE, {"id": str(m2.id)}, token=t1), api(REVOKE, {"id": str(m1.id)}, token=t2))
    assert _codes(list(results)) == ["CONFLICT", "OK"]
    assert await Membership.filter(role=Role.PLATFORM_ADMIN).count() == 1


async def test_one_activation_code_claims_one_account_once(api: Api, world: World) -> None:
    person = await make_person(name="Claimable", password_hash=None)
    await Residency.create(person=person, house=world.a201, community=world.a, kind="OWNER", moved_in=date(2020, 1, 1))
    code = data(await api(ISSUE, {"personId": str(person.id)}, as_=world.staff_a))["personIssueActivationCode"]["code"]
    claims = [
        api(
            REGISTER,
            {"input": {"phone": person.phone, "password": f"password-{k}", "name": "x", "activationCode": code}},
        )
        for k in range(4)
    ]
    results = await asyncio.gather(*claims)
    assert _codes(list(results)).count("OK") == 1
    assert (await Person.get(id=person.id)).password_hash is not None


async def test_a_refresh_racing_a_logout_does_not_revive_the_session(
    api: Api, world: World, server: RunningServer
) -> None:
    for _ in range(10):
        pair = await start_session(server.issuer, world.owner_a101)
        results = await asyncio.gather(
            api("mutation { authLogout }", token=pair.access_token), api(REFRESH, {"t": pair.refresh_token})
        )
        refreshed: dict[str, Any] = results[1]
        assert (await api("{ me { id } }", token=pair.access_token))["errors"][0]["extensions"][
            "code"
        ] == "UNAUTHENTICATED"
        if not refreshed.get("errors"):
            new_token = refreshed["data"]["authRefresh"]["accessToken"]
            late = await api("{ me { id } }", token=new_token)
            assert late["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_twin_refreshes_spend_a_token_once(api: Api, world: World, server: RunningServer) -> None:
    for _ in range(5):
        pair = await start_session(server.issuer, world.owner_a101)
        results = await asyncio.gather(api(REFRESH, {"t": pair.refresh_token}), api(REFRESH, {"t": pair.refresh_token}))
        assert _codes(list(results)) == ["OK", "UNAUTHENTICATED"]
        # The loser was a re-use: the session is revoked, so the winner's pair is dead too.
        winner = next(r for r in results if not r.get("errors"))
        me = await api("{ me { id } }", token=winner["data"]["authRefresh"]["accessToken"])
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_parallel_password_guesses_cannot_outrun_the_limit(api: Api, world: World) -> None:
    login = "mutation L($p: String!, $w: String!) { authLogin(phone: $p, password: $w) { accessToken } }"
    guesses = [api(login, {"p": world.owner_a101.phone, "w": f"wrong-{k:03d}"}) for k in range(30)]
    messages = [r["errors"][0]["message"] for r in await asyncio.gather(*guesses)]
    assert messages.count("Wrong phone number or password") == 10
    assert all("Too many wrong passwords" in m for m in messages if m != "Wrong phone number or password")


async def test_concurrent_edits_of_one_house_both_land(api: Api, world: World, server: RunningServer) -> None:
    token = await token_for(server.issuer, world.operator_a)
    update = "mutation H($input: HouseUpdateInput!) { houseUpdate(input: $input) { id } }"
    for floor in range(1, 6):
        await House.filter(id=world.a101.id).update(grid_id=world.g1.id, floor=None)
        results = await asyncio.gather(
            api(update, {"input": {"id": str(world.a101.id), "gridId": str(world.g2.id)}}, token=token),
            api(update, {"input": {"id": str(world.a101.id), "floor": floor}}, token=token),
        )
        assert _codes(list(results)) == ["OK", "OK"]
        house = await House.get(id=world.a101.id)
        assert (house.grid_id, house.floor) == (world.g2.id, floor)
