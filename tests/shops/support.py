"""Shops for the commerce tests: a shop of community A with a merchant and a courier, its products,
and the documents the tests send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auth.roles import Role
from domain.people.models import Person
from domain.shops.models import Product, Shop, ShopStaff
from domain.space.models import Community
from tests.support import World, make_person

SHOP_CREATE = """
mutation S($input: ShopCreateInput!) { shopCreate(input: $input) { id name communityId deliveryBuildingIds open } }
"""
STAFF_GRANT = """
mutation G($input: ShopStaffGrantInput!) { shopStaffGrant(input: $input) { id role shopId personId } }
"""
PRODUCT_CREATE = """
mutation P($input: ProductCreateInput!) {
  productCreate(input: $input) { id name priceFen stock onSale category photos { key url } }
}
"""
PRODUCT_UPDATE = """
mutation U($id: ID!, $input: ProductUpdateInput!) { productUpdate(id: $id, input: $input) { id priceFen stock onSale } }
"""
SHOPS = "query S($c: ID) { shops(communityId: $c) { totalCount nodes { id name } } }"
PRODUCTS = "query P($s: ID) { products(shopId: $s) { totalCount nodes { id name onSale } } }"


async def make_shop(community: Community, **overrides: Any) -> Shop:
    return await Shop.create(**{"community_id": community.id, "name": f"Shop {community.code}", **overrides})


async def make_shop_staff(shop: Shop, role: Role, person: Person | None = None, **overrides: Any) -> Person:
    person = person or await make_person(**overrides)
    await ShopStaff.create(shop_id=shop.id, person_id=person.id, role=role)
    return person


async def make_product(shop: Shop, **overrides: Any) -> Product:
    fields = {"shop_id": shop.id, "community_id": shop.community_id, "name": "Milk", "price_fen": 650, "stock": None}
    return await Product.create(**{**fields, **overrides})


@dataclass
class Shops:
    """Shop A (community A) with merchant, courier; shop A2 (also A) with its own merchant;
    shop B (community B) with its merchant."""

    a: Shop
    a2: Shop
    b: Shop
    merchant_a: Person
    courier_a: Person
    merchant_a2: Person
    merchant_b: Person


async def make_shops(world: World) -> Shops:
    a = await make_shop(world.a, name="Alpha Mart")
    a2 = await make_shop(world.a, name="Alpha Bakery")
    b = await make_shop(world.b, name="Beta Mart")
    return Shops(
        a=a,
        a2=a2,
        b=b,
        merchant_a=await make_shop_staff(a, Role.MERCHANT, name="Merchant of Alpha Mart"),
        courier_a=await make_shop_staff(a, Role.COURIER, name="Courier of Alpha Mart"),
        merchant_a2=await make_shop_staff(a2, Role.MERCHANT, name="Merchant of Alpha Bakery"),
        merchant_b=await make_shop_staff(b, Role.MERCHANT, name="Merchant of Beta Mart"),
    )
