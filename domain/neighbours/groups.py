"""Groups and who is in them: created by the community's office; joined at once (open) or on a
group admin's approval; left by the member; admins named by the office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput, NotFound
from domain.common.pagination import Page, paginate
from domain.common.rows import create_or_conflict, get_visible, given, lock
from domain.common.text import FREE_TEXT_MAX, text
from domain.neighbours import access, messages
from domain.neighbours.messages import NeighbourMessage
from domain.neighbours.models import Group, GroupKind, GroupMember, JoinPolicy, MemberRole, MemberStatus
from domain.people.models import Person
from domain.space import places
from realtime.outbox import record, transaction


@dataclass(frozen=True)
class NewGroup:
    community_id: int
    name: str
    kind: GroupKind
    join_policy: JoinPolicy
    description: str = ""
    building_id: int | None = None


async def get_group(viewer: Viewer, group_id: int, *, field: str = "id") -> Group:
    return await get_visible(access.readable_groups(viewer), group_id, what="group", field=field)


async def list_groups(
    viewer: Viewer, *, community_id: int | None, kind: GroupKind | None, first: int | None, after: str | None
) -> Page[Group]:
    qs = access.readable_groups(viewer).filter(**given(community_id=community_id, kind=kind))
    return await paginate(qs, first=first, after=after)


async def membership_of(person_id: int | None, group_id: int) -> GroupMember | None:
    if person_id is None:
        return None
    return await GroupMember.get_or_none(group_id=group_id, person_id=person_id)


async def is_active_member(person_id: int | None, group_id: int) -> bool:
    row = await membership_of(person_id, group_id)
    return row is not None and row.status is MemberStatus.ACTIVE


async def is_admin(person_id: int | None, group_id: int) -> bool:
    row = await membership_of(person_id, group_id)
    return row is not None and row.status is MemberStatus.ACTIVE and row.role is MemberRole.ADMIN


async def create_group(viewer: Viewer, new: NewGroup) -> Group:
    """The office creates a group; its creator is its first admin."""
    access.check_manage(viewer, new.community_id)
    await places.community(new.community_id)
    name = text(new.name, field="name", max_length=100)
    description = text(new.description, field="description", max_length=FREE_TEXT_MAX, min_length=0, multiline=True)
    if new.kind is GroupKind.BUILDING:
        if new.building_id is None:
            raise InvalidInput("A building's group names its building", field="buildingId")
        await places.building_in(new.community_id, new.building_id)
    elif new.building_id is not None:
        raise InvalidInput("Only a BUILDING group names a building", field="buildingId")
    person = access.check_member(viewer, new.community_id)
    async with transaction():
        group = await create_or_conflict(
            Group,
            "This community has a group of that name already",
            field="name",
            community_id=new.community_id,
            name=name,
            description=description,
            kind=new.kind,
            join_policy=new.join_policy,
            building_id=new.building_id,
            created_by_id=person,
        )
        admin = await GroupMember.create(
            group_id=group.id,
            community_id=group.community_id,
            person_id=person,
            person_name=(await Person.get(id=person)).name,
            role=MemberRole.ADMIN,
            status=MemberStatus.ACTIVE,
            approved_at=datetime.now(UTC),
        )
        await record(messages.topic(group.community_id), NeighbourMessage.GROUP_CREATED, messages.group(group))
        await _changed(admin)
        return group


async def _changed(row: GroupMember, *, left: bool = False) -> None:
    await record(
        messages.topic(row.community_id),
        NeighbourMessage.GROUP_MEMBERSHIP_CHANGED,
        messages.membership(row, left=left),
    )


async def join(viewer: Viewer, group_id: int) -> GroupMember:
    """An open group: a member at once. A group by approval: a request its admins decide on."""
    group = await get_group(viewer, group_id, field="groupId")
    person = access.check_member(viewer, group.community_id, field="groupId")
    status = MemberStatus.ACTIVE if group.join_policy is JoinPolicy.OPEN else MemberStatus.PENDING
    async with transaction():
        if await GroupMember.exists(group_id=group.id, person_id=person):
            raise Conflict("You are in this group, or asked to join it, already", field="groupId")
        row = await create_or_conflict(
            GroupMember,
            "You are in this group, or asked to join it, already",
            field="groupId",
            group_id=group.id,
            community_id=group.community_id,
            person_id=person,
            person_name=(await Person.get(id=person)).name,
            status=status,
            approved_at=datetime.now(UTC) if status is MemberStatus.ACTIVE else None,
        )
        await _changed(row)
        return row


async def leave(viewer: Viewer, group_id: int) -> GroupMember:
    group = await get_group(viewer, group_id, field="groupId")
    async with transaction():
        row = await membership_of(viewer.person_id, group.id)
        if row is None:
            raise NotFound("You are not in this group", field="groupId")
        if row.role is MemberRole.ADMIN and row.status is MemberStatus.ACTIVE:
            others = await GroupMember.filter(
                group_id=group.id, role=MemberRole.ADMIN, status=MemberStatus.ACTIVE
            ).exclude(id=row.id)
            if not others:
                raise Conflict("You are its last admin: name another admin first", field="groupId")
        await row.delete()
        await _changed(row, left=True)
        return row


async def _member(viewer: Viewer, member_id: int) -> tuple[GroupMember, Group]:
    row = await get_visible(access.readable_members(viewer), member_id, what="group member", field="memberId")
    return row, await Group.get(id=row.group_id)


async def decide(viewer: Viewer, member_id: int, *, approve: bool) -> GroupMember:
    """A group admin (or the office) approves a request to join, or refuses it; ``approve: false``
    on a member removes them (an admin is removed only by the office, and never the last one)."""
    row, group = await _member(viewer, member_id)
    admin_here = await is_admin(viewer.person_id, group.id)
    access.check_join_decision(viewer, group, admin_here)
    async with transaction():
        await lock(GroupMember, row.id)
        row = await GroupMember.get(id=row.id)
        if row.status is MemberStatus.ACTIVE:
            if approve:
                raise Conflict("This person is a member already", field="memberId")
            await _check_removal(viewer, group, row)
            await row.delete()
        elif approve:
            row.status = MemberStatus.ACTIVE
            row.approved_at = datetime.now(UTC)
            await row.save(update_fields=["status", "approved_at"])
        else:
            await row.delete()
        await _changed(row, left=not approve)
        return row


async def _check_removal(viewer: Viewer, group: Group, row: GroupMember) -> None:
    if row.role is not MemberRole.ADMIN:
        return
    access.check_manage(viewer, group.community_id)
    admins = GroupMember.filter(group_id=group.id, role=MemberRole.ADMIN, status=MemberStatus.ACTIVE)
    if await admins.exclude(id=row.id).count() == 0:
        raise Conflict("This is the group's last admin: name another admin first", field="memberId")


async def set_admin(viewer: Viewer, member_id: int, *, admin: bool) -> GroupMember:
    """The office names (or un-names) an active member as an admin of their group."""
    row, group = await _member(viewer, member_id)
    access.check_manage(viewer, group.community_id)
    if row.status is not MemberStatus.ACTIVE:
        raise Conflict("Approve the request first", field="memberId")
    async with transaction():
        if not admin:
            await _check_removal(viewer, group, row)  # never the last admin
        row.role = MemberRole.ADMIN if admin else MemberRole.MEMBER
        await row.save(update_fields=["role"])
        await _changed(row)
        return row


async def list_members(
    viewer: Viewer, *, group_id: int, status: MemberStatus | None, first: int | None, after: str | None
) -> Page[GroupMember]:
    group = await get_group(viewer, group_id, field="groupId")
    qs = access.readable_members(viewer).filter(group_id=group.id, **given(status=status))
    return await paginate(qs, first=first, after=after)
