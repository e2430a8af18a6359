"""Groups: the office creates them; open ones are joined at once, ones by approval on an admin's
word; a resident sees the groups of their own community only."""

from __future__ import annotations

from domain.neighbours.models import GroupMember
from tests.neighbours.support import ADMIN_SET, DECIDE, GROUPS, JOIN, LEAVE, MEMBERS, join, make_group
from tests.support import Api, World, code_and_field, data, ids


async def test_the_office_creates_groups_residents_do_not(api: Api, world: World) -> None:
    made = await make_group(api, world.a, world.staff_a, name="Parents of A", kind="PARENTS", policy="APPROVAL")
    assert (made["kind"], made["joinPolicy"]) == ("PARENTS", "APPROVAL")
    building = await make_group(
        api, world.a, world.operator_a, name="A1 neighbours", kind="BUILDING", buildingId=str(world.a1.id)
    )
    assert building["buildingId"] == str(world.a1.id)
    given = {"communityId": str(world.a.id), "name": "Mine", "kind": "INTEREST", "joinPolicy": "OPEN"}
    for who in (world.owner_a101, world.keeper_g1, world.operator_b):
        result = await api(
            "mutation M($i: NeighbourGroupCreateInput!) { neighbourGroupCreate(input: $i) { id } }",
            {"i": given},
            as_=who,
        )
        assert code_and_field(result)[0] == "FORBIDDEN", who.name
    # The creator is its first admin.
    assert await GroupMember.filter(group_id=int(made["id"]), person_id=world.staff_a.id, role="ADMIN").exists()


async def test_residents_see_their_own_communitys_groups_only(api: Api, world: World) -> None:
    alpha = await make_group(api, world.a, world.staff_a, name="Alpha readers")
    beta = await make_group(api, world.b, world.operator_b, name="Beta readers")
    seen = data(await api(GROUPS, {}, as_=world.owner_a101))["neighbourGroups"]["nodes"]
    assert ids(seen) == {int(alpha["id"])}
    assert data(await api(GROUPS, {"c": str(world.b.id)}, as_=world.owner_a101))["neighbourGroups"]["nodes"] == []
    assert code_and_field(await api(JOIN, {"g": beta["id"]}, as_=world.owner_a101)) == ("NOT_FOUND", "groupId")


async def test_an_open_group_is_joined_at_once_and_twice_is_a_conflict(api: Api, world: World) -> None:
    group = await make_group(api, world.a, world.staff_a)
    row = await join(api, group, world.owner_a101)
    assert (row["status"], row["role"]) == ("ACTIVE", "MEMBER")
    assert code_and_field(await api(JOIN, {"g": group["id"]}, as_=world.owner_a101)) == ("CONFLICT", "groupId")
    data(await api(LEAVE, {"g": group["id"]}, as_=world.owner_a101))
    assert code_and_field(await api(LEAVE, {"g": group["id"]}, as_=world.owner_a101)) == ("NOT_FOUND", "groupId")


async def test_a_group_by_approval_waits_for_its_admins(api: Api, world: World) -> None:
    group = await make_group(
        api, world.a, world.staff_a, name="Owners' committee", kind="OWNERS_COMMITTEE", policy="APPROVAL"
    )
    asked = await join(api, group, world.owner_a101)
    assert asked["status"] == "PENDING"
    other = await join(api, group, world.elder_a102)
    # Another resident cannot approve; nor see who waits.
    assert code_and_field(await api(DECIDE, {"m": asked["id"], "a": True}, as_=world.elder_a102))[0] in {
        "NOT_FOUND",
        "FORBIDDEN",
    }
    waiting = data(await api(MEMBERS, {"g": group["id"], "s": "PENDING"}, as_=world.staff_a))["neighbourGroupMembers"]
    assert {n["personName"] for n in waiting["nodes"]} == {"Owner A101", "Elder A102"}
    assert (
        data(await api(DECIDE, {"m": asked["id"], "a": True}, as_=world.staff_a))["neighbourGroupDecide"]["status"]
        == "ACTIVE"
    )
    data(await api(DECIDE, {"m": other["id"], "a": False}, as_=world.staff_a))
    assert not await GroupMember.exists(id=int(other["id"]))
    assert code_and_field(await api(DECIDE, {"m": asked["id"], "a": True}, as_=world.staff_a)) == (
        "CONFLICT",
        "memberId",
    )
    # The office names a group admin, who then approves the next request.
    data(await api(ADMIN_SET, {"m": asked["id"], "a": True}, as_=world.staff_a))
    child = await join(api, group, world.child_a101)
    assert (
        data(await api(DECIDE, {"m": child["id"], "a": True}, as_=world.owner_a101))["neighbourGroupDecide"]["status"]
        == "ACTIVE"
    )
    # Members see the members; the refused resident does not.
    members = data(await api(MEMBERS, {"g": group["id"]}, as_=world.child_a101))["neighbourGroupMembers"]["nodes"]
    assert {n["personName"] for n in members} == {"Staff A", "Owner A101", "Child A101"}
    outside = data(await api(MEMBERS, {"g": group["id"]}, as_=world.elder_a102))["neighbourGroupMembers"]["nodes"]
    assert outside == []


async def test_the_last_admin_cannot_leave(api: Api, world: World) -> None:
    group = await make_group(api, world.a, world.staff_a)
    assert code_and_field(await api(LEAVE, {"g": group["id"]}, as_=world.staff_a)) == ("CONFLICT", "groupId")


async def test_admins_remove_members_and_only_the_office_removes_admins(api: Api, world: World) -> None:
    group = await make_group(api, world.a, world.staff_a, name="Chess", policy="APPROVAL")
    owner = await join(api, group, world.owner_a101)
    data(await api(DECIDE, {"m": owner["id"], "a": True}, as_=world.staff_a))
    data(await api(ADMIN_SET, {"m": owner["id"], "a": True}, as_=world.staff_a))
    elder = await join(api, group, world.elder_a102)
    data(await api(DECIDE, {"m": elder["id"], "a": True}, as_=world.owner_a101))
    # The elder, a member, removes nobody; the owner, an admin, removes the elder.
    assert code_and_field(await api(DECIDE, {"m": owner["id"], "a": False}, as_=world.elder_a102))[0] == "FORBIDDEN"
    data(await api(DECIDE, {"m": elder["id"], "a": False}, as_=world.owner_a101))
    assert not await GroupMember.exists(id=int(elder["id"]))
    # An admin is removed by the office alone, and never the last one.
    staff_row = await GroupMember.get(group_id=int(group["id"]), person_id=world.staff_a.id)
    removing_staff = {"m": str(staff_row.id), "a": False}
    assert code_and_field(await api(DECIDE, removing_staff, as_=world.owner_a101))[0] == "FORBIDDEN"
    data(await api(DECIDE, {"m": owner["id"], "a": False}, as_=world.operator_a))
    assert code_and_field(await api(DECIDE, removing_staff, as_=world.operator_a)) == ("CONFLICT", "memberId")
    demoting_staff = {"m": str(staff_row.id), "a": False}
    assert code_and_field(await api(ADMIN_SET, demoting_staff, as_=world.operator_a)) == ("CONFLICT", "memberId")
