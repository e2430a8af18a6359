"""The periodic work of bills: last month's bills once it has ended in each community's zone, and
bills past their due date marked OVERDUE (with a message to the household), each exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.bills import generation, messages
from domain.bills.messages import BillMessage
from domain.bills.models import Bill, BillStatus
from domain.bills.periods import last_month
from domain.notifications import service as notifications
from domain.notifications.models import Kind
from domain.space.models import Community, House
from realtime.outbox import record, transaction


async def mark_overdue(now: datetime | None = None) -> int:
    """ISSUED bills whose due date has passed become OVERDUE. The conditional update is the
    arbiter: a second sweep, or a second process, finds nothing to do. Returns how many."""
    now = now or datetime.now(UTC)
    late = (
        await Bill.filter(status=BillStatus.ISSUED, overdue_from__lte=now).order_by("id").values_list("id", flat=True)
    )
    marked = 0
    for bill_id in late:
        async with transaction():
            if not await Bill.filter(id=bill_id, status=BillStatus.ISSUED).update(status=BillStatus.OVERDUE):
                continue  # paid, or marked by another sweep, meanwhile
            bill = await Bill.get(id=bill_id)
            await record(messages.topic(bill.community_id), BillMessage.OVERDUE, messages.payload(bill))
            await notifications.notify(
                person_ids=await notifications.household(bill.house_id),
                kind=Kind.BILL,
                source=f"bill-{bill.id}:OVERDUE",
                title=f"The bill of {bill.period} is overdue",
                body=f"{bill.total_fen / 100:.2f} yuan, due {bill.due_date.isoformat()}",
                community_id=bill.community_id,
                subject={"type": "Bill", "id": str(bill.id)},
            )
            marked += 1
    return marked


async def generate_last_month(*, due_days: int, now: datetime | None = None) -> int:
    """The monthly job: every community's last month, read in its own zone, for the houses that
    have no bill for it yet (cheap when all have: one count each). Returns how many bills it made."""
    now = now or datetime.now(UTC)
    created = 0
    for community in await Community.all().order_by("id"):
        month = last_month(community.time_zone, now)
        houses = await House.filter(community_id=community.id).count()
        billed = await Bill.filter(community_id=community.id, period=month.label).count()
        if billed < houses:
            created += (await generation.generate_month(community, month, due_days=due_days, now=now)).created
    return created


async def sweep(*, due_days: int, now: datetime | None = None) -> None:
    await generate_last_month(due_days=due_days, now=now)
    await mark_overdue(now)
