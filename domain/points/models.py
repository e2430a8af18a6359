"""The points ledger (append-only entries and the balances kept with them), its rules per
community, the cards that name a resident at a bin, sorting records, and the mall."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.devices.models import Device
from domain.people.models import Person
from domain.shops.models import Product
from domain.space.models import Community


class Kind(StrEnum):
    GREEN = "GREEN"
    VOLUNTEER = "VOLUNTEER"
    CREDIT = "CREDIT"


# Kinds earned in lots that expire and are spent oldest first; CREDIT is a score, it never expires.
EXPIRING = frozenset({Kind.GREEN, Kind.VOLUNTEER})


class Source(StrEnum):
    """Where an entry came from."""

    SORTING = "SORTING"
    READING = "READING"
    ACTIVITY = "ACTIVITY"
    OPERATOR = "OPERATOR"
    REDEMPTION = "REDEMPTION"
    ORDER = "ORDER"
    EXPIRY = "EXPIRY"
    BASE = "BASE"


class Entry(Model):
    """One change of one balance: never updated but for ``remaining`` (what of an earning is not
    spent or expired yet, so spending takes the oldest first). The balance is the sum of them."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="points_entries", on_delete=fields.RESTRICT
    )
    community_id: int
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="points_entries", on_delete=fields.RESTRICT
    )
    person_id: int
    kind = fields.CharEnumField(Kind, max_length=10)
    amount = fields.IntField(description="Signed: earned > 0, spent, deducted or expired < 0")
    reason_code = fields.CharField(max_length=40, description="Stable: SORTED_RIGHT, REDEEMED, EXPIRED…")
    reason = fields.CharField(max_length=200, description="Readable")
    source = fields.CharEnumField(Source, max_length=12)
    source_id = fields.CharField(max_length=64, default="", description="The reading, record, order, redemption…")
    actor_id = fields.IntField(null=True, description="Who caused it (null: the system)")
    actor_name = fields.CharField(max_length=100, default="")
    idempotency_key = fields.CharField(max_length=120, unique=True)
    remaining = fields.IntField(default=0, description="Of an expiring earning: not spent or expired yet")
    expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "points_entry"
        indexes = (("person_id", "community_id", "kind"), ("community_id", "created_at"))


class Balance(Model):
    """Kept with the entries in one transaction. A conditional UPDATE keeps it from going below 0."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="points_balances", on_delete=fields.RESTRICT
    )
    community_id: int
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="points_balances", on_delete=fields.RESTRICT
    )
    person_id: int
    kind = fields.CharEnumField(Kind, max_length=10)
    balance = fields.IntField(default=0)

    class Meta:
        table = "points_balance"
        unique_together = (("person_id", "community_id", "kind"),)


class Rules(Model):
    """A community's earning rules (a community without a row earns by the defaults)."""

    id = fields.IntField(primary_key=True)
    community: fields.OneToOneRelation[Community] = fields.OneToOneField(
        "lingli.Community", related_name="points_rules", on_delete=fields.CASCADE
    )
    community_id: int
    sorted_right_points = fields.IntField(default=2)
    sorted_wrong_credit = fields.IntField(default=1, description="CREDIT deducted for a wrong sorting")
    sorting_daily_cap = fields.IntField(default=10, description="GREEN points from sorting per person per day")
    points_per_kwh_saved = fields.IntField(default=1)
    points_per_m3_saved = fields.IntField(default=5)
    saving_monthly_cap = fields.IntField(default=100, description="GREEN points per household per month")
    volunteer_points = fields.IntField(default=10)
    volunteer_daily_cap = fields.IntField(default=50)
    expiry_years = fields.IntField(default=1, description="Earned points expire at the end of the year this many after")
    credit_base = fields.IntField(default=100)
    low_credit_below = fields.IntField(default=80)

    class Meta:
        table = "points_rules"


class Card(Model):
    """A resident's card (or face id) as a smart bin reads it."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="points_cards", on_delete=fields.RESTRICT
    )
    community_id: int
    card_id = fields.CharField(max_length=64)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="points_cards", on_delete=fields.CASCADE
    )
    person_id: int

    class Meta:
        table = "points_card"
        unique_together = (("community_id", "card_id"),)


class SortingRecord(Model):
    """One throw at a smart bin: whose card, sorted right or wrong. Unique per (bin, record id):
    the same record sent twice is stored, and earns, once."""

    id = fields.IntField(primary_key=True)
    device: fields.ForeignKeyRelation[Device] = fields.ForeignKeyField(
        "lingli.Device", related_name="sorting_records", on_delete=fields.RESTRICT
    )
    device_id: int
    community_id = fields.IntField()
    record_id = fields.CharField(max_length=64)
    card_id = fields.CharField(max_length=64)
    person_id = fields.IntField(null=True, description="Null: a card nobody holds")
    correct = fields.BooleanField()
    category = fields.CharField(max_length=20, default="")
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "points_sorting_record"
        unique_together = (("device_id", "record_id"),)


class Reward(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="rewards", on_delete=fields.RESTRICT
    )
    community_id: int
    name = fields.CharField(max_length=100)
    photo_url = fields.CharField(max_length=500, default="")
    kind = fields.CharEnumField(Kind, max_length=10, default=Kind.GREEN, description="Which points pay for it")
    points = fields.IntField()
    stock = fields.IntField()
    per_person_limit = fields.IntField(null=True, description="Null: no limit")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_reward"


class RedemptionStatus(StrEnum):
    REDEEMED = "REDEEMED"
    COLLECTED = "COLLECTED"
    CANCELLED = "CANCELLED"


class Redemption(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="redemptions", on_delete=fields.RESTRICT
    )
    community_id: int
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "lingli.Reward", related_name="redemptions", on_delete=fields.RESTRICT
    )
    reward_id: int
    reward_name = fields.CharField(max_length=100)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="redemptions", on_delete=fields.RESTRICT
    )
    person_id: int
    kind = fields.CharEnumField(Kind, max_length=10)
    points = fields.IntField()
    pickup_code = fields.CharField(max_length=12)
    status = fields.CharEnumField(RedemptionStatus, max_length=10, default=RedemptionStatus.REDEEMED)
    idempotency_key = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    collected_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "points_redemption"
        unique_together = (("person_id", "idempotency_key"),)


class PointsPrice(Model):
    """A product a shop also sells for points (domain/shops knows nothing of it)."""

    id = fields.IntField(primary_key=True)
    product: fields.OneToOneRelation[Product] = fields.OneToOneField(
        "lingli.Product", related_name="points_price", on_delete=fields.CASCADE
    )
    product_id: int
    points = fields.IntField()

    class Meta:
        table = "points_price"
