"""Every "may" of shops: who reads shops and products, who registers shops and grants their staff
(the community's operators), who manages products (the shop's merchants).

A shop's staff are grants scoped to the shop (``Viewer.shops_with``), read with the viewer.
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS, SHOP_STAFF, Role
from auth.viewer import Viewer
from domain.common.errors import Forbidden
from domain.common.guards import require_person, require_role
from domain.shops.models import Product, ProductPhoto, Shop, ShopStaff


def merchant_shops(viewer: Viewer) -> set[int]:
    return viewer.shops_with({Role.MERCHANT})


def staff_shops(viewer: Viewer) -> set[int]:
    """The shops this viewer works for, as a merchant or a courier."""
    return viewer.shops_with(SHOP_STAFF)


def readable_shops(viewer: Viewer) -> QuerySet[Shop]:
    """Residents browse the shops of the communities they live in; the community's office sees
    them all; staff see the shops they work for."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Shop.all()
    return Shop.filter(
        Q(community_id__in=sorted(set(viewer.resident_community_ids) | viewer.readable_community_ids))
        | Q(id__in=sorted(staff_shops(viewer)))
    )


def readable_products(viewer: Viewer) -> QuerySet[Product]:
    """What a shop sells: residents see what is on sale; its staff and the office see everything."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Product.all()
    return Product.filter(
        Q(community_id__in=sorted(viewer.resident_community_ids), on_sale=True)
        | Q(community_id__in=sorted(viewer.readable_community_ids))
        | Q(shop_id__in=sorted(staff_shops(viewer)))
    )


def readable_photos(viewer: Viewer) -> QuerySet[ProductPhoto]:
    """The photos of the products this viewer may read (and so the download URLs signed for them)."""
    return ProductPhoto.filter(product_id__in=Subquery(readable_products(viewer).values("id"))).select_related("file")


def readable_staff(viewer: Viewer) -> QuerySet[ShopStaff]:
    """Who works for a shop: its own merchants and the community's office see them."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return ShopStaff.all()
    return ShopStaff.filter(
        Q(shop__community_id__in=sorted(viewer.readable_community_ids))
        | Q(shop_id__in=sorted(merchant_shops(viewer)))
        | Q(person_id=viewer.person_id or 0)
    )


def check_manage_shops(viewer: Viewer, community_id: int) -> None:
    """Registering and changing shops, and who works for them: the community's operators."""
    require_role(viewer, community_id, OPERATORS, "Registering shops and their staff")


def check_manage_products(viewer: Viewer, shop: Shop) -> None:
    """A shop's products are its merchants' to manage."""
    require_person(viewer)
    if not (viewer.is_platform_admin or shop.id in merchant_shops(viewer)):
        raise Forbidden("Only this shop's merchants manage its products", field="shopId")


def check_read_shop_desk(viewer: Viewer, shop: Shop) -> None:
    """A shop's orders and figures: its merchants, and the community's office (figures)."""
    require_person(viewer)
    if not (shop.id in merchant_shops(viewer) or viewer.has_role(shop.community_id, COMMUNITY_STAFF)):
        raise Forbidden("Only this shop's merchants and the community's office see this", field="shopId")
