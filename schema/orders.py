"""GraphQL types and inputs of orders: lines, timeline, the payment, live updates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.common.pagination import DEFAULT_PAGE_SIZE
from domain.orders import access
from domain.orders import models as om
from domain.orders import stats as order_stats
from domain.orders.models import Status as OrderStatus
from domain.orders.placing import MAX_LINES
from domain.people.masking import mask_name, mask_phone
from realtime.envelope import Envelope
from schema.common import Fen, first_help, first_of
from schema.limits import list_size
from schema.payments import Payment, PaymentProvider
from schema.string_inputs import stored_in

strawberry.enum(OrderStatus, name="OrderStatus", description="Where an order is in its loop")


# Payments of one order: its points part and the rest.
MAX_PAYMENTS = 2


def _opt_id(value: object) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type(description="One product of an order, at its price when ordered")
class OrderLine:
    product_id: strawberry.ID = strawberry.field(description="The product")
    name: str = strawberry.field(description="Its name when ordered")
    unit_price_fen: int = strawberry.field(description="Its price when ordered, in fen")
    quantity: int = strawberry.field(description="How many")
    amount_fen: int = strawberry.field(description="unitPriceFen × quantity")
    points: int | None = strawberry.field(
        description="Paid with this many GREEN points (its points price × quantity) instead of amountFen; null: in money"
    )

    @classmethod
    def from_row(cls, row: om.OrderLine) -> OrderLine:
        return cls(
            product_id=strawberry.ID(str(row.product_id)),
            name=row.name,
            unit_price_fen=row.unit_price_fen,
            quantity=row.quantity,
            amount_fen=row.amount_fen,
            points=row.points,
        )


@strawberry.type(description="One step of an order: who did what, when")
class OrderTimelineEntry:
    action: str = strawberry.field(description="PLACE, ACCEPT, DISPATCH, PICK_UP, PAY…")
    from_status: OrderStatus | None = strawberry.field(description="Before (none for the placing)")
    to_status: OrderStatus = strawberry.field(description="After")
    actor_name: str = strawberry.field(description="Who ('Lingli': the system)")
    note: str = strawberry.field(description="A reason, a note")
    at: datetime = strawberry.field(description="When")

    @classmethod
    def from_row(cls, row: om.OrderEntry) -> OrderTimelineEntry:
        return cls(
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            actor_name=row.actor_name,
            note=row.note,
            at=row.at,
        )


@strawberry.type(description="Where a delivery is")
class DeliveryPosition:
    latitude: float = strawberry.field(description="WGS84 latitude")
    longitude: float = strawberry.field(description="WGS84 longitude")
    at: datetime = strawberry.field(description="When it was reported")
    distance_metres: int | None = strawberry.field(
        description="Straight-line metres to the house's building; null when the building has no position"
    )
    eta_seconds: int | None = strawberry.field(
        description="That distance at a delivery's pace (1.5 m/s); null when the building has no position"
    )


@strawberry.type(
    description="An order from a shop. Money is integer fen; totalFen is the sum of the lines, "
    "= pointsFen (the lines paid with points) + amountDueFen (what its provider is paid)"
)
class Order:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    shop_id: strawberry.ID = strawberry.field(description="The shop")
    house_id: strawberry.ID = strawberry.field(description="Where it goes")
    house_number: str = strawberry.field(description="Building and door number")
    status: OrderStatus = strawberry.field(description="Where it is in the loop")
    note: str = strawberry.field(description="The resident's note")
    total_fen: int = strawberry.field(description="What it costs, in fen: the sum of its lines")
    points_spent: int = strawberry.field(description="GREEN points spent on its lines paid with points (0: none)")
    points_fen: int = strawberry.field(description="What the lines paid with points come to in fen")
    amount_due_fen: int = strawberry.field(description="The rest, paid through paymentProvider: totalFen - pointsFen")
    payment_provider: PaymentProvider = strawberry.field(
        description="How the rest is paid (POINTS: the points pay it all)"
    )
    paid: bool = strawberry.field(description="Paid")
    courier_id: strawberry.ID | None = strawberry.field(description="Who delivers it")
    courier_name: str = strawberry.field(description="Their name")
    robot_id: strawberry.ID | None = strawberry.field(description="The robot delivering it")
    reason: str = strawberry.field(description="Why it was refused, cancelled or refunded")
    rating: int | None = strawberry.field(description="The resident's rating, 1-5")
    placed_at: datetime = strawberry.field(description="When it was placed")
    delivered_at: datetime | None = strawberry.field(description="When it was delivered")
    position: DeliveryPosition | None = strawberry.field(description="The delivery's latest position")
    contact: strawberry.Private[dict[str, Any]]

    @classmethod
    def of(cls, p: dict[str, Any]) -> Order:
        """From the payload every live message carries (``domain.orders.messages.payload``)."""
        position = None
        if p.get("latitude") is not None and p.get("position_at"):
            position = DeliveryPosition(
                latitude=p["latitude"],
                longitude=p["longitude"],
                at=datetime.fromisoformat(p["position_at"]),
                distance_metres=p.get("distance_metres"),
                eta_seconds=p.get("eta_seconds"),
            )
        return cls(
            id=strawberry.ID(str(p["id"])),
            community_id=strawberry.ID(str(p["community_id"])),
            shop_id=strawberry.ID(str(p["shop_id"])),
            house_id=strawberry.ID(str(p["house_id"])),
            house_number=p["house_number"],
            status=OrderStatus(p["status"]),
            note=p["note"],
            total_fen=p["total_fen"],
            # Messages stored before orders were paid partly with points carry none.
            points_spent=p.get("points_spent", 0),
            points_fen=p.get("points_fen", 0),
            amount_due_fen=p["total_fen"] - p.get("points_fen", 0),
            payment_provider=PaymentProvider(p["payment_provider"]),
            paid=p["paid"],
            courier_id=_opt_id(p.get("courier_id")),
            courier_name=p["courier_name"],
            robot_id=_opt_id(p.get("robot_id")),
            reason=p["reason"],
            rating=p["rating"],
            placed_at=datetime.fromisoformat(p["placed_at"]),
            delivered_at=datetime.fromisoformat(p["delivered_at"]) if p.get("delivered_at") else None,
            position=position,
            contact={k: p[k] for k in ("community_id", "resident_id", "status", "contact_name", "contact_phone")},
        )

    @classmethod
    def from_row(cls, row: om.Order) -> Order:
        from domain.orders.messages import payload

        return cls.of(payload(row))

    @strawberry.field(description="Who to deliver to: masked for the shop's staff")
    def contact_name(self, info: Info) -> str:
        full, _ = access.contact_visibility(info.context.viewer(), self.contact)
        return self.contact["contact_name"] if full else mask_name(self.contact["contact_name"])

    @strawberry.field(
        description="Their phone: the shop's staff see it in full only while the order is out for delivery"
    )
    def contact_phone(self, info: Info) -> str:
        _, full = access.contact_visibility(info.context.viewer(), self.contact)
        return self.contact["contact_phone"] if full else mask_phone(self.contact["contact_phone"])

    @strawberry.field(
        description=f"What was ordered, at the prices of the moment (read when asked; at most {MAX_LINES})",
        metadata=list_size(MAX_LINES),
    )
    async def lines(self, info: Info) -> list[OrderLine]:
        rows = await info.context.loaders.lines_of_order.load(int(self.id))
        return [OrderLine.from_row(r) for r in rows]

    @strawberry.field(description=f"Its steps, oldest first (read when asked). {first_help()}")
    async def timeline(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[OrderTimelineEntry]:
        rows = await info.context.loaders.entries_of_order.load(int(self.id))
        return [OrderTimelineEntry.from_row(r) for r in first_of(rows, first)]

    @strawberry.field(
        description="Its payment of amountDueFen, the one to make (read when asked); the points part's when "
        "points pay it all"
    )
    async def payment(self, info: Info) -> Payment | None:
        row = await info.context.loaders.payment_of_order.load(int(self.id))
        return Payment.from_row(row) if row else None

    @strawberry.field(
        description=f"All its payments, oldest first: the points part's (POINTS), then the rest's (at most {MAX_PAYMENTS})",
        metadata=list_size(MAX_PAYMENTS),
    )
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loaders.payments_of_order.load(int(self.id))
        return [Payment.from_row(r) for r in rows]


@strawberry.type(description="One message of an order feed")
class OrderUpdate:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="ORDER_PLACED, ORDER_ACCEPTED, … ORDER_PAID, ORDER_POSITION")
    order: Order = strawberry.field(description="The order as of this message")

    @classmethod
    def of(cls, envelope: Envelope) -> OrderUpdate:
        return cls(cursor=str(envelope.cursor), kind=envelope.kind, order=Order.of(envelope.payload))


# Arguments of resolvers.orders, with their lengths.
OrderReason = Annotated[
    str, strawberry.argument(description="Why (the resident reads it)", metadata=stored_in(om.Order, "reason"))
]
OrderComment = Annotated[
    str, strawberry.argument(description="A few words with the score", metadata=stored_in(om.Order, "rating_comment"))
]


@strawberry.input(description="One product and how many")
class OrderLineInput:
    product_id: strawberry.ID = strawberry.field(description="A product on sale in the shop")
    quantity: int = strawberry.field(description="1-99")
    with_points: bool = strawberry.field(
        default=False,
        description="Pay this line with GREEN points at its product's points price (the rest of the order through "
        "`payment`)",
    )


@strawberry.input(description="A new order: the server prices it; the same idempotencyKey again is the same order")
class OrderPlaceInput:
    shop_id: strawberry.ID = strawberry.field(description="The shop")
    house_id: strawberry.ID = strawberry.field(description="Your house, where it is delivered")
    lines: list[OrderLineInput] = strawberry.field(description="What, and how many (1-50 lines)")
    idempotency_key: str = strawberry.field(
        description="Your key for this order (up to 64 characters)", metadata=stored_in(om.Order, "idempotency_key")
    )
    payment: PaymentProvider = strawberry.field(description="How you pay")
    note: str = strawberry.field(
        default="", description="For the shop (up to 500 characters)", metadata=stored_in(om.Order, "note")
    )


@strawberry.type(description="Orders over a span: counts, revenue in fen, delivery times and ratings")
class OrderFigures:
    orders: int = strawberry.field(description="Orders placed")
    called_off: int = strawberry.field(description="Of those, cancelled, refused or refunded")
    revenue_fen: Fen = strawberry.field(description="What the orders not called off add up to, in fen")
    average_delivery_seconds: float | None = strawberry.field(
        description="Picked up → delivered, on average; null without a delivery"
    )
    average_order_to_door_seconds: float | None = strawberry.field(
        description="Placed → delivered, on average; null without a delivery"
    )
    average_rating: float | None = strawberry.field(description="1-5, on average; null without a rating")
    ratings: int = strawberry.field(description="Orders rated")

    @classmethod
    def of(cls, f: order_stats.Figures) -> OrderFigures:
        return cls(
            orders=f.orders,
            called_off=f.called_off,
            revenue_fen=Fen(f.revenue_fen),
            average_delivery_seconds=f.average_delivery_seconds,
            average_order_to_door_seconds=f.average_order_to_door_seconds,
            average_rating=f.average_rating,
            ratings=f.ratings,
        )


@strawberry.type(description="One day of the community's calendar")
class OrderDayFigures:
    day: date = strawberry.field(description="The day, in the community's time zone")
    orders: int = strawberry.field(description="Orders placed that day")
    revenue_fen: Fen = strawberry.field(description="What those not called off add up to, in fen")


@strawberry.type(description="One shop's figures")
class ShopOrderFigures:
    shop_id: strawberry.ID = strawberry.field(description="The shop")
    name: str = strawberry.field(description="Its name")
    figures: OrderFigures = strawberry.field(description="Its orders over the span")


@strawberry.type(description="How many orders got one score")
class RatingCount:
    score: int = strawberry.field(description="1-5")
    count: int = strawberry.field(description="Orders rated so")


@strawberry.type(description="Order statistics over whole days of the community's calendar, computed in SQL")
class OrderStatistics:
    since: date = strawberry.field(description="The first day")
    until: date = strawberry.field(description="The last day (inclusive)")
    time_zone: str = strawberry.field(description="The zone the days are read in")
    total: OrderFigures = strawberry.field(description="The whole span")
    by_day: list[OrderDayFigures] = strawberry.field(
        description=f"Each day, oldest first, zeros included (at most {order_stats.MAX_DAYS})",
        metadata=list_size(order_stats.MAX_DAYS),
    )
    by_shop: list[ShopOrderFigures] = strawberry.field(
        description=f"Each shop with orders, most revenue first (at most {order_stats.MAX_SHOPS})",
        metadata=list_size(order_stats.MAX_SHOPS),
    )
    ratings: list[RatingCount] = strawberry.field(description="Ratings per score", metadata=list_size(5))

    @classmethod
    def of(cls, s: order_stats.OrderStats) -> OrderStatistics:
        return cls(
            since=s.since,
            until=s.until,
            time_zone=s.time_zone,
            total=OrderFigures.of(s.total),
            by_day=[OrderDayFigures(day=d.day, orders=d.orders, revenue_fen=Fen(d.revenue_fen)) for d in s.by_day],
            by_shop=[
                ShopOrderFigures(shop_id=strawberry.ID(str(f.shop_id)), name=f.name, figures=OrderFigures.of(f.figures))
                for f in s.by_shop
            ],
            ratings=[RatingCount(score=k, count=v) for k, v in sorted(s.ratings_by_score.items())],
        )
