"""The closed loop, as one table: which action moves an event from which states to which, and
which parties to the event take it (``access.check_action`` asks it who may).

REPORTED → ASSIGNED → IN_PROGRESS → RESOLVED → CLOSED (rated), with REJECTED (with a reason),
REOPENED (the reporter is unhappy: back to the assignee), ESCALATED (overdue, or staff asking
for help: the dispatchers reassign), and reassignment. Anything not in the table is refused
with a typed error and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.common.errors import Conflict
from domain.events.models import Event, Status


class Action(StrEnum):
    REPORT = "REPORT"
    ASSIGN = "ASSIGN"
    ACCEPT = "ACCEPT"
    RESOLVE = "RESOLVE"
    REJECT = "REJECT"
    REOPEN = "REOPEN"
    ESCALATE = "ESCALATE"
    RATE = "RATE"
    COMMENT = "COMMENT"  # a note or photos on the timeline, the status unchanged


class Party(StrEnum):
    """Who someone is to one event (``access.parties``): dispatchers assign, reassign, reject and
    escalate; the assignee works it; the reporter comments, rates, reopens."""

    REPORTER = "REPORTER"
    ASSIGNEE = "ASSIGNEE"
    DISPATCHER = "DISPATCHER"
    SYSTEM = "SYSTEM"  # the overdue job


@dataclass(frozen=True)
class Transition:
    """From which states, to which (None: the event stays where it is), taken by which parties."""

    sources: frozenset[Status]
    target: Status | None
    parties: frozenset[Party]


OPEN = frozenset({Status.REPORTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED, Status.ESCALATED})

TRANSITIONS: dict[Action, Transition] = {
    Action.ASSIGN: Transition(OPEN, Status.ASSIGNED, frozenset({Party.DISPATCHER})),
    Action.ACCEPT: Transition(
        frozenset({Status.ASSIGNED, Status.REOPENED}), Status.IN_PROGRESS, frozenset({Party.ASSIGNEE})
    ),
    Action.RESOLVE: Transition(frozenset({Status.IN_PROGRESS}), Status.RESOLVED, frozenset({Party.ASSIGNEE})),
    Action.REJECT: Transition(
        frozenset({Status.REPORTED, Status.ASSIGNED, Status.ESCALATED}),
        Status.REJECTED,
        frozenset({Party.ASSIGNEE, Party.DISPATCHER}),
    ),
    Action.ESCALATE: Transition(
        frozenset({Status.REPORTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.ESCALATED,
        frozenset({Party.ASSIGNEE, Party.DISPATCHER, Party.SYSTEM}),
    ),
    Action.REOPEN: Transition(frozenset({Status.RESOLVED}), Status.REOPENED, frozenset({Party.REPORTER})),
    Action.RATE: Transition(frozenset({Status.RESOLVED}), Status.CLOSED, frozenset({Party.REPORTER})),
    Action.COMMENT: Transition(
        OPEN | {Status.RESOLVED}, None, frozenset({Party.REPORTER, Party.ASSIGNEE, Party.DISPATCHER})
    ),
}


def target(action: Action, event: Event) -> Status:
    """The state the action leads to from the event's, or CONFLICT (field ``status``) when the
    table does not allow it from there."""
    rule = TRANSITIONS[action]
    if event.status not in rule.sources:
        allowed = ", ".join(sorted(s.value for s in rule.sources))
        raise Conflict(
            f"An event that is {event.status.value} cannot be {_past(action)} (only when {allowed})",
            field="status",
        )
    return rule.target or event.status


def _past(action: Action) -> str:
    return {
        Action.ASSIGN: "assigned",
        Action.ACCEPT: "accepted",
        Action.RESOLVE: "resolved",
        Action.REJECT: "rejected",
        Action.REOPEN: "reopened",
        Action.ESCALATE: "escalated",
        Action.RATE: "rated",
        Action.COMMENT: "commented on",
        Action.REPORT: "reported",
    }[action]
