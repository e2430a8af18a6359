"""Shops: registered and staffed by operators, products managed by merchants, browsed by residents."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from auth.roles import Role
from domain.shops import products, service
from resolvers.context import Context
from resolvers.ids import parse_id, parse_optional_id
from resolvers.updates import provided
from schema.common import PAGE_HELP, Connection, PageCursor, connection
from schema.limits import list_size
from schema.shops import (
    Product,
    ProductCategory,
    ProductCreateInput,
    ProductUpdateInput,
    Shop,
    ShopCreateInput,
    ShopStaffGrantInput,
    ShopStaffMember,
    ShopUpdateInput,
)


def _ids(values: list[strawberry.ID], field: str) -> list[int]:
    return [parse_id(v, field) for v in values]


async def shop(info: Info[Context, None], id: strawberry.ID) -> Shop | None:
    return Shop.from_row(await service.get_shop(info.context.viewer(), parse_id(id, "id")))


async def shops(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Shop]:
    page = await service.list_shops(
        info.context.viewer(), community_id=parse_optional_id(community_id, "communityId"), first=first, after=after
    )
    return connection(page, Shop)


async def shop_staff(info: Info[Context, None], shop_id: strawberry.ID) -> list[ShopStaffMember]:
    rows = await service.list_staff(info.context.viewer(), parse_id(shop_id, "shopId"))
    return [ShopStaffMember.from_row(r) for r in rows]


async def product(info: Info[Context, None], id: strawberry.ID) -> Product | None:
    return Product.from_row(await products.get_product(info.context.viewer(), parse_id(id, "id")))


async def products_list(
    info: Info[Context, None],
    shop_id: strawberry.ID | None = None,
    category: ProductCategory = None,
    on_sale: bool | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Product]:
    page = await products.list_products(
        info.context.viewer(),
        shop_id=parse_optional_id(shop_id, "shopId"),
        category=category,
        on_sale=on_sale,
        first=first,
        after=after,
    )
    return connection(page, Product)


async def shop_create(info: Info[Context, None], input: ShopCreateInput) -> Shop:
    new = service.NewShop(
        community_id=parse_id(input.community_id, "communityId"),
        name=input.name,
        description=input.description,
        hours=input.hours,
        delivery_building_ids=tuple(_ids(input.delivery_building_ids, "deliveryBuildingIds")),
    )
    return Shop.from_row(await service.create_shop(info.context.viewer(), new))


async def shop_update(info: Info[Context, None], id: strawberry.ID, input: ShopUpdateInput) -> Shop:
    changes = provided(
        input,
        {
            "name": None,
            "description": None,
            "hours": None,
            "delivery_building_ids": lambda v: _ids(v, "deliveryBuildingIds"),
            "open": None,
        },
    )
    return Shop.from_row(await service.update_shop(info.context.viewer(), parse_id(id, "id"), changes))


async def shop_staff_grant(info: Info[Context, None], input: ShopStaffGrantInput) -> ShopStaffMember:
    row = await service.grant_staff(
        info.context.viewer(),
        shop_id=parse_id(input.shop_id, "shopId"),
        role=Role(input.role),
        person_id=parse_optional_id(input.person_id, "personId"),
        phone=input.phone,
    )
    return ShopStaffMember.from_row(row)


async def shop_staff_revoke(info: Info[Context, None], id: strawberry.ID) -> ShopStaffMember:
    return ShopStaffMember.from_row(await service.revoke_staff(info.context.viewer(), parse_id(id, "id")))


async def product_create(info: Info[Context, None], input: ProductCreateInput) -> Product:
    new = products.NewProduct(
        shop_id=parse_id(input.shop_id, "shopId"),
        name=input.name,
        price_fen=input.price_fen,
        description=input.description,
        category=input.category,
        stock=input.stock,
        on_sale=input.on_sale,
        photos=list(input.photos),
    )
    return Product.from_row(await products.create_product(info.context.viewer(), info.context.storage, new))


async def product_update(info: Info[Context, None], id: strawberry.ID, input: ProductUpdateInput) -> Product:
    changes = provided(
        input,
        {
            "name": None,
            "description": None,
            "category": None,
            "price_fen": None,
            "stock": None,
            "on_sale": None,
            "photos": None,
        },
        nullable=frozenset({"stock"}),
    )
    row = await products.update_product(info.context.viewer(), info.context.storage, parse_id(id, "id"), changes)
    return Product.from_row(row)


@strawberry.type
class Query:
    shop: Shop | None = strawberry.field(
        resolver=shop, description="One shop you may see: null, with a NOT_FOUND error, when there is none"
    )
    shops: Connection[Shop] = strawberry.field(
        resolver=shops,
        description=f"Shops: residents their communities', staff the shops they work for. {PAGE_HELP}",
    )
    shop_staff: list[ShopStaffMember] = strawberry.field(
        resolver=shop_staff,
        description="Who works for a shop (its merchants and the office see them), the first 100",
        metadata=list_size(100),
    )
    product: Product | None = strawberry.field(
        resolver=product, description="One product you may see: null, with a NOT_FOUND error, when there is none"
    )
    products: Connection[Product] = strawberry.field(
        resolver=products_list,
        description=f"Products: residents see what is on sale in their communities' shops; merchants everything of theirs. {PAGE_HELP}",
    )


@strawberry.type
class Mutation:
    shop_create: Shop = strawberry.field(resolver=shop_create, description="Operators: register a shop")
    shop_update: Shop = strawberry.field(resolver=shop_update, description="Operators: change a shop, open or close it")
    shop_staff_grant: ShopStaffMember = strawberry.field(
        resolver=shop_staff_grant, description="Operators: make a person a MERCHANT or COURIER of one shop"
    )
    shop_staff_revoke: ShopStaffMember = strawberry.field(
        resolver=shop_staff_revoke, description="Operators: end a person's role in a shop"
    )
    product_create: Product = strawberry.field(resolver=product_create, description="Merchants: a new product")
    product_update: Product = strawberry.field(
        resolver=product_update, description="Merchants: change a product: price, stock, on/off sale, photos"
    )
