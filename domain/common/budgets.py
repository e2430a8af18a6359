"""Budgets for what a stranger could repeat at will: so many tries per key (a client address, an
account, a staff member) in a window, counted in the database so every process agrees.

One counter row per key, spent with one conditional UPDATE: atomic on both databases, so
parallel requests get exactly ``limit`` tries, never more. Spent outside the caller's
transaction, so a failed mutation still counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.models import Model

from domain.common.errors import RateLimited

# No budget has a longer window; counters idle longer are pruned.
LONGEST_WINDOW = timedelta(days=1)


class BudgetCounter(Model):
    """Tries of one budgeted thing by one key since the window began (domain.common.budgets)."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=30)
    key = fields.CharField(max_length=120)
    used = fields.IntField()
    since = fields.DatetimeField()

    class Meta:
        table = "budget_counter"
        unique_together = (("kind", "key"),)


@dataclass(frozen=True)
class Budget:
    kind: str
    limit: int
    window: timedelta
    refusal: str  # what the client is told when it is spent

    async def spend(self, key: str, *, field: str | None = None) -> None:
        """Count one try; RATE_LIMITED if the budget is spent."""
        if not await self.try_spend(key):
            raise RateLimited(self.refusal, field=field)

    async def try_spend(self, key: str) -> bool:
        """Count one try if the budget allows it; whether it did."""
        key = key[:120]
        now = datetime.now(UTC)
        fresh = now - self.window
        mine = BudgetCounter.filter(kind=self.kind, key=key)
        for _ in range(3):
            if await mine.filter(since__gt=fresh, used__lt=self.limit).update(used=F("used") + 1):
                return True
            if await mine.filter(since__lte=fresh).update(used=1, since=now):  # a new window
                return True
            if await mine.filter(since__gt=fresh, used__gte=self.limit).exists():
                return False  # spent, in this window
            if await mine.exists():
                continue  # a concurrent first try made the row meanwhile: count on it
            try:
                await BudgetCounter.create(kind=self.kind, key=key, used=1, since=now)
                return True
            except IntegrityError:
                continue  # a concurrent first try made the row: count on it
        return False

    async def exhausted(self, key: str) -> bool:
        """Whether the next try would be refused, without counting one."""
        fresh = datetime.now(UTC) - self.window
        return await BudgetCounter.filter(kind=self.kind, key=key[:120], since__gt=fresh, used__gte=self.limit).exists()

    async def used(self, key: str) -> int:
        fresh = datetime.now(UTC) - self.window
        row = await BudgetCounter.get_or_none(kind=self.kind, key=key[:120], since__gt=fresh)
        return row.used if row else 0

    async def forgive(self, key: str) -> None:
        """Start counting afresh (a right password after a few wrong ones)."""
        await BudgetCounter.filter(kind=self.kind, key=key[:120]).delete()


async def prune_budgets(now: datetime | None = None) -> int:
    """The hourly clean-up of counters whose window is long over."""
    return await BudgetCounter.filter(since__lt=(now or datetime.now(UTC)) - LONGEST_WINDOW).delete()
