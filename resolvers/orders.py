"""Orders: placing, the loop's steps, and the three live feeds (residents, shops, couriers)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry
from strawberry.types import Info

from domain.orders import access, messages, placing, positions, stats, transitions
from domain.orders import service as orders
from domain.orders.models import Status
from domain.orders.workflow import Action
from domain.payments.models import ProviderName
from domain.shops.service import get_shop
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.orders import Order, OrderComment, OrderPlaceInput, OrderReason, OrderStatistics, OrderUpdate


async def order(info: Info[Context, None], id: strawberry.ID) -> Order | None:
    return Order.from_row(await orders.get_order(info.context.viewer(), parse_id(id, "id")))


async def orders_list(
    info: Info[Context, None],
    shop_id: strawberry.ID | None = None,
    status: Status | None = None,
    mine: bool = False,
    tasks: bool = False,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Order]:
    page = await orders.list_orders(
        info.context.viewer(),
        shop_id=parse_optional_id(shop_id, "shopId"),
        status=status,
        mine=mine,
        tasks=tasks,
        first=first,
        after=after,
    )
    return connection(page, Order)


async def shop_statistics(
    info: Info[Context, None], shop_id: strawberry.ID, since: date | None = None, until: date | None = None
) -> OrderStatistics:
    figures = await stats.shop_stats(info.context.viewer(), parse_id(shop_id, "shopId"), since=since, until=until)
    return OrderStatistics.of(figures)


async def order_statistics(
    info: Info[Context, None], community_id: strawberry.ID, since: date | None = None, until: date | None = None
) -> OrderStatistics:
    figures = await stats.community_stats(
        info.context.viewer(), parse_id(community_id, "communityId"), since=since, until=until
    )
    return OrderStatistics.of(figures)


async def order_place(info: Info[Context, None], input: OrderPlaceInput) -> Order:
    new = placing.NewOrder(
        shop_id=parse_id(input.shop_id, "shopId"),
        house_id=parse_id(input.house_id, "houseId"),
        lines=[
            placing.Line(
                product_id=parse_id(line.product_id, f"lines[{i}].productId"),
                quantity=line.quantity,
                with_points=line.with_points,
            )
            for i, line in enumerate(input.lines)
        ],
        idempotency_key=input.idempotency_key,
        payment=ProviderName(input.payment),
        note=input.note,
    )
    return Order.from_row(await placing.place(info.context.viewer(), info.context.payments, new))


async def _act(info: Info[Context, None], id: strawberry.ID, action: Action, note: str = "") -> Order:
    row = await transitions.act(info.context.viewer(), info.context.payments, parse_id(id, "id"), action, note)
    return Order.from_row(row)


async def order_accept(info: Info[Context, None], id: strawberry.ID) -> Order:
    return await _act(info, id, Action.ACCEPT)


async def order_refuse(info: Info[Context, None], id: strawberry.ID, reason: OrderReason) -> Order:
    return await _act(info, id, Action.REFUSE, reason)


async def order_prepare(info: Info[Context, None], id: strawberry.ID) -> Order:
    return await _act(info, id, Action.PREPARE)


async def order_pick_up(info: Info[Context, None], id: strawberry.ID) -> Order:
    return await _act(info, id, Action.PICK_UP)


async def order_depart(info: Info[Context, None], id: strawberry.ID) -> Order:
    return await _act(info, id, Action.DEPART)


async def order_deliver(info: Info[Context, None], id: strawberry.ID) -> Order:
    return await _act(info, id, Action.DELIVER)


async def order_confirm(info: Info[Context, None], id: strawberry.ID) -> Order:
    return await _act(info, id, Action.CONFIRM)


async def order_cancel(info: Info[Context, None], id: strawberry.ID, reason: OrderReason = "") -> Order:
    return await _act(info, id, Action.CANCEL, reason)


async def order_refund(info: Info[Context, None], id: strawberry.ID, reason: OrderReason) -> Order:
    return await _act(info, id, Action.REFUND, reason)


async def order_dispatch(
    info: Info[Context, None],
    id: strawberry.ID,
    courier_id: strawberry.ID | None = None,
    robot_id: strawberry.ID | None = None,
) -> Order:
    row = await transitions.dispatch(
        info.context.viewer(),
        parse_id(id, "id"),
        courier_id=parse_optional_id(courier_id, "courierId"),
        robot_id=parse_optional_id(robot_id, "robotId"),
    )
    return Order.from_row(row)


async def order_rate(info: Info[Context, None], id: strawberry.ID, score: int, comment: OrderComment = "") -> Order:
    return Order.from_row(await transitions.rate(info.context.viewer(), parse_id(id, "id"), score, comment))


async def order_collect(info: Info[Context, None], id: strawberry.ID) -> Order:
    return Order.from_row(await transitions.collect(info.context.viewer(), parse_id(id, "id")))


async def delivery_position_report(
    info: Info[Context, None], order_id: strawberry.ID, latitude: float, longitude: float
) -> Order:
    row = await positions.report(
        info.context.viewer(), parse_id(order_id, "orderId"), latitude=latitude, longitude=longitude
    )
    return Order.from_row(row)


async def order_updates(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: LiveCursor = None
) -> AsyncGenerator[OrderUpdate, None]:
    """A resident's own orders (in one community they live in)."""
    live = info.context.live_viewer()
    chosen = access.home_to_watch(live.viewer, parse_optional_id(community_id, "communityId"))

    def mine(envelope: Envelope) -> bool:
        return envelope.payload.get("resident_id") == live.viewer.person_id

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(chosen), after=parse_cursor(after), visible=mine, follower=live
    ):
        yield OrderUpdate.of(envelope)


