"""Notices (公告): the office's and housekeepers' notices to households, read receipts, and the
live feed of one's own households' notices."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.notices import access, live, messages, service
from domain.notices.models import TargetKind
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, PageInfo
from schema.notices import Notice, NoticeSendInput, NoticeUpdate


async def notices(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    unread_only: bool = False,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Notice]:
    page, views = await service.list_notices(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        unread_only=unread_only,
        first=first,
        after=after,
    )
    return Connection(
        nodes=[Notice.of(v) for v in views],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        total_count=page.total_count,
    )


async def notice(info: Info[Context, None], id: strawberry.ID) -> Notice:
    return Notice.of(await service.get_notice(info.context.viewer(), parse_id(id, "id")))


async def notice_send(info: Info[Context, None], input: NoticeSendInput) -> Notice:
    new = service.NewNotice(
        community_id=parse_id(input.community_id, "communityId"),
        title=input.title,
        body=input.body,
        target_kind=TargetKind(input.target_kind),
        target_ids=[parse_id(t, "targetIds") for t in input.target_ids],
    )
    return Notice.of(await service.send(info.context.viewer(), new))


async def notice_read(info: Info[Context, None], id: strawberry.ID) -> Notice:
    return Notice.of(await service.mark_read(info.context.viewer(), parse_id(id, "id")))


async def my_notices(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: LiveCursor = None
) -> AsyncGenerator[NoticeUpdate, None]:
    """Notices sent to your households in one community, as they are sent."""
    households = live.Households(info.context.live_viewer())
    chosen = access.own_community(households.viewer, parse_optional_id(community_id, "communityId"))

    def theirs(envelope: Envelope) -> bool:
        return access.may_receive(households.viewer, households.homes, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast,
        messages.topic(chosen),
        after=parse_cursor(after),
        visible=theirs,
        follower=households,
    ):
        yield NoticeUpdate.of(envelope)


@strawberry.type
class Query:
    notices: Connection[Notice] = strawberry.field(
        resolver=notices,
        description=f"Notices: residents those sent to their households, staff those of their community or grid (unreadOnly: your households' unread). {PAGE_HELP}",
    )
    notice: Notice = strawberry.field(resolver=notice, description="One notice you may read")


@strawberry.type
class Mutation:
    notice_send: Notice = strawberry.field(
        resolver=notice_send,
        description="Staff: send a notice to the community, or to buildings, units or houses (housekeepers: of their grid)",
    )
    notice_read: Notice = strawberry.field(
        resolver=notice_read, description="Residents: your households it was sent to have read it"
    )


@strawberry.type
class Subscription:
    my_notices: AsyncGenerator[NoticeUpdate, None] = strawberry.subscription(
        resolver=my_notices, description="Notices sent to your households (communityId: where you live, if several)"
    )
