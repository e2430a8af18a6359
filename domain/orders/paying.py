"""What a payment does to its order: registered with payments (``subjects``) when orders are
imported, so payments import no order. Runs in the payment's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.orders.models import PAYMENT_SUBJECT
from domain.orders.transitions import locked, move
from domain.orders.workflow import Action
from domain.payments import subjects
from domain.payments.models import Payment, PaymentStatus


async def order_paid(payment: Payment) -> None:
    """Paid once its paid payments cover its total: the points part alone (paid at placing) leaves
    the remainder's payment to make."""
    order = await locked(payment.subject_id)
    paid = await Payment.filter(
        subject_kind=PAYMENT_SUBJECT, subject_id=order.id, status=PaymentStatus.PAID
    ).values_list("amount_fen", flat=True)
    if sum(int(amount) for amount in paid) < order.total_fen:  # type: ignore[call-overload]
        return
    order.paid_at = payment.paid_at or datetime.now(UTC)
    note = f"Paid {payment.amount_fen} fen ({payment.provider.value})"
    action = Action.PAY if payment.provider.value != "ON_DELIVERY" else Action.COLLECT
    await move(order, action, order.status, actor=None, note=note)


subjects.register(PAYMENT_SUBJECT, subjects.Subject(paid=order_paid))
