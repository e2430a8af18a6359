"""Reading the ledger: one's own balances and history, a person's history for an operator, who has
low credit, and the leaderboard."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.functions import Sum

from auth.viewer import Viewer
from domain.bills.periods import parse_period
from domain.common.errors import InvalidInput
from domain.common.pagination import Page, paginate
from domain.people.masking import mask_name
from domain.people.models import Person, Residency
from domain.points import access, earning, rules
from domain.points.models import EXPIRING, Balance, Entry, Kind, Source
from domain.space import calendar, places

LEADERBOARD_MAX = 50
LOW_CREDIT_MAX = 100
# What counts as earned on the leaderboard: points given for doing something, not money back.
EARNING_SOURCES = frozenset({Source.SORTING, Source.READING, Source.ACTIVITY, Source.OPERATOR})


@dataclass(frozen=True)
class Account:
    community_id: int
    person_id: int
    balances: dict[Kind, int]


async def my_account(viewer: Viewer, community_id: int | None) -> Account:
    chosen = access.own_community(viewer, community_id)
    assert viewer.person_id is not None
    return await account_of(viewer.person_id, chosen)


async def account_of(person_id: int, community_id: int) -> Account:
    rows = {b.kind: b.balance for b in await Balance.filter(person_id=person_id, community_id=community_id)}
    base = (await rules.of(community_id)).credit_base
    balances = {kind: rows.get(kind, base if kind is Kind.CREDIT else 0) for kind in Kind}
    return Account(community_id=community_id, person_id=person_id, balances=balances)


async def history(
    viewer: Viewer,
    *,
    community_id: int | None,
    person_id: int | None,
    kind: Kind | None,
    first: int | None,
    after: str | None,
) -> Page[Entry]:
    """One's own (``person_id`` None), or, for the community's operators, a person's there."""
    if person_id is None or person_id == viewer.person_id:
        chosen = access.own_community(viewer, community_id)
        qs = access.readable_entries(viewer).filter(person_id=viewer.person_id, community_id=chosen)
    else:
        if community_id is None:
            raise InvalidInput("Name the community (communityId)", field="communityId")
        access.check_operate(viewer, community_id)
        await earning.person_of(community_id, person_id)
        qs = access.readable_entries(viewer).filter(person_id=person_id, community_id=community_id)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return await paginate(qs, first=first, after=after)


@dataclass(frozen=True)
class Standing:
    """``person_id`` None: not shown to this viewer (the leaderboard's names are masked)."""

    person_id: int | None
    name: str
    points: int
    is_viewer: bool = False


async def low_credit(viewer: Viewer, *, community_id: int, below: int | None, first: int) -> list[Standing]:
    access.check_operate(viewer, community_id)
    if not 1 <= first <= LOW_CREDIT_MAX:
        raise InvalidInput(f"first is 1 to {LOW_CREDIT_MAX}", field="first")
    limit = below if below is not None else (await rules.of(community_id)).low_credit_below
    rows = (
        await Balance.filter(community_id=community_id, kind=Kind.CREDIT, balance__lt=limit)
        .order_by("balance", "person_id")
        .limit(first)
    )
    names = dict(await Person.filter(id__in=[r.person_id for r in rows]).values_list("id", "name"))
    return [Standing(person_id=r.person_id, name=str(names.get(r.person_id, "")), points=r.balance) for r in rows]


async def leaderboard(
    viewer: Viewer,
    *,
    community_id: int,
    kind: Kind,
    period: str,
    building_id: int | None,
    first: int,
) -> list[Standing]:
    """Top earners of a month, names masked for all but the community's operators."""
    access.check_member(viewer, community_id)
    if kind not in EXPIRING:
        raise InvalidInput("The leaderboard is of GREEN or VOLUNTEER points", field="kind")
    if not 1 <= first <= LEADERBOARD_MAX:
        raise InvalidInput(f"first is 1 to {LEADERBOARD_MAX}", field="first")
    span = parse_period(period).span(await calendar.zone_of(community_id))
    qs = Entry.filter(
        community_id=community_id,
        kind=kind,
        amount__gt=0,
        source__in=sorted(EARNING_SOURCES),
        created_at__gte=span.since,
        created_at__lt=span.until,
    )
    if building_id is not None:
        await places.building_in(community_id, building_id)
        living = Residency.filter(
            Q(moved_out__isnull=True), community_id=community_id, house__building_id=building_id
        ).values_list("person_id", flat=True)
        qs = qs.filter(person_id__in=list(await living))
    grouped = (
        await qs.annotate(total=Sum("amount"))
        .group_by("person_id")
        .order_by("-total", "person_id")
        .limit(first)
        .values("person_id", "total")
    )
    top = [(int(row["person_id"]), int(row["total"])) for row in grouped]
    names = dict(await Person.filter(id__in=[p for p, _ in top]).values_list("id", "name"))
    full = access.sees_names(viewer, community_id)
    return [
        Standing(
            person_id=p if full or p == viewer.person_id else None,
            name=str(names.get(p, "")) if full else mask_name(str(names.get(p, ""))),
            points=total,
            is_viewer=p == viewer.person_id,
        )
        for p, total in top
    ]
