"""People queries and mutations: read the viewer, call one domain function, map the result."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.roles import Role as RoleValue
from domain.people import service
from domain.people.models import CareTag as CareTagValue
from domain.people.service import ACTIVATION_CODE_TTL, NewResidency
from resolvers.changes import provided
from resolvers.context import Context
from resolvers.ids import parse_id, parse_optional_id
from schema import inputs
from schema.enums import CareTag
from schema.types import ActivationCode, Connection, Membership, Person, Residency, connection


async def me(info: Info[Context, None]) -> Person:
    viewer = info.context.viewer()
    return Person.from_row(await service.get_person(viewer, viewer.require_person()))


async def person(info: Info[Context, None], id: strawberry.ID) -> Person:
    return Person.from_row(await service.get_person(info.context.viewer(), parse_id(id, "id")))


async def residents(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    building_id: strawberry.ID | None = None,
    grid_id: strawberry.ID | None = None,
    tag: CareTag | None = None,
    moved_out: bool | None = False,
    first: int | None = 20,
    after: str | None = None,
) -> Connection[Residency]:
    page = await service.list_residents(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        house_id=parse_optional_id(house_id, "houseId"),
        building_id=parse_optional_id(building_id, "buildingId"),
        grid_id=parse_optional_id(grid_id, "gridId"),
        tag=CareTagValue(tag) if tag is not None else None,
        moved_out=moved_out,
        first=first,
        after=after,
    )
    return connection(page, Residency)


async def memberships(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: str | None = None,
) -> Connection[Membership]:
    page = await service.list_memberships(
        info.context.viewer(), community_id=parse_optional_id(community_id, "communityId"), first=first, after=after
    )
    return connection(page, Membership)


def _move_in(inp: inputs.MoveInInput) -> NewResidency:
    return NewResidency(house_id=parse_id(inp.house_id, "houseId"), kind=inp.kind, moved_in=inp.moved_in)


async def person_create(info: Info[Context, None], input: inputs.PersonCreateInput) -> Person:
    row = await service.create_person(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        name=input.name,
        phone=input.phone,
        id_number=input.id_number,
        tags=[CareTagValue(t) for t in input.tags or []],
        residency=_move_in(input.residency) if input.residency else None,
        staff_role=RoleValue(input.staff_role) if input.staff_role else None,
        grid_id=parse_optional_id(input.grid_id, "gridId"),
    )
    return Person.from_row(row)


async def person_update(info: Info[Context, None], input: inputs.PersonUpdateInput) -> Person:
    changes = provided(
        input, {"name": None, "phone": None, "id_number": None, "tags": None}, nullable=frozenset({"id_number"})
    )
    return Person.from_row(await service.update_person(info.context.viewer(), parse_id(input.id, "id"), changes))


async def person_issue_activation_code(info: Info[Context, None], person_id: strawberry.ID) -> ActivationCode:
    code = await service.issue_activation_code(info.context.viewer(), parse_id(person_id, "personId"))
    return ActivationCode(code=code, expires_in_days=ACTIVATION_CODE_TTL.days)


async def residency_create(info: Info[Context, None], input: inputs.ResidencyCreateInput) -> Residency:
    row = await service.create_residency(
        info.context.viewer(),
        person_id=parse_optional_id(input.person_id, "personId"),
        phone=input.phone,
        residency=NewResidency(house_id=parse_id(input.house_id, "houseId"), kind=input.kind, moved_in=input.moved_in),
    )
    return Residency.from_row(row)


async def residency_end(info: Info[Context, None], input: inputs.ResidencyEndInput) -> Residency:
    row = await service.end_residency(info.context.viewer(), parse_id(input.id, "id"), moved_out=input.moved_out)
    return Residency.from_row(row)


async def residency_update(info: Info[Context, None], input: inputs.ResidencyUpdateInput) -> Residency:
    changes = provided(input, {"kind": None, "moved_in": None})
    return Residency.from_row(await service.update_residency(info.context.viewer(), parse_id(input.id, "id"), changes))


async def membership_grant(info: Info[Context, None], input: inputs.MembershipGrantInput) -> Membership:
    row = await service.grant_membership(
        info.context.viewer(),
        person_id=parse_optional_id(input.person_id, "personId"),
        phone=input.phone,
        role=RoleValue(input.role),
        community_id=parse_optional_id(input.community_id, "communityId"),
        grid_id=parse_optional_id(input.grid_id, "gridId"),
    )
    return Membership.from_row(row)


async def membership_revoke(info: Info[Context, None], id: strawberry.ID) -> Membership:
    return Membership.from_row(await service.revoke_membership(info.context.viewer(), parse_id(id, "id")))
