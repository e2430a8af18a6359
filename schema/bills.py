"""GraphQL types and enums of bills and tariffs, and their live messages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.bills import generation, money, service, stats
from domain.bills import models as bm
from domain.bills.models import Anomaly as Anomaly
from domain.bills.models import BillStatus as BillStatus
from domain.bills.models import Utility as Utility
from domain.common.pagination import MAX_PAGE_SIZE
from realtime.envelope import Envelope
from schema.common import PAGE_HELP, Connection, Fen, PageCursor, connection
from schema.limits import list_size
from schema.payments import Payment
from schema.shared_events import SHARED_BY_SCOPE
from schema.space import House, visible_house
from schema.string_inputs import stored_in

# A month as resolvers.bills takes it ("2026-11"): as long as the column.
BillPeriod = Annotated[str, strawberry.argument(description="YYYY-MM", metadata=stored_in(bm.Bill, "period"))]
MaybeBillPeriod = Annotated[
    str | None, strawberry.argument(description="YYYY-MM", metadata=stored_in(bm.Bill, "period"))
]

strawberry.enum(Utility, description="What a bill line charges for: a metered utility, or the property fee")
strawberry.enum(BillStatus, description="Where a bill is: issued, overdue (unpaid past its due date), or paid")
strawberry.enum(Anomaly, name="BillAnomaly", description="Why a bill line charges nothing")


@strawberry.type(description="A price of a community, in force from a day of its calendar until the next one")
class Tariff:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    utility: Utility = strawberry.field(description="What it prices")
    price_fen: int = strawberry.field(
        description="Fen per unit (m³ of water or gas, kWh of electricity or heat), or per m² a month for the property fee"
    )
    effective_from: date = strawberry.field(
        description="First day it applies (a month is billed at its first day's price)"
    )

    @classmethod
    def from_row(cls, row: bm.Tariff) -> Tariff:
        return cls(
            id=strawberry.ID(str(row.id)),
            utility=Utility(row.utility),
            price_fen=row.price_fen,
            effective_from=row.effective_from,
        )


@strawberry.input(description="A price from a day on (the same utility and day again corrects it)")
class TariffSetInput:
    community_id: strawberry.ID = strawberry.field(description="The community")
    utility: Utility = strawberry.field(description="What it prices")
    price_fen: int = strawberry.field(description="Whole fen per unit, or per m² a month (0-1000000)")
    effective_from: date = strawberry.field(description="First day it applies, in the community's calendar")


@strawberry.type(description="One utility of a bill: what it was computed from, or why it charges nothing")
class BillLine:
    utility: Utility = strawberry.field(description="What it charges for")
    device_id: strawberry.ID | None = strawberry.field(description="The meter read (null for the property fee)")
    start_reading: float | None = strawberry.field(description="The meter at the start of the month")
    end_reading: float | None = strawberry.field(description="The meter at the end of the month")
    quantity: str | None = strawberry.field(
        description="Units consumed (m³, kWh), or the floor area in m², to the thousandth, as decimal text"
    )
    unit_price_fen: int | None = strawberry.field(description="The tariff applied")
    amount_fen: Fen = strawberry.field(description="quantity × price, half up to the fen (0 with an anomaly)")
    anomaly: Anomaly | None = strawberry.field(description="Why it charges nothing, when it does not")
    note: str = strawberry.field(description="The meter's name, or what the anomaly is about")

    @classmethod
    def from_row(cls, row: bm.BillLine) -> BillLine:
        q = row.quantity_milli
        return cls(
            utility=Utility(row.utility),
            device_id=strawberry.ID(str(row.device_id)) if row.device_id else None,
            start_reading=row.start_reading,
            end_reading=row.end_reading,
            quantity=None if q is None else f"{q // money.MILLI}.{q % money.MILLI:03d}",
            unit_price_fen=row.unit_price_fen,
            amount_fen=Fen(row.amount_fen),
            anomaly=Anomaly(row.anomaly) if row.anomaly else None,
            note=row.note,
        )


@strawberry.type(description="A house's bill for one month of its community's calendar")
class Bill:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    period: str = strawberry.field(description="YYYY-MM")
    status: BillStatus = strawberry.field(description="Issued, overdue or paid")
    total_fen: Fen = strawberry.field(description="The sum of its lines, in fen")
    total_yuan: str = strawberry.field(description='The total in yuan as decimal text, e.g. "123.45"')
    anomalies: int = strawberry.field(description="Lines that charge nothing for a reason (see lines.anomaly)")
    due_date: date = strawberry.field(description="Last day to pay, in the community's calendar")
    issued_at: datetime = strawberry.field(description="When it was generated")
    paid_at: datetime | None = strawberry.field(description="When it was paid")
    house_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: bm.Bill) -> Bill:
        return cls(
            id=strawberry.ID(str(row.id)),
            period=row.period,
            status=BillStatus(row.status),
            total_fen=Fen(row.total_fen),
            total_yuan=money.yuan(row.total_fen),
            anomalies=row.anomalies,
            due_date=row.due_date,
            issued_at=row.issued_at,
            paid_at=row.paid_at,
            house_id=row.house_id,
        )

    @classmethod
    def from_message(cls, payload: dict[str, Any]) -> Bill:
        """The bill as a live message carries it (domain.bills.messages.payload)."""
        return cls(
            id=strawberry.ID(str(payload["id"])),
            period=payload["period"],
            status=BillStatus(payload["status"]),
            total_fen=Fen(payload["total_fen"]),
            total_yuan=money.yuan(payload["total_fen"]),
            anomalies=payload["anomalies"],
            due_date=date.fromisoformat(payload["due_date"]),
            issued_at=datetime.fromisoformat(payload["issued_at"]),
            paid_at=datetime.fromisoformat(payload["paid_at"]) if payload.get("paid_at") else None,
            house_id=payload["house_id"],
        )

    @strawberry.field(description="The house billed, if you may see it", metadata=SHARED_BY_SCOPE)
    async def house(self, info: Info) -> House | None:
        return await visible_house(info, self.house_id)

    @strawberry.field(
        description="Its lines: one per meter of the house, and the property fee",
        metadata=list_size(generation.MAX_LINES),
    )
    async def lines(self, info: Info) -> list[BillLine]:
        rows = await info.context.loaders.lines_of_bill.load(int(self.id))
        return [BillLine.from_row(row) for row in rows]

    @strawberry.field(description="Its latest payment: pending (pay at its payUrl), paid, or none yet")
    async def payment(self, info: Info) -> Payment | None:
        row = await info.context.loaders.payment_of_bill.load(int(self.id))
        return Payment.from_row(row) if row else None


@strawberry.type(description="One message of myBills")
class BillEvent:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="BILL_ISSUED, BILL_OVERDUE or BILL_PAID")
    bill: Bill = strawberry.field(description="The bill as of this event")

    def share_key(self) -> str:
        return f"BillEvent:{self.cursor}"

    @classmethod
    def of(cls, envelope: Envelope) -> BillEvent:
        return cls(cursor=str(envelope.cursor), kind=envelope.kind, bill=Bill.from_message(envelope.payload))


@strawberry.type(description="What generating a month did")
class BillsGenerated:
    period: str = strawberry.field(description="YYYY-MM")
    created: int = strawberry.field(description="Bills made now")
    existing: int = strawberry.field(description="Houses that had this month's bill already (nothing new for them)")
    anomalies: int = strawberry.field(description="Flagged lines on the bills made now")

    @classmethod
    def of(cls, g: generation.Generated) -> BillsGenerated:
        return cls(period=g.period, created=g.created, existing=g.existing, anomalies=g.anomalies)


@strawberry.type(description="A community's unpaid bills past their due date, now")
class BillArrears:
    count: int = strawberry.field(description="How many")
    total_fen: Fen = strawberry.field(description="What they add up to, in fen")
    total_yuan: str = strawberry.field(description="The same in yuan, as decimal text")
    community_id: strawberry.Private[int]

    @classmethod
    def of(cls, community_id: int, a: service.ArrearsTotal) -> BillArrears:
        return cls(
            count=a.count, total_fen=Fen(a.total_fen), total_yuan=money.yuan(a.total_fen), community_id=community_id
        )

    @strawberry.field(description=f"The bills, oldest first. {PAGE_HELP}")
    async def bills(self, info: Info, first: int | None = 20, after: PageCursor = None) -> Connection[Bill]:
        page = await service.arrears(info.context.viewer(), community_id=self.community_id, first=first, after=after)
        return connection(page, Bill)


@strawberry.type(description="A period's bills: issued, paid, overdue and unpaid, in counts and fen")
class BillPeriodStatistics:
    period: str = strawberry.field(description="YYYY-MM")
    issued: int = strawberry.field(description="Bills issued for the period")
    issued_fen: Fen = strawberry.field(description="What they add up to")
    paid: int = strawberry.field(description="Of those, paid")
    paid_fen: Fen = strawberry.field(description="What was paid")
    overdue: int = strawberry.field(description="Unpaid and marked overdue")
    overdue_fen: Fen = strawberry.field(description="What is overdue")
    unpaid: int = strawberry.field(description="Not paid yet (overdue or not)")
    unpaid_fen: Fen = strawberry.field(description="What is not paid yet")

    @classmethod
    def of(cls, f: stats.PeriodFigures) -> BillPeriodStatistics:
        return cls(
            period=f.period,
            issued=f.issued,
            issued_fen=Fen(f.issued_fen),
            paid=f.paid,
            paid_fen=Fen(f.paid_fen),
            overdue=f.overdue,
            overdue_fen=Fen(f.overdue_fen),
            unpaid=f.unpaid,
            unpaid_fen=Fen(f.unpaid_fen),
        )


STATISTICS_SIZE = list_size(stats.MAX_PERIODS)
TARIFFS_SIZE = list_size(MAX_PAGE_SIZE)
