"""The closed loop, as one table: which action moves an event from which states, and who may take it.

REPORTED → ASSIGNED → IN_PROGRESS → RESOLVED → CLOSED (rated), with REJECTED (with a reason),
REOPENED (the reporter is unhappy: back to the assignee), ESCALATED (overdue, or staff asking
for help: the dispatchers reassign), and reassignment. Anything not in the table is refused
with a typed error and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from auth.roles import COMMUNITY_STAFF, STAFF
from auth.viewer import Viewer
from domain.common.errors import Conflict, Forbidden
from domain.events.models import Event, Status

# Dispatchers are the community's staff (auth.roles.COMMUNITY_STAFF): assign, reassign, reject,
# escalate. Any of its STAFF can be assigned one; an assignee whose staff role is revoked no
# longer works (or sees) it.


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
    """Who someone is to one event."""

    REPORTER = "REPORTER"
    ASSIGNEE = "ASSIGNEE"
    DISPATCHER = "DISPATCHER"
    SYSTEM = "SYSTEM"  # the overdue job


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None  # None: the event stays where it is
    parties: frozenset[Party]


OPEN = frozenset({Status.REPORTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED, Status.ESCALATED})

RULES: dict[Action, Rule] = {
    Action.ASSIGN: Rule(OPEN, Status.ASSIGNED, frozenset({Party.DISPATCHER})),
    Action.ACCEPT: Rule(frozenset({Status.ASSIGNED, Status.REOPENED}), Status.IN_PROGRESS, frozenset({Party.ASSIGNEE})),
    Action.RESOLVE: Rule(frozenset({Status.IN_PROGRESS}), Status.RESOLVED, frozenset({Party.ASSIGNEE})),
    Action.REJECT: Rule(
        frozenset({Status.REPORTED, Status.ASSIGNED, Status.ESCALATED}),
        Status.REJECTED,
        frozenset({Party.ASSIGNEE, Party.DISPATCHER}),
    ),
    Action.ESCALATE: Rule(
        frozenset({Status.REPORTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}),
        Status.ESCALATED,
        frozenset({Party.ASSIGNEE, Party.DISPATCHER, Party.SYSTEM}),
    ),
    Action.REOPEN: Rule(frozenset({Status.RESOLVED}), Status.REOPENED, frozenset({Party.REPORTER})),
    Action.RATE: Rule(frozenset({Status.RESOLVED}), Status.CLOSED, frozenset({Party.REPORTER})),
    Action.COMMENT: Rule(OPEN | {Status.RESOLVED}, None, frozenset({Party.REPORTER, Party.ASSIGNEE, Party.DISPATCHER})),
}


def parties(viewer: Viewer | None, event: Event) -> set[Party]:
    """What the viewer is to this event; None is the system itself."""
    if viewer is None:
        return {Party.SYSTEM}
    found = set()
    if viewer.person_id is not None and viewer.person_id == event.reporter_id:
        found.add(Party.REPORTER)
    assignee = viewer.person_id is not None and viewer.person_id == event.assignee_id
    if assignee and viewer.has_role(event.community_id, STAFF):
        found.add(Party.ASSIGNEE)
    if viewer.has_role(event.community_id, COMMUNITY_STAFF):
        found.add(Party.DISPATCHER)
    return found


def check(action: Action, viewer: Viewer | None, event: Event) -> Status:
    """The state the action leads to, or the reason it may not be taken: FORBIDDEN for the wrong
    person, CONFLICT (field `status`) for the wrong state. Who is asked first: a stranger learns
    nothing about the event's state."""
    rule = RULES[action]
    if action is Action.RATE and event.reporter_id is not None and event.reporter_id == event.assignee_id:
        raise Forbidden("Nobody rates their own work: this event was reported and handled by you", field="id")
    if not parties(viewer, event) & rule.parties:
        who = " or ".join(sorted(p.value.lower() for p in rule.parties if p is not Party.SYSTEM))
        raise Forbidden(f"Only the event's {who} may {action.value.lower()} it", field="id")
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
