"""Notifications: your inbox (a query and a live subscription), marking read, preferences, and the
dead letters an operator looks at."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.common.errors import InvalidInput
from domain.notifications import access, messages, service
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.limits import list_size
from schema.notifications import (
    Notification,
    NotificationDeadLetter,
    NotificationEvent,
    NotificationPreferences,
    NotificationPreferencesInput,
)

MARK_AT_MOST = 100


async def my_notifications(
    info: Info[Context, None], unread: bool | None = None, first: int | None = 20, after: PageCursor = None
) -> Connection[Notification]:
    page = await service.list_mine(info.context.viewer(), unread=unread, first=first, after=after)
    return connection(page, Notification)


async def notification_preferences(info: Info[Context, None]) -> NotificationPreferences:
    return NotificationPreferences.of(await service.preferences(info.context.viewer()))


async def notification_dead_letters(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[NotificationDeadLetter]:
    page = await service.dead_letters(
        info.context.viewer(), community_id=parse_optional_id(community_id, "communityId"), first=first, after=after
    )
    return connection(page, NotificationDeadLetter)


async def notifications_mark_read(info: Info[Context, None], ids: list[strawberry.ID]) -> list[Notification]:
    if len(ids) > MARK_AT_MOST:
        raise InvalidInput(f"At most {MARK_AT_MOST} notifications at once", field="ids")
    rows = await service.mark_read(info.context.viewer(), [parse_id(i, "ids") for i in ids])
    return [Notification.from_row(r) for r in rows]


async def notification_preferences_set(
    info: Info[Context, None], input: NotificationPreferencesInput
) -> NotificationPreferences:
    chosen = await service.set_preferences(
        info.context.viewer(),
        muted_kinds=list(input.muted_kinds),
        channels=list(input.channels),
        quiet_from=input.quiet_from,
        quiet_until=input.quiet_until,
    )
    return NotificationPreferences.of(chosen)


async def my_notifications_live(
    info: Info[Context, None], after: LiveCursor = None
) -> AsyncGenerator[NotificationEvent, None]:
    """Your inbox as it changes: new notifications and ones marked read (on any device)."""
    live = info.context.live_viewer()
    person_id = access.check_watch(live.viewer)

    def mine(envelope: Envelope) -> bool:
        return access.may_receive(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(person_id), after=parse_cursor(after), visible=mine, follower=live
    ):
        yield NotificationEvent.of(envelope)


@strawberry.type
class Query:
    my_notifications: Connection[Notification] = strawberry.field(
        resolver=my_notifications,
        description=f"Your inbox, oldest first (unread: true for the unread only). {PAGE_HELP}",
    )
    notification_preferences: NotificationPreferences = strawberry.field(
        resolver=notification_preferences, description="What you want to be told of, and how"
    )
    notification_dead_letters: Connection[NotificationDeadLetter] = strawberry.field(
        resolver=notification_dead_letters,
        description=f"Operators: notifications of your community that failed on a channel after every try. {PAGE_HELP}",
    )


@strawberry.type
class Mutation:
    notifications_mark_read: list[Notification] = strawberry.field(
        resolver=notifications_mark_read,
        description=f"Mark your notifications read (at most {MARK_AT_MOST}): what has not gone out yet will not",
        metadata=list_size(MARK_AT_MOST),
    )
    notification_preferences_set: NotificationPreferences = strawberry.field(
        resolver=notification_preferences_set, description="Choose what you are told of, how, and your quiet hours"
    )


@strawberry.type
class Subscription:
    my_notifications: AsyncGenerator[NotificationEvent, None] = strawberry.subscription(
        resolver=my_notifications_live,
        description="Your inbox live: each new notification and each one marked read, from `after` on",
    )
