"""Rules for communities, buildings, units, grids and houses."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given, lock, only_known, save_or_conflict
from domain.common.text import text
from domain.space import access, calendar
from domain.space.models import Building, Community, Grid, House, Unit
from realtime.outbox import transaction

_CODE = re.compile(r"^[A-Z0-9_-]{2,40}$")


def _label(value: str, field: str, max_length: int = 50) -> str:
    return text(value, field=field, max_length=max_length)


def _address(value: str) -> str:
    return text(value, field="address", max_length=255, min_length=0)


# --- reads -------------------------------------------------------------------


async def list_communities(viewer: Viewer, *, first: int | None, after: str | None) -> Page[Community]:
    return await paginate(access.readable_communities(viewer), first=first, after=after)


async def get_community(viewer: Viewer, community_id: int) -> Community:
    return await get_visible(access.readable_communities(viewer), community_id, what="community", field="id")


async def list_buildings(
    viewer: Viewer, *, community_id: int | None, first: int | None, after: str | None
) -> Page[Building]:
    qs = access.readable_buildings(viewer).filter(**given(community_id=community_id))
    return await paginate(qs, first=first, after=after)


async def get_building(viewer: Viewer, building_id: int) -> Building:
    return await get_visible(access.readable_buildings(viewer), building_id, what="building", field="id")


async def list_houses(
    viewer: Viewer,
    *,
    community_id: int | None = None,
    building_id: int | None = None,
    unit_id: int | None = None,
    grid_id: int | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[House]:
    filters = given(community_id=community_id, building_id=building_id, unit_id=unit_id, grid_id=grid_id)
    qs = access.readable_houses(viewer).filter(**filters)
    return await paginate(qs, first=first, after=after)


async def get_house(viewer: Viewer, house_id: int) -> House:
    return await get_visible(access.readable_houses(viewer), house_id, what="house", field="id")


async def list_grids(viewer: Viewer, *, community_id: int | None, first: int | None, after: str | None) -> Page[Grid]:
    qs = access.readable_grids(viewer).filter(**given(community_id=community_id))
    return await paginate(qs, first=first, after=after)


async def get_grid(viewer: Viewer, grid_id: int) -> Grid:
    return await get_visible(access.readable_grids(viewer), grid_id, what="grid", field="id")


# --- writes ------------------------------------------------------------------


async def create_community(
    viewer: Viewer, *, name: str, code: str, address: str = "", time_zone: str = calendar.DEFAULT_TIME_ZONE
) -> Community:
    access.check_create_community(viewer)
    code = code.strip().upper()
    if not _CODE.match(code):
        raise InvalidInput("A community code is 2 to 40 letters, digits, '-' or '_'", field="code")
    community = Community(
        name=_label(name, "name", 100), code=code, address=_address(address), time_zone=calendar.time_zone(time_zone)
    )
    await save_or_conflict(community, f"A community with code {code} exists already", field="code")
    return community


async def update_community(viewer: Viewer, community_id: int, changes: dict[str, Any]) -> Community:
    only_known(changes, {"name", "address", "time_zone"})
    community = await _managed_community(viewer, community_id, "Changing a community")
    if "name" in changes:
        community.name = _label(changes["name"], "name", 100)
    if "address" in changes:
        community.address = _address(changes["address"])
    if "time_zone" in changes:
        community.time_zone = calendar.time_zone(changes["time_zone"])
    await community.save(update_fields=list(changes))
    return community


async def _managed_community(viewer: Viewer, community_id: int, action: str) -> Community:
    community = await get_community(viewer, community_id)
    access.check_manage(viewer, community.id, action)
    return community


async def create_building(viewer: Viewer, *, community_id: int, name: str, floors: int | None = None) -> Building:
    community = await _managed_community(viewer, community_id, "Adding a building")
    building = Building(community_id=community.id, name=_label(name, "name"), floors=_floors(floors))
    await save_or_conflict(building, f"Building {building.name} exists already in this community", field="name")
    return building


def _floors(floors: int | None) -> int | None:
    if floors is not None and not 1 <= floors <= 200:
        raise InvalidInput("floors must be between 1 and 200", field="floors")
    return floors


async def update_building(viewer: Viewer, building_id: int, changes: dict[str, Any]) -> Building:
    only_known(changes, {"name", "floors"})
    building = await get_building(viewer, building_id)
    access.check_manage(viewer, building.community_id, "Changing a building")
    if "name" in changes:
        building.name = _label(changes["name"], "name")
    if "floors" in changes:
        building.floors = _floors(changes["floors"])
    await save_or_conflict(building, "Another building has this name", field="name", update_fields=list(changes))
    return building


async def create_unit(viewer: Viewer, *, building_id: int, name: str) -> Unit:
    building = await get_building(viewer, building_id)
    access.check_manage(viewer, building.community_id, "Adding a unit")
    unit = Unit(community_id=building.community_id, building_id=building.id, name=_label(name, "name"))
    await save_or_conflict(unit, f"Unit {unit.name} exists already in this building", field="name")
    return unit


async def create_grid(viewer: Viewer, *, community_id: int, name: str) -> Grid:
    community = await _managed_community(viewer, community_id, "Adding a grid")
    grid = Grid(community_id=community.id, name=_label(name, "name"))
    await save_or_conflict(grid, f"Grid {grid.name} exists already in this community", field="name")
    return grid


async def update_grid(viewer: Viewer, grid_id: int, changes: dict[str, Any]) -> Grid:
    only_known(changes, {"name"})
    grid = await get_grid(viewer, grid_id)
    access.check_manage(viewer, grid.community_id, "Changing a grid")
    if "name" in changes:
        grid.name = _label(changes["name"], "name")
    await save_or_conflict(grid, "Another grid has this name", field="name", update_fields=list(changes))
    return grid


async def create_house(
    viewer: Viewer,
    *,
    building_id: int,
    number: str,
    unit_id: int | None = None,
    grid_id: int | None = None,
    floor: int | None = None,
    area_m2: Decimal | None = None,
) -> House:
    async with transaction():
        building = await get_building(viewer, building_id)
        access.check_manage(viewer, building.community_id, "Adding a house")
        await lock(Building, building.id)  # house numbers are unique per building and unit
        house = House(community_id=building.community_id, building_id=building.id, number=_label(number, "number", 20))
        await _apply_house_changes(house, {"unit_id": unit_id, "grid_id": grid_id, "floor": floor, "area_m2": area_m2})
        if await House.filter(building_id=building.id, unit_id=house.unit_id, number=house.number).exists():
            # The unique index does not see two NULL units as equal: check it here for houses without a unit.
            raise _duplicate_house(house)
        await save_or_conflict(house, f"House {house.number} exists already there", field="number")
        return house


def _duplicate_house(house: House) -> Conflict:
    return Conflict(f"House {house.number} exists already there", field="number")


async def update_house(viewer: Viewer, house_id: int, changes: dict[str, Any]) -> House:
    only_known(changes, {"number", "unit_id", "grid_id", "floor", "area_m2"})
    async with transaction():
        visible = await get_house(viewer, house_id)
        access.check_manage(viewer, visible.community_id, "Changing a house")
        await lock(Building, visible.building_id)
        house = await House.get(id=visible.id)  # read again under the lock: a concurrent edit may have landed
        if "number" in changes:
            house.number = _label(changes["number"], "number", 20)
        await _apply_house_changes(house, changes)
        clash = House.filter(building_id=house.building_id, unit_id=house.unit_id, number=house.number)
        if await clash.exclude(id=house.id).exists():
            raise _duplicate_house(house)
        await save_or_conflict(
            house, f"House {house.number} exists already there", field="number", update_fields=list(changes)
        )
        return house


def _area(value: Decimal | None) -> Decimal | None:
    """Square metres with two decimals, as stored: checked after rounding, so 0.001 is not 'positive'."""
    if value is None:
        return None
    area = Decimal(value)
    if not (area.is_finite() and Decimal(0) < area < Decimal(100000)):
        raise InvalidInput("areaM2 must be positive and below 100000", field="areaM2")
    area = area.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not Decimal(0) < area < Decimal(100000):
        raise InvalidInput("areaM2 must be positive and below 100000", field="areaM2")
    return area


async def _apply_house_changes(house: House, changes: dict[str, Any]) -> None:
    """Unit and grid must belong to the house's building and community; numbers must be sane."""
    if "unit_id" in changes:
        unit_id = changes["unit_id"]
        if unit_id is not None and not await Unit.filter(id=unit_id, building_id=house.building_id).exists():
            raise InvalidInput("That unit is not in this house's building", field="unitId")
        house.unit_id = unit_id
    if "grid_id" in changes:
        grid_id = changes["grid_id"]
        if grid_id is not None and not await Grid.filter(id=grid_id, community_id=house.community_id).exists():
            raise InvalidInput("That grid is not in this house's community", field="gridId")
        house.grid_id = grid_id
    if "floor" in changes:
        floor = changes["floor"]
        if floor is not None and not -5 <= floor <= 200:
            raise InvalidInput("floor must be between -5 and 200", field="floor")
        house.floor = floor
    if "area_m2" in changes:
        house.area_m2 = _area(changes["area_m2"])
