"""Space queries and mutations: read the viewer, call one domain function, map the result."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from domain.space import service
from resolvers.context import Context
from resolvers.ids import parse_id, parse_optional_id
from resolvers.updates import id_field, provided
from schema.common import PAGE_HELP, Connection, PageCursor, connection
from schema.space import (
    Building,
    BuildingCreateInput,
    BuildingUpdateInput,
    Community,
    CommunityCreateInput,
    CommunityUpdateInput,
    Grid,
    GridCreateInput,
    GridUpdateInput,
    House,
    HouseCreateInput,
    HouseUpdateInput,
    Unit,
    UnitCreateInput,
)


async def communities(
    info: Info[Context, None], first: int | None = 20, after: PageCursor = None
) -> Connection[Community]:
    page = await service.list_communities(info.context.viewer(), first=first, after=after)
    return connection(page, Community)


async def community(info: Info[Context, None], id: strawberry.ID) -> Community | None:
    return Community.from_row(await service.get_community(info.context.viewer(), parse_id(id, "id")))


async def buildings(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Building]:
    page = await service.list_buildings(
        info.context.viewer(), community_id=parse_optional_id(community_id, "communityId"), first=first, after=after
    )
    return connection(page, Building)


async def building(info: Info[Context, None], id: strawberry.ID) -> Building | None:
    return Building.from_row(await service.get_building(info.context.viewer(), parse_id(id, "id")))


async def houses(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    building_id: strawberry.ID | None = None,
    unit_id: strawberry.ID | None = None,
    grid_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[House]:
    page = await service.list_houses(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        building_id=parse_optional_id(building_id, "buildingId"),
        unit_id=parse_optional_id(unit_id, "unitId"),
        grid_id=parse_optional_id(grid_id, "gridId"),
        first=first,
        after=after,
    )
    return connection(page, House)


async def house(info: Info[Context, None], id: strawberry.ID) -> House | None:
    return House.from_row(await service.get_house(info.context.viewer(), parse_id(id, "id")))


async def grids(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Grid]:
    page = await service.list_grids(
        info.context.viewer(), community_id=parse_optional_id(community_id, "communityId"), first=first, after=after
    )
    return connection(page, Grid)


async def grid(info: Info[Context, None], id: strawberry.ID) -> Grid | None:
    return Grid.from_row(await service.get_grid(info.context.viewer(), parse_id(id, "id")))


async def community_create(info: Info[Context, None], input: CommunityCreateInput) -> Community:
    row = await service.create_community(
        info.context.viewer(), name=input.name, code=input.code, address=input.address, time_zone=input.time_zone
    )
    return Community.from_row(row)


async def community_update(info: Info[Context, None], input: CommunityUpdateInput) -> Community:
    changes = provided(input, {"name": None, "address": None, "time_zone": None})
    return Community.from_row(await service.update_community(info.context.viewer(), parse_id(input.id, "id"), changes))


async def building_create(info: Info[Context, None], input: BuildingCreateInput) -> Building:
    row = await service.create_building(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        name=input.name,
        floors=input.floors,
    )
    return Building.from_row(row)


async def building_update(info: Info[Context, None], input: BuildingUpdateInput) -> Building:
    changes = provided(input, {"name": None, "floors": None}, nullable=frozenset({"floors"}))
    return Building.from_row(await service.update_building(info.context.viewer(), parse_id(input.id, "id"), changes))


async def unit_create(info: Info[Context, None], input: UnitCreateInput) -> Unit:
    row = await service.create_unit(
        info.context.viewer(), building_id=parse_id(input.building_id, "buildingId"), name=input.name
    )
    return Unit.from_row(row)


async def grid_create(info: Info[Context, None], input: GridCreateInput) -> Grid:
    row = await service.create_grid(
        info.context.viewer(), community_id=parse_id(input.community_id, "communityId"), name=input.name
    )
    return Grid.from_row(row)


async def grid_update(info: Info[Context, None], input: GridUpdateInput) -> Grid:
    changes = provided(input, {"name": None})
    return Grid.from_row(await service.update_grid(info.context.viewer(), parse_id(input.id, "id"), changes))


async def house_create(info: Info[Context, None], input: HouseCreateInput) -> House:
    row = await service.create_house(
        info.context.viewer(),
        building_id=parse_id(input.building_id, "buildingId"),
        number=input.number,
        unit_id=parse_optional_id(input.unit_id, "unitId"),
        grid_id=parse_optional_id(input.grid_id, "gridId"),
        floor=input.floor,
        area_m2=input.area_m2,
    )
    return House.from_row(row)


async def house_update(info: Info[Context, None], input: HouseUpdateInput) -> House:
    changes = provided(
        input,
        {"number": None, "unit_id": id_field("unitId"), "grid_id": id_field("gridId"), "floor": None, "area_m2": None},
        nullable=frozenset({"unit_id", "grid_id", "floor", "area_m2"}),
    )
    return House.from_row(await service.update_house(info.context.viewer(), parse_id(input.id, "id"), changes))


@strawberry.type
class Query:
    communities: Connection[Community] = strawberry.field(
        resolver=communities, description=f"Communities you belong to. {PAGE_HELP}"
    )
    community: Community | None = strawberry.field(
        resolver=community,
        description="One community: null, with a NOT_FOUND error, when there is none you may see (the rest of the answer stands)",
    )
    buildings: Connection[Building] = strawberry.field(
        resolver=buildings, description=f"Buildings you may see. {PAGE_HELP}"
    )
    building: Building | None = strawberry.field(
        resolver=building,
        description="One building: null, with a NOT_FOUND error, when there is none you may see (the rest of the answer stands)",
    )
    houses: Connection[House] = strawberry.field(
        resolver=houses, description=f"Houses you may see, filtered by community, building, unit or grid. {PAGE_HELP}"
    )
    house: House | None = strawberry.field(
        resolver=house,
        description="One house: null, with a NOT_FOUND error, when there is none you may see (the rest of the answer stands)",
    )
    grids: Connection[Grid] = strawberry.field(resolver=grids, description=f"Grids you may see. {PAGE_HELP}")
    grid: Grid | None = strawberry.field(
        resolver=grid,
        description="One grid: null, with a NOT_FOUND error, when there is none you may see (the rest of the answer stands)",
    )


@strawberry.type
class Mutation:
    community_create: Community = strawberry.field(resolver=community_create, description="Platform admins")
    community_update: Community = strawberry.field(resolver=community_update, description="Operators")
    building_create: Building = strawberry.field(resolver=building_create, description="Operators")
    building_update: Building = strawberry.field(resolver=building_update, description="Operators")
    unit_create: Unit = strawberry.field(resolver=unit_create, description="Operators")
    grid_create: Grid = strawberry.field(resolver=grid_create, description="Operators")
    grid_update: Grid = strawberry.field(resolver=grid_update, description="Operators")
    house_create: House = strawberry.field(resolver=house_create, description="Operators")
    house_update: House = strawberry.field(resolver=house_update, description="Operators")
