"""A shop's staff as the Viewer carries them: one grant per shop and role, scoped to the shop.

Registered with people's ``load_viewer`` (``domain/shops/__init__.py``), which imports no shop:
a token's viewer, and a running subscription's as it is re-read, holds them like memberships.
"""

from __future__ import annotations

from auth.roles import Role
from auth.viewer import Grant
from domain.shops.models import ShopStaff


async def shop_grants(person_id: int) -> list[Grant]:
    rows = await ShopStaff.filter(person_id=person_id).values_list("role", "shop_id", "shop__community_id")
    return [Grant(role=Role(role), community_id=community_id, shop_id=shop_id) for role, shop_id, community_id in rows]
