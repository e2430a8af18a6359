"""GraphQL enums: the domain's own Python enums, registered with strawberry once, here."""

from __future__ import annotations

import strawberry

from auth.roles import Role
from domain.alarms.models import Severity
from domain.devices.models import DeviceType
from domain.errors import ErrorCode
from domain.people.models import CareTag, ResidencyKind

strawberry.enum(Role, description="A role a membership gives in a community")
strawberry.enum(CareTag, description="Marks a person who needs care")
strawberry.enum(ResidencyKind, description="How a person lives in a house")
strawberry.enum(
    ErrorCode, description="Stable codes in `errors[].extensions.code`: clients switch on these, never on messages"
)


strawberry.enum(Severity, description="Alarm severity, worst first")
strawberry.enum(DeviceType, description="What kind of device")

__all__ = ["CareTag", "DeviceType", "ErrorCode", "ResidencyKind", "Role", "Severity"]
