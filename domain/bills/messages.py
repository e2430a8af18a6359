"""What bills say on the bus: their topic, the kinds of message, and the payload. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.bills.models import Bill, BillStatus


class BillMessage(StrEnum):
    ISSUED = "BILL_ISSUED"
    OVERDUE = "BILL_OVERDUE"
    PAID = "BILL_PAID"


def topic(community_id: int) -> str:
    return f"bills:{community_id}"


def payload(bill: Bill) -> dict[str, Any]:
    """The bill as of the message: its house (for access.may_receive_at_home) and what a client shows."""
    return {
        "id": bill.id,
        "community_id": bill.community_id,
        "house_id": bill.house_id,
        "period": bill.period,
        "status": BillStatus(bill.status).value,
        "total_fen": bill.total_fen,
        "anomalies": bill.anomalies,
        "due_date": bill.due_date.isoformat(),
        "issued_at": bill.issued_at.isoformat(),
        "paid_at": bill.paid_at.isoformat() if bill.paid_at else None,
    }
