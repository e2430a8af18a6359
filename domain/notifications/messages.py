"""What notifications say on the bus: one topic per person (their inbox), the kinds, the payload. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.notifications.models import Kind, Notification


class NotificationMessage(StrEnum):
    NOTIFIED = "NOTIFIED"
    READ = "NOTIFICATION_READ"


def topic(person_id: int) -> str:
    return f"notifications:{person_id}"


def payload(note: Notification) -> dict[str, Any]:
    return {
        "id": note.id,
        "person_id": note.person_id,
        "community_id": note.community_id,
        "kind": Kind(note.kind).value,
        "source": note.source,
        "title": note.title,
        "body": note.body,
        "urgent": note.urgent,
        "subject": dict(note.subject or {}),
        "created_at": note.created_at.isoformat(),
        "read_at": note.read_at.isoformat() if note.read_at else None,
    }
