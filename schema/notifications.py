"""Notifications' GraphQL types: the inbox, its live messages, preferences, dead letters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.notifications import models as nm
from domain.notifications.models import Channel, DeliveryState, Kind
from domain.notifications.service import Preferences
from realtime.envelope import Envelope
from schema.limits import list_size
from schema.string_inputs import at_most

strawberry.enum(Kind, name="NotificationKind", description="What a notification is about")
strawberry.enum(Channel, name="NotificationChannel", description="Where a notification goes when no socket is open")
strawberry.enum(DeliveryState, name="NotificationDeliveryState", description="Where a delivery is")

TIME_OF_DAY = at_most(5, "a time of day, HH:MM")


@strawberry.type(description="Something you should know of: an alarm at home, your report or order moved, a bill")
class Notification:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    kind: Kind = strawberry.field(description="What it is about")
    title: str = strawberry.field(description="One line")
    body: str = strawberry.field(description="A few words more")
    urgent: bool = strawberry.field(description="A CRITICAL or care alarm: sent in quiet hours too, and by SMS")
    subject_type: str | None = strawberry.field(description="The type it is about: Alarm, Event, Order, Bill…")
    subject_id: strawberry.ID | None = strawberry.field(description="The id of what it is about")
    created_at: datetime = strawberry.field(description="When it happened")
    read_at: datetime | None = strawberry.field(description="When you marked it read (null: unread)")

    @classmethod
    def from_row(cls, row: nm.Notification) -> Notification:
        subject = dict(row.subject or {})
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=Kind(row.kind),
            title=row.title,
            body=row.body,
            urgent=row.urgent,
            subject_type=subject.get("type"),
            subject_id=strawberry.ID(subject["id"]) if subject.get("id") else None,
            created_at=row.created_at,
            read_at=row.read_at,
        )

    @classmethod
    def from_message(cls, payload: dict[str, Any]) -> Notification:
        subject = payload.get("subject") or {}
        return cls(
            id=strawberry.ID(str(payload["id"])),
            kind=Kind(payload["kind"]),
            title=payload["title"],
            body=payload["body"],
            urgent=bool(payload["urgent"]),
            subject_type=subject.get("type"),
            subject_id=strawberry.ID(subject["id"]) if subject.get("id") else None,
            created_at=datetime.fromisoformat(payload["created_at"]),
            read_at=datetime.fromisoformat(payload["read_at"]) if payload.get("read_at") else None,
        )


@strawberry.type(description="A change to your inbox")
class NotificationEvent:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="NOTIFIED or NOTIFICATION_READ")
    notification: Notification = strawberry.field(description="The notification as of this event")

    def share_key(self) -> str:
        return f"NotificationEvent:{self.cursor}"

    @classmethod
    def of(cls, envelope: Envelope) -> NotificationEvent:
        return cls(
            cursor=str(envelope.cursor), kind=envelope.kind, notification=Notification.from_message(envelope.payload)
        )


def _clock(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


@strawberry.type(description="What you want to be told of, and how")
class NotificationPreferences:
    muted_kinds: list[Kind] = strawberry.field(
        description="Kinds that reach only your inbox (urgent alarms go out all the same)", metadata=list_size(5)
    )
    channels: list[Channel] = strawberry.field(
        description="Where notifications go (SMS only ever for urgent alarms)", metadata=list_size(4)
    )
    quiet_from: str | None = strawberry.field(description="Quiet hours from HH:MM, your community's time")
    quiet_until: str | None = strawberry.field(description="…until HH:MM (may pass midnight); urgent alarms ignore it")

    @classmethod
    def of(cls, p: Preferences) -> NotificationPreferences:
        return cls(
            muted_kinds=p.muted_kinds,
            channels=p.channels,
            quiet_from=_clock(p.quiet_from),
            quiet_until=_clock(p.quiet_until),
        )


@strawberry.input(description="What you want to be told of, and how")
class NotificationPreferencesInput:
    muted_kinds: list[Kind] = strawberry.field(description="Kinds that reach only your inbox")
    channels: list[Channel] = strawberry.field(description="Where notifications go (empty: every channel)")
    quiet_from: str | None = strawberry.field(
        default=None, description="Quiet hours from HH:MM (with quietUntil; null: none)", metadata=TIME_OF_DAY
    )
    quiet_until: str | None = strawberry.field(default=None, description="…until HH:MM", metadata=TIME_OF_DAY)


@strawberry.type(description="A notification that could not be delivered on a channel after every try")
class NotificationDeadLetter:
    id: strawberry.ID = strawberry.field(description="Opaque id of the delivery")
    channel: Channel = strawberry.field(description="The channel that kept failing")
    person_id: strawberry.ID = strawberry.field(description="Whom it was for")
    tries: int = strawberry.field(description="How often it was tried")
    last_error: str = strawberry.field(description="What the last try answered")
    created_at: datetime = strawberry.field(description="When the notification was written")

    @classmethod
    def from_row(cls, row: nm.Delivery) -> NotificationDeadLetter:
        return cls(
            id=strawberry.ID(str(row.id)),
            channel=Channel(row.channel),
            person_id=strawberry.ID(str(row.person_id)),
            tries=row.tries,
            last_error=row.last_error,
            created_at=row.created_at,
        )
