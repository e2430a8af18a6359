"""The one way a balance changes: an entry and the balance together, in the caller's transaction.

An entry is known by its idempotency key (unique): the same earning or spending posted twice, or
twenty times at once, is one entry. A balance never goes below 0: spending is a conditional
UPDATE (``balance >= amount``), so of concurrent spends only those it covers succeed. Expiring
kinds are earned in lots (``Entry.remaining``): what is spent, deducted or expired comes out of
the oldest lots first, so the balance is always the sum of its entries and of its lots' remains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain.common.errors import InsufficientPoints
from domain.points import messages, rules
from domain.points.models import EXPIRING, Balance, Entry, Kind, Source
from domain.space import calendar
from realtime.outbox import record, transaction


@dataclass(frozen=True)
class Change:
    community_id: int
    person_id: int
    kind: Kind
    amount: int
    reason_code: str
    reason: str
    source: Source
    idempotency_key: str
    source_id: str = ""
    actor_id: int | None = None
    actor_name: str = ""
    # A deduction that may take less than asked (down to 0) instead of failing: credit deductions.
    clamp: bool = False


@dataclass(frozen=True)
class Posted:
    entry: Entry
    balance: int
    # False: an entry with this key was posted before; nothing changed now.
    new: bool


async def post(change: Change, *, at: datetime | None = None) -> Posted:
    """Inside the caller's transaction (one of its own otherwise). InsufficientPoints when a spend
    is not covered: the caller's transaction then writes nothing."""
    known = await Entry.get_or_none(idempotency_key=change.idempotency_key)
    if known is not None:
        return Posted(known, await balance_of(change.person_id, change.community_id, change.kind), new=False)
    if change.kind is Kind.CREDIT and change.source is not Source.BASE:
        await _open_credit(change.person_id, change.community_id)
    try:
        async with transaction():  # a savepoint: a twin's key found at the insert undoes only this
            return await _write(change, at or datetime.now(UTC))
    except IntegrityError:
        twin = await Entry.get_or_none(idempotency_key=change.idempotency_key)
        if twin is None:
            raise
        return Posted(twin, await balance_of(change.person_id, change.community_id, change.kind), new=False)


async def balance_of(person_id: int, community_id: int, kind: Kind) -> int:
    row = await Balance.get_or_none(person_id=person_id, community_id=community_id, kind=kind)
    if row is not None:
        return row.balance
    return (await rules.of(community_id)).credit_base if kind is Kind.CREDIT else 0


async def _write(change: Change, at: datetime) -> Posted:
    await Balance.bulk_create(
        [Balance(person_id=change.person_id, community_id=change.community_id, kind=change.kind, balance=0)],
        ignore_conflicts=True,
    )
    where = Balance.filter(person_id=change.person_id, community_id=change.community_id, kind=change.kind)
    amount = change.amount
    if amount < 0 and change.clamp:
        # Under the row lock: what is left now is what may still be taken.
        current = await where.select_for_update().first()
        amount = -min(-amount, current.balance if current else 0)
    if amount < 0:
        if await where.filter(balance__gte=-amount).update(balance=F("balance") + amount) != 1:
            raise InsufficientPoints(f"Not enough {change.kind.value} points for {-amount}", field="points")
    else:
        await where.update(balance=F("balance") + amount)
    expiring = change.kind in EXPIRING
    expires_at = None
    if expiring and amount > 0:
        expires_at = rules.expiry_of(
            await rules.of(change.community_id), await calendar.zone_of(change.community_id), at
        )
    entry = await Entry.create(
        community_id=change.community_id,
        person_id=change.person_id,
        kind=change.kind,
        amount=amount,
        reason_code=change.reason_code,
        reason=change.reason[:200],
        source=change.source,
        source_id=change.source_id[:64],
        actor_id=change.actor_id,
        actor_name=change.actor_name[:100],
        idempotency_key=change.idempotency_key,
        remaining=amount if expiring and amount > 0 else 0,
        expires_at=expires_at,
        created_at=at,
    )
    if expiring and amount < 0:
        await _take_from_lots(change.person_id, change.community_id, change.kind, -amount)
    balance = (await where.first()).balance  # type: ignore[union-attr]  # created above
    await record(messages.topic(entry.community_id), messages.kind_of(entry), messages.payload(entry, balance))
    return Posted(entry, balance, new=True)


async def _take_from_lots(person_id: int, community_id: int, kind: Kind, amount: int) -> None:
    """Oldest first; under the balance's row lock (taken by the UPDATE), so lots add up to it."""
    lots = Entry.filter(person_id=person_id, community_id=community_id, kind=kind, remaining__gt=0)
    for lot in await lots.order_by("created_at", "id"):
        if amount <= 0:
            return
        taken = min(lot.remaining, amount)
        await Entry.filter(id=lot.id).update(remaining=F("remaining") - taken)
        amount -= taken


async def _open_credit(person_id: int, community_id: int) -> None:
    """A credit score starts at the community's base: its first entry, posted once."""
    key = f"credit-base:{community_id}:{person_id}"
    if await Entry.exists(idempotency_key=key):
        return
    base = (await rules.of(community_id)).credit_base
    await post(
        Change(
            community_id=community_id,
            person_id=person_id,
            kind=Kind.CREDIT,
            amount=base,
            reason_code="CREDIT_BASE",
            reason="Credit score to start with",
            source=Source.BASE,
            idempotency_key=key,
        )
    )


async def expire_lot(lot_id: int, *, now: datetime) -> bool:
    """What is left of one lot past its expiry leaves the balance as an EXPIRED entry (once)."""
    async with transaction():
        lot = await Entry.get(id=lot_id)
        where = Balance.filter(person_id=lot.person_id, community_id=lot.community_id, kind=lot.kind)
        await where.select_for_update().first()
        lot = await Entry.get(id=lot_id)  # again, under the lock: a spend may have taken it since
        if lot.remaining <= 0 or lot.expires_at is None or lot.expires_at > now:
            return False
        left = lot.remaining
        await Entry.filter(id=lot.id).update(remaining=0)
        await where.update(balance=F("balance") - left)
        entry = await Entry.create(
            community_id=lot.community_id,
            person_id=lot.person_id,
            kind=lot.kind,
            amount=-left,
            reason_code="EXPIRED",
            reason=f"Points earned {lot.created_at:%Y-%m-%d} expired",
            source=Source.EXPIRY,
            source_id=str(lot.id),
            idempotency_key=f"expire:{lot.id}",
            created_at=now,
        )
        balance = (await where.first()).balance  # type: ignore[union-attr]  # the lot made it
        await record(messages.topic(entry.community_id), messages.kind_of(entry), messages.payload(entry, balance))
        return True
