"""Events coming in: reported by people, submitted by integrations (with their keys), made of alarms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from auth.keys import key_hash, new_key
from auth.viewer import Viewer
from domain.alarms.access import readable_alarms
from domain.alarms.models import Alarm, Severity
from domain.common.errors import Conflict
from domain.common.guards import require_person
from domain.common.rows import get_visible
from domain.common.text import FREE_TEXT_MAX, text
from domain.events import access, deadlines, dispatch, messages
from domain.events.deadlines import OVERDUE_ALARM
from domain.events.models import (
    Category,
    Event,
    Integration,
    Priority,
    Source,
)
from domain.events.transitions import write_entry
from domain.events.workflow import Action
from domain.files import service as files
from domain.files.models import StoredFile
from domain.files.storage import Storage
from domain.people.models import Person
from domain.space import places
from domain.space.models import House
from domain.space.places import Place
from realtime.outbox import record, transaction

INTEGRATION_KEY_PREFIX = "ik_"


@dataclass(frozen=True)
class NewEvent:
    category: Category
    description: str
    priority: Priority = Priority.NORMAL
    source: Source | None = None
    photos: list[str] = field(default_factory=list)


async def report(viewer: Viewer, storage: Storage, new: NewEvent, place: Place) -> Event:
    """A resident, a grid worker or the centre reports something that needs doing."""
    person_id = require_person(viewer)
    source = access.report_source(viewer, place.community_id, new.source)
    access.check_report_place(viewer, place.community_id, place.house_id)
    place = await places.resolve(place)
    attached = await files.uploaded(viewer, storage, new.photos, field="photos")
    person = await Person.get(id=person_id)
    async with transaction():
        return await _create(new, place, source=source, reporter=person, photos=attached)


async def intake(integration_key: str, reference: str, new: NewEvent, place: Place, contact: str) -> Event:
    """From an outside system with its own reference: sent twice, one event (the same one back)."""
    integration = await access.calling_integration(integration_key)
    reference = text(reference, field="reference", max_length=100)
    access.check_integration_reports_to(integration, place.community_id)
    existing = await Event.get_or_none(integration_id=integration.id, external_ref=reference)
    if existing is not None:
        return existing
    place = await places.resolve(place)
    try:
        async with transaction():
            return await _create(
                new,
                place,
                source=integration.source,
                contact=text(contact, field="contact", max_length=100, min_length=0),
                integration=integration,
                external_ref=reference,
            )
    except IntegrityError:
        # A concurrent twin of this submission committed first: its event is this one.
        return await Event.get(integration_id=integration.id, external_ref=reference)


# What an alarm usually calls for, unless the staff member says otherwise.
ALARM_CATEGORIES = {"CARE": Category.CARE_VISIT, "OFFLINE": Category.REPAIR, OVERDUE_ALARM: Category.OTHER}


async def from_alarm(
    viewer: Viewer,
    alarm_id: int,
    *,
    category: Category | None = None,
    description: str | None = None,
    priority: Priority | None = None,
) -> Event:
    """Turn an alarm into an event in one step: same place, linked (event.alarmId)."""
    person_id = require_person(viewer)
    alarm = await get_visible(readable_alarms(viewer), alarm_id, what="alarm", field="alarmId")
    access.check_event_from_alarm(viewer, alarm)
    existing = await Event.get_or_none(alarm_id=alarm.id)
    if existing is not None:
        raise Conflict(f"Alarm {alarm.id} is event {existing.id} already", field="alarmId")
    new = NewEvent(
        category=category or ALARM_CATEGORIES.get(alarm.type, Category.SAFETY_HAZARD),
        description=description
        or f"{alarm.type} alarm ({alarm.severity.value}), raised {alarm.first_seen_at:%Y-%m-%d %H:%M} UTC",
        priority=priority or (Priority.URGENT if alarm.severity is Severity.CRITICAL else Priority.HIGH),
    )
    house = await House.get_or_none(id=alarm.house_id) if alarm.house_id else None
    place = Place(
        community_id=alarm.community_id,
        building_id=house.building_id if house else None,
        house_id=alarm.house_id,
        grid_id=alarm.grid_id,
    )
    person = await Person.get(id=person_id)
    try:
        async with transaction():
            return await _create(new, place, source=Source.DEVICE_ALARM, reporter=person, alarm=alarm)
    except IntegrityError:
        raise Conflict(f"Alarm {alarm.id} became an event meanwhile", field="alarmId") from None


async def register_integration(viewer: Viewer, community_id: int, name: str) -> tuple[Integration, str]:
    """A key for an outside system (shown once)."""
    access.check_register_integration(viewer, community_id)
    await places.community(community_id)
    key = new_key(INTEGRATION_KEY_PREFIX)
    integration = await Integration.create(
        community_id=community_id,
        name=text(name, field="name", max_length=100),
        source=Source.HOTLINE_12345,
        key_hash=key_hash(key),
        created_by_id=viewer.person_id,
    )
    return integration, key


async def _create(
    new: NewEvent,
    place: Place,
    *,
    source: Source,
    reporter: Person | None = None,
    contact: str = "",
    integration: Integration | None = None,
    external_ref: str | None = None,
    alarm: Alarm | None = None,
    photos: list[StoredFile] | None = None,
) -> Event:
    now = datetime.now(UTC)
    event = await Event.create(
        community_id=place.community_id,
        building_id=place.building_id,
        house_id=place.house_id,
        grid_id=place.grid_id,
        latitude=place.latitude,
        longitude=place.longitude,
        category=new.category,
        priority=new.priority,
        source=source,
        description=text(new.description, field="description", max_length=FREE_TEXT_MAX, multiline=True),
        reporter_id=reporter.id if reporter else None,
        reporter_name=reporter.name if reporter else (integration.name if integration else ""),
        contact=contact,
        integration_id=integration.id if integration else None,
        external_ref=external_ref,
        alarm_id=alarm.id if alarm else None,
        reported_at=now,
        deadline_at=await deadlines.deadline(place.community_id, new.category, now),
    )
    entry = await write_entry(event, Action.REPORT, None, actor=reporter, at=now, actor_name=event.reporter_name)
    if photos:
        await files.attach(photos, event_id=event.id, entry_id=entry.id, field="photos")
    await record(messages.topic(event.community_id), messages.Kind.EVENT_REPORTED, messages.payload(event))
    await dispatch.assign_to_grid_staff(event, at=now)
    return event
