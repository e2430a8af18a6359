"""GraphQL types and enums of payments."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.payments import models as pm
from domain.payments.models import PaymentStatus as PaymentStatus
from domain.payments.models import ProviderName

PaymentProvider = ProviderName

strawberry.enum(PaymentProvider, name="PaymentProvider", description="How something is paid")
strawberry.enum(PaymentStatus, description="Where a payment is")


@strawberry.type(description="A payment: amounts in integer fen")
class Payment:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    provider: PaymentProvider = strawberry.field(description="How it is paid")
    status: PaymentStatus = strawberry.field(description="Pending, paid, refunded or cancelled")
    amount_fen: int = strawberry.field(description="How much, in fen")
    out_trade_no: str = strawberry.field(description="Our number for it at the provider")
    pay_url: str | None = strawberry.field(description="Where to pay, for online providers (while pending)")
    paid_at: datetime | None = strawberry.field(description="When it was paid")

    @classmethod
    def from_row(cls, row: pm.Payment) -> Payment:
        return cls(
            id=strawberry.ID(str(row.id)),
            provider=row.provider,
            status=row.status,
            amount_fen=row.amount_fen,
            out_trade_no=row.out_trade_no,
            pay_url=row.pay_url if row.status is PaymentStatus.PENDING else None,
            paid_at=row.paid_at,
        )
