"""GraphQL types and enums of alarms, and their live messages."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import strawberry
from strawberry.types import Info

from domain.alarms import models as am
from domain.alarms.models import Severity as Severity
from realtime.envelope import Envelope
from schema.shared_events import SHARED_BY_SCOPE
from schema.space import House, house_audience, visible_house

if TYPE_CHECKING:
    from auth.viewer import Viewer

strawberry.enum(Severity, description="Alarm severity, worst first")


@strawberry.type(description="An alarm: active until cleared, acknowledged once somebody is on it")
class Alarm:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    type: str = strawberry.field(description="SMOKE, GAS, WATER_LEAK, SOS, HEART_RATE, FALL, MANHOLE_OPEN, PM25…")
    severity: Severity = strawberry.field(description="How bad")
    count: int = strawberry.field(description="Triggers counted while active: a storm is one alarm")
    active: bool = strawberry.field(description="Not cleared yet")
    acknowledged: bool = strawberry.field(description="Somebody is on it")
    first_seen_at: datetime = strawberry.field(description="First trigger")
    last_seen_at: datetime = strawberry.field(description="Latest trigger")
    device_id: strawberry.Private[int | None]
    house_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: am.Alarm) -> Alarm:
        return cls(
            id=strawberry.ID(str(row.id)),
            type=row.type,
            severity=Severity(row.severity),
            count=row.count,
            active=row.cleared_at is None,
            acknowledged=row.acknowledged_at is not None,
            first_seen_at=row.first_seen_at,
            last_seen_at=row.last_seen_at,
            device_id=row.device_id,
            house_id=row.house_id,
        )

    @classmethod
    def from_message(cls, payload: dict[str, Any]) -> Alarm:
        """The alarm as a live message carries it (domain.alarms.messages.payload)."""
        return cls(
            id=strawberry.ID(str(payload["id"])),
            type=payload["type"],
            severity=am.Severity(payload["severity"]),
            count=payload["count"],
            active=payload["active"],
            acknowledged=payload["acknowledged"],
            first_seen_at=datetime.fromisoformat(payload["first_seen_at"]),
            last_seen_at=datetime.fromisoformat(payload["last_seen_at"]),
            device_id=payload.get("device_id"),
            house_id=payload.get("house_id"),
        )

    @strawberry.field(description="The house concerned, if any and if you may see it", metadata=SHARED_BY_SCOPE)
    async def house(self, info: Info) -> House | None:
        return await visible_house(info, self.house_id)


@strawberry.type(description="One message of an alarm subscription")
class AlarmEvent:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="ALARM_RAISED, ALARM_UPDATED, ALARM_ACKNOWLEDGED or ALARM_CLEARED")
    alarm: Alarm = strawberry.field(description="The alarm as of this event")

    def share_key(self) -> str:
        # A cursor names one outbox event, whose content never changes (see schema.shared_events).
        return f"AlarmEvent:{self.cursor}"

    # Every field shared by scope that this event reaches, and what decides their answers: viewers
    # of a thousand scopes who all see the alarm's house (or all do not) share one answer.
    audience_covers: ClassVar[frozenset[str]] = frozenset({"Alarm.house"})

    def audience(self, viewer: Viewer) -> str | Awaitable[str]:
        return house_audience(self, self.alarm.house_id, viewer)

    @classmethod
    def of(cls, envelope: Envelope) -> AlarmEvent:
        # Every subscriber of a topic is handed the same live envelope (Envelope.decode): its
        # event, read and never changed, is made once for all of them too.
        global _last_event
        last = _last_event
        if last is not None and last[0] is envelope:
            return last[1]
        event = cls(cursor=str(envelope.cursor), kind=envelope.kind, alarm=Alarm.from_message(envelope.payload))
        _last_event = (envelope, event)
        return event


_last_event: tuple[Envelope, AlarmEvent] | None = None
