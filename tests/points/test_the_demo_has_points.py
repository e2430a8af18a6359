"""`lingli seed`: the demo resident has points from sorting at the smart bin, last month's saving
and a welcome grant; the mall has rewards; she redeems one, pays an order with points and another partly with points; the bin
sorting again (its key is the demo's) earns her more."""

from __future__ import annotations

import uuid

from domain.people.models import Person, Residency
from domain.shops.models import Product
from server.seed import DEMO_PASSWORD, demo_device_key, seed_demo
from server.seed_points import SMART_BIN
from tests.orders.support import PLACE
from tests.points.support import HISTORY, MY_POINTS, REDEEM, REWARDS, SORTING, throw
from tests.support import Api, data

LOGIN = "mutation L($p: String!, $w: String!) { authLogin(phone: $p, password: $w) { accessToken } }"


async def test_the_demo_resident_earns_redeems_and_pays_with_points(api: Api) -> None:
    assert await seed_demo()
    token = data(await api(LOGIN, {"p": "13800000001", "w": DEMO_PASSWORD}))["authLogin"]["accessToken"]
    mine = data(await api(MY_POINTS, {}, token=token))["myPoints"]
    # Sorting: 4 right throws at 2 each (hers 3: 6); saving 22.8 kWh of electricity in a household of
    # two (22 points, 11 each); the welcome grant of 100.
    assert mine["green"] == 6 + 11 + 100
    reasons = {e["reasonCode"] for e in data(await api(HISTORY, {}, token=token))["pointsHistory"]["nodes"]}
    assert reasons == {"SORTED_RIGHT", "SAVED_ENERGY", "GRANTED"}
    rewards = data(await api(REWARDS, {"c": mine["communityId"]}, token=token))["rewards"]["nodes"]
    assert len(rewards) == 3
    bag = next(r for r in rewards if r["points"] == 20)
    redeemed = data(await api(REDEEM, {"r": bag["id"], "key": "demo"}, token=token))["rewardRedeem"]
    assert redeemed["status"] == "REDEEMED"
    water = await Product.get(name="矿泉水 Mineral water 550ml")
    house = await _house_of(api, token)
    order = {
        "input": {
            "shopId": str(water.shop_id),
            "houseId": house,
            "lines": [{"productId": str(water.id), "quantity": 3}],
            "idempotencyKey": uuid.uuid4().hex,
            "payment": "POINTS",
        }
    }
    assert data(await api(PLACE, order, token=token))["orderPlace"]["paid"] is True
    # Part with points: the milk (60 points) with points, the water in money at the door.
    milk = await Product.get(name="鲜牛奶 Fresh milk 1L")
    order["input"]["lines"] = [
        {"productId": str(milk.id), "quantity": 1, "withPoints": True},
        {"productId": str(water.id), "quantity": 1},
    ]
    order["input"] |= {"payment": "ON_DELIVERY", "idempotencyKey": uuid.uuid4().hex}
    split = data(await api(PLACE, order, token=token))["orderPlace"]
    assert (split["totalFen"], split["payment"]["amountFen"], split["paid"]) == (1250 + 200, 200, False)
    more = await api(SORTING, {"key": demo_device_key(SMART_BIN), "records": [throw("demo-next", "CARD-0001")]})
    assert data(more)["pointsSortingReport"]["points"] == 2
    assert data(await api(MY_POINTS, {}, token=token))["myPoints"]["green"] == 117 - 20 - 30 - 60 + 2


async def _house_of(api: Api, token: str) -> str:
    wang = await Person.get(phone="13800000001")
    return str((await Residency.get(person_id=wang.id)).house_id)
