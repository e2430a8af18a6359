"""GraphQL enums, the same Python enums the domain uses."""

from __future__ import annotations

import strawberry

from auth.roles import Role as _Role
from domain.errors import ErrorCode as _ErrorCode
from domain.people.models import CareTag as _CareTag
from domain.people.models import ResidencyKind as _ResidencyKind

Role = strawberry.enum(_Role, description="A role a membership gives in a community")
CareTag = strawberry.enum(_CareTag, description="Marks a person who needs care")
ResidencyKind = strawberry.enum(_ResidencyKind, description="How a person lives in a house")
ErrorCode = strawberry.enum(
    _ErrorCode,
    description="Stable codes in `errors[].extensions.code`: clients switch on these, never on messages",
)