async def shop_orders(
    info: Info[Context, None], shop_id: strawberry.ID, after: LiveCursor = None
) -> AsyncGenerator[OrderUpdate, None]:
    """A shop's orders, for its merchants."""
    live = info.context.live_viewer()
    shop = await get_shop(live.viewer, parse_id(shop_id, "shopId"), field="shopId")
    access.check_watch_shop(live.viewer, shop)

    def of_the_shop(envelope: Envelope) -> bool:
        return envelope.payload.get("shop_id") == shop.id and access.may_see(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast,
        messages.topic(shop.community_id),
        after=parse_cursor(after),
        visible=of_the_shop,
        follower=live,
    ):
        yield OrderUpdate.of(envelope)


async def delivery_tasks(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: LiveCursor = None
) -> AsyncGenerator[OrderUpdate, None]:
    """The orders handed to this courier."""
    live = info.context.live_viewer()
    chosen = access.tasks_to_watch(live.viewer, parse_optional_id(community_id, "communityId"))

    def theirs(envelope: Envelope) -> bool:
        return access.is_task_of(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(chosen), after=parse_cursor(after), visible=theirs, follower=live
    ):
        yield OrderUpdate.of(envelope)


@strawberry.type
class Query:
    order: Order | None = strawberry.field(
        resolver=order, description="One order you may see: null, with a NOT_FOUND error, when there is none"
    )
    orders: Connection[Order] = strawberry.field(
        resolver=orders_list,
        description="Orders you may see: residents their own, merchants their shops', couriers their tasks; "
        f"`mine`: placed by you, `tasks`: handed to you. {PAGE_HELP}",
    )
    shop_statistics: OrderStatistics = strawberry.field(
        resolver=shop_statistics,
        description="A shop's merchants (and its community's office): orders, revenue, delivery times, ratings, "
        "per day of the community's calendar, since/until inclusive (default: the last 30 days, at most 92)",
    )
    order_statistics: OrderStatistics = strawberry.field(
        resolver=order_statistics,
        description="The community's office: the same figures over every shop, with each shop's",
    )


@strawberry.type
class Mutation:
    order_place: Order = strawberry.field(
        resolver=order_place,
        description="Residents: order from a shop; priced by the server, stock reserved; the same idempotencyKey is the same order",
    )
    order_accept: Order = strawberry.field(
        resolver=order_accept, description="Merchants: take a placed (and paid) order"
    )
    order_refuse: Order = strawberry.field(
        resolver=order_refuse, description="Merchants: refuse a placed order, with a reason"
    )
    order_prepare: Order = strawberry.field(resolver=order_prepare, description="Merchants: being prepared")
    order_dispatch: Order = strawberry.field(
        resolver=order_dispatch, description="Merchants: hand it to a courier of the shop, or a delivery robot"
    )
    order_pick_up: Order = strawberry.field(resolver=order_pick_up, description="Its courier: picked up")
    order_depart: Order = strawberry.field(resolver=order_depart, description="Its courier: on the way")
    order_deliver: Order = strawberry.field(resolver=order_deliver, description="Its courier: delivered")
    order_collect: Order = strawberry.field(
        resolver=order_collect, description="Its courier: the money was taken at the door (payment on delivery)"
    )
    order_confirm: Order = strawberry.field(resolver=order_confirm, description="The resident: received")
    order_cancel: Order = strawberry.field(
        resolver=order_cancel,
        description="The resident before it is accepted; merchants until it is picked up, with a reason. Stock goes back, payment refunded",
    )
    order_refund: Order = strawberry.field(
        resolver=order_refund, description="Merchants: refund a delivered order, with a reason"
    )
    order_rate: Order = strawberry.field(resolver=order_rate, description="The resident: rate a completed order 1-5")
    delivery_position_report: Order = strawberry.field(
        resolver=delivery_position_report,
        description="Its courier, while out for delivery: where you are (pushed to the resident coalesced)",
    )


@strawberry.type
class Subscription:
    order_updates: AsyncGenerator[OrderUpdate, None] = strawberry.subscription(
        resolver=order_updates, description="Residents: your orders changing, and where their deliveries are"
    )
    shop_orders: AsyncGenerator[OrderUpdate, None] = strawberry.subscription(
        resolver=shop_orders, description="Merchants: your shop's orders as they come and move"
    )
    delivery_tasks: AsyncGenerator[OrderUpdate, None] = strawberry.subscription(
        resolver=delivery_tasks, description="Couriers: the orders handed to you, as they move"
    )
