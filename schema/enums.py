"""GraphQL enums: the domain's own Python enums, registered with strawberry once, here."""

from __future__ import annotations

import strawberry

from auth.roles import Role
from domain.alarms.models import Severity
from domain.devices.models import DeviceType
from domain.errors import ErrorCode
from domain.events.models import Category as EventCategory
from domain.events.models import Priority as EventPriority
from domain.events.models import Source as EventSource
from domain.events.models import Status as EventStatus
from domain.files.models import FileKind
from domain.people.models import CareTag, ResidencyKind

strawberry.enum(Role, description="A role a membership gives in a community")
strawberry.enum(CareTag, description="Marks a person who needs care")
strawberry.enum(ResidencyKind, description="How a person lives in a house")
strawberry.enum(
    ErrorCode, description="Stable codes in `errors[].extensions.code`: clients switch on these, never on messages"
)


strawberry.enum(Severity, description="Alarm severity, worst first")
strawberry.enum(DeviceType, description="What kind of device")

strawberry.enum(EventCategory, name="EventCategory", description="What kind of matter an event is")
strawberry.enum(EventPriority, name="EventPriority", description="How urgent an event is")
strawberry.enum(EventSource, name="EventSource", description="Where an event came from")
strawberry.enum(EventStatus, name="EventStatus", description="Where an event is in the loop")
strawberry.enum(FileKind, description="What a file is for: decides the types and size allowed")

__all__ = [
    "CareTag",
    "DeviceType",
    "ErrorCode",
    "EventCategory",
    "EventPriority",
    "EventSource",
    "EventStatus",
    "FileKind",
    "ResidencyKind",
    "Role",
    "Severity",
]
