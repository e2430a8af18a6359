"""What people data a viewer may read, and which personal fields it may see unmasked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import ID_NUMBER_READERS, Role
from auth.viewer import Viewer
from domain.people.models import Membership, Person, Residency
from domain.space.access import staff_houses
from domain.space.models import House


def readable_residencies(viewer: Viewer) -> QuerySet[Residency]:
    """A resident sees who lives in their house now; staff also see who lived there before."""
    viewer.require_person()
    if viewer.is_platform_admin:
        return Residency.all()
    return Residency.filter(
        Q(house_id__in=sorted(viewer.house_ids), moved_out=None)
        | Q(house_id__in=Subquery(House.filter(staff_houses(viewer)).values("id")))
    )


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


@dataclass(frozen=True)
class PersonalData:
    """Which personal fields of one person the viewer sees unmasked."""

    phone: bool = False
    id_number: bool = False
    care_tags: bool = False


EVERYTHING = PersonalData(phone=True, id_number=True, care_tags=True)


async def personal_data_visibility(viewer: Viewer, person_ids: Iterable[int]) -> dict[int, PersonalData]:
    """Who may see what, for a batch of persons (one loader, three queries).

    - themselves: everything;
    - their household, and the staff responsible for where they live now (community
      staff, housekeepers and grid workers of their grid): phone and care tags;
    - operators of the community they live in now: also the ID number;
    - staff of a community they work for: their phone (colleagues call each other).
    Anyone else who can see the person at all sees only masked values.
    """
    ids = sorted(set(person_ids))
    if viewer.is_platform_admin:
        return dict.fromkeys(ids, EVERYTHING)
    carers = (
        await Residency.filter(person_id__in=ids, moved_out=None)
        .filter(
            Q(house_id__in=sorted(viewer.house_ids))
            | Q(house_id__in=Subquery(House.filter(staff_houses(viewer)).values("id")))
        )
        .values_list("person_id", flat=True)
    )
    operators = await Residency.filter(
        person_id__in=ids, moved_out=None, community_id__in=sorted(viewer.communities_with(ID_NUMBER_READERS))
    ).values_list("person_id", flat=True)
    colleagues = await Membership.filter(
        person_id__in=ids, community_id__in=sorted(viewer.readable_community_ids), role__not=Role.RESIDENT
    ).values_list("person_id", flat=True)
    cared_for, operated, worked_with = _ints(carers), _ints(operators), _ints(colleagues)
    return {
        pid: EVERYTHING
        if pid == viewer.person_id
        else PersonalData(
            phone=pid in cared_for or pid in worked_with, id_number=pid in operated, care_tags=pid in cared_for
        )
        for pid in ids
    }


def _ints(values: Iterable[object]) -> set[int]:
    return {v for v in values if isinstance(v, int)}
