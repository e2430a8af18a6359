"""Events (work orders): anything that needs a person to act, from report to rating."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.alarms.models import Alarm
from domain.people.models import Person
from domain.space.models import Building, Community, Grid, House


class Category(StrEnum):
    REPAIR = "REPAIR"
    COMPLAINT = "COMPLAINT"
    SAFETY_HAZARD = "SAFETY_HAZARD"
    ILLEGAL_CONSTRUCTION = "ILLEGAL_CONSTRUCTION"
    ENVIRONMENT = "ENVIRONMENT"
    NOISE = "NOISE"
    PARKING = "PARKING"
    CARE_VISIT = "CARE_VISIT"
    OTHER = "OTHER"


class Priority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class Source(StrEnum):
    RESIDENT_APP = "RESIDENT_APP"
    WECHAT = "WECHAT"
    HOTLINE_12345 = "HOTLINE_12345"
    GRID_WORKER = "GRID_WORKER"
    DEVICE_ALARM = "DEVICE_ALARM"
    OPERATIONS_CENTER = "OPERATIONS_CENTER"


class Status(StrEnum):
    REPORTED = "REPORTED"
    ASSIGNED = "ASSIGNED"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"
    REJECTED = "REJECTED"
    REOPENED = "REOPENED"
    ESCALATED = "ESCALATED"


# Done with: no deadline runs, nothing more to dispatch.
FINISHED = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})


class Integration(Model):
    """An outside system (the city's 12345 hotline) that submits events to one community with its
    own key; its references make a re-sent submission the same event."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="integrations", on_delete=fields.RESTRICT
    )
    community_id: int
    name = fields.CharField(max_length=100)
    source = fields.CharEnumField(Source, max_length=20)
    key_hash = fields.CharField(max_length=64, unique=True)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "integration"


class Event(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="events", on_delete=fields.RESTRICT
    )
    community_id: int
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "lingli.Building", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    building_id: int | None
    house: fields.ForeignKeyNullableRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    house_id: int | None
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "lingli.Grid", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    grid_id: int | None
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    category = fields.CharEnumField(Category, max_length=25)
    priority = fields.CharEnumField(Priority, max_length=10, default=Priority.NORMAL)
    source = fields.CharEnumField(Source, max_length=20)
    status = fields.CharEnumField(Status, max_length=15, default=Status.REPORTED)
    description = fields.TextField()
    reporter: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="reported_events", null=True, on_delete=fields.RESTRICT
    )
    reporter_id: int | None
    reporter_name = fields.CharField(max_length=100, default="")
    contact = fields.CharField(max_length=100, default="", description="Caller's name/phone, for hotline events")
    assignee: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="assigned_events", null=True, on_delete=fields.RESTRICT
    )
    assignee_id: int | None
    assignee_name = fields.CharField(max_length=100, default="")
    alarm: fields.ForeignKeyNullableRelation[Alarm] = fields.ForeignKeyField(
        "lingli.Alarm", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    alarm_id: int | None
    integration: fields.ForeignKeyNullableRelation[Integration] = fields.ForeignKeyField(
        "lingli.Integration", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    integration_id: int | None
    external_ref = fields.CharField(max_length=100, null=True, description="The integration's own reference")
    reported_at = fields.DatetimeField()
    deadline_at = fields.DatetimeField()
    overdue_at = fields.DatetimeField(null=True, description="When the overdue job found it late (once)")
    resolved_at = fields.DatetimeField(null=True)
    resolve_seconds = fields.IntField(null=True, description="Report to resolution: averaged in SQL")
    closed_at = fields.DatetimeField(null=True)
    rating = fields.IntField(null=True)
    rating_comment = fields.TextField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "event"
        # An integration's reference names one event: a re-sent submission finds it. And an alarm
        # becomes at most one event. (tortoise creates no index for `unique=True` on a foreign
        # key: this is what makes the database enforce it.)
        unique_together = (("integration_id", "external_ref"), ("alarm_id",))


class EventEntry(Model):
    """The timeline: every transition, who made it, when, with a note and photos."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "lingli.Event", related_name="entries", on_delete=fields.CASCADE
    )
    event_id: int
    action = fields.CharField(max_length=20)
    from_status = fields.CharEnumField(Status, max_length=15, null=True)
    to_status = fields.CharEnumField(Status, max_length=15)
    actor_id = fields.IntField(null=True, description="Null: the system or an integration")
    actor_name = fields.CharField(max_length=100, description="Who, as shown on the timeline")
    assignee_id = fields.IntField(null=True, description="Who the event was assigned to by this entry")
    note = fields.TextField(default="")
    score = fields.IntField(null=True, description="A rating given by this entry, credited to assignee_id")
    at = fields.DatetimeField()

    class Meta:
        table = "event_entry"


class CategoryDeadline(Model):
    """A community's own deadline for a category, replacing the default."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="event_deadlines", on_delete=fields.CASCADE
    )
    community_id: int
    category = fields.CharEnumField(Category, max_length=25)
    hours = fields.IntField()

    class Meta:
        table = "event_deadline"
        unique_together = (("community_id", "category"),)
