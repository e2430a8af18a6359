"""Reading orders: one, a page of a filtered list. Every read starts from ``access``; placing is
``placing``, the loop ``transitions``, paying ``paying``."""

from __future__ import annotations

from auth.viewer import Viewer
from domain.common.guards import require_person
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given
from domain.orders import access
from domain.orders.models import Order, Status


async def get_order(viewer: Viewer, order_id: int, *, field: str = "id") -> Order:
    return await get_visible(access.readable_orders(viewer), order_id, what="order", field=field)


async def list_orders(
    viewer: Viewer,
    *,
    shop_id: int | None = None,
    status: Status | None = None,
    mine: bool = False,
    tasks: bool = False,
    first: int | None = None,
    after: str | None = None,
) -> Page[Order]:
    """``mine``: placed by the viewer; ``tasks``: handed to the viewer to deliver."""
    qs = access.readable_orders(viewer).filter(**given(shop_id=shop_id, status=status))
    if mine:
        qs = qs.filter(resident_id=require_person(viewer))
    if tasks:
        qs = qs.filter(courier_id=require_person(viewer))
    return await paginate(qs, first=first, after=after)
