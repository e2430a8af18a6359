"""Reading bills (a household's, a community's, its arrears) and settling one: the function the
payments noun calls once a payment for a bill has gone through."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.bills import access, messages
from domain.bills.messages import BillMessage
from domain.bills.models import PAYMENT_SUBJECT, Bill, BillLine, BillStatus
from domain.bills.periods import parse_period
from domain.common.errors import Conflict, InvalidInput, NotFound
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given, lock
from domain.payments import service as payments
from domain.payments.models import Payment
from realtime.outbox import record, transaction

# A provider's transaction id or out_trade_no: printable ASCII, as gateways hand them out.
_PAYMENT_REF = re.compile(r"[\x21-\x7e]{1,64}")


async def list_bills(
    viewer: Viewer,
    *,
    community_id: int | None = None,
    house_id: int | None = None,
    period: str | None = None,
    status: BillStatus | None = None,
    anomalous: bool | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[Bill]:
    qs = access.readable_bills(viewer).filter(**given(community_id=community_id, house_id=house_id, status=status))
    if period is not None:
        qs = qs.filter(period=parse_period(period).label)
    if anomalous is not None:
        qs = qs.filter(anomalies__gt=0) if anomalous else qs.filter(anomalies=0)
    return await paginate(qs, first=first, after=after)


async def get_bill(viewer: Viewer, bill_id: int, *, field: str = "id") -> Bill:
    return await get_visible(access.readable_bills(viewer), bill_id, what="bill", field=field)


@dataclass(frozen=True)
class ArrearsTotal:
    count: int
    total_fen: int


def _arrears(viewer: Viewer, community_id: int, now: datetime | None) -> QuerySet[Bill]:
    """Unpaid bills past their due date: marked OVERDUE, or past it now and not marked yet (the
    sweep runs every few minutes)."""
    access.check_read_arrears(viewer, community_id)
    late = Q(status=BillStatus.OVERDUE) | Q(status=BillStatus.ISSUED, overdue_from__lte=now or datetime.now(UTC))
    return access.readable_bills(viewer).filter(late, community_id=community_id)


async def arrears_total(viewer: Viewer, *, community_id: int, now: datetime | None = None) -> ArrearsTotal:
    sums = await _arrears(viewer, community_id, now).annotate(n=Count("id"), fen=Sum("total_fen")).values("n", "fen")
    figures = sums[0] if sums else {}
    return ArrearsTotal(count=int(figures.get("n") or 0), total_fen=int(figures.get("fen") or 0))


async def arrears(
    viewer: Viewer,
    *,
    community_id: int,
    first: int | None = None,
    after: str | None = None,
    now: datetime | None = None,
) -> Page[Bill]:
    return await paginate(_arrears(viewer, community_id, now), first=first, after=after)


def checked_lines(bill: Bill, lines: Sequence[BillLine]) -> list[BillLine]:
    """A bill's lines, after checking that they add up to its total: a bill that does not is
    never shown (an internal error, logged and masked), whatever wrote it."""
    if sum(line.amount_fen for line in lines) != bill.total_fen:
        raise RuntimeError(
            f"bill {bill.id}: lines add up to {sum(line.amount_fen for line in lines)}, not {bill.total_fen}"
        )
    return list(lines)


async def readable_lines(viewer: Viewer, bill_ids: Sequence[int]) -> dict[int, list[BillLine]]:
    """The lines of each bill the viewer may read (none for any other), checked against its total."""
    bills = {b.id: b for b in await access.readable_bills(viewer).filter(id__in=list(bill_ids))}
    groups: dict[int, list[BillLine]] = defaultdict(list)
    for line in await BillLine.filter(bill_id__in=sorted(bills)).order_by("id"):
        groups[line.bill_id].append(line)
    return {i: checked_lines(bills[i], groups.get(i, [])) if i in bills else [] for i in bill_ids}


async def payments_of(viewer: Viewer, bill_ids: Sequence[int]) -> dict[int, Payment]:
    """The latest payment of each bill the viewer may read (none for any other)."""
    visible = await access.readable_bills(viewer).filter(id__in=list(bill_ids)).values_list("id", flat=True)
    return await payments.of_subjects(PAYMENT_SUBJECT, [int(i) for i in visible])  # type: ignore[call-overload]


async def payable(viewer: Viewer, bill_id: int) -> Bill:
    """For the payments noun, before it asks a provider for money: the viewer's household's bill,
    unpaid; its ``total_fen`` is the amount to charge."""
    bill = await get_bill(viewer, bill_id, field="billId")
    access.check_pay(viewer, bill)
    if bill.status is BillStatus.PAID:
        raise Conflict("This bill is paid already", field="billId")
    if bill.total_fen <= 0:
        raise InvalidInput("This bill charges nothing: there is nothing to pay", field="billId")
    return bill


async def settle(bill_id: int, *, payment_ref: str, amount_fen: int, at: datetime | None = None) -> Bill:
    """A payment of ``amount_fen`` (``payment_ref``: the provider's transaction id) pays the bill.

    Idempotent by ``payment_ref``: the same payment again (a callback delivered twice, or twice at
    once) returns the paid bill and changes nothing. The amount must be the bill's total; a bill
    paid by another payment is a CONFLICT (the caller refunds that one). The payments noun calls
    this inside its own transaction, so its record and the bill commit together."""
    if not _PAYMENT_REF.fullmatch(payment_ref):
        raise InvalidInput("paymentRef is 1-64 printable ASCII characters", field="paymentRef")
    async with transaction():
        await lock(Bill, bill_id)
        bill = await Bill.get_or_none(id=bill_id)
        if bill is None:
            raise NotFound(f"No bill with id {bill_id}", field="billId")
        if bill.status is BillStatus.PAID:
            if bill.payment_ref == payment_ref:
                return bill
            raise Conflict("This bill was paid by another payment", field="billId")
        if amount_fen != bill.total_fen:
            raise InvalidInput(f"This bill is {bill.total_fen} fen, not {amount_fen}", field="amountFen")
        bill.status = BillStatus.PAID
        bill.paid_at = at or datetime.now(UTC)
        bill.payment_ref = payment_ref
        await bill.save(update_fields=["status", "paid_at", "payment_ref"])
        await record(messages.topic(bill.community_id), BillMessage.PAID, messages.payload(bill))
    return bill
