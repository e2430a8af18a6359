"""Bills and tariffs: the household's and the office's queries, tariffSet and billsGenerate, and myBills."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry
from strawberry.types import Info

from domain.bills import access, generation, messages, paying, service, stats, tariffs
from domain.bills.models import BillStatus, Utility
from domain.payments.models import ProviderName
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.bills import (
    STATISTICS_SIZE,
    TARIFFS_SIZE,
    Bill,
    BillArrears,
    BillEvent,
    BillPeriod,
    BillPeriodStatistics,
    BillsGenerated,
    MaybeBillPeriod,
    Tariff,
    TariffSetInput,
)
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.payments import PaymentProvider


async def bills(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    house_id: strawberry.ID | None = None,
    period: MaybeBillPeriod = None,
    status: BillStatus | None = None,
    anomalous: bool | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Bill]:
    page = await service.list_bills(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        house_id=parse_optional_id(house_id, "houseId"),
        period=period,
        status=BillStatus(status) if status else None,
        anomalous=anomalous,
        first=first,
        after=after,
    )
    return connection(page, Bill)


async def bill(info: Info[Context, None], id: strawberry.ID) -> Bill | None:
    return Bill.from_row(await service.get_bill(info.context.viewer(), parse_id(id, "id")))


async def bill_arrears(info: Info[Context, None], community_id: strawberry.ID) -> BillArrears:
    community = parse_id(community_id, "communityId")
    return BillArrears.of(community, await service.arrears_total(info.context.viewer(), community_id=community))


async def bill_statistics(
    info: Info[Context, None],
    community_id: strawberry.ID,
    since: MaybeBillPeriod = None,
    until: MaybeBillPeriod = None,
) -> list[BillPeriodStatistics]:
    figures = await stats.bill_stats(
        info.context.viewer(), community_id=parse_id(community_id, "communityId"), since=since, until=until
    )
    return [BillPeriodStatistics.of(f) for f in figures]


async def tariffs_of(
    info: Info[Context, None], community_id: strawberry.ID, utility: Utility | None = None, on: date | None = None
) -> list[Tariff]:
    rows = await tariffs.list_tariffs(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        utility=Utility(utility) if utility else None,
        on=on,
    )
    return [Tariff.from_row(r) for r in rows]


async def tariff_set(info: Info[Context, None], input: TariffSetInput) -> Tariff:
    row = await tariffs.set_tariff(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        utility=Utility(input.utility),
        price_fen=input.price_fen,
        effective_from=input.effective_from,
    )
    return Tariff.from_row(row)


async def bills_generate(info: Info[Context, None], community_id: strawberry.ID, period: BillPeriod) -> BillsGenerated:
    done = await generation.generate(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        period=period,
        due_days=info.context.bill_due_days,
    )
    return BillsGenerated.of(done)


async def bill_pay(info: Info[Context, None], bill_id: strawberry.ID, provider: PaymentProvider) -> Bill:
    row = await paying.pay(
        info.context.viewer(),
        info.context.payments,
        bill_id=parse_id(bill_id, "billId"),
        provider_name=ProviderName(provider),
    )
    return Bill.from_row(row)


async def my_bills(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: LiveCursor = None
) -> AsyncGenerator[BillEvent, None]:
    """The bills of the houses the resident lives in: issued, overdue, paid."""
    live = info.context.live_viewer()
    chosen = access.home_to_watch(live.viewer, parse_optional_id(community_id, "communityId"))

    def mine(envelope: Envelope) -> bool:
        return access.may_receive_at_home(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(chosen), after=parse_cursor(after), visible=mine, follower=live
    ):
        yield BillEvent.of(envelope)


@strawberry.type
class Query:
    bills: Connection[Bill] = strawberry.field(
        resolver=bills,
        description=f"Bills you may see: your household's, or your community's (its office). Period: YYYY-MM. {PAGE_HELP}",
    )
    bill: Bill | None = strawberry.field(resolver=bill, description="One bill (null: none that you can see)")
    bill_arrears: BillArrears = strawberry.field(
        resolver=bill_arrears, description="The community's office: unpaid bills past their due date"
    )
    bill_statistics: list[BillPeriodStatistics] = strawberry.field(
        resolver=bill_statistics,
        description="The community's office: bills issued, paid, overdue per period (YYYY-MM, since/until inclusive), newest first",
        metadata=STATISTICS_SIZE,
    )
    tariffs: list[Tariff] = strawberry.field(
        resolver=tariffs_of,
        description="A community's tariffs, oldest first per utility (its whole history, or those in force `on` a day)",
        metadata=TARIFFS_SIZE,
    )


@strawberry.type
class Mutation:
    tariff_set: Tariff = strawberry.field(resolver=tariff_set, description="Operators: a price from a day on")
    bills_generate: BillsGenerated = strawberry.field(
        resolver=bills_generate,
        description="Operators: one bill per house for an ended month (YYYY-MM); a second run creates nothing",
    )
    bill_pay: Bill = strawberry.field(
        resolver=bill_pay,
        description=(
            "Its household: pay a bill online (SANDBOX; ON_DELIVERY is refused). Pay at payment.payUrl; "
            "the bill is PAID when the provider says so. Asked again while a payment is pending, the same one"
        ),
    )


@strawberry.type
class Subscription:
    my_bills: AsyncGenerator[BillEvent, None] = strawberry.subscription(
        resolver=my_bills,
        description="Residents: the bills of the houses you live in, as they are issued, fall overdue, are paid",
    )
