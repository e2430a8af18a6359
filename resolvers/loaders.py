"""DataLoaders for every nested edge, built per operation from the viewer's access queries.

Each loader turns N lookups into one query, and starts from the same access
query as the top-level lists, so nesting never shows more than a list would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.people import access as people_access
from domain.people.models import Person, PersonTag
from domain.space import access as space_access
from domain.space.models import Building, Community, Grid, House, Unit

M = TypeVar("M", bound=Model)
V = TypeVar("V")


def _by_id(queryset: Callable[[], QuerySet[M]]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await queryset().filter(id__in=list(ids))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _grouped(queryset: Callable[[], QuerySet[M]], key: str) -> DataLoader[int, list[M]]:
    async def load(keys: Sequence[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        for row in await queryset().filter(**{f"{key}__in": list(keys)}).order_by("id"):
            groups[getattr(row, key)].append(row)
        return [groups.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


def _batch(fetch: Callable[[Sequence[int]], Awaitable[dict[int, V]]]) -> DataLoader[int, V]:
    async def load(keys: Sequence[int]) -> list[V]:
        found = await fetch(keys)
        return [found[k] for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, viewer: Viewer) -> None:
        v = viewer
        self.community: DataLoader[int, Community | None] = _by_id(lambda: space_access.readable_communities(v))
        self.building: DataLoader[int, Building | None] = _by_id(lambda: space_access.readable_buildings(v))
        self.unit: DataLoader[int, Unit | None] = _by_id(lambda: space_access.readable_units(v))
        self.grid: DataLoader[int, Grid | None] = _by_id(lambda: space_access.readable_grids(v))
        self.house: DataLoader[int, House | None] = _by_id(lambda: space_access.readable_houses(v))
        self.person: DataLoader[int, Person | None] = _by_id(lambda: people_access.readable_persons(v))

        self.buildings_of_community = _grouped(lambda: space_access.readable_buildings(v), "community_id")
        self.grids_of_community = _grouped(lambda: space_access.readable_grids(v), "community_id")
        self.units_of_building = _grouped(lambda: space_access.readable_units(v), "building_id")
        self.houses_of_building = _grouped(lambda: space_access.readable_houses(v), "building_id")
        self.houses_of_unit = _grouped(lambda: space_access.readable_houses(v), "unit_id")
        self.houses_of_grid = _grouped(lambda: space_access.readable_houses(v), "grid_id")
        self.residencies_of_house = _grouped(lambda: people_access.readable_residencies(v), "house_id")
        self.residencies_of_person = _grouped(lambda: people_access.readable_residencies(v), "person_id")
        self.memberships_of_person = _grouped(lambda: people_access.readable_memberships(v), "person_id")
        self.memberships_of_grid = _grouped(lambda: people_access.readable_memberships(v), "grid_id")
        self.tags_of_person: DataLoader[int, list[PersonTag]] = _grouped(lambda: PersonTag.all(), "person_id")

        self.personal_data: DataLoader[int, people_access.PersonalData] = _batch(
            lambda ids: people_access.personal_data_visibility(v, ids)
        )
