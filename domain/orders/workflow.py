"""The order loop, as one table: which action moves an order from which states to which, and, per
party, from which states they may take it (``access.check_action`` asks it).

PLACED → ACCEPTED → PREPARING → PICKED_UP → DELIVERING → DELIVERED → COMPLETED (confirmed by the
resident, or by the system after a while), plus CANCELLED (the resident before it is accepted, the
merchant with a reason until it is picked up), REFUSED (the merchant, with a reason) and REFUNDED
(the merchant, once delivered). Anything not in the table is refused and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.common.errors import Conflict
from domain.orders.models import Order, Status


class Action(StrEnum):
    PLACE = "PLACE"
    ACCEPT = "ACCEPT"
    REFUSE = "REFUSE"
    PREPARE = "PREPARE"
    DISPATCH = "DISPATCH"  # hand to a courier or a robot; the status stays
    PICK_UP = "PICK_UP"
    DEPART = "DEPART"
    DELIVER = "DELIVER"
    CONFIRM = "CONFIRM"
    COMPLETE = "COMPLETE"
    CANCEL = "CANCEL"
    REFUND = "REFUND"
    RATE = "RATE"
    COLLECT = "COLLECT"  # the courier took the money at the door; the status stays
    PAY = "PAY"  # a provider said it was paid; the status stays


class Party(StrEnum):
    RESIDENT = "RESIDENT"  # who placed it
    MERCHANT = "MERCHANT"  # the shop's merchants
    COURIER = "COURIER"  # who it was handed to (a courier or merchant of the shop)
    SYSTEM = "SYSTEM"


@dataclass(frozen=True)
class Transition:
    """Where it leads (None: it stays), and from which states each party may take it."""

    target: Status | None
    by: dict[Party, frozenset[Status]]

    @property
    def sources(self) -> frozenset[Status]:
        return frozenset().union(*self.by.values())


def _s(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


TRANSITIONS: dict[Action, Transition] = {
    Action.ACCEPT: Transition(Status.ACCEPTED, {Party.MERCHANT: _s(Status.PLACED)}),
    Action.REFUSE: Transition(Status.REFUSED, {Party.MERCHANT: _s(Status.PLACED)}),
    Action.PREPARE: Transition(Status.PREPARING, {Party.MERCHANT: _s(Status.ACCEPTED)}),
    Action.DISPATCH: Transition(None, {Party.MERCHANT: _s(Status.ACCEPTED, Status.PREPARING)}),
    Action.PICK_UP: Transition(Status.PICKED_UP, {Party.COURIER: _s(Status.ACCEPTED, Status.PREPARING)}),
    Action.DEPART: Transition(Status.DELIVERING, {Party.COURIER: _s(Status.PICKED_UP)}),
    Action.DELIVER: Transition(Status.DELIVERED, {Party.COURIER: _s(Status.DELIVERING)}),
    Action.CONFIRM: Transition(Status.COMPLETED, {Party.RESIDENT: _s(Status.DELIVERED)}),
    Action.COMPLETE: Transition(Status.COMPLETED, {Party.SYSTEM: _s(Status.DELIVERED)}),
    Action.CANCEL: Transition(
        Status.CANCELLED,
        {Party.RESIDENT: _s(Status.PLACED), Party.MERCHANT: _s(Status.ACCEPTED, Status.PREPARING)},
    ),
    Action.REFUND: Transition(Status.REFUNDED, {Party.MERCHANT: _s(Status.DELIVERED, Status.COMPLETED)}),
    Action.RATE: Transition(None, {Party.RESIDENT: _s(Status.COMPLETED)}),
    Action.COLLECT: Transition(None, {Party.COURIER: _s(Status.DELIVERING, Status.DELIVERED)}),
    Action.PAY: Transition(None, {Party.SYSTEM: frozenset(Status)}),
}


def target(action: Action, parties: set[Party], order: Order) -> Status:
    """The state the action leads to, or CONFLICT (field ``status``) when none of the viewer's
    parties may take it from the order's state."""
    rule = TRANSITIONS[action]
    allowed = frozenset().union(*(rule.by.get(p, frozenset()) for p in parties))
    if order.status not in allowed:
        names = ", ".join(sorted(s.value for s in allowed)) or "never"
        raise Conflict(
            f"An order that is {order.status.value} cannot be taken through {action.value} by you (only when {names})",
            field="status",
        )
    return rule.target or order.status
