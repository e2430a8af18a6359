"""GraphQL types and inputs of the community's space: communities, buildings, units, grids, houses."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.common.pagination import DEFAULT_PAGE_SIZE
from domain.space import access as space_access
from domain.space import models as sm
from domain.space.calendar import DEFAULT_TIME_ZONE, Period
from schema.common import UNCHANGED, first_help, first_of
from schema.shared_events import NOT_SHARED, read_once_per_event, shared_read
from schema.string_inputs import stored_in

if TYPE_CHECKING:
    from auth.viewer import Viewer
    from schema.people import Membership, Residency

# People's types hang on two of space's (Grid.staff, House.residents) while building on space's
# own: named lazily here, so schema.people imports schema.space and not the reverse.
LazyMembership = Annotated["Membership", strawberry.lazy("schema.people")]
LazyResidency = Annotated["Residency", strawberry.lazy("schema.people")]


strawberry.enum(Period, name="CalendarPeriod", description="A span of a community's calendar, read in its time zone")

TIME_ZONE_HELP = (
    "IANA time zone (e.g. Asia/Shanghai) where its days and months begin: periods such as TODAY or THIS_MONTH, "
    "move-outs on the day, bills. Times are always answered in UTC"
)


@strawberry.type(description="A residential community (小区): the unit every operator works in")
class Community:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Display name")
    code: str = strawberry.field(description="Short stable code")
    address: str = strawberry.field(description="Postal address")
    time_zone: str = strawberry.field(description=TIME_ZONE_HELP)
    created_at: datetime = strawberry.field(description="When it was registered")

    @classmethod
    def from_row(cls, row: sm.Community) -> Community:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            code=row.code,
            address=row.address,
            time_zone=row.time_zone,
            created_at=row.created_at,
        )

    @strawberry.field(description=f"Buildings you may see. {first_help('buildings(communityId: …)')}")
    async def buildings(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Building]:
        rows = await info.context.loaders.buildings_of_community.load(int(self.id))
        return [Building.from_row(b) for b in first_of(rows, first)]

    @strawberry.field(description=f"Grids you may see. {first_help('grids(communityId: …)')}")
    async def grids(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Grid]:
        return [
            Grid.from_row(g) for g in first_of(await info.context.loaders.grids_of_community.load(int(self.id)), first)
        ]


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

    @strawberry.field(description=f"Its units (单元) you may see. {first_help()}")
    async def units(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Unit]:
        return [
            Unit.from_row(u) for u in first_of(await info.context.loaders.units_of_building.load(int(self.id)), first)
        ]

    @strawberry.field(description=f"Its houses you may see. {first_help('houses(buildingId: …)')}")
    async def houses(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[House]:
        rows = await info.context.loaders.houses_of_building.load(int(self.id))
        return [House.from_row(h) for h in first_of(rows, first)]


@strawberry.type(description="A unit (单元, one staircase) of a building")
class Unit:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Name or number")
    building_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: sm.Unit) -> Unit:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, building_id=row.building_id)

    @strawberry.field(description=f"Its houses you may see. {first_help('houses(unitId: …)')}")
    async def houses(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[House]:
        return [
            House.from_row(h) for h in first_of(await info.context.loaders.houses_of_unit.load(int(self.id)), first)
        ]


@strawberry.type(description="A grid (网格): houses grouped for the staff responsible for them")
class Grid:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    name: str = strawberry.field(description="Display name")
    community_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: sm.Grid) -> Grid:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, community_id=row.community_id)

    @strawberry.field(description=f"Houses of this grid you may see. {first_help('houses(gridId: …)')}")
    async def houses(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[House]:
        return [
            House.from_row(h) for h in first_of(await info.context.loaders.houses_of_grid.load(int(self.id)), first)
        ]

    @strawberry.field(
        description=f"Housekeepers and grid workers assigned to this grid, as far as you may see them. {first_help()}"
    )
    async def staff(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[LazyMembership]:
        from schema.people import Membership

        rows = await info.context.loaders.memberships_of_grid.load(int(self.id))
        return [Membership.from_row(m) for m in first_of(rows, first)]


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

    @strawberry.field(
        description="Who lives here now; with `includeMovedOut`, the history too. "
        + first_help("residents(houseId: …, movedOut: …)")
    )
    async def residents(
        self, info: Info, include_moved_out: bool = False, first: int | None = DEFAULT_PAGE_SIZE
    ) -> list[LazyResidency]:
        from schema.people import Residency

        rows = await info.context.loaders.residencies_of_house.load(int(self.id))
        shown = [r for r in rows if include_moved_out or r.moved_out is None]
        return [Residency.from_row(r) for r in first_of(shown, first)]


async def visible_house(info: Info, house_id: int | str | None) -> House | None:
    """The house something is at, for a field `house`: null when there is none, or when the
    viewer may not see it — or is no one (an integration or a device calling with its key).

    In a subscription message every subscriber asks for the same house: its row is read once per
    event for all of them (schema.shared_events.read_once_per_event), and each subscriber's own
    scope decides whether they see it (the same rule as the loader's query, for one row)."""
    viewer = info.context.authenticated_viewer
    if not house_id or viewer.person_id is None:
        return None
    row = await read_once_per_event(info.root_value, f"house:{house_id}", partial(_house_row, int(house_id)))
    if row is not NOT_SHARED:
        return House.from_row(row) if row is not None and space_access.may_see_house(viewer, row) else None
    row = await info.context.loaders.house.load(int(house_id))
    return House.from_row(row) if row else None


def house_audience(root: object, house_id: int | str | None, viewer: Viewer) -> str | Awaitable[str]:
    """For an event whose only field shared by scope is a `house` (visible_house): what decides
    its answer for this viewer — whether they see the house, from the very row the field reads
    (at once when that row was read already)."""
    if not house_id or viewer.person_id is None:
        return "none"
    read = shared_read(root, f"house:{house_id}", partial(_house_row, int(house_id)))
    if read is None:  # no shared event: nothing to share either
        raise TypeError("house_audience is for shared events (with a share_key)")
    if read.done() and not read.cancelled() and read.exception() is None:
        return _sees(viewer, read.result())
    return _house_audience_later(read, viewer)


async def _house_audience_later(read: asyncio.Future[sm.House | None], viewer: Viewer) -> str:
    return _sees(viewer, await asyncio.shield(read))


def _sees(viewer: Viewer, row: sm.House | None) -> str:
    return "sees" if row is not None and space_access.may_see_house(viewer, row) else "hidden"


async def _house_row(house_id: int) -> sm.House | None:
    return await sm.House.get_or_none(id=house_id)


@strawberry.input(description="A new community (platform admins only)")
class CommunityCreateInput:
    name: str = strawberry.field(description="Display name", metadata=stored_in(sm.Community, "name"))
    code: str = strawberry.field(
        description="Short stable code: 2-40 of A-Z 0-9 - _", metadata=stored_in(sm.Community, "code")
    )
    address: str = strawberry.field(
        default="", description="Postal address", metadata=stored_in(sm.Community, "address")
    )
    time_zone: str = strawberry.field(
        default=DEFAULT_TIME_ZONE, description=TIME_ZONE_HELP, metadata=stored_in(sm.Community, "time_zone")
    )


@strawberry.input(description="Changes to a community")
class CommunityUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which community")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(sm.Community, "name")
    )
    address: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(sm.Community, "address")
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(sm.Community, "time_zone")
    )


