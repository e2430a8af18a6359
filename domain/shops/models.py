"""Shops in a community, who works for them, and what they sell."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from auth.roles import Role
from domain.files.models import StoredFile
from domain.people.models import Person
from domain.space.models import Community


class Shop(Model):
    """A shop registered by the community's operators. It delivers to the whole community, or
    only to some of its buildings (``delivery_building_ids``, empty: all of them)."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="shops", on_delete=fields.RESTRICT
    )
    community_id: int
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    hours = fields.CharField(max_length=100, default="", description="Opening hours as the shop states them")
    delivery_building_ids = fields.JSONField[list[int]](default=list, description="Empty: the whole community")
    open = fields.BooleanField(default=True, description="Takes orders")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shop"
        unique_together = (("community_id", "name"),)


class ShopStaff(Model):
    """A person working for one shop: MERCHANT (runs it) or COURIER (delivers for it). A person may
    serve several shops; the Viewer carries each as a grant scoped to the shop (``grants``)."""

    id = fields.IntField(primary_key=True)
    shop: fields.ForeignKeyRelation[Shop] = fields.ForeignKeyField(
        "lingli.Shop", related_name="staff", on_delete=fields.CASCADE
    )
    shop_id: int
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="shop_jobs", on_delete=fields.CASCADE
    )
    person_id: int
    role = fields.CharEnumField(Role, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shop_staff"
        unique_together = (("shop_id", "person_id", "role"),)


class Product(Model):
    """Money is integer fen. ``stock`` None means unlimited. Otherwise orders reserve it as they
    are placed, with a conditional UPDATE that never takes it below 0."""

    id = fields.IntField(primary_key=True)
    shop: fields.ForeignKeyRelation[Shop] = fields.ForeignKeyField(
        "lingli.Shop", related_name="products", on_delete=fields.RESTRICT
    )
    shop_id: int
    community_id = fields.IntField(description="The shop's, kept here so lists filter without a join")
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=50, default="")
    price_fen = fields.IntField()
    stock = fields.IntField(null=True, description="Null: unlimited")
    on_sale = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "product"


class ProductPhoto(Model):
    """A photo on a product: an upload (domain/files) attached here, once."""

    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "lingli.Product", related_name="photos", on_delete=fields.CASCADE
    )
    product_id: int
    file: fields.ForeignKeyRelation[StoredFile] = fields.ForeignKeyField(
        "lingli.StoredFile", related_name="product_photos", on_delete=fields.CASCADE
    )
    file_id: int

    class Meta:
        table = "product_photo"
        unique_together = (("file_id",),)
