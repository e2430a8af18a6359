"""Registering people, moving them in and out (history kept), care tags, roles, and finding residents."""

from __future__ import annotations

from typing import Any

from domain.people.models import Membership, Person, Residency
from tests.support import Api, World, data, error, make_resident

PERSON_CREATE = """
mutation P($input: PersonCreateInput!) {
  personCreate(input: $input) { id name phone tags residencies { kind movedIn current house { id } } }
}
"""
PERSON_UPDATE = "mutation P($input: PersonUpdateInput!) { personUpdate(input: $input) { id name phone tags } }"
RESIDENCY_CREATE = """
mutation R($input: ResidencyCreateInput!) { residencyCreate(input: $input) { id kind current person { name } house { id } } }
"""
RESIDENCY_END = "mutation R($input: ResidencyEndInput!) { residencyEnd(input: $input) { id movedOut current } }"
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
HOUSE_RESIDENTS = """
query H($id: ID!) { house(id: $id) { residents(includeMovedOut: true) { current person { name } } } }
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


async def test_moving_out_keeps_the_history(api: Api, world: World) -> None:
    residency = await Residency.get(person_id=world.elder_a102.id)
    ended = data(
        await api(RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2026-01-31"}}, as_=world.operator_a)
    )["residencyEnd"]
    assert ended == {"id": str(residency.id), "movedOut": "2026-01-31", "current": False}
    history = data(await api(HOUSE_RESIDENTS, {"id": str(world.a102.id)}, as_=world.operator_a))["house"]["residents"]
    assert history == [{"current": False, "person": {"name": "Elder A102"}}]
    twice = await api(
        RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2026-02-01"}}, as_=world.operator_a
    )
    assert error(twice)["code"] == "CONFLICT"
    early = await api(
        RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "1999-01-01"}}, as_=world.operator_a
    )
    assert error(early)["code"] in ("CONFLICT", "INVALID_INPUT")


async def test_residents_filter_by_building_grid_tag_and_moved_out(api: Api, world: World) -> None:
    op = world.operator_a
    assert _names(await api(RESIDENTS, {"buildingId": str(world.a1.id)}, as_=op)) == {
        "Owner A101",
        "Child A101",
        "Elder A102",
    }
    assert _names(await api(RESIDENTS, {"gridId": str(world.g2.id)}, as_=op)) == {"Elder A102"}
    assert _names(await api(RESIDENTS, {"tag": "ELDERLY_ALONE"}, as_=op)) == {"Elder A102"}
    assert _names(await api(RESIDENTS, {"tag": "CHILD"}, as_=op)) == {"Child A101"}
    residency = await Residency.get(person_id=world.child_a101.id)
    await api(RESIDENCY_END, {"input": {"id": str(residency.id), "movedOut": "2026-06-30"}}, as_=op)
    assert _names(await api(RESIDENTS, {"houseId": str(world.a101.id)}, as_=op)) == {"Owner A101"}
    assert _names(await api(RESIDENTS, {"houseId": str(world.a101.id), "movedOut": True}, as_=op)) == {"Child A101"}
    both = await api(RESIDENTS, {"houseId": str(world.a101.id), "movedOut": None}, as_=op)
    assert _names(both) == {"Owner A101", "Child A101"}


async def test_residents_page_with_cursors_and_refuse_oversized_pages(api: Api, world: World) -> None:
    for n in range(5):
        await make_resident(world.a201, name=f"Lodger {n}")
    seen: list[str] = []
    after = None
    while True:
        page = data(
            await api(RESIDENTS, {"houseId": str(world.a201.id), "first": 2, "after": after}, as_=world.operator_a)
        )
        residents = page["residents"]
        assert residents["totalCount"] == 5
        seen += [n["person"]["name"] for n in residents["nodes"]]
        if not residents["pageInfo"]["hasNextPage"]:
            break
        after = residents["pageInfo"]["endCursor"]
    assert seen == [f"Lodger {n}" for n in range(5)]
    too_big = await api(RESIDENTS, {"first": 101}, as_=world.operator_a)
    assert (error(too_big)["code"], error(too_big)["field"]) == ("INVALID_INPUT", "first")
    bad_cursor = await api(RESIDENTS, {"after": "garbage"}, as_=world.operator_a)
    assert (error(bad_cursor)["code"], error(bad_cursor)["field"]) == ("INVALID_INPUT", "after")


async def test_person_update_replaces_tags_and_refuses_a_taken_phone(api: Api, world: World) -> None:
    updated = data(
        await api(
            PERSON_UPDATE,
            {"input": {"id": str(world.elder_a102.id), "tags": ["DISABLED", "KEY_CARE"]}},
            as_=world.operator_a,
        )
    )["personUpdate"]
    assert sorted(updated["tags"]) == ["DISABLED", "KEY_CARE"]
    taken = await api(
        PERSON_UPDATE,
        {"input": {"id": str(world.elder_a102.id), "phone": world.owner_a101.phone}},
        as_=world.operator_a,
    )
    assert (error(taken)["code"], error(taken)["field"]) == ("CONFLICT", "phone")


async def test_a_resident_may_rename_themselves_but_not_change_tags(api: Api, world: World) -> None:
    me = world.owner_a101
    renamed = data(await api(PERSON_UPDATE, {"input": {"id": str(me.id), "name": "Renamed"}}, as_=me))["personUpdate"]
    assert renamed["name"] == "Renamed"
    tags = await api(PERSON_UPDATE, {"input": {"id": str(me.id), "tags": ["KEY_CARE"]}}, as_=me)
    assert error(tags)["code"] == "FORBIDDEN"


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
