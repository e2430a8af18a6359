"""Starting, settling and refunding payments. Settling runs the subject's handler in the same
transaction (``subjects``): the payment and what it pays for change together or not at all."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from domain.common.errors import Conflict, DomainError
from domain.payments import subjects
from domain.payments.models import Payment, PaymentStatus, ProviderName
from domain.payments.providers import CallbackRejected, ChargesAtStart, Provider, Providers, write_refund
from realtime.outbox import transaction

log = logging.getLogger("lingli.payments")


def new_trade_number(kind: str) -> str:
    """Ours at the provider: unique, not guessable, at most 32 characters (WeChat Pay's limit)."""
    return f"{kind[:2]}{datetime.now(UTC):%Y%m%d}{secrets.token_hex(8)}"


async def create(
    provider: Provider,
    *,
    community_id: int,
    payer_id: int,
    subject_kind: str,
    subject_id: int,
    amount_fen: int,
) -> Payment:
    """Inside the subject's transaction (placing the order): the payment row and how to pay it."""
    payment = Payment(
        community_id=community_id,
        payer_id=payer_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        amount_fen=amount_fen,
        provider=provider.name,
        out_trade_no=new_trade_number(subject_kind),
    )
    started = provider.start(payment)
    payment.pay_url = started.pay_url  # type: ignore[assignment]  # a nullable TextField
    await payment.save()
    if isinstance(provider, ChargesAtStart):
        await provider.charge(payment)
    if started.paid:
        await _settle(payment, transaction_id=payment.out_trade_no)
    return payment


async def of_subjects(kind: str, ids: list[int]) -> dict[int, Payment]:
    """The latest payment of each subject."""
    rows = await Payment.filter(subject_kind=kind, subject_id__in=ids).order_by("id")
    return {row.subject_id: row for row in rows}


async def all_of_subject(kind: str, subject_id: int) -> list[Payment]:
    """Every payment of one subject, oldest first (an order paid partly with points has two)."""
    return (await all_of_subjects(kind, [subject_id])).get(subject_id, [])


async def all_of_subjects(kind: str, ids: list[int]) -> dict[int, list[Payment]]:
    found: dict[int, list[Payment]] = {}
    for row in await Payment.filter(subject_kind=kind, subject_id__in=ids).order_by("id"):
        found.setdefault(row.subject_id, []).append(row)
    return found


async def mark_paid_on_delivery(payment: Payment) -> Payment:
    """The courier took the money at the door (inside the caller's transaction)."""
    if payment.provider is not ProviderName.ON_DELIVERY:
        raise Conflict("Only payment on delivery is marked paid by hand", field="id")
    if not await _settle(payment, transaction_id=payment.out_trade_no):
        raise Conflict("This order is paid already", field="id")
    return await Payment.get(id=payment.id)


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    reason: str = ""


async def receive_callback(
    providers: Providers, provider_name: str, headers: Mapping[str, str], body: bytes
) -> Outcome:
    """A provider's notification. Accepted (the provider stops re-sending) when it paid, or had
    paid already, this payment with this transaction; anything else changes nothing and is logged."""
    try:
        provider = providers.get(provider_name)
    except Exception:  # noqa: BLE001 - an unknown provider in the path is the caller's mistake
        log.warning("payment callback for unknown provider %r refused", provider_name[:40])
        return Outcome(False, "unknown provider")
    try:
        notice = provider.verify_callback(headers, body)
    except CallbackRejected as rejected:
        log.warning("payment callback from %s refused: %s", provider.name, rejected)
        return Outcome(False, str(rejected))
    payment = await Payment.get_or_none(out_trade_no=notice.out_trade_no, provider=provider.name)
    if payment is None:
        log.warning("payment callback from %s for unknown trade %r refused", provider.name, notice.out_trade_no)
        return Outcome(False, "unknown trade")
    if notice.amount_fen != payment.amount_fen:
        log.warning(
            "payment callback from %s for %s refused: %d fen paid, %d fen due",
            provider.name,
            payment.out_trade_no,
            notice.amount_fen,
            payment.amount_fen,
        )
        return Outcome(False, "wrong amount")
    try:
        async with transaction():
            settled = await _settle(payment, transaction_id=notice.transaction_id)
    except IntegrityError:
        settled = False  # a concurrent twin stored this transaction id first
    except DomainError as refused:
        # The subject would not be paid (a bill paid meanwhile by another payment): the money
        # was taken all the same, and goes back.
        log.warning(
            "payment callback from %s for %s refused by its %s: %s; giving the money back",
            provider.name,
            payment.out_trade_no,
            payment.subject_kind,
            refused.message,
        )
        return await _give_back(provider, payment, transaction_id=notice.transaction_id, was=PaymentStatus.PENDING)
    if settled:
        return Outcome(True)
    current = await Payment.get(id=payment.id)
    if current.provider_txn_id == notice.transaction_id:
        return Outcome(True, "paid already")  # the same callback again: nothing more to do
    if current.status is PaymentStatus.CANCELLED and current.provider_txn_id is None:
        # Paid at the gateway after the order was called off (a stale pay link): charged for
        # nothing, so refunded at once.
        log.warning(
            "payment callback from %s for %s (transaction %s): the payment was cancelled; giving the money back",
            provider.name,
            payment.out_trade_no,
            notice.transaction_id,
        )
        return await _give_back(provider, payment, transaction_id=notice.transaction_id, was=PaymentStatus.CANCELLED)
    log.warning(
        "payment callback from %s for %s (transaction %s) refused: the payment is %s",
        provider.name,
        payment.out_trade_no,
        notice.transaction_id,
        current.status.value,
    )
    return Outcome(False, f"payment is {current.status.value}")


async def _give_back(provider: Provider, payment: Payment, *, transaction_id: str, was: PaymentStatus) -> Outcome:
    """Money the provider took for a payment no subject will have: claimed as REFUNDED with its
    transaction (of twin callbacks, one claims it), refunded at the provider, and put back as it
    was if the provider fails, so that its next delivery of the notice tries again."""
    now = datetime.now(UTC)
    claimed = await Payment.filter(id=payment.id, status=was, provider_txn_id=None).update(
        status=PaymentStatus.REFUNDED, provider_txn_id=transaction_id, paid_at=now, refunded_at=now
    )
    if claimed != 1:
        return Outcome(True, "given back already")
    try:
        await provider.refund(await Payment.get(id=payment.id))
    except Exception:
        await Payment.filter(id=payment.id, status=PaymentStatus.REFUNDED).update(
            status=was, provider_txn_id=None, paid_at=None, refunded_at=None
        )
        log.exception(
            "refunding %s at %s failed: it is tried again at its next notice", payment.out_trade_no, provider.name
        )
        return Outcome(False, "refund failed")
    return Outcome(True, "refunded: nothing is bought with it")


async def _settle(payment: Payment, *, transaction_id: str) -> bool:
    """PENDING → PAID with this transaction, conditionally: of twins, one wins; the subject's
    handler runs in the same transaction."""
    now = datetime.now(UTC)
    changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.PAID, provider_txn_id=transaction_id, paid_at=now
    )
    if changed != 1:
        return False
    fresh = await Payment.get(id=payment.id)
    await subjects.of(fresh.subject_kind).paid(fresh)
    return True


