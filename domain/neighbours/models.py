"""Neighbours' tables: groups and their members, posts and comments (with photos and abuse reports),
activities and their sign-ups, help requests and the offers made to them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.files.models import StoredFile
from domain.people.models import Person
from domain.space.models import Building, Community


class GroupKind(StrEnum):
    INTEREST = "INTEREST"
    PARENTS = "PARENTS"
    BUILDING = "BUILDING"
    OWNERS_COMMITTEE = "OWNERS_COMMITTEE"


class JoinPolicy(StrEnum):
    OPEN = "OPEN"  # anyone of the community joins; its posts are the community's to read
    APPROVAL = "APPROVAL"  # a group admin approves each join; its posts are its members' alone


class Group(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="neighbour_groups", on_delete=fields.RESTRICT
    )
    community_id: int
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(GroupKind, max_length=20)
    join_policy = fields.CharEnumField(JoinPolicy, max_length=10)
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "lingli.Building", related_name="neighbour_groups", null=True, on_delete=fields.RESTRICT
    )
    building_id: int | None
    created_by_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "neighbour_group"
        unique_together = (("community_id", "name"),)


class MemberRole(StrEnum):
    MEMBER = "MEMBER"
    ADMIN = "ADMIN"


class MemberStatus(StrEnum):
    PENDING = "PENDING"  # asked to join a group by approval
    ACTIVE = "ACTIVE"


class GroupMember(Model):
    """One person in one group (or asking to be). Leaving, or a refused request, deletes the row."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "lingli.Group", related_name="members", on_delete=fields.CASCADE
    )
    group_id: int
    community_id = fields.IntField()
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="neighbour_groups", on_delete=fields.CASCADE
    )
    person_id: int
    person_name = fields.CharField(max_length=100, default="")
    role = fields.CharEnumField(MemberRole, max_length=10, default=MemberRole.MEMBER)
    status = fields.CharEnumField(MemberStatus, max_length=10)
    created_at = fields.DatetimeField(auto_now_add=True)
    approved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "neighbour_group_member"
        unique_together = (("group_id", "person_id"),)
        indexes = (("person_id", "status"),)


class PostStatus(StrEnum):
    VISIBLE = "VISIBLE"
    REMOVED = "REMOVED"  # by a group admin or an operator, with a reason: operators still read it
    DELETED = "DELETED"  # by its author: nobody reads it any more


class Post(Model):
    """In a group, or on the community's board (no group)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="neighbour_posts", on_delete=fields.RESTRICT
    )
    community_id: int
    group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "lingli.Group", related_name="posts", null=True, on_delete=fields.CASCADE
    )
    group_id: int | None
    author: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="neighbour_posts", on_delete=fields.RESTRICT
    )
    author_id: int
    author_name = fields.CharField(max_length=100)
    body = fields.TextField()
    status = fields.CharEnumField(PostStatus, max_length=10, default=PostStatus.VISIBLE)
    removed_reason = fields.CharField(max_length=200, default="")
    removed_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "neighbour_post"
        indexes = (("community_id", "group_id"),)


class Comment(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "lingli.Post", related_name="comments", on_delete=fields.CASCADE
    )
    post_id: int
    community_id = fields.IntField()
    group_id = fields.IntField(null=True, description="The post's group")
    author: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="neighbour_comments", on_delete=fields.RESTRICT
    )
    author_id: int
    author_name = fields.CharField(max_length=100)
    body = fields.TextField()
    status = fields.CharEnumField(PostStatus, max_length=10, default=PostStatus.VISIBLE)
    removed_reason = fields.CharField(max_length=200, default="")
    removed_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    edited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "neighbour_comment"


class PostPhoto(Model):
    """A photo on a post: an upload (domain/files) attached here, once."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "lingli.Post", related_name="photos", on_delete=fields.CASCADE
    )
    post_id: int
    file: fields.ForeignKeyRelation[StoredFile] = fields.ForeignKeyField(
        "lingli.StoredFile", related_name="post_photos", on_delete=fields.CASCADE
    )
    file_id: int

    class Meta:
        table = "neighbour_post_photo"
        unique_together = (("file_id",),)


