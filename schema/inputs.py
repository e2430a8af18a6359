"""GraphQL inputs. In the *UpdateInput types, a field left out is left unchanged."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from schema.enums import CareTag, DeviceType, EventCategory, EventPriority, EventSource, ResidencyKind, Role, Severity

_UNCHANGED = "Left out: unchanged"


@strawberry.input(description="A new community (platform admins only)")
class CommunityCreateInput:
    name: str = strawberry.field(description="Display name")
    code: str = strawberry.field(description="Short stable code: 2-40 of A-Z 0-9 - _")
    address: str = strawberry.field(default="", description="Postal address")


@strawberry.input(description="Changes to a community")
class CommunityUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which community")
    name: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    address: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)


@strawberry.input(description="A new building")
class BuildingCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Its community")
    name: str = strawberry.field(description="Name or number")
    floors: int | None = strawberry.field(default=None, description="Number of floors")


@strawberry.input(description="Changes to a building")
class BuildingUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which building")
    name: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    floors: int | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)


@strawberry.input(description="A new unit of a building")
class UnitCreateInput:
    building_id: strawberry.ID = strawberry.field(description="Its building")
    name: str = strawberry.field(description="Name or number")


@strawberry.input(description="A new grid")
class GridCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Its community")
    name: str = strawberry.field(description="Display name")


@strawberry.input(description="Changes to a grid")
class GridUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which grid")
    name: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)


@strawberry.input(description="A new house")
class HouseCreateInput:
    building_id: strawberry.ID = strawberry.field(description="Its building")
    number: str = strawberry.field(description="Door number")
    unit_id: strawberry.ID | None = strawberry.field(default=None, description="Its unit, if the building has units")
    grid_id: strawberry.ID | None = strawberry.field(default=None, description="Its grid")
    floor: int | None = strawberry.field(default=None, description="Floor")
    area_m2: Decimal | None = strawberry.field(default=None, description="Floor area in square metres")


@strawberry.input(description="Changes to a house; null clears unit, grid, floor or area")
class HouseUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which house")
    number: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    unit_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    grid_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    floor: int | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    area_m2: Decimal | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)


@strawberry.input(description="Moving into a house")
class MoveInInput:
    house_id: strawberry.ID = strawberry.field(description="Which house")
    kind: ResidencyKind = strawberry.field(description="Owner, tenant or family member")
    moved_in: date = strawberry.field(description="Day of moving in")


@strawberry.input(description="A person registered by the property office: give a residency or a staffRole")
class PersonCreateInput:
    community_id: strawberry.ID = strawberry.field(description="The community registering them")
    name: str = strawberry.field(description="Name")
    phone: str = strawberry.field(description="Mobile number, unique")
    id_number: str | None = strawberry.field(default=None, description="National ID number")
    tags: list[CareTag] | None = strawberry.field(default=None, description="Care tags")
    residency: MoveInInput | None = strawberry.field(default=None, description="A resident: the house they move into")
    staff_role: Role | None = strawberry.field(default=None, description="Staff: the role they get (not both)")
    grid_id: strawberry.ID | None = strawberry.field(default=None, description="For HOUSEKEEPER and GRID_WORKER")


@strawberry.input(description="Changes to a person; `tags` replaces all tags")
class PersonUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which person")
    name: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    phone: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    id_number: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    tags: list[CareTag] | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)


@strawberry.input(description="Move a known person in: give personId, or the phone they were registered with")
class ResidencyCreateInput:
    house_id: strawberry.ID = strawberry.field(description="Which house")
    kind: ResidencyKind = strawberry.field(description="Owner, tenant or family member")
    moved_in: date = strawberry.field(description="Day of moving in")
    person_id: strawberry.ID | None = strawberry.field(default=None, description="Who, by id")
    phone: str | None = strawberry.field(default=None, description="Who, by phone")


@strawberry.input(description="Move a person out; the residency stays as history")
class ResidencyEndInput:
    id: strawberry.ID = strawberry.field(description="Which residency")
    moved_out: date = strawberry.field(description="Day of moving out")


@strawberry.input(description="Corrections to a residency")
class ResidencyUpdateInput:
    id: strawberry.ID = strawberry.field(description="Which residency")
    kind: ResidencyKind | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    moved_in: date | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)


@strawberry.input(description="Give a person a role: personId of someone you can see, or their phone")
class MembershipGrantInput:
    person_id: strawberry.ID | None = strawberry.field(default=None, description="Who, by id")
    phone: str | None = strawberry.field(default=None, description="Who, by phone")
    role: Role = strawberry.field(description="Which role")
    community_id: strawberry.ID | None = strawberry.field(default=None, description="Where; none for PLATFORM_ADMIN")
    grid_id: strawberry.ID | None = strawberry.field(default=None, description="For HOUSEKEEPER and GRID_WORKER")


@strawberry.input(description="A new account, or claiming the record the property office made")
class AuthRegisterInput:
    phone: str = strawberry.field(description="Mobile number")
    password: str = strawberry.field(description="At least 8 characters")
    name: str = strawberry.field(description="Name")
    activation_code: str | None = strawberry.field(
        default=None, description="Needed when the office registered this phone already"
    )


@strawberry.input(description="A new device")
class DeviceRegisterInput:
    community_id: strawberry.ID = strawberry.field(description="Its community")
    type: DeviceType = strawberry.field(description="What kind")
    name: str = strawberry.field(description="Display name")
    building_id: strawberry.ID | None = strawberry.field(default=None, description="Its building")
    house_id: strawberry.ID | None = strawberry.field(default=None, description="Its house (implies the building)")
    latitude: float | None = strawberry.field(default=None, description="WGS84 latitude")
    longitude: float | None = strawberry.field(default=None, description="WGS84 longitude")
    heartbeat_seconds: int = strawberry.field(default=300, description="Silent longer than this: offline")


@strawberry.input(description="One reading")
class ReadingInput:
    metric: str = strawberry.field(description="e.g. smoke, gas, heart_rate, sos, pm25, temperature")
    value: float = strawberry.field(description="In the metric's unit; flags are 0 or 1")
    recorded_at: datetime | None = strawberry.field(default=None, description="When measured; default: received")


@strawberry.input(description="Move or rename a device; null clears building, house or coordinates")
class DeviceMoveInput:
    id: strawberry.ID = strawberry.field(description="Which device")
    building_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    house_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    latitude: float | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    longitude: float | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    name: str | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)
    heartbeat_seconds: int | None = strawberry.field(default=strawberry.UNSET, description=_UNCHANGED)


@strawberry.input(description="A community's own threshold: fires at value >= above, or value <= below")
class AlarmThresholdInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    device_type: DeviceType = strawberry.field(description="Which devices")
    metric: str = strawberry.field(description="Which reading, e.g. smoke, pm25, temperature")
    severity: Severity = strawberry.field(description="Severity of the alarm it raises")
    above: float | None = strawberry.field(default=None, description="Fires at or above this value")
    below: float | None = strawberry.field(default=None, description="Fires at or below this value")


@strawberry.input(description="A new event. Leave the house out for the community's common parts")
class EventReportInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    category: EventCategory = strawberry.field(description="What kind of matter")
    description: str = strawberry.field(description="What is wrong, where exactly (up to 2000 characters)")
    priority: EventPriority = strawberry.field(default=EventPriority.NORMAL, description="How urgent")
    source: EventSource | None = strawberry.field(
        default=None, description="Residents: RESIDENT_APP or WECHAT; grid staff: GRID_WORKER; default: yours"
    )
    house_id: strawberry.ID | None = strawberry.field(default=None, description="The house (residents: their own)")
    building_id: strawberry.ID | None = strawberry.field(default=None, description="The building")
    latitude: float | None = strawberry.field(default=None, description="WGS84 latitude")
    longitude: float | None = strawberry.field(default=None, description="WGS84 longitude")
    photos: list[str] = strawberry.field(default_factory=list, description="Keys of files you uploaded")


@strawberry.input(description="An event from an outside system (the 12345 hotline)")
class EventIntakeInput:
    community_id: strawberry.ID = strawberry.field(description="Which community (the integration's)")
    reference: str = strawberry.field(description="Your own reference: the same one again finds the same event")
    category: EventCategory = strawberry.field(description="What kind of matter")
    description: str = strawberry.field(description="What the caller said")
    priority: EventPriority = strawberry.field(default=EventPriority.NORMAL, description="How urgent")
    contact: str = strawberry.field(default="", description="The caller's name and phone")
    house_id: strawberry.ID | None = strawberry.field(default=None, description="The house, if known")
    building_id: strawberry.ID | None = strawberry.field(default=None, description="The building, if known")
    latitude: float | None = strawberry.field(default=None, description="WGS84 latitude")
    longitude: float | None = strawberry.field(default=None, description="WGS84 longitude")
