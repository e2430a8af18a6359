"""The care rule (§六.一.2): a person tagged ELDERLY_ALONE who has passed no access gate or
door lock for N hours raises a CARE alarm for the housekeeper of their grid; passing a gate
again clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.alarms import service as alarm_service
from domain.alarms.models import Alarm, Severity
from domain.devices.models import DeviceType, Reading
from domain.people.models import CareRecord, CareTag, Residency
from realtime.outbox import transaction

CARE = "CARE"
ACCESS_TYPES = (DeviceType.ACCESS_GATE, DeviceType.DOOR_LOCK)
ACCESS_METRIC = "person_id"  # an access record: who passed


def care_key(person_id: int, community_id: int) -> str:
    """One CARE alarm per person and community: each community's record of them has its own."""
    trigger = alarm_service.Trigger(community_id=community_id, type=CARE, severity=Severity.MAJOR, person_id=person_id)
    return trigger.active_key


async def check_elderly_alone(*, silence: timedelta, now: datetime | None = None) -> int:
    """One sweep: raise a CARE alarm for each elderly person living alone silent longer than
    ``silence``, unless one is active already. Returns how many were raised."""
    now = now or datetime.now(UTC)
    # The community where the person lives recorded them as elderly living alone: its care
    # rule, its alarm (another community's record of them says nothing of this home).
    records = set(await CareRecord.filter(tag=CareTag.ELDERLY_ALONE).values_list("person_id", "community_id"))
    homes = [
        home
        for home in await Residency.filter(person_id__in=sorted({p for p, _ in records}), moved_out=None).values(
            "person_id", "house_id", "community_id", "created_at", "house__grid_id", "person__name"
        )
        if (home["person_id"], home["community_id"]) in records
    ]
    raised = 0
    for home in homes:
        person_id = home["person_id"]
        if await Alarm.filter(active_key=care_key(person_id, home["community_id"])).exists():
            continue
        last = (
            await Reading.filter(
                metric=ACCESS_METRIC,
                value=float(person_id),
                device__community_id=home["community_id"],
                device__type__in=list(ACCESS_TYPES),
            )
            .order_by("-recorded_at")
            .first()
        )
        since = last.recorded_at if last else home["created_at"]
        if now - since <= silence:
            continue
        async with transaction():
            await alarm_service.trigger(
                alarm_service.Trigger(
                    community_id=home["community_id"],
                    type=CARE,
                    severity=Severity.MAJOR,
                    house_id=home["house_id"],
                    grid_id=home["house__grid_id"],
                    person_id=person_id,
                    details={
                        "person_id": person_id,
                        "name": home["person__name"],
                        "last_access_at": since.isoformat(),
                        "rule": f"no access record for {silence.total_seconds() / 3600:g} h",
                    },
                ),
                at=now,
            )
        raised += 1
    return raised


async def passed_a_gate(person_id: int, community_id: int) -> None:
    """Inside the ingest transaction: an access record clears the person's CARE alarm, if the gate
    is in the community the alarm is about (a gate elsewhere says nothing of this home)."""
    active = await Alarm.get_or_none(active_key=care_key(person_id, community_id))
    if active is not None:
        await alarm_service.clear_automatically(active)
