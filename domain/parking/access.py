"""Every "may" of parking: who reads lots, spaces, cars, passes and gate records, who runs the car
parks, who registers a car or lets a visitor in, who follows the free spaces live.

Lots and how many of their spaces are free are no secret to anyone of the community. Spaces, cars
and passes belong to households: the community's office (operators, property staff) sees all of its
community's, a resident their own houses'. The car parks themselves (lots, spaces, their sensors and
gates) are its operators' to set up; gate records are the office's to read.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS
from auth.viewer import Viewer
from domain.common.errors import Forbidden
from domain.common.guards import require_person, require_role
from domain.parking.models import Car, GateRecord, ParkingLot, ParkingPass, ParkingSpace


def _office(viewer: Viewer) -> list[int]:
    return sorted(viewer.communities_with(COMMUNITY_STAFF))


def readable_lots(viewer: Viewer) -> QuerySet[ParkingLot]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return ParkingLot.all()
    return ParkingLot.filter(community_id__in=sorted(viewer.member_community_ids))


def readable_spaces(viewer: Viewer) -> QuerySet[ParkingSpace]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return ParkingSpace.all()
    return ParkingSpace.filter(Q(community_id__in=_office(viewer)) | Q(house_id__in=sorted(viewer.house_ids)))


def readable_cars(viewer: Viewer) -> QuerySet[Car]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return Car.all()
    return Car.filter(Q(community_id__in=_office(viewer)) | Q(house_id__in=sorted(viewer.house_ids)))


def readable_passes(viewer: Viewer) -> QuerySet[ParkingPass]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return ParkingPass.all()
    return ParkingPass.filter(Q(community_id__in=_office(viewer)) | Q(house_id__in=sorted(viewer.house_ids)))


def readable_gate_records(viewer: Viewer) -> QuerySet[GateRecord]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return GateRecord.all()
    return GateRecord.filter(community_id__in=_office(viewer))


def check_manage(viewer: Viewer, community_id: int, action: str) -> None:
    """Lots, spaces, their sensors and gates: the community's operators."""
    require_role(viewer, community_id, OPERATORS, action)


def check_member(viewer: Viewer, community_id: int) -> None:
    """Availability (and its live counts): anyone of the community."""
    require_person(viewer)
    if community_id not in viewer.member_community_ids and not viewer.is_platform_admin:
        raise Forbidden("Only members of this community see its parking", field="communityId")


def check_for_household(viewer: Viewer, community_id: int, house_id: int, action: str) -> None:
    """A household's car: someone who lives there, or the community's office."""
    require_person(viewer)
    if house_id in viewer.house_ids or viewer.has_role(community_id, COMMUNITY_STAFF):
        return
    raise Forbidden(f"{action} is for the household itself or the property office", field="houseId")


def check_issue_pass(viewer: Viewer, house_id: int) -> None:
    """A visitor's pass is the host's: someone who lives in the house."""
    require_person(viewer)
    if house_id not in viewer.house_ids:
        raise Forbidden("Visitors' passes are issued by someone who lives in the house", field="houseId")


def check_cancel_pass(viewer: Viewer, parking_pass: ParkingPass) -> None:
    require_person(viewer)
    if parking_pass.house_id in viewer.house_ids or viewer.has_role(parking_pass.community_id, COMMUNITY_STAFF):
        return
    raise Forbidden("Only the household or the property office cancels a pass", field="id")


def may_receive(viewer: Viewer, payload: dict[str, Any]) -> bool:
    """A lot's free spaces reach anyone of its community."""
    return viewer.is_platform_admin or payload.get("community_id") in viewer.member_community_ids
