"""Every "may" of orders: who reads them, who takes which step (with ``workflow.TRANSITIONS``),
who watches which feed, which live message reaches whom, and how much of the resident a shop sees.

Who someone is to one order (``parties``): the resident who placed it; the shop's merchants; its
courier (the person it was handed to, while they work for the shop; for a robot's delivery, the
shop's merchants, who load and unload it). The community's operators read its orders (the IOC's
"orders today") but are no party: they take no step. Nothing else sees it: not another shop, not
another courier, not another community.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS, SHOP_STAFF, Role
from auth.viewer import Viewer
from domain.common.errors import Conflict, Forbidden, InvalidInput
from domain.common.guards import require_person, require_role
from domain.orders.models import OUT_FOR_DELIVERY, Order, OrderEntry, OrderLine, Status
from domain.orders.workflow import TRANSITIONS, Action, Party, target
from domain.shops.access import merchant_shops, staff_shops
from domain.shops.models import Shop


def _parties(viewer: Viewer, *, shop_id: Any, resident_id: Any, courier_id: Any, robot_id: Any) -> Iterator[Party]:
    person = viewer.person_id
    if person is not None and person == resident_id:
        yield Party.RESIDENT
    merchant = shop_id in viewer.shops_with({Role.MERCHANT})
    if merchant:
        yield Party.MERCHANT
    if (person is not None and person == courier_id and shop_id in viewer.shops_with(SHOP_STAFF)) or (
        merchant and robot_id is not None
    ):
        yield Party.COURIER


def parties(viewer: Viewer | None, order: Order) -> set[Party]:
    if viewer is None:
        return {Party.SYSTEM}
    return set(
        _parties(
            viewer,
            shop_id=order.shop_id,
            resident_id=order.resident_id,
            courier_id=order.courier_id,
            robot_id=order.robot_id,
        )
    )


def readable_orders(viewer: Viewer) -> QuerySet[Order]:
    """The resident's own, the shop's for its merchants, a courier's tasks, the community's for its
    operators."""
    person = require_person(viewer)
    if viewer.is_platform_admin:
        return Order.all()
    return Order.filter(
        Q(resident_id=person)
        | Q(shop_id__in=sorted(merchant_shops(viewer)))
        | Q(courier_id=person, shop_id__in=sorted(staff_shops(viewer)))
        | Q(community_id__in=sorted(viewer.communities_with(OPERATORS)))
    )


def readable_lines(viewer: Viewer) -> QuerySet[OrderLine]:
    return OrderLine.filter(order_id__in=Subquery(readable_orders(viewer).values("id")))


def readable_entries(viewer: Viewer) -> QuerySet[OrderEntry]:
    return OrderEntry.filter(order_id__in=Subquery(readable_orders(viewer).values("id")))


def may_see(viewer: Viewer, order: dict[str, Any]) -> bool:
    """Whether a live message about this order (``messages.payload``) reaches this subscriber: its
    parties (the feeds are theirs: orderUpdates, shopOrders, deliveryTasks; operators watch none)."""
    return viewer.is_platform_admin or any(
        _parties(
            viewer,
            shop_id=order.get("shop_id"),
            resident_id=order.get("resident_id"),
            courier_id=order.get("courier_id"),
            robot_id=order.get("robot_id"),
        )
    )


def contact_visibility(viewer: Viewer, order: dict[str, Any]) -> tuple[bool, bool]:
    """Whether this viewer sees the resident's (name, phone) in full: the resident, a platform admin
    and the community's operators do (they see their residents' phones everywhere else too:
    people.access.personal_data_visibility); a shop's staff see only what delivery needs (the
    house number, a masked name, and the phone only while the order is out for delivery)."""
    if (
        viewer.is_platform_admin
        or (viewer.person_id is not None and viewer.person_id == order.get("resident_id"))
        or order.get("community_id") in viewer.communities_with(OPERATORS)
    ):
        return True, True
    return False, Status(order["status"]) in OUT_FOR_DELIVERY


# --- acting ------------------------------------------------------------------------------------


def check_action(action: Action, viewer: Viewer | None, order: Order) -> Status:
    """The state the action leads to, or why not: FORBIDDEN (field ``id``) for who is not its
    party, CONFLICT (field ``status``) for the wrong state. Who first: a stranger learns nothing."""
    theirs = parties(viewer, order)
    if not theirs & set(TRANSITIONS[action].by):
        who = " or ".join(sorted(p.value.lower() for p in TRANSITIONS[action].by if p is not Party.SYSTEM))
        raise Forbidden(f"Only the order's {who} may {action.value.lower().replace('_', ' ')} it", field="id")
    return target(action, theirs, order)


def check_report_position(viewer: Viewer, order: Order) -> None:
    """Only the courier it was handed to, while they work for the shop and it is out for delivery
    (a robot reports its own, through telemetry)."""
    person = viewer.person_id
    if person is None or person != order.courier_id or order.shop_id not in staff_shops(viewer):
        raise Forbidden("Only the courier of this delivery reports where it is", field="orderId")
    if order.status not in OUT_FOR_DELIVERY:
        raise Conflict(f"An order that is {order.status.value} is not out for delivery", field="status")


def check_order_from(viewer: Viewer, house_id: int) -> int:
    """Residents order for the house they live in."""
    person = require_person(viewer)
    if house_id not in viewer.house_ids:
        raise Forbidden("Order for the house you live in", field="houseId")
    return person


def check_delivers_to(shop: Shop, *, community_id: int, building_id: int) -> None:
    if not shop.open:
        raise InvalidInput("This shop takes no orders now", field="shopId")
    if shop.community_id != community_id or (
        shop.delivery_building_ids and building_id not in shop.delivery_building_ids
    ):
        raise InvalidInput("This shop does not deliver to that house", field="houseId")


# --- figures -----------------------------------------------------------------------------------


def check_read_shop_statistics(viewer: Viewer, shop: Shop) -> None:
    """A shop's figures: its merchants, and the office of its community."""
    require_person(viewer)
    if not (
        viewer.is_platform_admin
        or shop.id in merchant_shops(viewer)
        or viewer.has_role(shop.community_id, COMMUNITY_STAFF)
    ):
        raise Forbidden("A shop's figures are for its merchants and its community's office", field="shopId")


