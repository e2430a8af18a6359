"""The live messages of orders: their topic, their kinds, and the order as each one carries it. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.orders.models import Order, Status


def topic(community_id: int) -> str:
    """One topic per community: each subscriber is sent the messages of the orders they are party to."""
    return f"orders:{community_id}"


class Kind(StrEnum):
    ORDER_PLACED = "ORDER_PLACED"
    ORDER_ACCEPTED = "ORDER_ACCEPTED"
    ORDER_PREPARING = "ORDER_PREPARING"
    ORDER_PICKED_UP = "ORDER_PICKED_UP"
    ORDER_DELIVERING = "ORDER_DELIVERING"
    ORDER_DELIVERED = "ORDER_DELIVERED"
    ORDER_COMPLETED = "ORDER_COMPLETED"
    ORDER_CANCELLED = "ORDER_CANCELLED"
    ORDER_REFUSED = "ORDER_REFUSED"
    ORDER_REFUNDED = "ORDER_REFUNDED"
    ORDER_DISPATCHED = "ORDER_DISPATCHED"
    ORDER_PAID = "ORDER_PAID"
    ORDER_RATED = "ORDER_RATED"
    ORDER_POSITION = "ORDER_POSITION"


ARRIVED: dict[Status, Kind] = {status: Kind(f"ORDER_{status.value}") for status in Status}


def payload(order: Order) -> dict[str, Any]:
    """An order as every live message carries it (JSON). The contact is masked per subscriber,
    when the message is answered (``access.contact_visibility``)."""
    return {
        "id": order.id,
        "community_id": order.community_id,
        "shop_id": order.shop_id,
        "resident_id": order.resident_id,
        "house_id": order.house_id,
        "house_number": order.house_number,
        "contact_name": order.contact_name,
        "contact_phone": order.contact_phone,
        "status": order.status.value,
        "note": order.note,
        "total_fen": order.total_fen,
        "points_spent": order.points_spent,
        "points_fen": order.points_fen,
        "payment_provider": order.payment_provider.value,
        "paid": order.paid_at is not None,
        "courier_id": order.courier_id,
        "courier_name": order.courier_name,
        "robot_id": order.robot_id,
        "reason": order.reason,
        "rating": order.rating,
        "placed_at": order.placed_at.isoformat(),
        "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
        "latitude": order.latitude,
        "longitude": order.longitude,
        "position_at": order.position_at.isoformat() if order.position_at else None,
        "distance_metres": order.distance_metres,
        "eta_seconds": order.eta_seconds,
    }
