"""GraphQL types and inputs of notices (公告): a notice, its receipts, the live feed of one's own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.notices import models as nm
from domain.notices.models import TargetKind
from domain.notices.service import MAX_TARGETS, TITLE_MAX, NoticeView
from realtime.envelope import Envelope
from schema.limits import list_size
from schema.string_inputs import stored_in

strawberry.enum(
    TargetKind,
    name="NoticeTargetKind",
    description="Who a notice is aimed at: the whole community, or some of its buildings, units or houses",
)


@strawberry.type(description="A notice from the property office to households")
class Notice:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    sender_name: str = strawberry.field(description="Who sent it")
    title: str = strawberry.field(description="Its title")
    body: str = strawberry.field(description="Its text")
    target_kind: TargetKind = strawberry.field(description="What it is aimed at")
    target_ids: list[strawberry.ID] = strawberry.field(
        description="The buildings, units or houses it is aimed at (empty: the whole community)",
        metadata=list_size(MAX_TARGETS),
    )
    created_at: datetime = strawberry.field(description="When it was sent")
    read_count: int | None = strawberry.field(
        description="Its sender and the community's staff: how many of the households it was sent to have read it"
    )
    targeted_count: int | None = strawberry.field(
        description="Its sender and the community's staff: how many households it was sent to"
    )
    read: bool | None = strawberry.field(
        description="Residents: whether your households it was sent to have read it (null: none of yours)"
    )

    @classmethod
    def of(cls, view: NoticeView) -> Notice:
        row = view.notice
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            sender_name=row.sender_name,
            title=row.title,
            body=row.body,
            target_kind=row.target_kind,
            target_ids=[strawberry.ID(str(t)) for t in row.target_ids],
            created_at=row.created_at,
            read_count=view.read_count,
            targeted_count=view.targeted_count,
            read=view.read,
        )

    @classmethod
    def from_message(cls, p: dict[str, Any]) -> Notice:
        return cls(
            id=strawberry.ID(str(p["id"])),
            community_id=strawberry.ID(str(p["community_id"])),
            sender_name=p["sender_name"],
            title=p["title"],
            body=p["body"],
            target_kind=TargetKind(p["target_kind"]),
            target_ids=[strawberry.ID(str(t)) for t in p["target_ids"]],
            created_at=datetime.fromisoformat(p["created_at"]),
            read_count=None,
            targeted_count=None,
            read=False,
        )


@strawberry.type(description="A notice sent to one of your households, as it is sent")
class NoticeUpdate:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="NOTICE_SENT")
    notice: Notice = strawberry.field(description="The notice")

    def share_key(self) -> str:
        return f"NoticeUpdate:{self.cursor}"

    @classmethod
    def of(cls, envelope: Envelope) -> NoticeUpdate:
        return cls(cursor=str(envelope.cursor), kind=envelope.kind, notice=Notice.from_message(envelope.payload))


@strawberry.input(description="A new notice")
class NoticeSendInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    title: str = strawberry.field(
        description=f"Its title (1-{TITLE_MAX} characters)", metadata=stored_in(nm.Notice, "title")
    )
    body: str = strawberry.field(description="Its text", metadata=stored_in(nm.Notice, "body"))
    target_kind: TargetKind = strawberry.field(description="The whole community, or buildings, units or houses")
    target_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description=f"The buildings, units or houses (1-{MAX_TARGETS}); none for the whole community",
    )
