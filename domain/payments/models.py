"""Payments: one row per attempt to pay for something (an order, a bill), by one provider."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.people.models import Person
from domain.space.models import Community


class ProviderName(StrEnum):
    """The providers this installation knows (``providers.Providers``). POINTS (domain/points)
    pays at once from the points ledger, in the transaction that creates the payment."""

    ON_DELIVERY = "ON_DELIVERY"
    SANDBOX = "SANDBOX"
    POINTS = "POINTS"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    REFUNDED = "REFUNDED"
    CANCELLED = "CANCELLED"


class Payment(Model):
    """Amounts in integer fen. ``out_trade_no`` is our number for it at the provider (as WeChat Pay
    and Alipay call it); the provider's transaction id pays one payment once (unique per provider):
    the same callback twice, or ten at once, pays once."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="payments", on_delete=fields.RESTRICT
    )
    community_id: int
    payer: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "lingli.Person", related_name="payments", on_delete=fields.RESTRICT
    )
    payer_id: int
    subject_kind = fields.CharField(max_length=20, description="What is paid for: ORDER, BILL")
    subject_id = fields.IntField()
    amount_fen = fields.IntField()
    provider = fields.CharEnumField(ProviderName, max_length=20)
    status = fields.CharEnumField(PaymentStatus, max_length=10, default=PaymentStatus.PENDING)
    out_trade_no = fields.CharField(max_length=64, unique=True)
    provider_txn_id = fields.CharField(max_length=64, null=True)
    pay_url = fields.TextField(null=True, description="Where the payer pays, for online providers")
    created_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)
    refunded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment"
        unique_together = (("provider", "provider_txn_id"),)
        indexes = (("subject_kind", "subject_id"),)
