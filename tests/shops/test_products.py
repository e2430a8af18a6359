"""Merchants manage their own shop's products (integer fen, stock or unlimited, photos through the
upload path); residents browse what is on sale in their community, and nothing of another."""

from __future__ import annotations

import httpx

from auth.roles import Role
from domain.files.models import StoredFile
from domain.shops.models import Product
from tests.shops.support import PRODUCT_CREATE, PRODUCT_UPDATE, PRODUCTS, SHOPS, make_product, make_shops
from tests.support import Api, World, code_and_field, data, ids

PHOTO = b"\xff\xd8\xff\xe0" + b"fresh-milk" * 64
UPLOAD = """
mutation U($size: Int!) {
  requestUpload(kind: PRODUCT_PHOTO, contentType: "image/jpeg", size: $size) { key url method headers }
}
"""


def product_input(shop_id: int, **extra: object) -> dict[str, object]:
    return {"input": {"shopId": str(shop_id), "name": "Milk 1L", "priceFen": 1250, "stock": 10, **extra}}


async def test_a_merchant_adds_a_product_with_a_photo(api: Api, world: World) -> None:
    shops = await make_shops(world)
    slot = data(await api(UPLOAD, {"size": len(PHOTO)}, as_=shops.merchant_a))["requestUpload"]
    async with httpx.AsyncClient() as http:
        assert (await http.put(slot["url"], content=PHOTO, headers=slot["headers"])).status_code == 200
    made = data(await api(PRODUCT_CREATE, product_input(shops.a.id, photos=[slot["key"]]), as_=shops.merchant_a))
    product = made["productCreate"]
    assert (product["priceFen"], product["stock"], product["onSale"]) == (1250, 10, True)
    assert [p["key"] for p in product["photos"]] == [slot["key"]]
    async with httpx.AsyncClient() as http:
        assert (await http.get(product["photos"][0]["url"])).content == PHOTO
    # Attached once: the same upload on another product is refused.
    again = await api(PRODUCT_CREATE, product_input(shops.a.id, photos=[slot["key"]]), as_=shops.merchant_a)
    assert code_and_field(again) == ("CONFLICT", "photos")
    assert await StoredFile.filter(attached_at__isnull=False).count() == 1


async def test_only_the_shops_merchants_manage_its_products(api: Api, world: World) -> None:
    shops = await make_shops(world)
    for person in (shops.courier_a, world.operator_a, world.owner_a101):
        refused = await api(PRODUCT_CREATE, product_input(shops.a.id), as_=person)
        assert code_and_field(refused) == ("FORBIDDEN", "shopId"), person.name
    # Staff of other shops do not even see this one.
    for person in (shops.merchant_a2, shops.merchant_b):
        refused = await api(PRODUCT_CREATE, product_input(shops.a.id), as_=person)
        assert code_and_field(refused) == ("NOT_FOUND", "shopId"), person.name
    product = await make_product(shops.a)
    cheaper = {"id": str(product.id), "input": {"priceFen": 1}}
    assert code_and_field(await api(PRODUCT_UPDATE, cheaper, as_=shops.courier_a)) == ("FORBIDDEN", "shopId")
    assert (await Product.get(id=product.id)).price_fen == 650


async def test_prices_and_stock_are_whole_and_bounded(api: Api, world: World) -> None:
    shops = await make_shops(world)
    for bad, field in (({"priceFen": 0}, "priceFen"), ({"priceFen": -5}, "priceFen"), ({"stock": -1}, "stock")):
        refused = await api(PRODUCT_CREATE, product_input(shops.a.id, **bad), as_=shops.merchant_a)
        assert code_and_field(refused) == ("INVALID_INPUT", field)
    assert await Product.all().count() == 0
    product = await make_product(shops.a, stock=3)
    unlimited = {"id": str(product.id), "input": {"stock": None, "onSale": False}}
    changed = data(await api(PRODUCT_UPDATE, unlimited, as_=shops.merchant_a))["productUpdate"]
    assert (changed["stock"], changed["onSale"]) == (None, False)


async def test_residents_browse_their_communitys_shops_and_what_is_on_sale(api: Api, world: World) -> None:
    shops = await make_shops(world)
    milk = await make_product(shops.a)
    hidden = await make_product(shops.a, name="Not yet", on_sale=False)
    await make_product(shops.b, name="Beta bread")
    listed = data(await api(SHOPS, {}, as_=world.owner_a101))["shops"]["nodes"]
    assert ids(listed) == {shops.a.id, shops.a2.id}
    browsed = data(await api(PRODUCTS, {"s": str(shops.a.id)}, as_=world.owner_a101))["products"]["nodes"]
    assert ids(browsed) == {milk.id}
    assert data(await api(PRODUCTS, {"s": str(shops.a.id)}, as_=world.owner_b101))["products"]["nodes"] == []
    assert ids(data(await api(SHOPS, {}, as_=world.owner_b101))["shops"]["nodes"]) == {shops.b.id}
    own = data(await api(PRODUCTS, {"s": str(shops.a.id)}, as_=shops.merchant_a))["products"]["nodes"]
    assert ids(own) == {milk.id, hidden.id}
    assert data(await api(PRODUCTS, {"s": str(shops.a.id)}, as_=shops.merchant_b))["products"]["nodes"] == []


async def test_a_role_granted_in_a_shop_counts_at_once(api: Api, world: World) -> None:
    shops = await make_shops(world)
    newcomer = world.staff_a
    assert code_and_field(await api(PRODUCT_CREATE, product_input(shops.a.id), as_=newcomer))[0] == "FORBIDDEN"
    from tests.shops.support import make_shop_staff

    await make_shop_staff(shops.a, Role.MERCHANT, newcomer)
    assert data(await api(PRODUCT_CREATE, product_input(shops.a.id), as_=newcomer))["productCreate"]["name"]