@strawberry.input(description="A new building")
class BuildingCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Its community")
    name: str = strawberry.field(description="Name or number", metadata=stored_in(sm.Building, "name"))
    floors: int | None = strawberry.field(default=None, description="Number of floors")


@strawberry.input(description="Changes to a building")
class BuildingUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which building")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(sm.Building, "name")
    )
    floors: int | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)


@strawberry.input(description="A new unit of a building")
class UnitCreateInput:
    building_id: strawberry.ID = strawberry.field(description="Its building")
    name: str = strawberry.field(description="Name or number", metadata=stored_in(sm.Unit, "name"))


@strawberry.input(description="A new grid")
class GridCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Its community")
    name: str = strawberry.field(description="Display name", metadata=stored_in(sm.Grid, "name"))


@strawberry.input(description="Changes to a grid")
class GridUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which grid")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(sm.Grid, "name")
    )


@strawberry.input(description="A new house")
class HouseCreateInput:
    building_id: strawberry.ID = strawberry.field(description="Its building")
    number: str = strawberry.field(description="Door number", metadata=stored_in(sm.House, "number"))
    unit_id: strawberry.ID | None = strawberry.field(default=None, description="Its unit, if the building has units")
    grid_id: strawberry.ID | None = strawberry.field(default=None, description="Its grid")
    floor: int | None = strawberry.field(default=None, description="Floor")
    area_m2: Decimal | None = strawberry.field(default=None, description="Floor area in square metres")


@strawberry.input(description="Changes to a house; null clears unit, grid, floor or area")
class HouseUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which house")
    number: str | None = strawberry.field(
        default=strawberry.UNSET, description=UNCHANGED, metadata=stored_in(sm.House, "number")
    )
    unit_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    grid_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    floor: int | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
    area_m2: Decimal | None = strawberry.field(default=strawberry.UNSET, description=UNCHANGED)
