"""GraphQL types and inputs of neighbours: groups and members, posts, comments and abuse reports,
activities and sign-ups, help requests and offers, and the live messages of them all."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.common.pagination import DEFAULT_PAGE_SIZE
from domain.neighbours import access
from domain.neighbours import models as nm
from domain.neighbours.models import (
    ActivityStatus,
    GroupKind,
    HelpStatus,
    JoinPolicy,
    MemberRole,
    MemberStatus,
    PostStatus,
    ReportStatus,
    SignupStatus,
)
from realtime.envelope import Envelope
from schema.common import first_help, first_of
from schema.files import PHOTO_KEYS, Photo
from schema.string_inputs import stored_in

strawberry.enum(GroupKind, description="What a group is: an interest, parents, a building, the owners' committee")
strawberry.enum(JoinPolicy, description="OPEN: anyone of the community joins; APPROVAL: its admins approve each join")
strawberry.enum(MemberRole, description="MEMBER, or ADMIN (approves joins, removes posts of the group)")
strawberry.enum(MemberStatus, description="PENDING: asked to join; ACTIVE: a member")
strawberry.enum(PostStatus, description="VISIBLE; REMOVED by a moderator (with a reason); DELETED by its author")
strawberry.enum(ReportStatus, description="OPEN, or RESOLVED by an operator")
strawberry.enum(ActivityStatus, description="OPEN (sign-up, check-in), FINISHED")
strawberry.enum(SignupStatus, description="CONFIRMED (a seat), WAITING (the wait-list), CANCELLED")
strawberry.enum(HelpStatus, description="OPEN, ACCEPTED (an offer was chosen), DONE, CANCELLED")


def _id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))


def _opt_id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@strawberry.type(description="A neighbour group of a community")
class NeighbourGroup:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    name: str = strawberry.field(description="Its name (unique in the community)")
    description: str = strawberry.field(description="What it is for")
    kind: GroupKind = strawberry.field(description="INTEREST, PARENTS, BUILDING or OWNERS_COMMITTEE")
    join_policy: JoinPolicy = strawberry.field(description="OPEN, or APPROVAL (its posts are its members' alone)")
    building_id: strawberry.ID | None = strawberry.field(description="A BUILDING group's building")
    created_at: datetime | None = strawberry.field(description="When it was created")

    @classmethod
    def from_row(cls, row: nm.Group) -> NeighbourGroup:
        return cls.of(
            {
                "id": row.id,
                "community_id": row.community_id,
                "name": row.name,
                "description": row.description,
                "kind": row.kind.value,
                "join_policy": row.join_policy.value,
                "building_id": row.building_id,
                "created_at": row.created_at,
            }
        )

    @classmethod
    def of(cls, p: dict[str, Any]) -> NeighbourGroup:
        return cls(
            id=_id(p["id"]),
            community_id=_id(p["community_id"]),
            name=p["name"],
            description=p["description"],
            kind=GroupKind(p["kind"]),
            join_policy=JoinPolicy(p["join_policy"]),
            building_id=_opt_id(p["building_id"]),
            created_at=_time(p["created_at"]),
        )


@strawberry.type(description="A person in a group, or asking to join it")
class NeighbourGroupMember:
    id: strawberry.ID = strawberry.field(description="Opaque id (approve, refuse or name admin by it)")
    group_id: strawberry.ID = strawberry.field(description="The group")
    person_id: strawberry.ID = strawberry.field(description="The person")
    person_name: str = strawberry.field(description="Their name as they joined")
    role: MemberRole = strawberry.field(description="MEMBER or ADMIN")
    status: MemberStatus = strawberry.field(description="PENDING or ACTIVE")
    created_at: datetime = strawberry.field(description="When they joined or asked to")

    @classmethod
    def from_row(cls, row: nm.GroupMember) -> NeighbourGroupMember:
        return cls(
            id=_id(row.id),
            group_id=_id(row.group_id),
            person_id=_id(row.person_id),
            person_name=row.person_name,
            role=row.role,
            status=row.status,
            created_at=row.created_at,
        )


@strawberry.type(description="A change of who is in a group: the person's own live message")
class NeighbourMembershipChange:
    id: strawberry.ID = strawberry.field(description="The membership's id")
    group_id: strawberry.ID = strawberry.field(description="The group")
    person_id: strawberry.ID = strawberry.field(description="The person")
    role: MemberRole = strawberry.field(description="MEMBER or ADMIN")
    status: str = strawberry.field(description="PENDING, ACTIVE, or LEFT (left, refused or removed)")


@strawberry.type(description="A post in a group or on the community's board")
class NeighbourPost:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    group_id: strawberry.ID | None = strawberry.field(description="Its group; null: the community's board")
    author_id: strawberry.ID = strawberry.field(description="Who wrote it")
    author_name: str = strawberry.field(description="Their name as they wrote it")
    body: str = strawberry.field(description="What it says (empty in the live message of a removed post)")
    status: PostStatus = strawberry.field(description="VISIBLE; REMOVED (only operators read it); DELETED")
    removed_reason: str = strawberry.field(description="Why a moderator removed it (operators only see removed posts)")
    created_at: datetime | None = strawberry.field(description="When it was posted")
    edited_at: datetime | None = strawberry.field(description="When its author last changed it")

    @classmethod
    def from_row(cls, row: nm.Post) -> NeighbourPost:
        return cls(
            id=_id(row.id),
            community_id=_id(row.community_id),
            group_id=_opt_id(row.group_id),
            author_id=_id(row.author_id),
            author_name=row.author_name,
            body=row.body,
            status=row.status,
            removed_reason=row.removed_reason,
            created_at=row.created_at,
            edited_at=row.edited_at,
        )

    @classmethod
    def of(cls, p: dict[str, Any]) -> NeighbourPost:
        return cls(
            id=_id(p["id"]),
            community_id=_id(p["community_id"]),
            group_id=_opt_id(p["group_id"]),
            author_id=_id(p["author_id"]),
            author_name=p["author_name"],
            body=p["body"],
            status=PostStatus(p["status"]),
            removed_reason="",
            created_at=_time(p["created_at"]),
            edited_at=_time(p["edited_at"]),
        )

    @strawberry.field(description=f"Its photos. {first_help()}")
    async def photos(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Photo]:
        rows = await info.context.loaders.photos_of_post.load(int(self.id))
        return [Photo.from_row(p.file) for p in first_of(rows, first)]


@strawberry.type(description="A comment on a post")
class NeighbourComment:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    post_id: strawberry.ID = strawberry.field(description="The post")
    author_id: strawberry.ID = strawberry.field(description="Who wrote it")
    author_name: str = strawberry.field(description="Their name as they wrote it")
    body: str = strawberry.field(description="What it says")
    status: PostStatus = strawberry.field(description="VISIBLE, REMOVED or DELETED")
    removed_reason: str = strawberry.field(description="Why a moderator removed it")
    created_at: datetime | None = strawberry.field(description="When")
    edited_at: datetime | None = strawberry.field(description="When its author last changed it")

    @classmethod
    def from_row(cls, row: nm.Comment) -> NeighbourComment:
        return cls(
            id=_id(row.id),
            post_id=_id(row.post_id),
            author_id=_id(row.author_id),
            author_name=row.author_name,
            body=row.body,
            status=row.status,
            removed_reason=row.removed_reason,
            created_at=row.created_at,
            edited_at=row.edited_at,
        )

    @classmethod
    def of(cls, p: dict[str, Any]) -> NeighbourComment:
        return cls(
            id=_id(p["id"]),
            post_id=_id(p["post_id"]),
            author_id=_id(p["author_id"]),
            author_name=p["author_name"],
            body=p["body"],
            status=PostStatus(p["status"]),
            removed_reason="",
            created_at=_time(p["created_at"]),
            edited_at=_time(p["edited_at"]),
        )


@strawberry.type(description="A report of abuse: a post or a comment, and why")
class AbuseReport:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    post_id: strawberry.ID = strawberry.field(description="The post (or the post of the comment)")
    comment_id: strawberry.ID | None = strawberry.field(description="The comment, when one was reported")
    reporter_id: strawberry.ID = strawberry.field(description="Who reported it")
    reason: str = strawberry.field(description="Why")
    status: ReportStatus = strawberry.field(description="OPEN or RESOLVED")
    resolution: str = strawberry.field(description="What the operator said resolving it")
    created_at: datetime = strawberry.field(description="When it was reported")
    resolved_at: datetime | None = strawberry.field(description="When it was resolved")

    @classmethod
    def from_row(cls, row: nm.AbuseReport) -> AbuseReport:
        return cls(
            id=_id(row.id),
            community_id=_id(row.community_id),
            post_id=_id(row.post_id),
            comment_id=_opt_id(row.comment_id),
            reporter_id=_id(row.reporter_id),
            reason=row.reason,
            status=row.status,
            resolution=row.resolution,
            created_at=row.created_at,
            resolved_at=row.resolved_at,
        )


@strawberry.type(description="An activity: a summer camp, a reading club, volunteering")
class NeighbourActivity:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    title: str = strawberry.field(description="What it is")
    description: str = strawberry.field(description="More about it")
    place: str = strawberry.field(description="Where")
    starts_at: datetime | None = strawberry.field(description="When it starts")
    ends_at: datetime | None = strawberry.field(description="When it ends")
    capacity: int = strawberry.field(description="Seats")
    volunteer: bool = strawberry.field(description="Volunteering: taking part earns VOLUNTEER points")
    points: int | None = strawberry.field(description="Points per participant; null: the community's rule")
    status: ActivityStatus = strawberry.field(description="OPEN or FINISHED")
    confirmed: int = strawberry.field(description="Seats taken")
    waiting: int = strawberry.field(description="People on the wait-list")
    code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: nm.Activity) -> NeighbourActivity:
        activity = cls.of(
            {
                "id": row.id,
                "community_id": row.community_id,
                "title": row.title,
                "description": row.description,
                "place": row.place,
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "capacity": row.capacity,
                "volunteer": row.volunteer,
                "points": row.points,
                "status": row.status.value,
                "confirmed": row.confirmed_count,
                "waiting": row.waiting_count,
            }
        )
        activity.code = row.check_in_code
        return activity

    @classmethod
    def of(cls, p: dict[str, Any]) -> NeighbourActivity:
        return cls(
            id=_id(p["id"]),
            community_id=_id(p["community_id"]),
            title=p["title"],
            description=p["description"],
            place=p["place"],
            starts_at=_time(p["starts_at"]),
            ends_at=_time(p["ends_at"]),
            capacity=p["capacity"],
            volunteer=p["volunteer"],
            points=p["points"],
            status=ActivityStatus(p["status"]),
            confirmed=p["confirmed"],
            waiting=p["waiting"],
            code=None,
        )

    @strawberry.field(description="The code participants enter to check in: for the community's office only")
    def check_in_code(self, info: Info) -> str | None:
        if self.code is None or not access.manages(info.context.viewer(), int(self.community_id)):
            return None
        return self.code


@strawberry.type(description="A person's place at an activity")
class ActivitySignup:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    activity_id: strawberry.ID = strawberry.field(description="The activity")
    person_id: strawberry.ID = strawberry.field(description="Who")
    person_name: str = strawberry.field(description="Their name as they signed up")
    status: SignupStatus = strawberry.field(description="CONFIRMED, WAITING or CANCELLED")
    signed_up_at: datetime = strawberry.field(description="Their place in the queue")
    checked_in_at: datetime | None = strawberry.field(description="When they were checked in")
    points_awarded: int = strawberry.field(description="VOLUNTEER points earned when the activity finished")

    @classmethod
    def from_row(cls, row: nm.Signup) -> ActivitySignup:
        return cls(
            id=_id(row.id),
            activity_id=_id(row.activity_id),
            person_id=_id(row.person_id),
            person_name=row.person_name,
            status=row.status,
            signed_up_at=row.signed_up_at,
            checked_in_at=row.checked_in_at,
            points_awarded=row.points_awarded,
        )


@strawberry.type(description="A neighbour asking for help (互助)")
class HelpRequest:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    requester_id: strawberry.ID = strawberry.field(description="Who asks")
    requester_name: str = strawberry.field(description="Their name as they asked")
    title: str = strawberry.field(description="What for")
    description: str = strawberry.field(description="More about it")
    status: HelpStatus = strawberry.field(description="OPEN, ACCEPTED, DONE or CANCELLED")
    helper_id: strawberry.ID | None = strawberry.field(description="Whose offer was accepted")
    points_awarded: int = strawberry.field(description="VOLUNTEER points the helper earned")
    created_at: datetime | None = strawberry.field(description="When it was asked")
    done_at: datetime | None = strawberry.field(description="When the requester confirmed it was done")

    @classmethod
    def from_row(cls, row: nm.HelpRequest) -> HelpRequest:
        request = cls.of(
            {
                "id": row.id,
                "community_id": row.community_id,
                "requester_id": row.requester_id,
                "requester_name": row.requester_name,
                "title": row.title,
                "description": row.description,
                "status": row.status.value,
                "helper_id": row.helper_id,
                "created_at": row.created_at,
                "done_at": row.done_at,
            }
        )
        request.points_awarded = row.points_awarded
        return request

    @classmethod
    def of(cls, p: dict[str, Any]) -> HelpRequest:
        return cls(
            id=_id(p["id"]),
            community_id=_id(p["community_id"]),
            requester_id=_id(p["requester_id"]),
            requester_name=p["requester_name"],
            title=p["title"],
            description=p["description"],
            status=HelpStatus(p["status"]),
            helper_id=_opt_id(p["helper_id"]),
            points_awarded=0,
            created_at=_time(p["created_at"]),
            done_at=_time(p["done_at"]),
        )


@strawberry.type(description="A neighbour's offer to help")
class HelpOffer:
    id: strawberry.ID = strawberry.field(description="Opaque id (accept it by this)")
    request_id: strawberry.ID = strawberry.field(description="The request")
    helper_id: strawberry.ID = strawberry.field(description="Who offers")
    helper_name: str = strawberry.field(description="Their name as they offered")
    note: str = strawberry.field(description="What they said")
    created_at: datetime = strawberry.field(description="When")

    @classmethod
    def from_row(cls, row: nm.HelpOffer) -> HelpOffer:
        return cls(
            id=_id(row.id),
            request_id=_id(row.request_id),
            helper_id=_id(row.helper_id),
            helper_name=row.helper_name,
            note=row.note,
            created_at=row.created_at,
        )


@strawberry.type(description="One live message of the neighbourhood: what it is about is set, the rest null")
class NeighbourUpdate:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(
        description="GROUP_CREATED, GROUP_MEMBERSHIP_CHANGED, POST_CREATED, POST_UPDATED, POST_REMOVED, "
        "COMMENT_CREATED, ACTIVITY_CREATED, ACTIVITY_SIGNUPS_CHANGED, ACTIVITY_FINISHED, HELP_REQUESTED, HELP_UPDATED"
    )
    community_id: strawberry.ID = strawberry.field(description="The community")
    group_id: strawberry.ID | None = strawberry.field(description="The group it happened in, if any")
    group: NeighbourGroup | None = strawberry.field(description="A new group")
    membership: NeighbourMembershipChange | None = strawberry.field(description="Your membership, changed")
    post: NeighbourPost | None = strawberry.field(description="The post")
    comment: NeighbourComment | None = strawberry.field(description="The comment")
    activity: NeighbourActivity | None = strawberry.field(description="The activity, with its seat counts")
    help_request: HelpRequest | None = strawberry.field(description="The help request")

    def share_key(self) -> str:
        return self.cursor

    @classmethod
    def of(cls, envelope: Envelope) -> NeighbourUpdate:
        p = envelope.payload
        member = p.get("membership")
        return cls(
            cursor=str(envelope.cursor),
            kind=envelope.kind,
            community_id=_id(p["community_id"]),
            group_id=_opt_id(p.get("group_id")),
            group=NeighbourGroup.of(p["group"]) if p.get("group") else None,
            membership=NeighbourMembershipChange(
                id=_id(member["id"]),
                group_id=_id(member["group_id"]),
                person_id=_id(member["person_id"]),
                role=MemberRole(member["role"]),
                status=member["status"],
            )
            if member
            else None,
            post=NeighbourPost.of(p["post"]) if p.get("post") else None,
            comment=NeighbourComment.of(p["comment"]) if p.get("comment") else None,
            activity=NeighbourActivity.of(p["activity"]) if p.get("activity") else None,
            help_request=HelpRequest.of(p["help_request"]) if p.get("help_request") else None,
        )


# Arguments of resolvers.neighbours, with their lengths.
PostBody = Annotated[str, strawberry.argument(description="What it says", metadata=stored_in(nm.Post, "body"))]
RemovalReason = Annotated[
    str, strawberry.argument(description="Why (operators read it)", metadata=stored_in(nm.Post, "removed_reason"))
]
ReportReason = Annotated[
    str, strawberry.argument(description="What is wrong with it", metadata=stored_in(nm.AbuseReport, "reason"))
]
Resolution = Annotated[
    str, strawberry.argument(description="What was done", metadata=stored_in(nm.AbuseReport, "resolution"))
]
CheckInCode = Annotated[
    str,
    strawberry.argument(description="The code shown at the activity", metadata=stored_in(nm.Activity, "check_in_code")),
]
OfferNote = Annotated[
    str, strawberry.argument(description="A few words with the offer", metadata=stored_in(nm.HelpOffer, "note"))
]


@strawberry.input(description="A new group")
class NeighbourGroupCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    name: str = strawberry.field(description="Its name (unique in the community)", metadata=stored_in(nm.Group, "name"))
    kind: GroupKind = strawberry.field(description="What it is")
    join_policy: JoinPolicy = strawberry.field(description="OPEN or APPROVAL")
    description: str = strawberry.field(
        default="", description="What it is for", metadata=stored_in(nm.Group, "description")
    )
    building_id: strawberry.ID | None = strawberry.field(default=None, description="A BUILDING group's building")


@strawberry.input(description="A new post: in a group you are in, or on the community's board")
class NeighbourPostCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    body: str = strawberry.field(description="What it says", metadata=stored_in(nm.Post, "body"))
    group_id: strawberry.ID | None = strawberry.field(default=None, description="The group; null: the board")
    photos: list[str] = strawberry.field(
        default_factory=list, description="Keys of POST_PHOTO uploads", metadata=PHOTO_KEYS
    )


@strawberry.input(description="A new activity")
class NeighbourActivityCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    title: str = strawberry.field(description="What it is", metadata=stored_in(nm.Activity, "title"))
    place: str = strawberry.field(description="Where", metadata=stored_in(nm.Activity, "place"))
    starts_at: datetime = strawberry.field(description="When it starts")
    ends_at: datetime = strawberry.field(description="When it ends (after it starts)")
    capacity: int = strawberry.field(description="Seats, at least 1; more sign-ups go on the wait-list")
    description: str = strawberry.field(
        default="", description="More about it", metadata=stored_in(nm.Activity, "description")
    )
    volunteer: bool = strawberry.field(default=False, description="Taking part earns VOLUNTEER points")
    points: int | None = strawberry.field(
        default=None, description="A volunteer activity's points per participant; null: the community's rule"
    )


@strawberry.input(description="Asking the neighbours for help")
class HelpRequestCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    title: str = strawberry.field(description="What for", metadata=stored_in(nm.HelpRequest, "title"))
    description: str = strawberry.field(
        default="", description="More about it", metadata=stored_in(nm.HelpRequest, "description")
    )
