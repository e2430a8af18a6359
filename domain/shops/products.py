"""A shop's products: managed by its merchants (prices in integer fen, stock or unlimited, photos
through the upload path), browsed by the community's residents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, given, only_known
from domain.common.text import text
from domain.files import service as files
from domain.files.models import StoredFile
from domain.files.storage import Storage
from domain.shops import access
from domain.shops.models import Product, ProductPhoto, Shop
from domain.shops.service import get_shop
from realtime.outbox import transaction

MAX_PRICE_FEN = 10_000_000  # ¥100,000: more is a typo
MAX_STOCK = 1_000_000


@dataclass(frozen=True)
class NewProduct:
    shop_id: int
    name: str
    price_fen: int
    description: str = ""
    category: str = ""
    stock: int | None = None
    on_sale: bool = True
    photos: list[str] = field(default_factory=list)


async def get_product(viewer: Viewer, product_id: int, *, field: str = "id") -> Product:
    return await get_visible(access.readable_products(viewer), product_id, what="product", field=field)


async def list_products(
    viewer: Viewer,
    *,
    shop_id: int | None,
    category: str | None,
    on_sale: bool | None,
    first: int | None,
    after: str | None,
) -> Page[Product]:
    qs = access.readable_products(viewer).filter(**given(shop_id=shop_id, category=category, on_sale=on_sale))
    return await paginate(qs, first=first, after=after)


async def create_product(viewer: Viewer, storage: Storage, new: NewProduct) -> Product:
    shop = await get_shop(viewer, new.shop_id, field="shopId")
    access.check_manage_products(viewer, shop)
    values = _validated(
        {
            "name": new.name,
            "description": new.description,
            "category": new.category,
            "price_fen": new.price_fen,
            "stock": new.stock,
            "on_sale": new.on_sale,
        }
    )
    photos = await files.uploaded(viewer, storage, new.photos, field="photos")
    async with transaction():
        product = await Product.create(shop_id=shop.id, community_id=shop.community_id, **values)
        await _attach(product, photos)
        return product


async def update_product(viewer: Viewer, storage: Storage, product_id: int, changes: dict[str, Any]) -> Product:
    """``stock`` sets what is left now (null: unlimited); ``photos`` adds photos."""
    only_known(changes, {"name", "description", "category", "price_fen", "stock", "on_sale", "photos"})
    product = await get_product(viewer, product_id)
    access.check_manage_products(viewer, await Shop.get(id=product.shop_id))
    photos = await files.uploaded(viewer, storage, changes.pop("photos", None) or [], field="photos")
    values = _validated(changes)
    async with transaction():
        if values:
            await Product.filter(id=product.id).update(**values)
        await _attach(product, photos)
        return await Product.get(id=product.id)


def _validated(given: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in given.items():
        if key == "name":
            out[key] = text(value, field="name", max_length=100)
        elif key == "description":
            out[key] = text(value, field="description", max_length=2000, min_length=0, multiline=True)
        elif key == "category":
            out[key] = text(value, field="category", max_length=50, min_length=0)
        elif key == "price_fen":
            if not isinstance(value, int) or not 0 < value <= MAX_PRICE_FEN:
                raise InvalidInput(f"A price is 1 to {MAX_PRICE_FEN} fen", field="priceFen")
            out[key] = value
        elif key == "stock":
            if value is not None and not 0 <= value <= MAX_STOCK:
                raise InvalidInput(f"Stock is 0 to {MAX_STOCK}, or null for unlimited", field="stock")
            out[key] = value
        elif key == "on_sale":
            out[key] = bool(value)
    return out


async def _attach(product: Product, photos: list[StoredFile]) -> None:
    if not photos:
        return
    await files.attach(photos, field="photos")
    await ProductPhoto.bulk_create([ProductPhoto(product_id=product.id, file_id=p.id) for p in photos])
