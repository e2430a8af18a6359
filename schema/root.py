"""The one Schema: Query and Mutation assembled from the resolvers, and its safety limits."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers import alarms as alarm_resolvers
from resolvers import auth, people, space
from resolvers import devices as device_resolvers
from resolvers import events as event_resolvers
from schema.event_types import (
    CategoryDeadline,
    Event,
    EventStatistics,
    EventUpdate,
    IntegrationRegistration,
    MyRatings,
    UploadSlot,
)
from schema.extensions import MaskUnexpectedErrors, PerOperationContext
from schema.realtime_types import (
    Alarm,
    AlarmEvent,
    AlarmRule,
    Device,
    DeviceRegistration,
    DeviceStatusEvent,
    TelemetryReport,
)
from schema.shared_events import SharedEventExecutor
from schema.types import (
    ActivationCode,
    AuthPayload,
    Building,
    Community,
    Connection,
    Grid,
    House,
    Membership,
    Person,
    Residency,
    Unit,
)

log = logging.getLogger("lingli.graphql")

_PAGE = "Pages: `first` (1-100, default 20) items after the cursor `after`."


@strawberry.type(description="Everything you may read")
class Query:
    me: Person = strawberry.field(resolver=people.me, description="Who you are logged in as")
    communities: Connection[Community] = strawberry.field(
        resolver=space.communities, description=f"Communities you belong to. {_PAGE}"
    )
    community: Community = strawberry.field(resolver=space.community, description="One community")
    buildings: Connection[Building] = strawberry.field(
        resolver=space.buildings, description=f"Buildings you may see. {_PAGE}"
    )
    building: Building = strawberry.field(resolver=space.building, description="One building")
    houses: Connection[House] = strawberry.field(
        resolver=space.houses, description=f"Houses you may see, filtered by community, building, unit or grid. {_PAGE}"
    )
    house: House = strawberry.field(resolver=space.house, description="One house")
    grids: Connection[Grid] = strawberry.field(resolver=space.grids, description=f"Grids you may see. {_PAGE}")
    grid: Grid = strawberry.field(resolver=space.grid, description="One grid")
    residents: Connection[Residency] = strawberry.field(
        resolver=people.residents,
        description="Who lives where, as far as you may see: filter by community, house, building, grid, care tag; "
        f"movedOut false (default) = current, true = past, null = both. {_PAGE}",
    )
    person: Person = strawberry.field(resolver=people.person, description="One person you may see")
    memberships: Connection[Membership] = strawberry.field(
        resolver=people.memberships, description=f"Roles in communities you manage, and your own. {_PAGE}"
    )
    devices: Connection[Device] = strawberry.field(
        resolver=device_resolvers.devices, description=f"Devices in service that you may see. {_PAGE}"
    )
    device: Device = strawberry.field(resolver=device_resolvers.device, description="One device")
    alarm_rules: list[AlarmRule] = strawberry.field(
        resolver=alarm_resolvers.alarm_rules, description="Community staff: the alarm rules in force"
    )
    alarms: Connection[Alarm] = strawberry.field(
        resolver=alarm_resolvers.alarms,
        description=f"Alarms you may see: active (default), cleared (false) or all (null), at least minSeverity. {_PAGE}",
    )

    event: Event = strawberry.field(resolver=event_resolvers.event, description="One event you may see")
    events: Connection[Event] = strawberry.field(
        resolver=event_resolvers.events_list,
        description="Events you may see: dispatchers their community's, grid staff their grids' and assignments, "
        "residents the ones they reported; filter by community, grid, building, house, status, category, "
        f"overdue. `mine`: reported by or assigned to you. {_PAGE}",
    )
    event_statistics: EventStatistics = strawberry.field(
        resolver=event_resolvers.event_statistics,
        description="Dispatchers: counts by status, category, grid, building; overdue; averages (reported in [since, until))",
    )
    event_deadlines: list[CategoryDeadline] = strawberry.field(
        resolver=event_resolvers.event_deadlines, description="Dispatchers: hours allowed per category"
    )
    my_ratings: MyRatings = strawberry.field(
        resolver=event_resolvers.my_ratings, description="Staff: how reporters rated the events you handled"
    )


@strawberry.type(description="Everything you may change. Each mutation writes all of its change or nothing")
class Mutation:
    auth_register: AuthPayload = strawberry.field(resolver=auth.auth_register, description="Create or claim an account")
    auth_login: AuthPayload = strawberry.field(resolver=auth.auth_login, description="Log in with phone and password")
    auth_refresh: AuthPayload = strawberry.field(
        resolver=auth.auth_refresh, description="Spend a refresh token for a new token pair"
    )
    auth_logout: bool = strawberry.field(resolver=auth.auth_logout, description="End this session everywhere")

    community_create: Community = strawberry.field(resolver=space.community_create, description="Platform admins")
    community_update: Community = strawberry.field(resolver=space.community_update, description="Operators")
    building_create: Building = strawberry.field(resolver=space.building_create, description="Operators")
    building_update: Building = strawberry.field(resolver=space.building_update, description="Operators")
    unit_create: Unit = strawberry.field(resolver=space.unit_create, description="Operators")
    grid_create: Grid = strawberry.field(resolver=space.grid_create, description="Operators")
    grid_update: Grid = strawberry.field(resolver=space.grid_update, description="Operators")
    house_create: House = strawberry.field(resolver=space.house_create, description="Operators")
    house_update: House = strawberry.field(resolver=space.house_update, description="Operators")

    person_create: Person = strawberry.field(
        resolver=people.person_create, description="Operators and property staff; optionally moves them in"
    )
    person_update: Person = strawberry.field(
        resolver=people.person_update, description="Operators and property staff; anyone may change their own name"
    )
    person_issue_activation_code: ActivationCode = strawberry.field(
        resolver=people.person_issue_activation_code, description="A code the person registers with"
    )
    residency_create: Residency = strawberry.field(resolver=people.residency_create, description="Move a person in")
    residency_end: Residency = strawberry.field(resolver=people.residency_end, description="Move a person out")
    residency_update: Residency = strawberry.field(resolver=people.residency_update, description="Correct a residency")
    membership_grant: Membership = strawberry.field(resolver=people.membership_grant, description="Give a role")
    membership_revoke: Membership = strawberry.field(resolver=people.membership_revoke, description="Take a role away")

    device_register: DeviceRegistration = strawberry.field(
        resolver=device_resolvers.device_register, description="Operators: a new device and its key, shown once"
    )
    device_move: Device = strawberry.field(
        resolver=device_resolvers.device_move, description="Operators: place or rename"
    )
    device_retire: Device = strawberry.field(
        resolver=device_resolvers.device_retire, description="Operators: out of service"
    )
    device_rotate_key: DeviceRegistration = strawberry.field(
        resolver=device_resolvers.device_rotate_key, description="Operators: a new key, the old one stops at once"
    )
    telemetry_report: TelemetryReport = strawberry.field(
        resolver=device_resolvers.telemetry_report,
        description="Devices and gateways: up to 1000 readings, authenticated by the device key (no login)",
    )
    alarm_acknowledge: Alarm = strawberry.field(
        resolver=alarm_resolvers.alarm_acknowledge, description="Staff: I am on it"
    )
    alarm_clear: Alarm = strawberry.field(resolver=alarm_resolvers.alarm_clear, description="Staff: the cause is gone")
    alarm_threshold_set: list[AlarmRule] = strawberry.field(
        resolver=alarm_resolvers.alarm_threshold_set,
        description="Operators: the community's own threshold for a metric; returns the rules in force",
    )
    alarm_threshold_remove: list[AlarmRule] = strawberry.field(
        resolver=alarm_resolvers.alarm_threshold_remove,
        description="Operators: back to the default rule; returns the rules in force",
    )
    request_upload: UploadSlot = strawberry.field(
        resolver=event_resolvers.request_upload,
        description="A short-lived URL to PUT one file to storage; attach it afterwards by its key",
    )
    event_report: Event = strawberry.field(
        resolver=event_resolvers.event_report,
        description="Residents and staff: report something that needs doing; assigned to the grid's staff at once",
    )
    event_intake: Event = strawberry.field(
        resolver=event_resolvers.event_intake,
        description="Integrations (no login; their key): submit an event; the same reference twice is one event",
    )
    event_from_alarm: Event = strawberry.field(
        resolver=event_resolvers.event_from_alarm, description="Staff: make an event of an alarm, linked to it"
    )
    event_assign: Event = strawberry.field(
        resolver=event_resolvers.event_assign, description="Dispatchers: assign or reassign to a staff member"
    )
    event_accept: Event = strawberry.field(
        resolver=event_resolvers.event_accept, description="The assignee: I am on it (IN_PROGRESS)"
    )
    event_resolve: Event = strawberry.field(
        resolver=event_resolvers.event_resolve, description="The assignee: done, with a note and photos"
    )
    event_reject: Event = strawberry.field(
        resolver=event_resolvers.event_reject, description="The assignee or dispatchers: not ours to do, with a reason"
    )
    event_escalate: Event = strawberry.field(
        resolver=event_resolvers.event_escalate, description="The assignee or dispatchers: needs the centre"
    )
    event_reopen: Event = strawberry.field(
        resolver=event_resolvers.event_reopen, description="The reporter: a resolved event is not done"
    )
    event_comment: Event = strawberry.field(
        resolver=event_resolvers.event_comment,
        description="The reporter, the assignee or dispatchers: a note or photos on the timeline, the status unchanged",
    )
    event_rate: Event = strawberry.field(
        resolver=event_resolvers.event_rate,
        description="The reporter: rate a resolved event 1-5 (closes it); a rating of 2 or less may reopen it",
    )
    event_deadline_set: list[CategoryDeadline] = strawberry.field(
        resolver=event_resolvers.event_deadline_set,
        description="Dispatchers: the community's own deadline for a category (hours null: the default)",
    )
    integration_register: IntegrationRegistration = strawberry.field(
        resolver=event_resolvers.integration_register,
        description="Operators: a key for an outside system (the 12345 hotline) to submit events",
    )


@strawberry.type(description="Live feeds. Every message has a cursor: resubscribe with `after` to miss nothing")
class Subscription:
    alarm_events: AsyncGenerator[AlarmEvent, None] = strawberry.subscription(
        resolver=alarm_resolvers.alarm_events,
        description="A community's alarms, for its staff (grid staff: their grids), at least minSeverity",
    )
    my_alarms: AsyncGenerator[AlarmEvent, None] = strawberry.subscription(
        resolver=alarm_resolvers.my_alarms, description="Residents: alarms of the houses you live in"
    )
    device_status: AsyncGenerator[DeviceStatusEvent, None] = strawberry.subscription(
        resolver=device_resolvers.device_status,
        description="Devices going online and offline, as far as you may see them",
    )
    event_updates: AsyncGenerator[EventUpdate, None] = strawberry.subscription(
        resolver=event_resolvers.event_updates,
        description="Events changing: reporters their own, assignees their assignments, dispatchers the community's",
    )


class LingliSchema(strawberry.Schema):
    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """One answer per request: a subscription (a stream) is refused here, with a 400 that
        says so, instead of failing inside execution. Subscriptions use the WebSocket."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES) - {OperationType.SUBSCRIPTION}
        return await super().execute(
            query, variable_values, context_value, root_value, operation_name, allowed, operation_extensions
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client errors are routine: one INFO line each. Unexpected ones were already logged,
        with their traceback and request id, by MaskUnexpectedErrors."""
        for error in errors:
            code = (error.extensions or {}).get("code", "GRAPHQL")
            log.info("%s: %s", code, error.message)


def build_schema(
    *, production: bool, max_depth: int = 10, max_aliases: int = 30, max_tokens: int = 2000
) -> strawberry.Schema:
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        MaskUnexpectedErrors,
        PerOperationContext,
    ]
    if production:
        extensions.append(DisableIntrospection)
    return LingliSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=SharedEventExecutor,
    )
