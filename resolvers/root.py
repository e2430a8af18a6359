"""The three roots: each noun's part of Query, Mutation and Subscription, merged; and the Schema."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry

from resolvers import (
    alarms,
    bills,
    devices,
    events,
    files,
    ioc,
    neighbours,
    notices,
    notifications,
    orders,
    parking,
    people,
    points,
    shops,
    space,
)
from schema.build import build_schema as _build
from schema.limits import QueryLimits
from schema.observe import Observer


@strawberry.type(description="Everything you may read")
class Query(
    ioc.Query,
    neighbours.Query,
    points.Query,
    parking.Query,
    notices.Query,
    orders.Query,
    shops.Query,
    bills.Query,
    events.Query,
    alarms.Query,
    notifications.Query,
    devices.Query,
    space.Query,
    people.Query,
):
    pass


@strawberry.type(description="Everything you may change. Each mutation writes all of its change or nothing")
class Mutation(
    neighbours.Mutation,
    points.Mutation,
    parking.Mutation,
    notices.Mutation,
    orders.Mutation,
    shops.Mutation,
    bills.Mutation,
    events.Mutation,
    files.Mutation,
    alarms.Mutation,
    notifications.Mutation,
    devices.Mutation,
    space.Mutation,
    people.Mutation,
):
    pass


@strawberry.type(description="Live feeds. Every message has a cursor: resubscribe with `after` to miss nothing")
class Subscription(
    ioc.Subscription,
    neighbours.Subscription,
    points.Subscription,
    parking.Subscription,
    notices.Subscription,
    orders.Subscription,
    bills.Subscription,
    events.Subscription,
    devices.Subscription,
    alarms.Subscription,
    notifications.Subscription,
):
    pass


def build_schema(
    *,
    production: bool,
    limits: QueryLimits = QueryLimits(),
    observer: Observer | None = None,
    tracing: Iterable[Any] = (),
) -> strawberry.Schema:
    return _build(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        production=production,
        limits=limits,
        observer=observer,
        tracing=tracing,
    )
