"""Which reading a reading is, so that a batch sent again (its answer was lost) stores nothing twice.

A device that numbers its readings sends a ``readingId``: that is the reading. Otherwise a reading
is its metric at its ``recordedAt``, the same instant whatever zone it is written in. A reading with
neither is stamped with the time it arrives: nothing tells its retry from a new reading, so it has
no identity and is always stored. The database holds identities unique per device
(``Reading.identity``); the check runs under the device's row lock, so of two identical batches
at once the second sees what the first stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from domain.devices.models import Reading

READING_ID_MAX = 64
_READING_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{READING_ID_MAX}}}")
_LOOKUP_CHUNK = 500  # identities per query: well inside SQLite's and PostgreSQL's parameter limits


def reading_id_problem(reading_id: str) -> str | None:
    """Why ``reading_id`` cannot be one (None: it can)."""
    if _READING_ID.fullmatch(reading_id) is None:
        return f"readingId is 1 to {READING_ID_MAX} characters of A-Z a-z 0-9 . _ : -"
    return None


def identity(metric: str, recorded_at: datetime | None, reading_id: str | None) -> str | None:
    """Checked readings only: ``recorded_at`` carries its zone, ``reading_id`` is well formed."""
    if reading_id is not None:
        return f"id:{reading_id}"
    if recorded_at is not None:
        return f"at:{metric}@{recorded_at.astimezone(UTC).isoformat()}"
    return None


async def stored_already(device_id: int, identities: Iterable[str]) -> set[str]:
    """Which of ``identities`` the device's stored readings have."""
    wanted = sorted(set(identities))
    found: set[str] = set()
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        rows = await Reading.filter(device_id=device_id, identity__in=chunk).values_list("identity", flat=True)
        found.update(str(row) for row in rows)
    return found
