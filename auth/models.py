"""Login sessions, and their refresh tokens (stored hashed): one session per login, rotated tokens within it."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from domain.people.models import Person


class AuthSession(Model):
    """One login. Access tokens name it (sid). Logging out or re-using a spent refresh token
    revokes it, and every token of it stops working at once.

    Refresh and logout lock this row, so the two cannot interleave into a revived session.
    """

    id = fields.CharField(max_length=32, primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="sessions", on_delete=fields.CASCADE
    )
    person_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_session"


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
