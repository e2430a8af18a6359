"""Paying a bill through the payment interface, and what a payment does to its bill (registered
with payments, ``subjects``, when bills are imported: payments import no bill).

Which providers: the online ones (SANDBOX, and the real gateways it stands for). ON_DELIVERY is
refused: a bill has no delivery and no courier to take the cash. Cash at the property office
would be a provider of its own (marked paid by property staff, as the courier marks an order);
it is not built.

One pending payment per bill: a second attempt while one is pending (the same person again, or
another of the household) gets that one back, with its trade number and pay URL, instead of a
second trade that could be paid too. An attempt by another provider supersedes it: the pending
one is cancelled, and a late callback for it is refused (``payments.receive_callback``).
"""

from __future__ import annotations

from auth.viewer import Viewer
from domain.bills import service
from domain.bills.models import PAYMENT_SUBJECT, Bill, BillStatus
from domain.common.errors import Conflict, InvalidInput
from domain.common.guards import require_person
from domain.common.rows import lock
from domain.payments import service as payments
from domain.payments import subjects
from domain.payments.models import Payment, PaymentStatus, ProviderName
from domain.payments.providers import Providers
from realtime.outbox import transaction

# The providers a bill may be paid by (POINTS, when the ledger comes, belongs here too).
BILL_PROVIDERS = frozenset({ProviderName.SANDBOX})


async def pay(viewer: Viewer, providers: Providers, *, bill_id: int, provider_name: ProviderName) -> Bill:
    """The bill, with a payment pending (or paid at once, for a provider that pays at once)."""
    bill = await service.payable(viewer, bill_id)
    if provider_name not in BILL_PROVIDERS:
        allowed = ", ".join(sorted(BILL_PROVIDERS))
        raise InvalidInput(f"A bill is paid online: {allowed}", field="provider")
    provider = providers.get(provider_name, field="provider")
    async with transaction():
        # Under the bill's lock: two attempts at once see each other's payment, never both none.
        await lock(Bill, bill.id)
        bill = await Bill.get(id=bill.id)
        if bill.status is BillStatus.PAID:
            raise Conflict("This bill is paid already", field="billId")
        pending = await Payment.filter(
            subject_kind=PAYMENT_SUBJECT, subject_id=bill.id, status=PaymentStatus.PENDING
        ).order_by("-id")
        if any(p.provider is provider.name and p.amount_fen == bill.total_fen for p in pending):
            return bill  # its pending payment is the one to pay (Bill.payment: the latest)
        for superseded in pending:
            await payments.close(superseded)
        await payments.create(
            provider,
            community_id=bill.community_id,
            payer_id=require_person(viewer),
            subject_kind=PAYMENT_SUBJECT,
            subject_id=bill.id,
            amount_fen=int(bill.total_fen),
        )
    return await Bill.get(id=bill.id)


async def bill_paid(payment: Payment) -> None:
    """In the payment's transaction: the bill is paid by this payment (its trade number is the
    bill's ``payment_ref``), which tells the household (BILL_PAID)."""
    await service.settle(
        payment.subject_id, payment_ref=payment.out_trade_no, amount_fen=payment.amount_fen, at=payment.paid_at
    )


subjects.register(PAYMENT_SUBJECT, subjects.Subject(paid=bill_paid))
