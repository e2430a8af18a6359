"""People: persons, where they live (residency, history kept), care tags, memberships."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from auth.roles import Role
from domain.space.models import Community, Grid, House


class CareTag(StrEnum):
    ELDERLY_ALONE = "ELDERLY_ALONE"
    DISABLED = "DISABLED"
    CHILD = "CHILD"
    KEY_CARE = "KEY_CARE"


class ResidencyKind(StrEnum):
    OWNER = "OWNER"
    TENANT = "TENANT"
    FAMILY = "FAMILY"


class Person(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    phone = fields.CharField(max_length=20, unique=True)
    id_number = fields.CharField(max_length=32, null=True, description="National ID number")
    password_hash = fields.CharField(max_length=255, null=True, description="Null until the person registers")
    activation_code_hash = fields.CharField(max_length=128, null=True)
    activation_expires_at = fields.DatetimeField(null=True)
    activation_attempts = fields.IntField(default=0, db_default=0, description="Wrong codes tried since issue")
    # Retired: login budgets (domain.common.budgets) count wrong passwords now. Kept because tortoise
    # cannot drop a column of a table others reference on SQLite (it rebuilds the table).
    failed_logins = fields.IntField(default=0, db_default=0, description="Wrong passwords in a row")
    login_blocked_until = fields.DatetimeField(null=True, description="Set after too many wrong passwords")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "person"


class CareRecord(Model):
    """One care tag a community recorded about a person (health data). It is that community's
    record: another community the same person lives in keeps its own, and neither sees the
    other's (people.access.personal_data_visibility)."""

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="care_records", on_delete=fields.CASCADE
    )
    person_id: int
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="care_tags", on_delete=fields.CASCADE
    )
    community_id: int
    tag = fields.CharEnumField(CareTag, max_length=20)

    class Meta:
        table = "care_record"
        unique_together = (("person", "community", "tag"),)


class Residency(Model):
    """A person living in a house. Moving out sets ``moved_out`` and the row stays as history.

    (No semicolons in model docstrings: tortoise 1.1 copies them into SQL comments
    and its SQLite migration runner splits statements on ";".)
    """

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="residencies", on_delete=fields.RESTRICT
    )
    person_id: int
    house: fields.ForeignKeyRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="residencies", on_delete=fields.RESTRICT
    )
    house_id: int
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="residencies", on_delete=fields.RESTRICT
    )
    community_id: int
    kind = fields.CharEnumField(ResidencyKind, max_length=10)
    moved_in = fields.DateField()
    moved_out = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "residency"


class Membership(Model):
    """A role a person holds in a community. Grid roles are scoped to one grid.

    A platform admin's membership has no community: it spans all of them.
    """

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="memberships", on_delete=fields.CASCADE
    )
    person_id: int
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="memberships", null=True, on_delete=fields.RESTRICT
    )
    community_id: int | None
    role = fields.CharEnumField(Role, max_length=20)
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "lingli.Grid", related_name="memberships", null=True, on_delete=fields.CASCADE
    )
    grid_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "membership"
        unique_together = (("person", "community", "role", "grid"),)


# Logins: one session per login, its refresh tokens rotated within it (stored hashed).
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


class PhoneProof(Model):
    """A one-time code sent to a phone (by SMS): whoever types it back holds that phone. One
    outstanding code per phone; stored hashed; a few tries, then it is gone."""

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=20, unique=True)
    code_hash = fields.CharField(max_length=128)
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)

    class Meta:
        table = "phone_proof"


class WechatIdentity(Model):
    """A WeChat user of our mini-program (its openid, and the unionid across the vendor's apps when
    WeChat gives one), bound to a person once they proved their phone. Until then it holds a
    short-lived ticket (hashed) for authWechatLinkPhone. WeChat's session_key is never stored."""

    id = fields.IntField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    unionid = fields.CharField(max_length=64, null=True, db_index=True)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="wechat_identities", null=True, on_delete=fields.CASCADE
    )
    person_id: int | None
    ticket_hash = fields.CharField(max_length=64, null=True, unique=True)
    ticket_expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "wechat_identity"
