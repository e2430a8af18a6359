"""Bills from the meters: tariffs per community and utility (with their history), one bill per
house per month, and its lines. Money is integer fen everywhere; a bill's total is the sum of its lines."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from domain.space.models import Community, House


class Utility(StrEnum):
    """What a line charges for. Metered utilities are priced per unit (m³ or kWh), the property
    fee per square metre per month."""

    WATER = "WATER"
    ELECTRICITY = "ELECTRICITY"
    GAS = "GAS"
    HEAT = "HEAT"
    PROPERTY_FEE = "PROPERTY_FEE"


class BillStatus(StrEnum):
    ISSUED = "ISSUED"  # waiting to be paid, not yet due
    OVERDUE = "OVERDUE"  # unpaid past its due date (the community's calendar)
    PAID = "PAID"


UNPAID = frozenset({BillStatus.ISSUED, BillStatus.OVERDUE})
# What a bill's payments are for (domain/payments: their subject).
PAYMENT_SUBJECT = "BILL"


class Anomaly(StrEnum):
    """Why a line charges nothing: the reading or the price it needs is not there, or makes no sense."""

    MISSING_START_READING = "MISSING_START_READING"
    MISSING_END_READING = "MISSING_END_READING"
    DECREASING_READING = "DECREASING_READING"
    NO_TARIFF = "NO_TARIFF"
    NO_AREA = "NO_AREA"


class Tariff(Model):
    """A price in force from a day of the community's calendar until the next one of the same
    utility: rows are never changed by a later price, so the history stays."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="tariffs", on_delete=fields.CASCADE
    )
    community_id: int
    utility = fields.CharEnumField(Utility, max_length=20)
    price_fen = fields.IntField(description="Fen per unit (m³, kWh), or per m² per month for the property fee")
    effective_from = fields.DateField(description="First day (community's calendar) this price applies")
    set_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tariff"
        unique_together = (("community", "utility", "effective_from"),)


class Bill(Model):
    """One house's bill for one month. The unique (house, period) index is what makes generating a
    period twice, or twice at once, create nothing new."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "lingli.Community", related_name="bills", on_delete=fields.RESTRICT
    )
    community_id: int
    house: fields.ForeignKeyRelation[House] = fields.ForeignKeyField(
        "lingli.House", related_name="bills", on_delete=fields.RESTRICT
    )
    house_id: int
    period = fields.CharField(max_length=7, description="YYYY-MM, a month of the community's calendar")
    period_start = fields.DatetimeField()
    period_end = fields.DatetimeField(description="Exclusive: the first instant of the next month")
    status = fields.CharEnumField(BillStatus, max_length=10, default=BillStatus.ISSUED)
    total_fen = fields.BigIntField()
    anomalies = fields.IntField(default=0, description="Lines that charge nothing for a reason")
    due_date = fields.DateField(description="Last day to pay, in the community's calendar")
    overdue_from = fields.DatetimeField(description="The first instant after the due date, in UTC")
    issued_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    payment_ref = fields.CharField(max_length=64, null=True, description="The payment that settled it")

    class Meta:
        table = "bill"
        unique_together = (("house", "period"),)
        indexes = (("community_id", "period"), ("status", "overdue_from"))


class BillLine(Model):
    """One utility of one bill: the readings it was computed from, or the anomaly that kept it at 0."""

    id = fields.IntField(primary_key=True)
    bill: fields.ForeignKeyRelation[Bill] = fields.ForeignKeyField(
        "lingli.Bill", related_name="lines", on_delete=fields.CASCADE
    )
    bill_id: int
    utility = fields.CharEnumField(Utility, max_length=20)
    device_id = fields.IntField(null=True, description="The meter read (none for the property fee)")
    start_reading = fields.FloatField(null=True)
    end_reading = fields.FloatField(null=True)
    quantity_milli = fields.BigIntField(
        null=True, description="Thousandths of a unit: m³ or kWh consumed, or m² of floor area for the property fee"
    )
    unit_price_fen = fields.IntField(null=True)
    amount_fen = fields.BigIntField()
    anomaly = fields.CharEnumField(Anomaly, max_length=30, null=True)
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "bill_line"
        indexes = (("bill_id",),)
