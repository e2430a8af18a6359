"""Rules for persons, their residencies, care tags and memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from auth.passwords import hash_password
from auth.roles import GRID_STAFF, Role
from auth.tokens import new_one_time_code
from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput, NotFound
from domain.common.guards import require_person
from domain.common.pagination import Page, paginate
from domain.common.rows import create_or_conflict, get_visible, given, lock, only_known, save_or_conflict
from domain.people import access, messages, validation
from domain.people.messages import ViewerMessage
from domain.people.models import CareRecord, CareTag, Membership, Person, Residency, ResidencyKind
from domain.people.phone_budget import spend_phone_lookup
from domain.space import calendar
from domain.space.access import readable_houses
from domain.space.models import Grid, House
from domain.space.service import get_community
from realtime.outbox import record, transaction

ACTIVATION_CODE_TTL = timedelta(days=7)


async def scope_changed(person_id: int) -> None:
    """Every write to what accounts.load_viewer reads (memberships, current residencies) says so,
    in its transaction: running subscriptions of that person, on every process, read their viewer
    again before their next message, instead of up to SUBSCRIPTION_SCOPE_REFRESH_SECONDS later."""
    await record(messages.topic(), ViewerMessage.SCOPE_CHANGED, messages.scope_changed(person_id))


# --- reads -------------------------------------------------------------------


async def get_self(viewer: Viewer) -> Person:
    """The person logged in."""
    return await get_person(viewer, require_person(viewer))


async def get_person(viewer: Viewer, person_id: int) -> Person:
    require_person(viewer)
    return await get_visible(access.readable_persons(viewer), person_id, what="person", field="id")


async def list_residents(
    viewer: Viewer,
    *,
    community_id: int | None = None,
    house_id: int | None = None,
    building_id: int | None = None,
    grid_id: int | None = None,
    tag: CareTag | None = None,
    moved_out: bool | None = False,
    first: int | None = None,
    after: str | None = None,
) -> Page[Residency]:
    """Residencies the viewer may read. ``moved_out``: False = current residents (the default),
    True = past ones only, None = both."""
    require_person(viewer)
    qs = access.readable_residencies(viewer).filter(
        **given(community_id=community_id, house_id=house_id, house__building_id=building_id, house__grid_id=grid_id)
    )
    if tag is not None:
        # Care tags are shown only for where a person lives now: filtering past residents by
        # tag would tell what a hidden tag is.
        if moved_out is not False:
            raise InvalidInput("tag filters current residents only: give movedOut false", field="tag")
        # Each community filters by its own care records (another community's are not its to read).
        qs = qs.filter(await access.recorded_where_they_live(viewer, tag))
    if moved_out is not None:
        qs = qs.filter(moved_out__isnull=not moved_out)
    return await paginate(qs, first=first, after=after)


async def list_memberships(
    viewer: Viewer, *, community_id: int | None, first: int | None, after: str | None
) -> Page[Membership]:
    require_person(viewer)
    qs = access.readable_memberships(viewer).filter(**given(community_id=community_id))
    return await paginate(qs, first=first, after=after)


# --- persons -----------------------------------------------------------------


@dataclass(frozen=True)
class NewResidency:
    house_id: int
    kind: ResidencyKind
    moved_in: date


async def create_person(
    viewer: Viewer,
    *,
    community_id: int,
    name: str,
    phone: str,
    id_number: str | None = None,
    tags: list[CareTag] | None = None,
    residency: NewResidency | None = None,
    staff_role: Role | None = None,
    grid_id: int | None = None,
) -> Person:
    """Register a person with the property office: a resident moving in, or a new member of staff.

    All or nothing: if the residency or the role is refused, the person is not created either.
    """
    community = await get_community(viewer, community_id)
    access.check_register(viewer, community.id)
    if (residency is None) == (staff_role is None):
        raise InvalidInput("Give a residency for a resident, or a staffRole for staff: exactly one", field="residency")
    phone = validation.phone(phone)
    await spend_phone_lookup(viewer)  # the answer says whether the phone is registered
    async with transaction():
        # Everything else is checked before the phone: an error about the house or the role
        # must not tell whether a phone number is registered.
        if staff_role is not None:
            await _check_grant(viewer, role=staff_role, community_id=community.id, grid_id=grid_id)
        if residency is not None:
            await _move_in_target(viewer, residency, community_id=community.id)
        name, id_number = validation.name(name), validation.id_number(id_number)
        if await Person.filter(phone=phone).exists():
            raise Conflict(
                "A person with this phone exists already: add a residency with their phone instead", field="phone"
            )
        person = await create_or_conflict(
            Person,
            "A person with this phone exists already",
            field="phone",
            name=name,
            phone=phone,
            id_number=id_number,
        )
        await _set_tags(person, community.id, tags or [])
        if residency is not None:
            await _move_in(viewer, person, residency, community_id=community.id)
        if staff_role is not None:
            await _grant(person, role=staff_role, community_id=community.id, grid_id=grid_id)
        return person


async def update_person(viewer: Viewer, person_id: int, changes: dict[str, Any]) -> Person:
    """A person changes their own name. Who a person is (phone, ID number) is changed only by staff
    who manage them wholly (access.check_manage_person); care tags are one community's record,
    changed by its staff where the person lives (``community_id``: which, when there are several)."""
    community_id = changes.pop("community_id", None)
    only_known(changes, {"name", "phone", "id_number", "tags"})
    async with transaction():
        person = await get_person(viewer, person_id)
        await lock(Person, person.id)  # tags are replaced as a set
        is_self = person.id == viewer.person_id
        identity = set(changes) - {"tags"}
        if identity and not (identity <= {"name"} and is_self):
            await access.check_manage_person(
                viewer,
                person.id,
                "Changing this person needs OPERATOR or PROPERTY_STAFF in every community they live or work in "
                "(OPERATOR for staff)",
            )
        keeper = await access.care_record_keeper(viewer, person.id, community_id) if "tags" in changes else None
        if "name" in changes:
            person.name = validation.name(changes["name"])
        if "phone" in changes:
            person.phone = validation.phone(changes["phone"])
            if await Person.filter(phone=person.phone).exclude(id=person.id).exists():
                raise Conflict("Another person has this phone number", field="phone")
        if "id_number" in changes:
            person.id_number = validation.id_number(changes["id_number"])
        columns = [f for f in changes if f != "tags"]
        if columns:
            await save_or_conflict(person, "Another person has this phone number", field="phone", update_fields=columns)
        if keeper is not None:
            await _set_tags(person, keeper, changes["tags"] or [])
        return person


async def _set_tags(person: Person, community_id: int, tags: list[CareTag]) -> None:
    """Replace one community's care record of the person; other communities' records stay theirs."""
    await CareRecord.filter(person_id=person.id, community_id=community_id).delete()
    await CareRecord.bulk_create(
        [CareRecord(person_id=person.id, community_id=community_id, tag=CareTag(t)) for t in sorted(set(tags))]
    )


async def issue_activation_code(viewer: Viewer, person_id: int) -> str:
    """A one-time code the office hands to a registered person so they can claim their account."""
    code = new_one_time_code()
    # Hashed like a password (a stolen database must not give away codes still valid), before the
    # transaction: scrypt's 50 ms must not hold the outbox's write lock (realtime.outbox).
    code_hash = hash_password(code)
    async with transaction():
        person = await get_person(viewer, person_id)
        await access.check_manage_person(
            viewer,
            person.id,
            "Issuing an activation code needs OPERATOR or PROPERTY_STAFF in every community the person lives or "
            "works in (OPERATOR for staff)",
        )
        if person.password_hash:
            raise Conflict("This person has an account already", field="personId")
        person.activation_code_hash = code_hash
        person.activation_expires_at = datetime.now(UTC) + ACTIVATION_CODE_TTL
        person.activation_attempts = 0
        await person.save(update_fields=["activation_code_hash", "activation_expires_at", "activation_attempts"])
        return code


async def bootstrap_platform_admin(*, name: str, phone: str, password: str) -> Person:
    """The first platform admin of a new installation (the demo seed, a fresh production
    database), with their login: there is nobody yet who could grant it, or register them.
    Refused once there is one."""
    name, phone = validation.name(name), validation.phone(phone)
    password_hash = hash_password(validation.password(password))
    async with transaction():
        await Membership.filter(role=Role.PLATFORM_ADMIN).select_for_update()
        if await Membership.filter(role=Role.PLATFORM_ADMIN).exists():
            raise Conflict("There is a platform admin already: they grant the role", field="role")
        person = await create_or_conflict(
            Person, "A person with this phone exists already", field="phone", name=name, phone=phone,
            password_hash=password_hash,
        )  # fmt: skip
        await Membership.create(person_id=person.id, community_id=None, role=Role.PLATFORM_ADMIN, grid_id=None)
        await scope_changed(person.id)
        return person


# --- residencies -------------------------------------------------------------


async def create_residency(
    viewer: Viewer, *, person_id: int | None, phone: str | None, residency: NewResidency
) -> Residency:
    """Move a known person into a house, found by id (if visible) or by phone."""
    if phone is not None:
        await spend_phone_lookup(viewer)
    async with transaction():
        house = await get_visible(readable_houses(viewer), residency.house_id, what="house", field="houseId")
        access.check_move_in(viewer, house.community_id)
        person = await person_by_id_or_phone(viewer, person_id, phone)
        return await _move_in(viewer, person, residency, community_id=house.community_id)


async def person_by_id_or_phone(viewer: Viewer, person_id: int | None, phone: str | None) -> Person:
    """By phone only after the caller spent a lookup (spend_phone_lookup, before its transaction)."""
    if (person_id is None) == (phone is None):
        raise InvalidInput("Give exactly one of personId and phone", field="personId")
    if person_id is not None:
        return await get_visible(access.readable_persons(viewer), person_id, what="person", field="personId")
    found = await Person.get_or_none(phone=validation.phone(phone or ""))
    if found is None:
        raise NotFound("Nobody is registered with this phone: register the person first", field="phone")
    return found


async def _move_in_target(viewer: Viewer, new: NewResidency, *, community_id: int) -> House:
    house = await House.get_or_none(id=new.house_id, community_id=community_id)
    if house is None or not await readable_houses(viewer).filter(id=new.house_id).exists():
        raise NotFound("No such house in this community", field="houseId")
    access.check_move_in(viewer, house.community_id)
    _check_moved_in(new.moved_in)
    return house


async def _move_in(viewer: Viewer, person: Person, new: NewResidency, *, community_id: int) -> Residency:
    house = await _move_in_target(viewer, new, community_id=community_id)
    await lock(Person, person.id)  # one current residency per person and house
    if await Residency.filter(person_id=person.id, house_id=house.id, moved_out=None).exists():
        raise Conflict("This person lives in this house already", field="houseId")
    residency = await Residency.create(
        person_id=person.id, house_id=house.id, community_id=house.community_id, kind=new.kind, moved_in=new.moved_in
    )
    await Membership.get_or_create(
        person_id=person.id, community_id=house.community_id, role=Role.RESIDENT, grid_id=None
    )
    await scope_changed(person.id)
    return residency


def _check_moved_in(moved_in: date) -> None:
    validation.residency_date(moved_in, "movedIn")


async def _managed_residency(viewer: Viewer, residency_id: int, action: str) -> Residency:
    visible = await get_visible(
        access.readable_residencies(viewer), residency_id, what="residency", field="residencyId"
    )
    access.check_manage_residency(viewer, visible.community_id, action)
    # Every residency write locks its person: twin move-outs, or a move-out racing a move-in,
    # run one after the other on fresh rows.
    await lock(Person, visible.person_id)
    return await Residency.get(id=visible.id)


async def end_residency(viewer: Viewer, residency_id: int, *, moved_out: date) -> Residency:
    """Move a person out. The residency stays, with its dates, as history."""
    async with transaction():
        residency = await _managed_residency(viewer, residency_id, "Moving a person out")
        if residency.moved_out is not None:
            raise Conflict("This person has moved out already", field="residencyId")
        if moved_out < residency.moved_in:
            raise InvalidInput("movedOut is before movedIn", field="movedOut")
        if moved_out > await calendar.community_today(residency.community_id):
            # Moving out ends access at once: record it on the day, not ahead.
            raise InvalidInput("movedOut is in the future: record the move on the day", field="movedOut")
        residency.moved_out = moved_out
        await residency.save(update_fields=["moved_out"])
        still_lives_here = Residency.filter(
            person_id=residency.person_id, community_id=residency.community_id, moved_out=None
        )
        if not await still_lives_here.exists():
            await Membership.filter(
                person_id=residency.person_id, community_id=residency.community_id, role=Role.RESIDENT
            ).delete()
        await scope_changed(residency.person_id)
        return residency


async def update_residency(viewer: Viewer, residency_id: int, changes: dict[str, Any]) -> Residency:
    only_known(changes, {"kind", "moved_in"})
    async with transaction():
        residency = await _managed_residency(viewer, residency_id, "Changing a residency")
        if "kind" in changes:
            residency.kind = ResidencyKind(changes["kind"])
        if "moved_in" in changes:
            moved_in: date = changes["moved_in"]
            _check_moved_in(moved_in)
            if residency.moved_out is not None and moved_in > residency.moved_out:
                raise InvalidInput("movedIn is after movedOut", field="movedIn")
            residency.moved_in = moved_in
        await residency.save(update_fields=list(changes))
        if "moved_in" in changes:
            await scope_changed(residency.person_id)  # what of the house's past is theirs moved with it
        return residency


# --- memberships -------------------------------------------------------------


async def grant_membership(
    viewer: Viewer,
    *,
    role: Role,
    community_id: int | None,
    grid_id: int | None,
    person_id: int | None = None,
    phone: str | None = None,
) -> Membership:
    """Give a person a role. The person is one the viewer can see (by id) or the one with
    this phone (a new colleague gives theirs): an id alone must not reach into strangers."""
    if phone is not None:
        await spend_phone_lookup(viewer)
    async with transaction():
        await _check_grant(viewer, role=role, community_id=community_id, grid_id=grid_id)
        person = await person_by_id_or_phone(viewer, person_id, phone)
        return await _grant(person, role=role, community_id=community_id, grid_id=grid_id)


async def _check_grant(viewer: Viewer, *, role: Role, community_id: int | None, grid_id: int | None) -> None:
    """Operators grant staff roles in their community; only a platform admin grants
    PLATFORM_ADMIN (which has no community). Grid roles need a grid of that community."""
    if role is Role.RESIDENT:
        raise InvalidInput("RESIDENT comes from living in a house: add a residency instead", field="role")
    if role is Role.COURIER:
        raise InvalidInput("A COURIER delivers for a shop: shopStaffGrant gives the role for one shop", field="role")
    if role is Role.PLATFORM_ADMIN:
        access.check_grant(viewer, role=role, community_id=None)
        if community_id is not None or grid_id is not None:
            raise InvalidInput("PLATFORM_ADMIN spans every community: give no communityId", field="communityId")
        return
    if community_id is None:
        raise InvalidInput(f"{role.value} needs a communityId", field="communityId")
    community = await get_community(viewer, community_id)
    access.check_grant(viewer, role=role, community_id=community.id)
    if role in GRID_STAFF:
        if grid_id is None:
            raise InvalidInput(f"{role.value} needs the grid they are responsible for", field="gridId")
        if not await Grid.filter(id=grid_id, community_id=community.id).exists():
            raise InvalidInput("That grid is not in this community", field="gridId")
    elif grid_id is not None:
        raise InvalidInput(f"{role.value} is not scoped to a grid: give no gridId", field="gridId")


async def _grant(person: Person, *, role: Role, community_id: int | None, grid_id: int | None) -> Membership:
    # The unique index does not see NULL community or grid as equal: check under a lock.
    await lock(Person, person.id)
    existing = Membership.filter(person_id=person.id, community_id=community_id, role=role, grid_id=grid_id)
    if await existing.exists():
        raise Conflict("This person has this role already", field="role")
    membership = await create_or_conflict(
        Membership,
        "This person has this role already",
        field="role",
        person_id=person.id,
        community_id=community_id,
        role=role,
        grid_id=grid_id,
    )
    await scope_changed(person.id)
    return membership


async def revoke_membership(viewer: Viewer, membership_id: int) -> Membership:
    async with transaction():
        membership = await get_visible(
            access.readable_memberships(viewer), membership_id, what="membership", field="membershipId"
        )
        if membership.community_id is None:
            access.check_revoke(viewer, membership)
            # Lock every admin row: two admins revoking each other must not leave none.
            await Membership.filter(role=Role.PLATFORM_ADMIN).select_for_update()
            others = Membership.filter(Q(role=Role.PLATFORM_ADMIN) & ~Q(id=membership.id))
            if not await others.exists():
                raise Conflict("This is the last platform admin: grant another first", field="membershipId")
        else:
            access.check_revoke(viewer, membership)
        await membership.delete()
        await scope_changed(membership.person_id)
        return membership
