"""Every "may" of neighbours.

Everything is a community's: its residents and staff (its members) read its groups, its board,
its activities and its help requests; nobody else does. A group by approval (``APPROVAL``) keeps
its posts and comments to its active members, and to the community's operators. The community's
office (``COMMUNITY_STAFF``) runs groups and activities (creates them, names group admins, checks
people in, finishes an activity); its operators moderate (see removed posts with the reason, list
and resolve abuse reports, remove anything). A group's admins approve joins and remove posts of
their group. Authors edit and delete their own.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS
from auth.viewer import Viewer
from domain.common.errors import Forbidden
from domain.common.guards import require_person, require_role
from domain.neighbours.models import (
    AbuseReport,
    Activity,
    Comment,
    Group,
    GroupMember,
    HelpOffer,
    HelpRequest,
    JoinPolicy,
    MemberRole,
    MemberStatus,
    Post,
    PostPhoto,
    PostStatus,
    Signup,
)

# Who runs groups and activities, and who moderates what is written.
MANAGERS = COMMUNITY_STAFF
MODERATORS = OPERATORS


def _members(viewer: Viewer) -> list[int]:
    return sorted(viewer.member_community_ids)


def _moderated(viewer: Viewer) -> list[int]:
    return sorted(viewer.communities_with(MODERATORS))


def _managed(viewer: Viewer) -> list[int]:
    return sorted(viewer.communities_with(MANAGERS))


def manages(viewer: Viewer, community_id: int) -> bool:
    return viewer.has_role(community_id, MANAGERS)


def moderates(viewer: Viewer, community_id: int) -> bool:
    return viewer.has_role(community_id, MODERATORS)


def _my_groups(person_id: int, *, admin: bool = False) -> Subquery:
    rows = GroupMember.filter(person_id=person_id, status=MemberStatus.ACTIVE)
    if admin:
        rows = rows.filter(role=MemberRole.ADMIN)
    return Subquery(rows.values("group_id"))


# --- reading ---------------------------------------------------------------------------------


def readable_groups(viewer: Viewer) -> QuerySet[Group]:
    """Every group of the communities the viewer belongs to (a group by approval too: its name
    and what it is for, so one can ask to join; not its posts)."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Group.all()
    return Group.filter(community_id__in=_members(viewer))


def readable_members(viewer: Viewer) -> QuerySet[GroupMember]:
    """Who is in a group: for those who read its posts. Requests waiting for approval: for the
    group's admins and the office. One's own row, always."""
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return GroupMember.all()
    return GroupMember.filter(
        Q(person_id=person)
        | Q(community_id__in=_managed(viewer))
        | Q(group_id__in=_my_groups(person, admin=True))
        | Q(
            Q(community_id__in=_members(viewer)),
            Q(status=MemberStatus.ACTIVE),
            Q(Q(group__join_policy=JoinPolicy.OPEN) | Q(group_id__in=_my_groups(person))),
        )
    )


def readable_posts(viewer: Viewer) -> QuerySet[Post]:
    """The board and open groups' posts for the community's members; a group by approval's for
    its members; everything but what authors deleted for its operators (removed posts too)."""
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return Post.exclude(status=PostStatus.DELETED)
    return Post.filter(
        Q(community_id__in=_moderated(viewer), status__in=[PostStatus.VISIBLE, PostStatus.REMOVED])
        | Q(
            Q(community_id__in=_members(viewer)),
            Q(status=PostStatus.VISIBLE),
            Q(Q(group_id__isnull=True) | Q(group__join_policy=JoinPolicy.OPEN) | Q(group_id__in=_my_groups(person))),
        )
    )


def readable_comments(viewer: Viewer) -> QuerySet[Comment]:
    """The comments of readable posts; removed ones only for the community's operators."""
    require_person(viewer)
    on = Comment.filter(post_id__in=Subquery(readable_posts(viewer).values("id")))
    if viewer.is_platform_admin:
        return on.exclude(status=PostStatus.DELETED)
    return on.filter(Q(status=PostStatus.VISIBLE) | Q(community_id__in=_moderated(viewer), status=PostStatus.REMOVED))


def readable_photos(viewer: Viewer) -> QuerySet[PostPhoto]:
    """The photos of readable posts (and so the download URLs signed for them)."""
    return PostPhoto.filter(post_id__in=Subquery(readable_posts(viewer).values("id"))).select_related("file")


def readable_reports(viewer: Viewer) -> QuerySet[AbuseReport]:
    """The community's operators read its reports; a reporter their own."""
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return AbuseReport.all()
    return AbuseReport.filter(Q(community_id__in=_moderated(viewer)) | Q(reporter_id=person))