async def refund_at_provider(providers: Providers, payment: Payment) -> None:
    """Before the transaction that records the refund: the provider gives the money back."""
    if payment.status is PaymentStatus.PAID:
        await providers.get(payment.provider).refund(payment)


async def close(payment: Payment) -> PaymentStatus:
    """Inside the subject's transaction, when it is called off: a paid payment is refunded (its
    provider was asked first, ``refund_at_provider``; a refund that is a write of ours, points,
    is written here), a pending one cancelled. ``payment`` is the row as it was when the provider
    was asked: one confirmed since (its callback landed in between) was never refunded there, so
    the whole step is refused, to be tried again, rather than recorded as refunded."""
    now = datetime.now(UTC)
    if (
        payment.status is not PaymentStatus.PAID
        and await Payment.filter(id=payment.id, status=PaymentStatus.PAID).exists()
    ):
        raise Conflict("The payment went through just now: try again to have it refunded")
    if await Payment.filter(id=payment.id, status=PaymentStatus.PAID).update(
        status=PaymentStatus.REFUNDED, refunded_at=now
    ):
        await write_refund(payment)
        return PaymentStatus.REFUNDED
    if await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED):
        return PaymentStatus.CANCELLED
    return (await Payment.get(id=payment.id)).status


async def refund(providers: Providers, payment: Payment) -> bool:
    """A refund asked of the payments' side (not by the subject being called off): the provider
    first, then the row and the subject's ``refunded`` handler, together."""
    await refund_at_provider(providers, payment)
    async with transaction():
        changed = await Payment.filter(id=payment.id, status=PaymentStatus.PAID).update(
            status=PaymentStatus.REFUNDED, refunded_at=datetime.now(UTC)
        )
        if changed:
            await write_refund(payment)
        handler = subjects.of(payment.subject_kind).refunded
        if changed and handler is not None:
            await handler(await Payment.get(id=payment.id))
        return bool(changed)
