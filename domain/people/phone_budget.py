"""A budget for finding people by phone number, per staff member.

Moving someone in by phone, or registering a phone that exists, tells the caller whether that
number is registered. Staff need it a few times a day; a sweep needs it thousands of times.
"""

from __future__ import annotations

from datetime import timedelta

from auth.viewer import Viewer
from domain.common.budgets import Budget
from domain.common.guards import require_person

LIMIT = 30
PHONE_LOOKUPS = Budget(
    "phone-lookup",
    limit=LIMIT,
    window=timedelta(hours=1),
    refusal=f"More than {LIMIT} lookups by phone in an hour: try again later",
)


async def spend_phone_lookup(viewer: Viewer) -> None:
    await PHONE_LOOKUPS.spend(str(require_person(viewer)), field="phone")
