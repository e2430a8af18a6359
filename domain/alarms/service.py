"""Raising, acknowledging and clearing alarms. Every change is an event on `alarms:<community>`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from auth.viewer import Viewer
from domain.alarms import access, messages
from domain.alarms.messages import AlarmMessage
from domain.alarms.models import SEVERITY_RANK, Alarm, Severity
from domain.common.errors import Conflict
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given
from domain.notifications import service as notifications
from domain.notifications.models import Kind
from domain.space.models import House
from realtime.outbox import record, transaction


@dataclass(frozen=True)
class Trigger:
    """What a rule found: an alarm of this type about this device, or this person (care rules)."""

    community_id: int
    type: str
    severity: Severity
    device_id: int | None = None
    house_id: int | None = None
    grid_id: int | None = None
    person_id: int | None = None
    event_id: int | None = None
    details: dict[str, Any] | None = None

    @property
    def active_key(self) -> str:
        if self.event_id:
            subject = f"event-{self.event_id}"
        elif self.person_id:
            # A person may live in two communities, each with its own care rule and alarm.
            return f"person-{self.person_id}:{self.type}@{self.community_id}"
        else:
            subject = f"device-{self.device_id}"
        return f"{subject}:{self.type}"


async def trigger(found: Trigger, *, at: datetime | None = None) -> Alarm:
    """Raise an alarm, or count one more trigger on the active one. Call inside `transaction()`.

    The unique index on ``active_key`` is the arbiter: of concurrent first triggers one
    inserts, the others hit the index (inside a savepoint, so their transaction lives on)
    and count on the alarm the winner opened. An alarm storm is one alarm with a count.
    """
    when = at or datetime.now(UTC)
    for _ in range(3):
        active = await Alarm.filter(active_key=found.active_key).select_for_update().first()
        if active is not None:
            await Alarm.filter(id=active.id).update(
                count=F("count") + 1, last_seen_at=when, severity=found.severity, details=found.details or {}
            )
            alarm = await Alarm.get(id=active.id)
            await record(messages.topic(alarm.community_id), AlarmMessage.UPDATED, messages.payload(alarm))
            await _tell(alarm)  # told once per alarm and severity: a storm is one notification
            return alarm
        try:
            async with transaction():  # nested: a savepoint
                alarm = await Alarm.create(
                    community_id=found.community_id,
                    device_id=found.device_id,
                    house_id=found.house_id,
                    grid_id=found.grid_id,
                    type=found.type,
                    severity=found.severity,
                    active_key=found.active_key,
                    details=found.details or {},
                    first_seen_at=when,
                    last_seen_at=when,
                )
        except IntegrityError:
            continue  # a concurrent trigger opened it first: count on that one
        await record(messages.topic(alarm.community_id), AlarmMessage.RAISED, messages.payload(alarm))
        await _tell(alarm)
        return alarm
    raise RuntimeError(f"alarm {found.active_key} could not be raised or counted")


# Who is told, besides the IOC's live feed: CRITICAL and MAJOR alarms reach the household and the
# grid's housekeepers, in the alarm's transaction. CARE alarms are urgent like CRITICAL ones.
TOLD = (Severity.CRITICAL, Severity.MAJOR)
CARE = "CARE"


async def _tell(alarm: Alarm) -> None:
    severity = Severity(alarm.severity)
    if severity not in TOLD:
        return
    people = await notifications.household(alarm.house_id) + await notifications.housekeepers(alarm.grid_id)
    if not people:
        return
    house = await House.filter(id=alarm.house_id).select_related("building").first() if alarm.house_id else None
    where = f" at {house.building.name}-{house.number}" if house else ""
    await notifications.notify(
        person_ids=people,
        kind=Kind.ALARM,
        source=f"alarm-{alarm.id}:{severity.value}",
        title=f"{severity.value} alarm: {alarm.type}",
        body=f"A {alarm.type} alarm{where} needs attention",
        community_id=alarm.community_id,
        urgent=severity is Severity.CRITICAL or alarm.type == CARE,
        subject={"type": "Alarm", "id": str(alarm.id)},
    )


async def list_alarms(
    viewer: Viewer,
    *,
    community_id: int | None = None,
    active: bool | None = True,
    min_severity: Severity | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[Alarm]:
    qs = access.readable_alarms(viewer).filter(**given(community_id=community_id))
    if active is not None:
        qs = qs.filter(cleared_at__isnull=active)
    if min_severity is not None:
        qs = qs.filter(severity__in=[s for s in Severity if SEVERITY_RANK[s] >= SEVERITY_RANK[min_severity]])
    return await paginate(qs, first=first, after=after)


async def get_alarm(viewer: Viewer, alarm_id: int) -> Alarm:
    return await get_visible(access.readable_alarms(viewer), alarm_id, what="alarm", field="id")


async def _staff_alarm(viewer: Viewer, alarm_id: int, action: str) -> Alarm:
    alarm = await get_alarm(viewer, alarm_id)
    access.check_handle(viewer, alarm, action)
    await Alarm.filter(id=alarm.id).select_for_update().first()
    return await Alarm.get(id=alarm.id)


async def acknowledge(viewer: Viewer, alarm_id: int) -> Alarm:
    """Somebody is on it. Acknowledging twice is a CONFLICT: the first one's name stays."""
    async with transaction():
        alarm = await _staff_alarm(viewer, alarm_id, "Acknowledging an alarm")
        if alarm.acknowledged_at is not None:
            raise Conflict("This alarm is acknowledged already", field="id")
        alarm.acknowledged_at = datetime.now(UTC)
        alarm.acknowledged_by_id = viewer.person_id
        await alarm.save(update_fields=["acknowledged_at", "acknowledged_by_id"])
        await record(messages.topic(alarm.community_id), AlarmMessage.ACKNOWLEDGED, messages.payload(alarm))
        return alarm


async def clear_automatically(alarm: Alarm, *, by: int | None = None) -> None:
    """Cleared without a staff decision, because the cause is gone: an offline device reports
    again, a device was moved (``by``: who moved it), an overdue event is done."""
    alarm.cleared_at = datetime.now(UTC)
    alarm.cleared_by_id = by
    alarm.active_key = None
    await alarm.save(update_fields=["cleared_at", "cleared_by_id", "active_key"])
    await record(messages.topic(alarm.community_id), AlarmMessage.CLEARED, messages.payload(alarm))


async def clear(viewer: Viewer, alarm_id: int) -> Alarm:
    """The cause is gone. The alarm stays as history; the next trigger opens a new one."""
    async with transaction():
        alarm = await _staff_alarm(viewer, alarm_id, "Clearing an alarm")
        if alarm.cleared_at is not None:
            raise Conflict("This alarm is cleared already", field="id")
        alarm.cleared_at = datetime.now(UTC)
        alarm.cleared_by_id = viewer.person_id
        alarm.active_key = None
        await alarm.save(update_fields=["cleared_at", "cleared_by_id", "active_key"])
        await record(messages.topic(alarm.community_id), AlarmMessage.CLEARED, messages.payload(alarm))
        return alarm
