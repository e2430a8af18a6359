"""Every "may" of space: what a viewer may read (every list and lookup starts here) and who changes it."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import OPERATORS
from auth.viewer import Viewer
from domain.common.guards import require_person, require_platform_admin, require_role
from domain.space.models import Building, Community, Grid, House, Unit


def readable_communities(viewer: Viewer) -> QuerySet[Community]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return Community.all()
    return Community.filter(id__in=sorted(viewer.member_community_ids))


def in_scope(viewer: Viewer, *, community: str = "community_id", grid: str = "grid_id", house: str = "house_id") -> Q:
    """The one rule of who sees what happens at a place, as a filter on any row that has one:
    whole communities for their staff, their grids for grid staff, their own houses for
    residents. The arguments name the row's fields (an alarm's ``grid_id``, a device's
    ``house__grid_id``). Viewer.sees_place is the same rule for one loaded message."""
    scopes: list[dict[str, Any]] = [
        {f"{community}__in": sorted(viewer.readable_community_ids)},
        {f"{grid}__in": sorted(viewer.grid_ids)},
        {f"{house}__in": sorted(viewer.house_ids)},
    ]
    return Q(*(Q(**scope) for scope in scopes), join_type="OR")


def readable_houses(viewer: Viewer) -> QuerySet[House]:
    """Whole communities for operators and property staff, their grids for housekeepers
    and grid workers, the houses they live in for residents."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return House.all()
    return House.filter(in_scope(viewer, house="id"))


def may_see_house(viewer: Viewer, house: House) -> bool:
    """readable_houses' rule for one loaded house (Viewer.sees_place is in_scope for one place)."""
    return viewer.person_id is not None and viewer.sees_place(
        community_id=house.community_id, grid_id=house.grid_id, house_id=house.id
    )


def staff_houses(viewer: Viewer) -> Q:
    """Houses the viewer is responsible for as staff: whole communities, or their grids."""
    return Q(community_id__in=sorted(viewer.readable_community_ids)) | Q(grid_id__in=sorted(viewer.grid_ids))


def readable_buildings(viewer: Viewer) -> QuerySet[Building]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return Building.all()
    return Building.filter(
        Q(community_id__in=sorted(viewer.readable_community_ids))
        | Q(id__in=Subquery(readable_houses(viewer).values("building_id")))
    )


def readable_units(viewer: Viewer) -> QuerySet[Unit]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return Unit.all()
    return Unit.filter(
        Q(community_id__in=sorted(viewer.readable_community_ids))
        | Q(id__in=Subquery(readable_houses(viewer).values("unit_id")))
    )


def readable_grids(viewer: Viewer) -> QuerySet[Grid]:
    """Staff see their grids, residents the grid of their own house (to find their housekeeper)."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Grid.all()
    return Grid.filter(
        Q(community_id__in=sorted(viewer.readable_community_ids))
        | Q(id__in=sorted(viewer.grid_ids))
        | Q(id__in=Subquery(House.filter(id__in=sorted(viewer.house_ids)).values("grid_id")))
    )


def check_create_community(viewer: Viewer) -> None:
    require_platform_admin(viewer, "Creating a community")


def check_manage(viewer: Viewer, community_id: int, action: str) -> None:
    """Buildings, units, grids, houses and the community's details: its operators."""
    require_role(viewer, community_id, OPERATORS, action)
