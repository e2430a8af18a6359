"""Staff register people: with a residency or a staff role, in one write that a refusal leaves unwritten."""

from __future__ import annotations

from typing import Any

from domain.people.models import Membership, Person, Residency
from tests.support import Api, World, data, error

PERSON_CREATE = """
mutation P($input: PersonCreateInput!) {
  personCreate(input: $input) { id name phone tags residencies { kind movedIn current house { id } } }
}
"""
RESIDENCY_CREATE = """
mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id kind current person { name } house { id } } }
"""
RESIDENTS = """
query R($communityId: ID, $buildingId: ID, $gridId: ID, $houseId: ID, $tag: CareTag, $movedOut: Boolean,
        $first: Int, $after: String) {
  residents(communityId: $communityId, buildingId: $buildingId, gridId: $gridId, houseId: $houseId, tag: $tag,
            movedOut: $movedOut, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id person { name } }
  }
}
"""


def _names(result: dict[str, Any]) -> set[str]:
    return {n["person"]["name"] for n in data(result)["residents"]["nodes"]}


async def test_staff_registers_a_person_and_moves_them_in_at_once(api: Api, world: World) -> None:
    created = data(
        await api(
            PERSON_CREATE,
            {
                "input": {
                    "communityId": str(world.a.id),
                    "name": "New Tenant",
                    "phone": "138 0013 8000",
                    "tags": ["KEY_CARE"],
                    "residency": {"houseId": str(world.a201.id), "kind": "TENANT", "movedIn": "2025-03-01"},
                }
            },
            as_=world.staff_a,
        )
    )["personCreate"]
    assert created["phone"] == "13800138000"
    assert created["tags"] == ["KEY_CARE"]
    assert created["residencies"] == [
        {"kind": "TENANT", "movedIn": "2025-03-01", "current": True, "house": {"id": str(world.a201.id)}}
    ]
    person_id = int(created["id"])
    assert await Membership.filter(person_id=person_id, role="RESIDENT", community_id=world.a.id).exists()


async def test_a_refused_residency_creates_no_person_either(api: Api, world: World) -> None:
    people, residencies = await Person.all().count(), await Residency.all().count()
    result = await api(
        PERSON_CREATE,
        {
            "input": {
                "communityId": str(world.a.id),
                "name": "Half Written",
                "phone": "13800138001",
                "residency": {"houseId": str(world.b101.id), "kind": "OWNER", "movedIn": "2025-03-01"},
            }
        },
        as_=world.operator_a,
    )
    assert (error(result)["code"], error(result)["field"]) == ("NOT_FOUND", "houseId")
    assert (await Person.all().count(), await Residency.all().count()) == (people, residencies)
    assert not await Person.filter(phone="13800138001").exists()


async def test_a_housekeeper_cannot_register_people(api: Api, world: World) -> None:
    result = await api(
        PERSON_CREATE,
        {"input": {"communityId": str(world.a.id), "name": "X", "phone": "13800138002"}},
        as_=world.keeper_g1,
    )
    assert error(result)["code"] == "FORBIDDEN"


async def test_a_known_phone_is_a_conflict_and_can_be_moved_in_by_phone(api: Api, world: World) -> None:
    result = await api(
        PERSON_CREATE,
        {
            "input": {
                "communityId": str(world.a.id),
                "name": "Again",
                "phone": world.owner_b101.phone,
                "residency": {"houseId": str(world.a201.id), "kind": "TENANT", "movedIn": "2025-01-01"},
            }
        },
        as_=world.operator_a,
    )
    assert (error(result)["code"], error(result)["field"]) == ("CONFLICT", "phone")
    move_in = {
        "input": {
            "houseId": str(world.a201.id),
            "phone": world.owner_b101.phone,
            "kind": "TENANT",
            "movedIn": "2025-01-01",
        }
    }
    moved = data(await api(RESIDENCY_CREATE, move_in, as_=world.operator_a))["residencyCreate"]
    assert moved["person"] == {"name": "Owner B101"}
    again = await api(RESIDENCY_CREATE, move_in, as_=world.operator_a)
    assert (error(again)["code"], error(again)["field"]) == ("CONFLICT", "houseId")


async def test_new_staff_are_registered_with_their_role_and_grid(api: Api, world: World) -> None:
    created = data(
        await api(
            PERSON_CREATE,
            {
                "input": {
                    "communityId": str(world.a.id),
                    "name": "New Keeper",
                    "phone": "13800138009",
                    "staffRole": "HOUSEKEEPER",
                    "gridId": str(world.g2.id),
                }
            },
            as_=world.operator_a,
        )
    )["personCreate"]
    keeper = await Person.get(id=int(created["id"]))
    assert await Membership.filter(person=keeper, role="HOUSEKEEPER", grid_id=world.g2.id).exists()
    assert _names(await api(RESIDENTS, as_=keeper)) == {"Elder A102"}


async def test_a_person_needs_a_residency_or_a_staff_role(api: Api, world: World) -> None:
    before = await Person.all().count()
    neither = await api(
        PERSON_CREATE,
        {"input": {"communityId": str(world.a.id), "name": "Floating", "phone": "13800138010"}},
        as_=world.operator_a,
    )
    assert (error(neither)["code"], error(neither)["field"]) == ("INVALID_INPUT", "residency")
    bad_grid = await api(
        PERSON_CREATE,
        {
            "input": {
                "communityId": str(world.a.id),
                "name": "Keeper Elsewhere",
                "phone": "13800138011",
                "staffRole": "GRID_WORKER",
                "gridId": str(world.gb.id),
            }
        },
        as_=world.operator_a,
    )
    assert (error(bad_grid)["code"], error(bad_grid)["field"]) == ("INVALID_INPUT", "gridId")
    assert await Person.all().count() == before
