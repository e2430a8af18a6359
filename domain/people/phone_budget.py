"""A budget for finding people by phone number, per staff member.

Moving someone in by phone, or registering a phone that exists, tells the caller whether that
number is registered. Staff need it a few times a day; a sweep needs it thousands of times.
Each try is written on its own (outside the mutation's transaction, so a failed one counts
too), then counted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auth.viewer import Viewer
from domain.common.errors import RateLimited
from domain.common.guards import require_person
from domain.people.models import PhoneLookup

WINDOW = timedelta(hours=1)
LIMIT = 30


async def spend_phone_lookup(viewer: Viewer) -> None:
    person = require_person(viewer)
    now = datetime.now(UTC)
    await PhoneLookup.create(viewer_id=person)
    # Counting after writing: of concurrent tries, each sees at least itself.
    if await PhoneLookup.filter(viewer_id=person, at__gte=now - WINDOW).count() > LIMIT:
        raise RateLimited(f"More than {LIMIT} lookups by phone in an hour: try again later", field="phone")


async def prune_phone_lookups(now: datetime | None = None) -> int:
    """The hourly clean-up: only the last hour is ever counted."""
    return await PhoneLookup.filter(at__lt=(now or datetime.now(UTC)) - WINDOW).delete()
