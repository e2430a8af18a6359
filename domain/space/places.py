"""Where something is in a community: a house (which implies its building and grid), a building,
coordinates. One check for every noun that places things (devices, events, and those to come)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.common.errors import InvalidInput, NotFound
from domain.space.models import Building, Community, House

_LATITUDE_LIMIT, _LONGITUDE_LIMIT = 90.0, 180.0


@dataclass(frozen=True)
class Place:
    community_id: int
    building_id: int | None = None
    house_id: int | None = None
    grid_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None


def check_coordinates(*, latitude: float | None, longitude: float | None) -> None:
    for name, value, limit in (("latitude", latitude, _LATITUDE_LIMIT), ("longitude", longitude, _LONGITUDE_LIMIT)):
        if value is not None and not -limit <= value <= limit:
            raise InvalidInput(f"{name} must be between -{limit:g} and {limit:g}", field=name)


async def community(community_id: int) -> None:
    """The community exists. A member's does; a platform admin may name any id, and a row written
    under one that names nothing would be refused by its foreign key, as an unexpected error."""
    if not await Community.exists(id=community_id):
        raise NotFound(f"No community {community_id}", field="communityId")


async def house_in(community_id: int, house_id: int) -> House:
    house = await House.get_or_none(id=house_id, community_id=community_id)
    if house is None:
        raise NotFound(f"No house {house_id} in this community", field="houseId")
    return house


async def building_in(community_id: int, building_id: int) -> None:
    if not await Building.exists(id=building_id, community_id=community_id):
        raise NotFound(f"No building {building_id} in this community", field="buildingId")


async def resolve(place: Place) -> Place:
    """The place checked against its community: a house fills in its building and grid, a
    building given with a house must be the house's, coordinates must be on the globe."""
    await community(place.community_id)
    building_id, grid_id = place.building_id, place.grid_id
    if place.house_id is not None:
        house = await house_in(place.community_id, place.house_id)
        if building_id is not None and building_id != house.building_id:
            raise InvalidInput("The house is in another building", field="buildingId")
        building_id, grid_id = house.building_id, house.grid_id or grid_id
    elif building_id is not None:
        await building_in(place.community_id, building_id)
    check_coordinates(latitude=place.latitude, longitude=place.longitude)
    return Place(
        community_id=place.community_id,
        building_id=building_id,
        house_id=place.house_id,
        grid_id=grid_id,
        latitude=place.latitude,
        longitude=place.longitude,
    )
