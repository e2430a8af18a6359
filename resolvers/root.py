"""The three roots: each noun's part of Query, Mutation and Subscription, merged; and the Schema."""

from __future__ import annotations

import strawberry

from resolvers import alarms, bills, devices, events, files, people, space
from schema.build import build_schema as _build
from schema.limits import QueryLimits


@strawberry.type(description="Everything you may read")
class Query(bills.Query, events.Query, alarms.Query, devices.Query, space.Query, people.Query):
    pass


@strawberry.type(description="Everything you may change. Each mutation writes all of its change or nothing")
class Mutation(
    bills.Mutation, events.Mutation, files.Mutation, alarms.Mutation, devices.Mutation, space.Mutation, people.Mutation
):
    pass


@strawberry.type(description="Live feeds. Every message has a cursor: resubscribe with `after` to miss nothing")
class Subscription(bills.Subscription, events.Subscription, devices.Subscription, alarms.Subscription):
    pass


def build_schema(*, production: bool, limits: QueryLimits = QueryLimits()) -> strawberry.Schema:
    return _build(query=Query, mutation=Mutation, subscription=Subscription, production=production, limits=limits)
