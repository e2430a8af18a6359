"""Notices from the property office to households, and each targeted household's read receipt."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.people.models import Person
from domain.space.models import Community, House


class TargetKind(StrEnum):
    COMMUNITY = "COMMUNITY"
    BUILDING = "BUILDING"
    UNIT = "UNIT"
    HOUSE = "HOUSE"


class Notice(Model):
    """A notice to the whole community or to some of its buildings, units or houses (all of one
    kind). Who it reaches is fixed when it is sent: one NoticeHousehold row per household."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="notices", on_delete=fields.RESTRICT
    )
    community_id: int
    sender: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="sent_notices", on_delete=fields.RESTRICT
    )
    sender_id: int
    sender_name = fields.CharField(max_length=100)
    title = fields.CharField(max_length=100)
    body = fields.TextField()
    target_kind = fields.CharEnumField(TargetKind, max_length=10)
    target_ids = fields.JSONField[list[int]](description="The buildings, units or houses (empty: the community)")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notice"
        indexes = (("community_id", "created_at"),)


class NoticeHousehold(Model):
    """A household a notice was sent to, and read_at, when someone of it first marked it read."""

    id = fields.BigIntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "lingli.Notice", related_name="households", on_delete=fields.CASCADE
    )
    notice_id: int
    house: fields.ForeignKeyRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="notices", on_delete=fields.RESTRICT
    )
    house_id: int
    read_at = fields.DatetimeField(null=True)
    read_by: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="read_notices", null=True, on_delete=fields.SET_NULL
    )
    read_by_id: int | None

    class Meta:
        table = "notice_household"
        unique_together = (("notice", "house"),)
        indexes = (("house_id", "notice_id"),)
