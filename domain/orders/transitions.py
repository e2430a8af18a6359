"""Moving an order along the loop (``workflow``): what its parties do, and the write every change
makes — the row, its timeline entry and its live message, in one transaction. An order called off
gives its stock back, and each of its payments (the points part, the money part) is refunded
(through its provider, asked first; points as a ledger entry in the order's transaction) or cancelled.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auth.roles import SHOP_STAFF
from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput
from domain.common.guards import require_person
from domain.common.rows import lock
from domain.common.text import text
from domain.devices.models import Device, DeviceType
from domain.notifications import service as notifications
from domain.notifications.models import Kind
from domain.orders import access, messages, stock
from domain.orders.models import CALLED_OFF, PAYMENT_SUBJECT, Order, OrderEntry, Status
from domain.orders.service import get_order
from domain.orders.workflow import Action, Party
from domain.payments import service as payments
from domain.payments.models import Payment
from domain.payments.providers import Providers
from domain.people.models import Person
from domain.shops.models import ShopStaff
from realtime.outbox import record, transaction

# Actions whose note is a reason, required.
NEEDS_REASON = frozenset({Action.REFUSE, Action.CANCEL, Action.REFUND})


async def act(viewer: Viewer, providers: Providers, order_id: int, action: Action, note: str = "") -> Order:
    """ACCEPT, REFUSE, PREPARE, PICK_UP, DEPART, DELIVER, CONFIRM, CANCEL, REFUND: one step each."""
    order = await get_order(viewer, order_id)
    access.check_action(action, viewer, order)  # who and when first; again under the row lock
    required = 1 if action in NEEDS_REASON and Party.RESIDENT not in access.parties(viewer, order) else 0
    note = text(note, field="reason" if action in NEEDS_REASON else "note", max_length=500, min_length=required)
    payment = await _payment_of(order)
    target = access.check_action(action, viewer, order)
    _check_paid(action, order, payment)
    every_payment = await payments.all_of_subject(PAYMENT_SUBJECT, order.id) if target in CALLED_OFF else []
    for each in every_payment:
        await payments.refund_at_provider(providers, each)  # a network call: before the write lock
    async with transaction():
        order = await locked(order.id)
        target = access.check_action(action, viewer, order)
        _check_paid(action, order, payment)
        if target in CALLED_OFF:
            order.reason = note
            await stock.give_back(order)
            for each in every_payment:
                await payments.close(each)
        return await move(order, action, target, actor=await actor_of(viewer), note=note)


def _check_paid(action: Action, order: Order, payment: Payment | None) -> None:
    notified = payment is not None and payment.provider.value != "ON_DELIVERY"
    if action is Action.ACCEPT and notified and order.paid_at is None:
        raise Conflict("This order is not paid yet: it is accepted once paid", field="payment")
    if action is Action.REFUND and order.paid_at is None:
        raise Conflict("Nothing was paid for this order: cancel it instead", field="payment")


async def dispatch(viewer: Viewer, order_id: int, *, courier_id: int | None, robot_id: int | None) -> Order:
    """The merchant hands the order to a courier of the shop, or to a delivery robot of its community."""
    order = await get_order(viewer, order_id)
    access.check_action(Action.DISPATCH, viewer, order)
    if (courier_id is None) == (robot_id is None):
        raise InvalidInput("Hand it to a courier or a robot: give one of courierId and robotId", field="courierId")
    courier = None
    if courier_id is not None:
        if not await ShopStaff.exists(shop_id=order.shop_id, person_id=courier_id, role__in=list(SHOP_STAFF)):
            raise InvalidInput("Hand it to a courier or merchant of this shop", field="courierId")
        courier = await Person.get(id=courier_id)
    elif not await Device.exists(
        id=robot_id, community_id=order.community_id, type=DeviceType.DELIVERY_ROBOT, retired_at=None
    ):
        raise InvalidInput("Hand it to a delivery robot of this community", field="robotId")
    async with transaction():
        order = await locked(order.id)
        target = access.check_action(Action.DISPATCH, viewer, order)
        order.courier_id = courier.id if courier else None
        order.courier_name = courier.name if courier else ""
        order.robot_id = robot_id
        who = courier.name if courier else f"robot {robot_id}"
        return await move(order, Action.DISPATCH, target, actor=await actor_of(viewer), note=f"Handed to {who}")


async def rate(viewer: Viewer, order_id: int, score: int, comment: str) -> Order:
    order = await get_order(viewer, order_id)
    access.check_action(Action.RATE, viewer, order)
    if not 1 <= score <= 5:
        raise InvalidInput("A rating is 1 to 5", field="score")
    comment = text(comment, field="comment", max_length=500, min_length=0, multiline=True)
    async with transaction():
        order = await locked(order.id)
        target = access.check_action(Action.RATE, viewer, order)
        if order.rating is not None:
            raise Conflict("This order is rated already", field="score")
        order.rating, order.rating_comment = score, comment
        note = f"Rated {score}/5" + (f": {comment}" if comment else "")
        return await move(order, Action.RATE, target, actor=await actor_of(viewer), note=note)


async def collect(viewer: Viewer, order_id: int) -> Order:
    """The courier took the money at the door (payment on delivery)."""
    order = await get_order(viewer, order_id)
    access.check_action(Action.COLLECT, viewer, order)
    payment = await _payment_of(order)
    if payment is None:
        raise Conflict("This order has no payment to collect", field="id")
    async with transaction():
        order = await locked(order.id)
        access.check_action(Action.COLLECT, viewer, order)
        await payments.mark_paid_on_delivery(payment)  # its handler (paying.py) records the step
        return await Order.get(id=order.id)


async def complete_delivered(*, older_than: timedelta, now: datetime | None = None) -> int:
    """The periodic job: orders delivered longer ago than this and not confirmed are completed."""
    cutoff = (now or datetime.now(UTC)) - older_than
    done = 0
    for order_id in (
        await Order.filter(status=Status.DELIVERED, delivered_at__lt=cutoff).limit(500).values_list("id", flat=True)
    ):
        async with transaction():
            order = await locked(int(order_id))  # type: ignore[call-overload]
            if order.status is not Status.DELIVERED:
                continue
            target = access.check_action(Action.COMPLETE, None, order)
            await move(order, Action.COMPLETE, target, actor=None, note="Completed: not confirmed in time")
            done += 1
    return done


# --- the write of one change -------------------------------------------------------------------


async def _payment_of(order: Order) -> Payment | None:
    """The one still to make, when there are two: the remainder's (placed after the points')."""
    return (await payments.of_subjects(PAYMENT_SUBJECT, [order.id])).get(order.id)


async def locked(order_id: int) -> Order:
    await lock(Order, order_id)
    return await Order.get(id=order_id)


async def move(order: Order, action: Action, target: Status, *, actor: Person | None, note: str) -> Order:
    """The order to ``target`` (where it is, for a step that moves nothing): the times that go with
    it, its timeline entry, its live message."""
    now = datetime.now(UTC)
    previous = order.status
    order.status = target
    moved = target is not previous
    if moved and target is Status.ACCEPTED:
        order.accepted_at = now
    if moved and target is Status.PICKED_UP:
        order.picked_up_at = now
    if moved and target is Status.DELIVERED:
        order.delivered_at = now
        order.delivery_seconds = int((now - order.placed_at).total_seconds())
        if order.picked_up_at is not None:
            order.carried_seconds = int((now - order.picked_up_at).total_seconds())
    if moved and target is Status.COMPLETED:
        order.completed_at = now
    await order.save()
    await write_entry(order, action, previous, actor=actor, at=now, note=note)
    kind = messages.ARRIVED[target] if moved else _STAYED[action]
    await record(messages.topic(order.community_id), kind, messages.payload(order))
    if moved and (actor is None or actor.id != order.resident_id):
        # The buyer hears of every move of their order they did not make themselves.
        await notifications.notify(
            person_ids=[order.resident_id],
            kind=Kind.ORDER,
            source=f"order-{order.id}:{Status(target).value}",
            title=f"Your order is {Status(target).value.lower().replace('_', ' ')}",
            body=f"Order {order.id}: {Status(target).value}",
            community_id=order.community_id,
            subject={"type": "Order", "id": str(order.id)},
        )
    return order


_STAYED = {
    Action.DISPATCH: messages.Kind.ORDER_DISPATCHED,
    Action.RATE: messages.Kind.ORDER_RATED,
    Action.PAY: messages.Kind.ORDER_PAID,
    Action.COLLECT: messages.Kind.ORDER_PAID,
}


async def write_entry(
    order: Order, action: Action, previous: Status | None, *, actor: Person | None, at: datetime, note: str = ""
) -> OrderEntry:
    return await OrderEntry.create(
        order_id=order.id,
        action=action.value,
        from_status=previous,
        to_status=order.status,
        actor_id=actor.id if actor else None,
        actor_name=actor.name if actor else "Lingli",
        note=note,
        at=at,
    )


async def actor_of(viewer: Viewer) -> Person:
    return await Person.get(id=require_person(viewer))
