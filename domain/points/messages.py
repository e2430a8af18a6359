"""The live messages of the ledger: one topic per community, each entry as it was written. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.points.models import Entry, Source


def topic(community_id: int) -> str:
    """Every entry of a community; each subscriber is sent only their own (``access.may_receive``)."""
    return f"points:{community_id}"


class PointsMessage(StrEnum):
    POINTS_EARNED = "POINTS_EARNED"
    POINTS_SPENT = "POINTS_SPENT"
    POINTS_EXPIRED = "POINTS_EXPIRED"


def kind_of(entry: Entry) -> PointsMessage:
    if entry.source is Source.EXPIRY:
        return PointsMessage.POINTS_EXPIRED
    return PointsMessage.POINTS_EARNED if entry.amount > 0 else PointsMessage.POINTS_SPENT


def payload(entry: Entry, balance: int) -> dict[str, Any]:
    return {
        "id": entry.id,
        "community_id": entry.community_id,
        "person_id": entry.person_id,
        "kind": entry.kind.value,
        "amount": entry.amount,
        "balance": balance,
        "reason_code": entry.reason_code,
        "reason": entry.reason,
        "source": entry.source.value,
        "source_id": entry.source_id,
        "actor_name": entry.actor_name,
        "expires_at": entry.expires_at.isoformat() if entry.expires_at else None,
        "created_at": entry.created_at.isoformat(),
    }
