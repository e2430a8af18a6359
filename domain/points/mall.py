"""The points mall: operators list rewards; a resident redeems one (points and stock taken in one
transaction, with a pickup code); the office hands it over; a cancelled redemption gives both back."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from auth.viewer import Viewer
from domain.common.errors import Conflict, InvalidInput, OutOfStock
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible, lock, only_known
from domain.common.text import text
from domain.people.models import Person
from domain.points import access, ledger
from domain.points.models import EXPIRING, Kind, Redemption, RedemptionStatus, Reward, Source
from domain.space import places
from realtime.outbox import transaction

MAX_POINTS = 1_000_000
MAX_STOCK = 1_000_000
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter


@dataclass(frozen=True)
class NewReward:
    community_id: int
    name: str
    points: int
    stock: int
    kind: Kind = Kind.GREEN
    photo_url: str = ""
    per_person_limit: int | None = None
    active: bool = True


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = text(out["name"], field="name", max_length=100)
    if "photo_url" in out:
        url = text(out["photo_url"], field="photoUrl", max_length=500, min_length=0)
        if url and not url.startswith(("https://", "http://", "/files/")):
            raise InvalidInput("photoUrl is an http(s) address or an uploaded file's /files/ path", field="photoUrl")
        out["photo_url"] = url
    if "points" in out and not 1 <= out["points"] <= MAX_POINTS:
        raise InvalidInput(f"points is 1 to {MAX_POINTS}", field="points")
    if "stock" in out and not 0 <= out["stock"] <= MAX_STOCK:
        raise InvalidInput(f"stock is 0 to {MAX_STOCK}", field="stock")
    if out.get("per_person_limit") is not None and not 1 <= out["per_person_limit"] <= 1000:
        raise InvalidInput("perPersonLimit is 1 to 1000, or null for none", field="perPersonLimit")
    if "kind" in out and out["kind"] not in EXPIRING:
        raise InvalidInput("Rewards are paid with GREEN or VOLUNTEER points", field="kind")
    return out


async def create_reward(viewer: Viewer, new: NewReward) -> Reward:
    access.check_operate(viewer, new.community_id)
    await places.community(new.community_id)
    values = _checked(
        {
            "name": new.name,
            "points": new.points,
            "stock": new.stock,
            "kind": new.kind,
            "photo_url": new.photo_url,
            "per_person_limit": new.per_person_limit,
        }
    )
    return await Reward.create(community_id=new.community_id, active=new.active, **values)


async def update_reward(viewer: Viewer, reward_id: int, changes: dict[str, Any]) -> Reward:
    reward = await get_visible(access.readable_rewards(viewer), reward_id, what="reward", field="id")
    access.check_operate(viewer, reward.community_id)
    only_known(changes, {"name", "points", "stock", "kind", "photo_url", "per_person_limit", "active"})
    values = _checked(changes)
    if values:
        await Reward.filter(id=reward.id).update(**values)
    return await Reward.get(id=reward.id)


async def list_rewards(
    viewer: Viewer, *, community_id: int, active_only: bool, first: int | None, after: str | None
) -> Page[Reward]:
    access.check_member(viewer, community_id)
    qs = access.readable_rewards(viewer).filter(community_id=community_id)
    if active_only:
        qs = qs.filter(active=True)
    return await paginate(qs, first=first, after=after)


async def redeem(viewer: Viewer, *, reward_id: int, idempotency_key: str) -> Redemption:
    """Points and one of the stock, together or not at all. The same key again is the same redemption."""
    reward = await get_visible(access.readable_rewards(viewer), reward_id, what="reward", field="rewardId")
    person_id = access.check_redeem(viewer, reward.community_id)
    key = text(idempotency_key, field="idempotencyKey", max_length=64)
    existing = await Redemption.get_or_none(person_id=person_id, idempotency_key=key)
    if existing is not None:
        return existing
    try:
        async with transaction():
            reward = await Reward.get(id=reward.id)
            if not reward.active:
                raise Conflict("This reward is not on offer now", field="rewardId")
            redemption = await Redemption.create(
                community_id=reward.community_id,
                reward_id=reward.id,
                reward_name=reward.name,
                person_id=person_id,
                kind=reward.kind,
                points=reward.points,
                pickup_code=_pickup_code(),
                idempotency_key=key,
            )
            # First the points: the balance's row lock also orders one person's redemptions, so
            # the per-person limit below counts what their earlier ones committed.
            await ledger.post(
                ledger.Change(
                    community_id=reward.community_id,
                    person_id=person_id,
                    kind=reward.kind,
                    amount=-reward.points,
                    reason_code="REDEEMED",
                    reason=f"Redeemed {reward.name}",
                    source=Source.REDEMPTION,
                    source_id=str(redemption.id),
                    idempotency_key=f"redeem:{redemption.id}",
                )
            )
            if reward.per_person_limit is not None:
                held = await Redemption.filter(
                    person_id=person_id, reward_id=reward.id, status__not=RedemptionStatus.CANCELLED
                ).count()
                if held > reward.per_person_limit:
                    raise Conflict(f"At most {reward.per_person_limit} of this reward each", field="rewardId")
            if await Reward.filter(id=reward.id, stock__gte=1).update(stock=F("stock") - 1) != 1:
                raise OutOfStock(f"No {reward.name} left", field="rewardId")
            return redemption
    except IntegrityError:
        twin = await Redemption.get_or_none(person_id=person_id, idempotency_key=key)
        if twin is None:
            raise
        return twin


def _pickup_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


async def collect(viewer: Viewer, *, redemption_id: int, pickup_code: str) -> Redemption:
    """The office hands it over to whoever shows the code."""
    redemption = await get_visible(access.readable_redemptions(viewer), redemption_id, what="redemption", field="id")
    access.check_hand_out(viewer, redemption.community_id)
    if not secrets.compare_digest(pickup_code.strip().upper().encode(), redemption.pickup_code.encode()):
        raise InvalidInput("That is not this redemption's pickup code", field="pickupCode")
    changed = await Redemption.filter(id=redemption.id, status=RedemptionStatus.REDEEMED).update(
        status=RedemptionStatus.COLLECTED, collected_at=datetime.now(UTC)
    )
    if not changed:
        raise Conflict(f"This redemption is {(await Redemption.get(id=redemption.id)).status.value}", field="id")
    return await Redemption.get(id=redemption.id)


async def cancel(viewer: Viewer, *, redemption_id: int) -> Redemption:
    """Before it is collected, by the resident or the office: the points and the stock come back."""
    redemption = await get_visible(access.readable_redemptions(viewer), redemption_id, what="redemption", field="id")
    access.check_cancel(viewer, redemption)
    actor = await Person.get(id=viewer.person_id)
    async with transaction():
        await lock(Redemption, redemption.id)
        changed = await Redemption.filter(id=redemption.id, status=RedemptionStatus.REDEEMED).update(
            status=RedemptionStatus.CANCELLED, cancelled_at=datetime.now(UTC)
        )
        if not changed:
            raise Conflict(f"This redemption is {(await Redemption.get(id=redemption.id)).status.value}", field="id")
        await Reward.filter(id=redemption.reward_id).update(stock=F("stock") + 1)
        await ledger.post(
            ledger.Change(
                community_id=redemption.community_id,
                person_id=redemption.person_id,
                kind=redemption.kind,
                amount=redemption.points,
                reason_code="REDEMPTION_CANCELLED",
                reason=f"Redemption of {redemption.reward_name} cancelled",
                source=Source.REDEMPTION,
                source_id=str(redemption.id),
                actor_id=actor.id,
                actor_name=actor.name,
                idempotency_key=f"redeem-cancel:{redemption.id}",
            )
        )
    return await Redemption.get(id=redemption.id)


async def list_redemptions(
    viewer: Viewer,
    *,
    community_id: int | None,
    mine: bool,
    status: RedemptionStatus | None,
    first: int | None,
    after: str | None,
) -> Page[Redemption]:
    qs = access.readable_redemptions(viewer)
    if mine:
        qs = qs.filter(person_id=viewer.person_id)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    if status is not None:
        qs = qs.filter(status=status)
    return await paginate(qs, first=first, after=after)
