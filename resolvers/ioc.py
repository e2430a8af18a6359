"""The operations centre: its dashboard, its live feed, and the dashboard's counters pushed live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from domain.ioc import counters, dashboard, feed
from resolvers.context import Context
from resolvers.ids import parse_id
from schema.ioc import Dashboard, DashboardCounters, FeedCursor, IocFeedItem


async def dashboard_query(info: Info[Context, None], community_id: strawberry.ID) -> Dashboard:
    community = parse_id(community_id, "communityId")
    return Dashboard.of(community, await dashboard.dashboard(info.context.viewer(), community))


async def ioc_feed(
    info: Info[Context, None], community_id: strawberry.ID, after: FeedCursor = None
) -> AsyncGenerator[IocFeedItem, None]:
    live = info.context.live_viewer()
    items = feed.feed(info.context.broadcast, live, parse_id(community_id, "communityId"), after)
    async for item in items:
        yield IocFeedItem.of(item)


async def dashboard_counters(
    info: Info[Context, None], community_id: strawberry.ID
) -> AsyncGenerator[DashboardCounters, None]:
    live = info.context.live_viewer()
    community = parse_id(community_id, "communityId")
    async for pushed in counters.counters(info.context.broadcast, live, community):
        yield DashboardCounters.of(community, pushed, datetime.now(UTC))


@strawberry.type
class Query:
    dashboard: Dashboard = strawberry.field(
        resolver=dashboard_query,
        description="The operations centre: a community's figures (people, devices, alarms, events, energy, "
        "points, orders), for its operators and property staff",
    )


@strawberry.type
class Subscription:
    ioc_feed: AsyncGenerator[IocFeedItem, None] = strawberry.subscription(
        resolver=ioc_feed,
        description="The operations centre: the community's alarms, events, device status and orders as one "
        "feed, for its operators and property staff",
    )
    dashboard_counters: AsyncGenerator[DashboardCounters, None] = strawberry.subscription(
        resolver=dashboard_counters,
        description="The dashboard now, then again whenever a panel changes: at most one message a second "
        "however many alarms arrive; the last one is the dashboard as it is",
    )