def check_read_community_statistics(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, COMMUNITY_STAFF, "Order statistics")


# --- watching ----------------------------------------------------------------------------------


def home_to_watch(viewer: Viewer, community_id: int | None) -> int:
    """A resident's orders are watched per community they live in (the only one, unnamed)."""
    require_person(viewer)
    homes = sorted(viewer.resident_community_ids)
    if community_id is None:
        if len(homes) != 1:
            raise InvalidInput("Name the community to watch (communityId)", field="communityId")
        return homes[0]
    if community_id not in homes and not viewer.is_platform_admin:
        raise Forbidden("Watch the orders of a community you live in", field="communityId")
    return community_id


def check_watch_shop(viewer: Viewer, shop: Shop) -> None:
    require_person(viewer)
    if not (viewer.is_platform_admin or shop.id in merchant_shops(viewer)):
        raise Forbidden("A shop's orders are watched by its merchants", field="shopId")


def tasks_to_watch(viewer: Viewer, community_id: int | None) -> int:
    """A courier's tasks, per community of the shops they deliver for (the only one, unnamed)."""
    require_person(viewer)
    communities = sorted(
        {g.community_id for g in viewer.grants if g.shop_id is not None and g.community_id is not None}
    )
    if community_id is None:
        if len(communities) != 1:
            if not communities:
                raise Forbidden("Delivery tasks are for the couriers of a shop")
            raise InvalidInput("Name the community to watch (communityId)", field="communityId")
        return communities[0]
    if community_id not in communities:
        raise Forbidden("Delivery tasks are for the couriers of a shop of that community", field="communityId")
    return community_id


def is_task_of(viewer: Viewer, order: dict[str, Any]) -> bool:
    """A delivery task message: an order handed to this courier (while they work for the shop)."""
    person = viewer.person_id
    return person is not None and person == order.get("courier_id") and order.get("shop_id") in staff_shops(viewer)
