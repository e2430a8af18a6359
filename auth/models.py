"""Refresh tokens, stored hashed, grouped in families so that re-use can revoke a whole login."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from domain.people.models import Person


class RefreshToken(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=32, db_index=True, description="One login session, kept across rotations")
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    person_id: int
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_token"
