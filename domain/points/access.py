"""Every "may" of points: whose ledger one reads, who grants, who runs the mall, who collects,
which live entry reaches whom, and who sees names on the leaderboard.

A ledger is a person's in one community: the person reads their own; the community's operators
read anyone's there (and grant, deduct, change the rules, list rewards); its office (operators
and property staff) hands out and cancels redemptions. Nobody else sees any of it.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS
from auth.viewer import Viewer
from domain.common.errors import Forbidden, InvalidInput
from domain.common.guards import require_person, require_role
from domain.points.models import Entry, Redemption, Reward


def _operated(viewer: Viewer) -> list[int]:
    return sorted(viewer.communities_with(OPERATORS))


def readable_entries(viewer: Viewer) -> QuerySet[Entry]:
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return Entry.all()
    return Entry.filter(Q(person_id=person) | Q(community_id__in=_operated(viewer)))


def readable_rewards(viewer: Viewer) -> QuerySet[Reward]:
    """A community's mall, for everyone who belongs to it."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Reward.all()
    return Reward.filter(community_id__in=sorted(viewer.member_community_ids))


def readable_redemptions(viewer: Viewer) -> QuerySet[Redemption]:
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return Redemption.all()
    return Redemption.filter(Q(person_id=person) | Q(community_id__in=sorted(viewer.communities_with(COMMUNITY_STAFF))))


def own_community(viewer: Viewer, community_id: int | None) -> int:
    """The community of one's own ledger: named, or the only one the viewer lives in."""
    require_person(viewer)
    homes = sorted(viewer.resident_community_ids)
    if community_id is None:
        if len(homes) != 1:
            raise InvalidInput("Name the community (communityId)", field="communityId")
        return homes[0]
    if community_id not in viewer.member_community_ids and not viewer.is_platform_admin:
        raise Forbidden("Your points are those of a community you belong to", field="communityId")
    return community_id


def check_member(viewer: Viewer, community_id: int) -> None:
    require_person(viewer)
    if community_id not in viewer.member_community_ids and not viewer.is_platform_admin:
        raise Forbidden("Only members of this community see its points", field="communityId")


def check_operate(viewer: Viewer, community_id: int) -> None:
    """Grants and deductions, the rules, the mall's rewards, who has low credit: its operators."""
    require_role(viewer, community_id, OPERATORS, "Running the community's points")


def check_hand_out(viewer: Viewer, community_id: int) -> None:
    """Handing a redeemed reward over, or cancelling a redemption: the community's office."""
    require_role(viewer, community_id, COMMUNITY_STAFF, "Handing out rewards")


def check_redeem(viewer: Viewer, community_id: int) -> int:
    """Rewards are for the community's residents (its staff see the mall, and do not shop in it)."""
    person = require_person(viewer)
    if community_id not in viewer.resident_community_ids:
        raise Forbidden("Rewards are for the residents of the community", field="rewardId")
    return person


def check_cancel(viewer: Viewer, redemption: Redemption) -> None:
    if viewer.person_id == redemption.person_id:
        return
    check_hand_out(viewer, redemption.community_id)


def sees_names(viewer: Viewer, community_id: int) -> bool:
    """The leaderboard shows names in full to the community's operators only."""
    return viewer.has_role(community_id, OPERATORS)


def may_receive(viewer: Viewer, payload: dict[str, Any]) -> bool:
    """A live entry reaches the person whose ledger it is, and nobody else."""
    return viewer.person_id is not None and payload.get("person_id") == viewer.person_id
