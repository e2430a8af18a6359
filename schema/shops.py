"""GraphQL types and inputs of shops: shops, their staff, their products."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from auth.roles import Role
from domain.common.pagination import DEFAULT_PAGE_SIZE
from domain.people import models as pm
from domain.shops import models as sm
from domain.shops.service import MAX_DELIVERY_BUILDINGS
from schema.common import UNCHANGED, first_help, first_of
from schema.files import PHOTO_KEYS, Photo
from schema.limits import list_size
from schema.string_inputs import stored_in


@strawberry.type(description="A shop in a community: it sells products and delivers them")
class Shop:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    name: str = strawberry.field(description="Its name")
    description: str = strawberry.field(description="What it is")
    hours: str = strawberry.field(description="Opening hours, as the shop states them")
    delivery_building_ids: list[strawberry.ID] = strawberry.field(
        description=f"The buildings it delivers to (at most {MAX_DELIVERY_BUILDINGS}); empty: the whole community",
        metadata=list_size(MAX_DELIVERY_BUILDINGS),
    )
    open: bool = strawberry.field(description="Takes orders now")

    @classmethod
    def from_row(cls, row: sm.Shop) -> Shop:
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            name=row.name,
            description=row.description,
            hours=row.hours,
            delivery_building_ids=[strawberry.ID(str(b)) for b in row.delivery_building_ids],
            open=row.open,
        )


@strawberry.type(description="A person working for a shop")
class ShopStaffMember:
    id: strawberry.ID = strawberry.field(description="Opaque id (revoke by it)")
    shop_id: strawberry.ID = strawberry.field(description="The shop")
    person_id: strawberry.ID = strawberry.field(description="The person")
    role: Role = strawberry.field(description="MERCHANT (runs the shop) or COURIER (delivers)")
    created_at: datetime = strawberry.field(description="Since when")

    @classmethod
    def from_row(cls, row: sm.ShopStaff) -> ShopStaffMember:
        return cls(
            id=strawberry.ID(str(row.id)),
            shop_id=strawberry.ID(str(row.shop_id)),
            person_id=strawberry.ID(str(row.person_id)),
            role=row.role,
            created_at=row.created_at,
        )


@strawberry.type(description="Something a shop sells. Money is integer fen (1/100 yuan)")
class Product:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    shop_id: strawberry.ID = strawberry.field(description="Its shop")
    name: str = strawberry.field(description="Its name")
    description: str = strawberry.field(description="What it is")
    category: str = strawberry.field(description="The shop's category for it")
    price_fen: int = strawberry.field(description="The price now, in fen")
    stock: int | None = strawberry.field(description="How many are left; null: unlimited")
    on_sale: bool = strawberry.field(description="Can be ordered")

    @classmethod
    def from_row(cls, row: sm.Product) -> Product:
        return cls(
            id=strawberry.ID(str(row.id)),
            shop_id=strawberry.ID(str(row.shop_id)),
            name=row.name,
            description=row.description,
            category=row.category,
            price_fen=row.price_fen,
            stock=row.stock,
            on_sale=row.on_sale,
        )

    @strawberry.field(description=f"Its photos. {first_help()}")
    async def photos(self, info: Info, first: int | None = DEFAULT_PAGE_SIZE) -> list[Photo]:
        rows = await info.context.loaders.photos_of_product.load(int(self.id))
        return [Photo.from_row(p.file) for p in first_of(rows, first)]


# Arguments of resolvers.shops, with their lengths.
ProductCategory = Annotated[
    str | None,
    strawberry.argument(description="Only this category", metadata=stored_in(sm.Product, "category")),
]


@strawberry.input(description="A new shop")
class ShopCreateInput:
    community_id: strawberry.ID = strawberry.field(description="Which community")
    name: str = strawberry.field(description="Its name (unique in the community)", metadata=stored_in(sm.Shop, "name"))
    description: str = strawberry.field(
        default="", description="What it is", metadata=stored_in(sm.Shop, "description")
    )
    hours: str = strawberry.field(
        default="", description="Opening hours, e.g. 08:00-22:00", metadata=stored_in(sm.Shop, "hours")
    )
    delivery_building_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The buildings it delivers to; empty: the whole community"
    )


@strawberry.input(description=f"Changes to a shop. {UNCHANGED}")
class ShopUpdateInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Its name", metadata=stored_in(sm.Shop, "name")
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it is", metadata=stored_in(sm.Shop, "description")
    )
    hours: str | None = strawberry.field(
        default=strawberry.UNSET, description="Opening hours", metadata=stored_in(sm.Shop, "hours")
    )
    delivery_building_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The buildings it delivers to; empty: the whole community"
    )
    open: bool | None = strawberry.field(default=strawberry.UNSET, description="Takes orders")


@strawberry.input(description="A person to work for a shop: by id, or by phone")
class ShopStaffGrantInput:
    shop_id: strawberry.ID = strawberry.field(description="The shop")
    role: Role = strawberry.field(description="MERCHANT or COURIER")
    person_id: strawberry.ID | None = strawberry.field(default=None, description="A person you can see")
    phone: str | None = strawberry.field(
        default=None, description="Or their phone", metadata=stored_in(pm.Person, "phone")
    )


@strawberry.input(description="A new product")
class ProductCreateInput:
    shop_id: strawberry.ID = strawberry.field(description="Your shop")
    name: str = strawberry.field(description="Its name", metadata=stored_in(sm.Product, "name"))
    price_fen: int = strawberry.field(description="Price in fen (1 yuan = 100 fen)")
    description: str = strawberry.field(
        default="", description="What it is", metadata=stored_in(sm.Product, "description")
    )
    category: str = strawberry.field(
        default="", description="Your category for it", metadata=stored_in(sm.Product, "category")
    )
    stock: int | None = strawberry.field(default=None, description="How many you have; null: unlimited")
    on_sale: bool = strawberry.field(default=True, description="Can be ordered")
    photos: list[str] = strawberry.field(
        default_factory=list, description="Keys of PRODUCT_PHOTO uploads", metadata=PHOTO_KEYS
    )


@strawberry.input(description=f"Changes to a product. {UNCHANGED}")
class ProductUpdateInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Its name", metadata=stored_in(sm.Product, "name")
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it is", metadata=stored_in(sm.Product, "description")
    )
    category: str | None = strawberry.field(
        default=strawberry.UNSET, description="Your category", metadata=stored_in(sm.Product, "category")
    )
    price_fen: int | None = strawberry.field(default=strawberry.UNSET, description="Price in fen")
    stock: int | None = strawberry.field(default=strawberry.UNSET, description="How many are left now; null: unlimited")
    on_sale: bool | None = strawberry.field(default=strawberry.UNSET, description="Can be ordered")
    photos: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Photos to add (upload keys)", metadata=PHOTO_KEYS
    )