def readable_activities(viewer: Viewer) -> QuerySet[Activity]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return Activity.all()
    return Activity.filter(community_id__in=_members(viewer))


def readable_signups(viewer: Viewer) -> QuerySet[Signup]:
    """Who signed up: the office sees everyone; a person their own."""
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return Signup.all()
    return Signup.filter(Q(person_id=person) | Q(community_id__in=_managed(viewer)))


def readable_help_requests(viewer: Viewer) -> QuerySet[HelpRequest]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return HelpRequest.all()
    return HelpRequest.filter(community_id__in=_members(viewer))


def readable_offers(viewer: Viewer) -> QuerySet[HelpOffer]:
    """The offers on a request: for its requester and the office; a helper sees their own."""
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return HelpOffer.all()
    mine = Subquery(HelpRequest.filter(requester_id=person).values("id"))
    return HelpOffer.filter(Q(helper_id=person) | Q(request_id__in=mine) | Q(community_id__in=_managed(viewer)))


async def readable_group_ids(viewer: Viewer, community_id: int) -> frozenset[int]:
    """The groups of a community whose posts this viewer reads now (for live messages)."""
    person = require_person(viewer)
    groups = Group.filter(community_id=community_id)
    if not moderates(viewer, community_id):
        if community_id not in viewer.member_community_ids:
            return frozenset()
        groups = groups.filter(Q(join_policy=JoinPolicy.OPEN) | Q(id__in=_my_groups(person)))
    return frozenset(int(str(i)) for i in await groups.values_list("id", flat=True))


# --- acting ----------------------------------------------------------------------------------


def check_member(viewer: Viewer, community_id: int, *, field: str = "communityId") -> int:
    """Writing, joining, signing up, asking and offering help: people who live or work there."""
    person = require_person(viewer)
    if community_id not in viewer.member_community_ids and not viewer.is_platform_admin:
        raise Forbidden("Only residents and staff of this community take part in it", field=field)
    return person


def check_manage(viewer: Viewer, community_id: int) -> None:
    """Creating groups and activities, naming group admins, checking in, finishing: the office."""
    require_role(viewer, community_id, MANAGERS, "Running the community's groups and activities")


def check_moderate(viewer: Viewer, community_id: int) -> None:
    """Abuse reports: the community's operators."""
    require_role(viewer, community_id, MODERATORS, "Moderating the community's posts")


def check_join_decision(viewer: Viewer, group: Group, admin_of_group: bool) -> None:
    """Approving or refusing who joins, removing members: the group's admins and the office."""
    require_person(viewer)
    if not (admin_of_group or manages(viewer, group.community_id)):
        raise Forbidden("Only this group's admins and the community's office decide who joins", field="memberId")


def check_post_in(viewer: Viewer, group: Group | None, active_member: bool) -> None:
    """On the board: any member of the community; in a group: its active members."""
    if group is not None and not active_member:
        raise Forbidden("Join the group to post or comment in it", field="groupId")


def check_author(viewer: Viewer, author_id: int) -> None:
    if viewer.person_id != author_id and not viewer.is_platform_admin:
        raise Forbidden("Only its author changes or deletes it", field="id")


def check_remove(viewer: Viewer, community_id: int, admin_of_group: bool) -> None:
    """Removing with a reason: the group's admins (in their group) and the community's operators."""
    require_person(viewer)
    if not (admin_of_group or moderates(viewer, community_id)):
        raise Forbidden("Only the group's admins and the community's operators remove posts", field="id")


def check_requester(viewer: Viewer, request: HelpRequest, *, field: str = "id") -> None:
    if viewer.person_id != request.requester_id and not viewer.is_platform_admin:
        raise Forbidden("Only who asked for help decides on it", field=field)


def check_check_in(viewer: Viewer, activity: Activity) -> None:
    check_manage(viewer, activity.community_id)


def check_watch(viewer: Viewer, community_id: int) -> None:
    check_member(viewer, community_id)


def may_receive(viewer: Viewer, groups: frozenset[int], payload: dict[str, Any]) -> bool:
    """One live message, for this subscriber as they are now: of a community they belong to; of a
    group whose posts they read now (``groups``, from ``readable_group_ids``); a message for one
    person (their membership changed) for them alone. Operators receive all of their community's."""
    community = payload.get("community_id")
    if not isinstance(community, int):
        return False
    if viewer.is_platform_admin or moderates(viewer, community):
        return True
    if community not in viewer.member_community_ids:
        return False
    person = payload.get("person_only")
    if person is not None:
        return bool(person == viewer.person_id)
    group = payload.get("group_id")
    return group is None or group in groups
