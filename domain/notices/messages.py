"""The live messages of notices: one topic per community, each notice as it was sent. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.notices.models import Notice


def topic(community_id: int) -> str:
    """Every notice of a community; each resident is sent those of their households (access.may_receive)."""
    return f"notices:{community_id}"


class NoticeMessage(StrEnum):
    NOTICE_SENT = "NOTICE_SENT"


def payload(notice: Notice, *, targeted: int) -> dict[str, Any]:
    return {
        "id": notice.id,
        "community_id": notice.community_id,
        "sender_name": notice.sender_name,
        "title": notice.title,
        "body": notice.body,
        "target_kind": notice.target_kind.value,
        "target_ids": list(notice.target_ids),
        "targeted_count": targeted,
        "created_at": notice.created_at.isoformat(),
    }
