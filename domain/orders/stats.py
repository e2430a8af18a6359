"""Order figures for a shop's merchants and a community's office, computed by the database:
counts, sums and averages are GROUP BY queries; Python only lays out the few grouped rows.

Days are the community's (``domain/space/calendar.py``): an order placed at 23:30 in Shanghai
counts on that Shanghai day. The day of each order is a CASE over the span's local midnights
(converted to UTC), so the grouping is the same on SQLite and PostgreSQL and right across a DST
change, with no time zone support needed from the database.

Revenue counts the orders not called off (cancelled, refused or refunded); ``orders`` counts every
order placed. Average delivery time is picked up → delivered; ``average_order_to_door_seconds``
is placed → delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tortoise.expressions import Case, When
from tortoise.functions import Avg, Count, Sum
from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.common.errors import InvalidInput, NotFound
from domain.common.figures import rounded
from domain.orders import access
from domain.orders.models import CALLED_OFF, Order, Status
from domain.shops.models import Shop
from domain.space import calendar

MAX_DAYS = 92  # a quarter: one CASE branch a day
DEFAULT_DAYS = 30
MAX_SHOPS = 100  # the shops with the most revenue, for one community


@dataclass(frozen=True)
class Figures:
    orders: int
    called_off: int
    revenue_fen: int
    average_delivery_seconds: float | None  # picked up → delivered
    average_order_to_door_seconds: float | None  # placed → delivered
    average_rating: float | None
    ratings: int


@dataclass(frozen=True)
class DayFigures:
    day: date
    orders: int
    revenue_fen: int


@dataclass(frozen=True)
class ShopFigures:
    shop_id: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class OrderStats:
    since: date
    until: date  # inclusive
    time_zone: str
    total: Figures
    by_day: list[DayFigures]  # every day of the span, oldest first, zeros included
    by_shop: list[ShopFigures]  # most revenue first
    ratings_by_score: dict[int, int]  # 1-5 → how many


async def shop_stats(viewer: Viewer, shop_id: int, *, since: date | None, until: date | None) -> OrderStats:
    """One shop's: its merchants, and the office of its community."""
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None:
        raise NotFound(f"No shop with id {shop_id}", field="shopId")
    access.check_read_shop_statistics(viewer, shop)
    return await _stats(Order.filter(shop_id=shop.id), shop.community_id, since, until)


async def community_stats(viewer: Viewer, community_id: int, *, since: date | None, until: date | None) -> OrderStats:
    """Every shop of a community, for its office."""
    access.check_read_community_statistics(viewer, community_id)
    return await _stats(Order.filter(community_id=community_id), community_id, since, until)


async def _stats(qs: QuerySet[Order], community_id: int, since: date | None, until: date | None) -> OrderStats:
    zone_name = await calendar.zone_of(community_id)
    tz = calendar.zone(zone_name)
    until = until or calendar.today(zone_name)
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise InvalidInput("since is after until", field="since")
    if (until - since).days + 1 > MAX_DAYS:
        raise InvalidInput(f"At most {MAX_DAYS} days at a time", field="since")
    days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
    ends = [calendar.midnight(d + timedelta(days=1), tz) for d in days]
    qs = qs.filter(placed_at__gte=calendar.midnight(since, tz), placed_at__lt=ends[-1])

    averages = await qs.annotate(**_averages()).values("carried", "door", "rating", "rated")
    by_status = await _grouped(qs, "status")
    by_shop_status = await _grouped(qs, "shop_id", "status")
    shop_averages = {
        row["shop_id"]: row
        for row in await qs.annotate(**_averages())
        .group_by("shop_id")
        .values("shop_id", "carried", "door", "rating", "rated")
    }
    # Each order's local day: the first of the span's local midnights it was placed before.
    day_of = Case(*(When(placed_at__lt=end, then=d.isoformat()) for d, end in zip(days, ends, strict=True)))
    by_day_status = await _grouped(qs.annotate(day=day_of), "day", "status")
    scores = await qs.filter(rating__isnull=False).annotate(n=Count("id")).group_by("rating").values("rating", "n")

    names = dict(await Shop.filter(id__in=list(shop_averages)).values_list("id", "name"))
    by_shop = [
        ShopFigures(shop_id=shop, name=str(names.get(shop, "")), figures=_figures(rows, shop_averages[shop]))
        for shop, rows in _split(by_shop_status, "shop_id").items()
    ]
    per_day = _split(by_day_status, "day")
    return OrderStats(
        since=since,
        until=until,
        time_zone=zone_name,
        total=_figures(by_status, averages[0] if averages else {}),
        by_day=[_day(d, per_day.get(d.isoformat(), [])) for d in days],
        by_shop=sorted(by_shop, key=lambda s: (-s.figures.revenue_fen, s.shop_id))[:MAX_SHOPS],
        ratings_by_score={int(r["rating"]): int(r["n"]) for r in scores},
    )


class _Mean(Avg):
    """AVG as the database computes it: tortoise's Avg casts it back to the column's type, and the
    average of integer seconds is no integer."""

    populate_field_object = False


def _averages() -> dict[str, Any]:
    return {
        "carried": _Mean("carried_seconds"),
        "door": _Mean("delivery_seconds"),
        "rating": _Mean("rating"),
        "rated": Count("rating"),
    }


async def _grouped(qs: QuerySet[Order], *columns: str) -> list[dict[str, Any]]:
    """Count and revenue per value of ``columns`` (and status, to tell what was called off)."""
    return list(await qs.annotate(n=Count("id"), fen=Sum("total_fen")).group_by(*columns).values(*columns, "n", "fen"))


def _split(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _counts(rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(orders, called off, revenue in fen) from rows grouped by status."""
    orders = called_off = revenue = 0
    for row in rows:
        n, fen = int(row["n"]), int(row["fen"] or 0)
        orders += n
        if Status(row["status"]) in CALLED_OFF:
            called_off += n
        else:
            revenue += fen
    return orders, called_off, revenue


def _figures(rows: list[dict[str, Any]], averages: dict[str, Any]) -> Figures:
    orders, called_off, revenue = _counts(rows)
    return Figures(
        orders=orders,
        called_off=called_off,
        revenue_fen=revenue,
        average_delivery_seconds=rounded(averages.get("carried")),
        average_order_to_door_seconds=rounded(averages.get("door")),
        average_rating=rounded(averages.get("rating")),
        ratings=int(averages.get("rated") or 0),
    )


def _day(day: date, rows: list[dict[str, Any]]) -> DayFigures:
    orders, _, revenue = _counts(rows)
    return DayFigures(day=day, orders=orders, revenue_fen=revenue)
