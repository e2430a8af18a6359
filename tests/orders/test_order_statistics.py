"""Order figures for merchants and the community's office, from known orders: per day of the
community's calendar (an order at 23:30 in Shanghai is on that Shanghai day), per shop, average
delivery time (picked up → delivered), ratings; revenue leaves out what was called off."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.orders.models import Order, Status
from domain.payments.models import ProviderName
from domain.shops.models import Shop
from tests.shops.support import make_shops
from tests.support import Api, World, code_and_field, data

FIGURES = "orders calledOff revenueFen averageDeliverySeconds averageOrderToDoorSeconds averageRating ratings"
STATS = f"since until timeZone total {{ {FIGURES} }} byDay {{ day orders revenueFen }} byShop {{ shopId name figures {{ {FIGURES} }} }} ratings {{ score count }}"
SHOP = f"query S($shop: ID!, $since: Date, $until: Date) {{ shopStatistics(shopId: $shop, since: $since, until: $until) {{ {STATS} }} }}"
COMMUNITY = f"query C($c: ID!, $since: Date, $until: Date) {{ orderStatistics(communityId: $c, since: $since, until: $until) {{ {STATS} }} }}"
SPAN = {"since": "2026-11-02", "until": "2026-11-04"}


async def make_order(world: World, shop: Shop, placed: str, total: int, status: Status, **more: Any) -> Order:
    return await Order.create(
        community_id=shop.community_id,
        shop_id=shop.id,
        resident_id=world.owner_a101.id,
        house_id=world.a101.id,
        house_number="A-101",
        contact_name="Owner",
        contact_phone=world.owner_a101.phone,
        idempotency_key=f"{shop.id}-{placed}",
        status=status,
        total_fen=total,
        payment_provider=ProviderName.ON_DELIVERY,
        placed_at=datetime.fromisoformat(placed).replace(tzinfo=UTC),
        **more,
    )


async def known_orders(world: World) -> Any:
    shops = await make_shops(world)
    done = {"carried_seconds": 600, "delivery_seconds": 1800}
    await make_order(world, shops.a, "2026-11-02T15:30", 1000, Status.COMPLETED, rating=5, **done)  # 23:30 on the 2nd
    await make_order(
        world, shops.a, "2026-11-02T16:30", 2000, Status.DELIVERED, carried_seconds=300, delivery_seconds=1200
    )  # 00:30 on the 3rd
    await make_order(world, shops.a, "2026-11-03T02:00", 500, Status.CANCELLED)
    await make_order(
        world, shops.a, "2026-11-04T01:00", 700, Status.COMPLETED, rating=3, carried_seconds=900, delivery_seconds=2000
    )
    await make_order(
        world, shops.a2, "2026-11-03T03:00", 300, Status.COMPLETED, rating=4, carried_seconds=120, delivery_seconds=600
    )
    await make_order(world, shops.a, "2026-11-10T03:00", 9999, Status.PLACED)  # after the span
    await make_order(world, shops.b, "2026-11-03T03:00", 8888, Status.PLACED)  # another community
    return shops


async def test_a_merchant_reads_their_shops_figures_per_day_of_the_community(api: Api, world: World) -> None:
    shops = await known_orders(world)
    stats = data(await api(SHOP, {"shop": str(shops.a.id), **SPAN}, as_=shops.merchant_a))["shopStatistics"]
    assert stats["timeZone"] == "Asia/Shanghai"
    assert stats["total"] == {
        "orders": 4,
        "calledOff": 1,
        "revenueFen": 3700,
        "averageDeliverySeconds": 600.0,
        "averageOrderToDoorSeconds": 1666.67,
        "averageRating": 4.0,
        "ratings": 2,
    }
    assert stats["byDay"] == [
        {"day": "2026-11-02", "orders": 1, "revenueFen": 1000},
        {"day": "2026-11-03", "orders": 2, "revenueFen": 2000},
        {"day": "2026-11-04", "orders": 1, "revenueFen": 700},
    ]
    assert stats["ratings"] == [{"score": 3, "count": 1}, {"score": 5, "count": 1}]
    assert [s["name"] for s in stats["byShop"]] == ["Alpha Mart"]


async def test_the_days_are_the_communitys_own(api: Api, world: World) -> None:
    shops = await known_orders(world)
    world.a.time_zone = "UTC"
    await world.a.save()
    stats = data(await api(SHOP, {"shop": str(shops.a.id), **SPAN}, as_=shops.merchant_a))["shopStatistics"]
    assert [d["orders"] for d in stats["byDay"]] == [2, 1, 1]  # 16:30 UTC is still the 2nd in UTC


async def test_the_office_reads_every_shop_of_its_community(api: Api, world: World) -> None:
    shops = await known_orders(world)
    stats = data(await api(COMMUNITY, {"c": str(world.a.id), **SPAN}, as_=world.operator_a))["orderStatistics"]
    assert (stats["total"]["orders"], stats["total"]["revenueFen"]) == (5, 4000)
    assert stats["total"]["averageDeliverySeconds"] == 480.0  # (600 + 300 + 900 + 120) / 4
    assert [(s["name"], s["figures"]["revenueFen"], s["figures"]["orders"]) for s in stats["byShop"]] == [
        ("Alpha Mart", 3700, 4),
        ("Alpha Bakery", 300, 1),
    ]
    assert [d["orders"] for d in stats["byDay"]] == [1, 3, 1]
    assert (
        data(await api(SHOP, {"shop": str(shops.a2.id), **SPAN}, as_=world.operator_a))["shopStatistics"]["total"][
            "orders"
        ]
        == 1
    )


async def test_nobody_else_reads_them(api: Api, world: World) -> None:
    shops = await known_orders(world)
    for stranger in (shops.merchant_a2, shops.courier_a, world.owner_a101, world.operator_b, shops.merchant_b):
        assert code_and_field(await api(SHOP, {"shop": str(shops.a.id)}, as_=stranger))[0] == "FORBIDDEN", stranger.name
    for stranger in (shops.merchant_a, world.owner_a101, world.operator_b):
        assert code_and_field(await api(COMMUNITY, {"c": str(world.a.id)}, as_=stranger))[0] == "FORBIDDEN"
    assert code_and_field(await api(SHOP, {"shop": "999999"}, as_=shops.merchant_a)) == ("NOT_FOUND", "shopId")


async def test_a_span_is_whole_days_in_order_and_bounded(api: Api, world: World) -> None:
    shops = await known_orders(world)
    merchant = shops.merchant_a
    backwards = {"shop": str(shops.a.id), "since": "2026-11-04", "until": "2026-11-02"}
    assert code_and_field(await api(SHOP, backwards, as_=merchant)) == ("INVALID_INPUT", "since")
    too_long = {"shop": str(shops.a.id), "since": "2026-01-01", "until": "2026-12-31"}
    assert code_and_field(await api(SHOP, too_long, as_=merchant)) == ("INVALID_INPUT", "since")
    default = data(await api(SHOP, {"shop": str(shops.a.id)}, as_=merchant))["shopStatistics"]
    assert len(default["byDay"]) == 30


async def test_the_loop_records_the_delivery_time_the_figures_average(api: Api, world: World) -> None:
    from tests.orders.support import advance, make_market, place

    market = await make_market(world)
    order = await place(api, market, world.owner_a101, world.a101)
    await advance(api, market, order["id"], "accept", "dispatch", "pick_up", "depart", "deliver")
    row = await Order.get(id=int(order["id"]))
    assert row.picked_up_at is not None and row.delivered_at is not None
    assert row.carried_seconds == int((row.delivered_at - row.picked_up_at).total_seconds())
    stats = data(await api(SHOP, {"shop": str(market.shops.a.id)}, as_=market.shops.merchant_a))["shopStatistics"]
    assert stats["total"]["orders"] == 1
    assert stats["total"]["averageDeliverySeconds"] == float(row.carried_seconds)