class ReportStatus(StrEnum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class AbuseReport(Model):
    """A resident's report of a post or a comment, one per reporter and thing reported."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="neighbour_reports", on_delete=fields.RESTRICT
    )
    community_id: int
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "lingli.Post", related_name="reports", on_delete=fields.CASCADE
    )
    post_id: int
    comment: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "lingli.Comment", related_name="reports", null=True, on_delete=fields.CASCADE
    )
    comment_id: int | None
    target = fields.CharField(max_length=40, description="post:<id> or comment:<id>")
    reporter: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="neighbour_reports", on_delete=fields.RESTRICT
    )
    reporter_id: int
    reason = fields.CharField(max_length=200)
    status = fields.CharEnumField(ReportStatus, max_length=10, default=ReportStatus.OPEN)
    resolution = fields.CharField(max_length=200, default="")
    resolved_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "neighbour_abuse_report"
        unique_together = (("reporter_id", "target"),)
        indexes = (("community_id", "status"),)


class ActivityStatus(StrEnum):
    OPEN = "OPEN"
    FINISHED = "FINISHED"


class Activity(Model):
    """A summer camp, a reading club, a volunteering morning: a time, a place, so many seats."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="neighbour_activities", on_delete=fields.RESTRICT
    )
    community_id: int
    title = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    place = fields.CharField(max_length=100)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    volunteer = fields.BooleanField(default=False)
    points = fields.IntField(null=True, description="VOLUNTEER points per participant (null: the community rule)")
    check_in_code = fields.CharField(max_length=12)
    confirmed_count = fields.IntField(default=0, description="Seats taken (kept with the sign-ups, under its row lock)")
    waiting_count = fields.IntField(default=0)
    status = fields.CharEnumField(ActivityStatus, max_length=10, default=ActivityStatus.OPEN)
    created_by_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "neighbour_activity"


class SignupStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    WAITING = "WAITING"
    CANCELLED = "CANCELLED"


class Signup(Model):
    """One person's place at an activity: a seat, or in the wait-list (in ``signed_up_at`` order)."""

    id = fields.IntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "lingli.Activity", related_name="signups", on_delete=fields.CASCADE
    )
    activity_id: int
    community_id = fields.IntField()
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="neighbour_signups", on_delete=fields.RESTRICT
    )
    person_id: int
    person_name = fields.CharField(max_length=100)
    status = fields.CharEnumField(SignupStatus, max_length=10)
    signed_up_at = fields.DatetimeField()
    checked_in_at = fields.DatetimeField(null=True)
    points_awarded = fields.IntField(default=0)

    class Meta:
        table = "neighbour_signup"
        unique_together = (("activity_id", "person_id"),)


class HelpStatus(StrEnum):
    OPEN = "OPEN"  # waiting for offers
    ACCEPTED = "ACCEPTED"  # the requester chose one offer
    DONE = "DONE"  # the requester confirmed it was done: the helper earned points
    CANCELLED = "CANCELLED"


class HelpRequest(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="help_requests", on_delete=fields.RESTRICT
    )
    community_id: int
    requester: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="help_requests", on_delete=fields.RESTRICT
    )
    requester_id: int
    requester_name = fields.CharField(max_length=100)
    title = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    status = fields.CharEnumField(HelpStatus, max_length=10, default=HelpStatus.OPEN)
    accepted_offer_id = fields.IntField(null=True)
    helper_id = fields.IntField(null=True)
    points_awarded = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "neighbour_help_request"


class HelpOffer(Model):
    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[HelpRequest] = fields.ForeignKeyField(
        "lingli.HelpRequest", related_name="offers", on_delete=fields.CASCADE
    )
    request_id: int
    community_id = fields.IntField()
    helper: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="help_offers", on_delete=fields.RESTRICT
    )
    helper_id: int
    helper_name = fields.CharField(max_length=100)
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "neighbour_help_offer"
        unique_together = (("request_id", "helper_id"),)
