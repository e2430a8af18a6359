"""Notifications: one row per person and thing that happened (the inbox), and one delivery per
channel it goes out on while no socket may be open (the outbox of messages to people)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.people.models import Person
from domain.space.models import Community


class Kind(StrEnum):
    ALARM = "ALARM"
    EVENT = "EVENT"
    ORDER = "ORDER"
    BILL = "BILL"
    NOTICE = "NOTICE"


class Channel(StrEnum):
    WECHAT = "WECHAT"  # a WeChat subscribe message to the mini-program
    PUSH = "PUSH"  # the resident app's push provider
    SMS = "SMS"  # critical and care alarms only
    LOG = "LOG"  # the server's log: development, and where nothing else is configured


class DeliveryState(StrEnum):
    PENDING = "PENDING"  # due at next_at (claimed: next_at is the claim's lease)
    SENT = "SENT"
    SKIPPED = "SKIPPED"  # read before it went out, or the channel has no address for the person
    DEAD = "DEAD"  # failed NOTIFICATION_MAX_TRIES times: for an operator to look at


class Notification(Model):
    """One thing a person should know of (an alarm at home, their repair moved, their order, a
    bill overdue, a notice), written in the transaction of the change. Unique per person and
    source: what happened is told once, however often the writer runs."""

    id = fields.BigIntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="notifications", on_delete=fields.CASCADE
    )
    person_id: int
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    community_id: int | None
    kind = fields.CharEnumField(Kind, max_length=10)
    source = fields.CharField(max_length=80, description="What happened, e.g. alarm-12:CRITICAL, order-7:DELIVERED")
    title = fields.CharField(max_length=100)
    body = fields.CharField(max_length=500)
    urgent = fields.BooleanField(default=False, description="CRITICAL alarms and care alarms: past quiet hours")
    subject = fields.JSONField[dict[str, str]](default=dict, description="What it is about: {type, id}")
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        unique_together = (("person", "source"),)


class Delivery(Model):
    """One notification on one channel: claimed by a worker, sent at least once, retried with a
    doubling back-off, dead after NOTIFICATION_MAX_TRIES. ``key`` (person, source, channel) is
    unique: one delivery per channel, whoever wrote the notification and however often."""

    id = fields.BigIntField(primary_key=True)
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "lingli.Notification", related_name="deliveries", on_delete=fields.CASCADE
    )
    notification_id: int
    person_id = fields.IntField()
    community_id = fields.IntField(null=True)
    channel = fields.CharEnumField(Channel, max_length=10)
    key = fields.CharField(max_length=120, unique=True)
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.PENDING)
    tries = fields.IntField(default=0)
    next_at = fields.DatetimeField(description="Due from then, or while claimed: when the claim lapses")
    last_error = fields.CharField(max_length=300, default="")
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification_delivery"
        indexes = (("state", "next_at"),)


class Preference(Model):
    """What a person wants told, and how: the kinds they muted, the channels they allow, and quiet
    hours (minutes after midnight in their community's zone, the span may pass midnight)."""

    id = fields.IntField(primary_key=True)
    person: fields.OneToOneRelation[Person] = fields.OneToOneField(
        "lingli.Person", related_name="notification_preference", on_delete=fields.CASCADE
    )
    person_id: int
    muted_kinds = fields.JSONField[list[str]](default=list)
    channels = fields.JSONField[list[str]](default=list, description="Empty: every channel")
    quiet_from = fields.IntField(null=True)
    quiet_until = fields.IntField(null=True)

    class Meta:
        table = "notification_preference"
