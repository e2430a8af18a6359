"""GraphQL types and inputs of points: the ledger, balances, rules, bins' sorting records, the
mall, the leaderboard and the live feed of one's own entries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.points import models as pm
from domain.points.earning import MAX_RECORDS
from domain.points.models import Kind as PointsKind
from domain.points.models import RedemptionStatus
from domain.points.models import Source as PointsSource
from domain.points.service import Account, Standing
from realtime.envelope import Envelope
from schema.limits import list_size
from schema.string_inputs import at_most, stored_in

strawberry.enum(
    PointsKind, name="PointsKind", description="GREEN and VOLUNTEER points are earned and spent; CREDIT is a score"
)
strawberry.enum(PointsSource, name="PointsSource", description="Where an entry came from")
strawberry.enum(RedemptionStatus, name="RedemptionStatus", description="Where a redemption is")


@strawberry.type(description="One change of one balance: append-only")
class PointsEntry:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="The community whose ledger it is in")
    kind: PointsKind = strawberry.field(description="Which balance")
    amount: int = strawberry.field(description="Signed: earned > 0; spent, deducted or expired < 0")
    reason_code: str = strawberry.field(
        description="Stable: SORTED_RIGHT, SORTED_WRONG, SAVED_ENERGY, VOLUNTEERED, GRANTED, DEDUCTED, REDEEMED, REDEMPTION_CANCELLED, PAID_ORDER, ORDER_REFUNDED, EXPIRED, CREDIT_BASE"
    )
    reason: str = strawberry.field(description="Readable")
    source: PointsSource = strawberry.field(description="Where it came from")
    source_id: str = strawberry.field(description="The record, reading, activity, order or redemption it came from")
    actor_name: str = strawberry.field(description="Who caused it (empty: the system)")
    expires_at: datetime | None = strawberry.field(
        description="When what is left of it expires (earnings of GREEN and VOLUNTEER)"
    )
    created_at: datetime = strawberry.field(description="When")

    @classmethod
    def from_row(cls, row: pm.Entry) -> PointsEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            kind=row.kind,
            amount=row.amount,
            reason_code=row.reason_code,
            reason=row.reason,
            source=row.source,
            source_id=row.source_id,
            actor_name=row.actor_name,
            expires_at=row.expires_at,
            created_at=row.created_at,
        )

    @classmethod
    def from_message(cls, p: dict[str, Any]) -> PointsEntry:
        return cls(
            id=strawberry.ID(str(p["id"])),
            community_id=strawberry.ID(str(p["community_id"])),
            kind=PointsKind(p["kind"]),
            amount=p["amount"],
            reason_code=p["reason_code"],
            reason=p["reason"],
            source=PointsSource(p["source"]),
            source_id=p["source_id"],
            actor_name=p["actor_name"],
            expires_at=datetime.fromisoformat(p["expires_at"]) if p.get("expires_at") else None,
            created_at=datetime.fromisoformat(p["created_at"]),
        )


@strawberry.type(description="A person's points in one community")
class PointsAccount:
    community_id: strawberry.ID = strawberry.field(description="The community")
    green: int = strawberry.field(description="GREEN points")
    volunteer: int = strawberry.field(description="VOLUNTEER points")
    credit: int = strawberry.field(description="The credit score (CREDIT, from the community's base)")

    @classmethod
    def of(cls, account: Account) -> PointsAccount:
        return cls(
            community_id=strawberry.ID(str(account.community_id)),
            green=account.balances[PointsKind.GREEN],
            volunteer=account.balances[PointsKind.VOLUNTEER],
            credit=account.balances[PointsKind.CREDIT],
        )


@strawberry.type(description="One entry of your ledger arriving live")
class PointsUpdate:
    cursor: str = strawberry.field(description="Reconnect with `after: cursor` to miss nothing")
    kind: str = strawberry.field(description="POINTS_EARNED, POINTS_SPENT, POINTS_EXPIRED")
    entry: PointsEntry = strawberry.field(description="The entry")
    balance: int = strawberry.field(description="The balance of its kind after it")

    @classmethod
    def of(cls, envelope: Envelope) -> PointsUpdate:
        return cls(
            cursor=str(envelope.cursor),
            kind=envelope.kind,
            entry=PointsEntry.from_message(envelope.payload),
            balance=envelope.payload["balance"],
        )


@strawberry.type(description="A community's earning rules")
class PointsRules:
    sorted_right_points: int = strawberry.field(description="GREEN points for a rightly sorted throw")
    sorted_wrong_credit: int = strawberry.field(description="CREDIT deducted for a wrongly sorted one")
    sorting_daily_cap: int = strawberry.field(description="GREEN points from sorting per person per day, at most")
    points_per_kwh_saved: int = strawberry.field(description="GREEN points per kWh a household saves month over month")
    points_per_m3_saved: int = strawberry.field(description="GREEN points per m³ of water saved")
    saving_monthly_cap: int = strawberry.field(description="GREEN points per household per month from saving, at most")
    volunteer_points: int = strawberry.field(description="VOLUNTEER points per activity or finished help request")
    volunteer_daily_cap: int = strawberry.field(description="VOLUNTEER points per person per day, at most")
    expiry_years: int = strawberry.field(description="Earned points expire when the year this many after ends")
    credit_base: int = strawberry.field(description="The credit score everyone starts at")
    low_credit_below: int = strawberry.field(description="A credit score below this is low")

    @classmethod
    def from_row(cls, row: pm.Rules) -> PointsRules:
        return cls(**{name: getattr(row, name) for name in RULE_FIELDS})


RULE_FIELDS = (
    "sorted_right_points",
    "sorted_wrong_credit",
    "sorting_daily_cap",
    "points_per_kwh_saved",
    "points_per_m3_saved",
    "saving_monthly_cap",
    "volunteer_points",
    "volunteer_daily_cap",
    "expiry_years",
    "credit_base",
    "low_credit_below",
)


@strawberry.input(description="The rules to change: what is left out stays")
class PointsRulesInput:
    sorted_right_points: int | None = strawberry.field(default=strawberry.UNSET, description="0-1000")
    sorted_wrong_credit: int | None = strawberry.field(default=strawberry.UNSET, description="0-100")
    sorting_daily_cap: int | None = strawberry.field(default=strawberry.UNSET, description="0-10000")
    points_per_kwh_saved: int | None = strawberry.field(default=strawberry.UNSET, description="0-1000")
    points_per_m3_saved: int | None = strawberry.field(default=strawberry.UNSET, description="0-1000")
    saving_monthly_cap: int | None = strawberry.field(default=strawberry.UNSET, description="0-100000")
    volunteer_points: int | None = strawberry.field(default=strawberry.UNSET, description="0-10000")
    volunteer_daily_cap: int | None = strawberry.field(default=strawberry.UNSET, description="0-100000")
    expiry_years: int | None = strawberry.field(default=strawberry.UNSET, description="0-10")
    credit_base: int | None = strawberry.field(default=strawberry.UNSET, description="0-1000")
    low_credit_below: int | None = strawberry.field(default=strawberry.UNSET, description="0-1000")


@strawberry.input(description="An operator's grant (amount > 0) or deduction (< 0), on the ledger as theirs")
class PointsAdjustInput:
    community_id: strawberry.ID = strawberry.field(description="The community")
    person_id: strawberry.ID = strawberry.field(description="Who lives or works there")
    kind: PointsKind = strawberry.field(description="Which balance")
    amount: int = strawberry.field(description="Signed, not 0")
    reason: str = strawberry.field(description="Why (the person reads it)", metadata=stored_in(pm.Entry, "reason"))
    idempotency_key: str = strawberry.field(
        description="Your key for this change: sent again, it is one change", metadata=at_most(64, "a client's key")
    )


@strawberry.input(description="One throw at a smart bin")
class SortingRecordInput:
    record_id: str = strawberry.field(
        description="The bin's id of the record: the same one again is stored once",
        metadata=stored_in(pm.SortingRecord, "record_id"),
    )
    card_id: str = strawberry.field(
        description="The card or face id the bin read", metadata=stored_in(pm.SortingRecord, "card_id")
    )
    correct: bool = strawberry.field(description="Sorted right")
    category: str = strawberry.field(
        default="",
        description="RECYCLABLE, KITCHEN, HAZARDOUS, OTHER…",
        metadata=stored_in(pm.SortingRecord, "category"),
    )
    recorded_at: datetime | None = strawberry.field(default=None, description="When (now, if left out)")


@strawberry.type(description="What a bin's report did")
class SortingReport:
    accepted: int = strawberry.field(description="Records stored now")
    duplicate_indexes: list[int] = strawberry.field(
        description="Positions of records stored before", metadata=list_size(MAX_RECORDS)
    )
    unknown_card_indexes: list[int] = strawberry.field(
        description="Positions of records whose card nobody holds", metadata=list_size(MAX_RECORDS)
    )
    points: int = strawberry.field(description="GREEN points earned by the records stored now")


@strawberry.type(description="A reward of the points mall")
class Reward:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    name: str = strawberry.field(description="What it is")
    photo_url: str = strawberry.field(description="Its photo")
    kind: PointsKind = strawberry.field(description="Which points pay for it")
    points: int = strawberry.field(description="Its price in points")
    stock: int = strawberry.field(description="How many are left")
    per_person_limit: int | None = strawberry.field(description="How many one person may hold (null: no limit)")
    active: bool = strawberry.field(description="On offer")

    @classmethod
    def from_row(cls, row: pm.Reward) -> Reward:
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            name=row.name,
            photo_url=row.photo_url,
            kind=row.kind,
            points=row.points,
            stock=row.stock,
            per_person_limit=row.per_person_limit,
            active=row.active,
        )


@strawberry.input(description="A new reward")
class RewardCreateInput:
    community_id: strawberry.ID = strawberry.field(description="The community")
    name: str = strawberry.field(description="What it is", metadata=stored_in(pm.Reward, "name"))
    points: int = strawberry.field(description="Its price in points (1-1000000)")
    stock: int = strawberry.field(description="How many there are")
    kind: PointsKind = strawberry.field(default=PointsKind.GREEN, description="GREEN or VOLUNTEER")
    photo_url: str = strawberry.field(default="", description="Its photo", metadata=stored_in(pm.Reward, "photo_url"))
    per_person_limit: int | None = strawberry.field(default=None, description="How many one person may hold")
    active: bool = strawberry.field(default=True, description="On offer")


@strawberry.input(description="Changes to a reward: what is left out stays")
class RewardUpdateInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it is", metadata=stored_in(pm.Reward, "name")
    )
    points: int | None = strawberry.field(default=strawberry.UNSET, description="Its price")
    stock: int | None = strawberry.field(default=strawberry.UNSET, description="How many are left")
    photo_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="Its photo", metadata=stored_in(pm.Reward, "photo_url")
    )
    per_person_limit: int | None = strawberry.field(default=strawberry.UNSET, description="Null: no limit")
    active: bool | None = strawberry.field(default=strawberry.UNSET, description="On offer")


@strawberry.type(description="A reward redeemed: picked up at the office with its code")
class Redemption:
    id: strawberry.ID = strawberry.field(description="Opaque id")
    community_id: strawberry.ID = strawberry.field(description="Its community")
    reward_id: strawberry.ID = strawberry.field(description="The reward")
    reward_name: str = strawberry.field(description="Its name when redeemed")
    kind: PointsKind = strawberry.field(description="Which points paid")
    points: int = strawberry.field(description="How many")
    status: RedemptionStatus = strawberry.field(description="Where it is")
    created_at: datetime = strawberry.field(description="When it was redeemed")
    collected_at: datetime | None = strawberry.field(description="When it was handed over")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled")
    person_id: strawberry.Private[int]
    code: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: pm.Redemption) -> Redemption:
        return cls(
            id=strawberry.ID(str(row.id)),
            community_id=strawberry.ID(str(row.community_id)),
            reward_id=strawberry.ID(str(row.reward_id)),
            reward_name=row.reward_name,
            kind=row.kind,
            points=row.points,
            status=row.status,
            created_at=row.created_at,
            collected_at=row.collected_at,
            cancelled_at=row.cancelled_at,
            person_id=row.person_id,
            code=row.pickup_code,
        )

    @strawberry.field(description="The code to show at pickup: only the one who redeemed it sees it")
    def pickup_code(self, info: Info) -> str | None:
        return self.code if info.context.viewer().person_id == self.person_id else None


@strawberry.type(description="One place on a leaderboard, or one resident of low credit")
class PointsStanding:
    rank: int = strawberry.field(description="1 for the first")
    person_id: strawberry.ID | None = strawberry.field(
        description="Who: shown to the community's operators, and to you for yourself"
    )
    name: str = strawberry.field(description="Their name: masked but for the community's operators")
    points: int = strawberry.field(description="Points earned in the month, or the credit score")
    is_you: bool = strawberry.field(description="This is you")

    @classmethod
    def of(cls, rank: int, standing: Standing) -> PointsStanding:
        return cls(
            rank=rank,
            person_id=strawberry.ID(str(standing.person_id)) if standing.person_id is not None else None,
            name=standing.name,
            points=standing.points,
            is_you=standing.is_viewer,
        )


# Arguments of resolvers.points, with their lengths.
PointsPeriod = Annotated[str, strawberry.argument(description="A month, YYYY-MM", metadata=at_most(7, "YYYY-MM"))]
CardId = Annotated[
    str, strawberry.argument(description="The card or face id a bin reads", metadata=stored_in(pm.Card, "card_id"))
]
PickupCode = Annotated[
    str,
    strawberry.argument(description="The code the resident shows", metadata=stored_in(pm.Redemption, "pickup_code")),
]
RedeemKey = Annotated[
    str,
    strawberry.argument(
        description="Your key for this redemption: sent again, it is one",
        metadata=stored_in(pm.Redemption, "idempotency_key"),
    ),
]


@strawberry.type(description="A product's price in points (null: not sold for points)")
class ProductPointsPrice:
    product_id: strawberry.ID = strawberry.field(description="The product")
    points: int | None = strawberry.field(description="GREEN points for one")
