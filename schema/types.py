"""GraphQL object types. Nested edges go through the operation's DataLoaders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

import strawberry
from strawberry.types import Info

from domain.pagination import Page
from domain.people import models as pm
from domain.people.validation import mask_id_number, mask_phone
from domain.space import models as sm
from schema.enums import CareTag, ResidencyKind, Role

T = TypeVar("T")


@strawberry.type(description="Where a page ends and whether another follows")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when `after: endCursor` gives more")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page")


@strawberry.type(description="One page of a list, newest last")
class Connection(Generic[T]):
    nodes: list[T] = strawberry.field(description="The items of this page")
    page_info: PageInfo = strawberry.field(description="How to get the next page")
    total_count: int = strawberry.field(description="How many items match, across all pages")


def connection(page: Page, make: object) -> Connection:  # type: ignore[type-arg]
    to_type = make.from_row  # type: ignore[attr-defined]
    return Connection(
        nodes=[to_type(row) for row in page.items],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        total_count=page.total_count,
    )


@strawberry.type(description="A residential community (小区): the unit every operator works in")
class Community:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Display name")
    code: str = strawberry.field(description="Short stable code")
    address: str = strawberry.field(description="Postal address")
    created_at: datetime = strawberry.field(description="When it was registered")

    @classmethod
    def from_row(cls, row: sm.Community) -> Community:
        return cls(
            id=strawberry.ID(str(row.id)), name=row.name, code=row.code, address=row.address, created_at=row.created_at
        )

    @strawberry.field(description="Buildings you may see, by id")
    async def buildings(self, info: Info) -> list[Building]:
        return [Building.from_row(b) for b in await info.context.loaders.buildings_of_community.load(int(self.id))]

    @strawberry.field(description="Grids you may see, by id")
    async def grids(self, info: Info) -> list[Grid]:
        return [Grid.from_row(g) for g in await info.context.loaders.grids_of_community.load(int(self.id))]


@strawberry.type(description="A building (楼栋) of a community")
class Building:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Name or number, e.g. 3号楼")
    floors: int | None = strawberry.field(description="Number of floors")
    community_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: sm.Building) -> Building:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, floors=row.floors, community_id=row.community_id)

    @strawberry.field(description="The community it stands in")
    async def community(self, info: Info) -> Community | None:
        row = await info.context.loaders.community.load(self.community_id)
        return Community.from_row(row) if row else None

    @strawberry.field(description="Its units (单元) you may see")
    async def units(self, info: Info) -> list[Unit]:
        return [Unit.from_row(u) for u in await info.context.loaders.units_of_building.load(int(self.id))]

    @strawberry.field(description="Its houses you may see")
    async def houses(self, info: Info) -> list[House]:
        return [House.from_row(h) for h in await info.context.loaders.houses_of_building.load(int(self.id))]


@strawberry.type(description="A unit (单元, one staircase) of a building")
class Unit:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Name or number")
    building_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: sm.Unit) -> Unit:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, building_id=row.building_id)

    @strawberry.field(description="Its houses you may see")
    async def houses(self, info: Info) -> list[House]:
        return [House.from_row(h) for h in await info.context.loaders.houses_of_unit.load(int(self.id))]


@strawberry.type(description="A grid (网格): houses grouped for the staff responsible for them")
class Grid:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Display name")
    community_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: sm.Grid) -> Grid:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, community_id=row.community_id)

    @strawberry.field(description="Houses of this grid you may see")
    async def houses(self, info: Info) -> list[House]:
        return [House.from_row(h) for h in await info.context.loaders.houses_of_grid.load(int(self.id))]

    @strawberry.field(description="Housekeepers and grid workers assigned to this grid, as far as you may see them")
    async def staff(self, info: Info) -> list[Membership]:
        return [Membership.from_row(m) for m in await info.context.loaders.memberships_of_grid.load(int(self.id))]


@strawberry.type(description="A house or flat (房屋): the household unit people live in")
class House:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    number: str = strawberry.field(description="Door number, e.g. 1201")
    floor: int | None = strawberry.field(description="Floor")
    area_m2: Decimal | None = strawberry.field(description="Floor area in square metres")
    community_id: strawberry.Private[int]
    building_id: strawberry.Private[int]
    unit_id: strawberry.Private[int | None]
    grid_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: sm.House) -> House:
        return cls(
            id=strawberry.ID(str(row.id)),
            number=row.number,
            floor=row.floor,
            area_m2=row.area_m2,
            community_id=row.community_id,
            building_id=row.building_id,
            unit_id=row.unit_id,
            grid_id=row.grid_id,
        )

    @strawberry.field(description="The community")
    async def community(self, info: Info) -> Community | None:
        row = await info.context.loaders.community.load(self.community_id)
        return Community.from_row(row) if row else None

    @strawberry.field(description="The building")
    async def building(self, info: Info) -> Building | None:
        row = await info.context.loaders.building.load(self.building_id)
        return Building.from_row(row) if row else None

    @strawberry.field(description="The unit, if the building has units")
    async def unit(self, info: Info) -> Unit | None:
        row = await info.context.loaders.unit.load(self.unit_id) if self.unit_id else None
        return Unit.from_row(row) if row else None

    @strawberry.field(description="The grid it belongs to, if any")
    async def grid(self, info: Info) -> Grid | None:
        row = await info.context.loaders.grid.load(self.grid_id) if self.grid_id else None
        return Grid.from_row(row) if row else None

    @strawberry.field(description="Who lives here now; with `includeMovedOut`, the history too")
    async def residents(self, info: Info, include_moved_out: bool = False) -> list[Residency]:
        rows = await info.context.loaders.residencies_of_house.load(int(self.id))
        return [Residency.from_row(r) for r in rows if include_moved_out or r.moved_out is None]


@strawberry.type(description="A person living in a house, from movedIn to movedOut (history is kept)")
class Residency:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    kind: ResidencyKind = strawberry.field(description="Owner, tenant or family member")
    moved_in: date = strawberry.field(description="Day they moved in")
    moved_out: date | None = strawberry.field(description="Day they moved out; null while they live here")
    person_id: strawberry.Private[int]
    house_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: pm.Residency) -> Residency:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            moved_in=row.moved_in,
            moved_out=row.moved_out,
            person_id=row.person_id,
            house_id=row.house_id,
        )

    @strawberry.field(description="True while the person lives here")
    def current(self) -> bool:
        return self.moved_out is None

    @strawberry.field(description="Who")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.person.load(self.person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="Where")
    async def house(self, info: Info) -> House | None:
        row = await info.context.loaders.house.load(self.house_id)
        return House.from_row(row) if row else None


@strawberry.type(description="A person: resident, staff, merchant. Personal data is masked unless you need it")
class Person:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Name")
    raw_phone: strawberry.Private[str]
    raw_id_number: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: pm.Person) -> Person:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, raw_phone=row.phone, raw_id_number=row.id_number)

    @strawberry.field(
        description="Phone: in full for yourself, your household, staff responsible for you and your colleagues, else masked (138****5678)"
    )
    async def phone(self, info: Info) -> str:
        if (await info.context.loaders.personal_data.load(int(self.id))).phone:
            return self.raw_phone
        return mask_phone(self.raw_phone)

    @strawberry.field(
        description="ID number: in full for yourself and the operators of the community you live in, else masked"
    )
    async def id_number(self, info: Info) -> str | None:
        if self.raw_id_number is None:
            return None
        if (await info.context.loaders.personal_data.load(int(self.id))).id_number:
            return self.raw_id_number
        return mask_id_number(self.raw_id_number)

    @strawberry.field(
        description="Care tags (elderly living alone, disabled, child, key care): health data, so null unless "
        "you are them, their household, or staff responsible for where they live"
    )
    async def tags(self, info: Info) -> list[CareTag] | None:
        if not (await info.context.loaders.personal_data.load(int(self.id))).care_tags:
            return None
        return [t.tag for t in await info.context.loaders.tags_of_person.load(int(self.id))]

    @strawberry.field(description="Where they live or lived, as far as you may see")
    async def residencies(self, info: Info) -> list[Residency]:
        return [Residency.from_row(r) for r in await info.context.loaders.residencies_of_person.load(int(self.id))]

    @strawberry.field(description="Their roles, as far as you may see")
    async def memberships(self, info: Info) -> list[Membership]:
        return [Membership.from_row(m) for m in await info.context.loaders.memberships_of_person.load(int(self.id))]


@strawberry.type(description="A role held in a community, scoped to the community, a grid, or (residents) their houses")
class Membership:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    role: Role = strawberry.field(description="The role")
    person_id: strawberry.Private[int]
    community_id: strawberry.Private[int | None]
    grid_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: pm.Membership) -> Membership:
        return cls(
            id=strawberry.ID(str(row.id)),
            role=row.role,
            person_id=row.person_id,
            community_id=row.community_id,
            grid_id=row.grid_id,
        )

    @strawberry.field(description="The community; null for a platform admin, who spans all")
    async def community(self, info: Info) -> Community | None:
        row = await info.context.loaders.community.load(self.community_id) if self.community_id else None
        return Community.from_row(row) if row else None

    @strawberry.field(description="The grid, for housekeepers and grid workers")
    async def grid(self, info: Info) -> Grid | None:
        row = await info.context.loaders.grid.load(self.grid_id) if self.grid_id else None
        return Grid.from_row(row) if row else None

    @strawberry.field(description="Who holds it")
    async def person(self, info: Info) -> Person | None:
        row = await info.context.loaders.person.load(self.person_id)
        return Person.from_row(row) if row else None


@strawberry.type(description="Tokens for a session: send the access token as `Authorization: Bearer …`")
class AuthPayload:
    access_token: str = strawberry.field(description="Short-lived JWT")
    refresh_token: str = strawberry.field(description="Single use: `authRefresh` spends it and returns a new pair")
    expires_in: int = strawberry.field(description="Seconds until the access token expires")
    token_type: str = strawberry.field(description="Always Bearer")
    person: Person = strawberry.field(description="Who logged in")


@strawberry.type(description="A one-time code the office hands to a person to claim their account")
class ActivationCode:
    code: str = strawberry.field(description="Eight digits, shown once")
    expires_in_days: int = strawberry.field(description="Days it stays valid")


async def visible_house(info: Info, house_id: int | str | None) -> House | None:
    """The house something is at, for a field `house`: null when there is none, or when the
    viewer may not see it — or is no one (an integration or a device calling with its key)."""
    if not house_id or info.context.authenticated_viewer.person_id is None:
        return None
    row = await info.context.loaders.house.load(int(house_id))
    return House.from_row(row) if row else None
