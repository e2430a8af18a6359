"""Space: community → building → unit → house, and the grids houses are grouped into."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Community(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    code = fields.CharField(max_length=40, unique=True, description="Short stable code, e.g. SUNRISE")
    address = fields.CharField(max_length=255, default="")
    time_zone = fields.CharField(
        max_length=64, default="Asia/Shanghai", description="IANA zone its days, months and bills are read in"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community"


class Building(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="buildings", on_delete=fields.RESTRICT
    )
    community_id: int
    name = fields.CharField(max_length=50)
    floors = fields.IntField(null=True)
    # Where deliveries go (its main door): a delivery's ETA is measured to it, none without it.
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "building"
        unique_together = (("community", "name"),)


class Unit(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="units", on_delete=fields.RESTRICT
    )
    community_id: int
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "lingli.Building", related_name="units", on_delete=fields.RESTRICT
    )
    building_id: int
    name = fields.CharField(max_length=50)

    class Meta:
        table = "unit"
        unique_together = (("building", "name"),)


class Grid(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="grids", on_delete=fields.RESTRICT
    )
    community_id: int
    name = fields.CharField(max_length=50)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "grid"
        unique_together = (("community", "name"),)


class House(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="houses", on_delete=fields.RESTRICT
    )
    community_id: int
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "lingli.Building", related_name="houses", on_delete=fields.RESTRICT
    )
    building_id: int
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "lingli.Unit", related_name="houses", null=True, on_delete=fields.RESTRICT
    )
    unit_id: int | None
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "lingli.Grid", related_name="houses", null=True, on_delete=fields.SET_NULL
    )
    grid_id: int | None
    number = fields.CharField(max_length=20, description="Door number, e.g. 1201")
    floor = fields.IntField(null=True)
    area_m2 = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "house"
        unique_together = (("building", "unit", "number"),)
