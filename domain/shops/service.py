"""Shops and their staff: registered and staffed by the community's operators; read through access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auth.roles import SHOP_STAFF, Role
from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput
from domain.common.pagination import Page, paginate
from domain.common.rows import create_or_conflict, get_visible, only_known, save_or_conflict
from domain.common.text import text
from domain.people import service as people
from domain.people.phone_budget import spend_phone_lookup
from domain.shops import access
from domain.shops.models import Shop, ShopStaff
from domain.space.models import Building
from domain.space.service import get_community
from realtime.outbox import transaction

_TAKEN = "This community has a shop of that name already"
MAX_DELIVERY_BUILDINGS = 100


@dataclass(frozen=True)
class NewShop:
    community_id: int
    name: str
    description: str = ""
    hours: str = ""
    delivery_building_ids: tuple[int, ...] = ()


async def get_shop(viewer: Viewer, shop_id: int, *, field: str = "id") -> Shop:
    return await get_visible(access.readable_shops(viewer), shop_id, what="shop", field=field)


async def list_shops(viewer: Viewer, *, community_id: int | None, first: int | None, after: str | None) -> Page[Shop]:
    qs = access.readable_shops(viewer)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return await paginate(qs, first=first, after=after)


async def create_shop(viewer: Viewer, new: NewShop) -> Shop:
    community = await get_community(viewer, new.community_id)
    access.check_manage_shops(viewer, community.id)
    values = _shop_values(
        {"name": new.name, "description": new.description, "hours": new.hours},
    )
    areas = await _delivery_area(community.id, list(new.delivery_building_ids))
    async with transaction():
        return await create_or_conflict(
            Shop, _TAKEN, field="name", community_id=community.id, delivery_building_ids=areas, **values
        )


async def update_shop(viewer: Viewer, shop_id: int, changes: dict[str, Any]) -> Shop:
    only_known(changes, {"name", "description", "hours", "delivery_building_ids", "open"})
    shop = await get_shop(viewer, shop_id)
    access.check_manage_shops(viewer, shop.community_id)
    values = _shop_values({k: v for k, v in changes.items() if k in ("name", "description", "hours")})
    if "delivery_building_ids" in changes:
        values["delivery_building_ids"] = await _delivery_area(shop.community_id, changes["delivery_building_ids"])
    if "open" in changes:
        values["open"] = bool(changes["open"])
    async with transaction():
        for key, value in values.items():
            setattr(shop, key, value)
        await save_or_conflict(shop, _TAKEN, field="name")
        return shop


def _shop_values(given: dict[str, Any]) -> dict[str, Any]:
    limits = {"name": (100, 1, False), "description": (2000, 0, True), "hours": (100, 0, False)}
    return {
        key: text(value, field=key, max_length=limits[key][0], min_length=limits[key][1], multiline=limits[key][2])
        for key, value in given.items()
    }


async def _delivery_area(community_id: int, building_ids: list[int]) -> list[int]:
    """Buildings of the shop's own community (none: all of it)."""
    wanted = sorted(set(building_ids))
    if len(wanted) > MAX_DELIVERY_BUILDINGS:
        raise InvalidInput(f"At most {MAX_DELIVERY_BUILDINGS} buildings", field="deliveryBuildingIds")
    found = await Building.filter(id__in=wanted, community_id=community_id).count() if wanted else 0
    if found != len(wanted):
        raise InvalidInput("Deliver to buildings of the shop's community", field="deliveryBuildingIds")
    return wanted


# --- staff -------------------------------------------------------------------------------------


async def list_staff(viewer: Viewer, shop_id: int) -> list[ShopStaff]:
    shop = await get_shop(viewer, shop_id, field="shopId")
    return list(await access.readable_staff(viewer).filter(shop_id=shop.id).order_by("id").limit(100))


async def grant_staff(
    viewer: Viewer, *, shop_id: int, role: Role, person_id: int | None = None, phone: str | None = None
) -> ShopStaff:
    """A merchant or a courier for one shop: the person is one the viewer can see, or the one
    with this phone (spending one phone lookup, as every by-phone lookup does)."""
    if role not in SHOP_STAFF:
        raise InvalidInput("A shop's staff are MERCHANT or COURIER", field="role")
    shop = await get_shop(viewer, shop_id, field="shopId")
    access.check_manage_shops(viewer, shop.community_id)
    if phone is not None:
        await spend_phone_lookup(viewer)
    async with transaction():
        person = await people.person_by_id_or_phone(viewer, person_id, phone)
        if await ShopStaff.exists(shop_id=shop.id, person_id=person.id, role=role):
            raise Conflict("This person has this role in this shop already", field="role")
        staff = await create_or_conflict(
            ShopStaff,
            "This person has this role in this shop already",
            field="role",
            shop_id=shop.id,
            person_id=person.id,
            role=role,
        )
        await people.scope_changed(person.id)  # their running subscriptions see the shop from now on
        return staff


async def revoke_staff(viewer: Viewer, staff_id: int) -> ShopStaff:
    async with transaction():
        staff = await get_visible(access.readable_staff(viewer), staff_id, what="shop staff member", field="id")
        shop = await Shop.get(id=staff.shop_id)
        access.check_manage_shops(viewer, shop.community_id)
        await staff.delete()
        await people.scope_changed(staff.person_id)
        return staff
