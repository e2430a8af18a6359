"""Points: one's own ledger and its live feed, the operators' grants, rules and views, bins'
sorting reports, and the mall."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.points import access, earning, mall, messages, paying, rules, savings, service
from domain.points.models import Kind, RedemptionStatus
from realtime import stream
from realtime.envelope import Envelope
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from resolvers.updates import provided
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.devices import DeviceKey
from schema.limits import list_size
from schema.points import (
    RULE_FIELDS,
    CardId,
    PickupCode,
    PointsAccount,
    PointsAdjustInput,
    PointsEntry,
    PointsPeriod,
    PointsRules,
    PointsRulesInput,
    PointsStanding,
    PointsUpdate,
    ProductPointsPrice,
    RedeemKey,
    Redemption,
    Reward,
    RewardCreateInput,
    RewardUpdateInput,
    SortingRecordInput,
    SortingReport,
)


async def my_points(info: Info[Context, None], community_id: strawberry.ID | None = None) -> PointsAccount:
    account = await service.my_account(info.context.viewer(), parse_optional_id(community_id, "communityId"))
    return PointsAccount.of(account)


async def points_history(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    person_id: strawberry.ID | None = None,
    kind: Kind | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[PointsEntry]:
    page = await service.history(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        person_id=parse_optional_id(person_id, "personId"),
        kind=kind,
        first=first,
        after=after,
    )
    return connection(page, PointsEntry)


async def points_rules(info: Info[Context, None], community_id: strawberry.ID) -> PointsRules:
    return PointsRules.from_row(await rules.get(info.context.viewer(), parse_id(community_id, "communityId")))


async def points_leaderboard(
    info: Info[Context, None],
    community_id: strawberry.ID,
    period: PointsPeriod,
    kind: Kind = Kind.GREEN,
    building_id: strawberry.ID | None = None,
    first: int = 10,
) -> list[PointsStanding]:
    top = await service.leaderboard(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        kind=kind,
        period=period,
        building_id=parse_optional_id(building_id, "buildingId"),
        first=first,
    )
    return [PointsStanding.of(rank, standing) for rank, standing in enumerate(top, start=1)]


async def points_low_credit(
    info: Info[Context, None], community_id: strawberry.ID, below: int | None = None, first: int = 20
) -> list[PointsStanding]:
    found = await service.low_credit(
        info.context.viewer(), community_id=parse_id(community_id, "communityId"), below=below, first=first
    )
    return [PointsStanding.of(rank, standing) for rank, standing in enumerate(found, start=1)]


async def rewards(
    info: Info[Context, None],
    community_id: strawberry.ID,
    active_only: bool = True,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Reward]:
    page = await mall.list_rewards(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        active_only=active_only,
        first=first,
        after=after,
    )
    return connection(page, Reward)


async def redemptions(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    mine: bool = False,
    status: RedemptionStatus | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[Redemption]:
    page = await mall.list_redemptions(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        mine=mine,
        status=status,
        first=first,
        after=after,
    )
    return connection(page, Redemption)


async def points_adjust(info: Info[Context, None], input: PointsAdjustInput) -> PointsEntry:
    posted = await earning.adjust(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        person_id=parse_id(input.person_id, "personId"),
        kind=Kind(input.kind),
        amount=input.amount,
        reason=input.reason,
        idempotency_key=input.idempotency_key,
    )
    return PointsEntry.from_row(posted.entry)


async def points_rules_set(
    info: Info[Context, None], community_id: strawberry.ID, input: PointsRulesInput
) -> PointsRules:
    changes = provided(input, dict.fromkeys(RULE_FIELDS))
    row = await rules.change(info.context.viewer(), parse_id(community_id, "communityId"), changes)
    return PointsRules.from_row(row)


async def points_card_bind(
    info: Info[Context, None], community_id: strawberry.ID, person_id: strawberry.ID, card_id: CardId
) -> bool:
    await earning.bind_card(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        person_id=parse_id(person_id, "personId"),
        card_id=card_id,
    )
    return True


async def points_sorting_report(
    info: Info[Context, None], device_key: DeviceKey, records: list[SortingRecordInput]
) -> SortingReport:
    report = await earning.report_sorting(
        device_key,
        [
            earning.SortingIn(
                record_id=r.record_id,
                card_id=r.card_id,
                correct=r.correct,
                category=r.category,
                recorded_at=r.recorded_at,
            )
            for r in records
        ],
        client=info.context.client_address(),
    )
    return SortingReport(
        accepted=report.accepted,
        duplicate_indexes=report.duplicates,
        unknown_card_indexes=report.unknown_cards,
        points=report.points,
    )


async def points_savings_award(info: Info[Context, None], community_id: strawberry.ID, period: PointsPeriod) -> int:
    return await savings.award(info.context.viewer(), community_id=parse_id(community_id, "communityId"), period=period)


async def reward_create(info: Info[Context, None], input: RewardCreateInput) -> Reward:
    new = mall.NewReward(
        community_id=parse_id(input.community_id, "communityId"),
        name=input.name,
        points=input.points,
        stock=input.stock,
        kind=Kind(input.kind),
        photo_url=input.photo_url,
        per_person_limit=input.per_person_limit,
        active=input.active,
    )
    return Reward.from_row(await mall.create_reward(info.context.viewer(), new))


async def reward_update(info: Info[Context, None], id: strawberry.ID, input: RewardUpdateInput) -> Reward:
    changes = provided(
        input,
        dict.fromkeys(("name", "points", "stock", "photo_url", "per_person_limit", "active")),
        nullable=frozenset({"per_person_limit"}),
    )
    return Reward.from_row(await mall.update_reward(info.context.viewer(), parse_id(id, "id"), changes))


async def reward_redeem(info: Info[Context, None], reward_id: strawberry.ID, idempotency_key: RedeemKey) -> Redemption:
    row = await mall.redeem(
        info.context.viewer(), reward_id=parse_id(reward_id, "rewardId"), idempotency_key=idempotency_key
    )
    return Redemption.from_row(row)


async def redemption_collect(info: Info[Context, None], id: strawberry.ID, pickup_code: PickupCode) -> Redemption:
    row = await mall.collect(info.context.viewer(), redemption_id=parse_id(id, "id"), pickup_code=pickup_code)
    return Redemption.from_row(row)


async def redemption_cancel(info: Info[Context, None], id: strawberry.ID) -> Redemption:
    return Redemption.from_row(await mall.cancel(info.context.viewer(), redemption_id=parse_id(id, "id")))


async def product_points_price_set(
    info: Info[Context, None], product_id: strawberry.ID, points: int | None = None
) -> ProductPointsPrice:
    priced = await paying.set_points_price(
        info.context.viewer(), product_id=parse_id(product_id, "productId"), points=points
    )
    return ProductPointsPrice(product_id=strawberry.ID(str(priced.product_id)), points=priced.points)


async def my_points_updates(
    info: Info[Context, None], community_id: strawberry.ID | None = None, after: LiveCursor = None
) -> AsyncGenerator[PointsUpdate, None]:
    """Your own entries in one community, as they are written."""
    live = info.context.live_viewer()
    chosen = access.own_community(live.viewer, parse_optional_id(community_id, "communityId"))

    def mine(envelope: Envelope) -> bool:
        return access.may_receive(live.viewer, envelope.payload)

    async for envelope in stream.events(
        info.context.broadcast, messages.topic(chosen), after=parse_cursor(after), visible=mine, follower=live
    ):
        yield PointsUpdate.of(envelope)


@strawberry.type
class Query:
    my_points: PointsAccount = strawberry.field(
        resolver=my_points, description="Your balances in a community (the one you live in, unnamed)"
    )
    points_history: Connection[PointsEntry] = strawberry.field(
        resolver=points_history,
        description=f"Your ledger, oldest first; operators: a person's (personId) in their community. {PAGE_HELP}",
    )
    points_rules: PointsRules = strawberry.field(resolver=points_rules, description="A community's earning rules")
    points_leaderboard: list[PointsStanding] = strawberry.field(
        resolver=points_leaderboard,
        description="Top earners of a month (first: 1-50), in the community or one building: names masked but for operators",
        metadata=list_size(service.LEADERBOARD_MAX),
    )
    points_low_credit: list[PointsStanding] = strawberry.field(
        resolver=points_low_credit,
        description="Operators: residents whose credit score is below `below` (the rules' lowCreditBelow), lowest first",
        metadata=list_size(service.LOW_CREDIT_MAX),
    )
    rewards: Connection[Reward] = strawberry.field(
        resolver=rewards, description=f"The community's points mall. {PAGE_HELP}"
    )
    redemptions: Connection[Redemption] = strawberry.field(
        resolver=redemptions, description=f"Your redemptions; the office's: their community's. {PAGE_HELP}"
    )


@strawberry.type
class Mutation:
    points_adjust: PointsEntry = strawberry.field(
        resolver=points_adjust, description="Operators: grant or deduct points by hand, with a reason"
    )
    points_rules_set: PointsRules = strawberry.field(
        resolver=points_rules_set, description="Operators: change the community's earning rules"
    )
    points_card_bind: bool = strawberry.field(
        resolver=points_card_bind, description="The office: give a resident a card (or face id) the bins read"
    )
    points_sorting_report: SortingReport = strawberry.field(
        resolver=points_sorting_report,
        description="Smart bins, by their device key: sorting records (the same recordId again is stored and earns once)",
    )
    points_savings_award: int = strawberry.field(
        resolver=points_savings_award,
        description="Operators: green points for a month's saving on electricity and water (again: nothing more). The points posted now",
    )
    reward_create: Reward = strawberry.field(resolver=reward_create, description="Operators: list a reward in the mall")
    reward_update: Reward = strawberry.field(resolver=reward_update, description="Operators: change a reward")
    reward_redeem: Redemption = strawberry.field(
        resolver=reward_redeem, description="Residents: redeem a reward (points and stock taken together)"
    )
    redemption_collect: Redemption = strawberry.field(
        resolver=redemption_collect, description="The office: hand a redeemed reward to who shows its pickup code"
    )
    redemption_cancel: Redemption = strawberry.field(
        resolver=redemption_cancel,
        description="The resident or the office, before it is collected: points and stock come back",
    )

    product_points_price_set: ProductPointsPrice = strawberry.field(
        resolver=product_points_price_set,
        description="A shop's merchants: sell a product for GREEN points too, at this price (null: not for points)",
    )


@strawberry.type
class Subscription:
    my_points_updates: AsyncGenerator[PointsUpdate, None] = strawberry.subscription(
        resolver=my_points_updates, description="Your own ledger entries as they arrive (earned, spent, expired)"
    )
