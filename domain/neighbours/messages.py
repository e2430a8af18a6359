"""The live messages of neighbours: one topic per community; each message says whose it is (its
group, or one person), and ``access.may_receive`` decides per subscriber. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.neighbours.models import Activity, Comment, Group, GroupMember, HelpRequest, Post, PostStatus


def topic(community_id: int) -> str:
    return f"neighbours:{community_id}"


class NeighbourMessage(StrEnum):
    GROUP_CREATED = "GROUP_CREATED"
    GROUP_MEMBERSHIP_CHANGED = "GROUP_MEMBERSHIP_CHANGED"
    POST_CREATED = "POST_CREATED"
    POST_UPDATED = "POST_UPDATED"
    POST_REMOVED = "POST_REMOVED"
    COMMENT_CREATED = "COMMENT_CREATED"
    ACTIVITY_CREATED = "ACTIVITY_CREATED"
    ACTIVITY_SIGNUPS_CHANGED = "ACTIVITY_SIGNUPS_CHANGED"
    ACTIVITY_FINISHED = "ACTIVITY_FINISHED"
    HELP_REQUESTED = "HELP_REQUESTED"
    HELP_UPDATED = "HELP_UPDATED"


# After these, a running subscription reads again which groups' posts its viewer may read.
GROUPS_CHANGED = frozenset({NeighbourMessage.GROUP_CREATED, NeighbourMessage.GROUP_MEMBERSHIP_CHANGED})


def _t(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def group(row: Group) -> dict[str, Any]:
    return {
        "community_id": row.community_id,
        "group_id": None,  # that a group exists is the community's to know
        "group": {
            "id": row.id,
            "community_id": row.community_id,
            "name": row.name,
            "description": row.description,
            "kind": row.kind.value,
            "join_policy": row.join_policy.value,
            "building_id": row.building_id,
            "created_at": _t(row.created_at),
        },
    }


def membership(row: GroupMember, *, left: bool = False) -> dict[str, Any]:
    return {
        "community_id": row.community_id,
        "group_id": row.group_id,
        "person_only": row.person_id,
        "membership": {
            "id": row.id,
            "group_id": row.group_id,
            "person_id": row.person_id,
            "role": row.role.value,
            "status": "LEFT" if left else row.status.value,
        },
    }


def post(row: Post) -> dict[str, Any]:
    hidden = row.status is not PostStatus.VISIBLE  # what a removed post said is not carried
    return {
        "community_id": row.community_id,
        "group_id": row.group_id,
        "post": {
            "id": row.id,
            "community_id": row.community_id,
            "group_id": row.group_id,
            "author_id": row.author_id,
            "author_name": row.author_name,
            "body": "" if hidden else row.body,
            "status": row.status.value,
            "created_at": _t(row.created_at),
            "edited_at": _t(row.edited_at),
        },
    }


def comment(row: Comment) -> dict[str, Any]:
    return {
        "community_id": row.community_id,
        "group_id": row.group_id,
        "comment": {
            "id": row.id,
            "post_id": row.post_id,
            "author_id": row.author_id,
            "author_name": row.author_name,
            "body": row.body if row.status is PostStatus.VISIBLE else "",
            "status": row.status.value,
            "created_at": _t(row.created_at),
            "edited_at": _t(row.edited_at),
        },
    }


def activity(row: Activity, *, confirmed: int, waiting: int) -> dict[str, Any]:
    """Its check-in code is never carried: it is the office's to show at the door."""
    return {
        "community_id": row.community_id,
        "group_id": None,
        "activity": {
            "id": row.id,
            "community_id": row.community_id,
            "title": row.title,
            "description": row.description,
            "place": row.place,
            "starts_at": _t(row.starts_at),
            "ends_at": _t(row.ends_at),
            "capacity": row.capacity,
            "volunteer": row.volunteer,
            "points": row.points,
            "status": row.status.value,
            "confirmed": confirmed,
            "waiting": waiting,
        },
    }


def help_request(row: HelpRequest) -> dict[str, Any]:
    return {
        "community_id": row.community_id,
        "group_id": None,
        "help_request": {
            "id": row.id,
            "community_id": row.community_id,
            "requester_id": row.requester_id,
            "requester_name": row.requester_name,
            "title": row.title,
            "description": row.description,
            "status": row.status.value,
            "helper_id": row.helper_id,
            "created_at": _t(row.created_at),
            "done_at": _t(row.done_at),
        },
    }
