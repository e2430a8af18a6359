"""The demo's points: a smart bin by 1号楼 with residents' cards and sorting records, last month's
saving of electricity and water (from the seeded meter readings), a welcome grant, rewards in the
mall, and products of the shop that also sell for points (so she can pay an order all or partly
with points: the milk with points, the eggs at the gateway). Through the domain's own functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auth.viewer import Viewer
from domain.bills.periods import last_month
from domain.people.accounts import load_viewer
from domain.people.models import Person
from domain.points import earning, mall, paying, savings
from domain.points.models import Kind
from domain.shops.models import Product
from domain.space.models import Community

SMART_BIN = "smart bin 1号楼"
# Card ids as the bins read them: Wang Fang's, and her son's.
DEMO_CARDS = {"13800000001": "CARD-0001", "13800000011": "CARD-0002"}
DEMO_REWARDS = [
    ("环保购物袋 Reusable shopping bag", 20, 50, None),
    ("洗衣液 Laundry detergent 2kg", 120, 10, 1),
    ("社区影院电影票 Community cinema ticket", 60, 2, 1),
]
# Products of the shop that also sell for GREEN points, and their points prices.
DEMO_POINTS_PRICES = {"矿泉水 Mineral water 550ml": 10, "鲜牛奶 Fresh milk 1L": 60}


async def seed_points(admin: Viewer, community: Community, *, operator: Person, merchant: Person, bin_key: str) -> None:
    for phone, card in DEMO_CARDS.items():
        person = await Person.get(phone=phone)
        await earning.bind_card(admin, community_id=community.id, person_id=person.id, card_id=card)
    now = datetime.now(UTC)
    throws = [
        earning.SortingIn(record_id=f"demo-{i}", card_id=card, correct=correct, category=category, recorded_at=at)
        for i, (card, correct, category, at) in enumerate(
            [
                ("CARD-0001", True, "RECYCLABLE", now - timedelta(hours=5)),
                ("CARD-0001", True, "KITCHEN", now - timedelta(hours=4)),
                ("CARD-0002", False, "HAZARDOUS", now - timedelta(hours=3)),
                ("CARD-0002", True, "RECYCLABLE", now - timedelta(hours=2)),
                ("CARD-0001", True, "OTHER", now - timedelta(hours=1)),
            ]
        )
    ]
    await earning.report_sorting(bin_key, throws, client="seed")
    await savings.award_month(community.id, last_month(community.time_zone))
    running = await load_viewer(operator.id)
    wang = await Person.get(phone="13800000001")
    await earning.adjust(
        running,
        community_id=community.id,
        person_id=wang.id,
        kind=Kind.GREEN,
        amount=100,
        reason="欢迎加入积分商城 Welcome to the points mall",
        idempotency_key="demo-welcome",
    )
    for name, points, stock, limit in DEMO_REWARDS:
        await mall.create_reward(
            running,
            mall.NewReward(community_id=community.id, name=name, points=points, stock=stock, per_person_limit=limit),
        )
    shop_keeper = await load_viewer(merchant.id)
    for product in await Product.filter(community_id=community.id, name__in=sorted(DEMO_POINTS_PRICES)):
        await paying.set_points_price(shop_keeper, product_id=product.id, points=DEMO_POINTS_PRICES[product.name])
