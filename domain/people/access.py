"""What people data a viewer may read, and which personal fields it may see unmasked."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import ID_NUMBER_READERS, Role
from auth.viewer import Viewer
from domain.people.models import Membership, Person, Residency
from domain.space.access import readable_houses


def readable_residencies(viewer: Viewer) -> QuerySet[Residency]:
    """Residencies of the houses the viewer may read: a resident sees their household only."""
    viewer.require_person()
    if viewer.is_platform_admin:
        return Residency.all()
    return Residency.filter(house_id__in=Subquery(readable_houses(viewer).values("id")))


def readable_memberships(viewer: Viewer) -> QuerySet[Membership]:
    viewer.require_person()
    if viewer.is_platform_admin:
        return Membership.all()
    return Membership.filter(
        Q(person_id=viewer.person_id or 0) | Q(community_id__in=sorted(viewer.readable_community_ids))
    )


def readable_persons(viewer: Viewer) -> QuerySet[Person]:
    viewer.require_person()
    if viewer.is_platform_admin:
        return Person.all()
    return Person.filter(
        Q(id=viewer.person_id or 0)
        | Q(id__in=Subquery(readable_residencies(viewer).values("person_id")))
        | Q(
            id__in=Subquery(
                Membership.filter(community_id__in=sorted(viewer.readable_community_ids)).values("person_id")
            )
        )
    )


async def contact_visible(viewer: Viewer, person_ids: Iterable[int]) -> set[int]:
    """Of these persons, whose phone (and care tags) the viewer may see.

    Themselves, their household, and staff responsible for them: community-wide
    staff of a community they live in, housekeepers and grid workers of their grid.
    """
    ids = set(person_ids)
    if viewer.is_platform_admin:
        return ids
    visible = _self_among(viewer, ids)
    rows = (
        await Residency.filter(person_id__in=sorted(ids), moved_out=None)
        .filter(
            Q(house_id__in=sorted(viewer.house_ids))
            | Q(community_id__in=sorted(viewer.readable_community_ids))
            | Q(house__grid_id__in=sorted(viewer.grid_ids))
        )
        .values_list("person_id", flat=True)
    )
    colleagues = await Membership.filter(
        person_id__in=sorted(ids), community_id__in=sorted(viewer.readable_community_ids), role__not=Role.RESIDENT
    ).values_list("person_id", flat=True)
    return visible | _ints(rows) | _ints(colleagues)


async def id_number_visible(viewer: Viewer, person_ids: Iterable[int]) -> set[int]:
    """Of these persons, whose ID number the viewer may see: themselves, or an operator of the
    community they live in now (or work for)."""
    ids = set(person_ids)
    if viewer.is_platform_admin:
        return ids
    communities = sorted(viewer.communities_with(ID_NUMBER_READERS))
    residents = await Residency.filter(
        person_id__in=sorted(ids), community_id__in=communities, moved_out=None
    ).values_list("person_id", flat=True)
    staff = await Membership.filter(
        person_id__in=sorted(ids), community_id__in=communities, role__not=Role.RESIDENT
    ).values_list("person_id", flat=True)
    return _self_among(viewer, ids) | _ints(residents) | _ints(staff)


def _self_among(viewer: Viewer, ids: set[int]) -> set[int]:
    return {viewer.person_id} if viewer.person_id is not None and viewer.person_id in ids else set()


def _ints(values: Iterable[object]) -> set[int]:
    return {int(v) for v in values if isinstance(v, int)}
