"""Orders: what a resident ordered from a shop, its lines at the prices of the moment, its
timeline, and where its delivery is."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.devices.models import Device
from domain.payments.models import ProviderName
from domain.people.models import Person
from domain.shops.models import Product, Shop
from domain.space.models import Community, House


class Status(StrEnum):
    PLACED = "PLACED"
    ACCEPTED = "ACCEPTED"
    PREPARING = "PREPARING"
    PICKED_UP = "PICKED_UP"
    DELIVERING = "DELIVERING"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    REFUSED = "REFUSED"
    REFUNDED = "REFUNDED"


# What an order's payments are for (domain/payments: their subject).
PAYMENT_SUBJECT = "ORDER"
# Out for delivery: the courier needs the resident's phone now.
OUT_FOR_DELIVERY = frozenset({Status.PICKED_UP, Status.DELIVERING})
# Called off: its stock went back to the shop.
CALLED_OFF = frozenset({Status.CANCELLED, Status.REFUSED, Status.REFUNDED})


class Order(Model):
    """Money is integer fen: ``total_fen`` is the sum of the lines' amounts, computed by the server
    from the prices at placing. Lines paid with points (``OrderLine.points``) make ``points_fen`` of
    it; the provider is paid the rest (``amount_due_fen``), so the two always add up to the total. The resident's name and phone are copied at placing (who to
    deliver to); merchants and couriers see them masked (``access.contact_visibility``)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="orders", on_delete=fields.RESTRICT
    )
    community_id: int
    shop: fields.ForeignKeyRelation[Shop] = fields.ForeignKeyField(
        "lingli.Shop", related_name="orders", on_delete=fields.RESTRICT
    )
    shop_id: int
    resident: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="orders", on_delete=fields.RESTRICT
    )
    resident_id: int
    house: fields.ForeignKeyRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="orders", on_delete=fields.RESTRICT
    )
    house_id: int
    house_number = fields.CharField(max_length=80, description="Building and door, as the courier reads them")
    contact_name = fields.CharField(max_length=100)
    contact_phone = fields.CharField(max_length=20)
    idempotency_key = fields.CharField(max_length=64)
    status = fields.CharEnumField(Status, max_length=12, default=Status.PLACED)
    note = fields.TextField(default="")
    total_fen = fields.IntField()
    points_spent = fields.IntField(default=0, db_default=0, description="GREEN points its points lines cost")
    points_fen = fields.IntField(
        default=0, db_default=0, description="What its points lines would cost in fen: total_fen less what is due"
    )
    payment_provider = fields.CharEnumField(ProviderName, max_length=20)
    paid_at = fields.DatetimeField(null=True)
    courier: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="deliveries", null=True, on_delete=fields.RESTRICT
    )
    courier_id: int | None
    courier_name = fields.CharField(max_length=100, default="")
    robot: fields.ForeignKeyNullableRelation[Device] = fields.ForeignKeyField(
        "lingli.Device", related_name="deliveries", null=True, on_delete=fields.RESTRICT
    )
    robot_id: int | None
    reason = fields.TextField(default="", description="Why it was refused or cancelled")
    rating = fields.IntField(null=True)
    rating_comment = fields.TextField(default="")
    placed_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    picked_up_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    delivery_seconds = fields.IntField(null=True, description="Placed to delivered: averaged in SQL")
    carried_seconds = fields.IntField(null=True, description="Picked up to delivered: averaged in SQL")
    completed_at = fields.DatetimeField(null=True)
    latitude = fields.FloatField(null=True, description="The delivery's latest position")
    longitude = fields.FloatField(null=True)
    position_at = fields.DatetimeField(null=True, description="When the latest position was reported")
    position_pushed_at = fields.DatetimeField(null=True, description="When a position was last pushed live")
    position_pending = fields.BooleanField(
        default=False, db_default=False, description="A position came in since the last push: the sweep owes it"
    )
    distance_metres = fields.IntField(null=True, description="From the latest position to the house's building")
    eta_seconds = fields.IntField(null=True, description="That distance at delivery pace (positions.PACE_M_S)")
    updated_at = fields.DatetimeField(auto_now=True)

    @property
    def amount_due_fen(self) -> int:
        """What the provider is paid: the total less the lines paid with points."""
        return self.total_fen - self.points_fen

    class Meta:
        table = "shop_order"
        # The same key from the same resident is the same order: twins sent at once end as one.
        unique_together = (("resident_id", "idempotency_key"),)
        # The sweep of held-back positions reads (status, position_pending) every few seconds.
        indexes = (("shop_id", "placed_at"), ("robot_id", "status"), ("status", "position_pending"))


class OrderLine(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "lingli.Order", related_name="lines", on_delete=fields.CASCADE
    )
    order_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "lingli.Product", related_name="order_lines", on_delete=fields.RESTRICT
    )
    product_id: int
    name = fields.CharField(max_length=100, description="The product's name when ordered")
    unit_price_fen = fields.IntField()
    quantity = fields.IntField()
    amount_fen = fields.IntField()
    points = fields.IntField(
        null=True, description="Paid with this many points (price × quantity), null when paid in money"
    )
    reserved = fields.BooleanField(description="Took stock (the product had a limited stock)")

    class Meta:
        table = "order_line"


class OrderEntry(Model):
    """The timeline: every step, who took it, when, with a note."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "lingli.Order", related_name="entries", on_delete=fields.CASCADE
    )
    order_id: int
    action = fields.CharField(max_length=20)
    from_status = fields.CharEnumField(Status, max_length=12, null=True)
    to_status = fields.CharEnumField(Status, max_length=12)
    actor_id = fields.IntField(null=True, description="Null: the system, a payment provider, a robot")
    actor_name = fields.CharField(max_length=100)
    note = fields.TextField(default="")
    at = fields.DatetimeField()

    class Meta:
        table = "order_entry"
