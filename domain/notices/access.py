"""Every "may" of notices: who reads which, who sends to whom, who sees the receipts, which live
notice reaches whom.

A notice is its households' (fixed when it is sent, ``NoticeHousehold``): residents read those
aimed at the houses they live in now (a house's own notices only from the day they moved in: the
ones before were the former household's); housekeepers and grid workers those reaching a house of
their grid, and the ones they sent; the community's office (operators, property staff) all of its
community's. Staff send: the office to anything in their community, grid staff only to households
of their grid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, STAFF
from auth.viewer import Viewer
from domain.common.errors import Forbidden, InvalidInput
from domain.common.guards import require_person, require_role
from domain.notices.models import Notice, NoticeHousehold, TargetKind


def home_since(since: date) -> datetime:
    """From when a household's own notices are the new resident's (the start of the move-in day, UTC)."""
    return datetime.combine(since, time.min, tzinfo=UTC)


def readable_notices(viewer: Viewer) -> QuerySet[Notice]:
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return Notice.all()
    visible = Q(community_id__in=sorted(viewer.readable_community_ids)) | Q(sender_id=person)
    if viewer.grid_ids:
        reaching = NoticeHousehold.filter(house__grid_id__in=sorted(viewer.grid_ids)).values("notice_id")
        visible |= Q(id__in=Subquery(reaching))
    for house_id, since in viewer.homes_since:
        theirs = Q(id__in=Subquery(NoticeHousehold.filter(house_id=house_id).values("notice_id")))
        visible |= theirs & (~Q(target_kind=TargetKind.HOUSE) | Q(created_at__gte=home_since(since)))
    return Notice.filter(visible)


def own_houses(viewer: Viewer, notice: Notice) -> list[int]:
    """The viewer's households that may mark this notice read (it may reach none of them)."""
    return sorted(
        house_id
        for house_id, since in viewer.homes_since
        if notice.target_kind is not TargetKind.HOUSE or notice.created_at >= home_since(since)
    )


def check_send(viewer: Viewer, community_id: int) -> None:
    """Notices come from the community's staff: its office, its housekeepers and grid workers."""
    require_role(viewer, community_id, STAFF, "Sending a notice")


def check_send_to(viewer: Viewer, community_id: int, kind: TargetKind, grids: Iterable[int | None]) -> None:
    """The office sends to anything of its community; grid staff to the households of their grid only."""
    if viewer.has_role(community_id, COMMUNITY_STAFF):
        return
    if kind is TargetKind.COMMUNITY or not set(grids) <= viewer.grid_ids:
        raise Forbidden("Housekeepers and grid workers send notices to the households of their grid", field="targetIds")


def sees_receipts(viewer: Viewer, notice: Notice) -> bool:
    """How many households read it: its sender and the community's staff."""
    return viewer.person_id == notice.sender_id or viewer.has_role(notice.community_id, STAFF)


def check_mark_read(viewer: Viewer, households: list[int]) -> None:
    require_person(viewer)
    if not households:
        raise Forbidden("Only a household the notice was sent to marks it read", field="id")


def own_community(viewer: Viewer, community_id: int | None) -> int:
    """The community whose notices one follows live: named, or the only one the viewer lives in."""
    require_person(viewer)
    homes = sorted(viewer.resident_community_ids)
    if community_id is None:
        if len(homes) != 1:
            raise InvalidInput("Name the community (communityId)", field="communityId")
        return homes[0]
    if community_id not in viewer.resident_community_ids:
        raise Forbidden("Notices reach the households of a community you live in", field="communityId")
    return community_id


@dataclass(frozen=True)
class Home:
    """A house the viewer lives in, where it is (what a notice's targets name)."""

    house_id: int
    unit_id: int | None
    building_id: int
    community_id: int
    since: date


def may_receive(viewer: Viewer, homes: Iterable[Home], payload: dict[str, Any]) -> bool:
    """A live notice reaches a resident one of whose households it was sent to, as the viewer is
    now (``homes``: the viewer's houses where they are, read with the viewer)."""
    if viewer.person_id is None or payload.get("community_id") not in viewer.resident_community_ids:
        return False
    kind = TargetKind(payload["target_kind"])
    targets = set(payload["target_ids"])
    sent = datetime.fromisoformat(payload["created_at"])
    for home in homes:
        if home.house_id not in viewer.house_ids or home.community_id != payload["community_id"]:
            continue
        if (
            kind is TargetKind.COMMUNITY
            or (kind is TargetKind.BUILDING and home.building_id in targets)
            or (kind is TargetKind.UNIT and home.unit_id in targets)
            or (kind is TargetKind.HOUSE and home.house_id in targets and sent >= home_since(home.since))
        ):
            return True
    return False
